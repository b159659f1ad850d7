public import Foundation
public import RosterCore
public import RosterStore

/// One row of a party import (CSV or JSON Lines), as the file gave it; the same rules as `POST .../parties` apply.
public struct PartyImportRow: Sendable, Hashable {
    /// 1 for the first data row.
    public var number: Int
    public var kind: String?
    public var firstName: String?
    public var lastName: String?
    public var name: String?
    public var email: String?
    public var phone: String?
    public var website: String?
    public var note: String?
    public var customerType: String?
    public var roles: [String] = []
    public var tags: [String] = []
    public var properties: [String: JSONScalar] = [:]
    /// The partner (seed 000) whose customer this party is: by id or by email; makes the `partnership` edge.
    public var partnerID: String?
    public var partnerEmail: String?
    /// What the file's reader could not make of the row (a line that is not a JSON object, a value of the wrong type):
    /// the row is refused with these.
    public var problems: [FieldError] = []
    /// The row's party as the rules made it before its batch's transaction, while the batch before was written (see
    /// `ImportRunner.run`'s `prepare`); used when the tenant and its settings are still those it was made with.
    var prepared: Prepared?

    struct Prepared: Sendable, Hashable {
        var tenantID: Tenant.ID
        var settings: TenantSettings
        /// nil: the rules refuse the row.
        var party: Party?
        /// nil: a tag is invalid.
        var tags: [Tag]?
    }

    public init(number: Int) { self.number = number }

    /// Every column an import understands (CSV headers and JSONL keys); `properties.KEY` columns too.
    public static let columns: Set<String> = ["kind", "firstName", "lastName", "name", "email", "phone", "website", "note",
                                              "customerType", "roles", "tags", "properties", "partnerId", "partnerEmail"]
}

/// What a row that matches a live party (same kind, same normalized email or phone: the unique indexes' rule) does.
public enum DuplicatePolicy: String, Sendable, CaseIterable {
    /// Left as it is; the row counts as skipped.
    case skip
    /// The row's non-empty fields are merged into the party (with history and audit); unchanged when nothing differs.
    case update
    /// The row is refused.
    case fail
}

public struct PartyImportReport: Sendable, Hashable {
    public struct RefusedRow: Sendable, Hashable {
        public var row: Int
        public var field: String
        public var message: String
    }

    public var processed = 0
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    public var skipped = 0
    public var refused = 0
    /// Rows an earlier run of the same file committed, passed over at the start.
    public var resumedAfter = 0
    /// Rows the earlier runs of the same file refused (their lines are in those runs' reports).
    public var refusedBefore = 0
    /// One line per refused field, in row order (every field of a refused row).
    public var errors: [RefusedRow] = []

    public init() {}
}

/// Bulk import of parties (issue 12): every row through the rules of `POST .../parties`, in batched transactions,
/// each row in a savepoint so that a refused row leaves the rest of its batch; the run's progress is committed with
/// each batch, so that the same file run again after a crash goes on after the last committed row.
public struct PartyImportService: Sendable {
    let store: any Store

    public init(store: any Store) {
        self.store = store
    }

    /// `next` gives the rows in order (nil at the end); `digest` names the file (a hash of its bytes) for resuming: the
    /// rows an earlier run of it committed are passed over, unless `fromStart`. Nil: no progress is kept.
    /// `onRefused` receives the refused rows batch by batch (then the report keeps only their count); without it they
    /// accumulate in the report's `errors`. `rowByRow` takes every row through `applyRow` in its own savepoint, as
    /// the fast way does with the rows that are not plain creates (the fast way's reference, in tests and benchmarks).
    public func run(tenant slug: String, digest: String?, fromStart: Bool = false, onDuplicate: DuplicatePolicy, batchSize: Int = 500,
                    rowByRow: Bool = false, context: OperationContext, next: () throws -> PartyImportRow?,
                    onRefused: (([PartyImportReport.RefusedRow]) async throws -> Void)? = nil, inBatch: BatchHook? = nil,
                    progress: (PartyImportReport) async throws -> Void = { _ in }) async throws -> PartyImportReport {
        // Tenant-wide parties.write, as POST .../parties asks: a duplicate's outcome then tells nothing the caller could not
        // learn by creating the party.
        try await ImportRunner.run(store: store, tenant: slug, policy: "parties.write", tenantWide: true, digest: digest.map { ImportRunner.progressKey("parties", $0, onDuplicate, context) },
                                   fromStart: fromStart, batchSize: batchSize, context: context, next: next, onRefused: onRefused,
                                   inBatch: inBatch, progress: progress,
                                   prepare: rowByRow ? nil : { rows, tenant in
                                       let now = Date.rosterNow
                                       return rows.map { row in
                                           var row = row
                                           row.prepared = Self.prepare(row, tenant: tenant, now: now)
                                           return row
                                       }
                                   },
                                   fast: rowByRow ? nil : { rows, access, tx in
                                       try await Self.applyBatch(rows, onDuplicate: onDuplicate, access: access, tx: tx, context: context)
                                   }) { row, access, tx in
            try await Self.applyRow(row, onDuplicate: onDuplicate, access: access, tx: tx, context: context)
        }
    }

