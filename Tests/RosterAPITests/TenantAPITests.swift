import Foundation
import HTTPTypes
import HummingbirdTesting
@testable import RosterApp
import RosterWeb
import Testing

@Suite("HTTP: health, conventions, tenants")
struct TenantAPITests {
    @Test func healthAndSpecNeedNoToken() async throws {
        try await withApp { api in
            let live = try await api.send(.get, "/health/live", token: nil)
            #expect(live.status == .ok)
            #expect(live.text.contains("\"ok\""))
            let ready = try await api.send(.get, "/health/ready", token: nil)
            #expect(ready.status == .ok)
            #expect(ready.text.contains("\"database\":\"ok\""))
            let spec = try await api.send(.get, "/openapi.yaml", token: nil)
            #expect(spec.status == .ok)
            #expect(spec.text.hasPrefix("openapi: 3.1.0"))
            #expect(spec.text.contains("/v1/tenants/{tenant}/parties/{id}"))
        }
    }

    @Test func metricsCountRequestsAndStoreStatements() async throws {
        try await withApp { api in
            _ = try await api.send(.get, "/v1/tenants")
            let metrics = try await api.send(.get, "/metrics", token: nil)
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains(#"hb_requests{http_route="/v1/tenants",http_request_method="GET",http_response_status_code="200"}"#),
                    "\(metrics.text.prefix(2000))")
            #expect(metrics.text.contains("http_server_request_duration_bucket"))
            #expect(metrics.text.contains("roster_store_statement_seconds"))
            // A timer per verb, named in capitals whatever the statement's case.
            for verb in ["SELECT", "INSERT", "UPDATE"] {
                #expect(metrics.text.contains(#"statement="\#(verb)""#), "\(verb)")
            }
            #expect(!metrics.text.contains(#"statement="select""#))
        }
    }

    @Test func everyV1CallNeedsAValidBearerToken() async throws {
        try await withApp { api in
            let none = try await api.send(.get, "/v1/tenants", token: nil)
            #expect(none.status == .unauthorized)
            #expect(none.headers[.contentType] == "application/problem+json")
            #expect(none.headers[.wwwAuthenticate] == "Bearer")
            #expect(none.problem?.status == 401)
            let bad = try await api.send(.get, "/v1/tenants", token: "nope")
            #expect(bad.status == .unauthorized)
            let basic = try await api.send(.get, "/v1/tenants/management", token: nil, headers: [.authorization: "Basic \(platformToken)"])
            #expect(basic.status == .unauthorized)
            // The scheme in any case, the token trimmed (read byte by byte: RequestInfoMiddleware.bearerToken).
            for header in ["bearer \(platformToken)", "BEARER  \(platformToken)", "Bearer \(platformToken)\u{00A0}"] {
                let taken = try await api.send(.get, "/v1/tenants/management", token: nil, headers: [.authorization: header])
                #expect(taken.status == .ok, "\(header)")
            }
            for header in ["Bearer", "Bearer ", "Bearer\u{00A0}\(platformToken)", "Bearers \(platformToken)", "Bear \(platformToken)",
                           "Bearer \(platformToken)x"] {
                let refused = try await api.send(.get, "/v1/tenants/management", token: nil, headers: [.authorization: header])
                #expect(refused.status == .unauthorized, "\(header)")
            }
        }
    }

    /// Empty path segments are none for the router, so `//v1/...` is the API: authenticated and its query checked as
    /// `/v1/...` is (it reached the handlers unauthenticated: 401 for every token).
    @Test func doubledSlashesAreTheSamePath() async throws {
        try await withApp { api in
            let slug = try await api.makeTenant()
            for path in ["//v1/tenants/\(slug)", "/v1//tenants/\(slug)", "//v1//tenants//\(slug)"] {
                let read = try await api.send(.get, path)
                #expect(read.status == .ok, "\(path) \(read.text)")
                #expect(try await api.send(.get, path, token: nil).status == .unauthorized, "\(path)")
                #expect(try await api.send(.get, path, token: "nope").status == .unauthorized, "\(path)")
            }
            let bare = try await api.send(.get, "//v1/tenants/\(slug)/parties?includeInactive")
            #expect(bare.status == .badRequest, "\(bare.text)")
        }
    }

