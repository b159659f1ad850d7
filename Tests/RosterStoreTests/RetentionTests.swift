import Foundation
import RosterApp
import RosterCore
import RosterService
import RosterStore
import Testing

/// Retention (issue 11, item 4): parties deleted for longer than their tenant's `retentionDays` (or the default) are
/// erased by a pass, as the system; the clock is injected, nothing sleeps.
@Suite("Retention")
struct RetentionTests {
    @Test(arguments: StoreKind.allCases)
    func aPassErasesWhatIsDueAndNothingElse(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let s = rt.services
            let thirty = try await rt.makeTenant(), byDefault = try await rt.makeTenant(), zero = try await rt.makeTenant()
            var update = TenantUpdate()
            update.retentionDays = .set(30)
            _ = try await s.tenants.update(thirty.slug, update, context: .test)
            update.retentionDays = .set(0)
            _ = try await s.tenants.update(zero.slug, update, context: .test)
            func person(_ t: Tenant, _ name: String, deleted: Bool) async throws -> Party.ID {
                let id = try await s.parties.create(tenant: t.slug, PartyInput(kind: .person, firstName: name), context: .test).id
                if deleted { _ = try await s.parties.delete(tenant: t.slug, id: id, context: .test) }
                return id
            }
            let gone30 = try await person(thirty, "Old", deleted: true)
            let live30 = try await person(thirty, "Live", deleted: false)
            let back30 = try await person(thirty, "Back", deleted: true)
            _ = try await s.parties.restore(tenant: thirty.slug, id: back30, context: .test)
            let goneDefault = try await person(byDefault, "Default", deleted: true)
            let goneZero = try await person(zero, "Zero", deleted: true)
            let compliance = s.compliance
            let now = Date.rosterNow
            func exists(_ t: Tenant, _ id: Party.ID) async throws -> Bool {
                do {
                    _ = try await s.parties.get(tenant: t.slug, id: id, context: .test)
                    return true
                } catch let error as RosterError {
                    guard case .notFound = error else { throw error }
                    return false
                }
            }
            // Only this test's tenants: others in the shared database have their own settings.
            func pass(_ t: Tenant, days: Int?, at instant: Date, dryRun: Bool = false) async throws -> ComplianceService.RetentionReport {
                try await compliance.runRetention(tenant: t.slug, defaultDays: days, now: instant, dryRun: dryRun)
            }

            // Day 29: nothing is due in the 30-day tenant; without a default the other keeps its deleted party forever.
            #expect(try await pass(thirty, days: nil, at: now.addingTimeInterval(29 * 86_400)).due == 0)
            #expect(try await pass(byDefault, days: nil, at: now.addingTimeInterval(3650 * 86_400)).tenants == 0)
            // 0 days: the next pass erases.
            let zeroReport = try await pass(zero, days: nil, at: now.addingTimeInterval(1))
            #expect(zeroReport.erased == 1)
            let zeroGone = try await !exists(zero, goneZero)
            #expect(zeroGone)
            // Day 31: the dry run counts, the pass erases the deleted one only (not the live, not the restored).
            let dry = try await pass(thirty, days: 5, at: now.addingTimeInterval(31 * 86_400), dryRun: true)
            #expect(dry.due == 1 && dry.erased == 0)
            let stillThere = try await exists(thirty, gone30)
            #expect(stillThere)
            let report = try await pass(thirty, days: 5, at: now.addingTimeInterval(31 * 86_400))
            #expect(report.tenants == 1 && report.due == 1 && report.erased == 1)
            let thirtyGone = try await !exists(thirty, gone30)
            #expect(thirtyGone)
            let liveKept = try await exists(thirty, live30), restoredKept = try await exists(thirty, back30)
            #expect(liveKept && restoredKept)
            // The default applies where the tenant has no retention of its own.
            #expect(try await pass(byDefault, days: 10, at: now.addingTimeInterval(9 * 86_400)).due == 0)
            #expect(try await pass(byDefault, days: 10, at: now.addingTimeInterval(11 * 86_400)).erased == 1)
            let defaultGone = try await !exists(byDefault, goneDefault)
            #expect(defaultGone)
            // Erased as the system, and audited as any erasure.
            let entry = try await s.audit.list(tenant: thirty.slug, filter: AuditFilter(targetID: gone30.description), cursor: nil, limit: 1, context: .test).items.first
            #expect(entry?.action == "party.erase" && entry?.actor == "system")
            #expect(try await s.audit.verify(tenant: thirty.slug, context: .test).valid)
            // A party whose erasure is refused (an organization a role is scoped to) is reported; the pass goes on.
            let blocked = try await s.parties.create(tenant: thirty.slug, PartyInput(kind: .organization, name: "Scoping Org"), context: .test).id
            _ = try await s.access.createRole(tenant: thirty.slug, name: "Scoped", policies: ["parties.read"], organizationID: blocked,
                                              relationshipType: nil, context: .test)
            _ = try await s.parties.delete(tenant: thirty.slug, id: blocked, context: .test)
            let later = try await person(thirty, "Later", deleted: true)
            let mixed = try await pass(thirty, days: nil, at: now.addingTimeInterval(62 * 86_400))
            #expect(mixed.failed == [blocked] && mixed.erased == 1, "\(mixed)")
            let laterGone = try await !exists(thirty, later)
            #expect(laterGone)
            // A suspended tenant's parties wait.
            let suspended = try await rt.makeTenant()
            _ = try await person(suspended, "Asleep", deleted: true)
            var suspend = TenantUpdate(status: .suspended)
            suspend.retentionDays = .set(0)
            _ = try await s.tenants.update(suspended.slug, suspend, context: .test)
            let waiting = try await pass(suspended, days: nil, at: now.addingTimeInterval(86_400))
            #expect(waiting.skippedTenants == [suspended.slug] && waiting.erased == 0)
        }
    }
}
