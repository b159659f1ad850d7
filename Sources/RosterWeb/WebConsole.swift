public import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
import Mustache
public import RosterCore
public import RosterService

/// The admin console at `/ui`: server-rendered pages over the same services as the API, called with the signed-in
/// caller, so that a scoped admin sees and changes what its roles allow and gets the same "not found" elsewhere.
/// Every page works without JavaScript; every form carries the session's CSRF token.
public struct WebConsole: Sendable {
    public struct Options: Sendable {
        /// A session unused this long is signed out.
        public var idleTimeout: TimeInterval = 30 * 60
        /// A session is signed out this long after sign-in, however busy.
        public var absoluteTimeout: TimeInterval = 12 * 60 * 60
        /// Cookies get `Secure` when set: the console is served over https (directly or behind a proxy).
        public var secureCookies = false
        /// The address browsers reach Roster at (`ROSTER_PUBLIC_URL`), for the single sign-on redirect; unset, the
        /// request's `Host` over http.
        public var publicURL: String?
        /// The caller's rate limit, as the API applies it: nil when a request is taken, else the seconds until one is
        /// (the console's pages, each an audited read, were never limited; found by a probe).
        public var rateLimit: (@Sendable (Caller) async throws -> Int?)?

        public init() {}
    }

    /// A party's GDPR export as a JSON document (the API's, made by the composition root, which knows its schema).
    public typealias PartyExporter = @Sendable (_ tenant: String, _ id: Party.ID, _ context: OperationContext) async throws -> Data

    let services: Services
    let authenticator: Authenticator
    let partyExport: PartyExporter?
    let sessionKey: @Sendable () -> Data
    let options: Options
    let library: MustacheLibrary
    let logger: Logger
    let now: @Sendable () -> Date

    /// `sessionKey` gives the key sessions are sealed with (derived from the secret key, which start may create).
    public init(services: Services, authenticator: Authenticator, partyExport: PartyExporter? = nil,
                sessionKey: @escaping @Sendable () -> Data,
                options: Options = Options(), logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) throws {
        self.services = services
        self.authenticator = authenticator
        self.partyExport = partyExport
        self.sessionKey = sessionKey
        self.options = options
        self.logger = logger
        self.now = now
        self.library = try Self.makeLibrary()
    }

    static func makeLibrary() throws -> MustacheLibrary {
        var library = MustacheLibrary()
        for (name, text) in Templates.all { try library.register(text, named: name) }
        return library
    }

    var sealer: SessionSealer {
        SessionSealer(keyBytes: sessionKey(), idleTimeout: options.idleTimeout, absoluteTimeout: options.absoluteTimeout)
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        let ui = router.group("ui")
        ui.get { request, _ in await self.home(request) }
        ui.get("static/roster.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                     body: .init(byteBuffer: ByteBuffer(string: Templates.stylesheet)))
        }
        ui.get("sign-in") { request, _ in
            // Signed in already: home, so that a link can't sign anyone out.
            self.session(of: request)?.signedIn == true ? Self.redirect("/ui", cookie: nil)
                : self.sessionKey().isEmpty ? self.signInPage(request, error: Self.keyRotatedAway, status: .serviceUnavailable)
                : self.signInPage(request, notice: FormQuery(request).get("ended") == "1"
                    ? "Your session ended (unused for a while, signed in too long ago, or its key revoked): sign in again." : nil)
        }
        ui.post("sign-in") { request, _ in await self.signIn(request) }
        ui.get("sign-in/sso") { request, _ in await self.beginSSO(request) }
        ui.get("sso/callback") { request, _ in await self.finishSSO(request) }
        ui.post("sign-out") { request, _ in await self.signOut(request) }
        ui.get("tenants") { request, _ in await self.tenants(request) }
        ui.post("tenants") { request, _ in await self.createTenant(request) }
        ui.post("tenants/:tenant/tracking/retry") { request, context in
            await self.retryTracking(request, slug: context.parameters.get("tenant") ?? "")
        }
        ui.get("t/:tenant/parties") { request, context in await self.parties(request, tenant: context.parameters.get("tenant") ?? "") }
        ui.get("t/:tenant/parties/:id") { request, context in
            await self.party(request, tenant: context.parameters.get("tenant") ?? "", id: context.parameters.get("id") ?? "")
        }
        ui.post("t/:tenant/parties/:id/edit") { request, context in
            await self.editParty(request, tenant: context.parameters.get("tenant") ?? "", id: context.parameters.get("id") ?? "")
        }
        ui.post("t/:tenant/parties/:id/state") { request, context in
            await self.changeState(request, tenant: context.parameters.get("tenant") ?? "", id: context.parameters.get("id") ?? "")
        }
        ui.post("t/:tenant/parties/:id/export") { request, context in
            await self.exportParty(request, tenant: context.parameters.get("tenant") ?? "", id: context.parameters.get("id") ?? "")
        }
        ui.post("t/:tenant/parties/:id/tags") { request, context in
            await self.addTag(request, tenant: context.parameters.get("tenant") ?? "", id: context.parameters.get("id") ?? "")
        }
        ui.post("t/:tenant/parties/:id/tags/:tag/remove") { request, context in
            await self.removeTag(request, tenant: context.parameters.get("tenant") ?? "", id: context.parameters.get("id") ?? "",
                                 tag: context.parameters.get("tag") ?? "")
        }
        ui.post("t/:tenant/parties/:id/erase") { request, context in
            await self.erase(request, tenant: context.parameters.get("tenant") ?? "", id: context.parameters.get("id") ?? "")
        }
        registerAdmin(on: ui)
        registerRecords(on: ui)
        registerImports(on: ui)
        ui.post("t/:tenant/parties/:id/accounts") { request, context in
            await self.addAccount(request, tenant: context.parameters.get("tenant") ?? "", id: context.parameters.get("id") ?? "")
        }
        ui.post("t/:tenant/parties/:id/accounts/:account/edit") { request, context in
            await self.changeAccount(request, tenant: context.parameters.get("tenant") ?? "", id: context.parameters.get("id") ?? "",
                                     account: context.parameters.get("account") ?? "", delete: false)
        }
        ui.post("t/:tenant/parties/:id/accounts/:account/delete") { request, context in
            await self.changeAccount(request, tenant: context.parameters.get("tenant") ?? "", id: context.parameters.get("id") ?? "",
                                     account: context.parameters.get("account") ?? "", delete: true)
        }
        ui.post("t/:tenant/accounts/:id/reveal") { request, context in
            await self.reveal(request, tenant: context.parameters.get("tenant") ?? "", id: context.parameters.get("id") ?? "")
        }
        registerPageRedirects(on: ui)
    }

