import TestSupport
import Foundation
import Testing

@Suite struct KeygenCommandTests {
    private func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    private func contents(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test func writesASecretAndAPublicKeyFile() throws {
        let directory = try TemporaryDirectory()
        let out = directory.file("keys/nested")
        let result = try PipelineBinary.run(["keygen", "--out", out, "--name", "worker-1"])
        #expect(result.status == 0, "\(result.errorOutput)")

        let secretPath = "\(out)/worker-1.key", publicPath = "\(out)/worker-1.pub"
        #expect(try mode(secretPath) == 0o600)
        let secretText = try contents(secretPath), publicText = try contents(publicPath)
        let publicLine = try #require(publicText.split(separator: "\n").first { $0.hasPrefix("public=") })
        let publicKey = String(publicLine.dropFirst("public=".count))
        #expect(publicKey.count == 40)
        #expect(secretText.contains("public=\(publicKey)\n"))
        #expect(secretText.split(separator: "\n").contains { $0.hasPrefix("secret=") && $0.count == 47 })
        #expect(!publicText.contains("secret="))

        #expect(result.output.contains("public key \(publicKey)"))
        #expect(result.output.contains(secretPath) && result.output.contains(publicPath))
        #expect(result.errorOutput.isEmpty)
    }

    @Test func refusesToOverwriteUnlessForced() throws {
        let directory = try TemporaryDirectory()
        let arguments = ["keygen", "--out", directory.path, "--name", "coordinator"]
        #expect(try PipelineBinary.run(arguments).status == 0)
        let secretPath = directory.file("coordinator.key")
        let original = try contents(secretPath)

        let refused = try PipelineBinary.run(arguments)
        #expect(refused.status != 0)
        let lines = refused.errorOutput.split(separator: "\n")
        #expect(lines.count == 1, "\(refused.errorOutput)")
        #expect(lines.first?.contains("\(secretPath) already exists") == true)
        #expect(lines.first?.contains("--force") == true)
        #expect(try contents(secretPath) == original)

        // Only the .pub left over still blocks a new pair.
        try FileManager.default.removeItem(atPath: secretPath)
        let partial = try PipelineBinary.run(arguments)
        #expect(partial.status != 0)
        #expect(partial.errorOutput.contains(directory.file("coordinator.pub")))
        #expect(!FileManager.default.fileExists(atPath: secretPath))

        let forced = try PipelineBinary.run(arguments + ["--force"])
        #expect(forced.status == 0, "\(forced.errorOutput)")
        #expect(try contents(secretPath) != original)
        #expect(try mode(secretPath) == 0o600)
    }

    @Test func rejectsANameWithASlash() throws {
        let directory = try TemporaryDirectory()
        let result = try PipelineBinary.run(["keygen", "--out", directory.path, "--name", "a/b"])
        #expect(result.status != 0)
        #expect(result.errorOutput.contains("--name must be a plain file name"))
    }

    @Test func helpDescribesTheFiles() throws {
        let help = try PipelineBinary.run(["keygen", "--help"])
        #expect(help.status == 0)
        #expect(help.output.contains("--out") && help.output.contains("--name") && help.output.contains("--force"))
        #expect(help.output.contains("0600"))
        #expect(try PipelineBinary.run(["--help"]).output.contains("keygen"))
    }
}
