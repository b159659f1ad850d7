import Foundation
public import RosterCore
public import RosterService

/// `roster secret-key rotate` once its arguments are read: makes or reads the new key, reseals every secret under it
/// (`SecretKeyService.rotate`), and puts the key file in place.
public enum SecretKeyRotation {
    /// Where the new key goes: into `pending`, then in the key file's place; or a file of the operator's (`made`: to be
    /// made by the rotation).
    public enum Target: Sendable {
        case inPlace(path: String, pending: String)
        case file(path: String, made: Bool)
    }

    /// Why a rotation did not happen, or did not end as it should. `unusable`: the new key given can't be used (the
    /// CLI's exit 1); else a refusal or a failure of the files (exit 2).
    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
        public let unusable: Bool

        init(_ description: String, unusable: Bool = false) {
            self.description = description
            self.unusable = unusable
        }

        /// The database took another rotation's key after this process read the key.
        static let overtaken = Refusal("another rotation changed the database's key while this one started; nothing was resealed: run it again")
    }

    /// Runs once the database took the configured key. A key file made here is removed only when the database is known
    /// to take the key before. How many secrets were resealed (nil when the commit's answer was lost but the database
    /// took the new key), and where the key before was kept.
    public static func rotate(_ runtime: RosterRuntime, target: Target, context: OperationContext) async throws -> (count: Int?, kept: String?) {
        let newKey: SecretBox
        let made: String?
        var release: (@Sendable () -> Void)?
        defer { release?() }
        switch target {
        case .inPlace(let path, let pending):
            try await clearLeftover(pending, keyFile: path, runtime: runtime)
            (newKey, release) = try await create(pending, locked: true)
            made = pending
        case .file(let path, true):
            (newKey, _) = try await create(path, locked: false)
            made = path
        case .file(let path, false):
            guard let key = KeyFiles.read(path) else {
                throw Refusal("\(path) does not hold a base64 AES-256 key (32 bytes, e.g. openssl rand -base64 32)", unusable: true)
            }
            newKey = key
            made = nil
        }
        let old = runtime.keyring.current
        if newKey.checkValue == old?.checkValue {
            throw Refusal("--new-key-file holds the key in use: a rotation needs another key", unusable: true)
        }
        let count: Int?
        do {
            count = try await runtime.services.secretKeys.rotate(to: newKey, context: context)
        } catch {
            // Committed or not: the database says.
            let stored = try? await runtime.services.secretKeys.storedCheckValue()
            if let stored, stored == newKey.checkValue {
                count = nil
            } else {
                if let made {
                    // The database takes another key than the new one (the key before, or another rotation's): the new
                    // key is nobody's. Unknown only when the database can't say.
                    guard stored != nil else {
                        throw Refusal("""
                            the rotation failed (\(error)) and whether the database took the new key is not known: keep \
                            \(made); start says which key the database takes
                            """)
                    }
                    try? FileManager.default.removeItem(atPath: made)
                }
                if let stored, stored != old?.checkValue {
                    throw Refusal.overtaken
                }
                throw error
            }
        }
        guard case .inPlace(let path, let pending) = target else { return (count, nil) }
        do {
            // From the key held here: KEYFILE.new may have been moved meanwhile.
            return (count, try KeyFiles.install(newKey, pending: pending, as: path))
        } catch {
            throw Refusal("the database takes the new key now, but \(error); \(pending) holds it: move it to \(path) yourself")
        }
    }

    /// A KEYFILE.new from before: a running rotation's (it holds its lock: refused), the database's key (a rotation cut
    /// short after its commit: start names it; checked again here, as that rotation may have committed since this
    /// command started), or a key the database never took (removed).
    static func clearLeftover(_ pending: String, keyFile: String, runtime: RosterRuntime) async throws {
        guard FileManager.default.fileExists(atPath: pending) || KeyFiles.isSymbolicLink(pending) else { return }
        let cleared: Bool? = try await KeyFiles.unlessLocked(pending) {
            let stored = try await runtime.services.secretKeys.storedCheckValue()
            if let stored, KeyFiles.read(pending)?.checkValue == stored {
                throw Refusal("""
                    \(pending) holds the database's key (a rotation stopped before it replaced \(keyFile)): rename \(keyFile) \
                    to \(keyFile).old first if backups need it, then move \(pending) to \(keyFile)
                    """)
            }
            guard stored == runtime.keyring.current?.checkValue else {
                throw Refusal.overtaken
            }
            try FileManager.default.removeItem(atPath: pending)
            return true
        }
        guard cleared != nil else {
            throw Refusal("another rotation is running (it holds \(pending)): wait for it to end")
        }
    }

    static func create(_ path: String, locked: Bool) async throws -> (SecretBox, @Sendable () -> Void) {
        do {
            return try KeyFiles.create(path, locked: locked)
        } catch let failure as KeyFiles.Failure where failure.exists && locked {
            // Made by another rotation since this one looked.
            if KeyFiles.isLocked(path) {
                throw Refusal("another rotation is running (it holds \(path)): wait for it to end")
            }
            throw Refusal("\(path) appeared while this rotation started (another rotation's, ended or stopped): run it again")
        } catch let failure as KeyFiles.Failure {
            throw Refusal(failure.description)
        }
    }
}
