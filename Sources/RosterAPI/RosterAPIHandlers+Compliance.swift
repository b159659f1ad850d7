package import Foundation
package import RosterOpenAPI
import OpenAPIRuntime
import RosterCore
import RosterStore
package import RosterService

// The consent ledger and the export of a party (DESIGN.md §2 Compliance).
extension RosterAPIHandlers {
    package func recordConsent(_ input: Operations.RecordConsent.Input) async throws -> Operations.RecordConsent.Output {
        guard case .json(let body) = input.body else { throw RosterError.badRequest("expected JSON") }
        let entry = ConsentInput(purpose: body.purpose, status: Consent.Status(body.status), source: body.source, at: body.at, note: body.note)
        // A body the decoder refused in part: the rules' refusals of the rest are named with it.
        try RequestInfo.checkRulesWhenProbing {
            _ = try entry.validated(tenant: .make(), party: .make(), now: Date.rosterNow, recordedBy: "probe")
        }
        let context = try RequestInfo.context()
        let consent = try await services.consents.record(tenant: input.path.tenant, party: try partyID(input.path.id), entry, context: context)
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

extension RosterAPIHandlers {
    package func exportParty(_ input: Operations.ExportParty.Input) async throws -> Operations.ExportParty.Output {
        let context = try RequestInfo.context()
        let export = try await services.compliance.export(tenant: input.path.tenant, id: try partyID(input.path.id), context: context)
        return .ok(.init(body: .json(.init(export))))
    }
}

extension Components.Schemas.PartyExport {
    init(_ e: PartyExport) {
        let edges: [Components.Schemas.ExportedRelationship] = e.relationships.map { edge in
            Components.Schemas.ExportedRelationship(
                relationship: Components.Schemas.Relationship(edge.relationship), direction: edge.direction == .parent ? .parent : .child,
                otherPartyId: edge.otherPartyID.description, otherPartyName: edge.otherPartyName)
        }
        let tags: [Components.Schemas.Tag] = e.party.tags.map { Components.Schemas.Tag($0) }
        let users: [Components.Schemas.User] = e.users.map { Components.Schemas.User($0) }
        let accounts: [Components.Schemas.PartnerAccount] = e.partnerAccounts.map { Components.Schemas.PartnerAccount($0) }
        let consents: [Components.Schemas.Consent] = e.consents.map { Components.Schemas.Consent($0) }
        let history: [Components.Schemas.StateHistoryEntry] = e.history.map { Components.Schemas.StateHistoryEntry($0) }
        let audit: [Components.Schemas.AuditEntry] = e.audit.map { Components.Schemas.AuditEntry($0) }
        self.init(exportedAt: e.exportedAt, party: Components.Schemas.Party(e.party), history: history, relationships: edges, tags: tags,
                  users: users, partnerAccounts: accounts, consents: consents, audit: audit,
                  mergedParties: e.mergedParties.map { record in
                      Components.Schemas.MergedRecord(party: Components.Schemas.Party(record.party),
                                                      history: record.history.map { Components.Schemas.StateHistoryEntry($0) })
                  }, complete: e.complete)
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

/// The export document as the API sends it, for the CLI (`roster parties export`): the same schema, the same dates.
package enum PartyExportDocument {
    package static func encode(_ export: PartyExport) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.string(date))
        }
        return try encoder.encode(Components.Schemas.PartyExport(export))
    }
}

extension RosterAPIHandlers {
    package func exportParties(_ input: Operations.ExportParties.Input) async throws -> Operations.ExportParties.Output {
        let options = try Self.exportOptions(jsonl: input.query.format == .jsonl, mask: input.query.mask, maskKey: input.headers.rosterMaskKey,
                                             spreadsheetSafe: input.query.spreadsheetSafe)
        let export = try await services.exports.exportParties(tenant: input.path.tenant, options, context: try RequestInfo.context())
        let body = HTTPBody(export, length: .unknown, iterationBehavior: .single)
        return .ok(.init(body: options.format == .csv ? .csv(body) : .applicationXNdjson(body)))
    }

    package func exportRelationships(_ input: Operations.ExportRelationships.Input) async throws -> Operations.ExportRelationships.Output {
        let options = try Self.exportOptions(jsonl: input.query.format == .jsonl, mask: input.query.mask, maskKey: input.headers.rosterMaskKey,
                                             spreadsheetSafe: input.query.spreadsheetSafe)
        let export = try await services.exports.exportRelationships(tenant: input.path.tenant, options, context: try RequestInfo.context())
        let body = HTTPBody(export, length: .unknown, iterationBehavior: .single)
        return .ok(.init(body: options.format == .csv ? .csv(body) : .applicationXNdjson(body)))
    }