    /// A batch the fast way: the rules of `POST .../parties` make each row's party in memory, one lookup per 64 keys
    /// finds the live parties that hold them, and the rows that plainly make a new party (no live party, nor an earlier
    /// row of the batch, holds their email or phone; no partner) are written by a few multi-row statements with their
    /// roles, first history entries, tags and audit entries: what `applyRow` writes for them, without a savepoint each
    /// (on SQLite a savepoint copies every page it changes into its journal: 22% of an import's time in `perf`).
    /// Every other row goes through `applyRow` in its savepoint, in file order. If a multi-row write fails (a concurrent
    /// writer made a party with the same key meanwhile, or the database refuses a value) the batch is thrown back
    /// (`ImportRunner.Retry`) to be done again row by row.
    static func applyBatch(_ rows: [PartyImportRow], onDuplicate: DuplicatePolicy, access: TenantAccess, tx: any StoreTransaction,
                           context: OperationContext) async throws -> PartyImportReport {
        let tenant = access.tenant
        let now = Date.rosterNow
        // Each row's party (nil: the row is refused, the slow way); `plain` when it names no partner and its tags are valid.
        let made: [(party: Party, tags: [Tag], plain: Bool)?] = rows.map { row in
            let prepared = row.prepared.flatMap { $0.tenantID == tenant.id && $0.settings == tenant.settings ? $0 : nil }
                ?? Self.prepare(row, tenant: tenant, now: now)
            guard let party = prepared.party else { return nil }
            // A person the tenant may link to an organization by its email's domain is written as POST .../parties writes it.
            let linking = PartyService.linksByDomain(party, in: tenant)
            return (party, prepared.tags ?? [], prepared.tags != nil && Self.blank(row.partnerID) && Self.blank(row.partnerEmail) && !linking)
        }
        let parties = made.compactMap { $0?.party }
        let live = try await tx.liveKeys(tenant: tenant.id, emailKeys: parties.compactMap { $0.email?.normalized },
                                         phones: parties.compactMap { $0.phone?.digits })
        var report = PartyImportReport()
        var seen = Set<LiveKey>()
        var pending: [(party: Party, tags: [Tag])] = []
        var tagIDs: [String: Tag.ID] = [:]
        for (row, made) in zip(rows, made) {
            if let made {
                let keys = made.party.liveKeys
                if made.plain, keys.isDisjoint(with: seen) {
                    if keys.isDisjoint(with: live) {
                        pending.append((made.party, made.tags))
                        seen.formUnion(keys)
                        continue
                    }
                    if onDuplicate == .skip {
                        // A live party held the key before the batch, and still does (a skipping batch removes no key):
                        // `applyRow` would skip it without writing.
                        report.processed += 1
                        report.skipped += 1
                        continue
                    }
                }
                seen.formUnion(keys)
            } else {
                // The rules refuse the row in memory: `applyRow` fails the same way before it reads or writes anything,
                // so it needs neither the pending parties written nor a savepoint.
                try await ImportRunner.one(row, access: access, tx: tx, into: &report, savepoint: false) { row, access, tx in
                    try await Self.applyRow(row, onDuplicate: onDuplicate, access: access, tx: tx, context: context)
                }
                continue
            }
            try await Self.insert(&pending, tagIDs: &tagIDs, access: access, tx: tx, context: context, into: &report)
            try await ImportRunner.one(row, access: access, tx: tx, into: &report) { row, access, tx in
                try await Self.applyRow(row, onDuplicate: onDuplicate, access: access, tx: tx, context: context)
            }
        }
        try await Self.insert(&pending, tagIDs: &tagIDs, access: access, tx: tx, context: context, into: &report)
        return report
    }

