import Foundation
import Testing

/// Issue 5: a provisioning workflow killed (SIGKILL, by the test-only fault switch) inside any step
/// resumes when `roster serve` starts on the same database, and completes exactly once.
@Suite("CLI: provisioning survives kill -9")
struct ProvisioningCrashTests {
    static let steps = ["provision.admin", "provision.activate", "tracking.company", "tracking.contact", "tracking.tag"]

    @Test(arguments: steps)
    func aKilledWorkflowCompletesOnceWhenServeStarts(step: String) async throws {
        let cli = try CLI()
        let token = "crash-test-token-0123456789abcdefghij"
        // A short lease: the killed process's claim lapses quickly, as a real one would after ROSTER_PROVISIONING_LEASE_SECONDS.
        let env = ["ROSTER_BOOTSTRAP_TOKEN": token, "ROSTER_PROVISIONING_LEASE_SECONDS": "0.5", "ROSTER_WORKER_INTERVAL_SECONDS": "0.1"]
        #expect(try cli.run("migrate", environment: env).status == 0)
        var faulty = env
        faulty["ROSTER_FAULTS"] = "\(step):crash"
        let crashed = try cli.run("tenants", "create", "--slug", "crash", "--name", "Crash Ltd", "--admin-email", "ada@example.com",
                                  "--admin-first-name", "Ada", "--admin-last-name", "Admin", environment: faulty)
        #expect(crashed.signaled && crashed.status == SIGKILL, "\(crashed.out) \(crashed.err)")
        let before = try cli.sql("SELECT status FROM tenants WHERE slug = 'crash'")
        #expect(before == [step.hasPrefix("provision.") ? "provisioning" : "active"])

        let port = CLI.serverPort()
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("roster-crash-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let stop = try cli.serve(port: port, environment: env.merging(["ROSTER_LOG_LEVEL": "notice"]) { $1 }, log: log)
        defer { stop() }
        var tenant = ""
        // Up to a minute: a server starting beside the other suites on a busy machine took more than the 20 s this was.
        for _ in 0..<600 {
            tenant = httpGet("http://127.0.0.1:\(port)/v1/tenants/crash", token: token) ?? ""
            if tenant.contains(#""status":"tracked""#) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(tenant.contains(#""status":"active""#) && tenant.contains(#""status":"tracked""#),
                "\(tenant); the server's log: \((try? String(contentsOf: log, encoding: .utf8)) ?? "none")")
        stop()

        // Exactly once, in both tenants.
        let crash = "(SELECT id FROM tenants WHERE slug = 'crash')"
        let management = "(SELECT id FROM tenants WHERE slug = 'management')"
        #expect(try cli.sql("SELECT role FROM users WHERE tenant_id = \(crash)") == ["ADMIN"])
        #expect(try cli.sql("SELECT count(*) FROM parties WHERE tenant_id = \(crash)") == ["1"])
        #expect(try cli.sql("""
            SELECT count(*) FROM parties WHERE tenant_id = \(management) AND kind = 'organization'
            AND json_extract(properties, '$.tenantSlug') = 'crash'
            """) == ["1"])
        #expect(try cli.sql("SELECT count(*) FROM parties WHERE tenant_id = \(management) AND kind = 'person'") == ["1"])
        #expect(try cli.sql("SELECT type || '/' || role FROM relationships WHERE tenant_id = \(management)") == ["employment/admin contact"])
        #expect(try cli.sql("SELECT count(*) FROM party_tags WHERE tenant_id = \(management)") == ["1"])
        let verify = try cli.run("audit", "verify", environment: env)
        #expect(verify.status == 0, "\(verify.out)")
        let list = try cli.run("tenants", "list", environment: env)
        #expect(list.out.split(separator: "\n").contains { $0.hasPrefix("crash") && $0.contains("active") && $0.contains("tracked") })
    }

    @Test func trackExistingBackfillsTenantsMadeWithTrackingOff() throws {
        let cli = try CLI()
        let off = ["ROSTER_CUSTOMER_TRACKING": "false"]
        #expect(try cli.run("tenants", "create", "--slug", "old-one", "--name", "Old One", environment: off).status == 0)
        #expect(try cli.run("tenants", "create", "--slug", "old-two", "--name", "Old Two", environment: off).status == 0)
        #expect(try cli.run("tenants", "list").out.contains("off"))
        let first = try cli.run("tenants", "track-existing")
        #expect(first.status == 0 && first.out.contains("started tracking for 2 tenants"), "\(first.out) \(first.err)")
        // A progress bar, a line a quarter off a terminal, each with its real figure (it said 25% at 1/3; found by a probe).
        let lines = first.err.split(separator: "\n").filter { $0.hasPrefix("tracking [") }
        let figures = lines.compactMap { line -> (percent: Int, done: Int, total: Int)? in
            let words = line.split(separator: "]").last?.split(separator: " ") ?? []
            guard words.count >= 2, let percent = Int(words[0].dropLast()), case let parts = words[1].split(separator: "/"), parts.count == 2,
                  let done = Int(parts[0]), let total = Int(parts[1]) else { return nil }
            return (percent, done, total)
        }
        #expect(figures.count == lines.count && figures.count >= 3, "\(first.err)")
        #expect(figures.allSatisfy { $0.percent == $0.done * 100 / $0.total } && figures.last.map { $0.done == $0.total } == true,
                "\(first.err)")
        #expect(figures.contains { $0.percent % 25 != 0 }, "a third is not a quarter: \(first.err)")
        let second = try cli.run("tenants", "track-existing")
        #expect(second.out.contains("started tracking for 0 tenants; 3 others (the management tenant"), "\(second.out)")
        let management = "(SELECT id FROM tenants WHERE slug = 'management')"
        #expect(try cli.sql("SELECT count(*) FROM parties WHERE tenant_id = \(management) AND kind = 'organization'") == ["2"])
        let bad = try cli.run("tenants", "create", "--slug", "x-y", "--name", "X", "--admin-email", "a@example.com")
        #expect(bad.status != 0 && bad.err.contains("together"))
    }
}
