import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// PostgreSQL stops under concurrent reads and writes, then comes back (issue 9, item 7): every answer is a 2xx or a
/// 503 problem within 2 s, `/health/ready` says 503 meanwhile, everything recovers by itself, every acknowledged write
/// is there and the audit chain verifies. The cluster is the test's own (scripts/pg with its own PGROOT and port).
@Suite("CLI: PostgreSQL outage")
struct PostgresOutageTests {
    struct Answer: Sendable {
        var status: Int
        var seconds: Double
        var problem: Bool
        var body: String
    }

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 10
        return URLSession(configuration: configuration)
    }()

    static func send(_ method: String, _ url: String, token: String, json: String? = nil) async -> Answer {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(json.utf8)
        }
        let start = Date()
        do {
            let (data, response) = try await session.data(for: request)
            let http = response as? HTTPURLResponse
            return Answer(status: http?.statusCode ?? 0, seconds: Date().timeIntervalSince(start),
                          problem: (http?.value(forHTTPHeaderField: "Content-Type") ?? "").contains("problem+json"),
                          body: String(decoding: data, as: UTF8.self))
        } catch {
            return Answer(status: 0, seconds: Date().timeIntervalSince(start), problem: false, body: "\(error)")
        }
    }

    /// scripts/pg on the test's own cluster.
    static func pg(_ command: String, root: String, port: Int) -> Int32 {
        let process = Process()
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        process.executableURL = repo.appendingPathComponent("scripts/pg")
        process.arguments = [command]
        process.environment = ProcessInfo.processInfo.environment.merging(["PGROOT": root, "PGPORT": String(port)]) { $1 }
        // No descriptor of ours may reach the server it starts: it would outlive the script, and Foundation waits for it.
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func everyRequestIsAnsweredAndNothingAcknowledgedIsLost() async throws {
        guard ProcessInfo.processInfo.environment["ROSTER_TEST_POSTGRES_URL"] != nil else {
            Issue.record("ROSTER_TEST_POSTGRES_URL is not set: run the tests with scripts/test (it installs PostgreSQL)")
            return
        }
        let port = Int.random(in: 32_000..<32_700)  // below the ephemeral range, like the server's
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("roster-outage-\(UUID().uuidString.prefix(8))").path
        #expect(Self.pg("start", root: root, port: port) == 0, "could not start a PostgreSQL cluster")
        Self.trace("cluster started on \(port)")
        defer {
            _ = Self.pg("stop", root: root, port: port)
            try? FileManager.default.removeItem(atPath: root)
        }
        let cli = CLI(databaseURL: "postgres://roster:roster@127.0.0.1:\(port)/roster")
        let token = "outage-test-token-0123456789abcdefghij"
        let env = ["ROSTER_BOOTSTRAP_TOKEN": token, "ROSTER_SECRET_KEY": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="]
        #expect(try cli.run("migrate", environment: env).status == 0)
        Self.trace("migrated")
        let http = CLI.serverPort()
        let log = URL(fileURLWithPath: root + "-serve.log")
        defer { try? FileManager.default.removeItem(at: log) }
        let stop = try cli.serve(port: http, environment: env.merging(["ROSTER_LOG_LEVEL": "notice"]) { $1 }, log: log)
        defer { stop() }
        let base = "http://127.0.0.1:\(http)"
        var up = false
        for _ in 0..<300 where !up {
            up = await Self.send("GET", "\(base)/health/ready", token: token).status == 200
            if !up { try await Task.sleep(for: .milliseconds(100)) }
        }
        let serverLog = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        try #require(up, "the server on \(http) was not ready within 30 s; its log:\n\(serverLog.suffix(2000))")
        Self.trace("served")
        #expect(await Self.send("POST", "\(base)/v1/tenants", token: token, json: #"{"slug":"outage","name":"Outage"}"#).status == 201)
        let parties = "\(base)/v1/tenants/outage/parties"

        // Eight clients write and read for 7 s; PostgreSQL is down from 2 s to 4.5 s.
        let clock = ContinuousClock()
        let start = clock.now
        let outage = Task {
            try await Task.sleep(for: .seconds(2))
            #expect(Self.pg("pause", root: root, port: port) == 0)
            try await Task.sleep(for: .milliseconds(500))
            let ready = await Self.send("GET", "\(base)/health/ready", token: token)
            #expect(ready.status == 503 && ready.seconds <= 2, "health/ready during the outage: \(ready.status) in \(ready.seconds) s")
            try await Task.sleep(for: .seconds(2))
            #expect(Self.pg("resume", root: root, port: port) == 0)
        }
        let (answers, acknowledged) = await withTaskGroup(of: ([Answer], [String]).self) { group in
            for client in 0..<8 {
                group.addTask {
                    var answers: [Answer] = []
                    var acknowledged: [String] = []
                    var n = 0
                    while clock.now - start < .seconds(7) {
                        n += 1
                        let write = await Self.send("POST", parties, token: token,
                                                    json: #"{"kind":"person","firstName":"C\#(client)","email":"c\#(client)-\#(n)@example.com"}"#)
                        answers.append(write)
                        if write.status == 201, let id = Self.id(write.body) { acknowledged.append(id) }
                        answers.append(await Self.send("GET", "\(parties)?limit=5", token: token))
                    }
                    return (answers, acknowledged)
                }
            }
            return await group.reduce(into: ([Answer](), [String]())) { $0.0 += $1.0; $0.1 += $1.1 }
        }
        try await outage.value

        let unavailable = answers.filter { $0.status == 503 }
        let bad = answers.filter { !((200..<300).contains($0.status) || ($0.status == 503 && $0.problem)) }
        let slow = answers.filter { $0.seconds > 2 }
        #expect(bad.isEmpty, "\(bad.count) answers neither 2xx nor a 503 problem: \(bad.prefix(3).map { "\($0.status) \($0.body.prefix(120))" })")
        #expect(slow.isEmpty, "\(slow.count) answers slower than 2 s, the slowest \(slow.map(\.seconds).max() ?? 0) s")
        #expect(!unavailable.isEmpty, "the outage was not seen")
        #expect(acknowledged.count > 20, "\(acknowledged.count) writes acknowledged")

        // Back by itself: ready again, and every request succeeds.
        var ready = 0
        for _ in 0..<200 where ready != 200 {
            ready = await Self.send("GET", "\(base)/health/ready", token: token).status
            if ready != 200 { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(ready == 200, "not ready again after PostgreSQL came back")
        for n in 0..<10 {
            #expect(await Self.send("POST", parties, token: token, json: #"{"kind":"person","email":"after-\#(n)@example.com"}"#).status == 201)
        }
        // Nothing acknowledged is lost, and the chain holds.
        var missing: [String] = []
        for id in acknowledged where await Self.send("GET", "\(parties)/\(id)", token: token).status != 200 { missing.append(id) }
        #expect(missing.isEmpty, "\(missing.count) acknowledged writes are missing")
        let verify = await Self.send("GET", "\(base)/v1/tenants/outage/audit/verify", token: token)
        #expect(verify.status == 200 && verify.body.contains(#""valid":true"#), "\(verify.body)")
    }

    static func trace(_ text: String) {
        FileHandle.standardError.write(Data("outage test: \(text)\n".utf8))
    }

    static func id(_ body: String) -> String? {
        guard let data = body.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["id"] as? String
    }
}
