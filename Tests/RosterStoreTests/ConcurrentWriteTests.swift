import Foundation
import RosterApp
import RosterCore
import RosterService
import RosterStore
import Testing

/// Writes that meet on one record, as two servers on one PostgreSQL database make them (READ COMMITTED lets another
/// transaction commit between a write's read and its update): none is lost, and a caller that asked for no precondition
/// gets no 412 (found by a probe of two servers).
@Suite("Store contract: concurrent writes")
struct ConcurrentWriteTests {
    /// Runs `count` copies of `body` at once; their results in no order.
    static func together<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) async throws -> T) async -> [Result<T, any Error>] {
        await withTaskGroup(of: Result<T, any Error>.self) { group in
            for index in 0..<count {
                group.addTask {
                    do { return .success(try await body(index)) } catch { return .failure(error) }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
    }

    /// Many identifies of one new customer at once (a checkout retried, two tills): every one is answered the customer,
    /// exactly one as its first time (on PostgreSQL some got a 409; found by a probe). By email, then by phone.
    @Test(arguments: StoreKind.allCases)
    func concurrentIdentifiesAnswerOneCustomer(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant().slug
            for round in 0..<3 {
                for byPhone in [false, true] {
                    let mark = UUID().uuidString.prefix(6).lowercased()
                    let phone = "+44 7700 9" + String(format: "%05d", Int.random(in: 0..<100_000))
                    let results = await Self.together(12) { _ in
                        try await rt.services.parties.identify(tenant: t, email: byPhone ? nil : "till.\(mark)@example.com",
                                                               phone: byPhone ? phone : nil, context: .test)
                    }
                    let answers = results.compactMap { try? $0.get() }
                    #expect(answers.count == 12, "round \(round): \(results.filter { (try? $0.get()) == nil })")
                    #expect(answers.filter(\.firstTime).count == 1 && Set(answers.map(\.party.id)).count == 1, "round \(round)")
                }
            }
        }
    }

    /// A suspension and a change of the tenant's settings at once: both hold (the later write undid the suspension, and
    /// the tenant's callers wrote on).
    @Test(arguments: StoreKind.allCases)
    func aSuspensionSurvivesAConcurrentSettingsChange(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant().slug
            let admin = OperationContext(caller: Caller(principal: .apiKey(UUID().uuidString), tenantSlug: t, role: .admin), requestID: "admin")
            let tenants = rt.services.tenants
            for round in 0..<6 {
                var resume = TenantUpdate(status: .active)
                resume.autoLinkContacts = false
                _ = try await tenants.update(t, resume, context: .test)
                let results = await Self.together(2) { index in
                    if index == 0 { return try await tenants.update(t, TenantUpdate(status: .suspended), context: .test).tenant }
                    var settings = TenantUpdate()
                    settings.autoLinkContacts = true
                    return try await tenants.update(t, settings, context: admin).tenant
                }
                let tenant = try await tenants.get(t, context: .test)
                #expect(tenant.status == .suspended, "round \(round): \(results)")
                // The settings change either came first (and holds) or found the tenant suspended (403).
                let settingsWon = results.contains { if case .success(let t) = $0 { t.settings.autoLinkContacts == true } else { false } }
                #expect(tenant.settings.autoLinkContacts == settingsWon, "round \(round): \(results)")
            }
        }
    }

    /// Changes of one party without `If-Match` at once: each applies in turn (some got 412 for a change they never saw);
    /// with `If-Match` one wins and the others get 412. Deletes at once: one, and the others the 409 of a deleted party.
    @Test(arguments: StoreKind.allCases)
    func changesWithoutAPreconditionApplyInTurn(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant().slug
            let parties = rt.services.parties
            let party = try await parties.create(tenant: t, PartyInput(kind: .organization, name: "Busy"), context: .test)
            let free = await Self.together(6) { index in
                var patch = PartyPatch()
                patch.note = .set("note \(index)")
                return try await parties.update(tenant: t, id: party.id, patch, ifMatch: nil, context: .test)
            }
            #expect(free.allSatisfy { (try? $0.get()) != nil }, "\(free)")
            #expect(try await parties.get(tenant: t, id: party.id, context: .test).version == party.version + 6)
            let version = try await parties.get(tenant: t, id: party.id, context: .test).version
            let guarded = await Self.together(6) { index in
                var patch = PartyPatch()
                patch.note = .set("guarded \(index)")
                return try await parties.update(tenant: t, id: party.id, patch, ifMatch: version, context: .test)
            }
            #expect(guarded.filter { (try? $0.get()) != nil }.count == 1, "\(guarded)")
            for case .failure(let error) in guarded {
                #expect({ if case .preconditionFailed = error as? RosterError { true } else { false } }(), "\(error)")
            }
            let deletes = await Self.together(4) { _ in try await parties.delete(tenant: t, id: party.id, context: .test) }
            #expect(deletes.filter { (try? $0.get()) != nil }.count == 1, "\(deletes)")
            for case .failure(let error) in deletes {
                #expect((error as? RosterError)?.isConflict == true, "\(error)")
            }
        }
    }

    /// One dealer file imported twice at once (two servers): both finish, the users made once (a batch that met the
    /// other's users was refused whole with a 409).
    @Test(arguments: StoreKind.allCases)
    func oneDealerFileImportedTwiceAtOnce(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant().slug
            let rows = (0..<60).map { DealerRow(email: "dealer\($0)@example.com", displayName: "Dealer \($0)", dealerCode: "RE-\($0)") }
            let runs = await Self.together(3) { _ in try await rt.services.dealers.run(tenant: t, rows: rows, batchSize: 20, context: .test) }
            let reports = runs.compactMap { try? $0.get() }
            #expect(reports.count == 3, "\(runs)")
            #expect(reports.map(\.created).reduce(0, +) == 60 && reports.allSatisfy { $0.errors.isEmpty }, "\(reports)")
            let users = try await rt.services.users.list(tenant: t, role: nil, isActive: nil, q: "dealer", segment: nil, cursor: nil, limit: 100,
                                                         context: .test)
            #expect(users.items.count == 60)
        }
    }

    /// Requests with one `Idempotency-Key` at once: every one answers what the first answered, tracked (a replay
    /// answered with the tenant active and its tracking not yet tried).
    @Test(arguments: StoreKind.allCases)
    func replaysAnswerTheFirstRequestsOutcome(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let provisioning = try await ProvisioningContractTests.Fixture(rt).service()
            for round in 0..<3 {
                let slug = "idem-" + UUID().uuidString.lowercased().prefix(8)
                let request = ProvisioningRequest(slug: String(slug), name: "Idem \(round)",
                                                  admin: Provisioning.Admin(firstName: "I", lastName: "D", email: "i@\(slug).example"))
                let results = await Self.together(3) { _ in try await provisioning.provision(request, idempotencyKey: "k-\(slug)",
                                                                                             context: .test).result }
                for result in results {
                    let tenant = try result.get()
                    #expect(tenant.tenant.status == .active && tenant.provisioning?.tracking.status == .tracked,
                            "round \(round): \(tenant.tenant.status) \(String(describing: tenant.provisioning?.tracking.status))")
                }
            }
        }
    }
}