    /// The address a form posts to, opened again (from the history, or reloaded after a refusal left the browser there),
    /// goes to the page the form is on; any other address under /ui is the console's own "Not found" page. Both were
    /// the API's JSON problem (found by a probe).
    func registerPageRedirects<Context: RequestContext>(on ui: RouterGroup<Context>) {
        @Sendable func tenant(_ context: Context) -> String { Self.pathSegment(context.parameters.get("tenant") ?? "") }
        @Sendable func party(_ context: Context) -> String { "/ui/t/\(tenant(context))/parties/\(Self.pathSegment(context.parameters.get("id") ?? ""))" }
        for action in ["edit", "state", "export", "tags", "erase"] {
            ui.get("t/:tenant/parties/:id/\(action)") { _, context in Self.redirect(party(context), cookie: nil) }
        }
        ui.get("t/:tenant/parties/:id/tags/:tag/remove") { _, context in Self.redirect(party(context), cookie: nil) }
        for path in ["accounts", "accounts/:account/edit", "accounts/:account/delete"] {
            ui.get("t/:tenant/parties/:id/\(path)") { _, context in Self.redirect(party(context), cookie: nil) }
        }
        ui.get("t/:tenant") { _, context in Self.redirect("/ui/t/\(tenant(context))/parties", cookie: nil) }
        ui.get("t/:tenant/accounts/:id/reveal") { _, context in Self.redirect("/ui/t/\(tenant(context))/parties", cookie: nil) }
        for path in ["grants", "roles", "roles/:role/delete"] {
            ui.get("t/:tenant/\(path)") { _, context in Self.redirect("/ui/t/\(tenant(context))/access", cookie: nil) }
        }
        ui.get("t/:tenant/users/import") { _, context in Self.redirect("/ui/t/\(tenant(context))/users", cookie: nil) }
        ui.get("t/:tenant/imports/upload") { _, context in Self.redirect("/ui/t/\(tenant(context))/imports", cookie: nil) }
        ui.get("t/:tenant/exports/parties") { _, context in Self.redirect("/ui/t/\(tenant(context))/imports", cookie: nil) }
        ui.get("t/:tenant/exports/relationships") { _, context in Self.redirect("/ui/t/\(tenant(context))/imports", cookie: nil) }
        ui.get("tenants/:tenant/tracking/retry") { _, _ in Self.redirect("/ui/tenants", cookie: nil) }
        ui.get("sign-out") { _, _ in Self.redirect("/ui", cookie: nil) }
        ui.get("**") { request, _ in await self.notFound(request) }
    }

    /// The console's "Not found" page, in the layout of the caller's session (signed in or not).
    func notFound(_ request: Request) async -> Response {
        await run(request, tenant: nil) { _ in throw RosterError.notFound("no page here") }
    }

    /// A console address the router answered with an error before any page ran (a POST to a page that is only opened,
    /// a body over the limit): an HTML page with that status, as every other console error is (it was problem+json).
    public func routeError(_ request: Request, status: HTTPResponse.Status) -> Response {
        let error: any Error = switch status {
        case .notFound, .methodNotAllowed: RosterError.notFound("no page here")
        case .contentTooLarge: RosterError.tooLarge("the request is over the server's limit")
        default: RosterError.badRequest(status.reasonPhrase)
        }
        return errorPage(error, signedIn: nil, back: Self.back(request))
    }

    /// Whether `path` is the console's (`/ui`, `/ui/...`).
    public static func serves(_ path: String) -> Bool {
        PathSegments.of(path, omittingEmpty: true, limit: 1).first == "ui"
    }
}

// MARK: Sessions and pages

/// A signed-in request: the session, and the caller its credential authenticates as now.
struct SignedIn {
    var session: WebSession
    var caller: Caller
    var requestID: String
    /// The tenant pages the layout's navigation offers this caller (`run` reads them before the page).
    var nav: Navigation = .all

    var context: OperationContext { OperationContext(caller: caller, requestID: requestID) }
    /// The tenant whose pages this caller starts on: its own, or none for platform callers.
    var homeTenant: String? { caller.tenantSlug }
}

/// What a handler gives back: a page to wrap in the layout, or a redirect.
enum WebResult {
    /// `refresh`: seconds after which the browser loads the page again (a job's progress, without JavaScript).
    case page(title: String, template: String, view: Any, status: HTTPResponse.Status = .ok, refresh: Int? = nil)
    case redirect(String)
    /// A response made by the handler itself (a download).
    case response(Response)
}

extension WebConsole {
    func session(of request: Request) -> WebSession? {
        request.cookies[SessionSealer.cookieName].flatMap { sealer.open($0.value, now: now()) }
    }

    func cookie(_ session: WebSession?) -> Cookie {
        guard let session, let value = try? sealer.seal(session) else {
            return Cookie(name: SessionSealer.cookieName, value: "", maxAge: 0, path: "/ui", secure: options.secureCookies,
                          httpOnly: true, sameSite: .lax)
        }
        return Cookie(name: SessionSealer.cookieName, value: value, maxAge: Int(options.absoluteTimeout), path: "/ui",
                      secure: options.secureCookies, httpOnly: true, sameSite: .lax)
    }

    /// The request's id, as the server's middleware gave it (and answers it in `X-Request-Id`), so that what a page
    /// records in the audit names the request the page answered (the console made one of its own; found by a probe).
    static func requestID(of request: Request) -> String {
        request.headers[requestIDField] ?? UUIDv7.next().uuidString.lowercased()
    }

    static let requestIDField = HTTPField.Name("X-Request-Id")!

    /// Authenticates the session's credential again (a revoked key is out at once); `nil` when there is none.
    func authenticate(_ request: Request, tenant: String?) async throws -> SignedIn? {
        guard var session = session(of: request), session.signedIn else { return nil }
        let requestID = Self.requestID(of: request)
        let caller: Caller?
        if let token = session.token {
            caller = try await authenticator.authenticate(bearer: token, tenant: tenant, requestID: requestID)
        } else if let userID = session.userID.flatMap(User.ID.init(uuidString:)), let home = session.tenant {
            caller = try await authenticator.sessionUser(userID, tenant: home)
        } else {
            caller = nil
        }
        guard let caller else { return nil }
        if let rateLimit = options.rateLimit, let retryAfter = try await rateLimit(caller) { throw WebError.tooManyRequests(retryAfter: retryAfter) }
        session.seenAt = now().timeIntervalSince1970
        return SignedIn(session: session, caller: caller, requestID: requestID)
    }

    /// Runs a page for a signed-in caller: to the sign-in page without one, errors as pages, the session refreshed.
    /// `back`: where an error page's link leads (a form's page, not the path it posted to).
    func run(_ request: Request, tenant: String?, back: String? = nil,
             _ body: (SignedIn) async throws -> WebResult) async -> Response {
        let started = ContinuousClock.now
        var signedIn: SignedIn
        do {
            guard let found = try await authenticate(request, tenant: tenant) else {
                // A session that was signed in and is no more (expired, or its credential revoked) is told so on the
                // sign-in page; it was sent there without a word (found by a probe).
                let cookie = request.cookies[SessionSealer.cookieName]
                let ended = cookie.map { !$0.value.isEmpty && session(of: request)?.signedIn != false } ?? false
                return Self.redirect(ended ? "/ui/sign-in?ended=1" : "/ui/sign-in", cookie: self.cookie(nil))
            }
            signedIn = found
        } catch {
            return errorPage(error, signedIn: nil, back: "/ui/sign-in")
        }
        signedIn.nav = await navigation(signedIn, tenant: tenant ?? signedIn.homeTenant)
        let result: WebResult
        do {
            // Another tenant's page is 404 before its form is read (new-party, imports and state forms answered 422
            // there; found by a probe).
            if let tenant { try signedIn.context.requireHomeTenant(tenant) }
            result = try await body(signedIn)
        } catch {
            return errorPage(error, signedIn: signedIn, back: back ?? Self.back(request))
        }
        var response: Response
        switch result {
        case .page(let title, let template, let view, let status, let refresh):
            response = render(title: title, template: template, view: view, status: status, signedIn: signedIn, tenant: tenant,
                              refresh: refresh)
        case .redirect(let location):
            response = Self.redirect(location, cookie: nil)
        case .response(let made):
            response = made
        }
        response.setCookie(cookie(signedIn.session))
        // The server's time for the page (authentication, service calls, rendering), for browsers' developer tools and
        // Benchmarks/ui.sh.
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        response.headers[HTTPField.Name("Server-Timing")!] = "app;dur=\(String(format: "%.2f", milliseconds))"
        return response
    }

