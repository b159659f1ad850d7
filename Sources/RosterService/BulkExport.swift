import Foundation
public import RosterCore
public import RosterStore

/// The file formats of bulk imports and exports.
public enum BulkFormat: String, Sendable, CaseIterable {
    case csv, jsonl

    public var contentType: String { self == .csv ? "text/csv; charset=utf-8" : "application/x-ndjson" }
}

/// How a tenant's parties are exported (`roster export parties`, `GET .../parties/export`).
public struct PartiesExportOptions: Sendable {
    public var format: BulkFormat
    /// Replace personal values with consistent, valid pseudonyms (a copy for test tenants).
    public var mask: Bool
    /// Pseudonyms agree across exports made with the same passphrase; a random key per export when nil.
    public var maskPassphrase: String?
    /// Parties per read transaction (and per chunk of output).
    public var pageSize: Int
    /// CSV: a field a spreadsheet would run as a formula starts with an apostrophe (`SpreadsheetGuard`).
    public var spreadsheetSafe: Bool

    public init(format: BulkFormat, mask: Bool = false, maskPassphrase: String? = nil, pageSize: Int = 1000, spreadsheetSafe: Bool = false) {
        self.format = format
        self.mask = mask
        self.maskPassphrase = maskPassphrase
        self.pageSize = pageSize
        self.spreadsheetSafe = spreadsheetSafe
    }

    /// The longest mask key taken, in characters.
    public static let maskKeyMax = 256

    /// A mask key as a caller gives it (`--mask-key`, the `Roster-Mask-Key` header, the console's field), named `field` in
    /// a refusal: nil when none is given. One rule on every path, so that a passphrase one takes gives on all of them the
    /// same pseudonyms: printable ASCII (what a header carries as it is), no space at either end (which a header loses),
    /// 1 to `maskKeyMax` characters; and refused without masking, where it would be ignored. (A probe made copies in the
    /// console and the CLI, with a trailing space or an accent, that no API export could match.)
    public static func maskKey(_ value: String?, mask: Bool, field: String) throws -> String? {
        guard let value else { return nil }
        guard mask else { throw RosterError.invalid(field, "goes with a masked export (mask=true)") }
        guard !value.isEmpty else { throw RosterError.invalid(field, "must not be empty (leave it out for a random key)") }
        guard value.utf8.count <= maskKeyMax else { throw RosterError.invalid(field, "must be at most \(maskKeyMax) characters") }
        guard value.utf8.allSatisfy({ (0x20...0x7e).contains($0) }) else {
            throw RosterError.invalid(field, "must be printable ASCII (letters, digits, punctuation and spaces), as a header carries it")
        }
        guard value.first != " ", value.last != " " else { throw RosterError.invalid(field, "must not begin or end with a space") }
        return value
    }

    /// The export's audit fields besides its columns: `mask` when masked, `maskKey` when under a key of the caller's (such
    /// exports agree with each other), and the format.
    var auditFields: [String] {
        (mask ? ["mask"] : []) + (mask && maskPassphrase != nil ? ["maskKey"] : []) + [format.rawValue]
    }
}

/// Formula injection (CWE-1236): a CSV field that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a
/// formula by spreadsheets (a party named `=HYPERLINK(...)` became a link in the console's download; found by a probe).
/// A spreadsheet-safe export starts such a field with an apostrophe, which spreadsheets show as text and do not run; the
/// CSV import takes one off a field that begins with an apostrophe and one of those characters, so that the file
/// imports as exported.
public enum SpreadsheetGuard {
    static func triggers(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "=") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "@") || byte == 0x09 || byte == 0x0D
    }

    /// Apostrophes, then one of those characters (`'*[=+\-@\t\r]`): a field a spreadsheet-safe export guards. A field of
    /// its own that begins with apostrophes and one of them is guarded too, so that the import gives it back whole (it
    /// came back one apostrophe short; found by a probe).
    static func formulaLike(_ field: String) -> Bool {
        for byte in field.utf8 where byte != UInt8(ascii: "'") { return triggers(byte) }
        return false
    }

    /// The field as a spreadsheet-safe export writes it.
    public static func guarded(_ field: String) -> String {
        formulaLike(field) ? "'" + field : field
    }

    /// The field as the import reads it: the apostrophe of a guarded field taken off.
    public static func unguarded(_ field: String) -> String {
        field.utf8.first == UInt8(ascii: "'") && formulaLike(field) ? String(field.dropFirst()) : field
    }
}