    /// Writes the pending new parties, with what `PartyService.insertParty` and `TagService.attach` write for each.
    private static func insert(_ pending: inout [(party: Party, tags: [Tag])], tagIDs: inout [String: Tag.ID], access: TenantAccess,
                               tx: any StoreTransaction, context: OperationContext, into report: inout PartyImportReport) async throws {
        guard !pending.isEmpty else { return }
        try access.require("parties.write")
        let tenant = access.tenant.id
        var history: [StateChange] = []
        var links: [(party: Party.ID, tag: Tag.ID)] = []
        var events: [AuditEvent] = []
        do {
            for (party, tags) in pending {
                history.append(StateChange(partyID: party.id, from: nil, to: party.state, at: party.createdAt,
                                           actor: context.principal.description, reason: "created"))
                events.append(AuditEvent(tenantID: tenant, context: context, action: "party.create", targetType: "party",
                                         targetID: party.id.description, fields: party.presentFields))
                var attached = Set<Tag.ID>()
                for tag in tags {
                    let key = tag.text.lowercased()
                    let id: Tag.ID
                    if let known = tagIDs[key] {
                        id = known
                    } else {
                        // findOrCreate queues its own `tag.create` entry: flush this batch's first, to keep applyRow's order.
                        try await tx.appendAudit(events)
                        events.removeAll()
                        id = try await TagService.findOrCreate(text: tag.text, tenant: tenant, tx: tx, context: context).id
                        tagIDs[key] = id
                    }
                    guard attached.insert(id).inserted else { continue }
                    links.append((party.id, id))
                    events.append(AuditEvent(tenantID: tenant, context: context, action: "party.tag", targetType: "party",
                                             targetID: party.id.description, fields: ["tags"]))
                }
            }
            try await tx.insertParties(pending.map(\.party), history: history, tags: links)
        } catch {
            // A lost database or a cancelled run ends the batch. Anything else (a key a concurrent writer took, a value
            // the database refuses, such as a NUL on PostgreSQL) sends the batch back to be done row by row, where the
            // row at fault is refused alone.
            if error is CancellationError { throw error }
            if case StoreError.unavailable = error { throw error }
            throw ImportRunner.Retry()
        }
        try await tx.appendAudit(events)
        report.processed += pending.count
        report.created += pending.count
        pending.removeAll(keepingCapacity: true)
    }

    private static func blank(_ value: String?) -> Bool { value?.trimmingWhitespace().isEmpty ?? true }

    /// A row's party and tags by the rules of `POST .../parties`, in memory.
    static func prepare(_ row: PartyImportRow, tenant: Tenant, now: Date) -> PartyImportRow.Prepared {
        var prepared = PartyImportRow.Prepared(tenantID: tenant.id, settings: tenant.settings)
        guard row.problems.isEmpty,
              let party = try? PartyRules.create(Self.input(row), id: .make(), tenantID: tenant.id, settings: tenant.settings, now: now)
        else { return prepared }
        prepared.party = party
        prepared.tags = try? row.tags.map { try TagService.validated(text: $0, color: nil, tenant: tenant.id) }
        return prepared
    }

