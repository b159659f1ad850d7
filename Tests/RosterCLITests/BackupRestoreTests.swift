import Foundation
import Testing

/// Backups restored and served (issue 11, item 6): SQLite with `roster backup` and `roster restore`, PostgreSQL with
/// the pg_dump and pg_restore recipe of docs/compliance.md. After a restore every record is there, a partner account's
/// secret opens with the key the backup was made with, and every audit chain verifies; another key refuses to start.
@Suite("CLI: backup and restore")
struct BackupRestoreTests {
    static let token = "backup-restore-token-0123456789abcdefghij"
    static let key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    static let otherKey = "HxwdHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA="

    /// What a person checks against a served copy: the parties of acme, a revealed secret, verifying chains.
    struct Snapshot: Equatable {
        var parties: [String]
        var secret: String?
        var audit: String
    }

    static func snapshot(_ cli: CLI, environment: [String: String]) async throws -> Snapshot {
        let port = CLI.serverPort()
        let stop = try cli.serve(port: port, environment: environment)
        defer { stop() }
        let base = "http://127.0.0.1:\(port)/v1/tenants/acme"
        var ready = false
        for _ in 0..<600 where !ready {
            ready = httpGet("http://127.0.0.1:\(port)/health/ready", token: token) != nil
            if !ready { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(ready, "the server did not start within a minute")
        let list = try JSONSerialization.jsonObject(with: Data((httpGet("\(base)/parties?limit=500", token: token) ?? "{}").utf8)) as? [String: Any]
        let parties = ((list?["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }.sorted()
        let accounts = try JSONSerialization.jsonObject(with: Data((httpGet("\(base)/partner-accounts", token: token) ?? "{}").utf8)) as? [String: Any]
        let account = ((accounts?["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }.sorted().first
        var secret: String?
        if let account, let body = httpGet("\(base)/partner-accounts/\(account)/secret", token: token),
           let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] {
            secret = object["secret"] as? String
        }
        stop()
        let audit = try cli.run(["audit", "verify", "--full"], environment: environment)
        return Snapshot(parties: parties, secret: secret, audit: audit.status == 0 ? "ok" : audit.out)
    }

    @Test func sqliteBackupRestoresIntoANewFile() async throws {
        let cli = try CLI()
        let env = ["ROSTER_BOOTSTRAP_TOKEN": Self.token, "ROSTER_SECRET_KEY": Self.key]
        #expect(try cli.run(["migrate", "--demo"], environment: env).status == 0)
        let original = try await Self.snapshot(cli, environment: env)
        #expect(original.parties.count > 10 && original.secret != nil && original.audit == "ok", "\(original)")

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("restore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let backup = dir.appendingPathComponent("roster.backup").path
        let made = try cli.run(["backup", backup], environment: env)
        #expect(made.status == 0, "\(made.err)")
        let mode = (try FileManager.default.attributesOfItem(atPath: backup)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)

        // Another key: the restore refuses, and leaves nothing behind.
        let target = dir.appendingPathComponent("restored.sqlite").path
        let restored = CLI(databaseURL: "sqlite://" + target)
        let wrongKey = try restored.run(["restore", backup], environment: ["ROSTER_SECRET_KEY": Self.otherKey])
        #expect(wrongKey.status == 2 && wrongKey.err.contains("ROSTER_SECRET_KEY"), "\(wrongKey.status) \(wrongKey.err)")
        #expect(!FileManager.default.fileExists(atPath: target))
        // The key it was made with: restored, 0600, served with every record, the secret, the chains.
        let done = try restored.run(["restore", backup], environment: env)
        #expect(done.status == 0 && done.out.contains("every audit chain verifies"), "\(done.out) \(done.err)")
        #expect((try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let copy = try await Self.snapshot(restored, environment: env)
        #expect(copy == original, "restored \(copy), original \(original)")
        // Never over data; never from something that is not a backup.
        let occupied = try restored.run(["restore", backup], environment: env)
        #expect(occupied.status == 2 && occupied.err.contains("not empty"), "\(occupied.err)")
        let notABackup = dir.appendingPathComponent("notes.txt").path
        try Data("hello".utf8).write(to: URL(fileURLWithPath: notABackup))
        let bogus = try CLI(databaseURL: "sqlite://" + dir.appendingPathComponent("other.sqlite").path).run(["restore", notABackup], environment: env)
        #expect(bogus.status == 1 && bogus.err.contains("not a SQLite database"), "\(bogus.err)")
        // Another application's SQLite file: not a backup (it said "restored 0 tenants" and kept it; found by a probe).
        let foreign = dir.appendingPathComponent("foreign.sqlite").path
        try CLI(databaseURL: "sqlite://" + foreign).execute("CREATE TABLE foo (x TEXT)")
        let foreignTarget = dir.appendingPathComponent("foreign-restored.sqlite").path
        let notRoster = try CLI(databaseURL: "sqlite://" + foreignTarget).run(["restore", foreign], environment: env)
        #expect(notRoster.status == 1 && notRoster.err.contains("is not a Roster backup"), "\(notRoster.status) \(notRoster.err)")
        #expect(!FileManager.default.fileExists(atPath: foreignTarget))
        // A backup cut short is a damaged input (1), not an unavailable database (3; found by a probe), and leaves nothing.
        let cut = dir.appendingPathComponent("cut.backup").path
        let whole = try Data(contentsOf: URL(fileURLWithPath: backup))
        try Data(whole.prefix(whole.count / 2)).write(to: URL(fileURLWithPath: cut))
        let cutTarget = dir.appendingPathComponent("cut.sqlite").path
        let truncated = try CLI(databaseURL: "sqlite://" + cutTarget).run(["restore", cut], environment: env)
        #expect(truncated.status == 1 && truncated.err.contains("damaged") && !truncated.err.contains("unavailable("),
                "\(truncated.status) \(truncated.err)")
        #expect(!FileManager.default.fileExists(atPath: cutTarget))
        let postgres = try CLI(databaseURL: "postgres://x:y@127.0.0.1:1/z").run(["restore", backup], environment: env)
        #expect(postgres.status == 2 && postgres.err.contains("pg_restore"), "\(postgres.err)")
        // Backup refuses PostgreSQL the same way, before connecting (the server named here does not exist).
        let postgresBackup = try CLI(databaseURL: "postgres://x:y@127.0.0.1:1/z").run(["backup", dir.appendingPathComponent("pg.bak").path],
                                                                                    environment: env)
        #expect(postgresBackup.status == 2 && postgresBackup.err.contains("pg_dump"), "\(postgresBackup.err)")
    }

    /// The recipe of docs/compliance.md, run: pg_dump of a served database, pg_restore into a new one, served again.
    @Test func postgresDumpRestoresIntoANewDatabase() async throws {
        guard let shared = ProcessInfo.processInfo.environment["ROSTER_TEST_POSTGRES_URL"], !shared.isEmpty,
              let slash = shared.lastIndex(of: "/") else {
            Issue.record("ROSTER_TEST_POSTGRES_URL is not set: run the tests with scripts/test")
            return
        }
        let run = UUID().uuidString.lowercased().prefix(8)
        let source = "backup_source_\(run)", copy = "backup_copy_\(run)"
        #expect(psql(shared, "CREATE DATABASE \(source)") == 0)
        defer {
            _ = psql(shared, "DROP DATABASE IF EXISTS \(source) WITH (FORCE)")
            _ = psql(shared, "DROP DATABASE IF EXISTS \(copy) WITH (FORCE)")
        }
        let sourceURL = String(shared[...slash]) + source, copyURL = String(shared[...slash]) + copy
        let cli = CLI(databaseURL: sourceURL)
        let env = ["ROSTER_BOOTSTRAP_TOKEN": Self.token, "ROSTER_SECRET_KEY": Self.key]
        #expect(try cli.run(["migrate", "--demo"], environment: env).status == 0)
        let original = try await Self.snapshot(cli, environment: env)
        #expect(original.parties.count > 10 && original.secret != nil && original.audit == "ok", "\(original)")

        let dump = FileManager.default.temporaryDirectory.appendingPathComponent("roster-\(run).dump").path
        defer { try? FileManager.default.removeItem(atPath: dump) }
        #expect(tool("pg_dump", ["--format=custom", "--no-owner", "--file", dump, sourceURL]) == 0)
        #expect(psql(shared, "CREATE DATABASE \(copy)") == 0)
        #expect(tool("pg_restore", ["--no-owner", "--exit-on-error", "--dbname", copyURL, dump]) == 0)

        let restored = CLI(databaseURL: copyURL)
        let served = try await Self.snapshot(restored, environment: env)
        #expect(served == original, "restored \(served), original \(original)")
        let wrongKey = try restored.run(["tenants", "list"], environment: ["ROSTER_SECRET_KEY": Self.otherKey])
        #expect(wrongKey.status == 2 && wrongKey.err.contains("ROSTER_SECRET_KEY"), "\(wrongKey.err)")
    }
}

/// Runs a PostgreSQL client tool; its exit status.
func tool(_ name: String, _ arguments: [String]) -> Int32? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [name] + arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    process.waitUntilExit()
    return process.terminationStatus
}
