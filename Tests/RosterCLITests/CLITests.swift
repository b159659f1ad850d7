import Foundation
import Synchronization
import Testing

/// Runs the built `roster` executable, as a person would. A database it made itself (`init()`) is removed with its WAL,
/// shared memory and key file once the last test holding it is done (the tests left gigabytes in the temporary directory).
final class CLI: Sendable {
    static var binary: URL {
        // Tests run from .build/<triple>/debug/*.xctest; the executable sits beside it.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/roster")
    }

    let databaseURL: String
    private let owned: String?

    init(databaseURL: String) {
        self.databaseURL = databaseURL
        owned = nil
    }

    init() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("roster-cli-tests", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("\(UUID().uuidString).sqlite").path
        databaseURL = "sqlite://" + path
        owned = path
    }

    deinit {
        guard let owned else { return }
        let key = URL(fileURLWithPath: owned).deletingPathExtension().appendingPathExtension("key").path
        for file in [owned, owned + "-wal", owned + "-shm", owned + "-writers", key] { try? FileManager.default.removeItem(atPath: file) }
    }

    /// The id of the (first) party whose `column` holds `value`, read from the SQLite file.
    func partyID(where column: String, is value: String) throws -> String {
        let query = Process()
        let out = Pipe()
        query.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        query.arguments = ["python3", "-c", """
            import sqlite3, sys
            print(sqlite3.connect(sys.argv[1]).execute("SELECT id FROM parties WHERE \(column) = ?", (sys.argv[2],)).fetchone()[0])
            """, String(databaseURL.dropFirst("sqlite://".count)), value]
        query.standardOutput = out
        try query.run()
        query.waitUntilExit()
        return String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct Result {
        var status: Int32
        var out: String
        var err: String
        /// Killed by a signal (`status` is then the signal).
        var signaled = false
    }

    @discardableResult
    func run(_ arguments: String..., environment: [String: String] = [:]) throws -> Result {
        try run(arguments, environment: environment)
    }

    /// Runs the CLI to its end, or for at most `timeLimit` seconds (then it is killed and reported as signaled).
    @discardableResult
    func run(_ arguments: [String], environment: [String: String] = [:], timeLimit: Double? = nil,
             standardOutput path: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["ROSTER_DATABASE_URL"] = databaseURL
        env["ROSTER_LOG_LEVEL"] = "error"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        if let path {
            // A path that can't be opened is the test's failure, not a pipe in its place (a machine without /dev/full made
            // a full disk's test read a pipe's success).
            guard let handle = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
            process.standardOutput = handle
        } else {
            process.standardOutput = out
        }
        process.standardError = err
        try process.run()
        if let timeLimit {
            DispatchQueue.global().asyncAfter(deadline: .now() + timeLimit) { if process.isRunning { process.interrupt(); kill(process.processIdentifier, SIGKILL) } }
        }
        if path != nil { try out.fileHandleForWriting.close() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, out: String(decoding: outData, as: UTF8.self),
                      err: String(decoding: errData, as: UTF8.self), signaled: process.terminationReason == .uncaughtSignal)
    }

    /// `roster serve` in the background on a free port; stopped by the returned closure.
    /// A free-looking port for a server of a test: below Linux's ephemeral range (32768-60999), where the test's own
    /// outgoing connections can't be holding it.
    static func serverPort() -> Int { Int.random(in: 20_000..<32_000) }

    /// Starts `roster serve`; its standard error goes to `log` when given (to read why a server did not come up).
    func serve(port: Int, environment: [String: String] = [:], log: URL? = nil) throws -> () -> Void {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["serve", "--port", String(port)]
        var env = ProcessInfo.processInfo.environment
        env["ROSTER_DATABASE_URL"] = databaseURL
        env["ROSTER_LOG_LEVEL"] = "error"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        if let log, FileManager.default.createFile(atPath: log.path, contents: nil), let handle = try? FileHandle(forWritingTo: log) {
            process.standardError = handle
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        return {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// Runs a statement on the SQLite file, committed.
    func execute(_ statement: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import sqlite3, sys
            sqlite3.connect(sys.argv[1], isolation_level=None).execute(sys.argv[2])
            """, String(databaseURL.dropFirst("sqlite://".count)), statement]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(statement)")
    }

    /// Rows of a query on the SQLite file, one per line, columns joined by `|`.
    func sql(_ query: String) throws -> [String] {
        let process = Process()
        let out = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import sqlite3, sys
            for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchall():
                print("|".join(str(c) for c in row))
            """, String(databaseURL.dropFirst("sqlite://".count)), query]
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}

/// GET with curl; `nil` when the server does not answer.
func httpGet(_ url: String, token: String) -> String? {
    http(["-sf", "-m", "5", "-H", "Authorization: Bearer \(token)", url])
}

/// A POST of JSON with curl: the status code and body.
func httpPost(_ url: String, token: String, json: String) -> (Int, String)? {
    guard let out = http(["-s", "-m", "30", "-w", "\n%{http_code}", "-H", "Authorization: Bearer \(token)",
                          "-H", "Content-Type: application/json", "-d", json, url]),
          let last = out.split(separator: "\n").last, let code = Int(last) else { return nil }
    return (code, String(out.dropLast(last.count + 1)))
}

func http(_ arguments: [String]) -> String? {
    let process = Process()
    let out = Pipe()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = arguments
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
}

@Suite("CLI")
struct CLITests {
    /// `roster --version` says the version of the API it serves (openapi.yaml's `info.version`), exit 0.
    @Test func versionIsTheSpecs() throws {
        let spec = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/RosterOpenAPI/openapi.yaml"), encoding: .utf8)
        let version = try #require(spec.split(separator: "\n").first { $0.hasPrefix("  version: ") }).dropFirst("  version: ".count)
        let run = try CLI().run("--version")
        #expect(run.status == 0 && run.out == "\(version)\n", "\(run.status) \(run.out) \(run.err)")
    }

    @Test func migrateIsIdempotentAndPrintsTheTokenOnce() throws {
        let cli = try CLI()
        // A command that reads what a database holds does not create one where there is none (a mistyped path is
        // told, not answered from a new empty file); so no token is made before migrate (or serve) can show it.
        let path = String(cli.databaseURL.dropFirst("sqlite://".count))
        for command in [["tenants", "list"], ["audit", "verify"], ["retention", "run", "--dry-run"], ["export", "parties", "--tenant", "acme"]] {
            let missing = try cli.run(command)
            #expect(missing.status == 3 && missing.err.contains("there is no database at \(path)") && missing.err.contains("roster migrate"),
                    "\(command): \(missing.err)")
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        // backup too (it made the file, and said "backup written"); and an empty file is no database either.
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("copy-\(UUID().uuidString).sqlite").path
        defer { for file in [copy, copy + "-wal", copy + "-shm", copy + "-writers"] { try? FileManager.default.removeItem(atPath: file) } }
        let backup = try cli.run("backup", copy)
        #expect(backup.status == 3 && backup.err.contains("there is no database at \(path)"), "\(backup.err)")
        #expect(!FileManager.default.fileExists(atPath: path) && !FileManager.default.fileExists(atPath: copy))
        FileManager.default.createFile(atPath: path, contents: Data())
        let empty = try cli.run("tenants", "list")
        #expect(empty.status == 3 && empty.err.contains("is an empty file, not a database"), "\(empty.err)")
        try FileManager.default.removeItem(atPath: path)
        let first = try cli.run("migrate")
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.contains("shown only this once: rst_"))
        // What migrate did: the migrations it applied, then nothing.
        #expect(first.out.contains("applied ") && first.out.contains(" migrations (1, 2, "), "\(first.out)")
        let second = try cli.run("migrate")
        #expect(second.status == 0)
        #expect(!second.out.contains("rst_"))
        #expect(second.out.contains("database is up to date") && !second.out.contains("applied"), "\(second.out)")
        #expect(try cli.run("tenants", "list").out.contains("management"))
    }

    /// Serving PostgreSQL at trace level writes no password: ServiceLifecycle logged its services' descriptions, the
    /// pool's configuration with the password among them (found by a probe).
    @Test func tracingLogsNoDatabasePassword() async throws {
        try await withOwnPostgresDatabase("cli_trace") { url, _ in
            guard let password = URLComponents(string: url)?.password else { return }
            let cli = try CLI()
            let served = try cli.run(["serve", "--port", String(CLI.serverPort())],
                                     environment: ["ROSTER_DATABASE_URL": url, "ROSTER_LOG_LEVEL": "trace",
                                                   "ROSTER_SECRET_KEY": Data(repeating: 7, count: 32).base64EncodedString()], timeLimit: 6)
            #expect(served.err.contains("[ServiceLifecycle] Starting service"), "the services were described: \(served.err.suffix(400))")
            #expect(!served.err.contains("password: Optional(") && !served.err.contains(":\(password)@") && !served.err.contains("\"\(password)\""),
                    "\(served.err.count) bytes of log")
        }
    }

    /// At debug level each request is logged once answered (method, the route it took, status, time, request id),
    /// and a stop says so (an operator had neither; found by a probe).
    @Test func debugLogsEachRequestAndTheStop() async throws {
        let cli = try CLI()
        let token = "debug-log-token-0123456789abcdefghijkl"
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("debug-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let port = CLI.serverPort()
        let stop = try cli.serve(port: port, environment: ["ROSTER_LOG_LEVEL": "debug", "ROSTER_BOOTSTRAP_TOKEN": token], log: log)
        for _ in 0..<100 where httpGet("http://127.0.0.1:\(port)/health/ready", token: token) == nil {
            try await Task.sleep(for: .milliseconds(100))
        }
        _ = httpGet("http://127.0.0.1:\(port)/v1/tenants/management/parties/lookup?email=hidden.person%40example.com", token: token)
        // A path can hold personal data too: the route it took is logged, never the path (found by a probe).
        _ = httpGet("http://127.0.0.1:\(port)/v1/tenants/management/parties/path.person@example.com", token: token)
        _ = httpGet("http://127.0.0.1:\(port)/v1/tenants/management/nosuch/unrouted.person@example.com", token: token)
        _ = httpGet("http://127.0.0.1:\(port)/ui/t/management/parties/console.person@example.com", token: token)
        stop()
        let written = try String(contentsOf: log, encoding: .utf8)
        let lines = written.split(separator: "\n").filter { $0.contains(" request ") || $0.hasSuffix(" request") || $0.contains("roster: request") }
        #expect(lines.contains { $0.contains("route=/v1/tenants/{tenant}/parties/lookup") && $0.contains("status=404") && $0.contains("requestId=") },
                "\(lines)")
        #expect(lines.count >= 4, "\(lines)")
        #expect(!written.contains("hidden.person") && !written.contains(".person@"), "neither the query nor the path is logged: \(lines)")
        #expect(written.contains("stopped"), "\(written.suffix(300))")
    }

    /// With ROSTER_LOG_FORMAT=json every log line is one JSON object (time, level, logger, message, source, metadata),
    /// from the server's own logger and from the services' (their loggers follow the configured level and format too;
    /// they wrote text at info level to standard output whatever was configured).
    @Test func jsonLogsAreOneObjectALine() async throws {
        let cli = try CLI()
        let token = "json-log-token-0123456789abcdefghijklmn"
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("json-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let port = CLI.serverPort()
        let stop = try cli.serve(port: port, environment: ["ROSTER_LOG_LEVEL": "debug", "ROSTER_LOG_FORMAT": "json",
                                                          "ROSTER_BOOTSTRAP_TOKEN": token], log: log)
        for _ in 0..<100 {
            if httpGet("http://127.0.0.1:\(port)/health/ready", token: token) != nil { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        _ = httpGet("http://127.0.0.1:\(port)/v1/tenants/management/parties/lookup?email=hidden.person%40example.com", token: token)
        _ = httpGet("http://127.0.0.1:\(port)/ui/t/management/parties/console.person@example.com", token: token)
        stop()
        let written = try String(contentsOf: log, encoding: .utf8)
        var objects: [[String: Any]] = []
        for line in written.split(separator: "\n") where !line.hasPrefix("roster: warning:") {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "not a JSON object: \(line)")
            if let object { objects.append(object) }
        }
        for object in objects {
            #expect(object["time"] is String && object["level"] is String && object["logger"] is String && object["message"] is String
                    && object["source"] is String, "\(object)")
        }
        #expect(objects.contains { ($0["message"] as? String) == "applied migration" && (($0["metadata"] as? [String: Any])?["version"] as? String) == "1" })
        let requests = objects.filter { ($0["message"] as? String) == "request" }.compactMap { $0["metadata"] as? [String: Any] }
        #expect(requests.contains { ($0["route"] as? String) == "/v1/tenants/{tenant}/parties/lookup" && ($0["status"] as? String) == "404" },
                "\(requests)")
        #expect(objects.contains { ($0["message"] as? String) == "stopped" })
        #expect(!written.contains("hidden.person") && !written.contains(".person@"), "neither the query nor the path is logged")
        let time = try #require(objects.first?["time"] as? String)
        #expect(time.hasSuffix("Z") && time.count == "2026-12-07T17:38:49.780Z".count, "\(time)")
    }

    /// A database a newer Roster migrated is refused, by every command and by serve, naming the versions (exit 2): an
    /// older binary served one and wrote what the newer one reads otherwise (found by a probe).
    @Test func aDatabaseOfANewerRosterIsRefused() throws {
        let cli = try CLI()
        #expect(try cli.run("migrate").status == 0)
        try cli.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from the future', 0)")
        for arguments in [["migrate"], ["tenants", "list"], ["serve", "--port", String(CLI.serverPort())]] {
            let refused = try cli.run(arguments, timeLimit: 20)
            #expect(refused.status == 2 && !refused.signaled, "\(arguments): \(refused.status) \(refused.err)")
            #expect(refused.err.contains("migrated by a newer Roster (its schema is at migration 999; this binary knows migrations up to"),
                    "\(refused.err)")
        }
    }

    /// The provisioning bench runs its kinds of rounds interleaved and compares their medians (figures aren't checked).
    @Test func provisioningBenchInterleavesItsRounds() throws {
        let cli = try CLI()
        let result = try cli.run("bench", "provisioning", "--count", "4", "--rounds", "2", "--concurrency", "2")
        #expect(result.status == 0, "\(result.err)")
        let rounds = result.out.split(separator: "\n").filter { $0.hasPrefix("tracking ") && $0.contains("round ") }
        #expect(rounds.map { $0.prefix(14) } == ["tracking off: ", "tracking in th", "tracking left ", "tracking off: ", "tracking in th", "tracking left "],
                "\(result.out)")
        #expect(result.out.contains("medians of 2 round(s)") && result.out.contains("throughput with tracking ÷ without: in the request "))
        #expect(result.out.contains("worker tracked the pending tenants"))
    }

