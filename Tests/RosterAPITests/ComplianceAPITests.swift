import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import RosterApp
import RosterSQL
import Testing

struct TConsent: Codable {
    var id: String
    var partyId: String
    var purpose: String
    var status: String
    var source: String
    var at: String
    var note: String?
    var recordedAt: String
    var recordedBy: String
}

struct TConsentMatch: Codable {
    var party: TParty
    var consent: TConsent
}

@Suite("HTTP: consents, export, erasure")
struct ComplianceAPITests {
    @Test func consentsOverHTTP() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let ann = try await api.createParty(t, #"{"kind":"person","firstName":"Ann","email":"ann@example.com"}"#)
            let bob = try await api.createParty(t, #"{"kind":"person","firstName":"Bob","email":"bob@example.com"}"#)
            let path = "/v1/tenants/\(t)/parties/\(ann.id)/consents"

            let created = try await api.send(.post, path, json: #"{"purpose":"newsletter","status":"granted","source":"web-form","at":"2026-01-02T03:04:05Z","note":"ticked the box"}"#)
            #expect(created.status == .created, "\(created.text)")
            let consent = try created.decode(TConsent.self)
            #expect(consent.partyId == ann.id && consent.purpose == "newsletter" && consent.status == "granted")
            #expect(consent.at.hasPrefix("2026-01-02T03:04:05"))
            #expect(consent.note == "ticked the box")
            #expect(consent.recordedBy.hasPrefix("platform"))
            #expect(try await api.send(.post, path, json: #"{"purpose":"newsletter","status":"withdrawn","source":"email"}"#).status == .created)
            #expect(try await api.send(.post, "/v1/tenants/\(t)/parties/\(bob.id)/consents",
                                       json: #"{"purpose":"newsletter","status":"granted","source":"web-form"}"#).status == .created)

            // The ledger, and the current entry per purpose.
            let ledger = try await api.send(.get, path).decode(TList<TConsent>.self)
            #expect(ledger.items.map(\.status) == ["granted", "withdrawn"])
            let current = try await api.send(.get, path + "?current=true").decode(TList<TConsent>.self)
            #expect(current.items.map(\.status) == ["withdrawn"])

            // Who consents to the newsletter now: Bob only.
            let matches = try await api.send(.get, "/v1/tenants/\(t)/consents?purpose=newsletter&status=granted")
            #expect(matches.status == .ok, "\(matches.text)")
            let items = try matches.decode(TList<TConsentMatch>.self).items
            #expect(items.map(\.party.id) == [bob.id])
            #expect(items.first?.party.email == "bob@example.com")
            let withdrawn = try await api.send(.get, "/v1/tenants/\(t)/consents?purpose=newsletter&status=withdrawn").decode(TList<TConsentMatch>.self)
            #expect(withdrawn.items.map(\.party.id) == [ann.id])

            // Strict at the edge: unknown fields, bad values and a missing purpose are refused, naming them.
            let unknown = try await api.send(.post, path, json: #"{"purpose":"newsletter","status":"granted","source":"x","channel":"web"}"#)
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.problem?.errors?.map(\.field) == ["channel"])
            // An unknown member beside values the rules refuse: all of them named at once (only the member was; a probe).
            let mixed = try await api.send(.post, path, json: #"{"purpose":"News Letter","status":"granted","source":" ","channel":"web"}"#)
            #expect(mixed.status == .unprocessableContent && Set(mixed.problem?.errors?.map(\.field) ?? []) == ["channel", "purpose", "source"],
                    "\(mixed.text)")
            // The same for an edge: an unknown member, a party its own parent, a blank role.
            let edge = try await api.send(.post, "/v1/tenants/\(t)/relationships",
                                          json: #"{"parentId":"\#(ann.id)","childId":"\#(ann.id)","type":"structure","role":" ","weight":1}"#)
            #expect(edge.status == .unprocessableContent && Set(edge.problem?.errors?.map(\.field) ?? []) == ["weight", "childId", "role"],
                    "\(edge.text)")
            let bad = try await api.send(.post, path, json: #"{"purpose":"News Letter","status":"granted","source":"x"}"#)
            #expect(bad.status.code == 422 || bad.status.code == 400, "\(bad.text)")
            let future = try await api.send(.post, path, json: #"{"purpose":"newsletter","status":"granted","source":"x","at":"2999-01-01T00:00:00Z"}"#)
            #expect(future.status == .unprocessableContent)
            #expect(future.problem?.errors?.map(\.field) == ["at"])
            #expect(try await api.send(.get, "/v1/tenants/\(t)/consents").status.code == 400)
            #expect(try await api.send(.get, "/v1/tenants/\(t)/parties/\(UUID().uuidString.lowercased())/consents").status == .notFound)
        }
    }

    @Test func exportOverHTTP() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let partner = try await api.createParty(t, #"{"kind":"organization","name":"Partner Co","roles":["partner"]}"#)
            let ann = try await api.createParty(t, #"{"kind":"person","firstName":"Ann","email":"ann@example.com"}"#)
            #expect(try await api.send(.post, "/v1/tenants/\(t)/partner-accounts", json: """
                {"partnerId":"\(partner.id)","customerId":"\(ann.id)","username":"ann-at-partner","secret":"do-not-export-me"}
                """).status == .created)
            #expect(try await api.send(.post, "/v1/tenants/\(t)/parties/\(ann.id)/consents",
                                       json: #"{"purpose":"newsletter","status":"granted","source":"web"}"#).status == .created)
            let response = try await api.send(.get, "/v1/tenants/\(t)/parties/\(ann.id)/export")
            #expect(response.status == .ok, "\(response.text)")
            #expect(!response.text.contains("do-not-export-me"))
            let document = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
            #expect(Set(document.keys) == ["exportedAt", "party", "history", "relationships", "tags", "users", "partnerAccounts",
                                           "consents", "audit", "mergedParties", "complete"])
            #expect((document["party"] as? [String: Any])?["email"] as? String == "ann@example.com")
            #expect((document["partnerAccounts"] as? [[String: Any]])?.first?["username"] as? String == "ann-at-partner")
            #expect((document["consents"] as? [[String: Any]])?.count == 1)
            #expect(document["complete"] as? Bool == true)
            let audit = try await api.send(.get, "/v1/tenants/\(t)/audit?targetId=\(ann.id)").decode(TList<TAuditEntry>.self)
            #expect(audit.items.first?.action == "party.export")
            #expect(try await api.send(.get, "/v1/tenants/\(t)/parties/\(UUID().uuidString.lowercased())/export").status == .notFound)
        }
    }

    @Test func erasureOverHTTP() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let ann = try await api.createParty(t, #"{"kind":"person","firstName":"Ann","email":"ann@example.com"}"#)
            let path = "/v1/tenants/\(t)/parties/\(ann.id)"
            let withReason = try await api.send(.delete, path + "?erase=true&reason=asked")
            #expect(withReason.status == .unprocessableContent)
            #expect(withReason.problem?.errors?.map(\.field) == ["reason"])
            for given in ["true", "false"] {
                let usersAlone = try await api.send(.delete, path + "?eraseUsers=\(given)")
                #expect(usersAlone.status == .unprocessableContent)
                #expect(usersAlone.problem?.errors?.map(\.field) == ["eraseUsers"])
            }
            // A soft delete first (as retention finds parties), then the erasure.
            #expect(try await api.send(.delete, path).status == .ok)
            let erased = try await api.send(.delete, path + "?erase=true")
            #expect(erased.status == .noContent, "\(erased.text)")
            #expect(erased.body.isEmpty)
            #expect(try await api.send(.get, path).status == .notFound)
            #expect(try await api.send(.delete, path + "?erase=true").status == .notFound)
            // The same email may be used again: nothing of Ann is left to collide with.
            #expect(try await api.send(.post, "/v1/tenants/\(t)/parties", json: #"{"kind":"person","firstName":"Ann","email":"ann@example.com"}"#).status == .created)
            let audit = try await api.send(.get, "/v1/tenants/\(t)/audit?targetId=\(ann.id)").decode(TList<TAuditEntry>.self)
            #expect(audit.items.first?.action == "party.erase")
            let verify = try await api.send(.get, "/v1/tenants/\(t)/audit/verify")
            #expect(verify.status == .ok && verify.text.contains("\"valid\":true"), "\(verify.text)")
            // A person with a login (POST .../identities makes both): the login goes with the erasure, its email and name
            // being the same person's data (it stayed, with them; found by a probe).
            struct Resolved: Codable { var userId: String; var partyId: String }
            let resolved = try await api.send(.post, "/v1/tenants/\(t)/identities", json: #"{"identifier":"wipe@example.com"}"#).decode(Resolved.self)
            #expect(try await api.send(.delete, "/v1/tenants/\(t)/parties/\(resolved.partyId)?erase=true").status == .noContent)
            #expect(try await api.send(.get, "/v1/tenants/\(t)/users/\(resolved.userId)").status == .notFound)
        }
    }

    @Test func retentionIsATenantSetting() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let set = try await api.send(.patch, "/v1/tenants/\(t)", json: #"{"settings":{"retentionDays":30}}"#)
            #expect(set.status == .ok, "\(set.text)")
            #expect(set.text.contains("\"retentionDays\":30"))
            let bad = try await api.send(.patch, "/v1/tenants/\(t)", json: #"{"settings":{"retentionDays":-3}}"#)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.problem?.errors?.map(\.field) == ["settings.retentionDays"])
            let cleared = try await api.send(.patch, "/v1/tenants/\(t)", json: #"{"settings":{"retentionDays":null}}"#)
            #expect(cleared.status == .ok && !cleared.text.contains("retentionDays"))
            let created = try await api.send(.post, "/v1/tenants", json: #"{"slug":"ret-\#(UUID().uuidString.prefix(6).lowercased())","name":"R","settings":{"retentionDays":0}}"#)
            #expect(created.status == .created && created.text.contains("\"retentionDays\":0"), "\(created.text)")
        }
    }

    @Test func auditHeadAndAnchoredVerification() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            _ = try await api.createParty(t, #"{"kind":"organization","name":"Acme"}"#)
            let head = try await api.send(.get, "/v1/tenants/\(t)/audit/head")
            #expect(head.status == .ok, "\(head.text)")
            struct Anchor: Codable { var count: Int; var hash: String; var at: String }
            let anchor = try head.decode(Anchor.self)
            #expect(anchor.count >= 2 && anchor.hash.count == 64)
            _ = try await api.createParty(t, #"{"kind":"organization","name":"Later"}"#)
            let extends = try await api.send(.post, "/v1/tenants/\(t)/audit/verify", json: #"{"count":\#(anchor.count),"hash":"\#(anchor.hash)","at":"\#(anchor.at)"}"#)
            #expect(extends.status == .ok && extends.text.contains("\"valid\":true"), "\(extends.text)")
            let other = String(repeating: "b", count: 64)
            let rewritten = try await api.send(.post, "/v1/tenants/\(t)/audit/verify", json: #"{"count":\#(anchor.count),"hash":"\#(other)"}"#)
            #expect(rewritten.status == .ok && rewritten.text.contains("\"valid\":false") && rewritten.text.contains("rewritten"))
            let ahead = try await api.send(.post, "/v1/tenants/\(t)/audit/verify", json: #"{"count":100000,"hash":"\#(other)"}"#)
            #expect(ahead.text.contains("truncated"), "\(ahead.text)")
            // The head as it was answered (it names its tenant, as `roster audit head` writes it) is an anchor as it is.
            #expect(head.text.contains("\"tenant\":\"\(t)\""), "\(head.text)")
            let asIs = try await api.send(.post, "/v1/tenants/\(t)/audit/verify", json: head.text)
            #expect(asIs.status == .ok && asIs.text.contains("\"valid\":true"), "\(asIs.text)")
            // Another tenant's anchor: this chain does not extend it.
            let foreign = try await api.send(.post, "/v1/tenants/\(t)/audit/verify", json: head.text.replacingOccurrences(of: t, with: "x"))
            #expect(foreign.status == .ok && foreign.text.contains("\"valid\":false") && foreign.text.contains("another tenant"), "\(foreign.text)")
            let unknown = try await api.send(.post, "/v1/tenants/\(t)/audit/verify", json: #"{"count":1,"hash":"\#(other)","tenants":"x"}"#)
            #expect(unknown.status == .unprocessableContent && unknown.problem?.errors?.map(\.field) == ["tenants"])
            // A bad count is named as the count, a bad hash as the hash; a count no integer holds is a bad count too.
            let negative = try await api.send(.post, "/v1/tenants/\(t)/audit/verify", json: #"{"count":-1,"hash":"\#(other)"}"#)
            #expect(negative.status == .unprocessableContent && negative.problem?.errors?.map(\.field) == ["count"], "\(negative.text)")
            let both = try await api.send(.post, "/v1/tenants/\(t)/audit/verify", json: #"{"count":-1,"hash":"xyz"}"#)
            #expect(both.status == .unprocessableContent && Set(both.problem?.errors?.map(\.field) ?? []) == ["count", "hash"], "\(both.text)")
            // Refused as well when it names another tenant (it answered `valid: false`; found by a probe).
            let foreignAndBad = try await api.send(.post, "/v1/tenants/\(t)/audit/verify", json: #"{"count":-1,"hash":"zz","tenant":"x"}"#)
            #expect(foreignAndBad.status == .unprocessableContent && Set(foreignAndBad.problem?.errors?.map(\.field) ?? []) == ["count", "hash"],
                    "\(foreignAndBad.text)")
            let huge = try await api.send(.post, "/v1/tenants/\(t)/audit/verify", json: #"{"count":100000000000000000000,"hash":"\#(other)"}"#)
            #expect(huge.status == .unprocessableContent && huge.problem?.errors?.map(\.field) == ["count"], "\(huge.text)")
            let full = try await api.send(.get, "/v1/tenants/\(t)/audit/verify?full=true")
            #expect(full.status == .ok && full.text.contains("\"valid\":true"))
        }
    }

    /// GET .../audit/verify recomputes the whole chain (DESIGN.md): an entry rewritten behind Roster's back after a
    /// verification is found; `full=false` is the incremental check, which trusts the prefix verified before.
    @Test func verifyRecomputesTheWholeChain() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("verify-\(UUID().uuidString).sqlite").path
        defer {
            let key = URL(fileURLWithPath: path).deletingPathExtension().appendingPathExtension("key").path
            for file in [path, path + "-wal", path + "-shm", path + "-writers", key] { try? FileManager.default.removeItem(atPath: file) }
        }
        try await withApp(configure: { $0.databaseURL = "sqlite://" + path }) { api in
            let t = try await api.makeTenant()
            _ = try await api.createParty(t, #"{"kind":"person","firstName":"Vera","lastName":"Fy"}"#)
            let first = try await api.send(.get, "/v1/tenants/\(t)/audit/verify")
            #expect(first.status == .ok && first.text.contains("\"valid\":true"), "\(first.text)")
            let database = try await RosterDatabase.open(url: "sqlite://" + path, logger: Logger(label: "tamper"))
            try await database.withRunning { database in
                try await database.sql.withTransaction { conn in
                    try await conn.execute("UPDATE audit_entries SET actor = 'someone else' WHERE seq = 1 AND tenant_id = (SELECT id FROM tenants WHERE slug = $1)",
                                           [.text(t)])
                }
            }
            let incremental = try await api.send(.get, "/v1/tenants/\(t)/audit/verify?full=false")
            #expect(incremental.status == .ok && incremental.text.contains("\"valid\":true"), "\(incremental.text)")
            let again = try await api.send(.get, "/v1/tenants/\(t)/audit/verify")
            #expect(again.status == .ok && again.text.contains("\"valid\":false") && again.text.contains("\"brokenAt\":1"), "\(again.text)")
        }
    }
}


@Suite("HTTP: bulk export")
struct BulkExportAPITests {
    /// GET .../parties/export streams CSV or JSON Lines, masked on request, scoped to the caller, 404 across tenants.
    @Test func exportOverHTTP() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let north = try await api.createParty(t, #"{"kind":"organization","name":"North"}"#)
            let ann = try await api.createParty(t, #"{"kind":"person","firstName":"Ann","email":"ann@example.com","phone":"020 7946 0958","properties":{"crm":"c-1"}}"#)
            _ = try await api.createParty(t, #"{"kind":"person","firstName":"Bob","email":"bob@example.com"}"#)
            #expect(try await api.send(.post, "/v1/tenants/\(t)/relationships",
                                       json: #"{"parentId":"\#(north.id)","childId":"\#(ann.id)","type":"sales"}"#).status == .created)

            let csv = try await api.send(.get, "/v1/tenants/\(t)/parties/export")
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8", "\(csv.headers)")
            // No cache keeps personal data: every authenticated answer says so (a probe found a revealed secret without it).
            #expect(csv.headers[.cacheControl] == "no-store")
            #expect(try await api.send(.get, "/v1/tenants/\(t)/parties/\(ann.id)").headers[.cacheControl] == "no-store")
            let lines = csv.text.split(separator: "\n")
            #expect(lines.first == "kind,firstName,lastName,name,email,phone,website,note,customerType,roles,tags,properties.crm")
            #expect(lines.count == 4 && csv.text.contains("person,Ann,,,ann@example.com,+442079460958,,,,,,c-1"), "\(csv.text)")

            // Spreadsheet-safe on request: a field that would run as a formula starts with an apostrophe; CSV only.
            _ = try await api.createParty(t, #"{"kind":"organization","name":"=1+1"}"#)
            let safe = try await api.send(.get, "/v1/tenants/\(t)/parties/export?spreadsheetSafe=true")
            #expect(safe.status == .ok && safe.text.contains("organization,,,'=1+1,") && !safe.text.contains(",=1+1"), "\(safe.text)")
            #expect(try await api.send(.get, "/v1/tenants/\(t)/parties/export").text.contains(",=1+1,"))
            let notCSV = try await api.send(.get, "/v1/tenants/\(t)/parties/export?format=jsonl&spreadsheetSafe=true")
            #expect(notCSV.status == .unprocessableContent && notCSV.problem?.errors?.map(\.field) == ["spreadsheetSafe"], "\(notCSV.text)")
            let masked = try await api.send(.get, "/v1/tenants/\(t)/parties/export?format=jsonl&mask=true")
            #expect(masked.status == .ok && masked.headers[.contentType] == "application/x-ndjson")
            #expect(masked.text.split(separator: "\n").count == 4)
            #expect(!masked.text.contains("Ann") && !masked.text.contains("example.com") && !masked.text.contains("c-1"), "\(masked.text)")

            // A key whose role reads below North gets North's subtree (Ann), not Bob.
            let key = try await api.scopedKey(t, policies: ["parties.read"], organization: north.id)
            let scoped = try await api.send(.get, "/v1/tenants/\(t)/parties/export?format=jsonl", token: key)
            #expect(scoped.status == .ok && scoped.text.contains("Ann") && !scoped.text.contains("Bob"), "\(scoped.text)")

            let other = try await api.makeTenant()
            struct Key: Codable { var key: String }
            let theirs = try await api.send(.post, "/v1/tenants/\(other)/api-keys", json: #"{"name":"a","role":"ADMIN"}"#).decode(Key.self).key
            #expect(try await api.send(.get, "/v1/tenants/\(t)/parties/export", token: theirs).status == .notFound)
            #expect(try await api.send(.get, "/v1/tenants/\(t)/parties/export?format=xml").status == .badRequest)
        }
    }

    /// A tenant where North sells through Ann (by email) and South (an organization with an email), South through Bob
    /// (by phone): its slug and South.
    static func salesTree(_ api: APIClient) async throws -> (String, TParty) {
        let t = try await api.makeTenant()
        let north = try await api.createParty(t, #"{"kind":"organization","name":"North"}"#)
        let south = try await api.createParty(t, #"{"kind":"organization","name":"South","email":"south@example.com"}"#)
        let ann = try await api.createParty(t, #"{"kind":"person","firstName":"Ann","email":"ann@example.com"}"#)
        let bob = try await api.createParty(t, #"{"kind":"person","firstName":"Bob","phone":"020 7946 0958"}"#)
        for (parent, child) in [(north, ann), (north, south), (south, bob)] {
            #expect(try await api.send(.post, "/v1/tenants/\(t)/relationships",
                                       json: #"{"parentId":"\#(parent.id)","childId":"\#(child.id)","type":"sales"}"#).status == .created)
        }
        return (t, south)
    }

    /// GET .../relationships/export streams the edges in the import's columns, each end by its email, phone or name
    /// (masked on request), scoped to the caller (an edge with an end outside is left out), 404 across tenants, and no
    /// HEAD (an export is audited when it is read).
    @Test func relationshipsExportOverHTTP() async throws {
        try await withApp { api in
            let (t, south) = try await Self.salesTree(api)
            let csv = try await api.send(.get, "/v1/tenants/\(t)/relationships/export")
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8", "\(csv.headers)")
            let lines = csv.text.split(separator: "\n").map(String.init)
            #expect(lines.first == "childId,childEmail,childPhone,childName,parentId,parentEmail,parentName,type,role,validFrom,validTo")
            #expect(Set(lines.dropFirst()) == [",ann@example.com,,,,,North,sales,,,", ",south@example.com,,,,,North,sales,,,",
                                               ",,+442079460958,,,south@example.com,,sales,,,"], "\(csv.text)")
            let masked = try await api.send(.get, "/v1/tenants/\(t)/relationships/export?format=jsonl&mask=true")
            #expect(masked.status == .ok && masked.headers[.contentType] == "application/x-ndjson")
            #expect(masked.text.split(separator: "\n").count == 3)
            #expect(!masked.text.contains("North") && !masked.text.contains("example.com") && !masked.text.contains("7946"), "\(masked.text)")

            // Below South only: the edge from South to Bob, not those from North.
            let key = try await api.scopedKey(t, policies: ["parties.read"], organization: south.id)
            let scoped = try await api.send(.get, "/v1/tenants/\(t)/relationships/export", token: key)
            #expect(scoped.status == .ok && scoped.text.split(separator: "\n").count == 2 && scoped.text.contains("+442079460958")
                    && !scoped.text.contains("ann@"), "\(scoped.text)")
            #expect(try await api.send(.head, "/v1/tenants/\(t)/relationships/export").status == .methodNotAllowed)
            let other = try await api.makeTenant()
            struct Key: Codable { var key: String }
            let theirs = try await api.send(.post, "/v1/tenants/\(other)/api-keys", json: #"{"name":"a","role":"ADMIN"}"#).decode(Key.self).key
            #expect(try await api.send(.get, "/v1/tenants/\(t)/relationships/export", token: theirs).status == .notFound)
        }
    }
}

extension BulkExportAPITests {
    /// Masked exports given one `Roster-Mask-Key` agree: the parties' file and the edges' file, imported over HTTP into
    /// another tenant, give it the same edges between the same pseudonyms (the copy's unmasked edges are the source's
    /// masked ones). Without the key each export has its own; the key goes with `mask=true` only; the audit names it.
    @Test func maskedCopyWithItsHierarchyOverHTTP() async throws {
        try await withApp { api in
            let (t, _) = try await Self.salesTree(api)
            let key: HTTPFields = [HTTPField.Name("Roster-Mask-Key")!: "test copy 1"]
            let parties = try await api.send(.get, "/v1/tenants/\(t)/parties/export?mask=true", headers: key)
            let edges = try await api.send(.get, "/v1/tenants/\(t)/relationships/export?mask=true", headers: key)
            #expect(parties.status == .ok && edges.status == .ok, "\(parties.text) \(edges.text)")
            #expect(!edges.text.contains("example.com") && !edges.text.contains("North") && edges.text.split(separator: "\n").count == 4,
                    "\(edges.text)")
            // The same key, the same pseudonyms; another export without it has others.
            #expect(try await api.send(.get, "/v1/tenants/\(t)/relationships/export?mask=true", headers: key).text == edges.text)
            #expect(try await api.send(.get, "/v1/tenants/\(t)/relationships/export?mask=true").text != edges.text)

            let copy = try await api.makeTenant()
            for (type, body) in [("parties", parties.text), ("relationships", edges.text)] {
                let started = try await ImportAPITests.post(api, copy, "type=\(type)", body)
                #expect(started.status == .accepted, "\(started.text)")
                let job = try await ImportAPITests.finished(api, copy, try started.decode(TImportJob.self).id)
                #expect(job.status == "completed" && job.refused == 0 && job.created == (type == "parties" ? 4 : 3), "\(type): \(job)")
            }
            let copied = try await api.send(.get, "/v1/tenants/\(copy)/relationships/export")
            #expect(Set(copied.text.split(separator: "\n")) == Set(edges.text.split(separator: "\n")), "\(copied.text) against \(edges.text)")

            // The key goes with a masked export, and is at most 256 characters.
            for (query, value) in [("", "test copy 1"), ("?mask=false", "test copy 1"), ("?mask=true", String(repeating: "k", count: 257))] {
                for what in ["parties", "relationships"] {
                    let refused = try await api.send(.get, "/v1/tenants/\(t)/\(what)/export\(query)",
                                                     headers: [HTTPField.Name("Roster-Mask-Key")!: value])
                    #expect(refused.status == .unprocessableContent && refused.problem?.errors?.map(\.field) == ["Roster-Mask-Key"],
                            "\(what)\(query): \(refused.text)")
                }
            }
            // Given twice (even the same value), it is refused: the runtime joined the values into another passphrase.
            var twice = HTTPFields()
            twice.append(HTTPField(name: HTTPField.Name("Roster-Mask-Key")!, value: "test copy 1"))
            twice.append(HTTPField(name: HTTPField.Name("Roster-Mask-Key")!, value: "test copy 1"))
            let repeated = try await api.send(.get, "/v1/tenants/\(t)/parties/export?mask=true", headers: twice)
            #expect(repeated.status == .unprocessableContent && repeated.problem?.errors?.map(\.field) == ["Roster-Mask-Key"], "\(repeated.text)")
            // The audit says which exports were made under a key of the caller's (never the key).
            struct Entry: Codable { var action: String; var fields: [String]? }
            let audit = try await api.send(.get, "/v1/tenants/\(t)/audit?limit=200").decode(TList<Entry>.self).items
            let keyed = audit.filter { ["parties.export", "relationships.export"].contains($0.action) && $0.fields?.contains("maskKey") == true }
            #expect(keyed.count == 3 && !audit.contains { $0.fields?.contains("test copy 1") == true }, "\(audit)")
        }
    }
}

@Suite("HTTP: duplicate finder")
struct DuplicatesAPITests {
    struct Group: Codable { var reason: String; var parties: [TParty] }

    @Test func duplicatesOverHTTP() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let person = try await api.createParty(t, #"{"kind":"person","firstName":"Ann","email":"ann@farm.example"}"#)
            let org = try await api.createParty(t, #"{"kind":"organization","name":"Farm","email":"Ann@Farm.example"}"#)
            _ = try await api.createParty(t, #"{"kind":"person","firstName":"Bob","email":"bob@farm.example"}"#)
            let response = try await api.send(.get, "/v1/tenants/\(t)/parties/duplicates?limit=10")
            #expect(response.status == .ok, "\(response.text)")
            let groups = try response.decode(TList<Group>.self)
            #expect(groups.items.count == 1 && groups.items[0].reason == "email")
            #expect(Set(groups.items[0].parties.map(\.id)) == [person.id, org.id] && groups.nextCursor == nil)
            #expect(try await api.send(.get, "/v1/tenants/\(t)/parties/duplicates?cursor=bad").status == .unprocessableContent)
        }
    }
}

/// Merging over HTTP (issue 12, item 5): the dry run, the merge, undo, and the edges of the contract.
@Suite("HTTP: merging duplicates")
struct MergeAPITests {
    struct Merge: Codable {
        struct Moved: Codable { var relationships, tags, consents, partnerAccounts, users, properties: Int }
        struct Conflict: Codable { var kind: String; var partyId: String; var field: String? }
        var id: String?
        var dryRun: Bool
        var survivor: TParty
        var merged: [String]
        var moved: Moved
        var conflicts: [Conflict]
        var undoneAt: String?
    }

    @Test func mergeDryRunAndUndoOverHTTP() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let ann = try await api.createParty(t, #"{"kind":"person","firstName":"Ann","email":"ann@farm.example","properties":{"crop":"wheat"}}"#)
            let dup = try await api.createParty(t, #"{"kind":"person","firstName":"Ann","phone":"020 7946 0958","properties":{"crop":"oats","rank":3}}"#)
            let org = try await api.createParty(t, #"{"kind":"organization","name":"Farm"}"#)
            let base = "/v1/tenants/\(t)"
            #expect(try await api.send(.post, "\(base)/relationships", json: #"{"parentId":"\#(org.id)","childId":"\#(dup.id)","type":"staff"}"#)
                .status == .created)
            let body = #"{"from":["\#(dup.id)"],"dryRun":true}"#
            let dry = try await api.send(.post, "\(base)/parties/\(ann.id)/merge", json: body)
            #expect(dry.status == .ok, "\(dry.text)")
            let preview = try dry.decode(Merge.self)
            #expect(preview.dryRun && preview.id == nil && preview.moved.relationships == 1 && preview.moved.properties == 1)
            #expect(preview.conflicts.map(\.kind) == ["property"] && preview.conflicts.first?.field == "crop")
            #expect(try await api.send(.get, "\(base)/parties/\(dup.id)").decode(TParty.self).state == "active")
            // A null dryRun is refused, not read as false: it ran the real merge (found by a probe).
            let null = try await api.send(.post, "\(base)/parties/\(ann.id)/merge", json: #"{"from":["\#(dup.id)"],"dryRun":null}"#)
            #expect(null.status == .unprocessableContent && null.problem?.errors?.map(\.field) == ["dryRun"], "\(null.text)")
            #expect(try await api.send(.get, "\(base)/parties/\(dup.id)").decode(TParty.self).state == "active")

            let done = try await api.send(.post, "\(base)/parties/\(ann.id)/merge", json: #"{"from":["\#(dup.id)"]}"#)
            #expect(done.status == .ok, "\(done.text)")
            let merge = try done.decode(Merge.self)
            #expect(!merge.dryRun && merge.merged == [dup.id] && merge.moved.relationships == preview.moved.relationships)
            let merged = try await api.send(.get, "\(base)/parties/\(dup.id)")
            #expect(merged.text.contains(#""state":"merged""#) && merged.text.contains(#""mergedInto":"\#(ann.id)""#), "\(merged.text)")
            let search = try await api.send(.get, "\(base)/parties?state=merged").decode(TList<TParty>.self)
            #expect(search.items.map(\.id) == [dup.id])
            // A merged party takes no changes and no second merge.
            #expect(try await api.send(.patch, "\(base)/parties/\(dup.id)", json: #"{"note":"x"}"#,
                                       headers: [.contentType: "application/merge-patch+json"]).status == .conflict)
            #expect(try await api.send(.post, "\(base)/parties/\(ann.id)/merge", json: #"{"from":["\#(dup.id)"]}"#).status == .conflict)

            let undo = try await api.send(.post, "\(base)/merges/\(try #require(merge.id))/undo")
            #expect(undo.status == .ok, "\(undo.text)")
            #expect(try undo.decode(Merge.self).undoneAt != nil)
            #expect(try await api.send(.get, "\(base)/parties/\(dup.id)").decode(TParty.self).state == "active")
            let again = try await api.send(.post, "\(base)/merges/\(merge.id!)/undo")
            #expect(again.status == .conflict && again.text.contains("undone"), "\(again.text)")

            // The contract's edges: unknown fields, the survivor in its own list, a merge that is not there.
            let unknown = try await api.send(.post, "\(base)/parties/\(ann.id)/merge", json: #"{"from":["\#(dup.id)"],"into":"x"}"#)
            #expect(unknown.status == .unprocessableContent && unknown.text.contains("into"), "\(unknown.text)")
            #expect(try await api.send(.post, "\(base)/parties/\(ann.id)/merge", json: #"{"from":["\#(ann.id)"]}"#).status == .unprocessableContent)
            #expect(try await api.send(.post, "\(base)/parties/\(ann.id)/merge", json: #"{"from":[]}"#).status == .unprocessableContent)
            #expect(try await api.send(.post, "\(base)/merges/\(UUID().uuidString)/undo").status == .notFound)
        }
    }
}