    /// The paths whose bodies may exceed ROSTER_MAX_BODY_BYTES (up to ROSTER_MAX_IMPORT_BYTES): an import's, and the
    /// console's upload; empty segments are none, as for the router.
    @Test func importPathsAreKnownBySegments() {
        for path in ["/v1/tenants/acme/imports", "//v1/tenants/acme/imports", "/v1//tenants/acme//imports", "/v1/tenants/acme/imports/"] {
            #expect(BodyLimitMiddleware<AppRequestContext>.isImport(path), "\(path)")
        }
        for path in ["/v1/tenants/acme/imports/x", "/v1/tenants//imports", "/v1/tenants/acme", "/v2/tenants/acme/imports", "/ui/t/acme/imports/upload"] {
            #expect(!BodyLimitMiddleware<AppRequestContext>.isImport(path), "\(path)")
        }
        #expect(WebConsole.isUpload("/ui/t/acme/imports/upload") && WebConsole.isUpload("//ui/t/acme/imports/upload"))
        for path in ["/ui/t/acme/imports", "/ui/t//imports/upload", "/ui/t/acme/imports/upload/x", "/v1/tenants/acme/imports"] {
            #expect(!WebConsole.isUpload(path), "\(path)")
        }
    }

    /// The tenant of a `/v1/tenants/{tenant}/...` path as authentication reads it, byte by byte.
    @Test func theTenantOfAPathIsItsThirdSegment() {
        #expect(RequestInfoMiddleware<AppRequestContext>.tenant(of: "/v1/tenants/acme/parties") == "acme")
        #expect(RequestInfoMiddleware<AppRequestContext>.tenant(of: "/v1/tenants/acme") == "acme")
        #expect(RequestInfoMiddleware<AppRequestContext>.tenant(of: "//v1//tenants//acme//parties") == "acme")
        #expect(RequestInfoMiddleware<AppRequestContext>.tenant(of: "/v1/tenants/acme?limit=5") == "acme")
        #expect(RequestInfoMiddleware<AppRequestContext>.tenant(of: "/v1/tenants/a%63me/x") == "acme")
        #expect(RequestInfoMiddleware<AppRequestContext>.tenant(of: "/v1/tenants/s%C3%BCd") == "süd")
        #expect(RequestInfoMiddleware<AppRequestContext>.tenant(of: "/v1/tenants/%ZZ") == nil)
        #expect(RequestInfoMiddleware<AppRequestContext>.tenant(of: "/v1/tenants") == nil)
        #expect(RequestInfoMiddleware<AppRequestContext>.tenant(of: "/v1/tenants?x=/a") == nil)
        #expect(RequestInfoMiddleware<AppRequestContext>.tenant(of: "/v2/tenants/acme") == nil)
        #expect(RequestInfoMiddleware<AppRequestContext>.tenant(of: "/v1/tenant/acme") == nil)
        #expect(RequestInfoMiddleware<AppRequestContext>.tenant(of: "/v1x/tenants/acme") == nil)
    }

    @Test func requestIDsAreEchoedOrMade() async throws {
        try await withApp { api in
            let given = try await api.send(.get, "/health/live", token: nil, headers: [HTTPField.Name("X-Request-Id")!: "abc-123"])
            #expect(given.headers[HTTPField.Name("X-Request-Id")!] == "abc-123")
            let made = try await api.send(.get, "/health/live", token: nil, headers: [HTTPField.Name("X-Request-Id")!: "bad id with spaces"])
            #expect(made.headers[HTTPField.Name("X-Request-Id")!]?.count == 36)
            for refused in ["ünïcode", String(repeating: "a", count: 65), "a/b", "a b"] {
                let response = try await api.send(.get, "/health/live", token: nil, headers: [HTTPField.Name("X-Request-Id")!: refused])
                let made = try #require(response.headers[HTTPField.Name("X-Request-Id")!])
                #expect(made != refused && UUID(uuidString: made) != nil && made == made.lowercased(), "\(refused)")
            }
            let longest = String(repeating: "A.b_9-", count: 10) + "abcd"
            let kept = try await api.send(.get, "/health/live", token: nil, headers: [HTTPField.Name("X-Request-Id")!: longest])
            #expect(kept.headers[HTTPField.Name("X-Request-Id")!] == longest)
        }
    }

