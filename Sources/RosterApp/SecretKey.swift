import Foundation
import RosterService

extension RosterConfiguration {
    /// Where the key file lives: `ROSTER_SECRET_KEY_FILE`, else beside the SQLite database, else `roster.key`.
    public var secretKeyPath: String {
        secretKeyFile ?? RosterDatabase.sqlitePath(databaseURL).map {
            URL(fileURLWithPath: $0).deletingPathExtension().appendingPathExtension("key").path
        } ?? "roster.key"
    }

    /// The variable a key problem is about.
    var secretKeyVariable: String { secretKey != nil ? "ROSTER_SECRET_KEY" : "ROSTER_SECRET_KEY_FILE" }

    /// The key for secrets at rest: `ROSTER_SECRET_KEY`, else the key file; `nil` when neither exists. Whether a
    /// database may take a new key is `SecretKeyService.verify`'s decision.
    func loadSecretBox() throws -> SecretBox? {
        if let secretKey { return try SecretBox(base64Key: secretKey) }
        return try keyFileIsMissing() ? nil : readKeyFile()
    }

    /// The key as `loadSecretBox` finds it; when there is none, a new one kept in a new key file (mode 0600 from the
    /// start, never replacing a file), or the one a process starting at the same time made there first.
    func makeSecretBox() throws -> SecretBox {
        if let secretKey { return try SecretBox(base64Key: secretKey) }
        if try keyFileIsMissing() {
            do {
                return try KeyFiles.create(secretKeyPath).key
            } catch let failure as KeyFiles.Failure where failure.exists {
                // Another process made it meanwhile: its key is read below.
            } catch let failure as KeyFiles.Failure {
                // A configuration error naming the variable (exit 2), as any other problem of the key file.
                throw ConfigurationError(variable: "ROSTER_SECRET_KEY_FILE", accepts: """
                    must name a file this process can make, to keep the key it makes at its first start in (\(failure.description)); \
                    or give the key in ROSTER_SECRET_KEY
                    """)
            }
        }
        return try readKeyFile()
    }

    /// Whether no key file is there; a link to nothing (a secret mount not there yet) is neither replaced nor taken for
    /// another process's file: a configuration error.
    private func keyFileIsMissing() throws -> Bool {
        let path = secretKeyPath
        guard !FileManager.default.fileExists(atPath: path) else { return false }
        if KeyFiles.isSymbolicLink(path) {
            throw ConfigurationError(variable: "ROSTER_SECRET_KEY_FILE", accepts: """
                must name a file holding a base64 AES-256 key (\(path) is a symbolic link to a file that does not exist)
                """)
        }
        return true
    }

    /// The key in the key file, which is there.
    private func readKeyFile() throws -> SecretBox {
        let path = secretKeyPath
        let manager = FileManager.default
        // Whatever is wrong with the file is a configuration error naming the variable (exit 2): a directory or a raw
        // 32-byte key was Foundation's error text and exit 1 (found by a probe).
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ConfigurationError(variable: "ROSTER_SECRET_KEY_FILE", accepts: "must name a file holding a base64 AES-256 key (\(path) is a directory)")
        }
        guard var data = manager.contents(atPath: path) else {
            throw ConfigurationError(variable: "ROSTER_SECRET_KEY_FILE", accepts: "must name a file this process can read (\(path) can't be read)")
        }
        // Being written by a process starting at the same time, on a file system where keys can't be linked into place
        // whole (`KeyFiles.write`): read again for up to a second.
        for _ in 0..<20 where data.isEmpty {
            usleep(50_000)
            data = manager.contents(atPath: path) ?? data
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(variable: "ROSTER_SECRET_KEY_FILE", accepts: "must name a file holding a base64 AES-256 key as text "
                                     + "(\(path) holds bytes that are no text: a raw key? write it as base64)")
        }
        do {
            return try SecretBox(base64Key: text)
        } catch {
            throw ConfigurationError(variable: "ROSTER_SECRET_KEY_FILE", accepts: "must name a file holding a base64 AES-256 key (\(path) does not)")
        }
    }

    /// A warning when the key file (the key in use: no ROSTER_SECRET_KEY) may be read by others than its owner: it is
    /// made 0600, and a copy or a volume mount loosened it (found by a probe). Start goes on: a container's secret mount
    /// is often 0644 inside a container of one user.
    func looseKeyFile() -> String? {
        guard secretKey == nil, let mode = KeyFiles.looseMode(secretKeyPath) else { return nil }
        return "the secret key file \(secretKeyPath) may be read by others than its owner (mode \(String(mode, radix: 8))): "
            + "chmod 600 it, or give the key in ROSTER_SECRET_KEY"
    }

    /// Checks the key against the database (see `SecretKeyService.verify`); a key that can't be used stops start.
    func verifySecretKey(_ runtime: RosterRuntime) async throws {
        let configuration = self
        if secretKey == nil { KeyFiles.clearAbandoned(beside: secretKeyPath) }
        func verify() async throws {
            try await runtime.services.secretKeys.verify(candidate: try loadSecretBox()) { try configuration.makeSecretBox() }
        }
        do {
            do {
                try await verify()
            } catch SecretKeyProblem.missing where secretKey == nil && FileManager.default.fileExists(atPath: secretKeyPath) {
                // Made by a process starting at the same time, after this one looked, whose transaction went first.
                try await verify()
            } catch SecretKeyProblem.mismatch where secretKey == nil {
                // A rotation running beside this start (it holds KEYFILE.new until its key is in place), or one that ended
                // after this process read the key file: the file is read again once it is done (a start during a rotation
                // was told to move KEYFILE.new into place itself; found by a probe).
                guard await KeyFiles.waitWhileLocked(secretKeyPath + ".new", limit: .seconds(10)) else {
                    throw ConfigurationError(variable: secretKeyVariable, accepts: """
                        must give the key this database's secrets were sealed with: a rotation (roster secret-key rotate) is \
                        running and holds \(secretKeyPath).new; start again once it ended
                        """)
                }
                try await verify()
            }
        } catch SecretKeyProblem.missing {
            throw ConfigurationError(variable: secretKeyVariable, accepts: """
                must give the key: this database was given one at its first start (it keeps a check value of it, and \
                seals partner-account secrets with it), and none was found (no ROSTER_SECRET_KEY, no file \
                \(secretKeyPath)); a new key would leave its secrets unreadable
                """)
        } catch SecretKeyProblem.mismatch {
            // A rotation's files: its new key not yet in place (cut short after its commit), or a key from before it (the
            // database restored from before the rotation, or its commit lost).
            let stored = try? await runtime.services.secretKeys.storedCheckValue()
            for path in KeyFiles.leftovers(of: secretKeyPath) where secretKey == nil {
                guard let stored, KeyFiles.read(path)?.checkValue == stored else { continue }
                let why = path.hasSuffix(".new") ? "a rotation (roster secret-key rotate) stopped before it replaced \(secretKeyPath)"
                    : "the database takes a key from before a rotation: restored from a backup made before it?"
                throw ConfigurationError(variable: secretKeyVariable, accepts: """
                    must give the key this database's secrets were sealed with: \(path) holds it (\(why)); keep \(secretKeyPath) \
                    (rename it, e.g. to \(secretKeyPath).kept: other databases or backups may need it), then move \(path) to \(secretKeyPath)
                    """)
            }
            throw ConfigurationError(variable: secretKeyVariable,
                                     accepts: "must give the key this database's secrets were sealed with; the key given is another")
        }
    }
}
