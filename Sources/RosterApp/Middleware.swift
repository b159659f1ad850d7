import Foundation
import HTTPTypes
import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime
import Synchronization
import Logging
import RosterAPI
import RosterCore
import RosterService
import RosterWeb

/// Gives every request an id (the caller's `X-Request-Id` when sane, else a new one), authenticates
/// the bearer token of `/v1` calls, and makes both available to handlers as `RequestInfo.current`.
struct RequestInfoMiddleware<Context: RequestContext>: RouterMiddleware {
    let auth: Authenticator
    let logger: Logger
    let routes: RouteTable
    let rateLimits: RateLimits
    /// The console's page for an error the router answers on its addresses (`WebConsole.routeError`).
    let console: WebConsole?

    /// At debug level every request is logged once answered: method, the route it took (its template, never the path
    /// itself nor the query: a path can hold an email, `/parties/jane@example.com` was logged as sent; found by a probe),
    /// status, time and request id (an operator had no request log at any level; found by a probe). At info and above
    /// the check is all it costs.
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard logger.logLevel <= .debug else { return try await answer(request, context: context, next: next) }
        let started = ContinuousClock.now
        let response = try await answer(request, context: context, next: next)
        let elapsed = ContinuousClock.now - started
        logger.debug("request", metadata: [
            "method": "\(request.method)", "route": "\(context.endpointPath ?? "(none)")", "status": "\(response.status.code)",
            "ms": "\(String(format: "%.1f", Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000))",
            "requestId": "\(response.headers[.requestID] ?? "")",
        ])
        return response
    }

    func answer(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let requestID = Self.requestID(request.headers[.requestID])
        var caller: Caller?
        var rate: RateLimiter.Outcome?
        if PathSegments.isAPI(request.uri.path) {
            guard let header = request.headers[.authorization] else {
                return respond(Problem(.unauthorized("send Authorization: Bearer <token>")), requestID: requestID)
            }
            guard let token = Self.bearerToken(header) else {
                return respond(Problem(.unauthorized("send Authorization: Bearer <token>")), requestID: requestID)
            }
            do {
                guard let found = try await auth.authenticate(bearer: token, tenant: Self.tenant(of: request.uri.path),
                                                              requestID: requestID)
                else {
                    return respond(Problem(.unauthorized("the token is not valid")), requestID: requestID)
                }
                caller = found
                // Over its rate limit, a caller is refused before anything else is done for it.
                rate = try await rateLimits.outcome(for: found)
                if let rate, !rate.allowed {
                    var response = respond(Problem(status: 429, title: "Too many requests",
                                                   detail: "this caller is over its rate limit; retry after \(rate.retryAfter) s"),
                                           requestID: requestID)
                    rate.apply(to: &response.headers)
                    return response
                }
                // Bodies are read as UTF-8 (JSON, CSV, JSON Lines): one declared in another charset is refused rather than
                // misread (a Latin-1 CSV was accepted, then its job failed on its first row; found by a probe).
                if let type = request.headers[.contentType], let charset = Self.charsets(of: type).first(where: { !["utf-8", "utf8", "us-ascii"].contains($0) }) {
                    var response = respond(Problem(status: 415, title: Problem.title(for: 415),
                                                   detail: "the body must be UTF-8 text; Content-Type says charset=\(charset)"),
                                           requestID: requestID)
                    rate?.apply(to: &response.headers)
                    return response
                }
            } catch let error as RosterError {
                return respond(Problem(error), requestID: requestID)
            } catch let error as any RosterErrorConvertible {
                // The database is gone: 503, as for any other request (never an unformatted 500).
                return respond(Problem(error.rosterError), requestID: requestID)
            }
        }
        // An export is made as it is read, and audited when it starts: a HEAD of it recorded an export that never
        // happened and answered a Content-Length of 0 (found by a probe). Not served: GET it.
        if request.method == .head, Self.isExport(request.uri.path) {
            var response = respond(Problem(status: 405, title: Problem.title(for: 405),
                                           detail: "HEAD is not served here: an export is made (and audited) only when it is read with GET"),
                                   requestID: requestID)
            response.headers[.allow] = "GET"
            response.headers[.cacheControl] = "no-store"
            rate?.apply(to: &response.headers)
            return response
        }
        // The id the answer carries, also where the console's pages read it (a header the caller sent is replaced by it).
        var request = request
        if WebConsole.serves(request.uri.path), request.headers[.requestID] != requestID {
            var head = request.head
            head.headerFields[.requestID] = requestID
            request = Request(head: head, body: request.body)
        }
        var response = try await RequestInfo.$current.withValue(RequestInfo(requestID: requestID, caller: caller)) {
            do {
                return try await next(request, context)
            } catch let error as any HTTPResponseError {
                if let console, WebConsole.serves(request.uri.path) {
                    return console.routeError(request, status: error.status)
                }
                // A known path asked with a method it does not serve: 405 naming those it does.
                // An export serves no HEAD (above): not named either (a probe saw `Allow: GET, HEAD` on a 405 there).
                if error.status == .notFound,
                   case let allowed = routes.methods(for: request.uri.path).filter({ $0 != .head || !Self.isExport(request.uri.path) }),
                   !allowed.isEmpty {
                    var response = respond(Problem(status: 405, title: "Method not allowed",
                                                   detail: "\(request.method) is not served here; use \(allowed.map(\.rawValue).joined(separator: ", "))"),
                                           requestID: requestID)
                    response.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
                    return response
                }
                // Hummingbird's own errors (unknown route, body too large) as problem+json too.
                let status = error.status
                return respond(Problem(status: Int(status.code), title: Problem.title(for: Int(status.code)), detail: status.reasonPhrase.lowercased()),
                               requestID: requestID)
            }
        }
        response.headers[.requestID] = requestID
        rate?.apply(to: &response.headers)
        // The API's answers hold personal data and secrets: no cache keeps them (a shared proxy, a browser's disk; a
        // probe saw a revealed secret without it). An answer that says otherwise keeps its own.
        if caller != nil, response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        // CSV says its charset (RFC 7111 makes US-ASCII the default, and the bytes are UTF-8).
        if response.headers[.contentType] == "text/csv" { response.headers[.contentType] = "text/csv; charset=utf-8" }
        return response
    }

    /// The `charset` parameters of a media type, lowercased and unquoted (an empty one as ""): every one is looked at, so
    /// that a second one, or an empty one, is not passed over (found by a probe).
    static func charsets(of contentType: String) -> [String] {
        guard contentType.utf8.contains(UInt8(ascii: ";")) else { return [] }
        return contentType.split(separator: ";", omittingEmptySubsequences: false).dropFirst().compactMap { parameter in
            let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            // `charset*` is the same parameter in RFC 2231's extended form (`charset*=iso-8859-1''`).
            guard ["charset", "charset*"].contains(pair[0].trimmingCharacters(in: .whitespaces).lowercased()) else { return nil }
            let value = pair.count == 2 ? pair[1] : ""
            return value.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased()
        }
    }

    /// `/v1/tenants/{tenant}/parties/export` and `.../relationships/export`, the streamed exports.
    static func isExport(_ path: String) -> Bool {
        let parts = PathSegments.of(path, omittingEmpty: true, limit: 6)
        return parts.count == 5 && parts[0] == "v1" && parts[1] == "tenants" && (parts[3] == "parties" || parts[3] == "relationships")
            && parts[4] == "export"
    }

    func respond(_ problem: Problem, requestID: String) -> Response {
        var problem = problem
        problem.instance = "urn:request:\(requestID)"
        var headers = problem.headerFields
        headers[.requestID] = requestID
        return Response(status: .init(code: problem.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: problem.json)))
    }

    /// The tenant slug of a `/v1/tenants/{tenant}/...` path (its query aside). Read as bytes: every `/v1` request
    /// asks, and splitting the path into `Character`s was 2% of a GET's time in `perf` (2026-12-05).
    static func tenant(of path: String) -> String? {
        let parts = PathSegments.of(path, omittingEmpty: true, limit: 3)
        guard parts.count == 3, parts[0] == "v1", parts[1] == "tenants" else { return nil }
        return parts[2].utf8.contains(UInt8(ascii: "%")) ? parts[2].removingPercentEncoding : String(parts[2])
    }

    /// The token of an `Authorization: Bearer <token>` header (the scheme in any case, the token trimmed), or `nil`.
    static func bearerToken(_ header: String) -> String? {
        let utf8 = header.utf8
        guard let space = utf8.firstIndex(of: UInt8(ascii: " ")),
              utf8[..<space].elementsEqual("bearer".utf8, by: { $0 | 0x20 == $1 }) else { return nil }
        let token = header[utf8.index(after: space)...]
        // Most tokens are ASCII with nothing to trim; the general trim handles the rest.
        if let first = token.utf8.first, let last = token.utf8.last, first > 0x20, first < 0x7f, last > 0x20, last < 0x7f {
            return String(token)
        }
        let trimmed = token.trimmingWhitespace()
        return trimmed.isEmpty ? nil : trimmed
    }

    static func requestID(_ given: String?) -> String {
        if let given, (1...64).contains(given.utf8.count),
           given.utf8.allSatisfy({ byte in
               switch byte {
               case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."): true
               default: false
               }
           }) {
            return given
        }
        return UUIDv7.next().lowercasedText
    }
}

