import Foundation
public import RosterCore
public import RosterStore

/// One dealer from the seed's list: email, display name and dealer code.
public struct DealerRow: Sendable, Hashable {
    public var email: String
    public var displayName: String?
    public var dealerCode: String?
    /// Its number in the file (data rows from 1, the header not counted, blank lines counted); nil: its place in the list.
    public var number: Int?
    /// Why the reader refuses the row, if it does: more fields than the header names, or lines a stray quote made one.
    public var refusal: Refusal?

    public struct Refusal: Sendable, Hashable {
        public var field: String
        public var message: String
    }

    public init(email: String, displayName: String? = nil, dealerCode: String? = nil, number: Int? = nil) {
        self.email = email
        self.displayName = displayName
        self.dealerCode = dealerCode
        self.number = number
    }
}

public struct ImportReport: Sendable, Hashable {
    public struct RowError: Sendable, Hashable {
        /// 1-based position in the input.
        public var row: Int
        public var field: String
        public var message: String
    }

    public var created = 0
    public var updated = 0
    public var unchanged = 0
    public var errors: [RowError] = []

    public init() {}
}

/// The dealer import of seed 001 ("seed:dealers"): upsert by email. An existing user keeps its SSO
/// subject and role, gets the dealer code as employeeId, and designation `Dealer` and department
/// `Dealer Operations` unless they already mention dealers. Idempotent: a second run changes nothing.
public struct DealerImport: Sendable {
    let store: any Store
    public static let designation = "Dealer"
    public static let department = "Dealer Operations"

    public init(store: any Store) {
        self.store = store
    }

    /// Imports `rows` in batches (one transaction each); `progress` gets the number of rows done.
    public func run(tenant slug: String, rows: [DealerRow], batchSize: Int = 200, context: OperationContext,
                    progress: @Sendable (Int) -> Void = { _ in }) async throws -> ImportReport {
        var report = ImportReport()
        var done = 0
        // A second row of one email (compared as emails are) is refused: applied in turn, two rows of one user changed it
        // back and forth on every run, and the import was not idempotent (found by a probe).
        var firstRow: [String: Int] = [:]
        var repeats: [Int: Int] = [:]
        for (index, row) in rows.enumerated() where row.refusal == nil {
            guard let email = try? EmailAddress(row.email) else { continue }
            let number = row.number ?? index + 1
            if let first = firstRow[email.normalized] { repeats[number] = first } else { firstRow[email.normalized] = number }
        }
        if rows.isEmpty {
            _ = try await store.read { tx in try await TenantAccess.open(tx, slug, context, write: false).require("users.manage") }
        }
        for start in stride(from: 0, to: rows.count, by: batchSize) {
            let batch = Array(rows[start..<min(start + batchSize, rows.count)].enumerated().map { ($0.element.number ?? $0.offset + start + 1, $0.element) })
            // A batch that met a user another import made meanwhile (two servers, one file) runs again and finds it: the
            // upsert is idempotent (the whole batch was refused with a 409; found by a probe).
            let part = try await onceMoreOnDuplicate(RosterError.conflict("a concurrent import made the same users; run it again")) {
                try await store.write { tx in
                    let access = try await TenantAccess.open(tx, slug, context, write: true)
                    try access.require("users.manage")
                    var part = ImportReport()
                    for (number, row) in batch {
                        if let refusal = row.refusal {
                            part.errors.append(.init(row: number, field: refusal.field, message: refusal.message))
                            continue
                        }
                        if let first = repeats[number] {
                            part.errors.append(.init(row: number, field: "email", message: "is row \(first)'s email too: one row per user"))
                            continue
                        }
                        try await Self.upsert(row, number: number, access: access, report: &part)
                    }
                    return part
                }
            }
            report.created += part.created
            report.updated += part.updated
            report.unchanged += part.unchanged
            report.errors += part.errors
            done += batch.count
            progress(done)
        }
        return report
    }

