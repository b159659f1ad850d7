import Foundation
package import RosterOpenAPI
import RosterCore
import RosterService

// The consent ledger (DESIGN.md §2 Compliance).
extension RosterAPIHandlers {
    package func recordConsent(_ input: Operations.RecordConsent.Input) async throws -> Operations.RecordConsent.Output {
        let context = try RequestInfo.context()
        guard case .json(let body) = input.body else { throw RosterError.badRequest("expected JSON") }
        let consent = try await services.consents.record(
            tenant: input.path.tenant, party: try partyID(input.path.id),
            ConsentInput(purpose: body.purpose, status: Consent.Status(body.status), source: body.source, at: body.at, note: body.note),
            context: context)
        return .created(.init(body: .json(.init(consent))))
    }

    package func listConsents(_ input: Operations.ListConsents.Input) async throws -> Operations.ListConsents.Output {
        let context = try RequestInfo.context()
        let q = input.query
        let page = try await services.consents.list(tenant: input.path.tenant, party: try partyID(input.path.id), purpose: q.purpose,
                                                    current: q.current ?? false, cursor: q.cursor, limit: q.limit, context: context)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.Consent.init), nextCursor: page.nextCursor))))
    }

    package func listConsentMatches(_ input: Operations.ListConsentMatches.Input) async throws -> Operations.ListConsentMatches.Output {
        let context = try RequestInfo.context()
        let q = input.query
        let page = try await services.consents.matching(tenant: input.path.tenant, purpose: q.purpose,
                                                        status: q.status.map(Consent.Status.init) ?? .granted,
                                                        cursor: q.cursor, limit: q.limit, context: context)
        return .ok(.init(body: .json(.init(items: page.items.map { .init(party: .init($0.party), consent: .init($0.consent)) },
                                           nextCursor: page.nextCursor))))
    }
}

extension Consent.Status {
    init(_ status: Components.Schemas.ConsentStatus) {
        switch status {
        case .granted: self = .granted
        case .withdrawn: self = .withdrawn
        }
    }
}

extension Components.Schemas.ConsentStatus {
    init(_ status: Consent.Status) {
        switch status {
        case .granted: self = .granted
        case .withdrawn: self = .withdrawn
        }
    }
}

extension Components.Schemas.Consent {
    init(_ c: Consent) {
        self.init(id: c.id.description, partyId: c.partyID.description, purpose: c.purpose, status: .init(c.status), source: c.source,
                  at: c.at, note: c.note, recordedAt: c.recordedAt, recordedBy: c.recordedBy)
    }
}
