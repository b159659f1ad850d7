import Foundation
import RosterApp
import RosterCore
import RosterSQL
import RosterService
import RosterStore
import Testing

/// The provisioning workflow of issue 5 on both stores: every step failing once, rollback before
/// `active`, graceful degradation and resumption after it, idempotency, backfill.
@Suite("Provisioning contract")
struct ProvisioningContractTests {
    /// A management tenant of the test's own, so that tests sharing one PostgreSQL database don't meet.
    struct Fixture {
        let rt: RosterRuntime
        let management: Tenant
        var options: ProvisioningOptions

        init(_ rt: RosterRuntime) async throws {
            self.rt = rt
            let slug = "mgmt-" + UUID().uuidString.lowercased().prefix(12)
            management = try await rt.services.tenants.ensure(slug: String(slug), name: "Management", context: .test)
            options = ProvisioningOptions()
            options.managementTenant = management.slug
            options.backoffBase = 0
        }

        func service(faults: String? = nil) throws -> ProvisioningService {
            ProvisioningService(store: rt.database.store, options: options, stepHook: try FaultInjector(spec: faults).hook)
        }

        static func request(_ tag: String = UUID().uuidString.lowercased().prefix(10).description) -> ProvisioningRequest {
            ProvisioningRequest(slug: "p-\(tag)", name: "Acme \(tag)",
                                admin: Provisioning.Admin(firstName: "Ada", lastName: "Admin", email: "ada-\(tag)@example.com"))
        }

        /// The management tenant's customer organizations for a tenant.
        func companies(of tenant: Tenant.ID) async throws -> [Party] {
            let name = try await rt.services.provisioning.tenant(id: tenant).tenant.name
            let page = try await rt.services.parties.search(tenant: management.slug, PartySearch(q: name, role: "customer", limit: 200), context: .test)
            return page.items.filter { $0.properties["tenantId"] == .string(tenant.description) }
        }

        func users(_ slug: String) async throws -> [User] {
            try await rt.services.users.list(tenant: slug, role: nil, isActive: nil, q: nil, segment: nil, cursor: nil, limit: 100, context: .test).items
        }

        func parties(_ slug: String) async throws -> [Party] {
            try await rt.services.parties.search(tenant: slug, PartySearch(limit: 100), context: .test).items
        }