    static func applyRow(_ row: PartyImportRow, onDuplicate: DuplicatePolicy, access: TenantAccess, tx: any StoreTransaction,
                         context: OperationContext) async throws -> ImportOutcome {
        let tenant = access.tenant
        let input = try Self.input(row)
        // The rules of POST .../parties, and its normalization, decide what the row is. Everything wrong with the row is
        // said at once, as the API lists every field: its party's fields, each of its tags and its partner, looked up
        // before anything is written (the tags and the partner were said only once the party's fields passed, and of
        // the tags only the first; found by probes).
        var refused: [FieldError] = []
        var made: Party?
        do {
            made = try PartyRules.create(input, id: .make(), tenantID: tenant.id, settings: tenant.settings, now: Date.rosterNow)
        } catch RosterError.validation(let fields) {
            refused += fields
        }
        for (index, text) in row.tags.enumerated() {
            do {
                _ = try TagService.validated(text: text, color: nil, tenant: tenant.id)
            } catch RosterError.validation(let fields) {
                refused += fields.map { FieldError($0.field == "text" ? "tags[\(index)]" : $0.field, $0.message) }
            }
        }
        var partner: Party.ID?
        do {
            partner = try await Self.partner(row, access: access, tx: tx)
        } catch RosterError.validation(let fields) {
            refused += fields
        }
        guard refused.isEmpty, let party = made else { throw RosterError.validation(refused) }
        let matches = try await tx.liveParties(tenant: tenant.id, kind: party.kind, emailNormalized: party.email?.normalized,
                                               phone: party.phone?.digits)
        let target: Party.ID
        let outcome: ImportOutcome
        if matches.isEmpty {
            // Creating a party needs parties.write on the whole tenant, as POST .../parties does, and links a person to the
            // organization of its email's domain as it does (`autoLinkContacts`).
            try access.require("parties.write")
            let linking = PartyService.linksByDomain(party, in: tenant)
            if linking { try await tx.lockHierarchy(tenant: tenant.id, type: Relationship.employment) }
            do {
                try await PartyService.insertParty(party, tx: tx, context: context)
            } catch RosterError.conflict(_, existingID: .some) {
                // No live party held the key when this row looked, one does now: a concurrent writer committed it.
                throw ImportRunner.Raced()
            }
            if linking { _ = try await PartyService.autoLink(party, tenant: tenant, tx: tx, context: context) }
            target = party.id
            outcome = .created
        } else {
            let ids = Set(matches.map(\.id))
            // A match the caller may not read is refused without naming it, as POST .../parties does.
            let readable = try await access.readableAmong(Array(ids))
            switch onDuplicate {
            case .skip:
                return .skipped
            case .fail:
                // Refused, naming the column that matched (a refused row's field; it was empty).
                // The party that matched on that column: with the email of one and the phone of another, the email's
                // message named the phone's party (found by a probe).
                let byEmail = party.email.flatMap { email in matches.first { $0.email?.normalized == email.normalized } }
                let match = byEmail ?? matches.first { $0.phone?.digits == party.phone?.digits } ?? matches[0]
                let field = byEmail != nil ? "email" : "phone"
                let named = readable.contains(match.id) ? " (\(match.id))" : ""
                throw RosterError.invalid(field, "a live \(party.kind.rawValue) with this \(field) exists\(named)")
            case .update:
                guard ids.count == 1, let current = matches.first else {
                    throw RosterError.conflict("the email and the phone match two different parties")
                }
                // A party the caller may not read is refused without naming it.
                guard readable.contains(current.id) else {
                    throw RosterError.conflict("a live \(party.kind.rawValue) with this email or phone exists")
                }
                try await access.require("parties.write", on: [current.id])
                let (merged, changed) = try PartyRules.update(current, with: Self.patch(input, merging: current), settings: tenant.settings,
                                                              now: Date.rosterNow)
                target = current.id
                if changed.isEmpty {
                    outcome = .unchanged
                } else {
                    if changed.contains("email") || changed.contains("phone") { try await access.rejectDuplicates(of: merged) }
                    guard try await tx.updateParty(merged, expectedVersion: current.version) else {
                        throw RosterError.conflict("the party changed meanwhile")
                    }
                    try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "party.update",
                                                         targetType: "party", targetID: current.id.description, fields: changed)])
                    outcome = .updated
                }
            }
        }
        var changedMore = false
        var tagged = false
        // The party's tags read once (tags are one by text, whatever its case), then kept up to date as the row adds.
        var held = row.tags.isEmpty ? [] : Set(try await tx.tags(tenant: tenant.id, parties: [target])[target]?.map { $0.text.lowercased() } ?? [])
        for (index, text) in row.tags.enumerated() where held.insert(text.lowercased()).inserted {
            // Named as the row's column names it (the tag's own rule says `text`).
            _ = try await RosterError.naming(["text": "tags[\(index)]"]) {
                try await TagService.attach(text: text, color: nil, to: target, tenant: tenant.id, tx: tx, context: context)
            }
            changedMore = true
            tagged = true
        }
        // New tags are a change of a party the row left as it was otherwise (one version for the row, as a PATCH).
        if tagged, outcome == .unchanged { try await tx.touchParty(tenant: tenant.id, id: target, at: Date.rosterNow) }
        if let partner {
            if try await tx.relationship(tenant: tenant.id, parent: partner, child: target, type: Relationship.partnership) == nil {
                try await access.require("relationships.write", on: [partner, target], edgeType: Relationship.partnership)
                try await tx.lockHierarchy(tenant: tenant.id, type: Relationship.partnership)
                let edge = try await RelationshipService.insert(
                    RelationshipInput(parentID: partner, childID: target, type: Relationship.partnership), tenant: tenant, access: access, tx: tx)
                try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "relationship.create",
                                                     targetType: "relationship", targetID: edge.id.description,
                                                     fields: RelationshipService.fields(of: edge))])
                changedMore = true
            }
        }
        return outcome == .unchanged && changedMore ? .updated : outcome
    }

    /// What is wrong with the way a row names its partner, before any party is looked for.
    static func partnerReferenceErrors(_ row: PartyImportRow) -> [FieldError] {
        if !blank(row.partnerID), !blank(row.partnerEmail) { return [FieldError("partnerId, partnerEmail", "give the partner one way only")] }
        if let raw = row.partnerID?.trimmingWhitespace(), !raw.isEmpty, Party.ID(uuidString: raw) == nil {
            return [FieldError("partnerId", "must be a party id")]
        }
        if let raw = row.partnerEmail?.trimmingWhitespace(), !raw.isEmpty {
            do {
                _ = try EmailAddress(raw, field: "partnerEmail")
            } catch RosterError.validation(let fields) {
                return fields
            } catch {
                return [FieldError("partnerEmail", "must be an email address")]
            }
        }
        return []
    }

    /// The partner a row names, which must be a live party with the role partner the caller may read.
    static func partner(_ row: PartyImportRow, access: TenantAccess, tx: any StoreTransaction) async throws -> Party.ID? {
        // One way of naming it, as a relationship's side (with both, the email was left unread; found by a probe), and a
        // well-formed one.
        let malformed = partnerReferenceErrors(row)
        guard malformed.isEmpty else { throw RosterError.validation(malformed) }
        if let raw = row.partnerID?.trimmingWhitespace(), !raw.isEmpty, let id = Party.ID(uuidString: raw) {
            let party = try await access.party(id, named: "partnerId")
            guard party.isLive, party.roles.contains("partner") else { throw RosterError.invalid("partnerId", "is not a live partner") }
            return id
        }
        if let raw = row.partnerEmail?.trimmingWhitespace(), !raw.isEmpty {
            let email = try EmailAddress(raw, field: "partnerEmail")
            let found = try await tx.liveParties(tenant: access.tenant.id, kind: nil, emailNormalized: email.normalized, phone: nil)
                .filter { $0.roles.contains("partner") }
            let readable = try await access.readableAmong(found.map(\.id))
            let visible = found.filter { readable.contains($0.id) }
            guard visible.count == 1 else {
                throw RosterError.invalid("partnerEmail", visible.isEmpty ? "no live partner has this email" : "several partners have this email")
            }
            return visible[0].id
        }
        return nil
    }

    /// The row as the input of `POST .../parties`: the same field names, the same rules.
    public static func input(_ row: PartyImportRow) throws -> PartyInput {
        var errors = ValidationErrors()
        let kind: Party.Kind? = row.kind.flatMap { raw in
            let text = raw.trimmingWhitespace()
            if text.isEmpty { return nil }
            guard let kind = Party.Kind(rawValue: text) else {
                errors.add("kind", "must be person or organization")
                return nil
            }
            return kind
        }
        let customerType: Party.CustomerType? = row.customerType.flatMap { raw in
            let text = raw.trimmingWhitespace()
            if text.isEmpty { return nil }
            guard let type = Party.CustomerType(rawValue: text) else {
                errors.add("customerType", "must be one of \(Party.CustomerType.allCases.map(\.rawValue).joined(separator: ", "))")
                return nil
            }
            return type
        }
        try errors.throwIfAny()
        func text(_ value: String?) -> String? { value.flatMap { $0.trimmingWhitespace().isEmpty ? nil : $0 } }
        return PartyInput(kind: kind ?? .person, firstName: text(row.firstName), lastName: text(row.lastName), name: text(row.name),
                          email: text(row.email), phone: text(row.phone), website: text(row.website), note: text(row.note),
                          customerType: customerType, roles: row.roles.isEmpty ? nil : row.roles,
                          properties: row.properties.isEmpty ? nil : row.properties)
    }

    /// The row's non-empty fields as a merge patch: an import never clears a field; roles and properties are added to
    /// the party's own.
    static func patch(_ input: PartyInput, merging current: Party) -> PartyPatch {
        var patch = PartyPatch()
        if let v = input.firstName { patch.firstName = .set(v) }
        if let v = input.lastName { patch.lastName = .set(v) }
        if let v = input.name { patch.name = .set(v) }
        // The email or phone that matched stays as the party has it (a row's other spelling of it is not a change).
        if let v = input.email, (try? EmailAddress(v))?.normalized != current.email?.normalized { patch.email = .set(v) }
        if let v = input.phone, v.filter(\.isNumber) != current.phone?.digits { patch.phone = .set(v) }
        if let v = input.website { patch.website = .set(v) }
        if let v = input.note { patch.note = .set(v) }
        if let v = input.customerType { patch.customerType = .set(v) }
        if let v = input.roles { patch.roles = .set(current.roles + v.filter { !current.roles.contains($0) }) }
        if let v = input.properties?.filter({ $0.value != .null }), !v.isEmpty { patch.properties = .set(current.properties.merging(v) { $1 }) }
        return patch
    }
}