    @Test func tenantsCreateAndList() throws {
        let cli = try CLI()
        let created = try cli.run("tenants", "create", "--slug", "acme", "--name", "Acme Ltd", "--default-calling-code", "44")
        #expect(created.status == 0, "\(created.err)")
        #expect(created.out.contains("created tenant acme"))
        let duplicate = try cli.run("tenants", "create", "--slug", "acme", "--name", "Again")
        #expect(duplicate.status == 2)
        #expect(duplicate.err.contains("exists"))
        let invalid = try cli.run("tenants", "create", "--slug", "Bad Slug", "--name", "X")
        #expect(invalid.status == 1)
        #expect(invalid.err.contains("--slug"), "\(invalid.err)")
        // Fields given by options are named by the option typed.
        let bad = try cli.run("tenants", "create", "--slug", "fine", "--name", "X", "--default-calling-code", "abc",
                              "--admin-email", "bad", "--admin-first-name", "A", "--admin-last-name", "B")
        #expect(bad.status == 1 && bad.err.contains("--default-calling-code") && bad.err.contains("--admin-email")
                && !bad.err.contains("settings."), "\(bad.err)")
        let list = try cli.run("tenants", "list")
        #expect(list.status == 0)
        let lines = list.out.split(separator: "\n")
        #expect(lines.first?.hasPrefix("SLUG") == true)
        #expect(lines.contains { $0.hasPrefix("acme") && $0.contains("active") && $0.contains("Acme Ltd") })
        #expect(lines.contains { $0.hasPrefix("management") })
    }

    @Test func auditVerifyReportsEachTenantAndFailsOnTampering() throws {
        let cli = try CLI()
        try cli.run("tenants", "create", "--slug", "acme", "--name", "Acme")
        let ok = try cli.run("audit", "verify")
        #expect(ok.status == 0, "\(ok.err)")
        #expect(ok.out.contains("acme: ok, 2 entries (2 rehashed)"), "\(ok.out)")  // tenant.create, tenant.activate
        #expect(ok.out.contains("management: ok"))
        // An anchor kept outside the database.
        let head = try cli.run("audit", "head", "--tenant", "acme")
        #expect(head.status == 0 && head.out.contains("\"count\" : 2") && head.out.contains("\"tenant\" : \"acme\""), "\(head.out)")
        // `at` as GET .../audit/head writes it, to the millisecond (it was whole seconds).
        #expect(head.out.contains(/"at" : "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"/), "\(head.out)")
        let anchorFile = FileManager.default.temporaryDirectory.appendingPathComponent("anchor-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: anchorFile) }
        try Data(head.out.utf8).write(to: anchorFile)
        defer { try? FileManager.default.removeItem(at: anchorFile) }
        let anchored = try cli.run("audit", "verify", "--anchor", anchorFile.path)
        #expect(anchored.status == 0 && anchored.out.contains("acme: ok, 2 entries (2 rehashed), extends the anchor at 2"), "\(anchored.out)")
        let again = try cli.run("audit", "verify", "--tenant", "acme", "--incremental")
        #expect(again.out.contains("acme: ok, 2 entries (0 rehashed)"), "\(again.out)")
        // An anchor it can't use is refused (2), unlike a broken chain (1): unreadable, not an anchor, another tenant's.
        let notAnchor = FileManager.default.temporaryDirectory.appendingPathComponent("not-anchor-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: notAnchor) }
        try Data("{}".utf8).write(to: notAnchor)
        defer { try? FileManager.default.removeItem(at: notAnchor) }
        for arguments in [["--anchor", "/nonexistent/anchor.json"], ["--anchor", notAnchor.path], ["--anchor", anchorFile.path, "--tenant", "management"]] {
            let refused = try cli.run(["audit", "verify"] + arguments)
            #expect(refused.status == 2 && refused.err.hasPrefix("error: "), "\(arguments): \(refused.status) \(refused.err)")
        }
        // Tamper with the file behind Roster's back (Python's sqlite3 module).
        let path = String(cli.databaseURL.dropFirst("sqlite://".count))
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sqlite.arguments = ["python3", "-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute("UPDATE audit_entries SET actor = 'someone-else' WHERE tenant_id = (SELECT id FROM tenants WHERE slug = 'acme')")
            db.commit()
            """, path]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus == 0)
        // The incremental check trusts the prefix it verified before (its last entry's hash is unchanged); the full one (the
        // default, `--full` said or not), or one against the anchor, rehashes it.
        #expect(try cli.run("audit", "verify", "--tenant", "acme", "--incremental").status == 0)
        let both = try cli.run("audit", "verify", "--full", "--incremental")
        #expect(both.status == 64 && both.err.contains("not both"), "\(both.status) \(both.err)")
        for full in [[], ["--full"]] {
            let broken = try cli.run(["audit", "verify", "--tenant", "acme"] + full)
            #expect(broken.status == 1 && broken.out.contains("acme: BROKEN at entry 1"), "\(full): \(broken.out)")
        }
        let brokenAnchor = try cli.run("audit", "verify", "--anchor", anchorFile.path)
        #expect(brokenAnchor.status == 1 && brokenAnchor.out.contains("acme: BROKEN at entry 1"), "\(brokenAnchor.out)")
    }

    @Test func backupWritesAConsistentCopy() throws {
        let cli = try CLI()
        try cli.run("tenants", "create", "--slug", "acme", "--name", "Acme")
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("backup-\(UUID().uuidString).sqlite").path
        defer { for file in [target, target + "-wal", target + "-shm", target + "-writers"] { try? FileManager.default.removeItem(atPath: file) } }
        let backup = try cli.run("backup", target)
        #expect(backup.status == 0, "\(backup.err)")
        // The copy holds no key: it opens with the original's key file, and not without it.
        let keyFile = URL(fileURLWithPath: String(cli.databaseURL.dropFirst("sqlite://".count))).deletingPathExtension()
            .appendingPathExtension("key").path
        let keyless = try cli.run("tenants", "list", environment: ["ROSTER_DATABASE_URL": "sqlite://" + target])
        #expect(keyless.status == 2 && keyless.err.contains("ROSTER_SECRET_KEY_FILE"))
        let fromCopy = try cli.run("tenants", "list", environment: ["ROSTER_DATABASE_URL": "sqlite://" + target, "ROSTER_SECRET_KEY_FILE": keyFile])
        #expect(fromCopy.out.contains("acme"), "\(fromCopy.err)")
        let again = try cli.run("backup", target)
        #expect(again.status != 0)
    }

    @Test func partiesTreeDrawsTheDemoHierarchy() throws {
        let cli = try CLI()
        let seeded = try cli.run("migrate", "--demo")
        #expect(seeded.status == 0, "\(seeded.err)")
        let root = try cli.partyID(where: "name", is: "Acme Farming Group")
        let tree = try cli.run("parties", "tree", "--tenant", "acme", "--type", "structure", root)
        #expect(tree.status == 0, "\(tree.err)")
        let lines = tree.out.split(separator: "\n").map(String.init)
        #expect(lines.first == "Acme Farming Group")
        #expect(lines.count == 15)
        #expect(lines.contains("├── North Region — region"))
        #expect(lines.contains("│   ├── Hill Farm — farm"))
        #expect(lines.contains("│   │   ├── Gwen Hillfield [planter] — planter"))
        let shallow = try cli.run("parties", "tree", "--tenant", "acme", "--max-depth", "1", root)
        #expect(shallow.out.split(separator: "\n").count == 3)
        // As of an instant before the demo was seeded, the tree had no edges; as of the future, it has them all.
        let before = try cli.run("parties", "tree", "--tenant", "acme", "--at", "2001-01-01T00:00:00Z", root)
        #expect(before.status == 0 && before.out.split(separator: "\n") == ["Acme Farming Group"], "\(before.out) \(before.err)")
        let later = try cli.run("parties", "tree", "--tenant", "acme", "--type", "structure", "--at", "2099-01-01T00:00:00+01:00", root)
        #expect(later.out.split(separator: "\n").count == 15, "\(later.err)")
        let badInstant = try cli.run("parties", "tree", "--tenant", "acme", "--at", "yesterday", root)
        #expect(badInstant.status != 0 && badInstant.err.contains("RFC 3339"), "\(badInstant.err)")
        let missing = try cli.run("parties", "tree", "--tenant", "acme", "00000000-0000-7000-8000-000000000000")
        #expect(missing.status == 2)
        #expect(missing.err.contains("no party"))
        // Seeding twice changes nothing.
        #expect(try cli.run("migrate", "--demo").status == 0)
        let again = try cli.run("parties", "tree", "--tenant", "acme", "--type", "structure", root)
        #expect(again.out == tree.out)
        // An edge whose window has ended shows only with --include-inactive, marked as such.
        let season = FileManager.default.temporaryDirectory.appendingPathComponent("season-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: season) }
        let hill = try cli.partyID(where: "name", is: "Hill Farm")
        try "parentId,childId,type,role,validFrom,validTo\n\(root),\(hill),season,grower,2020-01-01T00:00:00Z,2021-01-01T00:00:00Z\n"
            .write(to: season, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: season) }
        let imported = try cli.run("import", "relationships", season.path, "--tenant", "acme")
        #expect(imported.status == 0, "\(imported.out) \(imported.err)")
        let now = try cli.run("parties", "tree", "--tenant", "acme", "--type", "season", root)
        #expect(now.out.split(separator: "\n") == ["Acme Farming Group"], "\(now.out) \(now.err)")
        let all = try cli.run("parties", "tree", "--tenant", "acme", "--type", "season", "--include-inactive", root)
        #expect(all.out.split(separator: "\n").count == 2 && all.out.contains("— grower (outside its window)"), "\(all.out) \(all.err)")
    }

    @Test func partiesExportWritesTheDocumentPrivately() throws {
        let cli = try CLI()
        #expect(try cli.run("migrate", "--demo").status == 0)
        let path = String(cli.databaseURL.dropFirst("sqlite://".count))
        let query = Process()
        let out = Pipe()
        query.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        query.arguments = ["python3", "-c", """
            import sqlite3, sys
            print(sqlite3.connect(sys.argv[1]).execute("SELECT id FROM parties WHERE first_name = 'Alice'").fetchone()[0])
            """, path]
        query.standardOutput = out
        try query.run()
        query.waitUntilExit()
        let alice = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let written = try cli.run("parties", "export", "--tenant", "acme", "--output", file, alice)
        #expect(written.status == 0, "\(written.err)")
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
        #expect((document["party"] as? [String: Any])?["firstName"] as? String == "Alice")
        #expect(((document["partnerAccounts"] as? [Any])?.count ?? 0) >= 1)
        #expect(((document["relationships"] as? [Any])?.count ?? 0) >= 1)
        // Never over an existing file; to standard output without --output.
        let again = try cli.run("parties", "export", "--tenant", "acme", "--output", file, alice)
        #expect(again.status != 0 && again.err.contains("exists"))
        let printed = try cli.run("parties", "export", "--tenant", "acme", alice)
        #expect(printed.status == 0 && printed.out.contains("\"exportedAt\""))
        let missing = try cli.run("parties", "export", "--tenant", "acme", "00000000-0000-7000-8000-000000000000")
        #expect(missing.status != 0 && missing.err.contains("no party"))
    }

    @Test func retentionRunErasesWhatIsDue() throws {
        let cli = try CLI()
        #expect(try cli.run("migrate", "--demo").status == 0)
        let path = String(cli.databaseURL.dropFirst("sqlite://".count))
        func sql(_ statement: String) throws -> String {
            let query = Process()
            let out = Pipe()
            query.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            query.arguments = ["python3", "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); r = c.execute(sys.argv[2]).fetchall(); c.commit(); print(r)",
                               path, statement]
            query.standardOutput = out
            try query.run()
            query.waitUntilExit()
            return String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        // Nothing is deleted yet, and no retention is set: nothing is due.
        let none = try cli.run("retention", "run", "--dry-run")
        #expect(none.status == 0 && none.out.contains("tenants with a retention: 0"), "\(none.out) \(none.err)")
        // An out-of-range --days names the option it was given as.
        let tooMany = try cli.run("retention", "run", "--dry-run", "--days", "99999999")
        #expect(tooMany.status == 2 && tooMany.err.contains("--days (ROSTER_RETENTION_DAYS)"), "\(tooMany.err)")
        // Carol was deleted 40 days ago (written as the service would: the state and its history entry).
        let carol = try sql("SELECT id FROM parties WHERE first_name = 'Carol'").filter { $0.isHexDigit || $0 == "-" }
        let tenant = try sql("SELECT tenant_id FROM parties WHERE first_name = 'Carol'").filter { $0.isHexDigit || $0 == "-" }
        let fortyDaysAgo = Int64((Date().timeIntervalSince1970 - 40 * 86_400) * 1_000_000)
        _ = try sql("UPDATE parties SET state = 'deleted' WHERE id = '\(carol)'")
        _ = try sql("""
            INSERT INTO party_state_history (tenant_id, id, party_id, from_state, to_state, at, actor, reason)
            VALUES ('\(tenant)', '01a00000-0000-7000-8000-000000000001', '\(carol)', 'active', 'deleted', \(fortyDaysAgo), 'test', NULL)
            """)
        let kept = try cli.run("retention", "run", "--days", "60")
        #expect(kept.status == 0 && kept.out.contains("parties due: 0"), "\(kept.out) \(kept.err)")
        let dry = try cli.run("retention", "run", "--days", "30", "--dry-run")
        #expect(dry.status == 0 && dry.out.contains("parties due: 1") && !dry.out.contains("erased"), "\(dry.out)")
        // The dry run names what it would erase (it counted only; found by a probe).
        #expect(dry.out.split(separator: "\n").contains { $0.hasPrefix("due: ") && $0.hasSuffix(" \(carol)") }, "\(dry.out)")
        #expect(try sql("SELECT COUNT(*) FROM parties WHERE id = '\(carol)'") == "[(1,)]")
        let run = try cli.run("retention", "run", "--days", "30", environment: ["ROSTER_RETENTION_DAYS": "3650"])
        #expect(run.status == 0 && run.out.contains("erased: 1"), "\(run.out) \(run.err)")
        #expect(try sql("SELECT COUNT(*) FROM parties WHERE id = '\(carol)'") == "[(0,)]")
        #expect(try sql("SELECT action, actor FROM audit_entries WHERE target_id = '\(carol)' ORDER BY seq DESC LIMIT 1") == "[('party.erase', 'system')]")
        // Each pass, and each run of the CLI, has a request id of its own (every one wrote the same; found by a probe).
        #expect(try sql("SELECT request_id FROM audit_entries WHERE target_id = '\(carol)' ORDER BY seq DESC LIMIT 1").hasPrefix("[('retention-"))
        let unknown = try cli.run("retention", "run", "--tenant", "nope", "--days", "1")
        #expect(unknown.status != 0 && unknown.err.contains("no tenant"))
    }

    @Test func dealerImportFromCSVIsIdempotent() throws {
        let cli = try CLI()
        try cli.run("tenants", "create", "--slug", "acme", "--name", "Acme")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dealers-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        var csv = "email,displayName,dealerCode\n"
        for i in 0..<250 { csv += "dealer\(i)@example.com,\"Dealer \(i), North\",RE-\(i)\n" }
        csv += "not-an-email,Broken,RE-X\n"
        csv += ",No Email,RE-Y\n"
        try csv.write(to: file, atomically: true, encoding: .utf8)
        let first = try cli.run("users", "import", "--tenant", "acme", file.path)
        #expect(first.status == 1, "one row was refused")
        #expect(first.out.contains("created 250, updated 0, unchanged 0, refused 2"))
        #expect(first.err.contains("row 251: email: is not a valid email") && !first.out.contains("row 251"), "refused rows on standard error")
        #expect(first.err.contains("row 252: email: is required"), "a missing email is said as missing: \(first.err)")
        #expect(first.err.contains("100% 252/252"), "a progress bar on standard error")
        let second = try cli.run("users", "import", "--tenant", "acme", file.path)
        #expect(second.out.contains("created 0, updated 0, unchanged 250, refused 2"))
        // An unknown column: one clear line naming it, exit 1 (not a dump of the error value).
        let extra = FileManager.default.temporaryDirectory.appendingPathComponent("dealers-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: extra) }
        try "email,displayName,dealerCode,extra\nx@example.com,X,RE-1,z\n".write(to: extra, atomically: true, encoding: .utf8)
        let unknown = try cli.run("users", "import", "--tenant", "acme", extra.path)
        #expect(unknown.status == 1 && unknown.err.contains("extra") && !unknown.err.contains("FieldError"), "\(unknown.err)")
        let backup = try cli.run("backup", "/nonexistent/dir/x.sqlite")
        #expect(backup.status == 2 && !backup.err.contains("unavailable") && backup.err.contains("/nonexistent/dir/x.sqlite"), "\(backup.err)")
        let missing = try cli.run("users", "import", "--tenant", "nope", file.path)
        #expect(missing.status == 2)
        #expect(missing.err.contains("no tenant"))
        let noFile = try cli.run("users", "import", "--tenant", "acme", "/nonexistent.csv")
        #expect(noFile.status == 2 && noFile.err.contains("there is no file /nonexistent.csv"), "not found: exit 2 (README)")
        let parties = try cli.run("import", "parties", "--tenant", "acme", "/nonexistent.csv")
        #expect(parties.status == 2 && parties.err.contains("there is no file /nonexistent.csv"), "\(parties.err)")
        // Without an extension, the missing file is still what is wrong (not the format it would have had).
        for kind in ["parties", "relationships"] {
            let bare = try cli.run("import", kind, "--tenant", "acme", "/nonexistent")
            #expect(bare.status == 2 && bare.err.contains("there is no file /nonexistent") && !bare.err.contains("--format"), "\(bare.err)")
        }
        // What is wrong with a file is said in words (Foundation's errors were codes: NSCocoaErrorDomain Code=256).
        let folder = FileManager.default.temporaryDirectory.path
        for command in [["users", "import", "--tenant", "acme", folder], ["import", "parties", "--tenant", "acme", "--format", "csv", folder]] {
            let directory = try cli.run(command)
            #expect(directory.status == 2 && directory.err.contains("is a directory, not a file") && !directory.err.contains("NSCocoa"),
                    "\(directory.err)")
        }
        let latin1 = FileManager.default.temporaryDirectory.appendingPathComponent("latin1-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: latin1) }
        try Data([0x65, 0x6D, 0x61, 0x69, 0x6C, 0x0A, 0xE9, 0x0A]).write(to: latin1)
        let notUTF8 = try cli.run("users", "import", "--tenant", "acme", latin1.path)
        #expect(notUTF8.status == 1 && notUTF8.err.contains("is not UTF-8 text"), "\(notUTF8.err)")
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: empty) }
        try Data().write(to: empty)
        let nothing = try cli.run("users", "import", "--tenant", "acme", empty.path)
        #expect(nothing.status == 1 && nothing.err.contains("it is empty"), "\(nothing.err)")
        let nowhere = try cli.run("export", "parties", "--tenant", "acme", "--output", "/nonexistent/dir/x.csv")
        #expect(nowhere.status == 2 && nowhere.err.contains("its folder does not exist"), "\(nowhere.err)")
        // A value outside an option's choices does not parse: 64 with the flag named (README, exit codes), as export does.
        for (args, flag) in [(["import", "parties", "--tenant", "acme", "--on-duplicate", "merge", file.path], "--on-duplicate"),
                             (["import", "parties", "--tenant", "acme", "--format", "xml", file.path], "--format"),
                             (["import", "parties", "--tenant", "acme", "--batch-size", "0", file.path], "--batch-size"),
                             (["import", "relationships", "--tenant", "acme", "--on-duplicate", "update", file.path], "--on-duplicate"),
                             (["export", "parties", "--tenant", "acme", "--format", "xml"], "--format")] {
            let refused = try cli.run(args)
            #expect(refused.status == 64 && refused.err.contains(flag), "\(args): \(refused.status) \(refused.err)")
        }
        let unparsed = try cli.run("import", "parties", "--tenant")
        #expect(unparsed.status == 64, "a command line that does not parse keeps the parser's usage error")
        // Help for a command there is not is a usage error too (it showed the top level's help and exited 0), naming
        // the command; help for one there is still shows it.
        let nosuch = try cli.run("help", "tenants", "nosuch")
        #expect(nosuch.status == 64 && nosuch.err.contains("roster tenants has no command 'nosuch'"), "\(nosuch.status) \(nosuch.err)")
        let help = try cli.run("help", "import", "parties")
        #expect(help.status == 0 && help.out.contains("--on-duplicate"), "\(help.status) \(help.err)")
    }

    @Test func platformKeysAreShownOnceListedAndRevoked() throws {
        let cli = try CLI()
        #expect(try cli.run("migrate").status == 0)
        let created = try cli.run("platform-keys", "create", "--name", "ops laptop")
        #expect(created.status == 0, "\(created.err)")
        let lines = created.out.split(separator: "\n").map(String.init)
        let secret = try #require(lines.last)
        #expect(secret.hasPrefix("rst_"))
        let id = try #require(lines.first?.split(separator: " ").dropFirst(3).first.map(String.init))
        let list = try cli.run("platform-keys", "list")
        #expect(list.out.contains(id) && list.out.contains("ops laptop") && list.out.contains("bootstrap"))
        // A header, and the names in one column.
        let listed = list.out.split(separator: "\n").map(String.init)
        let column = try #require(listed.first?.range(of: "NAME")).lowerBound.utf16Offset(in: listed[0])
        let row = try #require(listed.first { $0.hasSuffix("ops laptop") })
        #expect(listed.first?.hasPrefix("ID ") == true && row.utf16.count - "ops laptop".utf16.count == column, "\(list.out)")
        #expect(!list.out.contains(secret))
        #expect(try cli.run("platform-keys", "revoke", id).status == 0)
        #expect(!(try cli.run("platform-keys", "list").out.contains(id)))
        let again = try cli.run("platform-keys", "revoke", id)
        #expect(again.status == 2 && again.err.contains("no platform key"))
        // The last platform token stays: without it no one could administer the platform.
        let bootstrap = try #require(try cli.run("platform-keys", "list").out.split(separator: "\n").dropFirst().first?
            .split(separator: " ").first.map(String.init))
        let last = try cli.run("platform-keys", "revoke", bootstrap)
        #expect(last.status == 2 && last.err.contains("last platform token"))
        // A token configured later replaces the generated one: it is gone, the configured one is there.
        let configured = ["ROSTER_BOOTSTRAP_TOKEN": "configured-" + String(repeating: "x", count: 40)]
        #expect(try cli.run(["migrate"], environment: configured).status == 0)
        let after = try cli.run("platform-keys", "list").out
        #expect(!after.contains(bootstrap) && after.contains("bootstrap (configured)") && !after.contains("bootstrap (generated)"), "\(after)")
        // Replaced, it stays retired: a process started with it again stops, naming the variable (exit 2).
        let newer = ["ROSTER_BOOTSTRAP_TOKEN": "newer-" + String(repeating: "y", count: 40)]
        #expect(try cli.run(["migrate"], environment: newer).status == 0)
        let back = try cli.run(["migrate"], environment: configured)
        #expect(back.status == 2 && back.err.contains("ROSTER_BOOTSTRAP_TOKEN must be the current bootstrap token"), "\(back.err)")
    }

    @Test func badDatabaseURLIsAClearError() throws {
        let cli = try CLI()
        let result = try cli.run("migrate", "--database-url", "mysql://nope")
        #expect(result.status == 2)
        #expect(result.err.contains("ROSTER_DATABASE_URL") && !result.err.contains("nope"), "\(result.err)")
    }

    /// A malformed or out-of-range value stops start with exit code 2, naming the variable and what it accepts;
    /// nothing falls back to a default (issue 9, item 4).
    @Test(arguments: [
        ("ROSTER_PORT", "abc"), ("ROSTER_PORT", "70000"), ("ROSTER_PORT", "-1"), ("ROSTER_PORT", "+80"), ("ROSTER_HOST", "local host"), ("ROSTER_HOST", "999.1.1.1"), ("ROSTER_HOST", "-x.example"),
        ("ROSTER_DATABASE_URL", "mysql://x"), ("ROSTER_BOOTSTRAP_TOKEN", "short"), ("ROSTER_MANAGEMENT_TENANT", "Not A Slug"),
        ("ROSTER_CUSTOMER_TRACKING", "maybe"), ("ROSTER_MAX_BODY_BYTES", "12"), ("ROSTER_LOG_LEVEL", "loud"), ("ROSTER_LOG_FORMAT", "xml"),
        ("ROSTER_SLOW_STATEMENT_MS", "0"), ("ROSTER_SECRET_KEY", "bm90IGEga2V5"), ("ROSTER_OIDC_ISSUER", "ftp://x"),
        ("ROSTER_OIDC_CLOCK_SKEW", "1h"), ("ROSTER_OIDC_KEY_REFETCH_SECONDS", "-5"), ("ROSTER_OIDC_ALLOW_LOOPBACK", "maybe"), ("ROSTER_IDEMPOTENCY_KEY_HOURS", "0"),
        ("ROSTER_TRACKING_MAX_ATTEMPTS", "1000"), ("ROSTER_TRACKING_BACKOFF_SECONDS", "nan"), ("ROSTER_WORKER_INTERVAL_SECONDS", "0"), ("ROSTER_WORKER_INTERVAL_SECONDS", "1e1"),
        ("ROSTER_PROVISIONING_LEASE_SECONDS", "soon"), ("ROSTER_TRACKING_IN_REQUEST", "2"), ("ROSTER_FAULTS", "nowhere:explode"),
        ("ROSTER_CUSTOMER_TAG", String(repeating: "x", count: 120)), ("ROSTER_RATE_LIMIT", "50"), ("ROSTER_RATE_LIMIT", "0/10"),
        ("ROSTER_RETENTION_DAYS", "thirty"), ("ROSTER_RETENTION_DAYS", "-1"), ("ROSTER_RETENTION_DAYS", "+30"),
        // A database URL that names no database, or a mode of TLS that is none (it connected in plain text), or a port
        // that is no number or none TCP has (it was tried, exit 3); an issuer the tenants' own setting would refuse.
        ("ROSTER_DATABASE_URL", "sqlite://"), ("ROSTER_DATABASE_URL", "postgres://roster:roster@127.0.0.1:55432/"),
        ("ROSTER_DATABASE_URL", "postgres://roster:roster@127.0.0.1:55432/roster?sslmode=requre"),
        ("ROSTER_DATABASE_URL", "postgres://roster:roster@127.0.0.1:55432/roster?foo=bar"),
        ("ROSTER_DATABASE_URL", "postgres://roster@127.0.0.1:notaport/roster"),
        ("ROSTER_DATABASE_URL", "postgres://roster@127.0.0.1:99999/roster"), ("ROSTER_DATABASE_URL", "postgres://roster@127.0.0.1:0/roster"),
        ("ROSTER_OIDC_ISSUER", "http://login.example.com"), ("ROSTER_OIDC_ISSUER", "https://login.example.com/?q=1"),
        ("ROSTER_IMPORT_DIR", "/proc/nonexistent/dir"), ("ROSTER_IMPORT_DIR", "/etc/hostname/spool"), ("ROSTER_RATE_LIMIT", "OFF"),
        ("ROSTER_IDLE_TIMEOUT_SECONDS", "0"), ("ROSTER_IDLE_TIMEOUT_SECONDS", "1m"),
        ("ROSTER_PUBLIC_URL", "https://user:pw@roster.example.com"),
    ])
    func misconfigurationStopsStart(variable: String, value: String) throws {
        let cli = try CLI()
        // `serve` without --port: the option would stand in for ROSTER_PORT. A value taken by mistake would let it serve:
        // the time limit ends it, and the test fails.
        for command in [["migrate"], ["serve"]] {
            let result = try cli.run(command, environment: [variable: value], timeLimit: 30)
            #expect(result.status == 2, "\(command) with \(variable)=\(value): \(result.status) \(result.err)")
            #expect(result.err.contains(variable) && result.err.contains("must be"), "\(result.err)")
        }
    }

    /// A spool directory others may write to is refused unless it is sticky (as /tmp is).
    @Test func anImportDirectoryOpenToOthersStopsStart() throws {
        let cli = try CLI()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("roster-open-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        for (mode, refused) in [(0o777, true), (0o775, true), (0o1777, false), (0o755, false)] {
            #expect(chmod(directory, mode_t(mode)) == 0)
            let result = try cli.run(["migrate"], environment: ["ROSTER_IMPORT_DIR": directory], timeLimit: 30)
            #expect(result.status == (refused ? 2 : 0), "mode \(String(mode, radix: 8)): \(result.status) \(result.err)")
            #expect(result.err.contains("ROSTER_IMPORT_DIR") == refused, "\(result.err)")
        }
        // A link to a closed directory is that directory (a link's own mode is 0777).
        let link = directory + "-link"
        defer { try? FileManager.default.removeItem(atPath: link) }
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: directory)
        let linked = try cli.run(["migrate"], environment: ["ROSTER_IMPORT_DIR": link], timeLimit: 30)
        #expect(linked.status == 0, "\(linked.err)")
        // One still to be made is taken, and left to the first import to make (every command, `tenants list` too, made
        // it; found by a probe).
        let later = directory + "-later"
        defer { try? FileManager.default.removeItem(atPath: later) }
        let listed = try cli.run(["tenants", "list"], environment: ["ROSTER_IMPORT_DIR": later + "/spool"], timeLimit: 30)
        #expect(listed.status == 0, "\(listed.err)")
        #expect(!FileManager.default.fileExists(atPath: later))
    }

    /// The workers start once `serve` has migrated a new database: no failed first pass in its log.
    @Test func workersWaitForTheStart() async throws {
        let cli = try CLI()
        let port = CLI.serverPort()
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("roster-start-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let stop = try cli.serve(port: port, environment: ["ROSTER_LOG_LEVEL": "info", "ROSTER_WORKER_INTERVAL_SECONDS": "0.05"], log: log)
        var up = false
        for _ in 0..<300 where !up {
            up = httpGet("http://127.0.0.1:\(port)/health/ready", token: "none") != nil
            if !up { try await Task.sleep(for: .milliseconds(100)) }
        }
        try await Task.sleep(for: .milliseconds(300))
        stop()
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(up && text.contains("applied migration"), "\(text.prefix(2000))")
        #expect(!text.contains("pass failed"), "\(text.prefix(2000))")
    }

    /// `serve` runs with glibc's per-thread cache of freed blocks enlarged (AllocatorTuning): it starts itself again
    /// with the setting added to `GLIBC_TUNABLES`, keeps an operator's other tunables, and an operator's own
    /// `tcache_count` as given. The same process (its id) serves.
    /// A connection that sends part of a request and then nothing is closed after ROSTER_IDLE_TIMEOUT_SECONDS (such
    /// connections were held for good, and 20,000 of them took every file descriptor; found by a probe); one that keeps
    /// sending is served, unless it sends a body slower than 4 KiB/s once the timeout has passed (a byte every few
    /// seconds held a connection for good; found by a probe).
    @Test func idleConnectionsAreClosed() async throws {
        let cli = try CLI()
        let port = CLI.serverPort()
        let stop = try cli.serve(port: port, environment: ["ROSTER_IDLE_TIMEOUT_SECONDS": "1"])
        defer { stop() }
        for _ in 0..<100 where httpGet("http://127.0.0.1:\(port)/health/ready", token: "none") == nil {
            try await Task.sleep(for: .milliseconds(100))
        }
        let probe = Process()
        let out = Pipe()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", """
            import socket, sys, time
            def opened():
                s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
                s.settimeout(10)
                return s
            # Headers begun and never finished: closed by the server within the timeout (and a little).
            s = opened()
            s.sendall(b"GET /health/live HTTP/1.1\\r\\nHost: x\\r\\n")
            start = time.time()
            closed = s.recv(1) == b""
            print("half", closed, round(time.time() - start, 1))
            # A request in one go: answered, then the idle connection is closed too.
            s = opened()
            s.sendall(b"GET /health/live HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
            answer = s.recv(100)
            start = time.time()
            while s.recv(4096): pass
            print("whole", answer.startswith(b"HTTP/1.1 200"), round(time.time() - start, 1))
            # A body trickled in, a byte every quarter second: each byte was a part read, and the idle timeout never
            # came. Ended once the timeout has passed at less than 4 KiB/s.
            s = opened()
            s.sendall(b"POST /ui/sign-in HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: application/x-www-form-urlencoded\\r\\n"
                      b"Content-Length: 1000\\r\\n\\r\\n")
            start = time.time()
            closed = False
            while not closed and time.time() - start < 10:
                try:
                    s.sendall(b"a")
                    s.settimeout(0.25)
                    closed = s.recv(1) == b""
                except socket.timeout:
                    pass
                except OSError:
                    closed = True
            print("trickled", closed, round(time.time() - start, 1))
            """, String(port)]
        probe.standardOutput = out
        try probe.run()
        probe.waitUntilExit()
        let lines = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 3, "\(lines)")
        for line in lines {
            let words = line.split(separator: " ")
            #expect(words.count == 3 && words[1] == "True" && (Double(words[2]) ?? 99) < 5, "\(line)")
        }
    }

    @Test func serveTunesTheAllocator() async throws {
        #if os(Linux)
        for (given, expected) in [(nil, "glibc.malloc.tcache_count=1024"),
                                  ("glibc.malloc.arena_max=2", "glibc.malloc.arena_max=2:glibc.malloc.tcache_count=1024"),
                                  ("glibc.malloc.tcache_count=5", "glibc.malloc.tcache_count=5"),
                                  // Names that only contain the setting's name set nothing (a probe found them taken for it).
                                  ("glibc.malloc.tcache_countx=5", "glibc.malloc.tcache_countx=5:glibc.malloc.tcache_count=1024"),
                                  ("glibc.malloc.tcache_count", "glibc.malloc.tcache_count:glibc.malloc.tcache_count=1024")] as [(String?, String)] {
            let cli = try CLI()
            let port = CLI.serverPort()
            let process = Process()
            process.executableURL = CLI.binary
            process.arguments = ["serve", "--port", String(port)]
            var env = ProcessInfo.processInfo.environment
            env["ROSTER_DATABASE_URL"] = cli.databaseURL
            env["ROSTER_LOG_LEVEL"] = "error"
            env["GLIBC_TUNABLES"] = given
            process.environment = env
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            defer {
                process.terminate()
                process.waitUntilExit()
            }
            var up = false
            for _ in 0..<300 where !up {
                up = httpGet("http://127.0.0.1:\(port)/health/ready", token: "none") != nil
                if !up { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(up)
            let environ = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(process.processIdentifier)/environ"))
            // The environment the process was started with. glibc's loader cuts the variable's value at each `:` in
            // place as it reads it, so the separators are read back as NULs.
            let text = ":" + String(decoding: environ.map { $0 == 0 ? UInt8(ascii: ":") : $0 }, as: UTF8.self)
            #expect(text.contains(":GLIBC_TUNABLES=\(expected):"), "\(given ?? "unset")")
            #expect(text.components(separatedBy: "tcache_count=").count == 2, "\(given ?? "unset")")
            // Started again from its own file, not from /proc/self/exe: the process keeps its name (pgrep, top).
            let name = try String(contentsOfFile: "/proc/\(process.processIdentifier)/comm", encoding: .utf8)
            #expect(name.trimmingCharacters(in: .whitespacesAndNewlines) == CLI.binary.lastPathComponent, "\(given ?? "unset")")
        }
        #endif
    }

    /// An address another process listens on already stops `serve` with exit 2 and one line naming it.
    @Test func anAddressInUseIsNamed() async throws {
        let cli = try CLI()
        #expect(try cli.run("migrate").status == 0)
        let port = CLI.serverPort()
        let stop = try cli.serve(port: port)
        defer { stop() }
        var up = false
        for _ in 0..<300 where !up {
            up = httpGet("http://127.0.0.1:\(port)/health/live", token: "none") != nil
            if !up { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(up)
        let second = try cli.run(["serve", "--port", String(port)], timeLimit: 60)
        #expect(second.status == 2 && second.err.contains("can't listen on") && second.err.contains("\(port)")
                && second.err.contains("in use"), "\(second.status) \(second.err)")
    }

    /// The same value given by an option is named by the option (and the variable it stands for).
    @Test func aMalformedOptionIsNamedAsGiven() throws {
        let cli = try CLI()
        let port = try cli.run(["serve", "--port", "99999"], timeLimit: 30)
        #expect(port.status == 2 && port.err.contains("--port (ROSTER_PORT)") && port.err.contains("must be"), "\(port.err)")
        let level = try cli.run(["migrate", "--log-level", "loud"], timeLimit: 30)
        #expect(level.status == 2 && level.err.contains("--log-level (ROSTER_LOG_LEVEL)"), "\(level.err)")
    }

    /// A database takes only the key its secrets were sealed with: another key, or none (the key file gone), stops
    /// migrate and serve with exit code 2, and no new key file is made for it (issue 9, item 6).
    @Test func aDatabaseTakesOnlyItsOwnSecretKey() throws {
        let cli = try CLI()
        #expect(try cli.run("migrate").status == 0)
        let path = String(cli.databaseURL.dropFirst("sqlite://".count))
        let keyFile = URL(fileURLWithPath: path).deletingPathExtension().appendingPathExtension("key").path
        #expect(FileManager.default.fileExists(atPath: keyFile))
        #expect((try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let directory = URL(fileURLWithPath: keyFile).deletingLastPathComponent().path
        let name = URL(fileURLWithPath: keyFile).lastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix(name + ".") }.isEmpty,
                "the key file is made whole, with nothing left beside it")
        // What a process killed while it made a key file left (its pid gone) is removed at start; a kept key is not.
        let abandoned = [".tmp-999999-7", ".new.tmp-999999-8", ".staged-999999", ".staged-999999.tmp-999999-9"]
        for suffix in abandoned + [".old.2"] { try Data("k\n".utf8).write(to: URL(fileURLWithPath: keyFile + suffix)) }
        #expect(try cli.run("migrate").status == 0)
        #expect(abandoned.allSatisfy { !FileManager.default.fileExists(atPath: keyFile + $0) })
        #expect(FileManager.default.fileExists(atPath: keyFile + ".old.2"))
        try FileManager.default.removeItem(atPath: keyFile + ".old.2")
        let other = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
        for command in [["migrate"], ["serve"]] {
            let wrong = try cli.run(command, environment: ["ROSTER_SECRET_KEY": other], timeLimit: 30)
            #expect(wrong.status == 2 && wrong.err.contains("ROSTER_SECRET_KEY") && wrong.err.contains("sealed"), "\(wrong.err)")
        }
        let saved = try String(contentsOfFile: keyFile, encoding: .utf8)
        try FileManager.default.removeItem(atPath: keyFile)
        let missing = try cli.run(["migrate"], timeLimit: 30)
        #expect(missing.status == 2 && missing.err.contains("ROSTER_SECRET_KEY_FILE") && missing.err.contains("at its first start"),
                "\(missing.err)")
        #expect(!FileManager.default.fileExists(atPath: keyFile), "no new key is made for a database that has one")
        try saved.write(toFile: keyFile, atomically: true, encoding: .utf8)
        #expect(try cli.run("migrate").status == 0)
        // Put back readable by all (as a copy makes it): start says so, and goes on; made 0600 again, it says nothing.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyFile)
        let loose = try cli.run(["migrate"], environment: ["ROSTER_LOG_LEVEL": "warning"], timeLimit: 30)
        #expect(loose.status == 0 && loose.err.contains("may be read by others than its owner (mode 644)"), "\(loose.err)")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
        let tight = try cli.run(["migrate"], environment: ["ROSTER_LOG_LEVEL": "warning"], timeLimit: 30)
        #expect(tight.status == 0 && !tight.err.contains("may be read by others"), "\(tight.err)")
    }

    /// A key file that is a directory, holds raw bytes or can't be read: a configuration error naming the variable
    /// (exit 2), not Foundation's error text with exit 1 (found by a probe).
    @Test func unusableKeyFilesAreNamed() throws {
        let cli = try CLI()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let raw = dir.appendingPathComponent("raw.key")
        try Data((0..<32).map { UInt8(0x80 + $0) }).write(to: raw)
        let unreadable = dir.appendingPathComponent("locked.key")
        try Data("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=".utf8).write(to: unreadable)
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: unreadable.path)
        var cases = [(dir.path, "is a directory"), (raw.path, "no text")]
        if getuid() != 0 { cases.append((unreadable.path, "can't be read")) }  // root reads any file
        // A link to nothing (a secret mount not there yet): named, neither replaced nor followed into a new file.
        let dangling = dir.appendingPathComponent("mounted.key")
        try FileManager.default.createSymbolicLink(atPath: dangling.path, withDestinationPath: dir.appendingPathComponent("absent.key").path)
        cases.append((dangling.path, "symbolic link to a file that does not exist"))
        // In a directory that does not exist: named as the others (it was exit 1 and "Error: could not create"; a probe).
        cases.append((dir.appendingPathComponent("absent/r.key").path, "must name a file this process can make"))
        for (path, words) in cases {
            let refused = try cli.run(["migrate"], environment: ["ROSTER_SECRET_KEY_FILE": path], timeLimit: 30)
            #expect(refused.status == 2 && refused.err.contains("ROSTER_SECRET_KEY_FILE") && refused.err.contains(words), "\(path): \(refused.err)")
        }
        #expect((try FileManager.default.attributesOfItem(atPath: dangling.path)[.type] as? FileAttributeType) == .typeSymbolicLink)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("absent.key").path))
    }

    /// Processes starting at once on a new database (no key file yet): one makes the key file, whole, and every one takes
    /// its key (one read an empty file, or found the database's check value before the file; found by a review).
    @Test func processesStartingAtOnceShareTheKeyTheyMake() throws {
        for _ in 0..<3 {
            let cli = try CLI()
            let results = Mutex<[CLI.Result]>([])
            DispatchQueue.concurrentPerform(iterations: 3) { _ in
                if let result = try? cli.run(["migrate"], timeLimit: 60) { results.withLock { $0.append(result) } }
            }
            let all = results.withLock { $0 }
            #expect(all.count == 3 && all.allSatisfy { $0.status == 0 }, "\(all.map { "\($0.status) \($0.err)" })")
            let path = String(cli.databaseURL.dropFirst("sqlite://".count))
            let keyFile = URL(fileURLWithPath: path).deletingPathExtension().appendingPathExtension("key").path
            #expect(try cli.run(["migrate"], environment: ["ROSTER_SECRET_KEY": try String(contentsOfFile: keyFile, encoding: .utf8)
                                    .trimmingCharacters(in: .whitespacesAndNewlines)], timeLimit: 60).status == 0)
        }
    }

    /// A PostgreSQL server that does not answer: the command ends within the bounded wait (1.5 s, then a reachability
    /// probe) with a clear error, instead of queueing in the pool for 15 s (issue 9, item 7). Timed in its own process.
    @Test func anUnreachableDatabaseEndsTheCommandQuickly() throws {
        let cli = CLI(databaseURL: "postgres://roster:roster@127.0.0.1:9/roster")
        let start = Date()
        let result = try cli.run(["tenants", "list"], timeLimit: 30)
        let elapsed = Date().timeIntervalSince(start)
        #expect(result.status != 0 && !result.signaled, "\(result.err)")
        // One line that says what is wrong and where (password hidden), no driver dump, exit status 3.
        #expect(result.status == 3, "\(result.status)")
        #expect(result.err.hasPrefix("roster: the database at postgres://***@127.0.0.1:9/roster is unavailable"), "\(result.err)")
        #expect(result.err.split(separator: "\n").count == 1 && !result.err.contains("PSQLError"), "\(result.err)")
        #expect(elapsed < 5, "took \(elapsed) s")
    }

    /// The usual mistakes in a PostgreSQL URL are named (each said "does not take connections"), and a SQLite path that
    /// is no database is "unavailable" with exit 3 (it was SQLite's error code and exit 1).
    @Test func databasesThatCantBeOpenedSayWhy() throws {
        let url = try #require(ProcessInfo.processInfo.environment["ROSTER_TEST_POSTGRES_URL"], "run the tests with scripts/test")
        let base = url[..<url.lastIndex(of: "/")!]
        let wrongPassword = url.replacingOccurrences(of: "roster:roster@", with: "roster:not-the-password@")
        // A certificate not trusted (the test server's is its own): said at once (with TLS, no connection was made outside
        // the pool, and it waited 15 s for one and said no connection came).
        for (candidate, reason) in [(wrongPassword, "refused the password"), (base + "/no_such_database", "the database does not exist"),
                                    (url + "?sslmode=verify-full", "the TLS handshake with the server failed"),
                                    ("postgres://roster:roster@nosuchhost.invalid:5432/roster", "the host name nosuchhost.invalid does not resolve")] {
            let start = Date()
            let result = try CLI(databaseURL: String(candidate)).run(["tenants", "list"], timeLimit: 30)
            #expect(result.status == 3 && result.err.contains(reason) && !result.err.contains("not-the-password"), "\(result.err)")
            #expect(Date().timeIntervalSince(start) < 10, "\(candidate)")
        }
        let notADatabase = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-db-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: notADatabase) }
        try Data("email\nx@example.com\n".utf8).write(to: URL(fileURLWithPath: notADatabase))
        defer { try? FileManager.default.removeItem(atPath: notADatabase) }
        let result = try CLI(databaseURL: "sqlite://" + notADatabase).run("tenants", "list")
        #expect(result.status == 3 && result.err.contains(notADatabase) && result.err.contains("can't be opened as a SQLite database"),
                "\(result.err)")
        // Another application's SQLite database: refused by every command that does not make one, which writes nothing in
        // it (Roster's tables and a key file were made in it, and `tenants list` answered; found by a probe).
        let foreign = CLI(databaseURL: "sqlite://" + FileManager.default.temporaryDirectory.appendingPathComponent("foreign-\(UUID().uuidString).sqlite").path)
        let foreignPath = String(foreign.databaseURL.dropFirst("sqlite://".count))
        let foreignKey = URL(fileURLWithPath: foreignPath).deletingPathExtension().appendingPathExtension("key").path
        defer { for file in [foreignPath, foreignPath + "-wal", foreignPath + "-shm", foreignPath + "-writers", foreignKey] { try? FileManager.default.removeItem(atPath: file) } }
        try foreign.execute("CREATE TABLE foo (x TEXT)")
        let copy = foreignPath + ".bak"
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let before = try Data(contentsOf: URL(fileURLWithPath: foreignPath))
        for command in [["tenants", "list"], ["audit", "verify"], ["backup", copy]] {
            let refused = try foreign.run(command, timeLimit: 30)
            #expect(refused.status == 2 && refused.err.contains("holds no Roster schema"), "\(command): \(refused.status) \(refused.err)")
        }
        // Not opened as Roster opens a database either: no WAL mode switched on, no file beside it (a probe).
        #expect(try Data(contentsOf: URL(fileURLWithPath: foreignPath)) == before, "the file is as it was")
        for suffix in ["-wal", "-shm", "-writers"] { #expect(!FileManager.default.fileExists(atPath: foreignPath + suffix), "\(suffix)") }
        #expect(!FileManager.default.fileExists(atPath: foreignKey) && !FileManager.default.fileExists(atPath: copy))
        // Another tool's record of migrations by the same name (Rails'): no Roster schema, not "a newer Roster's".
        try foreign.execute("CREATE TABLE schema_migrations (version VARCHAR PRIMARY KEY)")
        try foreign.execute("INSERT INTO schema_migrations VALUES ('20240202000000')")
        let rails = try foreign.run(["tenants", "list"], timeLimit: 30)
        #expect(rails.status == 2 && rails.err.contains("holds no Roster schema"), "\(rails.status) \(rails.err)")
        #expect(try foreign.sql("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") == ["foo", "schema_migrations"])
        #expect(!FileManager.default.fileExists(atPath: foreignPath + "-writers"))
    }

    /// A password holding `@` is hidden whole (the first `@` ended the mask, and the rest was printed).
    @Test func aPasswordWithAnAtSignIsHiddenWhole() throws {
        let cli = CLI(databaseURL: "postgres://roster:p@ssw@rd@127.0.0.1:9/roster")
        let result = try cli.run(["tenants", "list"], timeLimit: 30)
        #expect(result.status == 3 && result.err.hasPrefix("roster: the database at postgres://***@127.0.0.1:9/roster is unavailable"),
                "\(result.err)")
        #expect(!result.err.contains("ssw") && !result.err.contains("rd@"), "\(result.err)")
    }

    /// Output that can't be written, and inputs that are not there or not files: one line each and the README's exit
    /// codes (a full disk crashed `parties export` with a backtrace and gave Foundation's error dump elsewhere; a pipe
    /// given to `import` was read as a file without a header row).
    @Test func unwritableOutputsAndMissingInputsAreOneLine() throws {
        let cli = try CLI()
        #expect(try cli.run("migrate").status == 0)
        #expect(try cli.run("tenants", "create", "--slug", "acme", "--name", "Acme").status == 0)
        let party = try cli.run("tenants", "list")
        #expect(party.status == 0)
        for arguments in [["export", "parties", "--tenant", "acme"], ["platform-keys", "create", "--name", "lost"]] {
            let full = try cli.run(arguments, standardOutput: "/dev/full")
            #expect(full.status == 1 && full.err == "roster: can't write standard output: No space left on device\n",
                    "\(arguments): \(full.status) \(full.err)")
        }
        let missing = try cli.run("import", "parties", "/nonexistent/people.csv", "--tenant", "acme")
        #expect(missing.status == 2 && missing.err == "roster: there is no file /nonexistent/people.csv\n", "\(missing.status) \(missing.err)")
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("fifo-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: fifo) }
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { try? FileManager.default.removeItem(atPath: fifo) }
        let piped = try cli.run(["import", "parties", fifo, "--tenant", "acme"], timeLimit: 20)
        #expect(piped.status == 2 && !piped.signaled && piped.err.contains("is not a regular file"), "\(piped.status) \(piped.err)")
        let existing = FileManager.default.temporaryDirectory.appendingPathComponent("exists-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: existing) }
        try Data().write(to: URL(fileURLWithPath: existing))
        defer { try? FileManager.default.removeItem(atPath: existing) }
        let refused = try cli.run("export", "parties", "--tenant", "acme", "--output", existing)
        #expect(refused.status == 2 && refused.err.hasPrefix("roster: can't create \(existing): it exists already"), "\(refused.err)")
        // A device is written to, not refused as existing: the export goes to standard output.
        let device = try cli.run("export", "parties", "--tenant", "acme", "--output", "/dev/stdout")
        #expect(device.status == 0 && device.out.contains("kind"), "\(device.status) \(device.err)")
    }

    /// Only `migrate`, `serve` and the commands that may make a database make the management tenant: a mistyped
    /// ROSTER_MANAGEMENT_TENANT made a tenant on `tenants list`, and `track-existing` then tracked the real one in it.
    @Test func aMistypedManagementTenantMakesNoTenant() throws {
        let cli = try CLI()
        #expect(try cli.run("migrate").status == 0)
        // A database older than the record (no management tenant recorded) holding the default one: another tenant named
        // is refused too, not recorded in its place (found by a probe).
        try cli.execute("DELETE FROM roster_settings WHERE name = 'managementTenant'")
        #expect(try cli.run("tenants", "create", "--slug", "acmeco", "--name", "Acme Co").status == 0)
        let upgraded = try cli.run(["tenants", "list"], environment: ["ROSTER_MANAGEMENT_TENANT": "acmeco"])
        #expect(upgraded.status == 2 && upgraded.err.contains("management tenant, management,"), "\(upgraded.err)")
        #expect(try cli.run("tenants", "list").status == 0)
        // Refused, naming the database's own (it was served from: a process so configured made a second management
        // tenant and tracked the tenants it provisioned there; found by a probe).
        for command in [["tenants", "list"], ["migrate"], ["serve", "--port", String(CLI.serverPort())]] {
            let listed = try cli.run(command, environment: ["ROSTER_MANAGEMENT_TENANT": "othermgmt"], timeLimit: 20)
            #expect(listed.status == 2 && listed.err.contains("ROSTER_MANAGEMENT_TENANT") && listed.err.contains("management tenant, management,"),
                    "\(command): \(listed.err)")
        }
        let again = try cli.run("tenants", "list")
        #expect(again.status == 0 && again.out.contains("management") && !again.out.contains("othermgmt"), "\(again.out)")
    }

    @Test func unknownVariablesAreReported() throws {
        let cli = try CLI()
        let result = try cli.run("migrate", environment: ["ROSTER_PROT": "9000"])
        #expect(result.status == 0 && result.err.contains("ROSTER_PROT is not a Roster setting"), "\(result.err)")
    }
}