        /// Everything tracking should have made, exactly once.
        func expectTracked(_ result: ProvisionedTenant, admin: Provisioning.Admin?, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let tracking = try #require(result.provisioning?.tracking, sourceLocation: sourceLocation)
            #expect(tracking.status == .tracked, "\(tracking)", sourceLocation: sourceLocation)
            let companies = try await companies(of: result.tenant.id)
            #expect(companies.count == 1, sourceLocation: sourceLocation)
            let company = try #require(companies.first, sourceLocation: sourceLocation)
            #expect(company.id == tracking.companyID && company.name == result.tenant.name && company.kind == .organization,
                    sourceLocation: sourceLocation)
            #expect(company.properties["tenantSlug"] == .string(result.tenant.slug) && company.roles.contains("customer"), sourceLocation: sourceLocation)
            #expect(company.tags.map(\.text) == [options.customerTag], sourceLocation: sourceLocation)
            let tags = try await rt.services.tags.list(tenant: management.slug, context: .test)
            let tag = try #require(tags.first { $0.tag.text == options.customerTag }, sourceLocation: sourceLocation)
            #expect(tag.tag.id == tracking.tagID && tag.tag.color.hasPrefix("#"), sourceLocation: sourceLocation)
            let edges = try await rt.services.relationships.list(tenant: management.slug, partyID: company.id, type: "employment", role: nil,
                                                                 cursor: nil, limit: 50, context: .test)
            if let admin {
                #expect(edges.items.count == 1 && edges.items.first?.role == "admin contact", sourceLocation: sourceLocation)
                let contact = try await rt.services.parties.get(tenant: management.slug, id: try #require(tracking.contactID), context: .test)
                #expect(contact.email?.value == admin.email && contact.kind == .person && edges.items.first?.childID == contact.id,
                        sourceLocation: sourceLocation)
            } else {
                #expect(edges.items.isEmpty, sourceLocation: sourceLocation)
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func provisioningCreatesTheTenantItsAdminAndTheCustomerRecords(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let fixture = try await Fixture(rt)
            let request = Fixture.request()
            let (result, replayed) = try await fixture.service().provision(request, context: .test)
            #expect(!replayed && result.tenant.status == .active && result.provisioning?.phase == .active)
            let users = try await fixture.users(request.slug)
            #expect(users.count == 1 && users.first?.role == .admin && users.first?.id == result.provisioning?.adminUserID)
            let admin = try #require(users.first)
            let person = try await rt.services.parties.get(tenant: request.slug, id: try #require(admin.partyID), context: .test)
            #expect(person.firstName == "Ada" && person.lastName == "Admin" && person.email?.value == request.admin?.email)
            try await fixture.expectTracked(result, admin: request.admin)

            // The system is the actor of every workflow write, in both tenants.
            let own = try await rt.services.audit.list(tenant: request.slug, cursor: nil, limit: 100, context: .test).items
            #expect(Set(own.map(\.action)).isSuperset(of: ["tenant.create", "party.create", "user.create", "tenant.activate"]))
            let workflow: Set<String> = ["party.create", "user.create", "tenant.activate"]
            #expect(own.filter { workflow.contains($0.action) }.count == 3 && own.filter { workflow.contains($0.action) }.allSatisfy { $0.actor == "system" })
            let theirs = try await rt.services.audit.list(tenant: fixture.management.slug, cursor: nil, limit: 100, context: .test).items
            #expect(theirs.contains { $0.action == "relationship.create" && $0.actor == "system" })
            #expect(try await rt.services.audit.verify(tenant: fixture.management.slug, context: .test).valid)

            // Without an admin: no user or contact, still a tracked company.
            var bare = Fixture.request()
            bare.admin = nil
            let plain = try await fixture.service().provision(bare, context: .test).result
            #expect(try await fixture.users(bare.slug).isEmpty && plain.provisioning?.adminUserID == nil)
            try await fixture.expectTracked(plain, admin: nil)

            // Renaming the tenant renames its customer record, in the same transaction, audited in the management tenant;
            // a company someone named otherwise keeps its name.
            var rename = TenantUpdate()
            rename.name = "Renamed Org"
            let renamed = try await rt.services.tenants.update(bare.slug, rename, context: .test)
            try await fixture.expectTracked(renamed, admin: nil)
            let companyID = try #require(plain.provisioning?.tracking.companyID)
            #expect(try await rt.services.parties.get(tenant: fixture.management.slug, id: companyID, context: .test).name == "Renamed Org")
            var theirName = PartyPatch()
            theirName.name = .set("Renamed Org (key account)")
            _ = try await rt.services.parties.update(tenant: fixture.management.slug, id: companyID, theirName, ifMatch: nil, context: .test)
            rename.name = "Renamed Again"
            _ = try await rt.services.tenants.update(bare.slug, rename, context: .test)
            #expect(try await rt.services.parties.get(tenant: fixture.management.slug, id: companyID, context: .test).name
                    == "Renamed Org (key account)")
            #expect(try await rt.services.audit.verify(tenant: fixture.management.slug, context: .test).valid)

            // The slug is taken now; bad input names every field.
            await expectRosterError({ try await fixture.service().provision(request, context: .test) }) { $0.isConflict }
            let invalid = ProvisioningRequest(slug: "X", name: "", admin: Provisioning.Admin(firstName: "", lastName: "L", email: "nope"))
            await expectRosterError({ try await fixture.service().provision(invalid, context: .test) }) {
                Set($0.invalidFields) == ["slug", "name", "admin.firstName", "admin.email"]
            }
        }
    }

