import Checksum
import Foundation
import Testing

@Suite struct SHA256FileTests {
    /// A fresh folder, removed when the value is released.
    final class Scratch {
        let path = NSTemporaryDirectory() + "checksum-tests-" + UUID().uuidString
        init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    @Test func randomFileMatchesSha256sum() throws {
        let scratch = try Scratch()
        let path = scratch.path + "/random.bin"
        // 3 MB and a bit: three whole 1 MiB chunks are not a multiple of it, so the last read is
        // short, and the odd size leaves a partial block.
        let count = 3_000_000 + 7
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            let word = generator.next()
            withUnsafeBytes(of: word) { bytes.append(contentsOf: $0.prefix(count - bytes.count)) }
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        let digest = try SHA256.hash(fileAt: path)
        #expect(digest == SHA256.hash(bytes))
        #expect(SHA256.hexString(digest) == (try sha256sum(path)))
    }

    @Test func emptyFileHasTheEmptyDigest() throws {
        let scratch = try Scratch()
        let path = scratch.path + "/empty"
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        #expect(SHA256.hexString(try SHA256.hash(fileAt: path))
            == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func missingFileNamesThePathAndTheCall() throws {
        let scratch = try Scratch()
        let path = scratch.path + "/missing.onnx"
        let error = #expect(throws: ChecksumError.self) { try SHA256.hash(fileAt: path) }
        #expect(error?.code == .openFailed)
        #expect(error?.description.hasPrefix("openFailed: open(\(path)) failed: No such file") == true)
    }

    @Test func directoryIsAReadError() throws {
        let scratch = try Scratch()
        let error = #expect(throws: ChecksumError.self) { try SHA256.hash(fileAt: scratch.path) }
        #expect(error?.code == .readFailed)
        #expect(error?.description.contains("read(\(scratch.path))") == true)
    }

    /// The first field of `sha256sum PATH`.
    private func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }
}
