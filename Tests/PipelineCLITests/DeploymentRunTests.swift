import TestSupport
import Foundation
import Testing

/// The systemd units' ExecStart lines and the Slurm script, run for real: a coordinator and two
/// workers with CURVE keys from `pipeline keygen` complete a scene byte-identical to `--workers 0`.
/// Workers run in network namespaces of their own when the tests run as root, else on loopback.
@Suite(.serialized) struct DeploymentRunTests {
    private func ops(_ path: String) -> String { "\(DeploymentTests.ops)/\(path)" }

    /// `KEY=VALUE` lines of an EnvironmentFile.
    private func environmentFile(_ path: String) throws -> [String: String] {
        var values: [String: String] = [:]
        for line in try String(contentsOfFile: ops(path), encoding: .utf8).split(separator: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty, !text.hasPrefix("#"), let equals = text.firstIndex(of: "=") else { continue }
            values[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        return values
    }

    /// The unit's `Key=` value in its [Service] section.
    private func serviceSetting(_ unit: String, _ key: String) throws -> String {
        let lines = try String(contentsOfFile: ops(unit), encoding: .utf8).split(separator: "\n")
        return try #require(lines.first { $0.hasPrefix("\(key)=") }.map { String($0.dropFirst(key.count + 1)) }, "\(unit) has no \(key)=")
    }

    /// ExecStart expanded as systemd does: `${VAR}` one word, `$VAR` as a word split at
    /// whitespace (zero or more words), `%i` the instance, `%H` the host name. A variable the
    /// environment does not set fails the test (systemd would silently make it empty).
    private func expand(_ line: String, environment: [String: String], instance: String, host: String) throws -> [String] {
        var words: [String] = []
        for word in line.split(separator: " ").map(String.init) {
            if word.hasPrefix("$") && !word.hasPrefix("${") {
                let value = try #require(environment[String(word.dropFirst())], "\(word) is not set")
                words += value.split(separator: " ").map(String.init)
                continue
            }
            var expanded = word.replacingOccurrences(of: "%i", with: instance).replacingOccurrences(of: "%H", with: host)
            while let start = expanded.range(of: "${"), let end = expanded[start.upperBound...].firstIndex(of: "}") {
                let name = String(expanded[start.upperBound..<end])
                let value = try #require(environment[name], "${\(name)} is not set")
                expanded.replaceSubrange(start.lowerBound...end, with: value)
            }
            words.append(expanded)
        }
        return words
    }

    /// Replaces values of an env file, each of which it must have.
    private func overriding(_ file: [String: String], _ values: [String: String]) throws -> [String: String] {
        for key in values.keys { try #require(file[key] != nil, "the env file has no \(key)") }
        return file.merging(values) { $1 }
    }

    @Test func theSystemdUnitsRunASceneWithCurve() throws {
        let fixture = try DistributedFixture()
        let keys = fixture.directory.file("keys")
        for name in ["coordinator", "worker-a", "worker-b"] {
            #expect(try PipelineBinary.run(["keygen", "--out", keys, "--name", name]).status == 0)
        }
        try FileManager.default.createDirectory(atPath: "\(keys)/workers", withIntermediateDirectories: true)
        for name in ["worker-a", "worker-b"] { try FileManager.default.copyItem(atPath: "\(keys)/\(name).pub", toPath: "\(keys)/workers/\(name).pub") }

        let port = Int.random(in: 20000..<60000)
        let shipped = try environmentFile("systemd/coordinator.env")
        try #require(shipped["BIND"] == "tcp://*:5555")
        let coordinatorEnvironment = try overriding(shipped, [
            "PIPELINE_FILE": fixture.pipeline, "SCENE_DIR": fixture.scene, "OUT_DIR": fixture.directory.file("systemd"),
            "BIND": "tcp://*:\(port)", "CURVE_KEY": "\(keys)/coordinator.key", "ALLOWED_KEYS": "\(keys)/workers"])
        let coordinatorLine = try expand(try serviceSetting("systemd/pipeline-coordinator.service", "ExecStart"),
                                         environment: coordinatorEnvironment, instance: "", host: "")
        #expect(coordinatorLine.first == "/usr/local/bin/pipeline")
        #expect(try serviceSetting("systemd/pipeline-coordinator.service", "EnvironmentFile") == "/etc/pipeline/coordinator.env")
        let coordinator = try RunningProcess(Array(coordinatorLine.dropFirst()), logsIn: fixture.directory, name: "systemd-coordinator")
        #expect(RunningProcess.waitUntil(seconds: 60) { coordinator.output.contains("listening on") }, "\(coordinator.errors)")
        #expect(coordinator.output.contains("CURVE on"))

        let namespaces = NetworkNamespaceTests.available
        let hosts = namespaces ? try (0..<2).map { try NetworkNamespaceTests.Host(index: 10 + $0) } : []
        defer { hosts.forEach { $0.remove() } }
        let workerUnit = try serviceSetting("systemd/pipeline-worker@.service", "ExecStart")
        let workers = try ["a", "b"].enumerated().map { index, name -> RunningProcess in
            let address = namespaces ? hosts[index].hostAddress : "127.0.0.1"
            let environment = try overriding(try environmentFile("systemd/worker.env"), [
                "COORDINATOR": "tcp://\(address):\(port)", "THREADS": "1",
                "SERVER_KEY": "\(keys)/coordinator.pub", "WORKER_KEY": "\(keys)/worker-\(name).key"])
            var line = try expand(workerUnit, environment: environment, instance: "1", host: namespaces ? hosts[index].name : "host-\(name)")
            #expect(line.first == "/usr/local/bin/pipeline")
            line[0] = PipelineBinary.url.path
            if namespaces {
                return try RunningProcess(["ip", "netns", "exec", hosts[index].name] + line, logsIn: fixture.directory,
                                          name: "systemd-worker-\(name)", executable: "/usr/sbin/ip")
            }
            return try RunningProcess(Array(line.dropFirst()), logsIn: fixture.directory, name: "systemd-worker-\(name)")
        }
        #expect(coordinator.wait(seconds: 120) == 0, "\(coordinator.errors)")
        #expect(try fixture.output("systemd") == fixture.reference)
        for (index, worker) in workers.enumerated() {
            let name = namespaces ? hosts[index].name : "host-\(["a", "b"][index])"
            #expect(coordinator.errors.contains("joined: \(name)-1"), "\(coordinator.errors)")
            #expect(worker.wait(seconds: 20) == 0, "\(worker.errors)")
        }
    }

    @Test func theSlurmScriptRunsASceneWithACoordinatorAndWorkersOnEveryNode() throws {
        let fixture = try DistributedFixture()
        // Stand-ins for Slurm's commands: every "node" is this host.
        let bin = fixture.directory.file("slurm-bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try "#!/bin/sh\n[ \"$1 $2\" = \"show hostnames\" ] && echo 127.0.0.1\n".write(toFile: "\(bin)/scontrol", atomically: true, encoding: .utf8)
        try """
            #!/usr/bin/env bash
            # srun --nodes=N [--option=value ...] COMMAND...: runs COMMAND once per node.
            nodes=1
            while [[ $1 == --* ]]; do [[ $1 == --nodes=* ]] && nodes=${1#--nodes=}; shift; done
            for ((i = 0; i < nodes; i++)); do "$@" --name "node$i" & done
            wait
            """.write(toFile: "\(bin)/srun", atomically: true, encoding: .utf8)
        for tool in ["scontrol", "srun"] { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(bin)/\(tool)") }
        let port = Int.random(in: 20000..<60000)
        let environment = ["PATH": "\(bin):" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                           "SLURM_JOB_NODELIST": "node[0-1]", "SLURM_JOB_NUM_NODES": "2", "SLURM_CPUS_PER_TASK": "1",
                           "PIPELINE": PipelineBinary.url.path, "PIPELINE_PORT": String(port)]
        let job = try RunningProcess(["bash", ops("slurm/pipeline.sbatch"), fixture.pipeline, fixture.scene, fixture.directory.file("slurm")],
                                     environment: environment, logsIn: fixture.directory, name: "slurm", executable: "/bin/bash")
        #expect(job.wait(seconds: 120) == 0, "\(job.output) \(job.errors)")
        #expect(try fixture.output("slurm") == fixture.reference)
        #expect(job.errors.contains("joined: node0") && job.errors.contains("joined: node1"), "\(job.errors)")
    }
}
