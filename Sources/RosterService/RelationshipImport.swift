public import Foundation
public import RosterCore
public import RosterStore

/// One row of a relationship import: the child by id, email or phone; the parent by id, email or an organization's
/// exact name; the edge's type, role and validity window.
public struct RelationshipImportRow: ImportRow, Hashable {
    public var number: Int
    public var childID: String?
    public var childEmail: String?
    public var childPhone: String?
    public var parentID: String?
    public var parentEmail: String?
    public var parentName: String?
    public var type: String?
    public var role: String?
    /// RFC 3339.
    public var validFrom: String?
    public var validTo: String?
    public var problems: [FieldError] = []

    public init(number: Int) { self.number = number }

    public static let columns: Set<String> = ["childId", "childEmail", "childPhone", "parentId", "parentEmail", "parentName",
                                              "type", "role", "validFrom", "validTo"]
}

/// Bulk import of edges (issue 12, item 2), through the checks of `POST .../relationships` (self-loops, cycles, the
/// partnership rule, duplicates), batched and resumable as the party import is. An edge that exists already is
/// skipped, or refused with `--on-duplicate fail`; an edge has nothing to update.
public struct RelationshipImportService: Sendable {
    let store: any Store

    public init(store: any Store) {
        self.store = store
    }

    public func run(tenant slug: String, digest: String?, fromStart: Bool = false, onDuplicate: DuplicatePolicy, batchSize: Int = 500,
                    context: OperationContext, next: () throws -> RelationshipImportRow?,
                    onRefused: (([PartyImportReport.RefusedRow]) async throws -> Void)? = nil, inBatch: BatchHook? = nil,
                    progress: (PartyImportReport) async throws -> Void = { _ in }) async throws -> PartyImportReport {
        try await ImportRunner.run(store: store, tenant: slug, policy: "relationships.write", digest: digest.map { ImportRunner.progressKey("relationships", $0, onDuplicate, context) },
                                   fromStart: fromStart, batchSize: batchSize, context: context, next: next, onRefused: onRefused,
                                   inBatch: inBatch, progress: progress) { row, access, tx in
            try await Self.apply(row, onDuplicate: onDuplicate, access: access, tx: tx, context: context)
        }
    }

    static func apply(_ row: RelationshipImportRow, onDuplicate: DuplicatePolicy, access: TenantAccess, tx: any StoreTransaction,
                      context: OperationContext) async throws -> ImportOutcome {
        var errors = ValidationErrors()
        func instant(_ raw: String?, _ field: String) -> Date? {
            guard let raw = raw?.trimmingWhitespace(), !raw.isEmpty else { return nil }
            guard let date = RFC3339.parse(raw) else {
                errors.add(field, "must be an RFC 3339 date-time such as 2026-03-01T00:00:00Z")
                return nil
            }
            return date
        }
        let validFrom = instant(row.validFrom, "validFrom"), validTo = instant(row.validTo, "validTo")
        guard let type = row.type?.trimmingWhitespace(), !type.isEmpty else {
            errors.add("type", "is required")
            try errors.throwIfAny()
            return .skipped
        }
        // Checked before the ends are looked up by it (a NUL in it reached PostgreSQL, which refused the statement).
        let label = errors.check { try Relationship.validateLabel(type, field: "type") }
        let child = errors.check { try Self.present(row.childID, row.childEmail, row.childPhone, side: "child") }
        let parent = errors.check { try Self.present(row.parentID, row.parentEmail, row.parentName, side: "parent") }
        try errors.throwIfAny()
        let childID = try await Self.resolve(child!, side: "child", access: access, tx: tx)
        let parentID = try await Self.resolve(parent!, side: "parent", access: access, tx: tx)
        try await access.require("relationships.write", on: [parentID, childID], edgeType: label)
        if let existing = try await tx.relationship(tenant: access.tenant.id, parent: parentID, child: childID,
                                                    type: label!) {
            guard onDuplicate != .fail else {
                throw RosterError.conflict("this relationship exists (\(existing.id))")
            }
            return .skipped
        }
        // The edge's rules name `childId`/`parentId`; the row named its ends by the columns it used (a probe saw a
        // self-loop given by childEmail and parentName refused on childId).
        _ = try await RosterError.naming(["childId": child!.column(side: "child"), "parentId": parent!.column(side: "parent")]) {
            try await RelationshipService.insertAudited(
                RelationshipInput(parentID: parentID, childID: childID, type: type, role: row.role, validFrom: validFrom, validTo: validTo),
                tenant: access.tenant, access: access, tx: tx, context: context)
        }
        return .created
    }

