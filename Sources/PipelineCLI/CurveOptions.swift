import ArgumentParser
import Distributed
import Scene
import Foundation
import Messaging

/// Coordinator-side CURVE: its own key pair, and the worker public keys allowed to connect.
struct CoordinatorCurveOptions: ParsableArguments {
    @Option(name: .customLong("curve-key"), help: "The coordinator's secret key file (from `pipeline keygen`); turns on CURVE encryption.")
    var curveKey: String?

    @Option(help: "A worker public key file (.pub), or a folder of them, allowed to connect (repeatable; needs --curve-key).")
    var allow: [String] = []

    func validate() throws {
        if curveKey == nil && !allow.isEmpty { throw ValidationError("--allow needs --curve-key") }
        if curveKey != nil && allow.isEmpty { throw ValidationError("--curve-key needs at least one --allow (workers' public keys)") }
    }

    /// Every allowed worker key, from files and folders.
    func allowedKeys() throws -> [String] {
        var keys: [String] = []
        for path in allow {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationFailure(message: "--allow \(path): no such file or folder")
            }
            let files: [String]
            do {
                files = isDirectory.boolValue
                    ? try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".pub") }.sorted().map { "\(path)/\($0)" }
                    : [path]
            } catch {
                throw ValidationFailure(message: "--allow \(path): cannot list the folder: \(FileErrorReason.describe(error))")
            }
            keys += try files.map { try CurveKeyPair.readPublicKey(file: $0) }
        }
        return keys
    }

    /// Sets up CURVE on the coordinator's socket and answers authentication requests each turn.
    func apply(to hooks: inout Coordinator.Hooks, context: MessageContext) throws {
        guard let curveKey else { return }
        let keys = try CurveKeyPair.read(secretKeyFile: curveKey)
        let zap = try ZAPHandler(context: context, allowedClientKeys: try allowedKeys())
        zap.onRefusal = { refusal in Console.error("coordinator: \(refusal)") }
        hooks.prepareSocket = { socket in try socket.makeCurveServer(keys: keys) }
        hooks.onTurn = { try zap.handlePending() }
        Console.line("coordinator: CURVE on, public key \(keys.publicKey), \(zap.allowedClientKeys.count) worker key(s) allowed")
    }
}

/// Worker-side CURVE: the coordinator's public key (pinned) and the worker's own key pair.
struct WorkerCurveOptions: ParsableArguments {
    @Option(name: .customLong("server-key"), help: "The coordinator's public key file (.pub); turns on CURVE encryption.")
    var serverKey: String?

    @Option(help: "This worker's secret key file (from `pipeline keygen`); its .pub must be on the coordinator's allow-list.")
    var key: String?

    func validate() throws {
        if (serverKey == nil) != (key == nil) { throw ValidationError("--server-key and --key go together") }
    }

    func apply(to hooks: inout Worker.Hooks, settings: inout Worker.Settings) throws {
        guard let serverKey, let key else { return }
        let server = try CurveKeyPair.readPublicKey(file: serverKey)
        let keys = try CurveKeyPair.read(secretKeyFile: key)
        hooks.prepareSocket = { socket in try socket.makeCurveClient(keys: keys, serverPublicKey: server) }
        // keygen writes NAME.key and NAME.pub side by side; the .pub is what goes on the allow-list.
        let publicFile = key.hasSuffix(".key") ? String(key.dropLast(4)) + ".pub" : "the public key of \(key)"
        settings.curveKeyFiles = .init(serverPublicKey: serverKey, clientPublicKey: publicFile)
    }
}