/// Streamed exports of a tenant's parties (issue 12, item 4). The rows are those of `roster import parties` (the same
/// columns, so that an export, masked or not, imports into another tenant), every party that is not deleted and that
/// the caller may read, in id order, a page per read transaction: memory stays flat whatever the tenant's size.
///
/// Audit: the export itself is one `parties.export` entry (the columns as its fields, `mask` when masked) written before
/// the first byte; an unmasked export also records a `party.export` entry for every party, page by page, each page
/// going out only once its entries are durable, as every read of personal data. A masked export holds no personal
/// value and records only the first entry.
public struct BulkExportService: Sendable {
    let store: any Store
    let audit: AuditLog

    public init(store: any Store, audit: AuditLog) {
        self.store = store
        self.audit = audit
    }

    /// Checks the caller's right (`parties.read` somewhere: a scoped caller exports its subtrees) and the tenant, records
    /// the export, and returns the stream of its bytes. Errors before the first byte come from here.
    public func exportParties(tenant slug: String, _ options: PartiesExportOptions, context: OperationContext) async throws -> PartiesExport {
        guard (1...10_000).contains(options.pageSize) else { throw RosterError.invalid("pageSize", "must be between 1 and 10000") }
        let (tenant, keys, total) = try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            try access.requireSomewhere("parties.read")
            let keys = options.format == .csv ? try await tx.propertyKeys(tenant: access.tenant.id, within: access.readable) : []
            return (access.tenant, keys, try await tx.partyCount(tenant: access.tenant.id, within: access.readable))
        }
        let columns = PartiesExport.baseColumns + keys.map { "properties." + $0 }
        // The properties' keys are the parties' own words (a key can be a name or a number): "properties" alone, as a
        // change of them is recorded (they were listed one by one, and stayed in the chain after an erasure; found by a
        // probe).
        try await audit.record([AuditEvent(tenantID: tenant.id, context: context, action: "parties.export", targetType: "tenant",
                                           targetID: tenant.id.description,
                                           fields: options.auditFields + PartiesExport.baseColumns
                                               + (keys.isEmpty && options.format == .csv ? [] : ["properties"]))])
        let pseudonyms = options.mask ? options.maskPassphrase.map(Pseudonyms.init(passphrase:)) ?? Pseudonyms() : nil
        return PartiesExport(service: self, slug: slug, context: context, options: options, columns: columns, propertyKeys: keys,
                             pseudonyms: pseudonyms, total: total)
    }

    /// Those of a page read ahead that the caller may read now (read again: a revoked key or an inactive user ends the
    /// export, a narrowed scope leaves out what it no longer reaches).
    func current(_ slug: String, _ parties: [Party], context: OperationContext) async throws -> [Party] {
        try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false, current: true)
            try access.requireSomewhere("parties.read")
            return try await access.visible(parties) { [$0.id] }
        }
    }

    /// The next page after `after`, as the caller may read it now (a right revoked during an export ends it).
    func page(_ slug: String, after: Party.ID?, limit: Int, context: OperationContext) async throws -> [Party] {
        try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false, current: true)
            try access.requireSomewhere("parties.read")
            var query = PartyQuery(after: after, limit: limit)
            query.within = access.readable
            return try await access.searchParties(query)
        }
    }
}

/// The bytes of one export, a chunk per page: the CSV header first. Iterate it once.
public struct PartiesExport: AsyncSequence, Sendable {
    public typealias Element = ArraySlice<UInt8>

    /// The columns of `roster import parties`, in this order; `properties.KEY` columns follow in CSV.
    public static let baseColumns = ["kind", "firstName", "lastName", "name", "email", "phone", "website", "note", "customerType",
                                     "roles", "tags"]

    let service: BulkExportService
    let slug: String
    let context: OperationContext
    let options: PartiesExportOptions
    public let columns: [String]
    let propertyKeys: [String]
    let pseudonyms: Pseudonyms?
    /// The parties there were when the export began (for a progress bar: parties created since may be exported too).
    public let total: Int