    enum Reference {
        case id(String), email(String), phoneOrName(String)

        /// The column of a row that names a side this way.
        func column(side: String) -> String {
            switch self {
            case .id: "\(side)Id"
            case .email: "\(side)Email"
            case .phoneOrName: side == "child" ? "childPhone" : "parentName"
            }
        }
    }

    /// Exactly one way of naming a side.
    static func present(_ id: String?, _ email: String?, _ third: String?, side: String) throws -> Reference {
        let given = [(id, "Id"), (email, "Email"), (third, side == "child" ? "Phone" : "Name")]
            .compactMap { value, suffix in value.flatMap { $0.trimmingWhitespace().isEmpty ? nil : (value!, suffix) } }
        guard given.count == 1, let (value, suffix) = given.first else {
            // The columns the row filled, when more than one (it named parentId, a column the file did not have; found by
            // a probe).
            let field = given.isEmpty ? "\(side)Id" : given.map { side + $0.1 }.joined(separator: ", ")
            throw RosterError.invalid(field, given.isEmpty ? "give the \(side) by \(side)Id, \(side)Email or "
                                      + (side == "child" ? "childPhone" : "parentName") : "give the \(side) one way only")
        }
        switch suffix {
        case "Id": return .id(value)
        case "Email": return .email(value)
        default: return .phoneOrName(value)
        }
    }

    /// The one live party a reference names among those the caller may read.
    static func resolve(_ reference: Reference, side: String, access: TenantAccess, tx: any StoreTransaction) async throws -> Party.ID {
        let tenant = access.tenant
        let candidates: [Party]
        let field: String
        switch reference {
        case .id(let raw):
            guard let id = Party.ID(uuidString: raw.trimmingWhitespace()) else { throw RosterError.invalid("\(side)Id", "must be a party id") }
            let party = try await access.party(id, named: "\(side)Id")
            guard party.isLive else { throw RosterError.invalid("\(side)Id", "the party is deleted or merged") }
            return id
        case .email(let raw):
            field = "\(side)Email"
            let email = try EmailAddress(raw, field: field)
            candidates = try await tx.liveParties(tenant: tenant.id, kind: nil, emailNormalized: email.normalized, phone: nil)
        case .phoneOrName(let raw) where side == "child":
            field = "childPhone"
            let phone = try PhoneNumber(raw, defaultCallingCode: tenant.settings.defaultCallingCode, field: field)
            candidates = try await tx.liveParties(tenant: tenant.id, kind: nil, emailNormalized: nil, phone: phone.digits)
        case .phoneOrName(let raw):
            field = "parentName"
            // As names are stored: composed, and refused with a control character (a NUL reached PostgreSQL).
            let name = try Text.optional(raw, field: field, max: Text.nameMax) ?? ""
            candidates = try await tx.liveOrganizations(tenant: tenant.id, named: name)
        }
        let readable = try await access.readableAmong(candidates.map(\.id))
        let visible = candidates.filter { readable.contains($0.id) }
        guard visible.count == 1 else {
            throw RosterError.invalid(field, visible.isEmpty ? "names no live party" : "names \(visible.count) parties: it is ambiguous")
        }
        return visible[0].id
    }
}