    @Test func unknownRoutesAreProblems() async throws {
        try await withApp { api in
            let response = try await api.send(.get, "/v1/nothing-here")
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "application/problem+json")
            // One title per status, whoever answers: the router and a handler alike (a probe saw "Not Found" beside "Not found").
            let t = try await api.makeTenant()
            let fromHandler = try await api.send(.get, "/v1/tenants/\(t)/parties/\(UUID().uuidString)")
            #expect(response.problem?.title == "Not found" && fromHandler.problem?.title == "Not found", "\(response.text) \(fromHandler.text)")
            let unacceptable = try await api.send(.get, "/v1/tenants/\(t)/parties", headers: [.accept: "text/html"])
            #expect(unacceptable.status == .notAcceptable && unacceptable.problem?.title == "Not acceptable", "\(unacceptable.text)")
        }
    }

    @Test func createListReadTenants() async throws {
        try await withApp { api in
            let created = try await api.send(.post, "/v1/tenants", json: #"{"slug":"acme","name":"Acme Ltd","settings":{"defaultCallingCode":"+44"}}"#)
            #expect(created.status == .created)
            let tenant = try created.decode(TTenant.self)
            #expect(tenant.slug == "acme")
            #expect(tenant.status == "active")
            #expect(tenant.settings.defaultCallingCode == "44")

            let duplicate = try await api.send(.post, "/v1/tenants", json: #"{"slug":"acme","name":"Again"}"#)
            #expect(duplicate.status == .conflict)

            let invalid = try await api.send(.post, "/v1/tenants", json: #"{"slug":"Not A Slug","name":"","settings":{"defaultCallingCode":"0x"}}"#)
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.problem?.errors?.map(\.field) == ["slug", "name", "settings.defaultCallingCode"])

            // A slug with spaces around it is refused, not trimmed (it made `spaced`; found by a probe).
            for spaced in [#"" spaced ""#, #""spaced\t""#] {
                let refused = try await api.send(.post, "/v1/tenants", json: #"{"slug":\#(spaced),"name":"Spaced"}"#)
                #expect(refused.status == .unprocessableContent && refused.problem?.errors?.map(\.field) == ["slug"], "\(refused.text)")
            }
            #expect(try await api.send(.get, "/v1/tenants/spaced").status == .notFound)

            // Members the decoder refuses (unknown, of the wrong type) and values the rules refuse, named in one answer
            // (only the decoder's were; found by a probe). Nothing is made.
            let mixed = try await api.send(.post, "/v1/tenants",
                                           json: #"{"slug":"Bad Slug","name":"","settings":{"retentionDays":-5,"bogus":true,"autoLinkContacts":"yes"}}"#)
            #expect(mixed.status == .unprocessableContent)
            #expect(Set(mixed.problem?.errors?.map(\.field) ?? [])
                    == ["slug", "name", "settings.retentionDays", "settings.bogus", "settings.autoLinkContacts"], "\(mixed.text)")
            let missing = try await api.send(.post, "/v1/tenants", json: #"{"name":"No slug"}"#)
            #expect(missing.status == .unprocessableContent)
            #expect(missing.problem?.errors?.first?.field == "slug")

            let malformed = try await api.send(.post, "/v1/tenants", json: #"{"slug": "#)
            #expect(malformed.status == .badRequest)
            #expect(malformed.headers[.contentType] == "application/problem+json")

            for i in 0..<3 { _ = try await api.send(.post, "/v1/tenants", json: #"{"slug":"page-\#(i)","name":"P"}"#) }
            var slugs: [String] = []
            var cursor: String?
            repeat {
                let page = try await api.send(.get, "/v1/tenants?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
                #expect(page.status == .ok)
                let list = try page.decode(TList<TTenant>.self)
                slugs += list.items.map(\.slug)
                cursor = list.nextCursor
            } while cursor != nil
            #expect(slugs == ["acme", "management", "page-0", "page-1", "page-2"])

            let badLimit = try await api.send(.get, "/v1/tenants?limit=0")
            #expect(badLimit.status == .unprocessableContent)
            let badCursor = try await api.send(.get, "/v1/tenants?cursor=%21%21")
            #expect(badCursor.status == .unprocessableContent)

            let read = try await api.send(.get, "/v1/tenants/acme")
            #expect(read.status == .ok)
            let unknown = try await api.send(.get, "/v1/tenants/nope")
            #expect(unknown.status == .notFound)
        }
    }

    @Test func patchTenant() async throws {
        try await withApp { api in
            let slug = try await api.makeTenant()
            let changed = try await api.send(.patch, "/v1/tenants/\(slug)",
                                             json: #"{"name":"Renamed","settings":{"defaultCallingCode":"1","autoLinkContacts":true}}"#)
            #expect(changed.status == .ok)
            let tenant = try changed.decode(TTenant.self)
            #expect(tenant.name == "Renamed")
            #expect(tenant.settings.defaultCallingCode == "1")
            #expect(tenant.settings.autoLinkContacts)
            #expect(tenant.version == 3)  // created (1), activated by provisioning (2), patched (3)
            #expect(changed.headers[.eTag] == #""3""#)
            // A tenant changes under its version as parties do: a read gives the ETag, a stale If-Match is 412 and changes nothing.
            #expect(try await api.send(.get, "/v1/tenants/\(slug)").headers[.eTag] == #""3""#)
            let stale = try await api.send(.patch, "/v1/tenants/\(slug)", json: #"{"name":"Lost update"}"#, headers: [.ifMatch: #""2""#])
            #expect(stale.status == .preconditionFailed && stale.problem?.detail?.contains("version 3") == true, "\(stale.text)")
            let guarded = try await api.send(.patch, "/v1/tenants/\(slug)", json: #"{"name":"Renamed"}"#, headers: [.ifMatch: #""3""#])
            #expect(guarded.status == .ok && guarded.headers[.eTag] == #""3""#, "a change of nothing keeps the version")
            #expect(try await api.send(.get, "/v1/tenants/\(slug)").decode(TTenant.self).name == "Renamed")

            let cleared = try await api.send(.patch, "/v1/tenants/\(slug)", json: #"{"settings":{"defaultCallingCode":null}}"#,
                                             headers: [.contentType: "application/merge-patch+json"])
            #expect(cleared.status == .ok)
            #expect(try cleared.decode(TTenant.self).settings.defaultCallingCode == nil)

            // Single sign-on settings are checked: an https issuer, an audience, real domains (kept lower-cased).
            let badSSO = try await api.send(.patch, "/v1/tenants/\(slug)",
                                            json: #"{"settings":{"sso":{"issuer":"ftp://idp.example.com","audience":"","emailDomains":["Example.COM","not a domain"]}}}"#)
            #expect(Set(badSSO.problem?.errors?.map(\.field) ?? [])
                    == ["settings.sso.issuer", "settings.sso.audience", "settings.sso.emailDomains[1]"], "\(badSSO.text)")
            let sso = try await api.send(.patch, "/v1/tenants/\(slug)",
                                         json: #"{"settings":{"sso":{"issuer":"https://idp.example.com","audience":"roster","emailDomains":["Example.COM"]}}}"#)
            #expect(sso.status == .ok && sso.text.contains(#""emailDomains":["example.com"]"#), "\(sso.text)")

            let invalid = try await api.send(.patch, "/v1/tenants/\(slug)", json: #"{"status":"failed","slug":"x","colour":1}"#)
            #expect(invalid.status == .unprocessableContent)
            #expect(Set(invalid.problem?.errors?.map(\.field) ?? []) == ["status", "slug", "colour"])
            // Every invalid field at once: what the patch's reading refuses and what the rules refuse (an empty name and
            // a calling code of 0 went unnamed beside a bad status; found by a probe).
            let mixed = try await api.send(.patch, "/v1/tenants/\(slug)",
                                           json: #"{"name":"","status":"nope","settings":{"defaultCallingCode":"0","retentionDays":36501,"bogus":1}}"#)
            #expect(mixed.status == .unprocessableContent)
            #expect(Set(mixed.problem?.errors?.map(\.field) ?? [])
                    == ["name", "status", "settings.defaultCallingCode", "settings.retentionDays", "settings.bogus"], "\(mixed.text)")

            let suspended = try await api.send(.patch, "/v1/tenants/\(slug)", json: #"{"status":"suspended"}"#)
            #expect(try suspended.decode(TTenant.self).status == "suspended")
            let refused = try await api.send(.post, "/v1/tenants/\(slug)/parties", json: #"{"kind":"person","firstName":"A"}"#)
            #expect(refused.status == .conflict)

            let unknown = try await api.send(.patch, "/v1/tenants/nope", json: #"{"name":"x"}"#)
            #expect(unknown.status == .notFound)

            // The management tenant keeps every tenant's customer record: it is not suspended (409, a problem).
            #expect(try await api.send(.get, "/v1/tenants/management").status == .ok)
            let management = try await api.send(.patch, "/v1/tenants/management", json: #"{"status":"suspended"}"#)
            #expect(management.status == .conflict && management.problem?.detail?.contains("management tenant") == true, "\(management.text)")
            #expect(try await api.send(.get, "/v1/tenants/management").decode(TTenant.self).status == "active")
        }
    }

    @Test func bodiesOverTheLimitAre413() async throws {
        try await withApp(maxBodyBytes: 2048) { api in
            let slug = try await api.makeTenant()
            let note = String(repeating: "x", count: 4000)
            let response = try await api.send(.post, "/v1/tenants/\(slug)/parties", json: #"{"kind":"person","firstName":"A","note":"\#(note)"}"#)
            #expect(response.status == .contentTooLarge)
            #expect(response.headers[.contentType] == "application/problem+json")
        }
    }
}