    public var format: BulkFormat { options.format }

    public func makeAsyncIterator() -> Iterator {
        Iterator(export: self)
    }

    /// A pipeline of pages: up to `depth` pages are under way at once, each read after the one before, its audit
    /// entries recorded (after those of the page before, so the chain follows the export's order) while its bytes are
    /// made. SQLite's readers and its writer are separate connections (PostgreSQL's too), so reading, auditing and
    /// making bytes overlap on two cores, and the writer is not left idle while the caller writes a page out (at a
    /// million rows, one page at a time kept 1.3 of the two cores busy). A page is handed over once its entries are
    /// durable, after the caller is read again (see `next`).
    public struct Iterator: AsyncIteratorProtocol {
        /// A page made ready: the parties read (fewer than a page: the last one), their bytes.
        struct Chunk: Sendable {
            var parties: [Party]
            var bytes: [UInt8]
        }

        static let depth = 3

        let export: PartiesExport
        var started = false
        var finished = false
        /// The pages under way, oldest first.
        var pending: [Task<Chunk, any Error>] = []
        /// The read of the newest page under way, which the next page's read continues after.
        var lastRead: Task<[Party], any Error>?
        /// Parties written so far.
        public private(set) var count = 0

        init(export: PartiesExport) {
            self.export = export
        }

        /// Starts pages until `depth` are under way. A page after the last one reads nothing and is empty.
        mutating func fill() {
            let (export, limit) = (self.export, self.export.options.pageSize)
            while pending.count < Self.depth {
                let previous = lastRead
                let read = Task { () throws -> [Party] in
                    var after: Party.ID?
                    if let previous {
                        let before = try await previous.value
                        guard before.count == limit, let last = before.last else { return [] }
                        after = last.id
                    }
                    return try await export.service.page(export.slug, after: after, limit: limit, context: export.context)
                }
                let audited = pending.last
                pending.append(Task { () throws -> Chunk in
                    let parties = try await read.value
                    guard !parties.isEmpty else { return Chunk(parties: [], bytes: []) }
                    guard export.pseudonyms == nil else { return Chunk(parties: parties, bytes: try export.emit(parties)) }
                    async let recorded: Void = {
                        _ = try await audited?.value
                        try await export.service.audit.record(parties.map { party in
                            AuditEvent(tenantID: party.tenantID, context: export.context, action: "party.export", targetType: "party",
                                       targetID: party.id.description)
                        })
                    }()
                    let bytes = try export.emit(parties)
                    try await recorded
                    return Chunk(parties: parties, bytes: bytes)
                })
                lastRead = read
            }
        }

        /// The next page's bytes, once its audit entries are durable. The caller is read again first: a key revoked or a
        /// user deactivated since ends the export here, and parties its scope no longer reaches are left out. (Their
        /// entries, and those of up to two pages under way when an export ends early, were recorded: the audit may name
        /// a little more than was sent, never less.)
        public mutating func next() async throws -> ArraySlice<UInt8>? {
            if finished { return nil }
            if !started {
                started = true
                fill()
                if export.options.format == .csv { return try export.csv([export.columns])[...] }
            }
            let chunk: Chunk
            do {
                chunk = try await pending.removeFirst().value
            } catch {
                finished = true
                throw error
            }
            if chunk.parties.count < export.options.pageSize { finished = true } else { fill() }
            if chunk.parties.isEmpty { return nil }
            let parties: [Party]
            do {
                parties = try await export.service.current(export.slug, chunk.parties, context: export.context)
            } catch {
                finished = true
                throw error
            }
            count += parties.count
            return parties.count == chunk.parties.count ? chunk.bytes[...] : try export.emit(parties)[...]
        }
    }

    func emit(_ parties: [Party]) throws -> [UInt8] {
        let rows = parties.map { pseudonyms?.mask($0) ?? $0 }
        guard options.format == .csv else { return try jsonLines(rows) }
        return try Self.csvBytes(rows.map(csvRow), spreadsheetSafe: options.spreadsheetSafe)
    }

