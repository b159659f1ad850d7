import Foundation
package import Logging
import OpenAPIRuntime
import RosterCore
package import RosterOpenAPI
package import RosterService

/// The API: each handler decodes, calls one service function and encodes. Errors are thrown as
/// `RosterError` and turned into problem+json by `ProblemMiddleware`.
package struct RosterAPIHandlers: APIProtocol {
    let services: Services
    let logger: Logger

    package init(services: Services, logger: Logger) {
        self.services = services
        self.logger = logger
    }

    // MARK: Health

    package func healthLive(_ input: Operations.HealthLive.Input) async throws -> Operations.HealthLive.Output {
        .ok(.init(body: .json(.init(status: "ok"))))
    }

    package func healthReady(_ input: Operations.HealthReady.Input) async throws -> Operations.HealthReady.Output {
        do {
            try await services.checkReady()
            return .ok(.init(body: .json(.init(status: "ok", database: "ok"))))
        } catch let error as RosterError {
            // The check's own finding (the audit log's commit stalled), in its words.
            logger.warning("readiness check failed", metadata: ["detail": "\(error.detail ?? "")"])
            throw error
        } catch {
            // The store's words of an outage are Roster's own (no value): said, as the 503 would not say them to a client.
            var detail = ""
            if case .unavailable(let words)? = (error as? any RosterErrorConvertible)?.rosterError { detail = words }
            if let described = error as? any DescribedWithoutValues { detail = described.describedWithoutValues }
            logger.warning("readiness check failed", metadata: ["error": "\(String(reflecting: type(of: error)))", "detail": "\(detail)"])
            throw RosterError.unavailable("the database does not answer")
        }
    }

    // MARK: Tenants

    package func createTenant(_ input: Operations.CreateTenant.Input) async throws -> Operations.CreateTenant.Output {
        guard case .json(let body) = input.body else { throw RosterError.badRequest("expected JSON") }
        var errors = ValidationErrors()
        var settings = TenantSettings()
        settings.defaultCallingCode = body.settings?.defaultCallingCode
        settings.autoLinkContacts = body.settings?.autoLinkContacts ?? false
        settings.sso = body.settings?.sso?.domain
        settings.rateLimit = errors.check { try body.settings?.rateLimit.map { try RateLimitRule.parse($0, field: "settings.rateLimit") } } ?? nil
        settings.retentionDays = body.settings?.retentionDays
        let admin = body.admin.map { Provisioning.Admin(firstName: $0.firstName, lastName: $0.lastName, email: $0.email) }
        let request = ProvisioningRequest(slug: body.slug, name: body.name, settings: settings, admin: admin)
        let context = try RequestInfo.context(refusingTogether: &errors) { errors in errors.check { _ = try ProvisioningService.validated(request) } }
        let (result, _) = try await services.provisioning.provision(request, idempotencyKey: input.headers.idempotencyKey, context: context)
        return .created(.init(headers: .init(location: "/v1/tenants/\(result.tenant.slug)"), body: .json(.init(result))))
    }

    package func retryTracking(_ input: Operations.RetryTracking.Input) async throws -> Operations.RetryTracking.Output {
        let context = try RequestInfo.context()
        return .ok(.init(body: .json(.init(try await services.provisioning.retryTracking(tenant: input.path.tenant, context: context)))))
    }

    package func listTenants(_ input: Operations.ListTenants.Input) async throws -> Operations.ListTenants.Output {
        let context = try RequestInfo.context()
        let page = try await services.tenants.list(cursor: input.query.cursor, limit: input.query.limit, context: context)
        return .ok(.init(body: .json(.init(items: page.items.map { Components.Schemas.Tenant($0) }, nextCursor: page.nextCursor))))
    }

    package func getTenant(_ input: Operations.GetTenant.Input) async throws -> Operations.GetTenant.Output {
        let context = try RequestInfo.context()
        let tenant = try await services.provisioning.tenant(slug: input.path.tenant, context: context)
        return .ok(.init(headers: .init(eTag: ETag.make(tenant.tenant.version)), body: .json(.init(tenant))))
    }

    package func updateTenant(_ input: Operations.UpdateTenant.Input) async throws -> Operations.UpdateTenant.Output {
        let context = try RequestInfo.context()
        let body: Components.Schemas.TenantPatch
        switch input.body {
        case .json(let b), .applicationMergePatchJson(let b): body = b
        }
        let update = try MergePatch.tenant(body.additionalProperties)
        let tenant = try await services.tenants.update(input.path.tenant, update, ifMatch: try ETag.version(input.headers.ifMatch),
                                                       context: context)
        return .ok(.init(headers: .init(eTag: ETag.make(tenant.tenant.version)), body: .json(.init(tenant))))
    }

    // MARK: Parties

    package func createParty(_ input: Operations.CreateParty.Input) async throws -> Operations.CreateParty.Output {
        guard case .json(let body) = input.body else { throw RosterError.badRequest("expected JSON") }
        // A body the decoder refused in part: the rules' refusals of the rest are named with it.
        try RequestInfo.checkRulesWhenProbing { try PartyService.checkNew(try body.input()) }
        let context = try RequestInfo.context()
        let created = try await services.parties.createLinking(tenant: input.path.tenant, try body.input(), context: context)
        return .created(.init(headers: .init(location: "/v1/tenants/\(input.path.tenant)/parties/\(created.party.id)",
                                             eTag: ETag.make(created.party.version)),
                              body: .json(.init(created.party, autoLink: created.autoLink))))
    }

    package func searchParties(_ input: Operations.SearchParties.Input) async throws -> Operations.SearchParties.Output {
        let context = try RequestInfo.context()
        let q = input.query
        let search = PartySearch(q: q.q, kind: q.kind?.domain, role: q.role, customerType: q.customerType?.domain,
                                 state: q.state?.domain, tag: q.tag, partnerID: try q.partnerId.map { Party.ID(try uuid($0, field: "partnerId")) },
                                 limit: q.limit, cursor: q.cursor)
        let page = try await services.parties.search(tenant: input.path.tenant, search, context: context)
        let list = Components.Schemas.PartyList(items: page.items.map { Components.Schemas.Party($0) }, nextCursor: page.nextCursor)
        if let answer = PreEncodedBody.response(ResponseJSON.encode(list)) { throw answer }
        return .ok(.init(body: .json(list)))
    }

    package func lookupParty(_ input: Operations.LookupParty.Input) async throws -> Operations.LookupParty.Output {
        let context = try RequestInfo.context()
        let party = try await services.parties.lookup(tenant: input.path.tenant, email: input.query.email,
                                                      phone: input.query.phone, kind: input.query.kind?.domain, context: context)
        return .ok(.init(body: .json(.init(party))))
    }

    package func getParty(_ input: Operations.GetParty.Input) async throws -> Operations.GetParty.Output {
        let (body, eTag) = try await readParty(tenant: input.path.tenant, id: input.path.id, expand: input.query.expand)
        if let answer = PreEncodedBody.response(ResponseJSON.encode(body), eTag: eTag) { throw answer }
        return .ok(.init(headers: .init(eTag: eTag), body: .json(body)))
    }

    /// `GET .../parties/{id}`: the party as the API shows it, and its ETag. The one code path of the generated
    /// operation and of the direct route the server takes for the plainest form of this request (`PartyReadRoute`).
    package func readParty(tenant: String, id: String, expand: String?) async throws -> (body: Components.Schemas.Party, eTag: String) {
        let context = try RequestInfo.context()
        let expand = try Self.expansions(expand)
        let (party, partners) = try await services.parties.getExpanded(tenant: tenant, id: try partyID(id),
                                                                        partners: expand.contains("partners"), context: context)
        // Expanded, the answer holds other records (the partners' names, the tags' colours) that change without the
        // party's version: its tag is weak then (a strong one promised the bytes; found by a probe). If-Match takes it.
        let eTag = expand.isEmpty ? ETag.make(party.version) : "W/" + ETag.make(party.version)
        return (Components.Schemas.Party(party, tagDetails: expand.contains("tags"), partners: partners), eTag)
    }

    package func updateParty(_ input: Operations.UpdateParty.Input) async throws -> Operations.UpdateParty.Output {
        let context = try RequestInfo.context()
        let body: Components.Schemas.PartyPatch
        switch input.body {
        case .json(let b), .applicationMergePatchJson(let b): body = b
        }
        let patch = try MergePatch.party(body.additionalProperties)
        let party = try await services.parties.update(tenant: input.path.tenant, id: try partyID(input.path.id), patch,
                                                      ifMatch: try ETag.version(input.headers.ifMatch), context: context)
        return .ok(.init(headers: .init(eTag: ETag.make(party.version)), body: .json(.init(party))))
    }

    package func deleteParty(_ input: Operations.DeleteParty.Input) async throws -> Operations.DeleteParty.Output {
        let context = try RequestInfo.context()
        let q = input.query
        if q.erase == true {
            if q.reason != nil { throw RosterError.invalid("reason", "an erasure keeps no reason (it would outlive the party)") }
            try await services.compliance.erase(tenant: input.path.tenant, id: try partyID(input.path.id), eraseUsers: q.eraseUsers ?? true,
                                                ifMatch: try ETag.version(input.headers.ifMatch), context: context)
            return .noContent(.init())
        }
        if q.eraseUsers != nil { throw RosterError.invalid("eraseUsers", "applies only with erase=true") }
        let party = try await services.parties.delete(tenant: input.path.tenant, id: try partyID(input.path.id),
                                                      reason: q.reason, ifMatch: try ETag.version(input.headers.ifMatch), context: context)
        return .ok(.init(headers: .init(eTag: ETag.make(party.version)), body: .json(.init(party))))
    }

    package func restoreParty(_ input: Operations.RestoreParty.Input) async throws -> Operations.RestoreParty.Output {
        let context = try RequestInfo.context()
        var reason: String?
        if case .json(let body)? = input.body { reason = body.reason }
        let party = try await services.parties.restore(tenant: input.path.tenant, id: try partyID(input.path.id),
                                                       reason: reason, ifMatch: try ETag.version(input.headers.ifMatch), context: context)
        return .ok(.init(headers: .init(eTag: ETag.make(party.version)), body: .json(.init(party))))
    }

    package func changePartyState(_ input: Operations.ChangePartyState.Input) async throws -> Operations.ChangePartyState.Output {
        let context = try RequestInfo.context()
        guard case .json(let body) = input.body else { throw RosterError.badRequest("expected JSON") }
        let party = try await services.parties.changeState(
            tenant: input.path.tenant, id: try partyID(input.path.id), to: Party.State(rawValue: body.state.rawValue) ?? .active, reason: body.reason,
            ifMatch: try ETag.version(input.headers.ifMatch), context: context)
        return .ok(.init(headers: .init(eTag: ETag.make(party.version)), body: .json(.init(party))))
    }

    package func getPartyHistory(_ input: Operations.GetPartyHistory.Input) async throws -> Operations.GetPartyHistory.Output {
        let context = try RequestInfo.context()
        let page = try await services.parties.history(tenant: input.path.tenant, id: try partyID(input.path.id), limit: input.query.limit,
                                                      cursor: input.query.cursor, context: context)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.StateHistoryEntry.init), nextCursor: page.nextCursor))))
    }

    // MARK: Customers

    package func identifyCustomer(_ input: Operations.IdentifyCustomer.Input) async throws -> Operations.IdentifyCustomer.Output {
        let context = try RequestInfo.context()
        guard case .json(let body) = input.body else { throw RosterError.badRequest("expected JSON") }
        let result = try await services.parties.identify(tenant: input.path.tenant, email: body.email, phone: body.phone,
                                                         firstName: body.firstName, lastName: body.lastName, context: context)
        return .ok(.init(body: .json(.init(party: .init(result.party), firstTime: result.firstTime))))
    }

    package func customerStats(_ input: Operations.CustomerStats.Input) async throws -> Operations.CustomerStats.Output {
        let context = try RequestInfo.context()
        let counts = try await services.parties.customerStats(tenant: input.path.tenant, context: context)
        return .ok(.init(body: .json(.init(
            regular: counts[.regular] ?? 0, unregistered: counts[.unregistered] ?? 0, new: counts[.new] ?? 0,
            anonymous: counts[.anonymous] ?? 0, total: counts.values.reduce(0, +)))))
    }

    // MARK: Audit

    package func listAudit(_ input: Operations.ListAudit.Input) async throws -> Operations.ListAudit.Output {
        let context = try RequestInfo.context()
        let q = input.query
        let page = try await services.audit.list(tenant: input.path.tenant, filter: AuditFilter(targetID: q.targetId, action: q.action, actor: q.actor),
                                                 cursor: q.cursor, limit: q.limit, context: context)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.AuditEntry.init), nextCursor: page.nextCursor))))
    }

    package func verifyAudit(_ input: Operations.VerifyAudit.Input) async throws -> Operations.VerifyAudit.Output {
        let context = try RequestInfo.context()
        let result = try await services.audit.verify(tenant: input.path.tenant, incremental: !(input.query.full ?? true), context: context)
        return .ok(.init(body: .json(.init(result))))
    }

    package func verifyAuditAnchor(_ input: Operations.VerifyAuditAnchor.Input) async throws -> Operations.VerifyAuditAnchor.Output {
        let context = try RequestInfo.context()
        guard case .json(let body) = input.body else { throw RosterError.badRequest("expected JSON") }
        let anchor = AuditAnchor(count: body.count, hash: body.hash, at: body.at ?? Date(timeIntervalSince1970: 0))
        let result = try await services.audit.verify(tenant: input.path.tenant, anchor: anchor, anchorTenant: body.tenant, context: context)
        return .ok(.init(body: .json(.init(result))))
    }

    package func getAuditHead(_ input: Operations.GetAuditHead.Input) async throws -> Operations.GetAuditHead.Output {
        let context = try RequestInfo.context()
        let head = try await services.audit.head(tenant: input.path.tenant, context: context)
        return .ok(.init(body: .json(.init(tenant: input.path.tenant, count: head.count, hash: head.hash, at: head.at))))
    }

    // MARK: Relationships and hierarchies

    package func createRelationship(_ input: Operations.CreateRelationship.Input) async throws -> Operations.CreateRelationship.Output {
        guard case .json(let body) = input.body else { throw RosterError.badRequest("expected JSON") }
        var errors = ValidationErrors()
        let ends = errors.check { try uuids((body.parentId, "parentId"), (body.childId, "childId")) }
        let edge = RelationshipInput(parentID: ends.map { Party.ID($0.0) } ?? .make(), childID: ends.map { Party.ID($0.1) } ?? .make(),
                                     type: body._type, role: body.role, validFrom: body.validFrom, validTo: body.validTo)
        let context = try RequestInfo.context(refusingTogether: &errors) { errors in _ = errors.check { try RelationshipService.validated(edge) } }
        let relationship = try await services.relationships.create(tenant: input.path.tenant, edge, context: context)
        return .created(.init(headers: .init(location: "/v1/tenants/\(input.path.tenant)/relationships/\(relationship.id)"),
                              body: .json(.init(relationship))))
    }

    package func listRelationships(_ input: Operations.ListRelationships.Input) async throws -> Operations.ListRelationships.Output {
        let context = try RequestInfo.context()
        let q = input.query
        let page = try await services.relationships.list(
            tenant: input.path.tenant, partyID: try q.partyId.map { Party.ID(try uuid($0, field: "partyId")) }, type: q._type,
            role: q.role, cursor: q.cursor, limit: q.limit, context: context)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.Relationship.init), nextCursor: page.nextCursor))))
    }

    package func getRelationship(_ input: Operations.GetRelationship.Input) async throws -> Operations.GetRelationship.Output {
        let context = try RequestInfo.context()
        let relationship = try await services.relationships.get(tenant: input.path.tenant, id: try relationshipID(input.path.relationshipId),
                                                                 context: context)
        return .ok(.init(body: .json(.init(relationship))))
    }

    package func deleteRelationship(_ input: Operations.DeleteRelationship.Input) async throws -> Operations.DeleteRelationship.Output {
        let context = try RequestInfo.context()
        try await services.relationships.delete(tenant: input.path.tenant, id: try relationshipID(input.path.relationshipId), context: context)
        return .noContent(.init())
    }

    package func listChildren(_ input: Operations.ListChildren.Input) async throws -> Operations.ListChildren.Output {
        .ok(.init(body: .json(try await hierarchy(input.path.tenant, input.path.id, .children, input.query._type, input.query.includeInactive, input.query.at, input.query.cursor,
                                                  input.query.limit))))
    }

    package func listDescendants(_ input: Operations.ListDescendants.Input) async throws -> Operations.ListDescendants.Output {
        .ok(.init(body: .json(try await hierarchy(input.path.tenant, input.path.id, .descendants, input.query._type, input.query.includeInactive, input.query.at, input.query.cursor,
                                                  input.query.limit))))
    }

    package func listAncestors(_ input: Operations.ListAncestors.Input) async throws -> Operations.ListAncestors.Output {
        .ok(.init(body: .json(try await hierarchy(input.path.tenant, input.path.id, .ancestors, input.query._type, input.query.includeInactive, input.query.at, input.query.cursor,
                                                  input.query.limit))))
    }

    private func hierarchy(_ tenant: String, _ id: String, _ direction: RelationshipService.Direction, _ type: String?,
                           _ includeInactive: Bool?, _ at: Date?, _ cursor: String?, _ limit: Int?) async throws -> Components.Schemas.HierarchyList {
        let context = try RequestInfo.context()
        let page = try await services.relationships.hierarchy(tenant: tenant, of: try partyID(id), direction, type: type,
                                                              includeInactive: includeInactive ?? false, at: at, cursor: cursor, limit: limit,
                                                              context: context)
        return .init(items: page.items.map(Components.Schemas.HierarchyEntry.init), nextCursor: page.nextCursor)
    }

    // MARK: Tags

    package func createTag(_ input: Operations.CreateTag.Input) async throws -> Operations.CreateTag.Output {
        let context = try RequestInfo.context()
        guard case .json(let body) = input.body else { throw RosterError.badRequest("expected JSON") }
        let tag = try await services.tags.create(tenant: input.path.tenant, text: body.text, color: body.color, context: context)
        return .created(.init(body: .json(.init(tag))))
    }

    package func listTags(_ input: Operations.ListTags.Input) async throws -> Operations.ListTags.Output {
        let context = try RequestInfo.context()
        let page = try await services.tags.page(tenant: input.path.tenant, cursor: input.query.cursor, limit: input.query.limit, context: context)
        return .ok(.init(body: .json(.init(items: page.items.map { Components.Schemas.Tag($0.tag, usage: $0.usage) }, nextCursor: page.nextCursor))))
    }

    package func tagParty(_ input: Operations.TagParty.Input) async throws -> Operations.TagParty.Output {
        let context = try RequestInfo.context()
        guard case .json(let body) = input.body else { throw RosterError.badRequest("expected JSON") }
        let tag = try await services.tags.attach(tenant: input.path.tenant, party: try partyID(input.path.id), text: body.text,
                                                 color: body.color, ifMatch: try ETag.version(input.headers.ifMatch), context: context)
        return .ok(.init(body: .json(.init(tag))))
    }

    package func untagParty(_ input: Operations.UntagParty.Input) async throws -> Operations.UntagParty.Output {
        let context = try RequestInfo.context()
        guard let tag = Tag.ID(uuidString: input.path.tagId) else { throw RosterError.notFound("no tag \(input.path.tagId.prefix(40))") }
        try await services.tags.detach(tenant: input.path.tenant, party: try partyID(input.path.id), tag: tag,
                                       ifMatch: try ETag.version(input.headers.ifMatch), context: context)
        return .noContent(.init())
    }

    package func untagPartyByReference(_ input: Operations.UntagPartyByReference.Input) async throws -> Operations.UntagPartyByReference.Output {
        let context = try RequestInfo.context()
        var body: Components.Schemas.TagReference?
        if case .json(let b) = input.body { body = b }
        let (field, value) = try Self.namedOnce([("tagId", input.query.tagId), ("text", input.query.text), ("tagId", body?.tagId),
                                                 ("text", body?.text)], field: "tagId", what: "the tag by tagId or text")
        let party = try partyID(input.path.id)
        let ifMatch = try ETag.version(input.headers.ifMatch)
        if field == "tagId" {
            try await services.tags.detach(tenant: input.path.tenant, party: party, tag: Tag.ID(try uuid(value, field: "tagId")),
                                           ifMatch: ifMatch, context: context)
        } else {
            try await services.tags.detach(tenant: input.path.tenant, party: party, text: value, ifMatch: ifMatch, context: context)
        }
        return .noContent(.init())
    }

    // MARK: Partner accounts

    package func createPartnerAccount(_ input: Operations.CreatePartnerAccount.Input) async throws -> Operations.CreatePartnerAccount.Output {
        let context = try RequestInfo.context()
        guard case .json(let body) = input.body else { throw RosterError.badRequest("expected JSON") }
        let (partner, customer) = try uuids((body.partnerId, "partnerId"), (body.customerId, "customerId"))
        let account = try await services.partnerAccounts.create(
            tenant: input.path.tenant,
            PartnerAccountInput(partnerID: Party.ID(partner), customerID: Party.ID(customer), username: body.username,
                                secret: body.secret, active: body.active ?? true), context: context)
        return .created(.init(headers: .init(location: "/v1/tenants/\(input.path.tenant)/partner-accounts/\(account.id)",
                                             eTag: ETag.make(account.version)), body: .json(.init(account))))
    }

    package func getPartnerAccount(_ input: Operations.GetPartnerAccount.Input) async throws -> Operations.GetPartnerAccount.Output {
        let context = try RequestInfo.context()
        let account = try await services.partnerAccounts.get(tenant: input.path.tenant, id: try accountID(input.path.accountId),
                                                             context: context)
        return .ok(.init(headers: .init(eTag: ETag.make(account.version)), body: .json(.init(account))))
    }

    package func updatePartnerAccount(_ input: Operations.UpdatePartnerAccount.Input) async throws -> Operations.UpdatePartnerAccount.Output {
        let context = try RequestInfo.context()
        let body: Components.Schemas.PartnerAccountPatch
        switch input.body {
        case .json(let b), .applicationMergePatchJson(let b): body = b
        }
        let account = try await services.partnerAccounts.update(
            tenant: input.path.tenant, id: try accountID(input.path.accountId), try MergePatch.partnerAccount(body.additionalProperties),
            ifMatch: try ETag.version(input.headers.ifMatch), context: context)
        return .ok(.init(headers: .init(eTag: ETag.make(account.version)), body: .json(.init(account))))
    }

    package func deletePartnerAccount(_ input: Operations.DeletePartnerAccount.Input) async throws -> Operations.DeletePartnerAccount.Output {
        let context = try RequestInfo.context()
        try await services.partnerAccounts.delete(tenant: input.path.tenant, id: try accountID(input.path.accountId),
                                                  ifMatch: try ETag.version(input.headers.ifMatch), context: context)
        return .noContent(.init())
    }

    package func listPartnerAccounts(_ input: Operations.ListPartnerAccounts.Input) async throws -> Operations.ListPartnerAccounts.Output {
        let context = try RequestInfo.context()
        let q = input.query
        let page = try await services.partnerAccounts.list(
            tenant: input.path.tenant, partnerID: try q.partnerId.map { Party.ID(try uuid($0, field: "partnerId")) },
            customerID: try q.customerId.map { Party.ID(try uuid($0, field: "customerId")) }, active: q.active,
            cursor: q.cursor, limit: q.limit, context: context)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.PartnerAccount.init), nextCursor: page.nextCursor))))
    }

    package func revealPartnerAccountSecret(
        _ input: Operations.RevealPartnerAccountSecret.Input
    ) async throws -> Operations.RevealPartnerAccountSecret.Output {
        let context = try RequestInfo.context()
        let (account, secret) = try await services.partnerAccounts.revealSecret(tenant: input.path.tenant,
                                                                                 id: try accountID(input.path.accountId), context: context)
        return .ok(.init(body: .json(.init(id: account.id.description, username: account.username, secret: secret))))
    }

    // MARK: Helpers

    /// `partners`, `tags` or both, comma-separated, as the spec's pattern says: an empty `expand=` or another spelling is
    /// refused (an empty one was read as none; found by the fuzzer).
    static func expansions(_ raw: String?) throws -> Set<String> {
        guard let raw else { return [] }
        let names = raw.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard (1...2).contains(names.count), names.allSatisfy({ $0 == "partners" || $0 == "tags" }) else {
            throw RosterError.invalid("expand", "may list partners and tags, comma-separated")
        }
        return Set(names)
    }

    func accountID(_ raw: String) throws -> PartnerAccount.ID {
        guard let id = PartnerAccount.ID(uuidString: raw) else { throw RosterError.notFound("no partner account \(raw.prefix(40))") }
        return id
    }

    func partyID(_ raw: String) throws -> Party.ID {
        guard let id = Party.ID(uuidString: raw) else { throw RosterError.notFound("no party \(raw.prefix(40))") }
        return id
    }

    private func relationshipID(_ raw: String) throws -> Relationship.ID {
        guard let id = Relationship.ID(uuidString: raw) else { throw RosterError.notFound("no relationship \(raw.prefix(40))") }
        return id
    }

    /// Two ids from one body; a 422 names every one that is not a UUID.
    func uuids(_ a: (String, String), _ b: (String, String)) throws -> (UUID, UUID) {
        var errors = ValidationErrors()
        let first = errors.check { try uuid(a.0, field: a.1) }
        let second = errors.check { try uuid(b.0, field: b.1) }
        try errors.throwIfAny()
        return (first!, second!)
    }

    /// The one reference a collection DELETE names, in its query, its body, or both alike (the same value twice counts
    /// once): 422 on `field` when none or two different ones are given.
    static func namedOnce(_ candidates: [(name: String, value: String?)], field: String, what: String) throws -> (name: String, value: String) {
        var given: [(name: String, value: String)] = []
        for case let (name, value?) in candidates where !given.contains(where: { $0 == (name, value) }) {
            given.append((name, value))
        }
        guard given.count == 1 else {
            throw RosterError.invalid(field, given.isEmpty ? "name \(what), in the query or the body" : "name \(what) once")
        }
        return given[0]
    }

    /// An id given in a body or a filter: 422 naming the field when it is not a UUID.
    func uuid(_ raw: String, field: String) throws -> UUID {
        guard let id = UUID(text: raw) else { throw RosterError.invalid(field, "must be a UUID") }
        return id
    }
}