    /// A bulk export's query and its mask key (the `Roster-Mask-Key` header): CSV unless JSON Lines is asked for;
    /// spreadsheet-safe applies to CSV only.
    static func exportOptions(jsonl: Bool, mask: Bool?, maskKey: String?, spreadsheetSafe: Bool?) throws -> PartiesExportOptions {
        let format: BulkFormat = jsonl ? .jsonl : .csv
        let safe = spreadsheetSafe ?? false
        if safe, format != .csv { throw RosterError.invalid("spreadsheetSafe", "applies to CSV only") }
        let mask = mask ?? false
        let key = try PartiesExportOptions.maskKey(maskKey, mask: mask, field: "Roster-Mask-Key")
        return PartiesExportOptions(format: format, mask: mask, maskPassphrase: key, spreadsheetSafe: safe)
    }
}

// Bulk imports posted over HTTP (issue 12, item 3).
extension RosterAPIHandlers {
    package func createImport(_ input: Operations.CreateImport.Input) async throws -> Operations.CreateImport.Output {
        let context = try RequestInfo.context()
        let (format, body): (BulkFormat, HTTPBody) = switch input.body {
        case .csv(let body): (.csv, body)
        case .applicationXNdjson(let body): (.jsonl, body)
        }
        let policy = DuplicatePolicy(rawValue: input.query.onDuplicate?.rawValue ?? "skip") ?? .skip
        let job = try await services.importJobs.submit(tenant: input.path.tenant, kind: input.query._type == .relationships ? .relationships : .parties,
                                                       onDuplicate: policy, format: format, restart: input.query.restart ?? false,
                                                       body: body, context: context)
        return .accepted(.init(headers: .init(location: "/v1/tenants/\(input.path.tenant)/imports/\(job.id)"), body: .json(.init(job))))
    }

    package func listImports(_ input: Operations.ListImports.Input) async throws -> Operations.ListImports.Output {
        let context = try RequestInfo.context()
        let page = try await services.importJobs.jobs(tenant: input.path.tenant, cursor: input.query.cursor, limit: input.query.limit,
                                                      context: context)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.ImportJob.init), nextCursor: page.nextCursor))))
    }

    package func getImport(_ input: Operations.GetImport.Input) async throws -> Operations.GetImport.Output {
        let context = try RequestInfo.context()
        let job = try await services.importJobs.job(tenant: input.path.tenant, id: try importID(input.path.importId), context: context)
        return .ok(.init(body: .json(.init(job))))
    }

    package func listImportErrors(_ input: Operations.ListImportErrors.Input) async throws -> Operations.ListImportErrors.Output {
        let context = try RequestInfo.context()
        let page = try await services.importJobs.errors(tenant: input.path.tenant, id: try importID(input.path.importId),
                                                        cursor: input.query.cursor, limit: input.query.limit, context: context)
        return .ok(.init(body: .json(.init(items: page.items.map { .init(row: $0.row, field: $0.field, message: $0.message) },
                                           nextCursor: page.nextCursor))))
    }

    func importID(_ raw: String) throws -> ImportJob.ID {
        guard let id = ImportJob.ID(uuidString: raw) else { throw RosterError.notFound("no import \(raw.prefix(40))") }
        return id
    }
}

extension Components.Schemas.ImportJob {
    init(_ job: ImportJob) {
        self.init(id: job.id.description, _type: job.kind == .parties ? .parties : .relationships,
                  status: .init(rawValue: job.status.rawValue) ?? .failed, onDuplicate: job.onDuplicate, processed: job.processed,
                  created: job.created, updated: job.updated, unchanged: job.unchanged, skipped: job.skipped, refused: job.refused,
                  resumedAfter: job.resumedAfter, error: job.error, createdAt: job.createdAt, updatedAt: job.updatedAt,
                  finishedAt: job.finishedAt)
    }
}

extension RosterAPIHandlers {
    package func listDuplicates(_ input: Operations.ListDuplicates.Input) async throws -> Operations.ListDuplicates.Output {
        let context = try RequestInfo.context()
        let page = try await services.parties.duplicates(tenant: input.path.tenant, cursor: input.query.cursor, limit: input.query.limit,
                                                         context: context)
        let items: [Components.Schemas.DuplicateGroup] = page.items.map { group in
            .init(reason: group.reason == .email ? .email : group.reason == .phone ? .phone : .name,
                  parties: group.parties.map { Components.Schemas.Party($0) })
        }
        return .ok(.init(body: .json(.init(items: items, nextCursor: page.nextCursor))))
    }
}