    func csvRow(_ party: Party) -> [String] {
        var row = [party.kind.rawValue, party.firstName ?? "", party.lastName ?? "", party.name ?? "", party.email?.value ?? "",
                   party.phone.map { "+" + $0.digits } ?? "", party.website ?? "", party.note ?? "", party.customerType?.rawValue ?? "",
                   party.roles.joined(separator: ";"), party.tags.map(\.text).joined(separator: ";")]
        for key in propertyKeys {
            switch party.properties[key] {
            case .string(let text): row.append(text)
            case .int(let value): row.append(String(value))
            case .double(let value): row.append(String(value))
            case .bool(let value): row.append(String(value))
            case .null, nil: row.append("")
            }
        }
        return row
    }

    /// RFC 4180 rows straight into bytes (a field with a comma, a quote or a line break is quoted, its quotes doubled;
    /// so is one with white space at an end, which the import trims off unquoted fields), one `\n` after each.
    /// CSV.swift's writer, used at first, was 47% of an export's time in perf (a stream write per character, a
    /// Foundation string search per field, the memory stream's bridging); CSV.swift still reads imports.
    func csv(_ rows: [[String]]) throws -> [UInt8] {
        try Self.csvBytes(rows, spreadsheetSafe: false)
    }

    /// `csv`, with every field guarded when `spreadsheetSafe` (`SpreadsheetGuard`).
    static func csvBytes(_ rows: [[String]], spreadsheetSafe: Bool) throws -> [UInt8] {
        let rows = spreadsheetSafe ? rows.map { $0.map(SpreadsheetGuard.guarded) } : rows
        var bytes: [UInt8] = []
        bytes.reserveCapacity(rows.count * 96)
        for row in rows {
            for (index, field) in row.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                let utf8 = field.utf8
                if utf8.contains(where: { $0 == 0x22 || $0 == 0x2C || $0 == 0x0A || $0 == 0x0D }) || Self.hasSpaceAtAnEnd(field) {
                    bytes.append(0x22)
                    for byte in utf8 {
                        if byte == 0x22 { bytes.append(0x22) }
                        bytes.append(byte)
                    }
                    bytes.append(0x22)
                } else {
                    bytes.append(contentsOf: utf8)
                }
            }
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }

    /// White space at either end of a field, as CSV.swift's reader trims it (`CharacterSet.whitespaces`).
    static func hasSpaceAtAnEnd(_ field: String) -> Bool {
        guard let first = field.unicodeScalars.first, let last = field.unicodeScalars.last else { return false }
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII ? scalar == " " || scalar == "\t" : CharacterSet.whitespaces.contains(scalar)
        }
        return isSpace(first) || isSpace(last)
    }

    /// One object per party with the import's field names: absent fields are left out, properties keep their JSON type.
    struct Line: Encodable {
        var kind: String
        var firstName: String?
        var lastName: String?
        var name: String?
        var email: String?
        var phone: String?
        var website: String?
        var note: String?
        var customerType: String?
        var roles: [String]
        var tags: [String]
        var properties: [String: JSONScalar]?
    }

    func jsonLines(_ parties: [Party]) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes: [UInt8] = []
        for party in parties {
            let line = Line(kind: party.kind.rawValue, firstName: party.firstName, lastName: party.lastName, name: party.name,
                            email: party.email?.value, phone: party.phone.map { "+" + $0.digits }, website: party.website,
                            note: party.note, customerType: party.customerType?.rawValue, roles: party.roles,
                            tags: party.tags.map(\.text), properties: party.properties.isEmpty ? nil : party.properties)
            bytes += try encoder.encode(line)
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }
}