    static func upsert(_ row: DealerRow, number: Int, access: TenantAccess, report: inout ImportReport) async throws {
        let (tenant, tx, context) = (access.tenant.id, access.tx, access.context)
        let email: EmailAddress
        do {
            email = try EmailAddress(row.email)
        } catch {
            // An empty one is missing, not malformed (a probe read "is not a valid email" for a row without one).
            let message = row.email.trimmingWhitespace().isEmpty ? "is required" : "is not a valid email"
            report.errors.append(.init(row: number, field: "email", message: message))
            return
        }
        // A code or a name that can't be kept refuses the row, named (it was dropped, and the row counted as created).
        var errors = ValidationErrors()
        let code = errors.check { try Text.optional(row.dealerCode, field: "dealerCode", max: 64) } ?? nil
        let name = errors.check { try Text.optional(row.displayName, field: "displayName", max: Text.nameMax) } ?? nil
        guard errors.errors.isEmpty else {
            report.errors += errors.errors.map { .init(row: number, field: $0.field, message: $0.message) }
            return
        }
        let now = Date.rosterNow
        if var user = try await tx.user(tenant: tenant, emailNormalized: email.normalized) {
            do {
                try await access.requireManageable(user)
            } catch RosterError.forbidden(let reason) {
                report.errors.append(.init(row: number, field: "email", message: "refused: \(reason)"))
                return
            }
            let before = user
            if let code { user.employeeID = code }
            // "Already mentions dealers" as the dealer segment reads it (Swift's `contains` saw no `dealer` in `Deale` + `r`
            // with a combining mark, which the segment lists; found by a probe).
            if !(user.designation.map(Self.mentionsDealers.matches) ?? false) { user.designation = designation }
            if !(user.department.map(Self.mentionsDealers.matches) ?? false) { user.department = department }
            if user.displayName == nil, let name { user.displayName = name }
            let changed = user.changedFields(from: before)
            guard !changed.isEmpty else {
                report.unchanged += 1
                return
            }
            user.updatedAt = now
            user.version += 1
            _ = try await tx.updateUser(user, expectedVersion: before.version)
            try await tx.appendAudit([AuditEvent(tenantID: tenant, context: context, action: "user.import", targetType: "user",
                                                 targetID: user.id.description, fields: changed)])
            report.updated += 1
        } else {
            let user = User(id: .make(), tenantID: tenant, email: email, employeeID: code, displayName: name, designation: designation,
                            department: department, role: .user, isActive: true, createdAt: now, updatedAt: now)
            try await tx.insertUser(user)
            try await tx.appendAudit([AuditEvent(tenantID: tenant, context: context, action: "user.import", targetType: "user",
                                                 targetID: user.id.description, fields: user.presentFields)])
            report.created += 1
        }
    }

    static let mentionsDealers = Segment.Rule(field: .designation, op: .contains, value: "dealer")

