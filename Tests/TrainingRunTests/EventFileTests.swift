import Foundation
import TestSupport
import Testing

@testable import TrainingRun

/// The TensorBoard event file, read back by an independent Python reader (framing, CRCs, protobuf).
@Suite struct EventFileTests {
    static let reader = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/read_events.py").path

    static func readEvents(_ path: String) throws -> [[String: Any]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", reader, path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "read_events.py failed")
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    @Test func scalarsReadBackWithTheirStepsAndTags() throws {
        let directory = try TemporaryDirectory()
        let writer = try EventFileWriter(directory: directory.path, now: Date(timeIntervalSince1970: 1_700_000_000))
        try writer.scalars([("train/loss", 0.75), ("val/mean_jaccard", 0.5)], step: 100)
        try writer.scalars([("train/loss", 0.25)], step: 200)
        #expect(writer.path.contains("/events.out.tfevents.1700000000."))
        let events = try Self.readEvents(writer.path)
        try #require(events.count == 3)
        #expect(events[0]["file_version"] as? String == "brain.Event:2")
        #expect(events[0]["wall_time"] as? Double == 1_700_000_000)
        #expect(events[1]["step"] as? Int == 100)
        let first = events[1]["scalars"] as? [String: Double]
        #expect(first == ["train/loss": 0.75, "val/mean_jaccard": 0.5])
        #expect(events[2]["step"] as? Int == 200 && (events[2]["scalars"] as? [String: Double]) == ["train/loss": 0.25])
    }

    @Test func aSecondWriterInTheSameSecondGetsItsOwnFile() throws {
        let directory = try TemporaryDirectory()
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let a = try EventFileWriter(directory: directory.path, now: now)
        let b = try EventFileWriter(directory: directory.path, now: now)
        #expect(a.path != b.path)
    }

    @Test func crc32cMatchesTheStandardCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }
}