extension PartyImportReport {
    mutating func merge(_ other: PartyImportReport) {
        processed += other.processed
        created += other.created
        updated += other.updated
        unchanged += other.unchanged
        skipped += other.skipped
        refused += other.refused
        errors += other.errors
    }
}

/// Called inside each batch's transaction, after its rows: the run's report so far (this batch included) and the
/// batch's refused rows, so that what a job records commits with the batch or not at all.
public typealias BatchHook = (PartyImportReport, [PartyImportReport.RefusedRow], any StoreTransaction) async throws -> Void

/// A row of an import file.
public protocol ImportRow: Sendable {
    var number: Int { get }
    /// What the file's reader could not make of the row: it is refused with these.
    var problems: [FieldError] { get }
}

extension PartyImportRow: ImportRow {}

enum ImportOutcome: Sendable { case created, updated, unchanged, skipped }

/// What every import shares: batches of rows, one transaction each with a savepoint per row, the progress committed
/// with the batch, refused rows reported with their fields.
enum ImportRunner {
    /// Refused rows kept in the report when no `onRefused` takes them (the count goes on).
    static let keptErrors = 1000

    /// What names an import's progress: its kind, the file (the caller's digest, with the format it is read in), the
    /// duplicate mode and the caller. The same file run again in another format or mode, or by another caller, starts
    /// over (its rows done are then found as duplicates) rather than going on after rows read another way.
    static func progressKey(_ kind: String, _ digest: String, _ onDuplicate: DuplicatePolicy, _ context: OperationContext) -> String {
        "\(kind):\(onDuplicate.rawValue):\(context.principal.description):\(digest)"
    }