/// Refuses bodies over the limit with 413 before any handler reads them.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBytes: Int
    /// `POST /v1/tenants/{t}/imports` streams its body to a file: up to this many bytes, never collected here.
    let maxImportBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.head.method == .post, Self.isImport(request.uri.path) || WebConsole.isUpload(request.uri.path) {
            if let length = request.headers[.contentLength].flatMap(Int.init), length > maxImportBytes {
                throw HTTPError(.contentTooLarge, message: "an import may have at most \(maxImportBytes) bytes (ROSTER_MAX_IMPORT_BYTES)")
            }
            return try await next(request, context)
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            throw HTTPError(.contentTooLarge, message: "the body is over \(maxBytes) bytes")
        }
        guard request.head.method != .get, request.head.method != .head else { return try await next(request, context) }
        var request = request
        _ = try await request.collectBody(upTo: maxBytes)
        return try await next(request, context)
    }

    /// `/v1/tenants/{tenant}/imports`, and only that.
    static func isImport(_ path: String) -> Bool {
        // Empty segments are none, as for the router (`//v1/tenants/t/imports` is the same operation).
        let parts = PathSegments.of(path, omittingEmpty: true, limit: 5)
        return parts.count == 4 && parts[0] == "v1" && parts[1] == "tenants" && parts[3] == "imports"
    }
}

