import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("HTTP: parties, customers, audit")
struct PartyAPITests {
    static let jane = #"{"kind":"person","firstName":"Jane","lastName":"Doe","email":"Jane@Example.com","phone":"020 7946 0958","customerType":"regular","properties":{"crm":"c-1","score":3,"vip":true}}"#

    @Test func createAndRead() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let created = try await api.send(.post, "/v1/tenants/\(t)/parties", json: Self.jane)
            #expect(created.status == .created)
            #expect(created.headers[.eTag] == "\"1\"")
            let party = try created.decode(TParty.self)
            #expect(party.email == "Jane@example.com")
            #expect(party.phone == "442079460958")
            #expect(party.displayName == "Jane Doe")
            #expect(party.roles == ["customer"])
            #expect(party.properties == ["crm": .string("c-1"), "score": .number(3), "vip": .bool(true)])
            #expect(party.tags == [])
            #expect(party.state == "active")

            let read = try await api.send(.get, "/v1/tenants/\(t)/parties/\(party.id)")
            #expect(read.status == .ok)
            #expect(read.headers[.eTag] == "\"1\"")
            #expect(try read.decode(TParty.self) == party)

            let org = try await api.createParty(t, #"{"kind":"organization","name":"Acme","website":"www.acme.example"}"#)
            #expect(org.emailDomains == ["acme.example"])
            #expect(org.properties["website"] == .string("https://www.acme.example"))
        }
    }

    /// A change answers the party's data: it is audited as a read when nothing changed, and refused to a caller that may
    /// change the party but not read it (both answered the whole record unrecorded; found by a probe). Users likewise.
    /// An integer beyond 64 bits in properties is refused, named (it was kept rounded; found by a probe); one within is kept
    /// exactly.
    @Test func integersBeyond64BitsAreRefused() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let big = try await api.send(.post, "/v1/tenants/\(t)/parties", json: #"{"kind":"person","firstName":"Pr","properties":{"int":12345678901234567890}}"#)
            #expect(big.status == .unprocessableContent && big.problem?.errors?.map(\.field) == ["properties.int"], "\(big.text)")
            let kept = try await api.send(.post, "/v1/tenants/\(t)/parties", json: #"{"kind":"person","firstName":"Pr","properties":{"int":9007199254740993}}"#)
            #expect(kept.status == .created && kept.text.contains("9007199254740993"), "\(kept.text)")
            // A website property that is no string is one error, once (it was named twice).
            let org = try await api.createParty(t, #"{"kind":"organization","name":"W"}"#)
            let site = try await api.send(.patch, "/v1/tenants/\(t)/parties/\(org.id)", json: #"{"properties":{"website":5}}"#)
            #expect(site.status == .unprocessableContent && site.problem?.errors?.map(\.field) == ["properties.website"], "\(site.text)")
        }
    }

    @Test func changesThatAnswerDataAreReadsToo() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let north = try await api.createParty(t, #"{"kind":"organization","name":"North"}"#)
            let ann = try await api.createParty(t, #"{"kind":"person","firstName":"Ann","email":"ann@example.com","note":"kept"}"#)
            #expect(try await api.send(.post, "/v1/tenants/\(t)/relationships", json: #"{"parentId":"\#(north.id)","childId":"\#(ann.id)","type":"structure"}"#).status == .created)
            func entries(_ id: String) async throws -> [TAuditEntry] {
                try await api.send(.get, "/v1/tenants/\(t)/audit?targetId=\(id)").decode(TList<TAuditEntry>.self).items
            }
            let before = try await entries(ann.id).count
            for body in ["{}", #"{"note":"kept"}"#] {
                let same = try await api.send(.patch, "/v1/tenants/\(t)/parties/\(ann.id)", json: body)
                #expect(same.status == .ok && same.text.contains("ann@example.com"))
            }
            let after = try await entries(ann.id)
            #expect(after.count == before + 2 && after.prefix(2).allSatisfy { $0.action == "party.read" }, "\(after.map(\.action))")

            let writer = try await api.scopedKey(t, policies: ["parties.write"], organization: north.id)
            #expect(try await api.send(.get, "/v1/tenants/\(t)/parties/\(ann.id)", token: writer).status == .notFound)
            for (method, path, body) in [(HTTPRequest.Method.patch, "", "{}"), (.patch, "", #"{"note":"changed"}"#), (.post, "/state", #"{"state":"suspended"}"#),
                                         (.delete, "", nil)] {
                let refused = try await api.send(method, "/v1/tenants/\(t)/parties/\(ann.id)\(path)", json: body, token: writer)
                #expect(refused.status == .forbidden && !refused.text.contains("ann@example.com") && refused.text.contains("parties.read"),
                        "\(method) \(path): \(refused.status) \(refused.text)")
            }
            #expect(try await api.send(.get, "/v1/tenants/\(t)/parties/\(ann.id)").decode(TParty.self).note == "kept")
            // Identify and merge answer party data too (a write-only key was answered it; found by a probe).
            let identified = try await api.send(.post, "/v1/tenants/\(t)/customers/identify", json: #"{"email":"ann@example.com"}"#, token: writer)
            #expect(identified.status == .forbidden && !identified.text.contains("Ann"), "\(identified.text)")
            let twin = try await api.createParty(t, #"{"kind":"person","firstName":"Twin"}"#)
            #expect(try await api.send(.post, "/v1/tenants/\(t)/relationships", json: #"{"parentId":"\#(north.id)","childId":"\#(twin.id)","type":"structure"}"#).status == .created)
            for dryRun in [true, false] {
                let merged = try await api.send(.post, "/v1/tenants/\(t)/parties/\(ann.id)/merge", json: #"{"from":["\#(twin.id)"],"dryRun":\#(dryRun)}"#, token: writer)
                #expect(merged.status == .forbidden && !merged.text.contains("ann@example.com"), "\(merged.text)")
            }

            struct ID: Codable { var id: String }
            let user = try await api.send(.post, "/v1/tenants/\(t)/users", json: #"{"email":"u@example.com"}"#).decode(ID.self)
            let userBefore = try await entries(user.id).count
            #expect(try await api.send(.patch, "/v1/tenants/\(t)/users/\(user.id)", json: "{}").status == .ok)
            let userAfter = try await entries(user.id)
            #expect(userAfter.count == userBefore + 1 && userAfter.first?.action == "user.read", "\(userAfter.map(\.action))")
        }
    }

    @Test func invalidInputListsEveryField() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let response = try await api.send(.post, "/v1/tenants/\(t)/parties",
                                              json: #"{"kind":"person","email":"not-an-email","phone":"call me","website":"ftp://x"}"#)
            #expect(response.status == .unprocessableContent)
            #expect(response.headers[.contentType] == "application/problem+json")
            let problem = try #require(response.problem)
            #expect(problem.errors?.map(\.field) == ["email", "phone", "website"])
            // The values themselves are not echoed back.
            #expect(!response.text.contains("not-an-email"))

            let badKind = try await api.send(.post, "/v1/tenants/\(t)/parties", json: #"{"kind":"robot","name":"R2"}"#)
            #expect(badKind.status == .unprocessableContent)
            #expect(badKind.problem?.errors?.first?.field == "kind")

            let wrongType = try await api.send(.post, "/v1/tenants/\(t)/parties", json: #"{"kind":"person","firstName":42}"#)
            #expect(wrongType.status == .unprocessableContent)
            #expect(wrongType.problem?.errors?.first?.field == "firstName")

            let nested = try await api.send(.post, "/v1/tenants/\(t)/parties", json: #"{"kind":"person","firstName":"A","properties":{"x":{"y":1}}}"#)
            #expect(nested.status == .unprocessableContent)
            #expect(nested.problem?.errors?.first?.field == "properties.x")

            let malformed = try await api.send(.post, "/v1/tenants/\(t)/parties", json: "{kind: person")
            #expect(malformed.status == .badRequest)

            let unknownTenant = try await api.send(.post, "/v1/tenants/no-such/parties", json: Self.jane)
            #expect(unknownTenant.status == .notFound)
        }
    }

    @Test func duplicatesAre409WithTheExistingID() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let first = try await api.createParty(t, Self.jane)
            let again = try await api.send(.post, "/v1/tenants/\(t)/parties", json: #"{"kind":"person","email":"JANE@example.COM"}"#)
            #expect(again.status == .conflict)
            #expect(again.problem?.existingId == first.id)
            let phone = try await api.send(.post, "/v1/tenants/\(t)/parties", json: #"{"kind":"person","phone":"+44 20 7946 0958"}"#)
            #expect(phone.status == .conflict)
            #expect(phone.problem?.existingId == first.id)
        }
    }

    /// Every response that carries a party sends its version as ETag. Tags are kept beside the party, by operations of
    /// their own that no PATCH can conflict with: they leave the version as it is (docs/decisions.md).
    @Test func everyPartyResponseSendsItsVersionAsETag() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let party = try await api.createParty(t, Self.jane)
            let path = "/v1/tenants/\(t)/parties/\(party.id)"
            func expectETag(_ response: TResponse, _ version: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
                #expect(response.status == .ok, "\(response.text)", sourceLocation: sourceLocation)
                #expect(response.headers[.eTag] == "\"\(version)\"", sourceLocation: sourceLocation)
                #expect(try response.decode(TParty.self).version == version, sourceLocation: sourceLocation)
            }
            // Tags are a field of the party: attaching one is a change (version + 1), attaching it again is none.
            let tagged = try await api.send(.post, "\(path)/tags", json: #"{"text":"VIP"}"#)
            #expect(tagged.status == .ok || tagged.status == .created, "\(tagged.text)")
            try expectETag(try await api.send(.get, path), 2)
            _ = try await api.send(.post, "\(path)/tags", json: #"{"text":"VIP"}"#)
            try expectETag(try await api.send(.get, path), 2)
            // An update made against the version before the tag is refused.
            let stale = try await api.send(.patch, path, json: #"{"note":"seen"}"#, headers: [.ifMatch: "\"1\""])
            #expect(stale.status == .preconditionFailed, "\(stale.text)")
            try expectETag(try await api.send(.post, "\(path)/state", json: #"{"state":"suspended"}"#), 3)
            try expectETag(try await api.send(.delete, path), 4)
            try expectETag(try await api.send(.post, "\(path)/restore", json: "{}"), 5)
            try expectETag(try await api.send(.get, path), 5)
            let untagged = try await api.send(.delete, "\(path)/tags?text=VIP")
            #expect(untagged.status == .noContent || untagged.status == .ok, "\(untagged.text)")
            try expectETag(try await api.send(.get, path), 6)
        }
    }

    /// PATCH merges `properties` (RFC 7386: a key replaces, null removes, the others stay), and an organization's
    /// `properties.website` given alone changes the website it mirrors; an invalid one is named, a contradiction too.
    @Test func patchMergesPropertiesAndTheWebsiteFollowsThem() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let org = try await api.send(.post, "/v1/tenants/\(t)/parties",
                                         json: #"{"kind":"organization","name":"Weborg","website":"https://www.weborg.example","properties":{"crm":"c-1","tier":2}}"#)
            #expect(org.status == .created, "\(org.text)")
            // On create too, the two must name one site.
            let twoSites = try await api.send(.post, "/v1/tenants/\(t)/parties",
                                              json: #"{"kind":"organization","name":"Two","website":"https://a.example","properties":{"website":"https://b.example"}}"#)
            #expect(twoSites.status == .unprocessableContent && twoSites.problem?.errors?.map(\.field) == ["properties.website"], "\(twoSites.text)")
            let oneSite = try await api.send(.post, "/v1/tenants/\(t)/parties",
                                             json: #"{"kind":"organization","name":"One","website":"https://a.example","properties":{"website":"https://a.example"}}"#)
            #expect(oneSite.status == .created, "\(oneSite.text)")
            let path = "/v1/tenants/\(t)/parties/\(try org.decode(TParty.self).id)"
            func properties(_ response: TResponse) throws -> [String: String] {
                let object = try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any]
                return ((object?["properties"] as? [String: Any]) ?? [:]).mapValues { "\($0)" }
            }
            func website(_ response: TResponse) throws -> String? {
                (try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any])?["website"] as? String
            }
            let merged = try await api.send(.patch, path, json: #"{"properties":{"tier":3,"crm":null,"region":"north"}}"#)
            #expect(merged.status == .ok, "\(merged.text)")
            #expect(try properties(merged) == ["tier": "3", "region": "north", "website": "https://www.weborg.example"], "\(merged.text)")

            let moved = try await api.send(.patch, path, json: #"{"properties":{"website":"https://other.example"}}"#)
            #expect(moved.status == .ok && moved.headers[.eTag] == "\"3\"", "\(moved.text)")
            #expect(try website(moved) == "https://other.example" && properties(moved)["website"] == "https://other.example", "\(moved.text)")
            // The email domain (what auto-linking claims) follows the website: the old one is claimed no more.
            #expect(try moved.decode(TParty.self).emailDomains == ["other.example"], "\(moved.text)")

            let invalid = try await api.send(.patch, path, json: #"{"properties":{"website":"not a url"}}"#)
            #expect(invalid.status == .unprocessableContent && invalid.problem?.errors?.map(\.field) == ["properties.website"], "\(invalid.text)")
            let contradiction = try await api.send(.patch, path, json: #"{"website":"https://third.example","properties":{"website":"https://fourth.example"}}"#)
            #expect(contradiction.status == .unprocessableContent && contradiction.problem?.errors?.map(\.field) == ["properties.website"],
                    "\(contradiction.text)")
            let agreeing = try await api.send(.patch, path, json: #"{"website":"https://third.example","properties":{"website":"https://third.example"}}"#)
            #expect(try agreeing.status == .ok && website(agreeing) == "https://third.example", "\(agreeing.text)")

            let cleared = try await api.send(.patch, path, json: #"{"properties":{"website":null}}"#)
            #expect(try cleared.status == .ok && website(cleared) == nil && properties(cleared)["website"] == nil, "\(cleared.text)")
            #expect(try properties(cleared) == ["tier": "3", "region": "north"], "\(cleared.text)")
            #expect(try cleared.decode(TParty.self).emailDomains == [], "\(cleared.text)")

            // `properties: null` removes every property, the website among them (RFC 7386: null removes the member);
            // given with a website, the website stays the one given.
            _ = try await api.send(.patch, path, json: #"{"website":"https://fifth.example"}"#)
            let none = try await api.send(.patch, path, json: #"{"properties":null}"#)
            #expect(try none.status == .ok && properties(none).isEmpty && website(none) == nil, "\(none.text)")
            let reset = try await api.send(.patch, path, json: #"{"properties":null,"website":"https://sixth.example"}"#)
            #expect(try reset.status == .ok && properties(reset) == ["website": "https://sixth.example"]
                    && website(reset) == "https://sixth.example", "\(reset.text)")
        }
    }

    @Test func patchWithIfMatch() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let party = try await api.createParty(t, Self.jane)
            let path = "/v1/tenants/\(t)/parties/\(party.id)"
            let ok = try await api.send(.patch, path, json: #"{"note":"prefers email","properties":null}"#, headers: [.ifMatch: "\"1\""])
            #expect(ok.status == .ok)
            #expect(ok.headers[.eTag] == "\"2\"")
            let updated = try ok.decode(TParty.self)
            #expect(updated.note == "prefers email")
            #expect(updated.properties == [:])
            #expect(updated.version == 2)

            let stale = try await api.send(.patch, path, json: #"{"note":"lost update"}"#, headers: [.ifMatch: "\"1\""])
            #expect(stale.status == .preconditionFailed)
            let garbage = try await api.send(.patch, path, json: #"{"note":"x"}"#, headers: [.ifMatch: "abc"])
            #expect(garbage.status == .preconditionFailed)

            let cleared = try await api.send(.patch, path, json: #"{"note":null}"#, headers: [.contentType: "application/merge-patch+json"])
            #expect(cleared.status == .ok)
            #expect(try cleared.decode(TParty.self).note == nil)

            let clearPhone = try await api.send(.patch, path, json: #"{"phone":null}"#)
            #expect(clearPhone.status == .unprocessableContent, "a regular customer needs a phone")
            #expect(clearPhone.problem?.errors?.map(\.field) == ["phone"])

            let wrong = try await api.send(.patch, path, json: #"{"firstName":7,"kind":"organization","unknown":true}"#)
            #expect(wrong.status == .unprocessableContent)
            #expect(Set(wrong.problem?.errors?.map(\.field) ?? []) == ["firstName", "kind", "unknown"])

            let missing = try await api.send(.patch, "/v1/tenants/\(t)/parties/00000000-0000-7000-8000-000000000000", json: #"{"note":"x"}"#)
            #expect(missing.status == .notFound)
        }
    }

    @Test func stateDeleteRestoreHistory() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let party = try await api.createParty(t, #"{"kind":"organization","name":"Acme"}"#)
            let path = "/v1/tenants/\(t)/parties/\(party.id)"
            let suspended = try await api.send(.post, "\(path)/state", json: #"{"state":"suspended","reason":"unpaid"}"#)
            #expect(suspended.status == .ok)
            #expect(try suspended.decode(TParty.self).state == "suspended")
            let same = try await api.send(.post, "\(path)/state", json: #"{"state":"suspended"}"#)
            #expect(same.status == .conflict)
            let toDeleted = try await api.send(.post, "\(path)/state", json: #"{"state":"deleted"}"#)
            #expect(toDeleted.status == .unprocessableContent)
            let badState = try await api.send(.post, "\(path)/state", json: #"{"state":"gone"}"#)
            #expect(badState.status == .unprocessableContent)
            let stale = try await api.send(.post, "\(path)/state", json: #"{"state":"active"}"#, headers: [.ifMatch: "\"1\""])
            #expect(stale.status == .preconditionFailed)

            // A stale If-Match stops a soft delete, a restore and an erasure too (412, nothing done); the current one lets them go on.
            let staleDelete = try await api.send(.delete, "\(path)?reason=closed", headers: [.ifMatch: "\"1\""])
            #expect(staleDelete.status == .preconditionFailed && staleDelete.problem?.detail?.contains("not 1") == true, "\(staleDelete.text)")
            let staleErase = try await api.send(.delete, "\(path)?erase=true", headers: [.ifMatch: "\"1\""])
            #expect(staleErase.status == .preconditionFailed, "\(staleErase.text)")
            #expect(try await api.send(.get, path).decode(TParty.self).state == "suspended")
            let deleted = try await api.send(.delete, "\(path)?reason=closed", headers: [.ifMatch: "\"2\""])
            #expect(deleted.status == .ok && deleted.headers[.eTag] == "\"3\"", "\(deleted.text)")
            #expect(try deleted.decode(TParty.self).state == "deleted")
            let deletedTwice = try await api.send(.delete, path)
            #expect(deletedTwice.status == .conflict)
            let search = try await api.send(.get, "/v1/tenants/\(t)/parties")
            #expect(try search.decode(TList<TParty>.self).items.isEmpty)
            let patchDeleted = try await api.send(.patch, path, json: #"{"note":"x"}"#)
            #expect(patchDeleted.status == .conflict)

            let staleRestore = try await api.send(.post, "\(path)/restore", json: #"{"reason":"reopened"}"#, headers: [.ifMatch: "\"2\""])
            #expect(staleRestore.status == .preconditionFailed, "\(staleRestore.text)")
            let restored = try await api.send(.post, "\(path)/restore", json: #"{"reason":"reopened"}"#, headers: [.ifMatch: "W/\"3\""])
            #expect(restored.status == .ok)
            #expect(try restored.decode(TParty.self).state == "active")
            let restoreAgain = try await api.send(.post, "\(path)/restore")
            #expect(restoreAgain.status == .conflict)

            let history = try await api.send(.get, "\(path)/history")
            #expect(history.status == .ok)
            let entries = try history.decode(TList<THistoryEntry>.self).items
            #expect(entries.map(\.to) == ["active", "suspended", "deleted", "active"])
            #expect(entries.map(\.reason) == ["created", "unpaid", "closed", "reopened"])
            #expect(entries.allSatisfy { $0.actor.hasPrefix("platform:") })
            // Paged as every list (`limit`, `cursor`, `nextCursor`): it took neither (found by a probe of DESIGN.md §4.2).
            let first = try await api.send(.get, "\(path)/history?limit=3").decode(TList<THistoryEntry>.self)
            #expect(first.items.map(\.reason) == ["created", "unpaid", "closed"])
            let next = try #require(first.nextCursor)
            let second = try await api.send(.get, "\(path)/history?limit=3&cursor=\(next)").decode(TList<THistoryEntry>.self)
            #expect(second.items.map(\.reason) == ["reopened"] && second.nextCursor == nil)
            #expect(try await api.send(.get, "\(path)/history?limit=0").status == .unprocessableContent)

            let noHistory = try await api.send(.get, "/v1/tenants/\(t)/parties/not-a-uuid/history")
            #expect(noHistory.status == .notFound)
            // The erasure, on the version the caller saw (4, after the restore).
            #expect(try await api.send(.delete, "\(path)?erase=true", headers: [.ifMatch: "\"4\""]).status == .noContent)
            #expect(try await api.send(.get, path).status == .notFound)
        }
    }

    @Test func searchPaginationAndFilters() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            var ids: [String] = []
            for i in 0..<12 {
                ids.append(try await api.createParty(t, #"{"kind":"person","firstName":"Person\#(i)","customerType":"unregistered"}"#).id)
            }
            _ = try await api.createParty(t, #"{"kind":"organization","name":"Zed Partners","roles":["partner"]}"#)
            var seen: [String] = []
            var cursor: String?
            repeat {
                let response = try await api.send(.get, "/v1/tenants/\(t)/parties?q=person&limit=5" + (cursor.map { "&cursor=\($0)" } ?? ""))
                #expect(response.status == .ok)
                let page = try response.decode(TList<TParty>.self)
                seen += page.items.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen == ids)

            let partners = try await api.send(.get, "/v1/tenants/\(t)/parties?role=partner&kind=organization")
            #expect(try partners.decode(TList<TParty>.self).items.map(\.name) == ["Zed Partners"])
            let unregistered = try await api.send(.get, "/v1/tenants/\(t)/parties?customerType=unregistered&limit=500")
            #expect(try unregistered.decode(TList<TParty>.self).items.count == 12)

            let badRole = try await api.send(.get, "/v1/tenants/\(t)/parties?role=Bad!")
            #expect(badRole.status == .unprocessableContent && badRole.problem?.errors?.map(\.field) == ["role"], "\(badRole.text)")
            let badEnum = try await api.send(.get, "/v1/tenants/\(t)/parties?kind=robot")
            #expect(badEnum.status == .badRequest || badEnum.status == .unprocessableContent)
            #expect(badEnum.headers[.contentType] == "application/problem+json")
            let badLimit = try await api.send(.get, "/v1/tenants/\(t)/parties?limit=501")
            #expect(badLimit.status == .unprocessableContent)
            let notANumber = try await api.send(.get, "/v1/tenants/\(t)/parties?limit=ten")
            #expect(notANumber.status == .badRequest || notANumber.status == .unprocessableContent)
            let badCursor = try await api.send(.get, "/v1/tenants/\(t)/parties?cursor=zzz")
            #expect(badCursor.status == .unprocessableContent)
        }
    }

    @Test func lookupIdentifyStats() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let jane = try await api.createParty(t, Self.jane)
            let byEmail = try await api.send(.get, "/v1/tenants/\(t)/parties/lookup?email=JANE%40example.com")
            #expect(byEmail.status == .ok)
            #expect(try byEmail.decode(TParty.self).id == jane.id)
            let byPhone = try await api.send(.get, "/v1/tenants/\(t)/parties/lookup?phone=020%207946%200958")
            #expect(try byPhone.decode(TParty.self).id == jane.id)
            let none = try await api.send(.get, "/v1/tenants/\(t)/parties/lookup?email=nobody%40example.com")
            #expect(none.status == .notFound)
            let neither = try await api.send(.get, "/v1/tenants/\(t)/parties/lookup")
            #expect(neither.status == .unprocessableContent)
            let invalid = try await api.send(.get, "/v1/tenants/\(t)/parties/lookup?email=nope")
            #expect(invalid.status == .unprocessableContent)

            struct Identification: Codable { var party: TParty; var firstTime: Bool }
            let first = try await api.send(.post, "/v1/tenants/\(t)/customers/identify", json: #"{"phone":"07700 900123","firstName":"Walk"}"#)
            #expect(first.status == .ok)
            let created = try first.decode(Identification.self)
            #expect(created.firstTime)
            #expect(created.party.customerType == "new")
            #expect(created.party.phone == "447700900123")
            let second = try await api.send(.post, "/v1/tenants/\(t)/customers/identify", json: #"{"phone":"+44 7700 900123"}"#)
            let found = try second.decode(Identification.self)
            #expect(!found.firstTime)
            #expect(found.party.id == created.party.id)
            let empty = try await api.send(.post, "/v1/tenants/\(t)/customers/identify", json: "{}")
            #expect(empty.status == .unprocessableContent)
            // The email of one person and the phone of another: 409 naming both, and nothing made.
            let split = try await api.send(.post, "/v1/tenants/\(t)/customers/identify",
                                           json: #"{"email":"jane@example.com","phone":"+44 7700 900123"}"#)
            #expect(split.status == .conflict)
            #expect(split.text.contains(jane.id) && split.text.contains(created.party.id))
            let janeAgain = try await api.send(.post, "/v1/tenants/\(t)/customers/identify", json: #"{"email":"jane@example.com"}"#)
            #expect(try janeAgain.decode(Identification.self).party.id == jane.id)

            struct Stats: Codable { var regular: Int; var unregistered: Int; var new: Int; var anonymous: Int; var total: Int }
            let stats = try await api.send(.get, "/v1/tenants/\(t)/customers/stats").decode(Stats.self)
            #expect(stats.regular == 1 && stats.new == 1 && stats.unregistered == 0 && stats.anonymous == 0 && stats.total == 2)
        }
    }

    /// DESIGN.md's `POST/DELETE .../parties/{id}/tags` and `POST/DELETE .../users/{id}/roles`: a DELETE on the
    /// collection names what it removes in the query or in a body shaped as the POST's.
    @Test func tagsAndGrantsAreRemovedOnTheirCollections() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let party = try await api.createParty(t, #"{"kind":"person","firstName":"Tess","email":"tess@example.com"}"#)
            let tags = "/v1/tenants/\(t)/parties/\(party.id)/tags"
            struct Tag: Codable { var id: String; var text: String }
            struct Tagged: Codable { var tags: [String]? }
            func texts() async throws -> [String] {
                try await api.send(.get, "/v1/tenants/\(t)/parties/\(party.id)?expand=tags").decode(Tagged.self).tags?.sorted() ?? []
            }
            var gold: Tag?
            for text in ["Gold", "Silver", "Bronze"] {
                let made = try await api.send(.post, tags, json: #"{"text":"\#(text)"}"#).decode(Tag.self)
                if text == "Gold" { gold = made }
            }
            #expect(try await texts() == ["Bronze", "Gold", "Silver"])
            #expect(try await api.send(.delete, "\(tags)?text=Silver").status == .noContent)
            #expect(try await api.send(.delete, tags, json: #"{"tagId":"\#(gold!.id)"}"#).status == .noContent)
            #expect(try await texts() == ["Bronze"])
            #expect(try await api.send(.delete, tags, json: #"{"text":"Bronze"}"#).status == .noContent)
            #expect(try await texts() == [])
            // Removed already, unknown, or named twice or not at all.
            #expect(try await api.send(.delete, "\(tags)?text=Bronze").status == .notFound)
            #expect(try await api.send(.delete, "\(tags)?tagId=\(UUID())").status == .notFound)
            // Named the same way in the query and in the body counts as once (not there any more: 404).
            #expect(try await api.send(.delete, "\(tags)?text=Gold", json: #"{"text":"Gold"}"#).status == .notFound)
            let twice = try await api.send(.delete, "\(tags)?text=Gold", json: #"{"tagId":"\#(gold!.id)"}"#)
            #expect(twice.status == .unprocessableContent && twice.text.contains("tagId"), "\(twice.text)")
            #expect(try await api.send(.delete, tags).status == .unprocessableContent)
            let unknown = try await api.send(.delete, tags, json: ##"{"text":"Gold","colour":"#ffffff"}"##)
            #expect(unknown.status == .unprocessableContent && unknown.text.contains("colour"), "\(unknown.text)")

            struct ID: Codable { var id: String }
            let role = try await api.send(.post, "/v1/tenants/\(t)/roles", json: #"{"name":"Reader","policies":["parties.read"]}"#).decode(ID.self)
            let user = try await api.send(.post, "/v1/tenants/\(t)/users", json: #"{"email":"u@example.com"}"#).decode(ID.self)
            let roles = "/v1/tenants/\(t)/users/\(user.id)/roles"
            struct Roles: Codable { var items: [ID] }
            for revoke in [("\(roles)?roleId=\(role.id)", nil), (roles, #"{"roleId":"\#(role.id)"}"#)] {
                #expect(try await api.send(.post, roles, json: #"{"roleId":"\#(role.id)"}"#).status == .ok)
                #expect(try await api.send(.get, roles).decode(Roles.self).items.map(\.id) == [role.id])
                #expect(try await api.send(.delete, revoke.0, json: revoke.1).status == .noContent)
                #expect(try await api.send(.get, roles).decode(Roles.self).items.isEmpty)
            }
            #expect(try await api.send(.delete, "\(roles)?roleId=\(role.id)").status == .notFound)
            #expect(try await api.send(.delete, "\(roles)?roleId=\(role.id)", json: #"{"roleId":"\#(role.id)"}"#).status == .notFound)
            #expect(try await api.send(.delete, "\(roles)?roleId=\(role.id)", json: #"{"roleId":"\#(UUID())"}"#).status == .unprocessableContent)
            #expect(try await api.send(.delete, roles).status == .unprocessableContent)
            #expect(try await api.send(.delete, "\(roles)?roleId=nope").status == .unprocessableContent)
        }
    }

    @Test func anotherTenantsPartyIsNotFound() async throws {
        try await withApp { api in
            let mine = try await api.makeTenant()
            let theirs = try await api.makeTenant()
            let party = try await api.createParty(theirs, Self.jane)
            let base = "/v1/tenants/\(mine)/parties/\(party.id)"
            #expect(try await api.send(.get, base).status == .notFound)
            #expect(try await api.send(.patch, base, json: #"{"note":"x"}"#).status == .notFound)
            #expect(try await api.send(.delete, base).status == .notFound)
            #expect(try await api.send(.post, "\(base)/restore").status == .notFound)
            #expect(try await api.send(.post, "\(base)/state", json: #"{"state":"archived"}"#).status == .notFound)
            #expect(try await api.send(.get, "\(base)/history").status == .notFound)
            #expect(try await api.send(.get, "/v1/tenants/\(mine)/parties/lookup?email=jane%40example.com").status == .notFound)
        }
    }

    @Test func auditRecordsWritesAndReadsWithoutValues() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let party = try await api.createParty(t, Self.jane)
            let requestID = HTTPField.Name("X-Request-Id")!
            _ = try await api.send(.get, "/v1/tenants/\(t)/parties/\(party.id)", headers: [requestID: "read-1"])
            _ = try await api.send(.patch, "/v1/tenants/\(t)/parties/\(party.id)", json: #"{"email":"jane@example.net"}"#)
            #expect(try await api.send(.get, "/v1/tenants/\(t)/parties/\(party.id)/history").status == .ok)
            let response = try await api.send(.get, "/v1/tenants/\(t)/audit?targetId=\(party.id)")
            #expect(response.status == .ok)
            let entries = try response.decode(TList<TAuditEntry>.self).items.filter { $0.action != "party.history" }
            #expect(entries.map(\.action) == ["party.update", "party.read", "party.create"])
            #expect(try response.decode(TList<TAuditEntry>.self).items.first?.action == "party.history")
            #expect(entries[0].fields == ["email"])
            #expect(entries[1].requestId == "read-1")
            #expect(entries.allSatisfy { $0.actor == "platform:bootstrap-" + $0.actor.dropFirst("platform:bootstrap-".count) })
            #expect(!response.text.contains("jane@example.net") && !response.text.contains("Jane@example.com"))

            let page = try await api.send(.get, "/v1/tenants/\(t)/audit?limit=2").decode(TList<TAuditEntry>.self)
            #expect(page.items.count == 2)
            let next = try #require(page.nextCursor)
            let rest = try await api.send(.get, "/v1/tenants/\(t)/audit?limit=100&cursor=\(next)").decode(TList<TAuditEntry>.self)
            #expect(rest.items.first?.seq == page.items[1].seq - 1)
            // Filtered by action and actor (exact), with the target or without.
            let actor = entries[0].actor
            let updates = try await api.send(.get, "/v1/tenants/\(t)/audit?action=party.update&actor=\(actor)").decode(TList<TAuditEntry>.self)
            #expect(updates.items.map(\.action) == ["party.update"] && updates.items.first?.fields == ["email"])
            let reads = try await api.send(.get, "/v1/tenants/\(t)/audit?action=party.read&targetId=\(party.id)").decode(TList<TAuditEntry>.self)
            #expect(reads.items.count == 1 && reads.items.first?.requestId == "read-1")
            #expect(try await api.send(.get, "/v1/tenants/\(t)/audit?actor=user:nobody").decode(TList<TAuditEntry>.self).items.isEmpty)
            #expect(try await api.send(.get, "/v1/tenants/\(t)/audit?action=").status == .unprocessableContent)

            struct Verification: Codable { var valid: Bool; var checked: Int; var brokenAt: Int? }
            let verify = try await api.send(.get, "/v1/tenants/\(t)/audit/verify").decode(Verification.self)
            #expect(verify.valid)
            #expect(verify.checked == 6)  // tenant.create, tenant.activate, and the three above
            #expect(try await api.send(.get, "/v1/tenants/nope/audit/verify").status == .notFound)
        }
    }
}