    static func run<Row: ImportRow>(store: any Store, tenant slug: String, policy: String, tenantWide: Bool = false, digest: String?,
                                    fromStart: Bool,
                                    batchSize: Int, context: OperationContext, next: () throws -> Row?,
                                    onRefused: (([PartyImportReport.RefusedRow]) async throws -> Void)?,
                                    inBatch: BatchHook? = nil,
                                    progress: (PartyImportReport) async throws -> Void,
                                    prepare: (([Row], Tenant) -> [Row])? = nil,
                                    fast: (([Row], TenantAccess, any StoreTransaction) async throws -> PartyImportReport)? = nil,
                                    apply: @escaping (Row, TenantAccess, any StoreTransaction) async throws -> ImportOutcome) async throws -> PartyImportReport {
        var report = PartyImportReport()
        // The tenant and the caller's right, once, before reading the file.
        func check(_ access: TenantAccess) throws {
            if tenantWide { try access.require(policy) } else { try access.requireSomewhere(policy) }
        }
        let (earlier, tenant) = try await store.read { tx -> (ImportProgress, Tenant) in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            try check(access)
            guard let digest else { return (ImportProgress(rows: 0, refused: 0), access.tenant) }
            let saved = try await tx.importProgress(tenant: access.tenant.id, digest: digest) ?? ImportProgress(rows: 0, refused: 0)
            return (fromStart ? ImportProgress(rows: 0, refused: 0) : saved, access.tenant)
        }
        let done = earlier.rows
        report.refusedBefore = earlier.refused
        // What this run expects the stored progress to be: another run of the same file moving it fails this one.
        var committed = earlier
        // The planner's statistics are refreshed when the run has written 1,000 rows, then 4, 16, 64... times as many.
        var refreshAt = 1000
        var batch: [Row] = []
        var position = 0
        // The batch being written, while the loop reads the next one from the file (the two on two cores: reading and
        // parsing were a tenth of an import's time, on the one core it kept busy). One batch is written at a time, in
        // file order, and each is awaited before the next starts or the run ends, on every path.
        var writing: (task: Task<PartyImportReport, any Error>, last: Int, expected: ImportProgress)?
        func settle() async throws {
            guard let (task, last, expected) = writing else { return }
            writing = nil
            var outcome = try await task.value
            committed = ImportProgress(rows: last, refused: expected.refused + outcome.refused)
            if let onRefused, !outcome.errors.isEmpty {
                try await onRefused(outcome.errors)
                outcome.errors = []
            }
            report.merge(outcome)
            if report.created + report.updated >= refreshAt {
                try await store.write { tx in try await tx.refreshPartyStatistics() }
                refreshAt *= 4
            }
            if report.errors.count > keptErrors { report.errors.removeLast(report.errors.count - keptErrors) }
            try await progress(report)
        }
        // A file unreadable part-way ends it there: the rows read before are written first, as at its end (the batch
        // under way was dropped, so rows before a quote never closed were lost; found by a probe).
        var unreadable: ImportFile.Unreadable?
        do {
            while true {
                let row: Row?
                do {
                    row = try next()
                } catch let error as ImportFile.Unreadable {
                    unreadable = error
                    row = nil
                }
                if let row {
                    position = row.number
                    if position <= done {
                        report.resumedAfter = position
                        continue
                    }
                    batch.append(row)
                }
                if batch.count >= batchSize || (row == nil && !batch.isEmpty) {
                    // What can be made of the rows without the database (the rules), while the batch before is written.
                    let rows = prepare?(batch, tenant) ?? batch
                    try await settle()
                    let last = position
                    let expected = committed
                    let before = report
                    // The batch's rows, the job's hook and the run's progress, in one transaction.
                    let write = { (rowByRow: Bool) async throws -> PartyImportReport in
                        try await store.write { tx -> PartyImportReport in
                            let access = try await TenantAccess.open(tx, slug, context, write: true, current: true)
                            try check(access)
                            // One import's batch at a time per tenant: concurrent imports of the same keys deadlocked.
                            try await tx.lockImports(tenant: access.tenant.id)
                            var outcome = PartyImportReport()
                            if !rowByRow, let fast {
                                outcome = try await fast(rows, access, tx)
                            } else {
                                for row in rows { try await one(row, access: access, tx: tx, into: &outcome, apply: apply) }
                            }
                            if let inBatch {
                                var total = before
                                total.merge(outcome)
                                try await inBatch(total, outcome.errors, tx)
                            }
                            if let digest {
                                let next = ImportProgress(rows: last, refused: expected.refused + outcome.refused)
                                guard try await tx.advanceImportProgress(tenant: access.tenant.id, digest: digest, from: expected, to: next,
                                                                         fromStart: fromStart && expected.rows == 0, at: Date.rosterNow) else {
                                    throw RosterError.conflict("another run of this file is importing it; let it finish, then run this one again")
                                }
                            }
                            return outcome
                        }
                    }
                    // The closures this batch's write uses (the appliers, the job's hook) are used by it alone until
                    // `settle` has awaited it: the loop only reads the file meanwhile.
                    let job = Unchecked(value: { () async throws -> PartyImportReport in
                        var deadlocks = 0
                        var rowByRow = fast == nil
                        while true {
                            do {
                                return try await write(rowByRow)
                            } catch is Retry {
                                // The fast way failed, and its transaction rolled back: the batch again, row by row.
                                rowByRow = true
                            } catch StoreError.concurrentWrite where deadlocks < 4 {
                                // PostgreSQL gave the batch up for a concurrent writer (two imports inserting the same keys
                                // in different orders deadlock): rolled back, it runs again, row by row, once the other
                                // has had a moment to commit (a probe saw such a run stop).
                                deadlocks += 1
                                rowByRow = true
                                try await Task.sleep(for: .milliseconds(Int.random(in: 10...50) * deadlocks))
                            }
                        }
                    })
                    writing = (Task { try await job.value() }, last, expected)
                    batch.removeAll(keepingCapacity: true)
                }
                if row == nil { break }
            }
            try await settle()
            if let unreadable { throw unreadable }
        } catch {
            // A file that fails to read, or a batch refused: the batch under way ends first (committed or rolled back).
            var through = committed.rows
            if let (task, last, _) = writing, (try? await task.value) != nil { through = last }
            // A file unreadable part-way: what is in already, and that a corrected file is another file (its digest names
            // its progress), whose run would make the rows without an email or phone again (found by a probe).
            if let unreadable = error as? ImportFile.Unreadable, through > 0 {
                throw ImportFile.Unreadable(description: unreadable.description + "; the rows up to row \(through) are imported. A corrected "
                                            + "file is another file: import only the rows after row \(through), or those without an email "
                                            + "or phone are made again")
            }
            throw error
        }
        return report
    }

