public import Foundation
public import RosterCore
public import RosterStore

/// One row of a relationship import: the child by id, email, phone or an organization's exact name; the parent by id,
/// email or an organization's exact name; the edge's type, role and validity window.
public struct RelationshipImportRow: ImportRow, Hashable {
    public var number: Int
    public var childID: String?
    public var childEmail: String?
    public var childPhone: String?
    /// An organization's exact name, as `parentName` (an exported organization child with neither email nor phone was
    /// named by its id, which no other tenant resolves: a masked copy lost its organization tree; found by a probe).
    public var childName: String?
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

    public static let columns: Set<String> = ["childId", "childEmail", "childPhone", "childName", "parentId", "parentEmail", "parentName",
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

    /// `rowByRow` takes every row through `apply` in its own savepoint (the reference the batch way is tested against).
    public func run(tenant slug: String, digest: String?, fromStart: Bool = false, onDuplicate: DuplicatePolicy, batchSize: Int = 500,
                    rowByRow: Bool = false, context: OperationContext, next: () throws -> RelationshipImportRow?,
                    onRefused: (([PartyImportReport.RefusedRow]) async throws -> Void)? = nil, inBatch: BatchHook? = nil,
                    progress: (PartyImportReport) async throws -> Void = { _ in }) async throws -> PartyImportReport {
        try await ImportRunner.run(store: store, tenant: slug, policy: "relationships.write", digest: digest.map { ImportRunner.progressKey("relationships", $0, onDuplicate, context) },
                                   fromStart: fromStart, batchSize: batchSize, context: context, next: next, onRefused: onRefused,
                                   inBatch: inBatch, progress: progress,
                                   fast: rowByRow ? nil : { rows, access, tx in
                                       try await Self.applyBatch(rows, onDuplicate: onDuplicate, access: access, tx: tx, context: context)
                                   }) { row, access, tx in
            try await Self.apply(row, onDuplicate: onDuplicate, access: access, tx: tx, context: context)
        }
    }

    /// A row's edge as far as it is known without the database: its ends by the keys they are looked up by.
    struct Planned {
        var child: Key
        var parent: Key
        var type: String
        var role: String?
        var validFrom: Date?
        var validTo: Date?
    }

    /// How a row names a party, normalized as `resolve` looks it up.
    enum Key: Hashable {
        case id(Party.ID), email(String), phone(String), name(String)
    }

    /// A batch the fast way (on PostgreSQL each statement is a round trip: about twenty a row took an edge 5 ms). The
    /// rows' labels, windows and references are checked in memory; the parties they name are looked up for the whole
    /// batch (the live holders of its emails and phones, and its organizations by name, a statement per 64 keys; the
    /// ends locked and read once), the edges that exist already once a type; the new edges are inserted by one call that adds
    /// them to the closure table one after another and writes the rest in multi-row statements. What `apply` would
    /// refuse, or find already made, goes through `apply` in its own savepoint, in file order, after the edges before
    /// it are written: refusals are then worded as the row-by-row way words them. An edge the closure finds would close
    /// a cycle, or join too many paths, goes through `apply` too (which refuses it, naming the cycle). A failed
    /// multi-row write sends the batch back to be done row by row (`ImportRunner.Retry`).
    static func applyBatch(_ rows: [RelationshipImportRow], onDuplicate: DuplicatePolicy, access: TenantAccess, tx: any StoreTransaction,
                           context: OperationContext) async throws -> PartyImportReport {
        let tenant = access.tenant
        var report = PartyImportReport()
        func slow(_ row: RelationshipImportRow, savepoint: Bool = true) async throws {
            try await ImportRunner.one(row, access: access, tx: tx, into: &report, savepoint: savepoint) { row, access, tx in
                try await Self.apply(row, onDuplicate: onDuplicate, access: access, tx: tx, context: context)
            }
        }
        let planned = rows.map { Self.plan($0, tenant: tenant) }
        // The parties the rows name.
        var emails: [String] = [], phones: [String] = [], names = Set<String>(), ids = Set<Party.ID>()
        for plan in planned.compactMap(\.self) {
            for key in [plan.child, plan.parent] {
                switch key {
                case .id(let id): ids.insert(id)
                case .email(let email): emails.append(email)
                case .phone(let digits): phones.append(digits)
                case .name(let name): names.insert(name)
                }
            }
        }
        var holders: [Key: [Party.ID]] = [:]
        for (id, key) in try await tx.liveHolders(tenant: tenant.id, emailKeys: emails, phones: phones) {
            switch key {
            case .email(_, let email): holders[.email(email), default: []].append(id)
            case .phone(_, let digits): holders[.phone(digits), default: []].append(id)
            }
        }
        // Those of the same search key come too (another case or accent): each is filed under its own exact name.
        for organization in try await tx.liveOrganizations(tenant: tenant.id, named: names) {
            holders[.name(organization.name ?? ""), default: []].append(organization.id)
        }
        let candidates = Set(holders.values.joined()).union(ids)
        // Locked before their states are read, as `RelationshipService.insert` does; then read once.
        for type in Set(planned.compactMap { $0?.type }).sorted() { try await tx.lockHierarchy(tenant: tenant.id, type: type) }
        try await tx.lockPartiesForReference(tenant: tenant.id, Array(candidates))
        let parties = Dictionary(uniqueKeysWithValues: try await tx.parties(tenant: tenant.id, ids: Array(candidates)).map { ($0.id, $0) })
        let readable = try await access.readableAmongExisting(Array(parties.keys))
        func resolved(_ key: Key) -> Party? {
            let found: [Party.ID]
            if case .id(let id) = key { found = [id] } else { found = holders[key] ?? [] }
            let visible = found.compactMap { parties[$0] }.filter { $0.isLive && readable.contains($0.id) }
            return visible.count == 1 && visible.count == found.count ? visible[0] : nil
        }
        // The edges each row would make (nil: the row goes through `apply`, which refuses it or finds it made).
        var edges: [Relationship?] = []
        for plan in planned {
            guard let plan, let parent = resolved(plan.parent), let child = resolved(plan.child), parent.id != child.id,
                  plan.type != Relationship.partnership || parent.roles.contains("partner")
            else {
                edges.append(nil)
                continue
            }
            do {
                try await access.require("relationships.write", on: [parent.id, child.id], edgeType: plan.type)
            } catch is RosterError {
                edges.append(nil)
                continue
            }
            edges.append(Relationship(id: .make(), tenantID: tenant.id, parentID: parent.id, childID: child.id, type: plan.type,
                                      role: plan.role, validFrom: plan.validFrom, validTo: plan.validTo, createdAt: Date.rosterNow))
        }
        struct Ends: Hashable {
            var parent: Party.ID, child: Party.ID, type: String
        }
        var existing = Set<Ends>()
        for (type, group) in Dictionary(grouping: edges.compactMap(\.self), by: \.type) {
            for edge in try await tx.relationships(tenant: tenant.id, type: type, children: group.map(\.childID)) {
                existing.insert(Ends(parent: edge.parentID, child: edge.childID, type: type))
            }
        }
        var pending: [(row: RelationshipImportRow, edge: Relationship)] = []
        func flush() async throws {
            while !pending.isEmpty {
                let inserted = try await Self.insert(pending.map(\.edge), tx: tx)
                try await tx.appendAudit(pending[..<inserted].map { RelationshipService.createdEvent($0.edge, context: context) })
                report.processed += inserted
                report.created += inserted
                guard inserted < pending.count else {
                    pending.removeAll(keepingCapacity: true)
                    return
                }
                // This edge would close a cycle or join too many paths: its row says which, as the API does.
                let refused = pending[inserted].row
                pending.removeFirst(inserted + 1)
                try await slow(refused)
            }
        }
        var seen = Set<Ends>()
        for (index, row) in rows.enumerated() {
            guard let edge = edges[index] else {
                // After the edges before it, so that it sees them and the report keeps the file's order (an edge
                // pending may yet be refused, for a cycle). A row refused in memory needs no savepoint: `apply` fails
                // the same way before it reads or writes anything.
                try await flush()
                try await slow(row, savepoint: planned[index] != nil)
                continue
            }
            let ends = Ends(parent: edge.parentID, child: edge.childID, type: edge.type)
            if existing.contains(ends), onDuplicate != .fail {
                report.processed += 1
                report.skipped += 1
                continue
            }
            guard !existing.contains(ends), seen.insert(ends).inserted else {
                // Made before the batch (and refused with fail), or by an earlier row of it: `apply` says so.
                try await flush()
                try await slow(row)
                continue
            }
            pending.append((row, edge))
        }
        try await flush()
        return report
    }

    /// `insertRelationships`, whose failure (other than a lost database or a cancelled run) sends the batch back to be
    /// done row by row, where the row at fault is refused alone.
    private static func insert(_ edges: [Relationship], tx: any StoreTransaction) async throws -> Int {
        do {
            return try await tx.insertRelationships(edges)
        } catch {
            if error is CancellationError { throw error }
            if case StoreError.unavailable = error { throw error }
            throw ImportRunner.Retry()
        }
    }

    /// The row's edge as far as the rules decide without the database, or nil when they refuse it (then `apply`
    /// refuses it the same way, before it reads anything).
    static func plan(_ row: RelationshipImportRow, tenant: Tenant) -> Planned? {
        guard row.problems.isEmpty else { return nil }
        func instant(_ raw: String?) -> Date?? {
            guard let raw = raw?.trimmingWhitespace(), !raw.isEmpty else { return .some(nil) }
            return RFC3339.parse(raw).map { .some($0) }
        }
        guard let validFrom = instant(row.validFrom), let validTo = instant(row.validTo),
              let type = row.type?.trimmingWhitespace(), !type.isEmpty,
              let child = try? Self.present(row.childID, row.childEmail, row.childPhone, row.childName, side: "child"),
              let parent = try? Self.present(row.parentID, row.parentEmail, nil, row.parentName, side: "parent"),
              let childKey = try? Self.key(child, side: "child", tenant: tenant),
              let parentKey = try? Self.key(parent, side: "parent", tenant: tenant)
        else { return nil }
        // The rules of the edge itself, with ends that are not the same (a self-loop is found once they are resolved).
        guard let (label, role) = try? RelationshipService.validated(
            RelationshipInput(parentID: .make(), childID: .make(), type: type, role: row.role, validFrom: validFrom, validTo: validTo))
        else { return nil }
        return Planned(child: childKey, parent: parentKey, type: label, role: role, validFrom: validFrom, validTo: validTo)
    }

    /// The key `resolve` looks a reference up by; throws what `resolve` refuses the reference with.
    static func key(_ reference: Reference, side: String, tenant: Tenant) throws -> Key {
        switch reference {
        case .id(let raw):
            guard let id = Party.ID(uuidString: raw.trimmingWhitespace()) else { throw RosterError.invalid("\(side)Id", "must be a party id") }
            return .id(id)
        case .email(let raw):
            return .email(try EmailAddress(raw, field: "\(side)Email").normalized)
        case .phone(let raw):
            return .phone(try PhoneNumber(raw, defaultCallingCode: tenant.settings.defaultCallingCode, field: "\(side)Phone").digits)
        case .name(let raw):
            // As names are stored: composed, and refused with a control character (a NUL reached PostgreSQL).
            return .name(try Text.optional(raw, field: "\(side)Name", max: Text.nameMax) ?? "")
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
        let child = errors.check { try Self.present(row.childID, row.childEmail, row.childPhone, row.childName, side: "child") }
        let parent = errors.check { try Self.present(row.parentID, row.parentEmail, nil, row.parentName, side: "parent") }
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
        case id(String), email(String), phone(String), name(String)

        /// The column of a row that names a side this way.
        func column(side: String) -> String {
            switch self {
            case .id: "\(side)Id"
            case .email: "\(side)Email"
            case .phone: "\(side)Phone"
            case .name: "\(side)Name"
            }
        }
    }

    /// Exactly one way of naming a side (a parent has no phone column: `phone` is nil for it).
    static func present(_ id: String?, _ email: String?, _ phone: String?, _ name: String?, side: String) throws -> Reference {
        let given = [(id, "Id"), (email, "Email"), (phone, "Phone"), (name, "Name")]
            .compactMap { value, suffix in value.flatMap { $0.trimmingWhitespace().isEmpty ? nil : (value!, suffix) } }
        guard given.count == 1, let (value, suffix) = given.first else {
            // The columns the row filled, when more than one (it named parentId, a column the file did not have; found by
            // a probe).
            let field = given.isEmpty ? "\(side)Id" : given.map { side + $0.1 }.joined(separator: ", ")
            throw RosterError.invalid(field, given.isEmpty ? "give the \(side) by \(side)Id, \(side)Email, "
                                      + (side == "child" ? "childPhone or childName" : "or parentName") : "give the \(side) one way only")
        }
        switch suffix {
        case "Id": return .id(value)
        case "Email": return .email(value)
        case "Phone": return .phone(value)
        default: return .name(value)
        }
    }

    /// The one live party a reference names among those the caller may read.
    static func resolve(_ reference: Reference, side: String, access: TenantAccess, tx: any StoreTransaction) async throws -> Party.ID {
        let tenant = access.tenant
        let candidates: [Party]
        let field: String
        switch try Self.key(reference, side: side, tenant: tenant) {
        case .id(let id):
            let party = try await access.party(id, named: "\(side)Id")
            guard party.isLive else { throw RosterError.invalid("\(side)Id", "the party is deleted or merged") }
            return id
        case .email(let email):
            field = "\(side)Email"
            candidates = try await tx.liveParties(tenant: tenant.id, kind: nil, emailNormalized: email, phone: nil)
        case .phone(let digits):
            field = "\(side)Phone"
            candidates = try await tx.liveParties(tenant: tenant.id, kind: nil, emailNormalized: nil, phone: digits)
        case .name(let name):
            field = "\(side)Name"
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
