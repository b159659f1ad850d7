import Foundation
import RosterApp
import RosterCore
import RosterService
import RosterSQL
import RosterStore
import Testing

/// The audit anchor (issue 11, item 7): a head kept outside the database catches a truncated or rewritten tail that
/// a writer with database access made consistent; verification is incremental from a checkpoint.
@Suite("Audit anchor")
struct AuditAnchorTests {
    /// Entries of `tenant` read raw, oldest first.
    static func chain(_ rt: RosterRuntime, _ tenant: Tenant.ID) async throws -> [AuditEntry] {
        try await rt.database.store.read { tx in try await tx.auditChain(tenant: tenant, afterSeq: 0, limit: 10_000) }
    }

    /// What a writer with database access does to hide its change: every hash from `seq` on recomputed, the head moved.
    static func rewrite(_ rt: RosterRuntime, _ tenant: Tenant.ID, keeping count: Int64, changing seq: Int64? = nil) async throws {
        var entries = try await chain(rt, tenant)
        try await rt.database.sql.withTransaction { conn in
            try await conn.execute("DELETE FROM audit_entries WHERE tenant_id = $1 AND seq > $2", [.uuid(tenant.rawValue), .int(count)])
            entries = Array(entries.prefix(Int(count)))
            var prev = AuditChain.genesis
            for index in entries.indices {
                var entry = entries[index]
                if entry.seq == seq { entry.action = "party.read" }
                entry.prevHash = prev
                entry.hash = AuditChain.recompute(entry, prev: prev)
                prev = entry.hash
                try await conn.execute("UPDATE audit_entries SET action = $1, prev_hash = $2, hash = $3 WHERE tenant_id = $4 AND seq = $5",
                                       [.text(entry.action), .text(entry.prevHash), .text(entry.hash), .uuid(tenant.rawValue), .int(entry.seq)])
            }
            try await conn.execute("UPDATE audit_heads SET seq = $1, hash = $2 WHERE tenant_id = $3",
                                   [.int(count), .text(prev), .uuid(tenant.rawValue)])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anAnchorCatchesATruncatedOrRewrittenTail(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let audit = rt.services.audit
            for truncate in [true, false] {
                let tenant = try await rt.makeTenant()
                for i in 0..<6 {
                    _ = try await rt.services.parties.create(tenant: tenant.slug, PartyInput(kind: .organization, name: "Org \(i)"), context: .test)
                }
                let anchor = try await audit.head(tenant: tenant.slug, context: .test)
                #expect(anchor.count == Int64(try await Self.chain(rt, tenant.id).count))
                #expect(anchor.hash == (try await Self.chain(rt, tenant.id).last?.hash))
                for i in 0..<3 {
                    _ = try await rt.services.parties.create(tenant: tenant.slug, PartyInput(kind: .organization, name: "Later \(i)"), context: .test)
                }
                let extends = try await audit.verify(tenant: tenant.slug, anchor: anchor, context: .test)
                #expect(extends.valid && extends.count == anchor.count + 3)

                if truncate {
                    try await Self.rewrite(rt, tenant.id, keeping: anchor.count - 2)
                } else {
                    try await Self.rewrite(rt, tenant.id, keeping: anchor.count + 3, changing: anchor.count - 1)
                }
                // The rewrite is consistent: without the anchor, the chain verifies.
                #expect(try await audit.verify(tenant: tenant.slug, context: .test).valid)
                let caught = try await audit.verify(tenant: tenant.slug, anchor: anchor, context: .test)
                #expect(!caught.valid)
                #expect(caught.reason?.contains(truncate ? "truncated" : "rewritten") == true, "\(caught)")
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func verificationIsIncrementalFromACheckpoint(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let audit = rt.services.audit
            let tenant = try await rt.makeTenant()
            for i in 0..<5 {
                _ = try await rt.services.parties.create(tenant: tenant.slug, PartyInput(kind: .organization, name: "Org \(i)"), context: .test)
            }
            let total = Int64(try await Self.chain(rt, tenant.id).count)
            let first = try await audit.verify(tenant: tenant.slug, incremental: true, context: .test)
            #expect(first.valid && first.checked == total && first.count == total)
            for i in 0..<3 {
                _ = try await rt.services.parties.create(tenant: tenant.slug, PartyInput(kind: .organization, name: "More \(i)"), context: .test)
            }
            let second = try await audit.verify(tenant: tenant.slug, incremental: true, context: .test)
            #expect(second.valid && second.checked == 3 && second.count == total + 3)
            let third = try await audit.verify(tenant: tenant.slug, incremental: true, context: .test)
            #expect(third.valid && third.checked == 0)
            #expect(try await audit.verify(tenant: tenant.slug, context: .test).checked == total + 3)

            // A change to the checkpoint's entry is seen at once; one before it only by a full verification.
            try await rt.database.sql.withTransaction { conn in
                try await conn.execute("UPDATE audit_entries SET actor = 'someone else' WHERE tenant_id = $1 AND seq = 2", [.uuid(tenant.id.rawValue)])
            }
            #expect(try await audit.verify(tenant: tenant.slug, incremental: true, context: .test).valid)
            let full = try await audit.verify(tenant: tenant.slug, context: .test)
            #expect(!full.valid && full.brokenAt == 2)
            try await rt.database.sql.withTransaction { conn in
                try await conn.execute("UPDATE audit_entries SET hash = $1 WHERE tenant_id = $2 AND seq = $3",
                                       [.text(String(repeating: "a", count: 64)), .uuid(tenant.id.rawValue), .int(total + 3)])
            }
            let spotted = try await audit.verify(tenant: tenant.slug, incremental: true, context: .test)
            #expect(!spotted.valid && spotted.brokenAt == total + 3)
        }
    }
}
