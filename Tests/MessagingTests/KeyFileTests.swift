import Foundation
import Messaging
import Testing

@Suite struct KeyFileTests {
    /// A fresh folder, removed when the value is released.
    final class Scratch {
        let path = NSTemporaryDirectory() + "messaging-keys-" + UUID().uuidString
        init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        func file(_ name: String) -> String { "\(path)/\(name)" }
    }

    private func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func secretAndPublicFilesRoundTripWithTheirModes() throws {
        let scratch = try Scratch()
        let pair = try CurveKeyPair.generate()
        try pair.write(secretKeyFile: scratch.file("worker.key"))
        try pair.writePublicKey(file: scratch.file("worker.pub"))

        #expect(try CurveKeyPair.read(secretKeyFile: scratch.file("worker.key")) == pair)
        #expect(try CurveKeyPair.readPublicKey(file: scratch.file("worker.pub")) == pair.publicKey)
        #expect(try mode(scratch.file("worker.key")) == 0o600)
        #expect(try mode(scratch.file("worker.pub")) == 0o644)
        let publicText = try String(contentsOfFile: scratch.file("worker.pub"), encoding: .utf8)
        #expect(!publicText.contains(pair.secretKey))
    }

    @Test func existingFilesAreKeptUnlessOverwriteIsAsked() throws {
        let scratch = try Scratch()
        let path = scratch.file("coordinator.key")
        let first = try CurveKeyPair.generate(), second = try CurveKeyPair.generate()
        try first.write(secretKeyFile: path)

        let error = #expect(throws: MessagingError.self) { try second.write(secretKeyFile: path) }
        #expect(error?.code == .keyFileFailed)
        #expect(error?.errorNumber == EEXIST)
        #expect(error?.description.contains("open(\(path)) failed: File exists") == true)
        #expect(try CurveKeyPair.read(secretKeyFile: path) == first)

        // Overwriting also tightens a file that had been made world-readable.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        try second.write(secretKeyFile: path, overwrite: true)
        #expect(try CurveKeyPair.read(secretKeyFile: path) == second)
        #expect(try mode(path) == 0o600)
    }

    @Test func commentsBlankLinesSpacesAndCRLFAreAccepted() throws {
        let scratch = try Scratch()
        let pair = try CurveKeyPair.generate()
        let path = scratch.file("edited.key")
        let text = "# edited by hand\r\n\r\n  secret = \(pair.secretKey)  \r\n\tpublic=\(pair.publicKey)\r\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try CurveKeyPair.read(secretKeyFile: path) == pair)
    }

    @Test func malformedFilesNameTheFileAndLine() throws {
        let scratch = try Scratch()
        // '=' is a Z85 character: a key holding one would split the malformed lines below
        // elsewhere than they mean to (the test failed now and then before this).
        var pair = try CurveKeyPair.generate()
        while pair.secretKey.contains("=") || pair.publicKey.contains("=") { pair = try CurveKeyPair.generate() }
        let other = try CurveKeyPair.generate()
        let (pub, sec) = (pair.publicKey, pair.secretKey)
        // (content, location after the path, expected message)
        let secretFileCases: [(String, String, String)] = [
            ("public=abc\nsecret=\(sec)\n", ":1", "public key: expected 40 characters of the Z85 alphabet, got 3 characters"),
            ("# keys\n\npublic=\(pub)\nsecretkey=\(sec)\n", ":4", "unknown field 'secretkey' (expected public or secret)"),
            ("public=\(pub)\npublic=\(pub)\nsecret=\(sec)\n", ":2", "duplicate field 'public' (first on line 1)"),
            ("public \(pub)\n", ":1", "expected 'name=value', e.g. 'public=<40 Z85 characters>'"),
            ("public \(sec.prefix(20))=\(sec.dropFirst(20))\n", ":1", "expected 'name=value', e.g. 'public=<40 Z85 characters>'"),
            ("public=\(other.publicKey)\nsecret=\(sec)\n", ":1", "public key does not belong to the secret key on line 2"),
            ("public=\(pub)\n", "", "no 'secret=' line"),
            ("", "", "no 'public=' line"),
        ]
        for (index, (content, location, expected)) in secretFileCases.enumerated() {
            let path = scratch.file("case\(index).key")
            try content.write(toFile: path, atomically: true, encoding: .utf8)
            let error = #expect(throws: MessagingError.self) { try CurveKeyPair.read(secretKeyFile: path) }
            #expect(error?.code == .invalidKeyFile)
            #expect(error?.subject == path + location)
            let line = error?.description ?? ""
            #expect(line == "invalidKeyFile: '\(path + location)': \(expected)")
        }

        let publicPath = scratch.file("leaky.pub")
        try "public=\(pub)\nsecret=\(sec)\n".write(toFile: publicPath, atomically: true, encoding: .utf8)
        let error = #expect(throws: MessagingError.self) { try CurveKeyPair.readPublicKey(file: publicPath) }
        #expect(error?.subject == publicPath + ":2")
        #expect(error?.description.contains("unknown field 'secret' (expected public)") == true)
    }

    @Test func missingAndOversizedFiles() throws {
        let scratch = try Scratch()
        let missing = scratch.file("nowhere.key")
        let error = #expect(throws: MessagingError.self) { try CurveKeyPair.read(secretKeyFile: missing) }
        #expect(error?.code == .keyFileFailed)
        #expect(error?.function == "open")
        #expect(error?.errorNumber == ENOENT)
        #expect(error?.description.contains("open(\(missing))") == true)

        let big = scratch.file("big.pub")
        try String(repeating: "#\n", count: 5000).write(toFile: big, atomically: true, encoding: .utf8)
        let tooBig = #expect(throws: MessagingError.self) { try CurveKeyPair.readPublicKey(file: big) }
        #expect(tooBig?.code == .invalidKeyFile)
        #expect(tooBig?.description.contains("not a key file") == true)
    }
}
