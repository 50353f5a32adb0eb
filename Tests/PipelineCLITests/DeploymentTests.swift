import TestSupport
import Foundation
import Testing

/// The deployment files under ops/ (systemd, Kubernetes, Slurm, container): they parse, use only
/// flags `pipeline` has, and the systemd units and the Slurm script run a scene for real.
@Suite(.serialized) struct DeploymentTests {
    static let ops = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("ops").path

    private func text(_ path: String) throws -> String { try String(contentsOfFile: "\(DeploymentTests.ops)/\(path)", encoding: .utf8) }

    // MARK: Kubernetes

    /// The documents of a YAML file, parsed by PyYAML (as kubectl would accept them).
    private func yamlDocuments(_ path: String) throws -> [[String: Any]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import json, sys, yaml; print(json.dumps([d for d in yaml.safe_load_all(open(sys.argv[1]))]))",
                             "\(DeploymentTests.ops)/\(path)"]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // PyYAML is part of the test environment (CI has it); its absence says so here.
        try #require(process.terminationStatus == 0, "\(path): \(problem)")
        return try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    }

    private func containers(of document: [String: Any]) -> [[String: Any]] {
        let template = (document["spec"] as? [String: Any])?["template"] as? [String: Any]
        return ((template?["spec"] as? [String: Any])?["containers"] as? [[String: Any]]) ?? []
    }

    private func podSpec(_ document: [String: Any]) -> [String: Any] {
        (((document["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any]) ?? [:]
    }

    @Test func kubernetesManifestsHaveTheFieldsOfTheirKind() throws {
        var kinds: [String: [String: Any]] = [:]
        for file in ["k8s/coordinator.yaml", "k8s/workers.yaml", "k8s/data.yaml"] {
            for document in try yamlDocuments(file) {
                let kind = try #require(document["kind"] as? String, "\(file): a document without kind")
                #expect(document["apiVersion"] is String, "\(file): \(kind) without apiVersion")
                #expect((document["metadata"] as? [String: Any])?["name"] is String, "\(file): \(kind) without metadata.name")
                #expect(document["spec"] is [String: Any], "\(file): \(kind) without spec")
                kinds[kind] = document
            }
        }
        #expect(Set(kinds.keys) == ["Service", "Job", "Deployment", "PersistentVolumeClaim"])

        let service = try #require(kinds["Service"]?["spec"] as? [String: Any])
        let port = try #require((service["ports"] as? [[String: Any]])?.first)
        #expect(port["port"] as? Int == 5555)
        let job = try #require(kinds["Job"]), deployment = try #require(kinds["Deployment"])
        // The Service reaches the coordinator's pods.
        let jobLabels = ((job["spec"] as? [String: Any])?["template"] as? [String: Any]).flatMap { ($0["metadata"] as? [String: Any])?["labels"] as? [String: String] }
        let selector = try #require(service["selector"] as? [String: String])
        #expect(selector.allSatisfy { jobLabels?[$0.key] == $0.value }, "the Service selects \(selector), the Job's pods are \(jobLabels ?? [:])")
        #expect(["OnFailure", "Never"].contains(podSpec(job)["restartPolicy"] as? String))

        let spec = try #require(deployment["spec"] as? [String: Any])
        #expect(spec["replicas"] as? Int ?? 0 >= 1)
        let matchLabels = (spec["selector"] as? [String: Any])?["matchLabels"] as? [String: String] ?? [:]
        let podLabels = ((spec["template"] as? [String: Any])?["metadata"] as? [String: Any])?["labels"] as? [String: String] ?? [:]
        #expect(!matchLabels.isEmpty && matchLabels.allSatisfy { podLabels[$0.key] == $0.value })

        for document in [job, deployment] {
            let container = try #require(containers(of: document).first)
            #expect(container["image"] is String)
            let requests = (container["resources"] as? [String: Any])?["requests"] as? [String: Any]
            #expect(requests?["cpu"] != nil && requests?["memory"] != nil, "\(document["kind"] ?? ""): resource requests")
            // Every volume the container mounts exists; keys come from Secrets, as files.
            let volumes = podSpec(document)["volumes"] as? [[String: Any]] ?? []
            let mounts = container["volumeMounts"] as? [[String: Any]] ?? []
            for mount in mounts { #expect(volumes.contains { $0["name"] as? String == mount["name"] as? String }, "volume \(mount)") }
            let secrets = volumes.compactMap { ($0["secret"] as? [String: Any])?["secretName"] as? String }
            #expect(secrets.count == 2, "\(document["kind"] ?? ""): CURVE keys as two Secrets, found \(secrets)")
        }
    }

    /// Prometheus finds every pod's metrics: the scrape annotations name the port the container
    /// passes to --metrics-port and exposes, and its logs are JSON lines.
    @Test func kubernetesPodsAreScrapedOnTheirMetricsPort() throws {
        for file in ["k8s/coordinator.yaml", "k8s/workers.yaml"] {
            for document in try yamlDocuments(file) where document["kind"] as? String != "Service" {
                let annotations = (((document["spec"] as? [String: Any])?["template"] as? [String: Any])?["metadata"] as? [String: Any])?["annotations"] as? [String: String] ?? [:]
                #expect(annotations["prometheus.io/scrape"] == "true" && annotations["prometheus.io/path"] == "/metrics", "\(file): \(annotations)")
                let container = try #require(containers(of: document).first)
                let words = ((container["command"] as? [String] ?? []) + (container["args"] as? [String] ?? [])).joined(separator: " ")
                    .split(whereSeparator: \.isWhitespace).map(String.init)
                let flag = try #require(words.firstIndex(of: "--metrics-port"), "\(file): no --metrics-port")
                #expect(annotations["prometheus.io/port"] == words[flag + 1], "\(file): annotation \(annotations["prometheus.io/port"] ?? "none"), flag \(words[flag + 1])")
                let ports = container["ports"] as? [[String: Any]] ?? []
                #expect(ports.contains { $0["name"] as? String == "metrics" && "\($0["containerPort"] ?? "")" == words[flag + 1] }, "\(file): \(ports)")
                #expect(words.contains("json") && words.contains("--log-format"), "\(file)")
            }
        }
    }

    /// Keys mounted from Secrets that are not files or not keys: one line naming the file (and line).
    @Test func unreadableAndMalformedKeyFilesAreOneLine() throws {
        let directory = try TemporaryDirectory()
        for name in ["coordinator", "worker"] {
            #expect(try PipelineBinary.run(["keygen", "--out", directory.path, "--name", name]).status == 0)
        }
        let good = try String(contentsOfFile: directory.file("worker.key"), encoding: .utf8)
        let malformed = directory.file("pasted.key")
        // A secret key pasted with one character too many.
        try good.replacingOccurrences(of: "\nsecret=", with: "\nsecret=x").write(toFile: malformed, atomically: true, encoding: .utf8)
        let folder = directory.file("mounted")  // a Secret mounted where a file was expected
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var cases: [([String], String)] = [
            (["worker", "--connect", "tcp://127.0.0.1:9", "--server-key", directory.file("coordinator.pub"), "--key", malformed],
             "\(malformed):3': secret key: expected 40 characters"),
            (["worker", "--connect", "tcp://127.0.0.1:9", "--server-key", directory.file("coordinator.pub"), "--key", folder], folder),
            (["worker", "--connect", "tcp://127.0.0.1:9", "--server-key", directory.file("worker.key"), "--key", directory.file("worker.key")],
             "unknown field 'secret' (expected public)"),
            (["coordinator", "p.yaml", "--scene", directory.path, "--curve-key", folder, "--allow", directory.file("worker.pub")], folder),
        ]
        if getuid() != 0 {  // root reads any file
            let locked = directory.file("locked.key")
            try good.write(toFile: locked, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: locked)
            cases.append((["worker", "--connect", "tcp://127.0.0.1:9", "--server-key", directory.file("coordinator.pub"), "--key", locked],
                          "Permission denied"))
        }
        for (arguments, expected) in cases {
            let result = try PipelineBinary.run(arguments)
            #expect(result.status != 0)
            let lines = result.errorOutput.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("Error: ") && lines[0].contains(expected), "\(arguments): \(result.errorOutput)")
        }
    }

    // MARK: Flags

    /// `pipeline SUBCOMMAND ... --flag` in a text: (subcommand, flag) pairs, continuation lines
    /// joined; flags in shell arrays named after a role (coordinator_*, worker_*, resume) count for it.
    static func flagUses(in text: String) -> [(command: String, flag: String)] {
        let joined = text.replacingOccurrences(of: "\\\n", with: " ")
        var uses: [(String, String)] = []
        let command = try! NSRegularExpression(pattern: #"pipeline"?\s+(coordinator|worker|run|keygen|export|eval|synth)\b((?:[^\n;|&]|&&)*)"#,
                                               options: [.caseInsensitive])
        let flag = try! NSRegularExpression(pattern: #"(?<![\w-])--[a-z][a-z-]*"#)
        let array = try! NSRegularExpression(pattern: #"\b(coordinator|worker|resume)\w*=\(([^)]*)\)"#)
        let whole = NSRange(joined.startIndex..., in: joined)
        func flags(_ range: NSRange) -> [String] {
            flag.matches(in: joined, range: range).map { String(joined[Range($0.range, in: joined)!]) }
        }
        for match in command.matches(in: joined, range: whole) {
            let name = String(joined[Range(match.range(at: 1), in: joined)!])
            uses += flags(match.range(at: 2)).map { (name, $0) }
        }
        for match in array.matches(in: joined, range: whole) {
            let role = String(joined[Range(match.range(at: 1), in: joined)!])
            uses += flags(match.range(at: 2)).map { (role == "worker" ? "worker" : "coordinator", $0) }
        }
        return uses
    }

    @Test func everyFlagTheDeploymentFilesUseExists() throws {
        var uses: [(file: String, command: String, flag: String)] = []
        for file in ["systemd/pipeline-coordinator.service", "systemd/pipeline-worker@.service", "slurm/pipeline.sbatch",
                     "container/Containerfile"] {
            uses += DeploymentTests.flagUses(in: try text(file)).map { (file, $0.command, $0.flag) }
        }
        for document in try yamlDocuments("k8s/coordinator.yaml") + yamlDocuments("k8s/workers.yaml") {
            for container in containers(of: document) {
                let words = (container["command"] as? [String] ?? []) + (container["args"] as? [String] ?? [])
                uses += DeploymentTests.flagUses(in: words.joined(separator: " ")).map { ("k8s/\(document["kind"] ?? "")", $0.command, $0.flag) }
            }
        }
        // The extraction sees the flags that matter (else this test would pass on nothing).
        for expected in [("coordinator", "--curve-key"), ("coordinator", "--allow"), ("coordinator", "--resume"),
                         ("worker", "--server-key"), ("worker", "--key"), ("worker", "--connect")] {
            #expect(uses.contains { $0.command == expected.0 && $0.flag == expected.1 }, "no \(expected.1) of \(expected.0) found")
        }
        var help: [String: String] = [:]
        for use in uses {
            if help[use.command] == nil { help[use.command] = try PipelineBinary.run([use.command, "--help"]).output }
            let pattern = "(^|\\s)\(NSRegularExpression.escapedPattern(for: use.flag))([\\s,=]|$)"
            #expect(help[use.command]!.range(of: pattern, options: .regularExpression) != nil,
                    "\(use.file): `pipeline \(use.command)` has no option \(use.flag)")
        }
        // And the check can fail.
        #expect(!DeploymentTests.flagUses(in: "pipeline worker --conect x").allSatisfy { help["worker"]!.contains($0.flag + " ") })
    }

    // MARK: systemd

    /// `systemd-analyze verify` (where installed) on the units, with the built binary as the
    /// command: no unknown key, section or bad value. (Instance 1 of the worker template.)
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"), "skipped: no systemd-analyze"))
    func systemdAcceptsTheUnits() throws {
        let directory = try TemporaryDirectory()
        var units: [String] = []
        for (file, name) in [("pipeline-coordinator.service", "pipeline-coordinator.service"), ("pipeline-worker@.service", "pipeline-worker@1.service")] {
            let unit = try text("systemd/\(file)").replacingOccurrences(of: "/usr/local/bin/pipeline", with: PipelineBinary.url.path)
            try unit.write(toFile: directory.file(name), atomically: true, encoding: .utf8)
            units.append(directory.file(name))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        process.arguments = ["verify", "--man=no"] + units
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0 && said.isEmpty, "\(said)")
    }

    // MARK: Container

    @Test func theContainerfileHasABuildAndARuntimeStageHoldingOnlyTheBinary() throws {
        let lines = try text("container/Containerfile").replacingOccurrences(of: "\\\n", with: " ").split(separator: "\n").map(String.init)
            .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
        var stages: [(name: String, lines: [String])] = []
        for line in lines {
            let words = line.split(separator: " ").map(String.init)
            if words.first == "FROM" {
                stages.append((words.count >= 4 && words[2].uppercased() == "AS" ? words[3] : "", []))
            } else if !stages.isEmpty {
                stages[stages.count - 1].lines.append(line)
            }
        }
        try #require(stages.map(\.name) == ["build", "runtime"], "stages: \(stages.map(\.name))")
        func installed(_ stage: [String]) -> Set<String> {
            Set(stage.flatMap { line -> [String] in
                guard let range = line.range(of: "apt-get install") else { return [] }
                return line[range.upperBound...].split(separator: " ").prefix { $0 != "&&" }.map(String.init).filter { !$0.hasPrefix("-") }
            })
        }
        let build = stages[0].lines, runtime = stages[1].lines
        #expect(installed(build).isSuperset(of: ["libgdal-dev", "libzmq3-dev", "libsodium-dev", "libopenblas-dev"]))
        #expect(build.contains { $0.contains("swift build -c release") })
        #expect(installed(runtime) == ["libgdal32", "libzmq5", "libsodium23", "libopenblas0"], "runtime packages: \(installed(runtime))")
        let copies = runtime.filter { $0.hasPrefix("COPY") || $0.hasPrefix("ADD") }
        #expect(copies.count == 1 && copies[0].hasPrefix("COPY --from=build ") && copies[0].split(separator: " ")[2].hasSuffix("/pipeline"),
                "the runtime stage copies \(copies)")
        #expect(!runtime.contains { $0.contains("-dev") || $0.contains("swift ") })
    }

    /// The libraries the binary links, beyond Swift's and the C runtime's, are the ones the
    /// runtime stage installs (libX.so.N is Debian's libXN package).
    @Test func theRuntimePackagesAreWhatTheBinaryLinks() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["readelf", "-d", PipelineBinary.url.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let needed = String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line -> String? in
            guard line.contains("(NEEDED)"), let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]") else { return nil }
            return String(line[line.index(after: open)..<close])
        }
        try #require(!needed.isEmpty)
        let base: Set<String> = ["libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1", "libdl.so.2", "libpthread.so.0", "librt.so.1", "libutil.so.1",
                                 // glibc's dynamic loader (package libc6), which SwiftNIO links for its thread-local storage.
                                 "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1"]
        let packages = Set(needed.filter { !$0.hasPrefix("libswift") && !$0.hasPrefix("libFoundation") && !$0.hasPrefix("libdispatch")
                                            && !$0.hasPrefix("lib_Foundation") && !$0.hasPrefix("libBlocksRuntime") && !base.contains($0) }
            .map { soname -> String in
                let parts = soname.components(separatedBy: ".so.")
                return parts[0] + (parts.count > 1 ? parts[1].split(separator: ".")[0] : "")
            })
        #expect(packages == ["libgdal32", "libzmq5", "libsodium23", "libopenblas0"], "the binary links \(needed)")
    }
}
