import TestSupport
import Raster
import Scene
import Testing
@testable import Distributed

@Suite struct WireMessageTests {
    @Test func everyMessageRoundTrips() throws {
        let tile = RawTile(bandCount: 2, size: 3, values: (0..<18).map { Float($0) / 7 }, validity: [1, 1, 0, 1, 1, 1, 0, 0, 1])
        let package = ModelPackage(kind: "identity", bytes: Array("{}".utf8), classNames: ["a", "b"],
                                   normalization: Normalization(scale: [0.5, 2], offset: [1]))
        let messages: [WireMessage] = [
            .hello(Hello(threads: 4, capabilities: 0, name: "host:42")), .model(package), .ready(credit: 2),
            .job(Job(tile: Tile(index: 77, row: 3, col: 5, window: PixelWindow(col: -1, row: 9, width: 3, height: 3),
                                core: PixelWindow(col: 0, row: 10, width: 1, height: 1)), attempt: 2, input: tile)),
            .result(JobResult(tileIndex: 77, attempt: 2, classCount: 2, size: 3, probabilities: Array(0..<18), computeMicroseconds: 1234)),
            .failure(JobFailure(tileIndex: 5, attempt: 1, message: "boom")), .heartbeat, .bye(reason: "done"), .reset,
            .windowJob(WindowJob(tile: Tile(index: 77, row: 3, col: 5, window: PixelWindow(col: -1, row: 9, width: 3, height: 3),
                                            core: PixelWindow(col: 0, row: 10, width: 1, height: 1)), attempt: 2, recipe: Array("{}".utf8))),
            .windowResult(WindowResult(tileIndex: 77, attempt: 2, classCount: 2, size: 3, hasData: true, probabilities: Array(0..<18),
                                       validity: [1, 1, 0, 1, 1, 1, 0, 0, 1], computeMicroseconds: 99)),
            .windowResult(WindowResult(tileIndex: 78, attempt: 1, classCount: 0, size: 3, hasData: false, probabilities: [], validity: [],
                                       computeMicroseconds: 0)),
        ]
        for message in messages {
            let decoded = try WireMessage(frames: message.frames())
            #expect(decoded.frames() == message.frames(), "\(message)")
        }
        // A JOB sent from the tile's own arrays carries the same bytes as its frames.
        if case .job(let job) = messages[3] {
            let sent = WireMessage.withJobFrames(job) { $0.map { Array($0) } }
            #expect(sent == messages[3].frames())
            #expect(try WireMessage(frames: sent).frames() == sent)
        } else {
            Issue.record("not a job")
        }
        if case .model(let received) = try WireMessage(frames: WireMessage.model(package).frames()) {
            #expect(received == package && received.isIntact)
        } else {
            Issue.record("not a model")
        }
    }

    /// Whole-number bands travel as UInt16 and come back as the same Float32 bits; a band with a
    /// fraction, a -0, a value past 65,534 or a NaN of another payload travels as Float32.
    @Test func wholeNumberBandsTravelAsUInt16AndComeBackBitForBit() throws {
        let size = 2
        let bands: [[Float]] = [
            [0, 2047, .nan, 65_534],                        // UInt16, no data marked
            [1, 2.5, 3, 4],                                 // a fraction
            [7, -0.0, 1, 1],                                // -0
            [65_535, 1, 2, 3],                              // past 65,534
            [1, Float(bitPattern: 0x7FC0_0001), 2, 3],      // a NaN with another payload
            [-3, 1, 2, 3],                                  // negative
            [255, 0, 0, 12],                                // UInt16
        ]
        let job = Job(tile: Tile(index: 9, row: 0, col: 0, window: PixelWindow(col: 0, row: 0, width: size, height: size),
                                 core: PixelWindow(col: 0, row: 0, width: size, height: size)),
                      attempt: 1, input: RawTile(bandCount: bands.count, size: size, values: bands.flatMap { $0 }, validity: [1, 1, 0, 1]))
        let frames = WireMessage.withJobFrames(job) { $0.map { Array($0) } }
        #expect(frames.count == bands.count + 2)
        #expect(frames[1...bands.count].map { $0.count / (size * size) } == [2, 4, 4, 4, 4, 4, 2])
        guard case .job(let received) = try WireMessage(frames: frames) else { Issue.record("not a job"); return }
        #expect(received.input.values.map(\.bitPattern) == job.input.values.map(\.bitPattern))
        #expect(received == job)
        // A frame whose size does not match its band's encoding is malformed.
        var short = frames
        short[1].removeLast(2)
        #expect(throws: WireError.self) { try WireMessage(frames: short) }
    }

    /// Random and truncated frames are refused with an error, never a crash.
    @Test func malformedFramesAreErrors() {
        var generator = SeededGenerator(seed: 1)
        let valid = WireMessage.job(Job(tile: Tile(index: 1, row: 0, col: 1, window: PixelWindow(col: 0, row: 0, width: 2, height: 2),
                                                      core: PixelWindow(col: 0, row: 0, width: 2, height: 2)), attempt: 1, input: RawTile(bandCount: 1, size: 2, values: [1, 2, 3, 4], validity: [1, 1, 1, 1]))).frames()
        for _ in 0..<5000 {
            var frames = valid
            switch Int.random(in: 0..<4, using: &generator) {
            case 0: frames[0] = Array(frames[0].prefix(Int.random(in: 0...frames[0].count, using: &generator)))
            case 1: frames[0][Int.random(in: 0..<frames[0].count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            case 2: frames = (0..<Int.random(in: 0...6, using: &generator)).map { _ in (0..<Int.random(in: 0...20, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) } }
            default: frames[0] = Array("UNPW".utf8) + [1] + (0..<Int.random(in: 1...30, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            }
            _ = try? WireMessage(frames: frames)
        }
        #expect(throws: WireError.self) { try WireMessage(frames: [Array("UNPW".utf8) + [2, 1]]) }
        #expect(throws: WireError.self) { try WireMessage(frames: [Array("UNPW".utf8) + [1, 4] + [UInt8](repeating: 0xFF, count: 16), [], []]) }
    }

    @Test func aTamperedModelFailsItsChecksum() throws {
        var package = try ModelPackage.identity(IdentityModel(bands: [1]), normalization: .identity)
        package.bytes[0] ^= 1
        #expect(!package.isIntact)
        let error = #expect(throws: DistributedError.self) { try ModelFactory().make(package) }
        #expect(error?.code == .modelMismatch)
    }
}
