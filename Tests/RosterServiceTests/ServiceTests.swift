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
    let path = dir.appendingPathComponent("\(UUID().uuidString).sqlite").path
    // The file, its WAL and shared memory go when the test ends (the tests left gigabytes in the temporary directory).
    defer { for file in [path, path + "-wal", path + "-shm", path + "-writers"] { try? FileManager.default.removeItem(atPath: file) } }
    let database = try await RosterDatabase.open(url: "sqlite://" + path, logger: logger)
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

    /// A new configured bootstrap token retires the one configured before; short ones are refused.
    @Test func aRotatedBootstrapTokenRetiresTheOldOne() async throws {
        try await withSQLiteRuntime { rt in
            let (old, new) = ("old-bootstrap-token-0123456789abcdef", "new-bootstrap-token-0123456789abcdef")
            _ = try await rt.platformAuth.bootstrap(configuredToken: old)
            _ = try await rt.platformAuth.bootstrap(configuredToken: new)
            #expect(try await rt.platformAuth.authenticate(bearer: old) == nil)
            #expect(try await rt.platformAuth.authenticate(bearer: new)?.isPlatform == true)
            let (key, secret) = try await rt.platformAuth.createKey(name: "ops")
            _ = try await rt.platformAuth.bootstrap(configuredToken: new)
            #expect(try await rt.platformAuth.authenticate(bearer: secret) == .platform(key.id), "operators' keys stay")
            await #expect(throws: RosterError.self) { try await rt.platformAuth.bootstrap(configuredToken: "short") }
            // The replaced token stays retired: a process started with it again is refused (it made it the one that
            // works again; found by a probe), and so is the revoked one.
            await #expect(throws: PlatformAuth.retired) { try await rt.platformAuth.bootstrap(configuredToken: old) }
            #expect(try await rt.platformAuth.authenticate(bearer: new)?.isPlatform == true)
            let configured = try #require(try await rt.platformAuth.keys().first { $0.name == "bootstrap (configured)" })
            try await rt.platformAuth.revoke(id: configured.id)
            await #expect(throws: PlatformAuth.retired) { try await rt.platformAuth.bootstrap(configuredToken: new) }
            #expect(try await rt.platformAuth.authenticate(bearer: new) == nil)
        }
    }

    /// The secret key is checked against the database: its check value is stored on first use, another key or none is
    /// refused, and a sealed secret is bound to its row.
    @Test func theSecretKeyMustMatchTheDatabase() async throws {
        try await withSQLiteRuntime { rt in
            let key = try SecretBox(base64Key: SecretBox.generateKeyBase64())
            let other = try SecretBox(base64Key: SecretBox.generateKeyBase64())
            try await rt.services.secretKeys.verify(candidate: key) { Issue.record("no key is made when one is given"); return other }
            await #expect(throws: SecretKeyProblem.mismatch) { try await rt.services.secretKeys.verify(candidate: other) { other } }
            await #expect(throws: SecretKeyProblem.missing) { try await rt.services.secretKeys.verify(candidate: nil) { other } }
            try await rt.services.secretKeys.verify(candidate: key) { other }

            let context = OperationContext.system()
            let tenant = try await rt.services.tenants.create(slug: "keys", name: "Keys", context: context)
            let partner = try await rt.services.parties.create(tenant: tenant.slug, PartyInput(kind: .organization, name: "P", roles: ["partner"]),
                                                               context: context)
            var accounts: [PartnerAccount] = []
            for name in ["A", "B"] {
                let customer = try await rt.services.parties.create(tenant: tenant.slug, PartyInput(kind: .organization, name: name), context: context)
                accounts.append(try await rt.services.partnerAccounts.create(
                    tenant: tenant.slug, PartnerAccountInput(partnerID: partner.id, customerID: customer.id, username: name, secret: "s-\(name)"),
                    context: context))
            }
            #expect(try await rt.services.partnerAccounts.revealSecret(tenant: tenant.slug, id: accounts[0].id, context: context).1 == "s-A")
            // A's sealed secret copied onto B's row does not open there.
            try await rt.database.store.write { tx in
                let sealed = try #require(try await tx.partnerAccount(tenant: tenant.id, id: accounts[0].id)).sealedSecret
                #expect(sealed.hasPrefix(SecretBox.boundPrefix))
                try await tx.updatePartnerAccountSecret(tenant: tenant.id, id: accounts[1].id, sealedSecret: sealed)
            }
            await #expect(throws: RosterError.self) {
                try await rt.services.partnerAccounts.revealSecret(tenant: tenant.slug, id: accounts[1].id, context: context)
            }
        }
    }

    @Test func platformKeysAuthenticateUntilRevoked() async throws {
        try await withSQLiteRuntime { rt in
            _ = try await rt.platformAuth.bootstrap(configuredToken: "the-bootstrap-token-0123456789abcdef")
            let (key, secret) = try await rt.platformAuth.createKey(name: "ops")
            let before = try await rt.authenticator.authenticate(bearer: secret, tenant: nil, requestID: "t")
            #expect(before?.principal == .platform(key.id) && before?.tenantSlug == nil)
            try await rt.platformAuth.revoke(id: key.id)
            let after = try await rt.authenticator.authenticate(bearer: secret, tenant: nil, requestID: "t")
            #expect(after == nil, "revoked at once in this process, cache included")
            let bootstrap = try await rt.authenticator.authenticate(bearer: "the-bootstrap-token-0123456789abcdef", tenant: nil, requestID: "t")
            #expect(bootstrap != nil)
        }
    }

    @Test func configuredBootstrapTokenIsAccepted() async throws {
        try await withSQLiteRuntime { rt in
            let first = try await rt.platformAuth.bootstrap(configuredToken: "my-secret-token-0123456789abcdefghij")
            let second = try await rt.platformAuth.bootstrap(configuredToken: "my-secret-token-0123456789abcdefghij")
            let principal = try await rt.platformAuth.authenticate(bearer: "my-secret-token-0123456789abcdefghij")
            #expect(first == nil && second == nil)
            #expect(principal == .platform("bootstrap-" + PlatformAuth.hash("my-secret-token-0123456789abcdefghij").prefix(8)))
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
                let page = try await rt.services.audit.list(tenant: "gc", filter: AuditFilter(targetID: party.id.description), cursor: cursor, limit: 500, context: .system())
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

/// `serve` hands the allocator's free pages back every 30 s (`MemoryTrim`): the glibc function is found and called. Its
/// effect is measured in Benchmarks/results.md (3,000 connections opened and closed: 210 MB resident, then 88 MB).
@Test func theAllocatorCanBeTrimmed() {
    #if os(Linux)
    #expect(MemoryTrim.trim())
    #endif
}