/// An answer to HEAD carries the headers of the GET's (its `Content-Length` too) and no body, whatever produced it: the
/// router's HEAD of a GET route, or a problem (404, 405, 401, 429) written by the middlewares.
struct HeadMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        return request.method == .head ? response.createHeadResponse() : response
    }

}

/// The OpenAPI runtime percent-encodes header values (`"1"` becomes `%221%22`); an entity tag
/// must go out as the quoted string RFC 9110 defines, and a Location as the path it is.
struct ETagMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if let etag = response.headers[.eTag], etag.utf8.contains(UInt8(ascii: "%")) {
            response.headers[.eTag] = etag.removingPercentEncoding ?? etag
        }
        // A conditional read (RFC 9110 §13.1.2): the tag the client holds is the record's still, so 304 and no body; the
        // read was made and audited as any read (a probe got the whole body again).
        if request.method == .get || request.method == .head, response.status == .ok, let held = request.headers[.ifNoneMatch],
           let current = response.headers[.eTag], Self.matches(held, current) {
            var headers = HTTPFields()
            for name in [HTTPField.Name.eTag, .cacheControl] { if let value = response.headers[name] { headers[name] = value } }
            return Response(status: .notModified, headers: headers)
        }
        // A created record's path, as the generated layer encoded it (`%2Fv1%2F...`); the console's own redirects are
        // written as they go out.
        if response.status == .created || response.status == .accepted, let location = response.headers[.location],
           location.hasPrefix("%2Fv1%2F") {
            response.headers[.location] = location.removingPercentEncoding ?? location
        }
        return response
    }

    /// `If-None-Match` against the current tag, by weak comparison (`W/"3"` matches `"3"`); `*` matches any.
    static func matches(_ header: String, _ current: String) -> Bool {
        func opaque(_ tag: Substring) -> Substring {
            let trimmed = tag.drop(while: { $0 == " " || $0 == "\t" })
            return trimmed.hasPrefix("W/") ? trimmed.dropFirst(2) : trimmed
        }
        let now = opaque(current[...])
        return header.split(separator: ",").contains { tag in
            let tag = opaque(tag).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed()
            return String(tag) == "*" || String(tag) == String(now)
        }
    }
}