/// Streamed exports of a tenant's edges, in the columns of `roster import relationships`, so that a tenant's hierarchy
/// follows its parties into another tenant (a masked copy for tests, with the same `maskPassphrase` as its parties'
/// export). Every edge whose two ends are live and readable by the caller, in id order, a page per read transaction.
///
/// Each end is named as the import finds it in a tenant of its own: by the email only it holds among the live parties,
/// else (a child) by its phone or (a parent organization) by the name only it holds, else by its id, which only the
/// same tenant resolves. Masked, emails, phones and names are the pseudonyms the parties' export gives with the same key.
///
/// Audit: one `relationships.export` entry first; unmasked, a `party.export` entry for every end whose email, phone or
/// name a page names, recorded before the page goes out. A masked export records only the first entry.
extension BulkExportService {
    public func exportRelationships(tenant slug: String, _ options: PartiesExportOptions, context: OperationContext) async throws -> RelationshipsExport {
        guard (1...10_000).contains(options.pageSize) else { throw RosterError.invalid("pageSize", "must be between 1 and 10000") }
        let pseudonyms = options.mask ? options.maskPassphrase.map(Pseudonyms.init(passphrase:)) ?? Pseudonyms() : nil
        let (tenant, maskedNames) = try await store.read { tx -> (Tenant, [String: Int]?) in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            try access.requireSomewhere("parties.read")
            // Masked, a parent organization is named by its pseudonym only when no other organization the caller reads has
            // the same one: pseudonyms of different names may collide (short names often do), so every organization's
            // is counted once, here (per page, a collision between pages went unseen; found by a probe).
            guard let pseudonyms else { return (access.tenant, nil) }
            let organizations = try await tx.liveOrganizationNames(tenant: access.tenant.id)
            let readable = try await access.readableAmongExisting(organizations.map(\.id))
            var counts: [String: Int] = [:]
            for (id, name) in organizations where readable.contains(id) { counts[pseudonyms.name(name), default: 0] += 1 }
            return (access.tenant, counts)
        }
        try await audit.record([AuditEvent(tenantID: tenant.id, context: context, action: "relationships.export", targetType: "tenant",
                                           targetID: tenant.id.description,
                                           fields: options.auditFields + RelationshipsExport.columns)])
        return RelationshipsExport(service: self, slug: slug, context: context, options: options, pseudonyms: pseudonyms,
                                   maskedNames: maskedNames ?? [:])
    }


    /// The page of rows after the edge `after`, as the caller may read now: the rows, the last edge read (nil at the end)
    /// and the parties whose personal values the rows name.
    func relationshipPage(_ slug: String, after: Relationship.ID?, limit: Int, pseudonyms: Pseudonyms?, maskedNames: [String: Int],
                          context: OperationContext) async throws -> (rows: [RelationshipsExport.Row], last: Relationship.ID?, named: [Party]) {
        try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false, current: true)
            try access.requireSomewhere("parties.read")
            let tenant = access.tenant.id
            let edges = try await tx.relationships(tenant: tenant, query: RelationshipQuery(after: after, limit: limit))
            let last = edges.count == limit ? edges.last?.id : nil
            let visible = try await access.visible(edges) { [$0.parentID, $0.childID] }
            var parties: [Party.ID: Party] = [:]
            for party in try await tx.parties(tenant: tenant, ids: visible.flatMap { [$0.parentID, $0.childID] }) where party.isLive {
                parties[party.id] = party
            }
            // Which emails, phones and names name one live party only among those the caller reads, as its import
            // resolves them (a key two parties hold is refused); parties it can't read are not counted, so the choice
            // tells nothing of them.
            let holders = try await tx.liveHolders(tenant: tenant, emailKeys: parties.values.compactMap { $0.email?.normalized },
                                                   phones: parties.values.compactMap { $0.phone?.digits })
            // Unmasked, organizations are named by their exact names; masked, by pseudonyms, counted over the tenant when
            // the export began (names that differ in case only have one pseudonym, and others may collide).
            let organizations = pseudonyms == nil
                ? try await tx.liveOrganizations(tenant: tenant, named: Set(parties.values.filter { $0.kind == .organization }.compactMap(\.name)))
                : []
            let seen = try await access.readableAmongExisting(holders.map(\.id) + organizations.map(\.id))
            var emailHolders: [String: Set<Party.ID>] = [:], phoneHolders: [String: Set<Party.ID>] = [:]
            for (id, key) in holders where seen.contains(id) {
                switch key {
                case .email(_, let email): emailHolders[email, default: []].insert(id)
                case .phone(_, let digits): phoneHolders[digits, default: []].insert(id)
                }
            }
            var named = maskedNames
            for organization in organizations where seen.contains(organization.id) {
                if let name = organization.name { named[name, default: 0] += 1 }
            }
            var mentioned: [Party.ID: Party] = [:]
            func reference(_ party: Party, child: Bool) -> (column: String, value: String) {
                let shown = pseudonyms?.mask(party) ?? party
                if let email = party.email, emailHolders[email.normalized] == [party.id], let value = shown.email?.value {
                    mentioned[party.id] = party
                    return (child ? "childEmail" : "parentEmail", value)
                }
                if child, let phone = party.phone, phoneHolders[phone.digits] == [party.id], let digits = shown.phone?.digits {
                    mentioned[party.id] = party
                    return ("childPhone", "+" + digits)
                }
                if party.kind == .organization, let value = shown.name, named[value] == 1 {
                    mentioned[party.id] = party
                    return (child ? "childName" : "parentName", value)
                }
                return (child ? "childId" : "parentId", party.id.description)
            }
            var rows: [RelationshipsExport.Row] = []
            for edge in visible {
                guard let parent = parties[edge.parentID], let child = parties[edge.childID] else { continue }
                rows.append(RelationshipsExport.Row(child: reference(child, child: true), parent: reference(parent, child: false),
                                                    type: edge.type, role: edge.role, validFrom: edge.validFrom.map(RFC3339.string),
                                                    validTo: edge.validTo.map(RFC3339.string)))
            }
            return (rows, last, pseudonyms == nil ? mentioned.values.sorted { $0.id < $1.id } : [])
        }
    }
}

