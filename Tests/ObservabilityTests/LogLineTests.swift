import Foundation
import Logging
import Observability
import Testing

/// The two line formats: human lines as people read them, JSON lines that parse, keep every
/// metadata key and survive hostile messages.
@Suite struct LogLineTests {
    private func object(_ line: String) throws -> [String: Any] {
        #expect(!line.contains("\n"))
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func jsonLinesParseWithTheirMetadata() throws {
        let line = LogLine.json(time: Date(timeIntervalSince1970: 1_764_594_320.25), level: .warning, component: "coordinator",
                                message: "tile 3 attempt 1 failed: \"quoted\"\nsecond line\t\u{1}",
                                metadata: ["run_id": "0123456789ab", "tile": .stringConvertible(3), "attempt": .stringConvertible(1),
                                           "worker": "host:42", "message": "ignored", "list": ["a", .stringConvertible(2)]])
        let fields = try object(line)
        #expect(fields["time"] as? String == "2025-12-01T13:05:20.250Z")
        #expect(fields["level"] as? String == "warning")
        #expect(fields["component"] as? String == "coordinator")
        #expect(fields["message"] as? String == "tile 3 attempt 1 failed: \"quoted\"\nsecond line\t\u{1}")
        #expect(fields["run_id"] as? String == "0123456789ab")
        #expect(fields["tile"] as? Int == 3)
        #expect(fields["attempt"] as? Int == 1)
        #expect(fields["worker"] as? String == "host:42")
        #expect((fields["list"] as? [Any])?.count == 2)
    }

    @Test func handlersWriteOneLinePerEventInTheirFormat() throws {
        let lines = Lines()
        var human = Logger(label: "c") { _ in LineLogHandler(component: "coordinator", format: .human, write: lines.append) }
        human[metadataKey: "run_id"] = "r1"
        human.info("worker 0a joined: local-1, 1 threads")
        human.debug("not shown at the default level")
        var json = Logger(label: "w") { _ in LineLogHandler(component: "worker local-1", format: .json, level: .debug, write: lines.append) }
        json.logLevel = .debug
        json[metadataKey: "worker"] = "local-1"
        json.debug("tile 5 attempt 2 done", metadata: ["tile": .stringConvertible(5), "attempt": .stringConvertible(2)])
        let written = lines.all
        #expect(written.count == 2)
        #expect(written.first == "coordinator: worker 0a joined: local-1, 1 threads")
        let fields = try object(written[1])
        #expect(fields["component"] as? String == "worker local-1")
        #expect(fields["level"] as? String == "debug")
        #expect(fields["worker"] as? String == "local-1" && fields["tile"] as? Int == 5 && fields["attempt"] as? Int == 2)
    }

    @Test func theRecorderKeepsEventsWithMergedMetadata() {
        let recorder = LogRecorder()
        var logger = recorder.logger(component: "run", level: .info)
        logger[metadataKey: "scene"] = "s1"
        logger.debug("dropped: below the level")
        logger.warning("a warning", metadata: ["tile": "4"])
        #expect(recorder.records.count == 1)
        #expect(recorder.records.first?.metadata == ["scene": "s1", "tile": "4"])
        #expect(recorder.records.first?.level == .warning)
    }
}

private final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    @Sendable func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
