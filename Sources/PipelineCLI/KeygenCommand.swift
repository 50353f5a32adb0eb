import ArgumentParser
import Foundation
import Messaging

/// `pipeline keygen`: a CURVE key pair for encrypted, authenticated coordinator/worker links.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Generate a CURVE key pair (NAME.key secret, NAME.pub public) for encrypted links.",
        discussion: """
            Writes DIR/NAME.key (public and secret key, mode 0600: keep it on the machine that uses \
            it) and DIR/NAME.pub (the public key alone: hand it to peers). Worker .pub files go on the \
            coordinator's allow-list; the coordinator's .pub goes to every worker. Keys are Z85 text, \
            one 'public=' / 'secret=' line each. Existing files are never replaced unless --force.
            """
    )

    @Option(name: .long, help: ArgumentHelp("Folder for the key files (created if missing).", valueName: "dir"))
    var out: String

    @Option(name: .long, help: ArgumentHelp("Base name of the files, e.g. coordinator or worker-3.", valueName: "name"))
    var name: String

    @Flag(name: .long, help: "Replace existing NAME.key and NAME.pub.")
    var force = false

    func validate() throws {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw ValidationError("--name must be a plain file name without '/', e.g. worker-3")
        }
    }

    func run() throws {
        let directory = URL(fileURLWithPath: out)
        let secretPath = directory.appendingPathComponent("\(name).key").path
        let publicPath = directory.appendingPathComponent("\(name).pub").path

        // Checked up front for both files, so a refusal leaves nothing half-written; the writes
        // themselves refuse too (O_EXCL), which covers a file appearing in between.
        if !force, let existing = [secretPath, publicPath].first(where: FileManager.default.fileExists) {
            Console.error("keygen: \(existing) already exists; not overwritten (use --force to replace it)")
            throw ExitCode(1)
        }
        try OutputFiles.createFolder(out, option: "--out")

        do {
            let keys = try CurveKeyPair.generate()
            try keys.write(secretKeyFile: secretPath, overwrite: force)
            do {
                try keys.writePublicKey(file: publicPath, overwrite: force)
            } catch {
                // Never leave a secret key beside a missing or stale public key.
                try? FileManager.default.removeItem(atPath: secretPath)
                throw error
            }
            Console.line("keygen: public key \(keys.publicKey)")
            Console.line("keygen: wrote \(secretPath) (secret, mode 0600: keep it on this machine)")
            Console.line("keygen: wrote \(publicPath) (public: give it to peers)")
        } catch let error as MessagingError {
            Console.error("keygen: \(error)")
            throw ExitCode(1)
        }
    }
}
