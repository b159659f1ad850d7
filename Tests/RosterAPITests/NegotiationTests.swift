import Foundation
import HTTPTypes
import RosterAPI
import Testing

/// What a request says about its body and the answer it takes (`Content-Type`, `Accept`), and bodies that are no JSON
/// or that an operation does not take: refused before anything is done (found by a probe of the HTTP layer).
@Suite("HTTP: content negotiation and bodies")
struct NegotiationTests {
    struct ID: Codable { var id: String }

    /// An `Accept` that allows nothing the operation answers is a 406 before the operation runs: the generated layer
    /// refused the answer only once made, after the write was committed (a key whose secret was never shown).
    @Test func anAnswerTheCallerDoesNotAcceptIsRefusedBeforeAnyWrite() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let html: HTTPFields = [.accept: "text/html"]
            let key = try await api.send(.post, "/v1/tenants/\(t)/api-keys", json: #"{"name":"lost","role":"ADMIN"}"#, headers: html)
            #expect(key.status == .notAcceptable && key.problem?.detail?.contains("application/json") == true, "\(key.text)")
            #expect(try await api.send(.get, "/v1/tenants/\(t)/api-keys").decode(TList<ID>.self).items.isEmpty)

            let party = try await api.createParty(t, #"{"kind":"person","firstName":"Ann","lastName":"Lee"}"#)
            let patch = try await api.send(.patch, "/v1/tenants/\(t)/parties/\(party.id)", json: #"{"note":"x"}"#,
                                           headers: [.accept: "application/json;q=0", .ifMatch: "\"\(party.version)\""])
            #expect(patch.status == .notAcceptable, "q=0 allows nothing: \(patch.status)")
            let created = try await api.send(.post, "/v1/tenants/\(t)/parties", json: #"{"kind":"organization","name":"Never Made"}"#,
                                             headers: [.accept: "image/*, text/plain;q=0.5"])
            #expect(created.status == .notAcceptable)
            #expect(try await api.send(.get, "/v1/tenants/\(t)/parties?q=never").decode(TList<TParty>.self).items.isEmpty)
            let removed = try await api.send(.delete, "/v1/tenants/\(t)/parties/\(party.id)", headers: html)
            #expect(removed.status == .notAcceptable)
            let read = try await api.send(.get, "/v1/tenants/\(t)/parties/\(party.id)").decode(TParty.self)
            #expect(read.version == party.version && read.state == party.state, "nothing changed")

            // The plainest read (answered before the router) holds to the same rule.
            let zero = try await api.send(.get, "/v1/tenants/\(t)/parties/\(party.id)", headers: [.accept: "application/json;q=0"])
            #expect(zero.status == .notAcceptable, "\(zero.status)")
            // What allows JSON: none, */*, application/*, JSON among others, any case.
            for accept in ["*/*", "application/*", "text/html, application/json;q=0.1", "APPLICATION/JSON"] {
                let ok = try await api.send(.get, "/v1/tenants/\(t)/parties/\(party.id)", headers: [.accept: accept])
                #expect(ok.status == .ok, "\(accept): \(ok.status)")
            }
            // An export answers its format's type, and is refused naming it.
            let csv = try await api.send(.get, "/v1/tenants/\(t)/parties/export", headers: [.accept: "text/*"])
            #expect(csv.status == .ok && csv.headers[.contentType]?.hasPrefix("text/csv") == true, "\(csv.status)")
            let json = try await api.send(.get, "/v1/tenants/\(t)/parties/export?format=jsonl", headers: [.accept: "application/json"])
            #expect(json.status == .notAcceptable && json.problem?.detail?.contains("application/x-ndjson") == true, "\(json.text)")
            // An operation that answers no body (204) is not refused.
            let tag = try await api.send(.post, "/v1/tenants/\(t)/tags", json: #"{"text":"Gold"}"#).decode(ID.self)
            let org = try await api.createParty(t, #"{"kind":"organization","name":"Farm"}"#)
            let edge = try await api.send(.post, "/v1/tenants/\(t)/relationships",
                                          json: #"{"parentId":"\#(org.id)","childId":"\#(party.id)","type":"other"}"#).decode(ID.self)
            #expect(try await api.send(.delete, "/v1/tenants/\(t)/relationships/\(edge.id)", headers: html).status == .noContent)
            _ = tag
        }
    }

    /// JSON with a comma before a closing bracket is no JSON (RFC 8259): a 400, and nothing is made (Foundation's
    /// decoders took it as if the comma were not there).
    @Test func trailingCommasAreNotJSON() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let tag = try await api.send(.post, "/v1/tenants/\(t)/tags", json: #"{"text":"tc1",}"#)
            #expect(tag.status == .badRequest && tag.problem?.detail?.contains("comma") == true, "\(tag.text)")
            let roles = try await api.send(.post, "/v1/tenants/\(t)/parties", json: #"{"kind":"person","firstName":"Tc","roles":["a", ]}"#)
            #expect(roles.status == .badRequest && roles.problem?.detail?.contains("roles") == true, "\(roles.text)")
            #expect(try await api.send(.get, "/v1/tenants/\(t)/tags").decode(TList<ID>.self).items.isEmpty)
            #expect(try await api.send(.get, "/v1/tenants/\(t)/parties").decode(TList<TParty>.self).items.isEmpty)
            // A comma inside a string is text.
            let fine = try await api.send(.post, "/v1/tenants/\(t)/tags", json: #"{"text":"a,]}"}"#)
            #expect(fine.status == .created, "\(fine.text)")
        }
    }

    /// A `Content-Type` that is no media type was read as JSON; a JSON body without one is read as JSON and looked at
    /// as any JSON body is.
    @Test func aContentTypeMustBeAMediaType() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            for type in ["garbage", "", "application/", "/json", "application json"] {
                let response = try await api.send(.post, "/v1/tenants/\(t)/tags", json: #"{"text":"ct"}"#, headers: [.contentType: type])
                #expect(response.status == .unsupportedMediaType && response.problem?.detail?.contains("media type") == true,
                        "\(type): \(response.text)")
            }
            #expect(try await api.send(.get, "/v1/tenants/\(t)/tags").decode(TList<ID>.self).items.isEmpty)
            let charset = try await api.send(.post, "/v1/tenants/\(t)/tags", json: #"{"text":"ok"}"#,
                                             headers: [.contentType: "application/json; charset=utf-8"])
            #expect(charset.status == .created, "\(charset.text)")
        }
    }

    /// A body given to an operation that takes none was ignored: `{"erase":true}` on a DELETE answered a soft delete.
    @Test func anOperationThatTakesNoBodyRefusesOne() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let party = try await api.createParty(t, #"{"kind":"person","firstName":"Ann","lastName":"Lee"}"#)
            let erase = try await api.send(.delete, "/v1/tenants/\(t)/parties/\(party.id)", json: #"{"erase":true,"bogus":1}"#)
            #expect(erase.status == .unprocessableContent && erase.problem?.errors?.map(\.field) == ["bogus", "erase"], "\(erase.text)")
            let text = try await api.send(.delete, "/v1/tenants/\(t)/parties/\(party.id)", json: "erase")
            #expect(text.status == .unprocessableContent && text.problem?.errors?.map(\.field) == ["body"], "\(text.text)")
            #expect(try await api.send(.get, "/v1/tenants/\(t)/parties/\(party.id)").decode(TParty.self).state == party.state)
            // A read with a body is refused alike, the plainest GET of a party too (bodies sent with GETs were ignored;
            // found by a probe); an empty one is none.
            for path in ["/v1/tenants/\(t)/parties/\(party.id)", "/v1/tenants/\(t)/parties?limit=5", "/v1/tenants/\(t)/parties/\(party.id)/history"] {
                let read = try await api.send(.get, path, json: #"{"foo":1}"#)
                #expect(read.status == .unprocessableContent && read.problem?.errors?.map(\.field) == ["foo"], "\(path): \(read.text)")
                let empty = try await api.send(.get, path, json: "")
                #expect(empty.status == .ok, "\(path): \(empty.text)")
            }
            // White space is no body.
            let bare = try await api.send(.delete, "/v1/tenants/\(t)/parties/\(party.id)", json: " \n")
            #expect(bare.status == .ok, "\(bare.text)")
        }
    }

    /// The tables the middleware keeps are the spec's: the operations without a request body, and those whose answers
    /// have none.
    @Test func theTablesAreTheSpecs() throws {
        let spec = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/RosterOpenAPI/openapi.yaml").standardized, encoding: .utf8)
        // Operation by operation: its lines up to the next operation or path.
        var operations: [String: [String]] = [:]
        var current: String?
        for line in spec.split(separator: "\n").map(String.init) {
            let depth = line.prefix { $0 == " " }.count
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("operationId:") {
                current = trimmed.dropFirst("operationId:".count).trimmingCharacters(in: .whitespaces)
                continue
            }
            if depth <= 4, !trimmed.isEmpty { current = nil }
            if let current { operations[current, default: []].append(line) }
        }
        #expect(operations.count > 60)
        let bodyless = Set(operations.filter { name, lines in
            !lines.contains { $0.hasPrefix("      requestBody:") } && Self.method(of: name, in: spec) != "get"
        }.keys)
        #expect(bodyless == StrictBodyMiddleware.bodyless, "\(bodyless.symmetricDifference(StrictBodyMiddleware.bodyless))")
        // Answers without a body: every 2xx is a 204.
        let answerless = Set(operations.filter { _, lines in
            let successes = lines.filter { $0.hasPrefix("        '2") }
            return !successes.isEmpty && successes.allSatisfy { $0.hasPrefix("        '204'") }
        }.keys)
        #expect(answerless == StrictBodyMiddleware.answerless, "\(answerless.symmetricDifference(StrictBodyMiddleware.answerless))")
        let versioned = Set(operations.filter { _, lines in lines.contains { $0.contains("{name: If-Match, in: header") } }.keys)
        #expect(versioned == StrictBodyMiddleware.versioned, "\(versioned.symmetricDifference(StrictBodyMiddleware.versioned))")
    }

    /// The method of `operation`: the line before its `operationId` is `get:`, `post:`, ...
    static func method(of operation: String, in spec: String) -> String? {
        let lines = spec.split(separator: "\n").map(String.init)
        guard let at = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "operationId: \(operation)" }) else { return nil }
        return lines[..<at].last { $0.hasPrefix("    ") && !$0.hasPrefix("      ") }?.trimmingCharacters(in: .whitespaces).dropLast().description
    }

    /// A write of a record without a version took any `If-Match` (`"999"` deleted an edge): none but `*` matches it.
    @Test func ifMatchOnARecordWithoutAVersionMatchesOnlyAnyVersion() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let org = try await api.createParty(t, #"{"kind":"organization","name":"Farm"}"#)
            let person = try await api.createParty(t, #"{"kind":"person","firstName":"Ann"}"#)
            let edge = try await api.send(.post, "/v1/tenants/\(t)/relationships",
                                          json: #"{"parentId":"\#(org.id)","childId":"\#(person.id)","type":"other"}"#).decode(ID.self)
            let stale = try await api.send(.delete, "/v1/tenants/\(t)/relationships/\(edge.id)", headers: [.ifMatch: "\"999\""])
            #expect(stale.status == .preconditionFailed && stale.problem?.detail?.contains("no version") == true, "\(stale.text)")
            #expect(try await api.send(.get, "/v1/tenants/\(t)/relationships/\(edge.id)").status == .ok, "still there")
            #expect(try await api.send(.delete, "/v1/tenants/\(t)/relationships/\(edge.id)", headers: [.ifMatch: "*"]).status == .noContent)
            // A versioned record takes its own tag, as before.
            let patched = try await api.send(.patch, "/v1/tenants/\(t)/parties/\(person.id)", json: #"{"note":"x"}"#,
                                             headers: [.ifMatch: "\"\(person.version)\""])
            #expect(patched.status == .ok, "\(patched.text)")
        }
    }

    /// An audit cursor is a `seq`: digits only (`-1` was answered an empty page).
    @Test func anAuditCursorIsDigits() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            for cursor in ["-1", "+5", "1e3"] {
                let page = try await api.send(.get, "/v1/tenants/\(t)/audit?cursor=\(cursor)")
                #expect(page.status == .unprocessableContent || page.status == .badRequest, "\(cursor): \(page.status)")
            }
            #expect(try await api.send(.get, "/v1/tenants/\(t)/audit?cursor=99").status == .ok)
            // A query parameter without a name is named as such.
            let nameless = try await api.send(.get, "/v1/tenants/\(t)/parties?=x")
            #expect(nameless.status == .badRequest && nameless.problem?.detail?.contains("has no name") == true, "\(nameless.text)")
        }
    }
}