    /// Hands a value to the task that alone uses it from then on (see `run`).
    struct Unchecked<Value>: @unchecked Sendable {
        let value: Value
    }

    /// Thrown by a batch applier whose multi-row write failed: the batch is done again row by row.
    struct Retry: Error {}

    /// Thrown by a row whose key a concurrent writer committed after the row looked for it: the row runs once more.
    struct Raced: Error {}

    /// A row that lost a race for a unique key: its own finding (`Raced`) or the database's.
    static func raced(_ error: any Error) -> Bool {
        if error is Raced { return true }
        if case StoreError.uniqueViolation = error { return true }
        return false
    }

    /// One row, in a savepoint: created, updated, unchanged, skipped, or refused with every field that is wrong.
    /// `savepoint: false` only for a row `apply` refuses before it writes anything (its rules fail in memory).
    static func one<Row: ImportRow>(_ row: Row, access: TenantAccess, tx: any StoreTransaction, into report: inout PartyImportReport,
                                    savepoint: Bool = true,
                                    apply: (Row, TenantAccess, any StoreTransaction) async throws -> ImportOutcome) async throws {
        report.processed += 1
        if !row.problems.isEmpty {
            report.refused += 1
            report.errors += row.problems.map { PartyImportReport.RefusedRow(row: row.number, field: $0.field, message: $0.message) }
            return
        }
        do {
            let outcome: ImportOutcome
            do {
                outcome = savepoint ? try await tx.savepoint { () -> ImportOutcome in try await apply(row, access, tx) }
                                    : try await apply(row, access, tx)
            } catch let error where savepoint && Self.raced(error) {
                // A concurrent writer (another import, on PostgreSQL) committed the same key after this row looked for it:
                // the row once more sees that party now, and is skipped, updated or refused as its mode says (it was
                // refused as "a record with these values exists" under `skip`; found by a probe).
                outcome = try await tx.savepoint { () -> ImportOutcome in try await apply(row, access, tx) }
            }
            switch outcome {
            case .created: report.created += 1
            case .updated: report.updated += 1
            case .unchanged: report.unchanged += 1
            case .skipped: report.skipped += 1
            }
        } catch let error as RosterError {
            report.refused += 1
            if case .validation(let fields) = error {
                report.errors += fields.map { PartyImportReport.RefusedRow(row: row.number, field: $0.field, message: $0.message) }
            } else {
                report.errors.append(PartyImportReport.RefusedRow(row: row.number, field: "", message: error.detail ?? ""))
            }
        } catch let error where Self.raced(error) {
            report.refused += 1
            report.errors.append(PartyImportReport.RefusedRow(row: row.number, field: "", message: "a record with these values exists"))
        } catch StoreError.missingReference {
            report.refused += 1
            report.errors.append(PartyImportReport.RefusedRow(row: row.number, field: "", message: "a party it names no longer exists"))
        } catch let error as StoreError {
            throw error  // unavailable, or a deadlock: the batch fails and the run can be taken up again
        } catch {
            // The database refused the row's values (PostgreSQL: a NUL in text or JSON): the row is refused, the rest goes on.
            report.refused += 1
            report.errors.append(PartyImportReport.RefusedRow(row: row.number, field: "", message: "the database refused its values"))
        }
    }
}

extension Party {
    /// The keys this party holds in the live-unique indexes (kind and normalized email, kind and phone digits).
    var liveKeys: Set<LiveKey> {
        var keys = Set<LiveKey>()
        if let email = email?.normalized { keys.insert(.email(kind, email)) }
        if let phone = phone?.digits { keys.insert(.phone(kind, phone)) }
        return keys
    }
}
