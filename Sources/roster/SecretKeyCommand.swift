import ArgumentParser
import Foundation
import RosterApp
import RosterService

struct SecretKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secret-key", abstract: "The key that seals partner-account secrets at rest.", subcommands: [Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reseal every partner-account secret under a new key, in one transaction.",
            discussion: """
                With the key in a key file (no ROSTER_SECRET_KEY), a new key is made in KEYFILE.new and takes the file's \
                place once every secret is resealed; the key before is kept as KEYFILE.old. With --new-key-file FILE, \
                the new key is FILE's (made there, mode 0600, when FILE does not exist) and the configured key is left \
                as it is: give the new key to every server (ROSTER_SECRET_KEY or ROSTER_SECRET_KEY_FILE). A running \
                server takes the new key within 2 s of its key file holding it (servers on other hosts read their own \
                copy); one given ROSTER_SECRET_KEY must be restarted with it. Until then a server refuses to seal or \
                reveal secrets. Console sessions signed in before end. Backups made before hold secrets sealed under \
                the old key.
                """)

        @OptionGroup var global: GlobalOptions

        @Option(name: .customLong("new-key-file"), help: "Where the new key is: a file holding a base64 AES-256 key, or a path where one is made.")
        var newKeyFile: String?

        func run() async throws {
            let config = global.configuration()
            let target = try self.target(config)
            let (count, kept) = try await global.withRuntime(config) { runtime in
                do {
                    return try await SecretKeyRotation.rotate(runtime, target: target, context: .cli)
                } catch let refusal as SecretKeyRotation.Refusal {
                    if refusal.unusable { throw ValidationError(refusal.description) }
                    throw CLIRefusal(refusal.description)
                }
            }
            let resealed = count.map { "resealed \($0) partner-account secret\($0 == 1 ? "" : "s") under the new key" }
                ?? "resealed every partner-account secret under the new key"
            let restart = "A running server takes the new key within 2 s of its key file holding it (copy it to servers on other hosts); "
                + "restart those given ROSTER_SECRET_KEY with it. Until then a server refuses to seal or reveal secrets. "
                + "Console sessions signed in before end. Backups made before hold secrets sealed under the old key."
            switch target {
            case .inPlace(let path, _):
                print("\(resealed); \(path) holds it now (the key before is in \(kept ?? "no file"): delete it once every server "
                      + "runs with the new key, or keep it with the backups made before).\n\(restart)")
            case .file(let path, _):
                print("\(resealed); it is in \(path). Give it to every server (ROSTER_SECRET_KEY, or ROSTER_SECRET_KEY_FILE).\n\(restart)")
            }
        }

        func target(_ config: RosterConfiguration) throws -> SecretKeyRotation.Target {
            if let newKeyFile {
                // Where a rotation in place keeps its new key: a key there reads as a rotation cut short (a probe).
                let reserved = config.secretKey == nil ? [config.secretKeyPath + ".new"] : []
                if reserved.contains(where: { URL(fileURLWithPath: $0).standardizedFileURL == URL(fileURLWithPath: newKeyFile).standardizedFileURL }) {
                    throw CLIRefusal("\(newKeyFile) is where a rotation in place keeps its new key: give another path")
                }
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: newKeyFile, isDirectory: &isDirectory) else {
                    return .file(path: newKeyFile, made: true)
                }
                if let reason = Files.unreadable(newKeyFile) { throw CLIRefusal(reason) }
                if let mode = KeyFiles.looseMode(newKeyFile) {
                    FileHandle.standardError.write(Data("roster: warning: \(newKeyFile) may be read by others than its owner (mode \(String(mode, radix: 8))): chmod 600 it\n".utf8))
                }
                return .file(path: newKeyFile, made: false)
            }
            guard config.secretKey == nil else {
                throw ValidationError("""
                    the key in use comes from ROSTER_SECRET_KEY: give --new-key-file FILE for the new key (made there when FILE \
                    does not exist), then set ROSTER_SECRET_KEY to it on every server
                    """)
            }
            let path = config.secretKeyPath
            if KeyFiles.isSymbolicLink(path) {
                throw CLIRefusal("\(path) is a symbolic link: rotate with --new-key-file FILE and point the link at FILE afterwards")
            }
            return .inPlace(path: path, pending: path + ".new")
        }
    }
}