    /// Runs a form's action: the CSRF token must match the session's, else 403 and nothing is done.
    func runForm(_ request: Request, tenant: String?, _ body: (SignedIn, [String: String]) async throws -> WebResult) async -> Response {
        var request = request
        let fields: [String: String], names: [String]
        do {
            (fields, names) = try await Self.formSubmission(&request)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            return errorPage(RosterError.tooLarge("the form is over 1 MiB; send large imports as a file"), signedIn: nil, back: Self.back(request))
        } catch {
            return errorPage(RosterError.badRequest("the form could not be read"), signedIn: nil, back: Self.back(request))
        }
        return await run(request, tenant: tenant, back: Self.back(request)) { signedIn in
            guard let sent = fields["csrf"], Self.constantTimeEqual(sent, signedIn.session.csrf), !Self.crossSite(request) else {
                throw WebError.csrf
            }
            // After the tenant and the CSRF token: another tenant's form is a 404, a forged one a 403, before its fields.
            let errors = ConsoleForms.errors(names: names, route: ConsoleForms.route(of: request.uri.path))
            guard errors.isEmpty else { throw try await refusal(errors, tenant: tenant, signedIn) }
            return try await body(signedIn, fields)
        }
    }

    /// The 422 of a form's fields, or the 404 of a tenant there is not (a platform caller's session opens any tenant's
    /// path: the tenant is read only by the action the form asks for).
    func refusal(_ errors: [FieldError], tenant: String?, _ signedIn: SignedIn) async throws -> RosterError {
        if let tenant { _ = try await services.tenants.get(tenant, context: signedIn.context) }
        return RosterError.validation(errors)
    }

    static func formFields(_ request: inout Request) async throws -> [String: String] {
        try await formSubmission(&request).fields
    }

    /// A posted form's fields, and their names in the order sent (a name sent twice is there twice).
    static func formSubmission(_ request: inout Request) async throws -> (fields: [String: String], names: [String]) {
        let buffer = try await request.collectBody(upTo: 1 << 20)
        guard let pairs = formPairs(String(buffer: buffer)) else { throw WebError.badForm }
        return (Dictionary(pairs, uniquingKeysWith: { _, last in last }), pairs.map(\.0))
    }

    /// `application/x-www-form-urlencoded` pairs (`+` is a space), the last of a name winning; nil for a broken escape.
    static func formDecoded(_ text: String) -> [String: String]? {
        formPairs(text).map { Dictionary($0, uniquingKeysWith: { _, last in last }) }
    }

    /// `application/x-www-form-urlencoded` pairs (`+` is a space) in their order; nil for a broken escape.
    static func formPairs(_ text: String) -> [(String, String)]? {
        var pairs: [(String, String)] = []
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String? { part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = decode(parts[0]) else { return nil }
            let value = parts.count > 1 ? decode(parts[1]) : ""
            guard let value else { return nil }
            pairs.append((name, value))
        }
        return pairs
    }

    /// A GET form's query, decoded as the browser encoded it (`+` is a space: Hummingbird's `queryParameters` kept it, and
    /// a search for "Green Valley" looked for "Green+Valley"; found by a probe). A broken escape reads as no parameters.
    struct FormQuery {
        let fields: [String: String]

        init(_ request: Request) {
            fields = request.uri.query.flatMap(WebConsole.formDecoded) ?? [:]
        }

        func get(_ name: String) -> String? { fields[name] }
    }