/// The bytes of one relationships export, a chunk per page: the CSV header first. Iterate it once.
public struct RelationshipsExport: AsyncSequence, Sendable {
    public typealias Element = ArraySlice<UInt8>

    /// The columns of `roster import relationships`, in this order.
    public static let columns = ["childId", "childEmail", "childPhone", "childName", "parentId", "parentEmail", "parentName", "type", "role",
                                 "validFrom", "validTo"]

    struct Row: Sendable {
        var child: (column: String, value: String)
        var parent: (column: String, value: String)
        var type: String
        var role: String?
        var validFrom: String?
        var validTo: String?

        var fields: [String: String] {
            var fields = [child.column: child.value, parent.column: parent.value, "type": type]
            if let role { fields["role"] = role }
            if let validFrom { fields["validFrom"] = validFrom }
            if let validTo { fields["validTo"] = validTo }
            return fields
        }
    }

    let service: BulkExportService
    let slug: String
    let context: OperationContext
    let options: PartiesExportOptions
    let pseudonyms: Pseudonyms?
    /// Masked: how many organizations the caller reads go by each pseudonym.
    let maskedNames: [String: Int]

    public var format: BulkFormat { options.format }

    public func makeAsyncIterator() -> Iterator {
        Iterator(export: self)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let export: RelationshipsExport
        var started = false
        var finished = false
        var after: Relationship.ID?
        /// Edges written so far.
        public private(set) var count = 0

        /// The next page's bytes, once the audit entries of the parties it names are durable. The caller is read again
        /// for every page: a key revoked or a user deactivated since ends the export.
        public mutating func next() async throws -> ArraySlice<UInt8>? {
            while !finished {
                if !started {
                    started = true
                    if export.options.format == .csv {
                        return try PartiesExport.csvBytes([RelationshipsExport.columns], spreadsheetSafe: false)[...]
                    }
                }
                let page: (rows: [Row], last: Relationship.ID?, named: [Party])
                do {
                    page = try await export.service.relationshipPage(export.slug, after: after, limit: export.options.pageSize,
                                                                     pseudonyms: export.pseudonyms, maskedNames: export.maskedNames,
                                                                     context: export.context)
                } catch {
                    finished = true
                    throw error
                }
                after = page.last
                if page.last == nil { finished = true }
                guard !page.rows.isEmpty else { continue }
                if !page.named.isEmpty {
                    try await export.service.audit.record(page.named.map { party in
                        AuditEvent(tenantID: party.tenantID, context: export.context, action: "party.export", targetType: "party",
                                   targetID: party.id.description)
                    })
                }
                count += page.rows.count
                return try export.emit(page.rows)[...]
            }
            return nil
        }
    }

    func emit(_ rows: [Row]) throws -> [UInt8] {
        if options.format == .csv {
            return try PartiesExport.csvBytes(rows.map { row in
                let fields = row.fields
                return Self.columns.map { fields[$0] ?? "" }
            }, spreadsheetSafe: options.spreadsheetSafe)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes: [UInt8] = []
        for row in rows {
            bytes += try encoder.encode(row.fields)
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }
}
