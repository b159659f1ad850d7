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
                With the key in a key file (no ROSTER_SECRET_KEY), a new key is made and replaces the file's once every \
                secret is resealed. With --new-key-file FILE, the new key is FILE's (made there, mode 0600, when FILE does \
                not exist) and the configured key is left as it is: give the new key to every server \
                (ROSTER_SECRET_KEY or ROSTER_SECRET_KEY_FILE). Restart every server of the database afterwards: until \
                then they refuse to seal or reveal secrets and are not ready. Console sessions end. Backups made before \
                hold secrets sealed under the old key.
                """)

        @OptionGroup var global: GlobalOptions

        @Option(name: .customLong("new-key-file"), help: "Where the new key is: a file holding a base64 AES-256 key, or a path where one is made.")
        var newKeyFile: String?

        func run() async throws {
            let config = global.configuration()
            let (newKey, pending) = try prepareKey(config)
            let count: Int
            do {
                count = try await global.withRuntime(config) { runtime in try await runtime.services.secretKeys.rotate(to: newKey) }
            } catch {
                // Nothing was resealed: the key made for this rotation is of no use.
                if let pending { try? FileManager.default.removeItem(atPath: pending) }
                throw error
            }
            let resealed = "resealed \(count) partner-account secret\(count == 1 ? "" : "s") under the new key"
            let restart = "restart every server of this database now: until then they refuse to seal or reveal secrets and are not ready; "
                + "console sessions end. Backups made before hold secrets sealed under the old key."
            if let pending {
                let path = config.secretKeyPath
                guard rename(pending, path) == 0 else {
                    throw CLIRefusal("""
                        \(resealed), but \(pending) could not replace \(path) (\(String(cString: strerror(errno)))): move it there \
                        yourself; the database takes only the new key now
                        """)
                }
                print("\(resealed); \(path) holds it now.\n\(restart)")
            } else {
                print("\(resealed); it is in \(newKeyFile ?? ""). Give it to every server (ROSTER_SECRET_KEY, or ROSTER_SECRET_KEY_FILE).\n\(restart)")
            }
        }

        /// The new key, and the file it waits in until it replaces the key file (`nil` with --new-key-file).
        func prepareKey(_ config: RosterConfiguration) throws -> (SecretBox, String?) {
            let manager = FileManager.default
            if let newKeyFile {
                if manager.fileExists(atPath: newKeyFile) {
                    if let reason = Files.unreadable(newKeyFile) { throw CLIRefusal(reason) }
                    guard let data = manager.contents(atPath: newKeyFile), let text = String(data: data, encoding: .utf8),
                          let key = try? SecretBox(base64Key: text) else {
                        throw CLIRefusal("\(newKeyFile) does not hold a base64 AES-256 key (32 bytes, e.g. openssl rand -base64 32)")
                    }
                    return (key, nil)
                }
                return (try Self.makeKeyFile(at: newKeyFile), nil)
            }
            guard config.secretKey == nil else {
                throw ValidationError("""
                    the key in use comes from ROSTER_SECRET_KEY: give --new-key-file FILE for the new key (made there when FILE \
                    does not exist), then set ROSTER_SECRET_KEY to it on every server
                    """)
            }
            let pending = config.secretKeyPath + ".new"
            // Left by a rotation that failed before it resealed anything (one that resealed moved it into place).
            try? manager.removeItem(atPath: pending)
            return (try Self.makeKeyFile(at: pending), pending)
        }

        /// A new key in a new file, mode 0600 from the start.
        static func makeKeyFile(at path: String) throws -> SecretBox {
            let text = SecretBox.generateKeyBase64()
            guard FileManager.default.createFile(atPath: path, contents: Data((text + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
                throw CLIRefusal("could not create the key file \(path)")
            }
            // On disk before the database takes the key: a key lost to a crash would leave every secret unreadable.
            guard let handle = FileHandle(forUpdatingAtPath: path) else { throw CLIRefusal("could not write the key file \(path)") }
            try handle.synchronize()
            try handle.close()
            return try SecretBox(base64Key: text)
        }
    }
}
