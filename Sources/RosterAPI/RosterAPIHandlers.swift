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
        } catch {
            logger.warning("readiness check failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            throw RosterError.unavailable("the database does not answer")
        }
    }

    // MARK: Tenants

    package func createTenant(_ input: Operations.CreateTenant.Input) async throws -> Operations.CreateTenant.Output {
        let context = try RequestInfo.platformContext()
        guard case .json(let body) = input.body else { throw RosterError.badRequest("expected JSON") }
        var settings = TenantSettings()
        settings.defaultCallingCode = body.settings?.defaultCallingCode
        settings.autoLinkContacts = body.settings?.autoLinkContacts ?? false
        settings.sso = body.settings?.sso?.domain
        let tenant = try await services.tenants.create(slug: body.slug, name: body.name, settings: settings, context: context)
        return .created(.init(body: .json(.init(tenant))))
    }

    package func listTenants(_ input: Operations.ListTenants.Input) async throws -> Operations.ListTenants.Output {
        _ = try RequestInfo.platformContext()
        let page = try await services.tenants.list(cursor: input.query.cursor, limit: input.query.limit)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.Tenant.init), nextCursor: page.nextCursor))))
    }

    package func getTenant(_ input: Operations.GetTenant.Input) async throws -> Operations.GetTenant.Output {
        _ = try RequestInfo.context()
        return .ok(.init(body: .json(.init(try await services.tenants.get(input.path.tenant)))))
    }

    package func updateTenant(_ input: Operations.UpdateTenant.Input) async throws -> Operations.UpdateTenant.Output {
        let context = try RequestInfo.context()
        let body: Components.Schemas.TenantPatch
        switch input.body {
        case .json(let b), .applicationMergePatchJson(let b): body = b
        }
        let update = try MergePatch.tenant(body.additionalProperties)
        let tenant = try await services.tenants.update(input.path.tenant, update, context: context)
        return .ok(.init(body: .json(.init(tenant))))
    }

    // MARK: Parties

    package func createParty(_ input: Operations.CreateParty.Input) async throws -> Operations.CreateParty.Output {
        let context = try RequestInfo.context()
        guard case .json(let body) = input.body else { throw RosterError.badRequest("expected JSON") }
        let party = try await services.parties.create(tenant: input.path.tenant, try body.input(), context: context)
        return .created(.init(headers: .init(eTag: ETag.make(party.version)), body: .json(.init(party))))
    }

    package func searchParties(_ input: Operations.SearchParties.Input) async throws -> Operations.SearchParties.Output {
        let context = try RequestInfo.context()
        let q = input.query
        let search = PartySearch(q: q.q, kind: q.kind?.domain, role: q.role, customerType: q.customerType?.domain,
                                 state: q.state?.domain, limit: q.limit, cursor: q.cursor)
        let page = try await services.parties.search(tenant: input.path.tenant, search, context: context)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.Party.init), nextCursor: page.nextCursor))))
    }

    package func lookupParty(_ input: Operations.LookupParty.Input) async throws -> Operations.LookupParty.Output {
        let context = try RequestInfo.context()
        let party = try await services.parties.lookup(tenant: input.path.tenant, email: input.query.email,
                                                      phone: input.query.phone, context: context)
        return .ok(.init(body: .json(.init(party))))
    }

    package func getParty(_ input: Operations.GetParty.Input) async throws -> Operations.GetParty.Output {
        let context = try RequestInfo.context()
        let party = try await services.parties.get(tenant: input.path.tenant, id: try partyID(input.path.id), context: context)
        return .ok(.init(headers: .init(eTag: ETag.make(party.version)), body: .json(.init(party))))
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
        let party = try await services.parties.delete(tenant: input.path.tenant, id: try partyID(input.path.id),
                                                      reason: input.query.reason, context: context)
        return .ok(.init(body: .json(.init(party))))
    }

    package func restoreParty(_ input: Operations.RestoreParty.Input) async throws -> Operations.RestoreParty.Output {
        let context = try RequestInfo.context()
        var reason: String?
        if case .json(let body)? = input.body { reason = body.reason }
        let party = try await services.parties.restore(tenant: input.path.tenant, id: try partyID(input.path.id),
                                                       reason: reason, context: context)
        return .ok(.init(body: .json(.init(party))))
    }

    package func changePartyState(_ input: Operations.ChangePartyState.Input) async throws -> Operations.ChangePartyState.Output {
        let context = try RequestInfo.context()
        guard case .json(let body) = input.body else { throw RosterError.badRequest("expected JSON") }
        let party = try await services.parties.changeState(
            tenant: input.path.tenant, id: try partyID(input.path.id), to: body.state.domain, reason: body.reason,
            ifMatch: try ETag.version(input.headers.ifMatch), context: context)
        return .ok(.init(body: .json(.init(party))))
    }

    package func getPartyHistory(_ input: Operations.GetPartyHistory.Input) async throws -> Operations.GetPartyHistory.Output {
        _ = try RequestInfo.context()
        let history = try await services.parties.history(tenant: input.path.tenant, id: try partyID(input.path.id))
        return .ok(.init(body: .json(.init(items: history.map(Components.Schemas.StateHistoryEntry.init)))))
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
        _ = try RequestInfo.context()
        let counts = try await services.parties.customerStats(tenant: input.path.tenant)
        return .ok(.init(body: .json(.init(
            regular: counts[.regular] ?? 0, unregistered: counts[.unregistered] ?? 0, new: counts[.new] ?? 0,
            anonymous: counts[.anonymous] ?? 0, total: counts.values.reduce(0, +)))))
    }

    // MARK: Audit

    package func listAudit(_ input: Operations.ListAudit.Input) async throws -> Operations.ListAudit.Output {
        _ = try RequestInfo.context()
        let page = try await services.audit.list(tenant: input.path.tenant, targetID: input.query.targetId,
                                                 cursor: input.query.cursor, limit: input.query.limit)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.AuditEntry.init), nextCursor: page.nextCursor))))
    }

    package func verifyAudit(_ input: Operations.VerifyAudit.Input) async throws -> Operations.VerifyAudit.Output {
        _ = try RequestInfo.context()
        let result = try await services.audit.verify(tenant: input.path.tenant)
        return .ok(.init(body: .json(.init(valid: result.valid, checked: result.checked, brokenAt: result.brokenAt,
                                           reason: result.reason))))
    }

    private func partyID(_ raw: String) throws -> Party.ID {
        guard let id = Party.ID(uuidString: raw) else { throw RosterError.notFound("no party \(raw.prefix(40))") }
        return id
    }
}