    /// One person administering two tenants is one contact in the management tenant, employed by both companies
    /// (the contact step finds it by the duplicate check that any new party meets).
    @Test(arguments: StoreKind.allCases)
    func anAdminOfTwoTenantsIsOneContactWithTwoEmployments(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let fixture = try await Fixture(rt)
            var first = Fixture.request()
            var second = Fixture.request()
            second.admin = first.admin
            first.admin?.firstName = "Adah"  // the second request's name differs: the existing contact is kept as it is
            let one = try await fixture.service().provision(first, context: .test).result
            let two = try await fixture.service().provision(second, context: .test).result
            try await fixture.expectTracked(one, admin: first.admin)
            try await fixture.expectTracked(two, admin: second.admin)
            let contact = try #require(one.provisioning?.tracking.contactID)
            #expect(two.provisioning?.tracking.contactID == contact)
            #expect(one.provisioning?.tracking.relationshipID != two.provisioning?.tracking.relationshipID)
            let person = try await rt.services.parties.get(tenant: fixture.management.slug, id: contact, context: .test)
            #expect(person.firstName == "Adah")
            let people = try await rt.services.parties.search(tenant: fixture.management.slug, PartySearch(kind: .person, limit: 100),
                                                              context: .test).items
            #expect(people.filter { $0.email?.value == first.admin?.email }.count == 1)
        }
    }

    @Test(arguments: StoreKind.allCases, ["provision.admin", "provision.activate"])
    func aFailureBeforeActiveRollsBackThenARetrySucceeds(_ kind: StoreKind, step: String) async throws {
        try await TestDatabase.with(kind) { rt in
            let fixture = try await Fixture(rt)
            let request = Fixture.request()
            let faulty = try fixture.service(faults: "\(step):fail:1")
            await expectRosterError({ try await faulty.provision(request, context: .test) }) {
                if case .unavailable(let message) = $0 { message.contains(step) } else { false }
            }
            let failed = try await faulty.tenant(slug: request.slug, context: .test)
            #expect(failed.tenant.status == .failed && failed.provisioning?.phase == .failed)
            #expect(failed.provisioning?.lastError?.contains("injected fault at \(step)") == true)
            // Nothing will track it: not `pending` (it read so for good).
            #expect(failed.provisioning?.tracking.status == .off)
            // Nothing of it remains, in either tenant.
            #expect(try await fixture.users(request.slug).isEmpty)
            #expect(try await fixture.parties(request.slug).isEmpty)
            #expect(try await fixture.companies(of: failed.tenant.id).isEmpty)
            // What the rollback removed is audited as removed (the audit held their creation only; found by a probe).
            let audit = try await rt.services.audit.list(tenant: request.slug, filter: AuditFilter(), cursor: nil, limit: 100, context: .test).items
            let made = audit.filter { ["party.create", "user.create"].contains($0.action) }.compactMap(\.targetID)
            let removed = audit.filter { ["party.remove", "user.delete"].contains($0.action) && $0.fields == ["rollback"] }.compactMap(\.targetID)
            #expect(Set(removed) == Set(made) && (step == "provision.admin" ? made.isEmpty : made.count == 2), "\(audit.map(\.action))")
            // A failed tenant is not made active by hand (it has no admin and no tracking): 409, nothing changes.
            var activate = TenantUpdate()
            activate.status = .active
            await expectRosterError({ try await rt.services.tenants.update(request.slug, activate, context: .test) }) { $0.isConflict }
            #expect(try await faulty.tenant(slug: request.slug, context: .test).tenant.status == .failed)
            // Nor renamed (the create request that provisions it again set the name back), and a tracking retry says how
            // it is provisioned again (track-existing, which its message named, skips it).
            var rename = TenantUpdate()
            rename.name = "Renamed"
            await expectRosterError({ try await rt.services.tenants.update(request.slug, rename, context: .test) }) { $0.isConflict }
            await expectRosterError({ try await faulty.retryTracking(tenant: request.slug, context: .test) }) {
                if case .conflict(let message, _) = $0 { message.contains("create request") } else { false }
            }

            // The same request again: the fault is spent, provisioning completes, everything exactly once.
            let (result, _) = try await faulty.provision(request, context: .test)
            #expect(result.tenant.id == failed.tenant.id && result.tenant.status == .active)
            #expect(try await fixture.users(request.slug).count == 1)
            #expect(try await fixture.parties(request.slug).count == 1)
            try await fixture.expectTracked(result, admin: request.admin)
        }
    }

