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
                as it is: give the new key to every server (ROSTER_SECRET_KEY or ROSTER_SECRET_KEY_FILE). Restart every \
                server of the database afterwards: until then they refuse to seal or reveal secrets. Console sessions \
                end. Backups made before hold secrets sealed under the old key.
                """)

        @OptionGroup var global: GlobalOptions

        @Option(name: .customLong("new-key-file"), help: "Where the new key is: a file holding a base64 AES-256 key, or a path where one is made.")
        var newKeyFile: String?

        func run() async throws {
            let config = global.configuration()
            let target = try self.target(config)
            let (count, kept) = try await global.withRuntime(config) { runtime in try await Self.rotate(runtime, target: target) }
            let resealed = count.map { "resealed \($0) partner-account secret\($0 == 1 ? "" : "s") under the new key" }
                ?? "resealed every partner-account secret under the new key"
            let restart = "Restart every server of this database now: until then they refuse to seal or reveal secrets; "
                + "console sessions end. Backups made before hold secrets sealed under the old key."
            switch target {
            case .inPlace(let path, _):
                print("\(resealed); \(path) holds it now (the key before is in \(kept ?? "no file"): delete it once every server "
                      + "runs with the new key, or keep it with the backups made before).\n\(restart)")
            case .file(let path, _):
                print("\(resealed); it is in \(path). Give it to every server (ROSTER_SECRET_KEY, or ROSTER_SECRET_KEY_FILE).\n\(restart)")
            }
        }

        /// Where the new key goes: into `pending`, then in the key file's place; or a file of the operator's (`made`: by
        /// this command).
        enum Target: Sendable {
            case inPlace(path: String, pending: String)
            case file(path: String, made: Bool)
        }

        func target(_ config: RosterConfiguration) throws -> Target {
            if let newKeyFile {
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

        /// Runs once the database took the configured key: makes or reads the new key, reseals, and puts the key file in
        /// place. A key file made here is removed only when the database is known to take the key before.
        /// How many secrets were resealed (nil when the commit's answer was lost but the database took the new key), and
        /// where the key before was kept.
        static func rotate(_ runtime: RosterRuntime, target: Target) async throws -> (count: Int?, kept: String?) {
            let newKey: SecretBox
            let made: String?
            var release: (@Sendable () -> Void)?
            defer { release?() }
            switch target {
            case .inPlace(let path, let pending):
                try await clearLeftover(pending, keyFile: path, runtime: runtime)
                do {
                    (newKey, release) = try KeyFiles.createLocked(pending)
                } catch let failure as KeyFiles.Failure {
                    throw CLIRefusal(failure.description)
                }
                made = pending
            case .file(let path, true):
                newKey = try make(path)
                made = path
            case .file(let path, false):
                guard let data = FileManager.default.contents(atPath: path),
                      let key = try? SecretBox(base64Key: String(decoding: data, as: UTF8.self)) else {
                    throw ValidationError("\(path) does not hold a base64 AES-256 key (32 bytes, e.g. openssl rand -base64 32)")
                }
                newKey = key
                made = nil
            }
            let old = runtime.keyring.current
            if newKey.checkValue == old?.checkValue {
                throw ValidationError("--new-key-file holds the key in use: a rotation needs another key")
            }
            let count: Int?
            do {
                count = try await runtime.services.secretKeys.rotate(to: newKey)
            } catch {
                // Committed or not: the database says.
                let stored = try? await runtime.services.secretKeys.storedCheckValue()
                if let stored, stored == newKey.checkValue {
                    count = nil
                } else {
                    if let made {
                        guard let stored, stored == old?.checkValue else {
                            throw CLIRefusal("""
                                the rotation failed (\(error)) and whether the database took the new key is not known: keep \
                                \(made); start says which key the database takes
                                """)
                        }
                        try? FileManager.default.removeItem(atPath: made)
                    }
                    throw error
                }
            }
            guard case .inPlace(let path, let pending) = target else { return (count, nil) }
            do {
                // From the key held here: KEYFILE.new may have been moved meanwhile.
                return (count, try KeyFiles.install(newKey, pending: pending, as: path))
            } catch {
                throw CLIRefusal("the database takes the new key now, but \(error); \(pending) holds it: move it to \(path) yourself")
            }
        }

        /// A KEYFILE.new from before: a running rotation's (it holds its lock: refused), the database's key (a rotation
        /// cut short after its commit: start names it; checked again here, as that rotation may have committed since this
        /// command started), or a key the database never took (removed).
        static func clearLeftover(_ pending: String, keyFile: String, runtime: RosterRuntime) async throws {
            guard FileManager.default.fileExists(atPath: pending) || KeyFiles.isSymbolicLink(pending) else { return }
            let cleared: Bool? = try await KeyFiles.unlessLocked(pending) {
                let stored = try await runtime.services.secretKeys.storedCheckValue()
                if let data = FileManager.default.contents(atPath: pending),
                   let key = try? SecretBox(base64Key: String(decoding: data, as: UTF8.self)), key.checkValue == stored {
                    throw CLIRefusal("""
                        \(pending) holds the database's key (a rotation stopped before it replaced \(keyFile)): rename \(keyFile) \
                        to \(keyFile).old first if backups need it, then move \(pending) to \(keyFile)
                        """)
                }
                guard stored == runtime.keyring.current?.checkValue else {
                    throw CLIRefusal("the database's key changed while this rotation started: run it again")
                }
                try FileManager.default.removeItem(atPath: pending)
                return true
            }
            guard cleared != nil else {
                throw CLIRefusal("another rotation is running (it holds \(pending)): wait for it to end")
            }
        }

        static func make(_ path: String) throws -> SecretBox {
            do {
                return try KeyFiles.create(path)
            } catch let failure as KeyFiles.Failure {
                throw CLIRefusal(failure.description)
            }
        }
    }
}
