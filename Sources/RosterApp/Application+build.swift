import Foundation
public import Hummingbird
public import Logging
import Metrics
import NIOCore
import OpenAPIHummingbird
package import OpenAPIRuntime
public import Prometheus
import RosterAPI
import RosterCore
import RosterOpenAPI
public import RosterService
import RosterStore
import RosterSQL
import RosterWeb

public typealias AppRequestContext = BasicRequestContext

/// Everything `buildApplication` makes, for callers that need more than the application (tests, benchmarks).
public struct RosterRuntime: Sendable {
    /// For one-shot commands: the runtime over an open database, with the configured secret key.
    public static func make(_ database: RosterDatabase, configuration: RosterConfiguration) throws -> RosterRuntime {
        makeRuntime(database: database, secrets: try configuration.loadSecretBox(), configuration: configuration)
    }


    public let database: RosterDatabase
    public let services: Services
    public let platformAuth: PlatformAuth
    public let authenticator: Authenticator
    /// The key for secrets at rest, once checked against the database by `prepare`.
    public let keyring: SecretKeyring
}

/// Builds the application `roster serve` runs and the tests drive: opens the database, migrates and
/// bootstraps before the server starts, and registers the database as a service.
/// `onBootstrapToken` receives a newly generated bootstrap token, once.
public func buildApplication(
    configuration: RosterConfiguration,
    logger: Logger,
    metricsRegistry: PrometheusCollectorRegistry? = nil,
    demo: Bool = false,
    onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in },
    onBootstrapToken: @escaping @Sendable (String) -> Void
) async throws -> (some ApplicationProtocol, RosterRuntime) {
    let database = try await RosterDatabase.open(url: configuration.databaseURL, logger: logger,
                                                 slowStatementMilliseconds: configuration.slowStatementMilliseconds)
    let runtime = makeRuntime(database: database, secrets: try configuration.loadSecretBox(), configuration: configuration)
    let router = try buildRouter(runtime: runtime, configuration: configuration, logger: logger, metricsRegistry: metricsRegistry)
    var app = Application(
        responder: DirectFirstResponder(router: router),
        // Connections that hold a request part-way (or idle between requests) are closed after the idle timeout: a
        // client sending headers it never finished held its connection for good, and 20,000 of them took every file
        // descriptor (found by a probe). A body trickled in is ended too, once the idle timeout has passed (SlowBodyHandler).
        server: .http1(configuration: .init(
            additionalChannelHandlers: [SlowBodyHandler(window: .seconds(configuration.idleTimeoutSeconds), logger: logger)],
            idleTimeout: .seconds(Int64(configuration.idleTimeoutSeconds)))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "roster"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
    app.addServices(database.service)
    app.addServices(ImportJobsShutdown(jobs: runtime.services.importJobs))
    app.addServices(MemoryTrim())
    let keyPath = configuration.secretKeyPath
    var reloadKey: (@Sendable () -> SecretBox?)?
    if configuration.secretKey == nil { reloadKey = { KeyFiles.read(keyPath) } }
    app.addServices(SecretKeyWatch(secretKeys: runtime.services.secretKeys, reload: reloadKey,
                                   source: reloadKey == nil ? "ROSTER_SECRET_KEY" : keyPath, interval: .seconds(2), logger: logger))
    // Listed from the start, at 0 (it appeared at the first rollback only; found by a probe of the README).
    Counter(label: "roster_provisioning_rollbacks_total").increment(by: 0)
    let started = StartGate()
    app.addServices(ProvisioningWorker(provisioning: runtime.services.provisioning,
                                       interval: .milliseconds(Int(configuration.workerIntervalSeconds * 1000)), logger: logger,
                                       started: started))
    app.addServices(RetentionWorker(compliance: runtime.services.compliance, defaultDays: configuration.retentionDays, logger: logger,
                                    started: started))
    app.beforeServerStarts {
        try await prepare(runtime: runtime, configuration: configuration, logger: logger, demo: demo,
                          onBootstrapToken: onBootstrapToken)
        started.openGate()
    }
    return (app, runtime)
}

/// `configuration` gives the OpenID Connect defaults; `fetch` reads issuers' discovery documents and key sets.
public func makeRuntime(database: RosterDatabase, secrets: SecretBox?, configuration: RosterConfiguration = RosterConfiguration(),
                        fetch: OIDCVerifier.Fetch? = nil) -> RosterRuntime {
    let store = database.store
    let auditLog = AuditLog(store: store)
    let keyring = SecretKeyring(secrets)
    let services = Services(
        tenants: TenantService(store: store, managementTenant: configuration.managementTenant), parties: PartyService(store: store, audit: auditLog),
        audit: AuditService(store: store), relationships: RelationshipService(store: store, audit: auditLog),
        tags: TagService(store: store), partnerAccounts: PartnerAccountService(store: store, secrets: keyring, audit: auditLog),
        users: UserService(store: store, audit: auditLog), segments: SegmentService(store: store), dealers: DealerImport(store: store),
        identities: IdentityService(store: store), apiKeys: APIKeyService(store: store), access: AccessService(store: store, audit: auditLog),
        provisioning: ProvisioningService(store: store, options: configuration.provisioningOptions, stepHook: configuration.faults.hook),
        secretKeys: SecretKeyService(store: store, keyring: keyring), consents: ConsentService(store: store, audit: auditLog),
        compliance: ComplianceService(store: store, audit: auditLog), imports: PartyImportService(store: store),
        relationshipImports: RelationshipImportService(store: store), exports: BulkExportService(store: store, audit: auditLog),
        importJobs: ImportJobService(store: store, imports: PartyImportService(store: store),
                                     relationshipImports: RelationshipImportService(store: store),
                                     spoolDirectory: configuration.importDirectory.map { URL(fileURLWithPath: $0) }
                                         ?? FileManager.default.temporaryDirectory.appendingPathComponent("roster-imports"),
                                     maxBytes: configuration.maxImportBytes, logger: Logger(label: "roster.imports")),
        checkReady: {
            try await store.checkHealth()
            try auditLog.requireFlowing(within: .seconds(5))
        })
    let platformAuth = PlatformAuth(store: store)
    var options = OIDCVerifier.Options()
    options.clockSkew = TimeInterval(configuration.oidcClockSkewSeconds)
    options.minimumRefetchInterval = .seconds(configuration.oidcKeyRefetchSeconds)
    let fetcher = OIDCFetcher(allowLoopback: configuration.oidcAllowLoopback)
    let signIn = OIDCSignIn(store: store, verifier: OIDCVerifier(options: options, fetch: fetch ?? fetcher.get),
                            defaults: SSOSettings(issuer: configuration.oidcIssuer, audience: configuration.oidcAudience),
                            post: { url, form, basic in try await fetcher.post(url, form: form, basic: basic) },
                            clientSecret: configuration.oidcClientSecret)
    return RosterRuntime(database: database, services: services, platformAuth: platformAuth,
                         authenticator: Authenticator(store: store, platform: platformAuth, signIn: signIn), keyring: keyring)
}

/// Migrations, the management tenant, the bootstrap token and (on request) demo data. Idempotent.
/// `onBootstrapToken` receives a newly generated token; pass `nil` where no one could see it (then
/// none is generated, so that the first token is never made where it can't be shown).
/// `ensureManagement`: make the management tenant if it is missing (`serve`, `migrate` and the commands that may create
/// a database); the other commands leave it to them, so that a mistyped ROSTER_MANAGEMENT_TENANT makes no tenant
/// (`tenants list` made one, and `track-existing` then tracked the real one inside it; found by a probe).
/// `onMigrated` gets the versions of the migrations this call applied (none: the database was up to date).
public func prepare(runtime: RosterRuntime, configuration: RosterConfiguration, logger: Logger, demo: Bool = false,
                    createsSchema: Bool = true, ensureManagement: Bool = true, onBootstrapToken: (@Sendable (String) -> Void)? = nil,
                    onMigrated: (@Sendable ([Int]) -> Void)? = nil) async throws {
    let applied = try await runtime.database.migrate(creating: createsSchema, logger: logger)
    onMigrated?(applied)
    try await configuration.verifySecretKey(runtime)
    if let loose = configuration.looseKeyFile() { logger.warning("\(loose)") }
    // One management tenant per database: a process configured with another is refused, naming the one there is.
    let management = try await runtime.services.tenants.managementTenant(proposing: configuration.managementTenant)
    guard management == configuration.managementTenant else {
        throw ConfigurationError(variable: "ROSTER_MANAGEMENT_TENANT", accepts: management.map {
            "must name this database's management tenant, \($0), where every tenant is tracked as a customer (another one would split the tracking)"
        } ?? "must name this database's management tenant: it has tenants, none of them \(configuration.managementTenant)")
    }
    if ensureManagement {
        try await runtime.services.tenants.ensure(slug: configuration.managementTenant, name: "Management", context: .system("migrate"))
    }
    runtime.services.importJobs.sweep()
    do {
        if onBootstrapToken != nil || configuration.bootstrapToken != nil,
           let token = try await runtime.platformAuth.bootstrap(configuredToken: configuration.bootstrapToken) {
            onBootstrapToken?(token)
        }
    } catch let error as RosterError where error == PlatformAuth.retired {
        // A configuration value refused: exit 2, naming the variable, as any other.
        throw ConfigurationError(variable: "ROSTER_BOOTSTRAP_TOKEN", accepts: "must be the current bootstrap token: this one was revoked, "
                                 + "or replaced by a newer one (every process must carry the same value); set the current one, or none")
    }
    if demo { try await DemoData.seed(runtime.services, logger: logger) }
}

/// How the generated layer writes and reads JSON: RFC 3339 dates with milliseconds, keys sorted, slashes unescaped
/// (`ResponseJSON` writes the same bytes).
package let openAPIConfiguration: OpenAPIRuntime.Configuration = {
    var configuration = OpenAPIRuntime.Configuration()
    configuration.dateTranscoder = RFC3339DateTranscoder()
    configuration.jsonEncodingOptions = [.sortedKeys, .withoutEscapingSlashes]
    return configuration
}()

func buildRouter(runtime: RosterRuntime, configuration: RosterConfiguration, logger: Logger,
                 metricsRegistry: PrometheusCollectorRegistry?) throws -> Router<AppRequestContext> {
    // HEAD of every GET (RFC 9110 §9.1): the GET's answer, headers only (`HeadMiddleware` strips the body of every
    // answer to a HEAD, errors included).
    let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: HeadMiddleware())
    router.add(middleware: MetricsMiddleware())
    let routes = RouteTable()
    let rateLimits = RateLimits(installation: configuration.rateLimit, tenants: runtime.services.tenants)
    var consoleOptions = WebConsole.Options()
    consoleOptions.idleTimeout = TimeInterval(configuration.uiIdleMinutes * 60)
    consoleOptions.absoluteTimeout = TimeInterval(configuration.uiSessionHours * 3600)
    consoleOptions.secureCookies = configuration.publicURL?.hasPrefix("https://") ?? false
    consoleOptions.publicURL = configuration.publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    consoleOptions.rateLimit = { caller in
        // The API's buckets: a key or user signed into the console shares its own.
        guard let outcome = try await rateLimits.outcome(for: caller), !outcome.allowed else { return nil }
        return outcome.retryAfter
    }
    let keyring = runtime.keyring
    let fallbackKey = SecretBox.generateKeyBase64()
    let services = runtime.services
    let console = try WebConsole(services: runtime.services, authenticator: runtime.authenticator, partyExport: { tenant, id, context in
        // The same document as GET .../parties/{id}/export.
        try PartyExportDocument.encode(try await services.compliance.export(tenant: tenant, id: id, context: context))
    }, sessionKey: {
        // Derived from the secret key (so that every process on the database opens every session); before start has
        // loaded one (tests without secrets), a key of this process. A key another process rotated away opens nothing
        // (an empty key seals and opens no session: every session ends, and a sign-in keeps none).
        let (box, retired) = keyring.snapshot
        if retired { return Data() }
        return (box ?? (try? SecretBox(base64Key: fallbackKey)))?.derivedKey(purpose: "roster console sessions") ?? Data()
    }, options: consoleOptions, logger: Logger(label: "roster.ui"))
    router.add(middleware: RequestInfoMiddleware(auth: runtime.authenticator, logger: logger, routes: routes, rateLimits: rateLimits,
                                                 console: console))
    router.add(middleware: BodyLimitMiddleware(maxBytes: configuration.maxBodyBytes, maxImportBytes: configuration.maxImportBytes))
    router.add(middleware: ETagMiddleware())
    let handlers = RosterAPIHandlers(services: runtime.services, logger: logger)
    router.add(middleware: DirectRoutesMiddleware(party: PartyReadRoute(handlers: handlers, logger: logger, configuration: openAPIConfiguration),
                                                  access: AccessCheckRoute(handlers: handlers, logger: logger),
                                                  maxBodyBytes: configuration.maxBodyBytes))

    let spec = try OpenAPISpec.yaml()
    routes.add(.get, "/openapi.yaml")
    router.get("/openapi.yaml") { _, _ in
        Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(bytes: spec)))
    }
    if let metricsRegistry {
        routes.add(.get, "/metrics")
        router.get("/metrics") { _, _ in
            var buffer: [UInt8] = []
            metricsRegistry.emit(into: &buffer)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }
    try handlers.registerHandlers(on: RecordingTransport(router: router, table: routes), configuration: openAPIConfiguration, middlewares: [
        ProblemMiddleware(logger: logger), StrictQueryMiddleware(), PreEncodedBodyMiddleware(configuration: openAPIConfiguration),
        StrictBodyMiddleware(maxBytes: configuration.maxBodyBytes),
    ])
    console.register(on: router)
    return router
}