    /// The page a form was posted from, or a page was linked from (its `Referer`, when it is another console page), for
    /// an error page's "Back"; else the console's start (never the page that failed: its "Back" led to itself).
    static func back(_ request: Request) -> String {
        guard let referer = request.headers[.referer], let url = URLComponents(string: referer), url.path.hasPrefix("/ui") else {
            return "/ui"
        }
        let page = url.path + (url.percentEncodedQuery.map { "?" + $0 } ?? "")
        return request.method == .get && page == request.uri.description ? "/ui" : page
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func redirect(_ location: String, cookie: Cookie?) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location])
        if let cookie { response.setCookie(cookie) }
        return response
    }

    /// The tenant pages `signedIn` may use in `tenant`: every one for platform callers and ADMIN (no read), else as its
    /// grants there say; none when the grants can't be read (no such tenant, another tenant's, the database away), as
    /// the page will then say.
    func navigation(_ signedIn: SignedIn, tenant: String?) async -> Navigation {
        guard let tenant, !signedIn.caller.principal.isPlatform, signedIn.caller.role != .admin else { return .all }
        let grants = try? await services.access.grants(tenant: tenant, context: signedIn.context)
        return Navigation(grants ?? Grants(everything: false))
    }

    /// `tenant`: the tenant the page is about, whose pages the navigation offers (else the caller's own).
    func render(title: String, template: String, view: Any, status: HTTPResponse.Status, signedIn: SignedIn?,
                tenant: String? = nil, refresh: Int? = nil) -> Response {
        let body = library.render(view: view, withTemplate: template) ?? ""
        let layout = LayoutView(title: title, signedIn: signedIn != nil, who: signedIn.map { Self.describe($0.caller) } ?? "",
                                csrf: signedIn?.session.csrf ?? "", platform: signedIn?.caller.principal.isPlatform ?? false,
                                tenantSlug: signedIn == nil ? nil : (tenant ?? signedIn?.homeTenant), flash: nil, body: body,
                                refresh: refresh, nav: signedIn?.nav ?? .all)
        let html = library.render(view: layout, withTemplate: "layout") ?? ""
        return Response(status: status, headers: Self.pageHeaders, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static let pageHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
        .contentSecurityPolicy: "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff", HTTPField.Name("Referrer-Policy")!: "same-origin",
    ]

    static func describe(_ caller: Caller) -> String {
        switch caller.principal {
        case .platform: "platform operator"
        // The end of the id: its start is a UUIDv7's time, the same for keys and users made about the same time (a probe).
        case .apiKey(let id): "API key …\(id.suffix(8)) of \(caller.tenantSlug ?? "")"
        case .user(let id): "user …\(id.suffix(8)) of \(caller.tenantSlug ?? "")"
        case .system: "system"
        }
    }

    func errorPage(_ error: any Error, signedIn: SignedIn?, back: String) -> Response {
        let (status, heading, message): (HTTPResponse.Status, String, String)
        switch error {
        case WebError.csrf:
            (status, heading, message) = (.forbidden, "Form refused", "This form was not sent from this session (its CSRF token is missing or wrong). Reload the page and try again.")
        case WebError.badForm:
            (status, heading, message) = (.badRequest, "Bad request", "The form could not be read.")
        case WebError.tooManyRequests(let retryAfter):
            var response = render(title: "Too many requests", template: "error",
                                  view: ErrorView(heading: "Too many requests",
                                                  message: "You are over your rate limit. Wait \(retryAfter) s, then reload the page.", back: back),
                                  status: .tooManyRequests, signedIn: nil)
            response.headers[.retryAfter] = String(retryAfter)
            return response
        case let error as RosterError:
            switch error {
            case .notFound: (status, heading, message) = (.notFound, "Not found", "There is nothing here, or nothing you may see.")
            case .forbidden(let detail): (status, heading, message) = (.forbidden, "Not allowed", detail)
            case .unauthorized(let detail): (status, heading, message) = (.unauthorized, "Signed out", detail)
            case .conflict(let detail, _): (status, heading, message) = (.conflict, "Conflict", detail)
            case .preconditionFailed(let detail): (status, heading, message) = (.preconditionFailed, "Changed meanwhile", detail)
            case .validation(let errors):
                (status, heading, message) = (.unprocessableContent, "Not valid", errors.map { "\($0.field): \($0.message)" }.joined(separator: "; "))
            case .badRequest(let detail): (status, heading, message) = (.badRequest, "Bad request", detail)
            case .unavailable(let detail): (status, heading, message) = (.serviceUnavailable, "Unavailable", detail)
            case .tooLarge(let detail): (status, heading, message) = (.contentTooLarge, "Too large", detail)
            }
        case let error as any RosterErrorConvertible:
            return errorPage(error.rosterError, signedIn: signedIn, back: back)
        default:
            logger.error("console request failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            (status, heading, message) = (.internalServerError, "Something went wrong", "The request failed; it has been logged.")
        }
        var response = render(title: heading, template: "error", view: ErrorView(heading: heading, message: message, back: back),
                              status: status, signedIn: signedIn)
        if let signedIn { response.setCookie(cookie(signedIn.session)) }
        return response
    }
}

extension RosterError {
    var isConflict: Bool {
        if case .conflict = self { return true }
        return false
    }
}

enum WebError: Error {
    case csrf
    case badForm
    /// Over the caller's rate limit: a request is taken again after this many seconds.
    case tooManyRequests(retryAfter: Int)
}

// MARK: Sign-in

extension WebConsole {
    func home(_ request: Request) async -> Response {
        await run(request, tenant: nil) { signedIn in
            if let tenant = signedIn.homeTenant { return .redirect("/ui/t/\(Self.pathSegment(tenant))/parties") }
            return .redirect("/ui/tenants")
        }
    }

    /// `fresh` starts a new anonymous session (dropping a spent single sign-on).
    func signInPage(_ request: Request, error: String? = nil, notice: String? = nil, status: HTTPResponse.Status = .ok,
                    fresh: Bool = false) -> Response {
        let kept = fresh ? nil : session(of: request).flatMap { $0.signedIn || $0.pending != nil ? nil : $0 }
        let session = kept ?? WebSession.anonymous(now: now())
        var response = render(title: "Sign in", template: "sign-in", view: SignInView(csrf: session.csrf, error: error, notice: notice),
                              status: status, signedIn: nil)
        // The single sign-on form leads to the tenant's provider, which `form-action 'self'` would stop at its redirect.
        response.headers[.contentSecurityPolicy] = "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
        response.setCookie(cookie(session))
        return response
    }

    /// Said instead of signing in while the session key is empty: the secret key it derives from was rotated away and
    /// this server does not hold the new one (a sign-in answered "This form has expired" again and again; found by a probe).
    static let keyRotatedAway = """
        This server's secret key was rotated (roster secret-key rotate): it signs no one in until it holds the new key \
        (in its key file, taken within 2 s; or in ROSTER_SECRET_KEY, with a restart).
        """

    func signIn(_ request: Request) async -> Response {
        var request = request
        if sessionKey().isEmpty { return signInPage(request, error: Self.keyRotatedAway, status: .serviceUnavailable) }
        guard let (fields, names) = try? await Self.formSubmission(&request) else {
            return signInPage(request, error: "The form could not be read.", status: .badRequest)
        }
        guard let session = session(of: request), let sent = fields["csrf"], Self.constantTimeEqual(sent, session.csrf), !Self.crossSite(request) else {
            return signInPage(request, error: "This form has expired; sign in again.", status: .forbidden)
        }
        let errors = ConsoleForms.errors(names: names, route: "sign-in")
        guard errors.isEmpty else {
            return signInPage(request, error: errors.map { "\($0.field): \($0.message)" }.joined(separator: "; "), status: .unprocessableContent)
        }
        let token = (fields["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            guard !token.isEmpty,
                  let caller = try await authenticator.authenticate(bearer: token, tenant: nil, requestID: Self.requestID(of: request))
            else {
                return signInPage(request, error: "That token is not valid.", status: .unauthorized)
            }
            // A sign-in is the key's request too: over its rate limit, refused as its pages are.
            if let rateLimit = options.rateLimit, let retryAfter = try await rateLimit(caller) {
                var response = signInPage(request, error: "This key is over its rate limit. Wait \(retryAfter) s, then sign in again.",
                                          status: .tooManyRequests)
                response.headers[.retryAfter] = String(retryAfter)
                return response
            }
            let signedIn = WebSession.signedIn(now: now(), token: token)
            logger.info("console sign-in", metadata: ["principal": "\(caller.principal)"])
            let home = caller.tenantSlug.map { "/ui/t/\(Self.pathSegment($0))/parties" } ?? "/ui/tenants"
            return Self.redirect(home, cookie: cookie(signedIn))
        } catch {
            return signInPage(request, error: "That token is not valid.", status: .unauthorized)
        }
    }

    /// A form another site's page sent (the browser says so: `Sec-Fetch-Site: cross-site`), refused as a missing CSRF
    /// token is, though it carries one: the token is the defence, this a second one (asked for by a probe). Requests
    /// without the header (older browsers, scripts) are judged by the token alone.
    static func crossSite(_ request: Request) -> Bool {
        request.headers[secFetchSite]?.lowercased() == "cross-site"
    }

    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!

    func signOut(_ request: Request) async -> Response {
        var request = request
        // A session that ended already (idle, or signed out in another tab): signed out is what was asked (it was the
        // "form refused" page; found by a probe).
        guard let session = session(of: request), session.signedIn else { return Self.redirect("/ui/sign-in?ended=1", cookie: cookie(nil)) }
        guard let (fields, names) = try? await Self.formSubmission(&request), let sent = fields["csrf"],
              Self.constantTimeEqual(sent, session.csrf), !Self.crossSite(request)
        else {
            return errorPage(WebError.csrf, signedIn: nil, back: "/ui")
        }
        let errors = ConsoleForms.errors(names: names, route: "sign-out")
        guard errors.isEmpty else { return errorPage(RosterError.validation(errors), signedIn: nil, back: "/ui") }
        return Self.redirect("/ui/sign-in", cookie: cookie(nil))
    }

    /// Sends the browser to the tenant's identity provider (authorization code with PKCE, `state` and `nonce`).
    func beginSSO(_ request: Request) async -> Response {
        if session(of: request)?.signedIn == true { return Self.redirect("/ui", cookie: nil) }
        if sessionKey().isEmpty { return signInPage(request, error: Self.keyRotatedAway, status: .serviceUnavailable) }
        let tenant = (FormQuery(request).get("tenant") ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        guard let signIn = authenticator.signIn, !tenant.isEmpty else {
            return signInPage(request, error: "Name the tenant to sign in to.", status: .unprocessableContent)
        }
        let base = options.publicURL ?? "http://\(request.head.authority ?? "127.0.0.1")"
        do {
            let (url, pending) = try await signIn.begin(tenant: tenant, redirectURI: base + "/ui/sso/callback")
            var session = WebSession.anonymous(now: now())
            session.pending = pending
            return Self.redirect(url.absoluteString, cookie: cookie(session))
        } catch RosterError.unavailable(let detail) {
            return signInPage(request, error: "Single sign-on is not available: \(detail).", status: .serviceUnavailable)
        } catch {
            return signInPage(request, error: "Single sign-on is not set up for that tenant.", status: .unprocessableContent)
        }
    }

    /// The provider sends the browser back here: the answer must be this browser's sign-in (`state`), then the code is
    /// traded for an ID token whose `nonce` must match.
    func finishSSO(_ request: Request) async -> Response {
        // A signed-in browser started no sign-in (beginSSO sends it home): a link here must not sign it out, as the sign-in
        // page's must not (its answer set a new, anonymous session; found by a probe).
        if session(of: request)?.signedIn == true { return Self.redirect("/ui", cookie: nil) }
        if sessionKey().isEmpty { return signInPage(request, error: Self.keyRotatedAway, status: .serviceUnavailable) }
        guard let signIn = authenticator.signIn, let pending = session(of: request)?.pending else {
            return signInPage(request, error: "This sign-in has expired or was not started here; sign in again.", status: .unauthorized)
        }
        let query = FormQuery(request)
        if query.get("error") != nil {
            return signInPage(request, error: "The identity provider did not sign you in.", status: .unauthorized)
        }
        do {
            let user = try await signIn.finish(code: query.get("code") ?? "", state: query.get("state") ?? "", pending: pending,
                                               requestID: Self.requestID(of: request))
            logger.info("console sign-in", metadata: ["principal": "user:\(user.id)", "via": "oidc"])
            let session = WebSession.signedIn(now: now(), userID: user.id.description, tenant: pending.tenant)
            return Self.redirect("/ui/t/\(Self.pathSegment(pending.tenant))/parties", cookie: cookie(session))
        } catch let error as RosterError {
            // The kind of refusal only: some details name an email domain.
            let kind = switch error {
            case .unauthorized: "unauthorized"
            case .forbidden: "forbidden"
            case .unavailable: "unavailable"
            default: "refused"
            }
            logger.notice("console single sign-on refused", metadata: ["tenant": "\(pending.tenant)", "outcome": "\(kind)"])
            let message = switch error {
            case .forbidden(let detail): "You may not sign in: \(detail)."
            case .unavailable(let detail): "Single sign-on is not available: \(detail)."
            case .unauthorized(let detail): "The sign-in was not accepted: \(detail). Sign in again."
            default: "The sign-in was not accepted; sign in again."
            }
            // The pending sign-in is spent either way: a replayed answer finds none.
            var response = signInPage(request, error: message, status: .unauthorized, fresh: true)
            response.headers[.cacheControl] = "no-store"
            return response
        } catch {
            return signInPage(request, error: "The sign-in was not accepted; sign in again.", status: .unauthorized, fresh: true)
        }
    }

    static func pathSegment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? ""
    }

    static func query(_ items: [(String, String?)]) -> String {
        var components = URLComponents()
        components.queryItems = items.compactMap { name, value in
            guard let value, !value.isEmpty else { return nil }
            return URLQueryItem(name: name, value: value)
        }
        return components.percentEncodedQuery ?? ""
    }
}

// MARK: Tenants and parties

extension WebConsole {
    func tenants(_ request: Request) async -> Response {
        await run(request, tenant: nil) { signedIn in
            if let tenant = signedIn.homeTenant { return .redirect("/ui/t/\(Self.pathSegment(tenant))/parties") }
            var view = TenantsView(try await services.provisioning.tenants(context: signedIn.context), csrf: signedIn.session.csrf)
            switch FormQuery(request).get("done") {
            case "created": view.notice = "Tenant created."
            case "retried": view.notice = "Tracking tried again: the tenant is tracked."
            case "retry-failed": view.warning = "Tracking tried again, and it did not finish: see the tenant's tracking below."
            default: break
            }
            return .page(title: "Tenants", template: "tenants", view: view)
        }
    }

    /// Provisions a tenant (with its admin when one is named), as `POST /v1/tenants` does.
    func createTenant(_ request: Request) async -> Response {
        await runForm(request, tenant: nil) { signedIn, fields in
            func text(_ name: String) -> String { (fields[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
            let form = TenantsView.Form(slug: text("slug"), name: text("name"), callingCode: text("callingCode"),
                                        firstName: text("firstName"), lastName: text("lastName"), email: text("email"))
            let admin = [form.firstName, form.lastName, form.email].allSatisfy(\.isEmpty)
                ? nil : Provisioning.Admin(firstName: form.firstName, lastName: form.lastName, email: form.email)
            let request = ProvisioningRequest(slug: form.slug, name: form.name,
                                              settings: TenantSettings(defaultCallingCode: form.callingCode.isEmpty ? nil : form.callingCode),
                                              admin: admin)
            do {
                _ = try await services.provisioning.provision(request, context: signedIn.context)
                return .redirect("/ui/tenants?done=created")
            } catch let error as RosterError {
                let messages: [PartyView.FieldMessage]
                switch error {
                case .validation(let errors): messages = errors.map { PartyView.FieldMessage(field: $0.field, message: $0.message) }
                case .conflict(let detail, _): messages = [PartyView.FieldMessage(field: "slug", message: detail)]
                default: throw error
                }
                var view = TenantsView(try await services.provisioning.tenants(context: signedIn.context), csrf: signedIn.session.csrf)
                view.form = form
                view.errors = messages
                return .page(title: "Tenants", template: "tenants", view: view, status: error.isConflict ? .conflict : .unprocessableContent)
            }
        }
    }

    func retryTracking(_ request: Request, slug: String) async -> Response {
        await runForm(request, tenant: nil) { signedIn, _ in
            let result = try await services.provisioning.retryTracking(tenant: slug, context: signedIn.context)
            // What the attempt came to (it said "tried again" in green when the attempt failed; found by a probe).
            return .redirect("/ui/tenants?done=" + (result.provisioning?.tracking.status == .tracked ? "retried" : "retry-failed"))
        }
    }

    func parties(_ request: Request, tenant: String) async -> Response {
        await run(request, tenant: tenant) { signedIn in
            let query = FormQuery(request)
            func text(_ name: String) -> String? {
                query.get(name).map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
            }
            // A filter value that is none of its choices is named (422), not ignored (an unfiltered list looks like an answer).
            var invalid: [String] = []
            func choice<T: RawRepresentable>(_ name: String, _ type: T.Type) -> T? where T.RawValue == String {
                guard let raw = text(name) else { return nil }
                guard let value = T(rawValue: raw) else { invalid.append(name); return nil }
                return value
            }
            let kind = choice("kind", Party.Kind.self)
            let customerType = choice("customerType", Party.CustomerType.self)
            let state = choice("state", Party.State.self)
            var view = PartiesView(
                tenant: tenant, q: text("q") ?? "", role: text("role") ?? "", tag: text("tag") ?? "", partnerId: text("partnerId") ?? "",
                kinds: Option.choices(Party.Kind.allCases.map(\.rawValue), selected: kind?.rawValue, any: "any"),
                customerTypes: Option.choices(Party.CustomerType.allCases.map(\.rawValue), selected: customerType?.rawValue, any: "any"),
                states: Option.choices(Party.State.allCases.map(\.rawValue), selected: state?.rawValue, any: "not deleted"),
                items: [])
            view.canCreate = signedIn.nav.importParties
            var partnerID: Party.ID?
            if let raw = text("partnerId") {
                guard let id = Party.ID(uuidString: raw) else {
                    _ = try await services.access.me(tenant: tenant, context: signedIn.context)
                    view.error = "The partner id is not an id."
                    return .page(title: "Parties", template: "parties", view: view, status: .unprocessableContent)
                }
                partnerID = id
            }
            if !invalid.isEmpty {
                _ = try await services.access.me(tenant: tenant, context: signedIn.context)
                view.error = invalid.map { "\($0): is not one of its choices" }.joined(separator: "; ")
                return .page(title: "Parties", template: "parties", view: view, status: .unprocessableContent)
            }
            let search = PartySearch(q: text("q"), kind: kind, role: text("role"), customerType: customerType, state: state,
                                     tag: text("tag"), partnerID: partnerID, limit: 50, cursor: text("cursor"))
            do {
                let page = try await services.parties.search(tenant: tenant, search, context: signedIn.context)
                view.items = page.items.map { PartyRow($0, tenant: tenant) }
                if query.get("done") == "erased" { view.notice = "The party was erased." }
                view.nextURL = page.nextCursor.map { cursor in
                    "/ui/t/\(Self.pathSegment(tenant))/parties?" + Self.query([
                        ("q", text("q")), ("kind", kind?.rawValue), ("role", text("role")), ("customerType", customerType?.rawValue),
                        ("state", state?.rawValue), ("tag", text("tag")), ("partnerId", text("partnerId")), ("cursor", cursor),
                    ])
                }
            } catch RosterError.validation(let errors) {
                view.error = errors.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
                return .page(title: "Parties", template: "parties", view: view, status: .unprocessableContent)
            }
            return .page(title: "Parties", template: "parties", view: view)
        }
    }

    static func partyID(_ raw: String) throws -> Party.ID {
        guard let id = Party.ID(uuidString: raw) else { throw RosterError.notFound("no such party") }
        return id
    }

    /// The party page's view: the party, its history and its relationships, read with the caller's rights.
    func partyView(tenant: String, id: Party.ID, signedIn: SignedIn) async throws -> PartyView {
        let context = signedIn.context
        let party = try await services.parties.get(tenant: tenant, id: id, context: context)
        let history = try await services.parties.history(tenant: tenant, id: id, context: context)
        let trees = try await relationshipTrees(tenant: tenant, party: party, context: context)
        var view = PartyView(party, tenant: tenant, csrf: signedIn.session.csrf, history: history, trees: trees)
        let allowed = try await services.parties.allowed(["parties.write", "parties.erase", "credentials.reveal", "relationships.write"],
                                                         tenant: tenant, on: id, context: context)
        view.canWrite = allowed.contains("parties.write")
        view.canErase = view.canErase && allowed.contains("parties.erase")
        view.canReveal = allowed.contains("credentials.reveal")
        view.accounts = try await Self.section {
            let asPartner = try await services.partnerAccounts.list(tenant: tenant, partnerID: id, customerID: nil, active: nil, cursor: nil,
                                                                     limit: 50, context: context)
            let asCustomer = try await services.partnerAccounts.list(tenant: tenant, partnerID: nil, customerID: id, active: nil, cursor: nil,
                                                                      limit: 50, context: context)
            return asPartner.items.map {
                PartyView.Account(tenant: tenant, partyID: id.description, id: $0.id.description, username: $0.username, role: "the partner",
                                  otherID: $0.customerID.description, active: $0.active, version: $0.version)
            } + asCustomer.items.map {
                PartyView.Account(tenant: tenant, partyID: id.description, id: $0.id.description, username: $0.username, role: "the customer",
                                  otherID: $0.partnerID.description, active: $0.active, version: $0.version)
            }
        }
        if view.isLive, allowed.contains("relationships.write") { view.relationForm = PartyView.RelationForm() }
        if view.canEdit { view.consentForm = PartyView.ConsentForm() }
        if view.canEdit {
            view.newAccount = party.roles.contains("partner")
                ? PartyView.NewAccount(otherField: "customerId", otherLabel: "Customer id")
                : PartyView.NewAccount(otherField: "partnerId", otherLabel: "Partner id")
        }
        view.consents = try await Self.section {
            try await services.consents.list(tenant: tenant, party: id, purpose: nil, current: true, cursor: nil, limit: 50, context: context)
                .items.map { PartyView.ConsentRow(purpose: $0.purpose, status: $0.status.rawValue, at: WebFormat.date($0.at), source: $0.source) }
        }
        var auditMore = false
        view.audit = try await Self.section {
            // Changes and disclosures: the page's own reads (several each time it is opened) pushed them out of the 20
            // (found by a probe); every entry is a link away. Those of its edges, accounts and login too (a reveal of its
            // partner secret was not shown; found by a probe).
            let trail = try await services.compliance.trail(tenant: tenant, id: id, limit: 20, context: context)
            auditMore = trail.more
            return trail.entries.map {
                PartyView.AuditRow(seq: $0.seq, at: WebFormat.date($0.at), actor: $0.actor, action: $0.action,
                                   fields: $0.fields.joined(separator: ", "))
            }
        }
        view.auditMore = auditMore
        return view
    }

    /// A part of a page the caller's roles may not cover: refused, it says so instead of failing the page.
    static func section<Row>(_ rows: () async throws -> [Row]) async throws -> PartyView.Section<Row> {
        do {
            return PartyView.Section(try await rows())
        } catch RosterError.forbidden {
            return PartyView.Section(refused: "Your roles don't cover this.")
        }
    }

    /// Per relationship type the party takes part in: the parties above it (nearest last) and below it, by depth.
    func relationshipTrees(tenant: String, party: Party, context: OperationContext) async throws -> [PartyView.Tree] {
        let edges = try await services.relationships.list(tenant: tenant, partyID: party.id, type: nil, role: nil, cursor: nil,
                                                          limit: 200, context: context)
        let types = Set(edges.items.map(\.type)).sorted()
        var trees: [PartyView.Tree] = []
        for type in types {
            let above = try await services.relationships.hierarchy(tenant: tenant, of: party.id, .ancestors, type: type, cursor: nil,
                                                                   limit: 100, context: context)
            let below = try await services.relationships.hierarchy(tenant: tenant, of: party.id, .descendants, type: type, cursor: nil,
                                                                   limit: 200, context: context)
            guard !above.items.isEmpty || !below.items.isEmpty else { continue }
            let top = above.items.map(\.depth).max() ?? 0
            let ancestors = above.items.sorted { ($0.depth, $0.party.displayName) > ($1.depth, $1.party.displayName) }
                .map { PartyView.TreeNode(tenant: tenant, id: $0.party.id.description, displayName: WebFormat.name(of: $0.party),
                                          indent: top - $0.depth, role: nil) }
            // Below: each party under the parent its edge hangs it from (edges of this type in force now, among the parties
            // found), depth first, by name; a party below two of them is shown under the first and marked under the next.
            let found = Dictionary(below.items.map { ($0.party.id, $0.party) }, uniquingKeysWith: { first, _ in first })
            let now = Date.rosterNow
            let links = try await services.relationships.edges(tenant: tenant, type: type, up: Array(found.keys), context: context)
                .filter { ValidityWindow(validFrom: $0.validFrom, validTo: $0.validTo).isInForce(at: now) && found[$0.childID] != nil }
            let childrenOf = Dictionary(grouping: links, by: \.parentID)
            var descendants: [PartyView.TreeNode] = []
            var placed: Set<Party.ID> = [party.id]
            func place(below parent: Party.ID, indent: Int) {
                let children = (childrenOf[parent] ?? []).sorted {
                    (found[$0.childID]?.displayName ?? "", $0.childID) < (found[$1.childID]?.displayName ?? "", $1.childID)
                }
                for edge in children {
                    guard let child = found[edge.childID] else { continue }
                    let first = placed.insert(child.id).inserted
                    descendants.append(PartyView.TreeNode(tenant: tenant, id: child.id.description, displayName: WebFormat.name(of: child),
                                                          indent: indent, role: edge.role, repeated: !first))
                    if first { place(below: child.id, indent: indent + 1) }
                }
            }
            place(below: party.id, indent: top + 1)
            trees.append(PartyView.Tree(type: type, ancestors: ancestors, selfIndent: top, displayName: WebFormat.name(of: party),
                                        descendants: descendants, more: below.nextCursor != nil, shown: below.items.count))
        }
        return trees
    }

    func party(_ request: Request, tenant: String, id: String) async -> Response {
        await run(request, tenant: tenant) { signedIn in
            var view = try await partyView(tenant: tenant, id: try Self.partyID(id), signedIn: signedIn)
            switch FormQuery(request).get("done") {
            case "saved": view.notice = "Saved."
            case "state": view.notice = "State changed."
            case "created": view.notice = "Party created."
            case "related": view.notice = "Relationship made."
            case "consent": view.notice = "Consent recorded."
            default: break
            }
            return .page(title: view.displayName, template: "party", view: view)
        }
    }

    /// The version of the party the form showed: every change is made against it (never without the check).
    static func formVersion(_ fields: [String: String]) throws -> Int {
        guard let version = fields["version"].flatMap(Int.init), version >= 1 else {
            throw RosterError.invalid("version", "the form must send the version of the party it showed; open the party again")
        }
        return version
    }

    func editParty(_ request: Request, tenant: String, id: String) async -> Response {
        await runForm(request, tenant: tenant) { signedIn, fields in
            let id = try Self.partyID(id)
            let current = try await services.parties.get(tenant: tenant, id: id, context: signedIn.context)
            let version = try Self.formVersion(fields)
            do {
                let patch = try Self.patch(from: fields, against: current)
                _ = try await services.parties.update(tenant: tenant, id: id, patch, ifMatch: version, context: signedIn.context)
                return .redirect("/ui/t/\(Self.pathSegment(tenant))/parties/\(id)?done=saved")
            } catch RosterError.preconditionFailed {
                var view = try await partyView(tenant: tenant, id: id, signedIn: signedIn)
                view.conflict = "Someone changed this party after you opened it (it is now at version \(view.version)); "
                    + "your changes were not saved. Here is the party as it is now: make them again."
                view.unsaved = Self.unsaved(fields, against: current)
                return .page(title: view.displayName, template: "party", view: view, status: .conflict)
            } catch RosterError.validation(let errors) {
                var view = try await partyView(tenant: tenant, id: id, signedIn: signedIn)
                view.errors = errors.map { PartyView.FieldMessage(field: $0.field, message: $0.message) }
                view.keepTyped(fields)
                return .page(title: view.displayName, template: "party", view: view, status: .unprocessableContent)
            } catch RosterError.conflict(let message, let existing) {
                // A duplicate: the form keeps what was typed (the other changes too), and links the party it would duplicate.
                var view = try await partyView(tenant: tenant, id: id, signedIn: signedIn)
                view.conflict = message
                view.conflictWith = existing.flatMap(Party.ID.init(uuidString:))?.description
                view.keepTyped(fields)
                return .page(title: view.displayName, template: "party", view: view, status: .conflict)
            }
        }
    }

    /// The fields of a refused form whose value differs from `party`'s, each with the value the form held.
    static func unsaved(_ fields: [String: String], against party: Party) -> [PartyView.FieldMessage] {
        let current: [(String, String?)] = (party.kind == .person ? [("firstName", party.firstName), ("lastName", party.lastName)]
                                                                  : [("name", party.name)])
            + [("email", party.email?.value), ("phone", party.phone?.digits), ("website", party.website), ("note", party.note),
               ("customerType", party.customerType?.rawValue)]
        return current.compactMap { name, value in
            guard let sent = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), sent != (value ?? "") else { return nil }
            return PartyView.FieldMessage(field: name, message: sent.isEmpty ? "(empty)" : sent)
        }
    }

    /// The fields the form changed: an emptied field is cleared, a new value set, an unchanged one kept.
    static func patch(from fields: [String: String], against party: Party) throws -> PartyPatch {
        var patch = PartyPatch()
        func change(_ name: String, _ current: String?) -> PartyPatch.Change<String> {
            guard let sent = fields[name] else { return .keep }
            let value = sent.trimmingCharacters(in: .whitespacesAndNewlines)
            if value == (current ?? "") { return .keep }
            return value.isEmpty ? .clear : .set(value)
        }
        if party.kind == .person {
            patch.firstName = change("firstName", party.firstName)
            patch.lastName = change("lastName", party.lastName)
        } else {
            patch.name = change("name", party.name)
        }
        patch.email = change("email", party.email?.value)
        patch.phone = change("phone", party.phone?.digits)
        patch.website = change("website", party.website)
        patch.note = change("note", party.note)
        if let sent = fields["customerType"], sent != (party.customerType?.rawValue ?? "") {
            if sent.isEmpty {
                patch.customerType = .clear
            } else if let type = Party.CustomerType(rawValue: sent) {
                patch.customerType = .set(type)
            } else {
                throw RosterError.invalid("customerType", "must be one of \(Party.CustomerType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        return patch
    }

    func changeState(_ request: Request, tenant: String, id: String) async -> Response {
        await runForm(request, tenant: tenant) { signedIn, fields in
            let id = try Self.partyID(id)
            let reason = fields["reason"].flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
            let version = try Self.formVersion(fields)
            do {
                guard let state = fields["state"].flatMap(Party.State.init(rawValue:)), state != .merged else {
                    throw RosterError.invalid("state", "choose one of active, suspended, archived, deleted")
                }
                // The API's three operations: DELETE (soft), restore, and state changes between the live states.
                let current = try await services.parties.get(tenant: tenant, id: id, context: signedIn.context)
                if state == .deleted {
                    _ = try await services.parties.delete(tenant: tenant, id: id, reason: reason, ifMatch: version, context: signedIn.context)
                } else if current.state == .deleted, state == .active {
                    _ = try await services.parties.restore(tenant: tenant, id: id, reason: reason, ifMatch: version, context: signedIn.context)
                } else {
                    _ = try await services.parties.changeState(tenant: tenant, id: id, to: state, reason: reason, ifMatch: version,
                                                               context: signedIn.context)
                }
            } catch RosterError.conflict(let message, _) {
                var view = try await partyView(tenant: tenant, id: id, signedIn: signedIn)
                view.conflict = message
                return .page(title: view.displayName, template: "party", view: view, status: .conflict)
            } catch RosterError.preconditionFailed {
                var view = try await partyView(tenant: tenant, id: id, signedIn: signedIn)
                view.conflict = "Someone changed this party after you opened it (it is now at version \(view.version)); "
                    + "the state was not changed."
                return .page(title: view.displayName, template: "party", view: view, status: .conflict)
            } catch RosterError.validation(let errors) {
                // On the party's page, with the form as it was sent (a generic page lost the reason typed; a probe).
                var view = try await partyView(tenant: tenant, id: id, signedIn: signedIn)
                view.errors = errors.map { PartyView.FieldMessage(field: $0.field, message: $0.message) }
                view.stateReason = fields["reason"]
                for index in view.stateChoices.indices { view.stateChoices[index].selected = view.stateChoices[index].value == fields["state"] }
                return .page(title: view.displayName, template: "party", view: view, status: .unprocessableContent)
            }
            return .redirect("/ui/t/\(Self.pathSegment(tenant))/parties/\(id)?done=state")
        }
    }
}

// MARK: Erasure and secrets

extension WebConsole {
    /// GDPR erasure, confirmed by typing ERASE; the service decides (`parties.erase`).
    func erase(_ request: Request, tenant: String, id: String) async -> Response {
        await runForm(request, tenant: tenant) { signedIn, fields in
            let id = try Self.partyID(id)
            guard fields["confirm"] == "ERASE" else {
                var view = try await partyView(tenant: tenant, id: id, signedIn: signedIn)
                view.errors = [PartyView.FieldMessage(field: "confirm", message: "type ERASE to confirm the erasure")]
                return .page(title: view.displayName, template: "party", view: view, status: .unprocessableContent)
            }
            let keepLogin = try fields.ticked("keepLogin", value: "yes")
            try await services.compliance.erase(tenant: tenant, id: id, eraseUsers: !keepLogin, context: signedIn.context)
            return .redirect("/ui/t/\(Self.pathSegment(tenant))/parties?done=erased")
        }
    }

    /// The party's GDPR export (Art. 15 and 20) as a JSON download: the API's document, audited by the service.
    /// A POST with the CSRF token, not a link: another site could otherwise make a signed-in browser export (and be
    /// audited in its name).
    func exportParty(_ request: Request, tenant: String, id: String) async -> Response {
        await runForm(request, tenant: tenant) { signedIn, _ in
            let id = try Self.partyID(id)
            guard let partyExport else { throw RosterError.unavailable("exports are not available here") }
            let data = try await partyExport(tenant, id, signedIn.context)
            return .response(Response(status: .ok, headers: [
                .contentType: "application/json", .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"party-\(id).json\"",
            ], body: .init(byteBuffer: ByteBuffer(bytes: data))))
        }
    }

    func addTag(_ request: Request, tenant: String, id: String) async -> Response {
        await runForm(request, tenant: tenant) { signedIn, fields in
            let id = try Self.partyID(id)
            do {
                _ = try await services.tags.attach(tenant: tenant, party: id, text: fields["text"] ?? "", context: signedIn.context)
            } catch RosterError.validation(let errors) {
                var view = try await partyView(tenant: tenant, id: id, signedIn: signedIn)
                view.errors = errors.map { PartyView.FieldMessage(field: $0.field == "text" ? "tag" : $0.field, message: $0.message) }
                view.tagText = fields["text"]
                return .page(title: view.displayName, template: "party", view: view, status: .unprocessableContent)
            }
            return .redirect("/ui/t/\(Self.pathSegment(tenant))/parties/\(id)")
        }
    }

    func removeTag(_ request: Request, tenant: String, id: String, tag: String) async -> Response {
        await runForm(request, tenant: tenant) { signedIn, _ in
            let id = try Self.partyID(id)
            guard let tag = Tag.ID(uuidString: tag) else { throw RosterError.notFound("no such tag") }
            try await services.tags.detach(tenant: tenant, party: id, tag: tag, context: signedIn.context)
            return .redirect("/ui/t/\(Self.pathSegment(tenant))/parties/\(id)")
        }
    }

    /// Makes a partner account for this party (as the partner or as the customer, as its roles say); refused fields are
    /// shown with the form as typed (the secret is never sent back).
    func addAccount(_ request: Request, tenant: String, id: String) async -> Response {
        await runForm(request, tenant: tenant) { signedIn, fields in
            let id = try Self.partyID(id)
            let party = try await services.parties.get(tenant: tenant, id: id, context: signedIn.context)
            let asPartner = party.roles.contains("partner")
            let otherField = asPartner ? "customerId" : "partnerId"
            let otherRaw = fields.trimmed(otherField)
            do {
                guard let other = Party.ID(uuidString: otherRaw) else {
                    throw RosterError.invalid(otherField, otherRaw.isEmpty ? "is needed" : "is not a party id")
                }
                _ = try await services.partnerAccounts.create(tenant: tenant, PartnerAccountInput(
                    partnerID: asPartner ? id : other, customerID: asPartner ? other : id, username: fields["username"] ?? "",
                    secret: fields["secret"] ?? "", active: try fields.ticked("active", value: "yes")), context: signedIn.context)
            } catch let error as RosterError {
                let messages: [PartyView.FieldMessage]
                switch error {
                case .validation(let errors): messages = errors.map { PartyView.FieldMessage(field: $0.field, message: $0.message) }
                case .conflict(let message, _), .notFound(let message): messages = [.init(field: "account", message: message)]
                default: throw error
                }
                var view = try await partyView(tenant: tenant, id: id, signedIn: signedIn)
                view.errors = messages
                view.newAccount?.otherID = otherRaw
                view.newAccount?.username = fields["username"] ?? ""
                view.newAccount?.active = fields["active"] == "yes"
                return .page(title: view.displayName, template: "party", view: view, status: .unprocessableContent)
            }
            return .redirect("/ui/t/\(Self.pathSegment(tenant))/parties/\(id)#accounts")
        }
    }

    /// Changes (username, a new secret, active) or deletes a partner account shown on this party's page, based on the
    /// version the page showed (a change made meanwhile is refused, saying so).
    func changeAccount(_ request: Request, tenant: String, id: String, account: String, delete: Bool) async -> Response {
        await runForm(request, tenant: tenant) { signedIn, fields in
            let id = try Self.partyID(id)
            guard let account = PartnerAccount.ID(uuidString: account) else { throw RosterError.notFound("no such account") }
            do {
                // The version the form showed, as a party's edit form must send it: without it a change went through
                // unchecked (found by a probe).
                guard let version = fields["version"].flatMap({ Int($0) }) else {
                    throw RosterError.invalid("version", "the form must send the version of the account it showed; open the party again")
                }
                // The account must be one of the party's in the path (a delete through another party's path went through;
                // found by a probe): the service checks it with the rest.
                if delete {
                    guard fields["confirm"] == "yes" else {
                        throw RosterError.invalid("confirm", "tick the box to confirm that the account and its secret go for good")
                    }
                    try await services.partnerAccounts.delete(tenant: tenant, id: account, of: id, ifMatch: version, context: signedIn.context)
                } else {
                    let secret = fields["secret"] ?? ""
                    _ = try await services.partnerAccounts.update(
                        tenant: tenant, id: account, of: id,
                        PartnerAccountPatch(username: fields["username"], secret: secret.isEmpty ? nil : secret,
                                            active: try fields.ticked("active", value: "yes")),
                        ifMatch: version, context: signedIn.context)
                }
            } catch let error as RosterError {
                var view = try await partyView(tenant: tenant, id: id, signedIn: signedIn)
                switch error {
                case .validation(let errors): view.errors = errors.map { PartyView.FieldMessage(field: $0.field, message: $0.message) }
                case .preconditionFailed:
                    view.conflict = "The account was changed meanwhile; it is shown as it is now. Make your change again."
                default: throw error
                }
                return .page(title: view.displayName, template: "party", view: view,
                             status: view.conflict == nil ? .unprocessableContent : .conflict)
            }
            return .redirect("/ui/t/\(Self.pathSegment(tenant))/parties/\(id)#accounts")
        }
    }

    /// Shows a partner account's secret once, after a confirmation; the service audits the reveal.
    func reveal(_ request: Request, tenant: String, id: String) async -> Response {
        await runForm(request, tenant: tenant) { signedIn, fields in
            guard let id = PartnerAccount.ID(uuidString: id) else { throw RosterError.notFound("no such account") }
            guard fields["confirm"] == "yes" else {
                throw RosterError.invalid("confirm", "tick the box to confirm that you need to see the secret")
            }
            let (account, secret) = try await services.partnerAccounts.revealSecret(tenant: tenant, id: id, context: signedIn.context)
            return .page(title: "Secret", template: "secret", view: SecretView(
                tenant: tenant, username: account.username, secret: secret, partnerID: account.partnerID.description,
                customerID: account.customerID.description))
        }
    }
}
