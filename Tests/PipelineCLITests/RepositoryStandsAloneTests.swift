import Foundation
import Testing

/// A clone of the repository alone must build, test and benchmark: nothing may point outside it
/// (a sibling `shared` folder, paths of the machine it was written on).
@Suite struct RepositoryStandsAloneTests {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The files under version control (every file outside build folders when git is missing).
    private static func trackedFiles() throws -> [String] {
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        git.arguments = ["-C", root.path, "ls-files", "-z"]
        let output = Pipe()
        git.standardOutput = output
        git.standardError = FileHandle.nullDevice
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/git"), (try? git.run()) != nil {
            let data = output.fileHandleForReading.readDataToEndOfFile()
            git.waitUntilExit()
            if git.terminationStatus == 0 {
                return String(decoding: data, as: UTF8.self).split(separator: "\0").map(String.init)
            }
        }
        let walker = FileManager.default.enumerator(atPath: root.path)
        var files: [String] = []
        while let path = walker?.nextObject() as? String {
            if path.hasPrefix(".build") || path.hasPrefix(".git") || path.hasPrefix(".swiftpm") { walker?.skipDescendants(); continue }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(path)
            }
        }
        return files
    }

    @Test func noFileMentionsAPathOutsideTheRepository() throws {
        let files = try Self.trackedFiles()
        #expect(files.contains("README.md"), "found the repository at \(Self.root.path)")
        // Spelled in pieces so that this file does not match itself.
        let forbidden = [".." + "/shared", "/work" + "/", "/home" + "/", "/Users" + "/"]
        var offenders: [String] = []
        for file in files {
            guard let text = try? String(contentsOf: Self.root.appendingPathComponent(file), encoding: .utf8) else { continue }
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where forbidden.contains(where: { line.contains($0) }) {
                offenders.append("\(file):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        #expect(offenders.isEmpty, "\(offenders.joined(separator: "\n"))")
    }

    /// Every script, model builder or pipeline file a benchmark script names is in the repository.
    @Test func theBenchmarkScriptsFindEverythingTheyCallInsideTheRepository() throws {
        let bench = Self.root.appendingPathComponent("ops/bench")
        let scripts = try FileManager.default.contentsOfDirectory(atPath: bench.path).filter { $0.hasSuffix(".sh") }.sorted()
        #expect(scripts.contains("engine-vs-onnxruntime.sh") && scripts.contains("distributed.sh"))
        let reference = try NSRegularExpression(pattern: #"[A-Za-z0-9_./${}-]*\.(py|yaml|sh)\b"#)
        var missing: [String] = []
        var checked = 0
        for script in scripts {
            let text = try String(contentsOf: bench.appendingPathComponent(script), encoding: .utf8)
            for match in reference.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let token = String(text[Range(match.range, in: text)!])
                if token.hasPrefix("$work/") { continue }  // files the script writes itself
                let relative: String
                if token.hasPrefix("$bench/") { relative = "ops/bench/" + token.dropFirst("$bench/".count) }
                else if token.hasPrefix("$repo/") { relative = String(token.dropFirst("$repo/".count)) }
                else if token.contains("$") || token.contains("..") { missing.append("\(script): \(token) (not a path inside the repository)"); continue }
                else if token.contains("/") { relative = token }
                else { relative = "ops/bench/" + token }
                checked += 1
                if !FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(relative).path) {
                    missing.append("\(script): \(token) -> \(relative) does not exist")
                }
            }
        }
        #expect(checked >= 6, "the scripts' references were found")
        #expect(missing.isEmpty, "\(missing.joined(separator: "\n"))")
        for builder in ["reference_unet.py", "onnxruntime_bench.py"] {
            #expect(FileManager.default.isExecutableFile(atPath: bench.appendingPathComponent(builder).path), "\(builder) is executable")
        }
    }
}