/// Answers the requests the direct routes take (the plainest GET of a party, `PartyReadRoute`, and the plainest access
/// check, `AccessCheckRoute`) before the router; every other request goes on to it.
struct DirectRoutesMiddleware<Context: RequestContext>: RouterMiddleware {
    let party: PartyReadRoute
    let access: AccessCheckRoute
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let target = PartyReadRoute.target(of: request.head) {
            context.coreContext.endpointPath.value = PartyReadRoute.template
            return Self.response(await party.answer(tenant: target.tenant, id: target.id, request: request.head))
        }
        guard let tenant = AccessCheckRoute.tenant(of: request.head) else { return try await next(request, context) }
        var request = request
        // Collected already (`BodyLimitMiddleware`): the same bytes, kept for the generated layer when they are not taken.
        let body = try await request.collectBody(upTo: maxBodyBytes)
        guard let members = AccessCheckRoute.members(of: body.readableBytesView) else { return try await next(request, context) }
        context.coreContext.endpointPath.value = AccessCheckRoute.template
        return Self.response(await access.answer(tenant: tenant, userId: members.userId, policy: members.policy,
                                                 partyId: members.partyId, request: request.head))
    }

    static func response(_ answer: (HTTPResponse, [UInt8])) -> Response {
        Response(status: answer.0.status, headers: answer.0.headerFields, body: .init(byteBuffer: ByteBuffer(bytes: answer.1)))
    }
}

/// The router, but for the plainest GET of a party (`PartyReadRoute`), which goes straight to the router's middleware
/// chain, whose last link (`DirectRoutesMiddleware`) answers it: the same middlewares the route would run, without
/// the router's trie finding the route that link never calls (3% of such a GET's CPU in `perf`, 2026-12-06).
struct DirectFirstResponder<Context: RequestContext>: HTTPResponder {
    let router: RouterResponder<Context>
    let direct: any HTTPResponder<Context>

    init(router: Router<Context>) {
        self.router = router.buildResponder()
        direct = router.middlewares.constructResponder(finalResponder: Unrouted())
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        guard PartyReadRoute.target(of: request.head) != nil else { return try await router.respond(to: request, context: context) }
        return try await direct.respond(to: request, context: context)
    }

    /// What `DirectRoutesMiddleware` would call for a request it does not answer: none reaches it here.
    struct Unrouted: HTTPResponder {
        func respond(to request: Request, context: Context) async throws -> Response {
            throw HTTPError(.notFound)
        }
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
}

/// The methods each path template serves, recorded as the routes are registered, so that a known path asked with
/// another method answers 405 with `Allow` (RFC 9110 §15.5.6) rather than 404.
final class RouteTable: Sendable {
    private let routes = Mutex<[(method: HTTPRequest.Method, segments: [Substring])]>([])

    func add(_ method: HTTPRequest.Method, _ path: String) {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        routes.withLock { $0.append((method, segments)) }
    }

    /// The methods of the resource the router would take `path` for (`{name}` matches any one segment; where
    /// templates compete, a literal segment wins over a parameter, as in the router's trie: `/parties/lookup`
    /// is not `/parties/{id}`); empty for an unknown path.
    func methods(for path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        let matching = routes.withLock { routes in
            routes.filter { route in
                route.segments.count == segments.count && zip(route.segments, segments).allSatisfy { $0.0.first == "{" || $0.0 == $0.1 }
            }
        }
        func literals(_ template: [Substring]) -> [Bool] { template.map { $0.first != "{" } }
        guard let best = matching.max(by: { literals($0.segments).lexicographicallyPrecedes(literals($1.segments)) { !$0 && $1 } }) else {
            return []
        }
        var found: [HTTPRequest.Method] = []
        for route in matching where route.segments == best.segments && !found.contains(route.method) { found.append(route.method) }
        // The router answers HEAD wherever it answers GET.
        if let get = found.firstIndex(of: .get), !found.contains(.head) { found.insert(.head, at: get + 1) }
        return found
    }
}

/// Registers the OpenAPI operations on the router and records them in the route table.
struct RecordingTransport: ServerTransport {
    let router: Router<AppRequestContext>
    let table: RouteTable

    func register(_ handler: @escaping @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
                  method: HTTPRequest.Method, path: String) throws {
        table.add(method, path)
        router.register(handler, method: method, path: path)
    }
}
