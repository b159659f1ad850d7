import Foundation
import Testing

/// Issue 5: two `roster serve` processes on one PostgreSQL database, with failures injected in both,
/// provision tenants concurrently; every workflow completes exactly once.
@Suite("CLI: two servers on one PostgreSQL database")
struct TwoServersTests {
    /// At trace level the PostgreSQL driver wrote the server's error details, which quote the value a unique index
    /// refused: racing creates of one email put it into the log (found by a probe). No log holds it at any level.
    @Test func traceLogsHoldNoValues() async throws {
        try await withOwnPostgresDatabase("trace") { url, run in try await Self.traceLogsHoldNoValues(CLI(databaseURL: url), run: run) }
    }

    /// Processes starting together on an empty database generate one bootstrap token between them, printed once: each
    /// counted none and printed a token of its own, each working (found by a probe).
    @Test func processesStartingTogetherGenerateOneToken() async throws {
        try await withOwnPostgresDatabase("boot") { url, _ in
            let cli = CLI(databaseURL: url)
            let key = Data(repeating: 9, count: 32).base64EncodedString()
            let outputs = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let result = try cli.run(["migrate"], environment: ["ROSTER_SECRET_KEY": key, "ROSTER_BOOTSTRAP_TOKEN": ""], timeLimit: 60)
                        #expect(result.status == 0, "\(result.err)")
                        return result.out
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outputs.filter { $0.contains("shown only this once") }.count == 1, "\(outputs)")
            let keys = try cli.run(["platform-keys", "list"], environment: ["ROSTER_SECRET_KEY": key, "ROSTER_BOOTSTRAP_TOKEN": ""])
            #expect(keys.out.components(separatedBy: "bootstrap (generated)").count == 2, "\(keys.out)")
        }
    }

    static func traceLogsHoldNoValues(_ cli: CLI, run: String) async throws {
        let token = "trace-token-0123456789abcdefghijklmnop"
        let env = ["ROSTER_BOOTSTRAP_TOKEN": token, "ROSTER_LOG_LEVEL": "trace"]
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(run).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let port = CLI.serverPort()
        let stop = try cli.serve(port: port, environment: env, log: log)
        for _ in 0..<100 where httpGet("http://127.0.0.1:\(port)/health/ready", token: token) == nil {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(httpPost("http://127.0.0.1:\(port)/v1/tenants", token: token, json: #"{"slug":"tr-\#(run)","name":"Trace"}"#)?.0 == 201)
        let email = "racer.\(run)@example.com"
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    httpPost("http://127.0.0.1:\(port)/v1/tenants/tr-\(run)/parties", token: token,
                             json: #"{"kind":"person","firstName":"Racer","email":"\#(email)"}"#)?.0 ?? 0
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        stop()
        #expect(statuses.filter { $0 == 201 }.count == 1 && statuses.filter { $0 == 409 }.count == 11, "\(statuses)")
        let written = try String(contentsOf: log, encoding: .utf8)
        #expect(written.contains("trace"), "the server logged nothing at trace: the check proves nothing")
        #expect(!written.contains(email) && !written.contains("racer.\(run)"), "the email is in the log")
    }

    @Test func everyWorkflowCompletesExactlyOnce() async throws {
        // A database of its own: the two servers' workers take every due workflow of their database.
        try await withOwnPostgresDatabase("two_servers") { url, run in try await Self.everyWorkflowCompletesExactlyOnce(CLI(databaseURL: url), run: run) }
    }

    static func everyWorkflowCompletesExactlyOnce(_ cli: CLI, run: String) async throws {
        let token = "two-servers-token-0123456789abcdefghij"
        let management = "mgmt-\(run)"
        // Each process fails its first admin step (a rollback, then the client's retry) and its first two
        // contact steps (retried by the workers, whichever process gets there), and retries quickly.
        let env = ["ROSTER_BOOTSTRAP_TOKEN": token, "ROSTER_MANAGEMENT_TENANT": management,
                   "ROSTER_FAULTS": "provision.admin:fail:1,tracking.contact:fail:2", "ROSTER_TRACKING_BACKOFF_SECONDS": "0.05",
                   "ROSTER_WORKER_INTERVAL_SECONDS": "0.05", "ROSTER_PROVISIONING_LEASE_SECONDS": "5"]
        #expect(try cli.run("migrate", environment: env).status == 0)
        // Below Linux's ephemeral range (32768-60999): a port there may be held by one of the many client connections
        // the suites running beside this one open, and the server would not come up.
        let first = CLI.serverPort()
        let ports = [first, first < 31_000 ? first + 1_000 : first - 1_000]
        let stops = try ports.map { try cli.serve(port: $0, environment: env) }
        defer { stops.forEach { $0() } }
        for port in ports {
            for _ in 0..<100 where httpGet("http://127.0.0.1:\(port)/health/ready", token: token) == nil {
                try await Task.sleep(for: .milliseconds(100))
            }
        }

        let slugs = (0..<16).map { "two-\(run)-\($0)" }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, slug) in slugs.enumerated() {
                group.addTask {
                    let port = ports[index % 2]
                    let body = #"{"slug":"\#(slug)","name":"Two \#(slug)","admin":{"firstName":"Ada","lastName":"Admin","email":"ada-\#(slug)@example.com"}}"#
                    var status = 0
                    for _ in 0..<3 where status != 201 {
                        status = httpPost("http://127.0.0.1:\(port)/v1/tenants", token: token, json: body)?.0 ?? 0
                    }
                    #expect(status == 201, "\(slug)")
                }
            }
            try await group.waitForAll()
        }

        // Wait until the workers have tracked every tenant.
        var pending = slugs
        for _ in 0..<300 where !pending.isEmpty {
            pending = pending.filter { slug in
                !(httpGet("http://127.0.0.1:\(ports[0])/v1/tenants/\(slug)", token: token) ?? "").contains(#""status":"tracked""#)
            }
            if !pending.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(pending.isEmpty, "not tracked: \(pending)")

        let base = "http://127.0.0.1:\(ports[1])/v1/tenants/\(management)"
        let companies = httpGet("\(base)/parties?role=customer&limit=100", token: token) ?? ""
        for slug in slugs {
            #expect(companies.components(separatedBy: #""tenantSlug":"\#(slug)""#).count == 2, "one company for \(slug)")
            let users = httpGet("http://127.0.0.1:\(ports[1])/v1/tenants/\(slug)/users", token: token) ?? ""
            #expect(users.components(separatedBy: #""role":"ADMIN""#).count == 2, "one admin for \(slug)")
        }
        let contacts = httpGet("\(base)/parties?kind=person&limit=100", token: token) ?? ""
        #expect(contacts.components(separatedBy: #""kind":"person""#).count == slugs.count + 1)
        let edges = httpGet("\(base)/relationships?type=employment&limit=100", token: token) ?? ""
        #expect(edges.components(separatedBy: #""role":"admin contact""#).count == slugs.count + 1)
        let verify = try cli.run("audit", "verify", "--tenant", management, environment: env)
        #expect(verify.status == 0, "\(verify.out)")
    }
}

/// Runs one statement with psql; its exit status.
/// A database of its own on the test PostgreSQL server, named `prefix_<run>`, dropped after `body` (which gets its URL and
/// the run's mark); an issue is recorded when the tests run without the server.
func withOwnPostgresDatabase(_ prefix: String, _ body: (_ url: String, _ run: String) async throws -> Void) async throws {
    guard let shared = ProcessInfo.processInfo.environment["ROSTER_TEST_POSTGRES_URL"], !shared.isEmpty,
          let slash = shared.lastIndex(of: "/") else {
        Issue.record("ROSTER_TEST_POSTGRES_URL is not set: run the tests with scripts/test")
        return
    }
    let run = String(UUID().uuidString.lowercased().prefix(8))
    let database = "\(prefix)_\(run)"
    #expect(psql(shared, "CREATE DATABASE \(database)") == 0, "psql could not create a database")
    defer { _ = psql(shared, "DROP DATABASE IF EXISTS \(database) WITH (FORCE)") }
    try await body(String(shared[...slash]) + database, run)
}

func psql(_ url: String, _ statement: String) -> Int32? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["psql", url, "-q", "-v", "ON_ERROR_STOP=1", "-c", statement]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    process.waitUntilExit()
    return process.terminationStatus
}