    /// Another request may provision a failed slug, but a repeat of the request that failed, with its key, is then not
    /// answered by the other's tenant (it got a 201 with a name, settings and admin it never asked for; found by a probe):
    /// it is a new request for a slug that is taken, 409. The key of the same body as the one that succeeded still replays.
    @Test(arguments: StoreKind.allCases)
    func aFailedSlugTakenByAnotherRequestDoesNotAnswerTheFirstOnesKey(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let fixture = try await Fixture(rt)
            let first = Fixture.request()
            let faulty = try fixture.service(faults: "provision.activate:fail:1")
            let firstKey = "first-\(UUID().uuidString)"
            await expectRosterError({ try await faulty.provision(first, idempotencyKey: firstKey, context: .test) }) {
                if case .unavailable = $0 { true } else { false }
            }
            var other = ProvisioningRequest(slug: first.slug, name: "Someone Else")
            other.settings.defaultCallingCode = "1"
            let otherKey = "other-\(UUID().uuidString)"
            let (taken, replayed) = try await faulty.provision(other, idempotencyKey: otherKey, context: .test)
            #expect(!replayed && taken.tenant.status == .active && taken.tenant.name == "Someone Else")
            await expectRosterError({ try await faulty.provision(first, idempotencyKey: firstKey, context: .test) }) { $0.isConflict }
            let now = try await faulty.tenant(slug: first.slug, context: .test)
            #expect(now.tenant.name == "Someone Else" && now.tenant.settings.defaultCallingCode == "1")
            #expect(try await fixture.users(first.slug).isEmpty, "the first request's admin was never made")
            let (again, replayedAgain) = try await faulty.provision(other, idempotencyKey: otherKey, context: .test)
            #expect(replayedAgain && again.tenant.id == taken.tenant.id)
        }
    }

    /// A tracked tenant whose records in the management tenant were removed there: a retry makes again what is missing
    /// (and nothing when all is there).
    @Test(arguments: StoreKind.allCases)
    func aRetryMakesAgainWhatTheManagementTenantLost(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let fixture = try await Fixture(rt)
            let request = Fixture.request()
            let service = try fixture.service()
            let (result, _) = try await service.provision(request, context: .test)
            try await fixture.expectTracked(result, admin: request.admin)
            let first = try #require(result.provisioning?.tracking)
            let untouched = try await service.retryTracking(tenant: request.slug, context: .test)
            #expect(untouched.provisioning?.tracking == first)
            let m = fixture.management.slug

            // The tag taken off the company: put back, nothing else made.
            try await rt.services.tags.detach(tenant: m, party: try #require(first.companyID), tag: try #require(first.tagID), context: .test)
            let retagged = try await service.retryTracking(tenant: request.slug, context: .test)
            try await fixture.expectTracked(retagged, admin: request.admin)
            #expect(retagged.provisioning?.tracking.companyID == first.companyID)

            // The company erased: made again, with the contact's edge and the tag; the contact, still there, is kept.
            try await rt.services.compliance.erase(tenant: m, id: try #require(first.companyID), context: .test)
            let remade = try await service.retryTracking(tenant: request.slug, context: .test)
            try await fixture.expectTracked(remade, admin: request.admin)
            let tracking = try #require(remade.provisioning?.tracking)
            #expect(tracking.companyID != first.companyID && tracking.contactID == first.contactID && tracking.attempts == 0)

            // The contact deleted too: a new one from the tenant's admin party (its name and email), under the same company.
            try await rt.services.parties.delete(tenant: m, id: try #require(tracking.contactID), context: .test)
            let recontacted = try await service.retryTracking(tenant: request.slug, context: .test)
            let last = try #require(recontacted.provisioning?.tracking)
            #expect(last.status == .tracked && last.companyID == tracking.companyID && last.contactID != tracking.contactID)
            let contact = try await rt.services.parties.get(tenant: m, id: try #require(last.contactID), context: .test)
            #expect(contact.isLive && contact.email?.value == request.admin?.email && contact.firstName == "Ada", "\(contact)")

            // The admin party erased in the tenant and the contact deleted: no contact can be made again, the rest is
            // there, so the tenant is tracked without one (it stayed pending with no step due, for good; found by a probe).
            let admin = try #require(recontacted.provisioning?.adminPartyID)
            try await rt.services.compliance.erase(tenant: request.slug, id: admin, context: .test)
            try await rt.services.parties.delete(tenant: m, id: try #require(last.contactID), context: .test)
            let without = try await service.retryTracking(tenant: request.slug, context: .test)
            let final = try #require(without.provisioning?.tracking)
            #expect(final.status == .tracked && final.contactID == nil && !final.withContact && final.companyID == last.companyID
                    && final.lastError == nil, "\(final)")
            #expect(try await service.retryTracking(tenant: request.slug, context: .test).provisioning?.tracking == final)
        }
    }

    @Test(arguments: StoreKind.allCases, ["tracking.company", "tracking.contact", "tracking.tag"])
    func aTrackingFailureNeverFailsTheTenantAndResumesWhereItStopped(_ kind: StoreKind, step: String) async throws {
        try await TestDatabase.with(kind) { rt in
            var fixture = try await Fixture(rt)
            fixture.options.backoffBase = 3600  // no retry by itself during the test
            let request = Fixture.request()
            let service = try fixture.service(faults: "\(step):fail:1")
            let (result, _) = try await service.provision(request, context: .test)
            #expect(result.tenant.status == .active)
            let tracking = try #require(result.provisioning?.tracking)
            #expect(tracking.status == .pending && tracking.attempts == 1 && tracking.lastError?.contains(step) == true)
            #expect(tracking.nextAttemptAt.map { $0 > Date() } == true)
            // What came before the failed step is kept, and not made twice on the retry.
            let companies = try await fixture.companies(of: result.tenant.id)
            #expect(companies.count == (step == "tracking.company" ? 0 : 1))
            // Not due yet: the worker leaves it alone.
            try await service.runDue(limit: 1000, only: [result.tenant.id])
            let waiting = try await service.tenant(slug: request.slug, context: .test)
            #expect(waiting.provisioning?.tracking.status == .pending && waiting.provisioning?.tracking.attempts == 1)

            let retried = try await service.retryTracking(tenant: request.slug, context: .test)
            try await fixture.expectTracked(retried, admin: request.admin)
            #expect(retried.provisioning?.tracking.lastError == nil)
            await expectRosterError({ try await fixture.service().retryTracking(tenant: "no-such-tenant", context: .test) }) { $0.isNotFound }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func theWorkerRetriesWithBackoffAndGivesUpAfterItsAttempts(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            var fixture = try await Fixture(rt)
            fixture.options.maxTrackingAttempts = 3
            let request = Fixture.request()
            let service = try fixture.service(faults: "tracking.contact:fail:2")
            let first = try await service.provision(request, context: .test).result
            #expect(first.provisioning?.tracking.attempts == 1)
            // backoff 0: due at once; the second attempt fails too, the third succeeds.
            for _ in 0..<5 where try await service.tenant(slug: request.slug, context: .test).provisioning?.tracking.status == .pending {
                try await service.runDue(limit: 1000, only: [first.tenant.id])
            }
            let done = try await service.tenant(slug: request.slug, context: .test)
            #expect(done.provisioning?.tracking.attempts == 2)
            try await fixture.expectTracked(done, admin: request.admin)

            // Out of attempts: failed, until a forced retry.
            let stubborn = Fixture.request()
            let failing = try fixture.service(faults: "tracking.company:fail:3")
            let stubbornID = try await failing.provision(stubborn, context: .test).result.tenant.id
            for _ in 0..<5 { try await failing.runDue(limit: 1000, only: [stubbornID]) }
            let gaveUp = try await failing.tenant(slug: stubborn.slug, context: .test)
            #expect(gaveUp.provisioning?.tracking.status == .failed && gaveUp.provisioning?.tracking.attempts == 3)
            #expect(gaveUp.tenant.status == .active)
            let forced = try await failing.retryTracking(tenant: stubborn.slug, context: .test)
            try await fixture.expectTracked(forced, admin: stubborn.admin)
        }
    }

    /// Concurrent provisioning into a management tenant without the tag yet: the first tag is made once,
    /// and no tracking attempt fails for it.
    @Test(arguments: StoreKind.allCases)
    func concurrentTrackingMakesOneTag(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let fixture = try await Fixture(rt)
            let service = try fixture.service()
            let requests = (0..<8).map { _ in Fixture.request() }
            let results = try await withThrowingTaskGroup(of: ProvisionedTenant.self) { group in
                for request in requests { group.addTask { try await service.provision(request, context: .test).result } }
                return try await group.reduce(into: [ProvisionedTenant]()) { $0.append($1) }
            }
            for (result, request) in zip(results.sorted { $0.tenant.slug < $1.tenant.slug }, requests.sorted { $0.slug < $1.slug }) {
                #expect(result.provisioning?.tracking.attempts == 0)
                try await fixture.expectTracked(result, admin: request.admin)
            }
            let tags = try await rt.services.tags.list(tenant: fixture.management.slug, context: .test)
            #expect(tags.count == 1 && tags.first?.usage == 8)
        }
    }

    /// With tracking left to the worker, the request answers at `active`; the worker then tracks.
    @Test(arguments: StoreKind.allCases)
    func trackingCanBeLeftToTheWorker(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            var fixture = try await Fixture(rt)
            fixture.options.trackInRequest = false
            let service = try fixture.service()
            let request = Fixture.request()
            let answered = try await service.provision(request, context: .test).result
            #expect(answered.tenant.status == .active && answered.provisioning?.tracking.status == .pending)
            #expect(answered.provisioning?.tracking.attempts == 0 && answered.provisioning?.tracking.companyID == nil)
            #expect(try await service.runDue(limit: 100, only: [answered.tenant.id]) == 1)
            try await fixture.expectTracked(try await service.tenant(id: answered.tenant.id), admin: request.admin)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func idempotencyKeysReplayTheFirstResult(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let fixture = try await Fixture(rt)
            let service = try fixture.service()
            let request = Fixture.request()
            let key = "key-" + UUID().uuidString
            let (first, replayedFirst) = try await service.provision(request, idempotencyKey: key, context: .test)
            let (second, replayed) = try await service.provision(request, idempotencyKey: key, context: .test)
            #expect(!replayedFirst && replayed && second.tenant.id == first.tenant.id)
            var other = request
            other.name = "Another name"
            await expectRosterError({ try await service.provision(other, idempotencyKey: key, context: .test) }) {
                $0.invalidFields == ["Idempotency-Key"]
            }

            // Concurrent repeats: one tenant, one admin, one company.
            let racing = Fixture.request()
            let raceKey = "race-" + UUID().uuidString
            let ids = try await withThrowingTaskGroup(of: Tenant.ID.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await service.provision(racing, idempotencyKey: raceKey, context: .test).result.tenant.id }
                }
                return try await group.reduce(into: Set<Tenant.ID>()) { $0.insert($1) }
            }
            #expect(ids.count == 1)
            #expect(try await fixture.users(racing.slug).count == 1)
            try await fixture.expectTracked(try await service.tenant(slug: racing.slug, context: .test), admin: racing.admin)

            // Expired keys are forgotten: the key may then carry another request.
            var shortLived = fixture
            shortLived.options.idempotencyLifetime = -1
            let forgetful = try shortLived.service()
            let once = Fixture.request()
            let shortKey = "short-" + UUID().uuidString
            _ = try await forgetful.provision(once, idempotencyKey: shortKey, context: .test)
            let (again, replayedAgain) = try await forgetful.provision(Fixture.request(), idempotencyKey: shortKey, context: .test)
            #expect(!replayedAgain && again.tenant.slug != once.slug)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func trackExistingBackfillsOnce(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let fixture = try await Fixture(rt)
            let old = try await rt.makeTenant()
            var off = fixture
            off.options.customerTracking = false
            let untracked = Fixture.request()
            let made = try await off.service().provision(untracked, context: .test).result
            #expect(made.provisioning?.tracking.status == .off)

            let service = try fixture.service()
            // Scoped to this test's tenants: others share the PostgreSQL database (the CLI test backfills a whole database).
            let ours: Set<Tenant.ID> = [old.id, made.tenant.id, fixture.management.id]
            #expect(try await service.trackExisting(context: .test, only: ours) == 2)
            try await fixture.expectTracked(try await service.tenant(slug: old.slug, context: .test), admin: nil)
            try await fixture.expectTracked(try await service.tenant(slug: untracked.slug, context: .test), admin: untracked.admin)
            #expect(try await fixture.companies(of: fixture.management.id).isEmpty, "the management tenant is not its own customer")
            #expect(try await service.trackExisting(context: .test, only: ours) == 0)
            #expect(try await fixture.companies(of: old.id).count == 1)
            #expect(try await fixture.companies(of: made.tenant.id).count == 1)
        }
    }
}
