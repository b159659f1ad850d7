import Foundation
import RosterApp
import RosterCore
import RosterService
import RosterSQL
import RosterStore
import Testing

/// Party import (issue 12, item 1): the rules of POST .../parties row by row, each --on-duplicate mode, refused rows
/// reported with their fields, progress kept per file so that a second run goes on after the last committed row.
@Suite("Party import")
struct PartyImportTests {
    static func rows(_ rows: [PartyImportRow]) -> () -> PartyImportRow? {
        var iterator = rows.makeIterator()
        return { iterator.next() }
    }

    static func row(_ number: Int, _ fill: (inout PartyImportRow) -> Void) -> PartyImportRow {
        var row = PartyImportRow(number: number)
        fill(&row)
        return row
    }

    /// A table of rows run both ways: through the import and through the service of POST .../parties. Each gives the
    /// same outcome: created, or refused naming the same fields.
    @Test(arguments: StoreKind.allCases)
    func rowsFollowTheRulesOfTheAPI(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let table: [PartyImportRow] = [
                Self.row(1) { $0.firstName = "Ann"; $0.email = "ann@example.com"; $0.phone = "020 7946 0958" },
                Self.row(2) { $0.kind = "organization"; $0.name = "Acme"; $0.website = "acme.example" },
                Self.row(3) { $0.email = "not-an-email" },
                Self.row(4) { $0.kind = "organization"; $0.firstName = "Org"; $0.lastName = "With Names" },
                Self.row(5) { $0.customerType = "regular"; $0.firstName = "Reg" },
                Self.row(6) { $0.phone = "call me"; $0.website = "ftp://x" },
                Self.row(7) { $0.firstName = "Bea"; $0.roles = ["dealer", "planter"]; $0.properties = ["crm": .string("c-9")] },
                Self.row(10) { $0.firstName = "Cus"; $0.roles = ["customer"] },
                Self.row(8) { $0.kind = "robot"; $0.name = "R2" },
                Self.row(9) { $0.firstName = String(repeating: "x", count: 300) },
            ]
            let viaImport = try await rt.makeTenant(), viaAPI = try await rt.makeTenant()
            let report = try await rt.services.imports.run(tenant: viaImport.slug, digest: nil, onDuplicate: .skip, context: .test,
                                                           next: Self.rows(table))
            var refusedByImport: [Int: Set<String>] = [:]
            for error in report.errors { refusedByImport[error.row, default: []].insert(error.field) }
            var refusedByAPI: [Int: Set<String>] = [:]
            var createdByAPI = 0
            for row in table {
                do {
                    _ = try await rt.services.parties.create(tenant: viaAPI.slug, try PartyImportService.input(row), context: .test)
                    createdByAPI += 1
                } catch let error as RosterError {
                    refusedByAPI[row.number] = Set(error.invalidFields)
                }
            }
            #expect(report.created == createdByAPI && report.created == 3, "\(report) API: \(refusedByAPI)")
            #expect(refusedByImport == refusedByAPI, "import \(refusedByImport), API \(refusedByAPI)")
            #expect(report.refused == table.count - report.created)
            let bea = try await rt.services.parties.search(tenant: viaImport.slug, PartySearch(q: "Bea"), context: .test).items.first
            #expect(bea?.roles.sorted() == ["dealer", "planter"] && bea?.properties["crm"] == .string("c-9"), "\(String(describing: bea))")
        }
    }

    /// With the tenant's `autoLinkContacts`, an imported person is linked to the organization of its email's domain as
    /// POST .../parties links it: the same rows both ways give the same employment edges (an organization made by an
    /// earlier row counts; two organizations claiming a domain link none).
    @Test(arguments: StoreKind.allCases)
    func personsAreLinkedByTheirEmailsDomainAsThePOSTLinksThem(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let table: [PartyImportRow] = [
                Self.row(1) { $0.firstName = "Ann"; $0.email = "ann@farm.example" },                     // Farm Co, made before
                Self.row(2) { $0.firstName = "Bob"; $0.email = "bob@elsewhere.example" },                // no organization
                Self.row(3) { $0.firstName = "Early"; $0.email = "early@mill.example" },                 // before Mill's row
                Self.row(4) { $0.kind = "organization"; $0.name = "Mill"; $0.website = "www.mill.example" },
                Self.row(5) { $0.firstName = "Cy"; $0.email = "cy@mill.example"; $0.tags = ["Miller"] },  // after it
                Self.row(6) { $0.firstName = "Dee"; $0.email = "dee@twice.example" },                    // two claim it
                Self.row(7) { $0.firstName = "Eve"; $0.phone = "020 7946 0958" },                        // no email
            ]
            var outcomes: [String] = []
            for viaImport in [true, false] {
                let t = try await rt.services.tenants.create(slug: "t-" + UUID().uuidString.lowercased().prefix(18), name: "Linking",
                                                             settings: TenantSettings(defaultCallingCode: "44", autoLinkContacts: true),
                                                             context: .test).slug
                for (name, site) in [("Farm Co", "farm.example"), ("Twice A", "twice.example"), ("Twice B", "https://twice.example/b")] {
                    _ = try await rt.services.parties.create(tenant: t, PartyInput(kind: .organization, name: name, website: site), context: .test)
                }
                if viaImport {
                    let report = try await rt.services.imports.run(tenant: t, digest: nil, onDuplicate: .skip, batchSize: 3, context: .test,
                                                                   next: Self.rows(table))
                    #expect(report.created == table.count && report.refused == 0, "\(report)")
                } else {
                    for row in table {
                        let party = try await rt.services.parties.create(tenant: t, try PartyImportService.input(row), context: .test)
                        for tag in row.tags { _ = try await rt.services.tags.attach(tenant: t, party: party.id, text: tag, color: nil, context: .test) }
                    }
                }
                let parties = try await rt.services.parties.search(tenant: t, PartySearch(limit: 50), context: .test).items
                let names = Dictionary(uniqueKeysWithValues: parties.map { ($0.id, $0.name ?? $0.firstName ?? "") })
                let edges = try await rt.services.relationships.list(tenant: t, partyID: nil, type: Relationship.employment, role: nil,
                                                                     cursor: nil, limit: 50, context: .test).items
                outcomes.append(edges.map { "\(names[$0.parentID] ?? "?") > \(names[$0.childID] ?? "?") \($0.role ?? "-")" }.sorted()
                    .joined(separator: ", "))
                #expect(try await rt.services.audit.verify(tenant: t, context: .test).valid)
            }
            #expect(outcomes[0] == "Farm Co > Ann contact, Mill > Cy contact", "import: \(outcomes[0])")
            #expect(outcomes[0] == outcomes[1], "import: \(outcomes[0]); API: \(outcomes[1])")
        }
    }

    /// Three imports of the same people at once, in different orders (on PostgreSQL their batches race for the same keys
    /// and may deadlock): each row is made once, and every other run of it skips it; none is refused, neither run stops.
    @Test(arguments: StoreKind.allCases)
    func concurrentImportsOfTheSameRowsSkipWhatTheOtherMade(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant().slug
            let people = (1...600).map { number in
                Self.row(number) { $0.firstName = "P\(number)"; $0.email = "p\(number)@race.example"; $0.phone = "020 7946 \(1000 + number)" }
            }
            let reversed = people.reversed().enumerated().map { index, row in
                var row = row
                row.number = index + 1
                return row
            }
            // Interleaved: the first half in order, then the second (the other runs meet it from both ends).
            let interleaved = zip(people.prefix(300), people.suffix(300)).flatMap { [$0, $1] }.enumerated().map { index, row in
                var row = row
                row.number = index + 1
                return row
            }
            let imports = rt.services.imports
            async let first = imports.run(tenant: t, digest: nil, onDuplicate: .skip, batchSize: 30, context: .test, next: Self.rows(people))
            async let second = imports.run(tenant: t, digest: nil, onDuplicate: .skip, batchSize: 30, context: .test, next: Self.rows(reversed))
            async let third = imports.run(tenant: t, digest: nil, onDuplicate: .skip, batchSize: 20, context: .test, next: Self.rows(interleaved))
            let reports = try await [first, second, third]
            #expect(reports.map(\.refused) == [0, 0, 0], "\(reports.map(\.errors))")
            #expect(reports.map { $0.created + $0.skipped } == [600, 600, 600])
            #expect(reports.map(\.created).reduce(0, +) == 600)
            #expect(try await rt.services.exports.exportParties(tenant: t, PartiesExportOptions(format: .csv), context: .test).total == 600)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func eachDuplicateModeDoesWhatItSays(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant().slug
            let existing = try await rt.services.parties.create(tenant: t, PartyInput(kind: .person, firstName: "Ann", email: "ann@example.com",
                                                                                      properties: ["a": .string("1")]), context: .test)
            let rows = [
                Self.row(1) { $0.firstName = "Annie"; $0.email = "ANN@example.com"; $0.note = "imported"; $0.properties = ["b": .string("2")]
                              $0.tags = ["Gold"] },
                Self.row(2) { $0.firstName = "New"; $0.email = "new@example.com" },
            ]
            let skip = try await rt.services.imports.run(tenant: t, digest: nil, onDuplicate: .skip, context: .test, next: Self.rows(rows))
            #expect(skip.skipped == 1 && skip.created == 1 && skip.refused == 0)
            let fail = try await rt.services.imports.run(tenant: t, digest: nil, onDuplicate: .fail, context: .test, next: Self.rows(rows))
            #expect(fail.refused == 2 && fail.created == 0, "\(fail)")
            #expect(fail.errors.map(\.field) == ["email", "email"] && fail.errors.allSatisfy { $0.message.contains("with this email exists") },
                    "\(fail.errors)")
            // A partner named two ways is refused, naming both columns (the email was left unread; found by a probe).
            let twoWays = try await rt.services.imports.run(tenant: t, digest: nil, onDuplicate: .skip, context: .test, next: Self.rows([
                Self.row(1) { $0.firstName = "Cy"; $0.email = "cy@example.com"; $0.partnerID = UUID().uuidString; $0.partnerEmail = "p@example.com" },
            ]))
            #expect(twoWays.errors.map(\.field) == ["partnerId, partnerEmail"] && twoWays.errors.first?.message == "give the partner one way only",
                    "\(twoWays.errors)")
            // A row the rules refuse says what is wrong with its partner too, as the API lists every field (found by a probe).
            let both = try await rt.services.imports.run(tenant: t, digest: nil, onDuplicate: .skip, context: .test, next: Self.rows([
                Self.row(1) { $0.firstName = "Di"; $0.email = "not-an-email"; $0.partnerID = "not-a-uuid" },
            ]))
            #expect(both.errors.map(\.field) == ["email", "partnerId"], "\(both.errors)")
            // Every bad tag of a row, beside its other refusals, and a partner no party is, with fields the rules refuse
            // (the tags and the partner were said only once the fields passed, of the tags only the first; a probe).
            let all = try await rt.services.imports.run(tenant: t, digest: nil, onDuplicate: .skip, context: .test, next: Self.rows([
                Self.row(1) { $0.firstName = "Ed"; $0.tags = ["ok", "a;b", "c\u{1}"] },
                Self.row(2) { $0.firstName = "Flo"; $0.email = "bad"; $0.tags = ["", "x;y"]; $0.partnerEmail = "nobody@example.com" },
            ]))
            #expect(all.refused == 2 && all.created == 0, "\(all)")
            #expect(all.errors.map { "\($0.row) \($0.field)" } == ["1 tags[1]", "1 tags[2]", "2 email", "2 tags[0]", "2 tags[1]", "2 partnerEmail"],
                    "\(all.errors)")
            #expect(all.errors.last?.message == "no live partner has this email")
            // The email of one party and the phone of another: each column's message names its own party (the email's
            // named the phone's; found by a probe).
            let bob = try await rt.services.parties.create(tenant: t, PartyInput(kind: .person, firstName: "Bob", email: "bob@example.com",
                                                                                 phone: "+44 7700 900222"), context: .test)
            let crossed = [Self.row(1) { $0.firstName = "X"; $0.phone = "+447700900222"; $0.email = "ann@example.com" },
                           Self.row(2) { $0.firstName = "Y"; $0.phone = "+447700900222" }]
            let named = try await rt.services.imports.run(tenant: t, digest: nil, onDuplicate: .fail, context: .test, next: Self.rows(crossed))
            #expect(named.errors.map(\.field) == ["email", "phone"], "\(named.errors)")
            #expect(named.errors.first?.message.hasSuffix("(\(existing.id))") == true && named.errors.last?.message.hasSuffix("(\(bob.id))") == true,
                    "\(named.errors)")
            let update = try await rt.services.imports.run(tenant: t, digest: nil, onDuplicate: .update, context: .test, next: Self.rows(rows))
            #expect(update.updated == 1 && update.unchanged == 1, "\(update)")
            let merged = try await rt.services.parties.get(tenant: t, id: existing.id, context: .test)
            #expect(merged.firstName == "Annie" && merged.note == "imported" && merged.email?.value == "ann@example.com")
            #expect(merged.properties == ["a": .string("1"), "b": .string("2")])
            #expect(merged.tags.map(\.text) == ["Gold"])
            #expect(try await rt.services.parties.history(tenant: t, id: existing.id, context: .test).count == 1)
            let actions = try await rt.services.audit.list(tenant: t, filter: AuditFilter(targetID: existing.id.description), cursor: nil, limit: 10, context: .test)
                .items.map(\.action)
            #expect(actions.contains("party.update") && actions.contains("party.tag"))
            // Fields and a tag changed by one row: one version, as one PATCH.
            #expect(merged.version == existing.version + 1)
            // The same rows again: nothing differs any more.
            let again = try await rt.services.imports.run(tenant: t, digest: nil, onDuplicate: .update, context: .test, next: Self.rows(rows))
            #expect(again.unchanged == 2 && again.updated == 0, "\(again)")
            #expect(try await rt.services.parties.get(tenant: t, id: existing.id, context: .test).version == merged.version)
            // A row that only adds a tag changes the party (its tags): one version more.
            let tagOnly = [Self.row(1) { $0.email = "ann@example.com"; $0.tags = ["Gold", "Silver"] }]
            let tagging = try await rt.services.imports.run(tenant: t, digest: nil, onDuplicate: .update, context: .test, next: Self.rows(tagOnly))
            #expect(tagging.updated == 1, "\(tagging)")
            let silver = try await rt.services.parties.get(tenant: t, id: existing.id, context: .test)
            #expect(silver.version == merged.version + 1 && Set(silver.tags.map(\.text)) == ["Gold", "Silver"])
            // A null property is a value a new party keeps, as POST .../parties keeps it (a JSON Lines copy lost it; found by
            // a probe); an update never writes one over a value.
            let nulls = [Self.row(1) { $0.email = "ann@example.com"; $0.properties = ["a": .null, "c": .string("3")] },
                         Self.row(2) { $0.firstName = "Nell"; $0.properties = ["z": .null, "y": .int(1)] }]
            let withNulls = try await rt.services.imports.run(tenant: t, digest: nil, onDuplicate: .update, context: .test, next: Self.rows(nulls))
            #expect(withNulls.updated == 1 && withNulls.created == 1, "\(withNulls)")
            #expect(try await rt.services.parties.get(tenant: t, id: existing.id, context: .test).properties
                    == ["a": .string("1"), "b": .string("2"), "c": .string("3")])
            let nell = try await rt.services.parties.search(tenant: t, PartySearch(q: "Nell"), context: .test).items
            #expect(nell.map(\.properties) == [["z": .null, "y": .int(1)]], "\(nell)")
        }
    }

    /// A run that stops after some batches (here: its source fails) is taken up by the next run of the same file after
    /// the last committed row: no row twice, none lost, rows without email or phone included.
    /// The fast way (plain creates written by multi-row statements, the rest row by row) against every row in its own
    /// savepoint: the same file, each duplicate mode, batches small enough that duplicates fall within a batch and across
    /// batches, give the same reports and the same tenant: parties, tags, history, partnership edges, audit actions.
    /// A batch's parties are made while the batch before is written; a change of the tenant's settings in between (here
    /// from the progress callback, which runs after the next batch was made and before it is written) applies to it.
    /// A partnerId that names no party here (another tenant's) is refused naming the column, as an invalid one is.
    @Test(arguments: StoreKind.allCases)
    func aPartnerOfNoPartyHereNamesItsColumn(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let tenant = try await rt.makeTenant()
            let elsewhere = try await rt.makeTenant()
            let partner = try await rt.services.parties.create(tenant: elsewhere.slug, PartyInput(kind: .organization, name: "P", roles: ["partner"]),
                                                               context: .test)
            let rows = [Self.row(1) { $0.firstName = "Ann"; $0.partnerID = partner.id.description },
                        Self.row(2) { $0.firstName = "Bo"; $0.partnerID = "garbage" }]
            let report = try await rt.services.imports.run(tenant: tenant.slug, digest: nil, onDuplicate: .skip, context: .test, next: Self.rows(rows))
            #expect(report.refused == 2 && report.errors.map(\.field) == ["partnerId", "partnerId"], "\(report.errors)")
            #expect(report.errors.first?.message.hasPrefix("no party") == true)
        }
    }

    /// A tag a row can't have names its place in the row's tags, not the tag's own field (`text`; found by a probe).
    @Test(arguments: StoreKind.allCases)
    func aRefusedTagNamesItsPlace(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let tenant = try await rt.makeTenant()
            let rows = [Self.row(1) { $0.firstName = "Ann"; $0.tags = ["Gold", "a;b"] },
                        Self.row(2) { $0.firstName = "Bo"; $0.tags = [String(repeating: "t", count: 101)] }]
            let report = try await rt.services.imports.run(tenant: tenant.slug, digest: nil, onDuplicate: .skip, context: .test, next: Self.rows(rows))
            #expect(report.refused == 2 && report.errors.map(\.field) == ["tags[1]", "tags[0]"], "\(report.errors)")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func settingsChangedBeforeABatchIsWrittenApplyToIt(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let tenant = try await rt.makeTenant(callingCode: "44")
            let rows = (1...4).map { number in
                Self.row(number) { $0.firstName = "P\(number)"; $0.lastName = "Q"; $0.phone = "0 20 7946 09\(50 + number)" }
            }
            var changed = false
            let report = try await rt.services.imports.run(tenant: tenant.slug, digest: nil, onDuplicate: .skip, batchSize: 2, context: .test,
                                                           next: Self.rows(rows), progress: { _ in
                guard !changed else { return }
                changed = true
                var update = TenantUpdate()
                update.defaultCallingCode = .set("33")
                _ = try await rt.services.tenants.update(tenant.slug, update, context: .test)
            })
            #expect(report.created == 4 && report.refused == 0, "\(report)")
            let phones = try await rt.services.parties.search(tenant: tenant.slug, PartySearch(limit: 10), context: .test).items
                .sorted { ($0.firstName ?? "") < ($1.firstName ?? "") }.map { $0.phone?.digits ?? "" }
            #expect(phones.map { String($0.prefix(2)) } == ["44", "44", "33", "33"], "\(phones)")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func theFastWayEqualsRowByRow(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let table: [PartyImportRow] = [
                Self.row(1) { $0.firstName = "Ann"; $0.email = "ann@example.com"; $0.tags = ["Gold", "gold", "Farm"]; $0.roles = ["dealer"] },
                Self.row(2) { $0.firstName = "Ann2"; $0.email = "ANN@example.com" },                  // the batch's row 1 again
                Self.row(3) { $0.firstName = "Old"; $0.email = "old@example.com"; $0.note = "again" },  // a party made before
                Self.row(4) { $0.firstName = "Bob"; $0.phone = "020 7946 0001"; $0.tags = ["Farm"] },
                Self.row(5) { $0.firstName = "Bob2"; $0.phone = "+44 20 7946 0001" },                   // row 4's phone, next batch
                Self.row(6) { $0.email = "not-an-email" },
                Self.row(7) { $0.firstName = "Tagged"; $0.tags = [String(repeating: "t", count: 200)] }, // a tag the rules refuse
                Self.row(8) { $0.firstName = "Cus"; $0.email = "cus@example.com"; $0.partnerEmail = "partner@example.com" },
                Self.row(9) { $0.firstName = "Cus2"; $0.email = "cus@example.com" },                     // row 8's email
                Self.row(10) { $0.kind = "organization"; $0.name = "Acme"; $0.email = "info@acme.example"; $0.tags = ["Gold"] },
                Self.row(11) { $0.kind = "organization"; $0.name = "Acme again"; $0.email = "info@acme.example" },
                Self.row(12) { $0.firstName = "Info"; $0.email = "info@acme.example" },                  // a person: another kind
                Self.row(13) { $0.firstName = "Old2"; $0.phone = "020 7946 0999"; $0.email = "old@example.com" },
                Self.row(14) { $0.firstName = "Last"; $0.properties = ["crm": .string("c-14")] },
            ]
            for mode in DuplicatePolicy.allCases {
                var states: [String] = []
                var reports: [String] = []
                for rowByRow in [false, true] {
                    let t = try await rt.makeTenant().slug
                    _ = try await rt.services.parties.create(tenant: t, PartyInput(kind: .person, firstName: "Old", email: "old@example.com"),
                                                             context: .test)
                    _ = try await rt.services.parties.create(tenant: t, PartyInput(kind: .organization, name: "Partner", email: "partner@example.com",
                                                                                   roles: ["partner"]), context: .test)
                    let report = try await rt.services.imports.run(tenant: t, digest: nil, onDuplicate: mode, batchSize: 4, rowByRow: rowByRow,
                                                                   context: .test, next: Self.rows(table))
                    reports.append("\(report.processed) \(report.created) \(report.updated) \(report.unchanged) \(report.skipped) "
                                   + "\(report.refused) \(report.errors.map { "\($0.row) \($0.field) \($0.message)" })"
                        .replacing(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/, with: "ID"))
                    states.append(try await Self.state(of: t, rt))
                }
                #expect(reports[0] == reports[1], "\(mode): fast \(reports[0]), row by row \(reports[1])")
                #expect(states[0] == states[1], "\(mode): fast\n\(states[0])\nrow by row\n\(states[1])")
            }
            // What a long import runs now and then (PostgreSQL: ANALYZE of the party tables) runs in a transaction.
            try await rt.database.store.write { tx in try await tx.refreshPartyStatistics() }
        }
    }

    /// A tenant's parties (without ids and times), their tags, history and partners, and its audit actions in order.
    static func state(of t: String, _ rt: RosterRuntime) async throws -> String {
        let parties = try await rt.services.parties.search(tenant: t, PartySearch(limit: 100), context: .test).items
        let names = Dictionary(uniqueKeysWithValues: parties.map { ($0.id, $0.name ?? $0.firstName ?? "") })
        let edges = try await rt.services.relationships.list(tenant: t, partyID: nil, type: "partnership", role: nil, cursor: nil, limit: 100,
                                                             context: .test).items
        var lines: [String] = []
        for p in parties {
            let history = try await rt.services.parties.history(tenant: t, id: p.id, context: .test).map { "\($0.to.rawValue) \($0.reason ?? "")" }
            let partners = edges.filter { $0.childID == p.id }.map { names[$0.parentID] ?? "?" }
            lines.append("\(p.kind) \(p.firstName ?? "") \(p.name ?? "") \(p.email?.value ?? "") \(p.phone?.digits ?? "") \(p.note ?? "") "
                         + "\(p.roles) \(p.properties) \(p.tags.map(\.text)) \(history) \(partners) v\(p.version)")
        }
        let audit = try await rt.services.audit.list(tenant: t, cursor: nil, limit: 200, context: .test).items
        #expect(try await rt.services.audit.verify(tenant: t, context: .test).valid)
        return lines.sorted().joined(separator: "\n") + "\n" + audit.reversed().map(\.action).joined(separator: " ")
    }

    @Test(arguments: StoreKind.allCases)
    func aSecondRunGoesOnAfterTheLastCommittedRow(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant().slug
            var rows = (1...23).map { n in Self.row(n) { $0.firstName = "P\(n)" } }
            rows[3].email = "not an email"  // refused by the first run
            rows[4].properties = ["raw": .string("a\u{0}b")]  // a NUL no store can keep: refused by the rules, that row only
            struct Interrupted: Error {}
            var served = 0
            await #expect(throws: Interrupted.self) {
                _ = try await rt.services.imports.run(tenant: t, digest: "file-1", onDuplicate: .skip, batchSize: 5, context: .test, next: {
                    guard served < 12 else { throw Interrupted() }
                    served += 1
                    return rows[served - 1]
                })
            }
            let second = try await rt.services.imports.run(tenant: t, digest: "file-1", onDuplicate: .skip, batchSize: 5, context: .test,
                                                           next: Self.rows(rows))
            #expect(second.resumedAfter == 10 && second.created == 13 && second.refusedBefore == 2, "\(second)")
            let names = try await rt.services.parties.search(tenant: t, PartySearch(limit: 100), context: .test).items.compactMap(\.firstName)
            #expect(names.sorted() == rows.compactMap(\.firstName).filter { $0 != "P4" && $0 != "P5" }.sorted())
            // A run that finds the progress moved by another run of the same file stops, committing nothing more.
            let tenant = try await rt.services.tenants.get(t, context: .test)
            let stale = try await rt.database.store.write { tx in
                try await tx.advanceImportProgress(tenant: tenant.id, digest: "parties:file-1", from: ImportProgress(rows: 10, refused: 0),
                                                   to: ImportProgress(rows: 15, refused: 0), fromStart: false, at: Date())
            }
            #expect(!stale)
            // Only a caller with parties.write on the whole tenant imports parties.
            let scopedRole = try await rt.services.parties.create(tenant: t, PartyInput(kind: .organization, name: "Scope"), context: .test)
            let narrow = try await rt.services.access.createRole(tenant: t, name: "Narrow", policies: ["parties.write"],
                                                                 organizationID: scopedRole.id, relationshipType: nil, context: .test)
            let scoped = OperationContext(caller: Caller(principal: .apiKey("k"), tenantSlug: t, role: .user, roleIDs: [narrow.id]),
                                          requestID: "t")
            await expectRosterError({
                try await rt.services.imports.run(tenant: t, digest: nil, onDuplicate: .skip, context: scoped, next: Self.rows(rows))
            }) { if case .forbidden = $0 { true } else { false } }
            // A finished file run again does nothing; from the start, it would make them again.
            let third = try await rt.services.imports.run(tenant: t, digest: "file-1", onDuplicate: .skip, context: .test, next: Self.rows(rows))
            #expect(third.processed == 0 && third.resumedAfter == 23)
        }
    }

    /// The caller is read again for every batch: a key revoked during an import stops it, and what it committed stays.
    @Test(arguments: StoreKind.allCases)
    func aKeyRevokedDuringAnImportStopsIt(_ kind: StoreKind) async throws {
        try await TestDatabase.with(kind) { rt in
            let t = try await rt.makeTenant().slug
            let (key, _) = try await rt.services.apiKeys.create(tenant: t, name: "loader", role: .admin, context: .test)
            let context = OperationContext(caller: Caller(principal: .apiKey(key.id.description), tenantSlug: t, role: .admin), requestID: "t")
            let rows = (1...10).map { i in Self.row(i) { $0.firstName = "P\(i)" } }
            var batches = 0
            await expectRosterError({
                try await rt.services.imports.run(tenant: t, digest: nil, onDuplicate: .skip, batchSize: 3, context: context,
                                                  next: Self.rows(rows), progress: { _ in
                    batches += 1
                    if batches == 1 { try await rt.services.apiKeys.revoke(tenant: t, id: key.id, context: .test) }
                })
            }) { if case .unauthorized = $0 { true } else { false } }
            #expect(batches == 1)
            let made = try await rt.services.parties.search(tenant: t, PartySearch(q: "P"), context: .test).items
            #expect(made.count == 3)
        }
    }

    @Test func filesAreReadAsTheyComeCSVAndJSONLines() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("p.csv")
        try Data("""
            \u{FEFF}kind,firstName,email,roles,tags,properties.crm
            person,"Doe, Jane",jane@example.com,customer;dealer,Gold; VIP ,c-1
            organization,,,,,
            person,Short
            """.utf8).write(to: csv)
        let reader = try PartyImportReader(path: csv.path, format: .csv)
        let jane = try #require(try reader.next())
        #expect(jane.number == 1 && jane.firstName == "Doe, Jane" && jane.roles == ["customer", "dealer"] && jane.tags == ["Gold", "VIP"])
        #expect(jane.properties == ["crm": .string("c-1")])
        let empty = try #require(try reader.next())
        #expect(empty.kind == "organization" && empty.name == nil && empty.problems.isEmpty)
        let short = try #require(try reader.next())
        #expect(short.problems.count == 1)
        #expect(try reader.next() == nil)

        let unknown = dir.appendingPathComponent("u.csv")
        try Data("firstName,shoeSize\nAnn,7\n".utf8).write(to: unknown)
        #expect(throws: ImportFile.UnknownColumns.self) { try PartyImportReader(path: unknown.path, format: .csv) }
        // A column with no name is said as one, with its place; a blank first line is no header (both messages named an
        // empty column: "does not know:  (known").
        let nameless = dir.appendingPathComponent("n.csv")
        try Data("firstName,,email\nAnn,x,ann@example.com\n".utf8).write(to: nameless)
        #expect { try PartyImportReader(path: nameless.path, format: .csv) } throws: { error in
            "\(error)".contains("does not know: a column with no name (column 2) (known:")
        }
        let blankFirst = dir.appendingPathComponent("b.csv")
        try Data("\nfirstName,email\nAnn,ann@example.com\n".utf8).write(to: blankFirst)
        #expect { try PartyImportReader(path: blankFirst.path, format: .csv) } throws: { error in
            (error as? ImportFile.Unreadable)?.description == "the first line is blank: a CSV import starts with its header row, the columns' names"
        }
        let twice = dir.appendingPathComponent("t.csv")
        try Data("kind,firstName,firstName\nperson,A,B\n".utf8).write(to: twice)
        #expect { try PartyImportReader(path: twice.path, format: .csv) } throws: { error in
            (error as? ImportFile.Unreadable)?.description.contains("firstName more than once") == true
        }

        let jsonl = dir.appendingPathComponent("p.jsonl")
        try Data("""
            {"firstName":"Ann","roles":["customer"],"properties":{"score":3,"vip":true}}

            not json
            {"firstName":"Bo","age":7,"tags":"Gold"}
            {"kind":"organization","name":"Nested","properties":{"c":{"x":1},"d":[1],"ok":"yes"},"roles":[1]}
            """.utf8).write(to: jsonl)
        let lines = try PartyImportReader(path: jsonl.path, format: .jsonl)
        let ann = try #require(try lines.next())
        #expect(ann.number == 1 && ann.roles == ["customer"] && ann.properties == ["score": .int(3), "vip": .bool(true)])
        let bad = try #require(try lines.next())
        #expect(bad.number == 3 && bad.problems.count == 1)
        let bo = try #require(try lines.next())
        #expect(Set(bo.problems.map(\.field)) == ["age", "tags"])
        // A member that is not a scalar is named as the API names it, not reported as a line that is not JSON.
        let nested = try #require(try lines.next())
        #expect(nested.properties == ["ok": .string("yes")])
        #expect(Set(nested.problems.map(\.field)) == ["properties.c", "properties.d", "roles"], "\(nested.problems)")
        #expect(nested.problems.first { $0.field == "properties.c" }?.message == "must be a string, number, boolean or null")
        #expect(try lines.next() == nil)
    }

    /// Files as spreadsheets and other systems write them (found by a probe): a header in another case or padded, `;` as
    /// the separator, rows of separators only (skipped, numbered); a misplaced quote that makes lines one row is said;
    /// a JSON member given twice is refused, and a member name that is no field name is not repeated (it can be data,
    /// and refused rows are kept).
    @Test func spreadsheetFilesAndUntrustedNames() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let semicolons = dir.appendingPathComponent("s.csv")
        try Data("Kind; FirstName ;EMAIL;Properties.Crm\r\nperson;Ann;ann@example.com;c-1\r\n;;;\r\nperson;\"Bo; Jr\";bo@example.com;x\r\n".utf8)
            .write(to: semicolons)
        let reader = try PartyImportReader(path: semicolons.path, format: .csv)
        let ann = try #require(try reader.next())
        #expect(ann.number == 1 && ann.kind == "person" && ann.firstName == "Ann" && ann.email == "ann@example.com" && ann.problems.isEmpty)
        #expect(ann.properties == ["Crm": .string("c-1")])
        let bo = try #require(try reader.next())
        #expect(bo.number == 3 && bo.firstName == "Bo; Jr" && bo.problems.isEmpty, "\(bo)")
        #expect(try reader.next() == nil)

        let runOn = dir.appendingPathComponent("r.csv")
        try Data("email,firstName,lastName\n\"a, b\"@example.com,Broken,X\nfresh@example.com,\"Fresh, New\",Y\n".utf8).write(to: runOn)
        let merged = try #require(try PartyImportReader(path: runOn.path, format: .csv).next())
        #expect(merged.problems.first?.message.contains("runs over several lines") == true, "\(merged.problems)")
        // No quote after it: the rest of the file is one field of the right count of fields. Said too.
        let toTheEnd = dir.appendingPathComponent("e.csv")
        try Data("kind,firstName,lastName,email\nperson,Quo,Te,\"a, b@example.com\nperson,Next,Row,next@example.com\n".utf8).write(to: toTheEnd)
        let swallowed = try #require(try PartyImportReader(path: toTheEnd.path, format: .csv).next())
        #expect(swallowed.problems.map(\.field) == ["email"] && swallowed.problems.first?.message.contains("runs over several lines") == true,
                "\(swallowed.problems)")

        // A quote never closed, then more than 1 MiB of lines: the reader held the rest of the file as one field (a 54 MB
        // upload took 370 MB; found by a probe). The file stops at that row, after the rows before it; a quoted note with
        // doubled quotes and line breaks below the bound is one field as before.
        let unclosed = dir.appendingPathComponent("u.csv")
        var text = "firstName,note\nAnn,\"said \"\"hi\"\"\nthen left\"\nBo,\"never closed\n"
        text += String(repeating: "padding row without quotes,\n", count: 60_000)
        try Data(text.utf8).write(to: unclosed)
        let bounded = try PartyImportReader(path: unclosed.path, format: .csv)
        let quotedNote = try #require(try bounded.next())
        #expect(quotedNote.firstName == "Ann" && quotedNote.note == "said \"hi\"\nthen left" && quotedNote.problems.isEmpty, "\(quotedNote)")
        let stopped = #expect(throws: ImportFile.Unreadable.self) { _ = try bounded.next() }
        #expect(stopped?.description.contains("at row 2: it runs past 1 MiB") == true, "\(String(describing: stopped))")

        let jsonl = dir.appendingPathComponent("n.jsonl")
        try Data("""
            {"firstName":"A","Keyleak Smith <keyleak@example.com>":"x","shoeSize":9}
            {"firstName":"J7","firstName":"J7dup"}
            {"firstName":"P","properties":{"jane.doe@example.com":{"a":1}}}
            \(#"{"firstName":"D","properties":{"k":"# + String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000) + "}}")
            """.utf8).write(to: jsonl)
        let lines = try PartyImportReader(path: jsonl.path, format: .jsonl)
        let leak = try #require(try lines.next())
        #expect(Set(leak.problems.map(\.field)) == ["", "shoeSize"], "\(leak.problems)")
        #expect(!leak.problems.contains { $0.message.contains("keyleak") || $0.field.contains("keyleak") })
        let twice = try #require(try lines.next())
        #expect(twice.problems.map(\.field) == ["firstName"] && twice.problems.first?.message.contains("twice") == true, "\(twice.problems)")
        let keyed = try #require(try lines.next())
        #expect(keyed.problems.map(\.field) == ["properties"] && !"\(keyed.problems)".contains("jane.doe"), "\(keyed.problems)")
        // Nested too deep for any row: refused before a decoder reads it (it cost gigabytes; found by a probe).
        let deep = try #require(try lines.next())
        #expect(deep.problems.map(\.message) == ["is nested deeper than 32 levels"], "\(deep.problems)")
    }

    /// A JSON Lines line longer than 1 MiB is refused as its row and skipped to its end; the rows around it are read,
    /// numbered as the file numbers them, whether the long line ends in a newline, a CRLF or the file's end. Lines that
    /// cross the 64 KiB chunks are read whole.
    @Test func anOverlongJSONLineIsOneRefusedRow() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let long = #"{"firstName":"Long","note":""# + String(repeating: "x", count: 3 << 20) + #""}"#
        let near = #"{"firstName":"Near","note":""# + String(repeating: "y", count: 200_000) + #""}"#
        let file = dir.appendingPathComponent("long.jsonl")
        try Data(([#"{"firstName":"Ann"}"#, long, near + "\r", long, #"{"firstName":"Bo"}"#, long].joined(separator: "\n")).utf8).write(to: file)
        let reader = try PartyImportReader(path: file.path, format: .jsonl)
        var rows: [PartyImportRow] = []
        while let row = try reader.next() { rows.append(row) }
        #expect(rows.map(\.number) == [1, 2, 3, 4, 5, 6])
        #expect(rows.map(\.firstName) == ["Ann", nil, "Near", nil, "Bo", nil])
        #expect(rows[2].note?.count == 200_000 && rows[2].problems.isEmpty)
        for index in [1, 3, 5] {
            #expect(rows[index].problems.map(\.message) == ["is a line longer than 1 MiB, which no row is"])
        }
    }
}
