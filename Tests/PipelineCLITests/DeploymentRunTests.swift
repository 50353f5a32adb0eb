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
            "BIND": "tcp://*:\(port)", "CURVE_KEY": "\(keys)/coordinator.key", "ALLOWED_KEYS": "\(keys)/workers",
            "METRICS_PORT": "0"])
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
        let metricsBase = Int.random(in: 2000..<6000)
        let workers = try ["a", "b"].enumerated().map { index, name -> RunningProcess in
            let address = namespaces ? hosts[index].hostAddress : "127.0.0.1"
            let environment = try overriding(try environmentFile("systemd/worker.env"), [
                "COORDINATOR": "tcp://\(address):\(port)", "THREADS": "1",
                "SERVER_KEY": "\(keys)/coordinator.pub", "WORKER_KEY": "\(keys)/worker-\(name).key",
                // Instance 1 of each worker on this host: ports BASE1, two different bases.
                "METRICS_PORT_BASE": String(metricsBase + index)])
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
        #expect(coordinator.errors.contains("coordinator: metrics on http://0.0.0.0:"), "\(coordinator.errors)")
        for (index, worker) in workers.enumerated() {
            let name = namespaces ? hosts[index].name : "host-\(["a", "b"][index])"
            #expect(coordinator.errors.contains("joined: \(name)-1"), "\(coordinator.errors)")
            #expect(worker.wait(seconds: 20) == 0, "\(worker.errors)")
        }
    }

    /// Stand-ins for Slurm's commands in `fixture`'s folder (every "node" is this host), and the
    /// environment a job of `nodes` nodes sees.
    private func fakeSlurm(_ fixture: DistributedFixture, nodes: Int) throws -> [String: String] {
        let bin = fixture.directory.file("slurm-bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try "#!/bin/sh\n[ \"$1 $2\" = \"show hostnames\" ] && echo 127.0.0.1\n".write(toFile: "\(bin)/scontrol", atomically: true, encoding: .utf8)
        try """
            #!/usr/bin/env bash
            # srun --nodes=N [--option=value ...] COMMAND...: runs COMMAND once per node and, as
            # srun does, passes SIGTERM on to the tasks.
            nodes=1
            while [[ $1 == --* ]]; do [[ $1 == --nodes=* ]] && nodes=${1#--nodes=}; shift; done
            for ((i = 0; i < nodes; i++)); do "$@" --name "node$i" & done
            trap 'kill -TERM $(jobs -p) 2>/dev/null' TERM
            while [[ -n $(jobs -pr) ]]; do wait; done
            """.write(toFile: "\(bin)/srun", atomically: true, encoding: .utf8)
        for tool in ["scontrol", "srun"] { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(bin)/\(tool)") }
        return ["PATH": "\(bin):" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                "SLURM_JOB_NODELIST": "node[0-\(nodes - 1)]", "SLURM_JOB_NUM_NODES": String(nodes), "SLURM_CPUS_PER_TASK": "1",
                "PIPELINE": PipelineBinary.url.path, "PIPELINE_PORT": String(Int.random(in: 20000..<60000))]
    }

    /// Runs the script as sbatch would. Processes this test runner starts inherit its blocked
    /// signals (SIGTERM among them), and bash cannot trap a blocked signal: python unblocks them
    /// before it becomes bash (`pipeline` itself does not mind, its signal sources read them anyway).
    private func submit(_ fixture: DistributedFixture, _ environment: [String: String], name: String) throws -> RunningProcess {
        let unblocked = "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execvp(sys.argv[1], sys.argv[1:])"
        return try RunningProcess(["python3", "-c", unblocked, "bash", ops("slurm/pipeline.sbatch"), fixture.pipeline, fixture.scene,
                                   fixture.directory.file("slurm")],
                                  environment: environment, logsIn: fixture.directory, name: name, executable: "/usr/bin/python3")
    }

    @Test func theSlurmScriptRunsASceneWithACoordinatorAndWorkersOnEveryNode() throws {
        let fixture = try DistributedFixture()
        let job = try submit(fixture, try fakeSlurm(fixture, nodes: 2), name: "slurm")
        #expect(job.wait(seconds: 120) == 0, "\(job.output) \(job.errors)")
        #expect(try fixture.output("slurm") == fixture.reference)
        #expect(job.errors.contains("joined: node0") && job.errors.contains("joined: node1"), "\(job.errors)")
    }

    /// Slurm's SIGTERM before the time limit stops the job cleanly; submitting again resumes.
    @Test func aSlurmJobStoppedBySIGTERMResumesWhenSubmittedAgain() throws {
        let fixture = try DistributedFixture()
        var environment = try fakeSlurm(fixture, nodes: 2)
        environment["PIPELINE_FAULT_DELAY_MS"] = "100"
        let first = try submit(fixture, environment, name: "slurm-first")
        #expect(RunningProcess.waitUntil(seconds: 60) { fixture.committedTiles("slurm").count >= 10 }, "\(first.errors)")
        first.signal(SIGTERM)
        #expect(first.wait(seconds: 20) == 143, "\(first.errors)")
        #expect(first.errors.contains("submit the same command again to resume"), "\(first.errors)")
        let committed = fixture.committedTiles("slurm")

        environment["PIPELINE_FAULT_DELAY_MS"] = "0"
        let second = try submit(fixture, environment, name: "slurm-second")
        #expect(second.wait(seconds: 120) == 0, "\(second.errors)")
        #expect(try fixture.output("slurm") == fixture.reference)
        #expect(try fixture.report("slurm")["tilesResumed"] as? Int ?? 0 >= committed.count)
    }
}