    /// The text of a CSV sent as bytes: UTF-8, or refused (a Latin-1 file's bytes were replaced by U+FFFD and stored over
    /// HTTP, where the CLI refused the file; found by a probe).
    public static func text(_ bytes: [UInt8]) throws -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw RosterError.invalid("file", "is not UTF-8 text (save the CSV as UTF-8)")
        }
        return text
    }

    /// Reads the dealer CSV: a header naming `email`, `displayName` (or `name`) and `dealerCode` (or `code`,
    /// `employeeId`), in any order; RFC 4180 quoting; a UTF-8 byte-order mark. Rows keep their numbers in the file
    /// (blank ones and those of separators only are skipped); a row with more fields than the header, or whose field
    /// holds a line break (a stray quote made lines one row), is refused saying so, as the party import does.
    public static func parseCSV(_ text: String) throws -> [DealerRow] {
        // Spreadsheets' "CSV UTF-8" begins with a byte-order mark, which is no part of the first column's name (the API
        // refused such a file, naming "\u{FEFF}email"; found by a probe).
        let text = text.unicodeScalars.first == "\u{FEFF}" ? String(text.unicodeScalars.dropFirst()) : text
        let records = CSV.parse(text)
        guard let header = records.first?.map({ $0.trimmingWhitespace().lowercased() }) else { return [] }
        func column(_ names: [String]) -> Int? { header.firstIndex { names.contains($0) } }
        let (emails, names, codes) = (["email", "e-mail"], ["displayname", "display name", "name"],
                                      ["dealercode", "dealer code", "code", "employeeid", "dealer_code"])
        let known = Set(emails + names + codes)
        let given = records.first?.map { $0.trimmingWhitespace() } ?? []
        let unknown = given.filter { !known.contains($0.lowercased()) }
        if !unknown.isEmpty {
            let listed = unknown.prefix(5).map { "\"\($0.prefix(40))\"" }.joined(separator: ", ")
            throw RosterError.invalid("file", "the header names columns this import does not know: \(listed) "
                                      + "(it reads email, displayName or name, dealerCode or code or employeeId)")
        }
        // One column per field: a second (`dealerCode,code`) would be read or ignored by no rule anyone wrote down.
        for (field, aliases) in [("email", emails), ("displayName", names), ("dealerCode", codes)]
        where header.filter({ aliases.contains($0) }).count > 1 {
            throw RosterError.invalid("file", "the header names the \(field) column more than once ("
                                      + given.filter { aliases.contains($0.lowercased()) }.joined(separator: ", ") + ")")
        }
        guard let emailColumn = column(emails) else { throw RosterError.invalid("file", "the header needs an email column") }
        let nameColumn = column(names)
        let codeColumn = column(codes)
        var rows: [DealerRow] = []
        for (index, record) in records.dropFirst().enumerated() where !record.allSatisfy({ $0.trimmingWhitespace().isEmpty }) {
            func value(_ index: Int?) -> String? {
                guard let index, index < record.count else { return nil }
                let v = record[index].trimmingWhitespace()
                return v.isEmpty ? nil : v
            }
            var row = DealerRow(email: value(emailColumn) ?? "", displayName: value(nameColumn), dealerCode: value(codeColumn),
                                number: index + 1)
            let cause = " (a quoted field runs over several lines: a quote out of place makes lines one row)"
            let runsOn = record.firstIndex { $0.contains("\n") || $0.contains("\r") }
            if record.count > header.count {
                // Fields past the header's were dropped without a word (found by a probe).
                row.refusal = .init(field: "", message: "has \(record.count) fields where the header has \(header.count)"
                                    + (runsOn != nil ? cause : ""))
            } else if let runsOn {
                let field = runsOn == emailColumn ? "email" : runsOn == nameColumn ? "displayName" : runsOn == codeColumn ? "dealerCode" : ""
                row.refusal = .init(field: field, message: "holds a line break" + cause)
            }
            rows.append(row)
        }
        return rows
    }
}

/// A small RFC 4180 reader: commas, quoted fields with doubled quotes, CRLF or LF. Kept rather than CSV.swift (which the
/// party import reads with) for a dealer list's one lenience: text after a closing quote (`"a, b"@example.com`) stays
/// in its field, where CSV.swift reads on to the next quote and makes two lines one row.
enum CSV {
    /// `;` or a tab separates when the header line holds one and no comma (as the party import reads CSV).
    static func parse(_ text: String) -> [[String]] {
        let header = text.prefix { $0 != "\n" && $0 != "\r" }
        let separator: Character = header.contains(",") ? "," : header.contains(";") ? ";" : header.contains("\t") ? "\t" : ","
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.makeIterator()
        var pending: Character?
        while let char = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if char == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else {
                    field.append(char)
                }
                continue
            }
            switch char {
            case "\"" where field.isEmpty: quoted = true
            case separator: record.append(field); field = ""
            case "\n", "\r\n", "\r":
                record.append(field)
                records.append(record)
                record = []
                field = ""
            default: field.append(char)
            }
        }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        return records
    }
}
