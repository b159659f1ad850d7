import Foundation
import Logging
import RosterApp
import RosterCore
import RosterService
import RosterSQL
import RosterStore
import Testing

func withSQLiteRuntime<T: Sendable>(_ body: @Sendable (RosterRuntime) async throws -> T) async throws -> T {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("roster-service-tests", isDirectory: true)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let logger: Logger = {
        var logger = Logger(label: "service-test")
        logger.logLevel = .warning
        return logger
    }()
    let database = try await RosterDatabase.open(url: "sqlite://" + dir.appendingPathComponent("\(UUID().uuidString).sqlite").path,
                                                 logger: logger)
    return try await database.withRunning { database in
        try await database.migrate(logger: logger)
        return try await body(makeRuntime(database: database, secrets: try SecretBox(base64Key: SecretBox.generateKeyBase64())))
    }
}

@Suite("Services")
struct ServiceTests {
    @Test func bootstrapTokenIsGeneratedOnceAndStoredHashed() async throws {
        try await withSQLiteRuntime { rt in
            let token = try #require(try await rt.platformAuth.bootstrap(configuredToken: nil))
            #expect(token.hasPrefix("rst_") && token.count > 40)
            // A second start generates nothing: the token was shown once.
            #expect(try await rt.platformAuth.bootstrap(configuredToken: nil) == nil)
            let principal = try await rt.platformAuth.authenticate(bearer: token)
            #expect(principal?.isPlatform == true)
            #expect(try await rt.platformAuth.authenticate(bearer: token + "x") == nil)
            #expect(try await rt.platformAuth.authenticate(bearer: "") == nil)
            // Only the hash is stored.
            let rows = try await rt.database.sql.withReadTransaction { conn in
                try await conn.query("SELECT token_hash FROM platform_tokens", [])
            }
            #expect(rows.count == 1)
            #expect(rows[0].string("token_hash") == PlatformAuth.hash(token))
            #expect(rows[0].string("token_hash") != token)
        }
    }

    @Test func platformKeysAuthenticateUntilRevoked() async throws {
        try await withSQLiteRuntime { rt in
            _ = try await rt.platformAuth.bootstrap(configuredToken: "the-bootstrap")
            let (key, secret) = try await rt.platformAuth.createKey(name: "ops")
            let before = try await rt.authenticator.authenticate(bearer: secret, tenant: nil, requestID: "t")
            #expect(before?.principal == .platform(key.id) && before?.tenantSlug == nil)
            try await rt.platformAuth.revoke(id: key.id)
            let after = try await rt.authenticator.authenticate(bearer: secret, tenant: nil, requestID: "t")
            #expect(after == nil, "revoked at once in this process, cache included")
            let bootstrap = try await rt.authenticator.authenticate(bearer: "the-bootstrap", tenant: nil, requestID: "t")
            #expect(bootstrap != nil)
        }
    }

    @Test func configuredBootstrapTokenIsAccepted() async throws {
        try await withSQLiteRuntime { rt in
            let first = try await rt.platformAuth.bootstrap(configuredToken: "my-secret-token")
            let second = try await rt.platformAuth.bootstrap(configuredToken: "my-secret-token")
            let principal = try await rt.platformAuth.authenticate(bearer: "my-secret-token")
            #expect(first == nil && second == nil)
            #expect(principal == .platform("bootstrap-" + PlatformAuth.hash("my-secret-token").prefix(8)))
        }
    }

    @Test func groupCommitKeepsEveryReadAndTheChain() async throws {
        try await withSQLiteRuntime { rt in
            let tenant = try await rt.services.tenants.create(slug: "gc", name: "GC", context: .system())
            let party = try await rt.services.parties.create(tenant: "gc", PartyInput(kind: .person, firstName: "A"), context: .system())
            let parties = rt.services.parties
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<200 {
                    group.addTask {
                        _ = try await parties.get(tenant: "gc", id: party.id,
                                                  context: OperationContext(principal: .platform("p"), requestID: "r\(i)"))
                    }
                }
                try await group.waitForAll()
            }
            let verification = try await rt.services.audit.verify(tenant: tenant.slug, context: .system())
            #expect(verification.valid)
            #expect(verification.checked == 202)
            var requestIDs = Set<String>()
            var cursor: String?
            repeat {
                let page = try await rt.services.audit.list(tenant: "gc", targetID: party.id.description, cursor: cursor, limit: 500, context: .system())
                requestIDs.formUnion(page.items.filter { $0.action == "party.read" }.compactMap(\.requestID))
                cursor = page.nextCursor
            } while cursor != nil
            #expect(requestIDs.count == 200)
        }
    }

    @Test func ensureCreatesTheManagementTenantOnce() async throws {
        try await withSQLiteRuntime { rt in
            let first = try await rt.services.tenants.ensure(slug: "management", name: "Management", context: .system())
            let second = try await rt.services.tenants.ensure(slug: "management", name: "Other", context: .system())
            #expect(first.id == second.id)
            #expect(second.name == "Management")
        }
    }
}
