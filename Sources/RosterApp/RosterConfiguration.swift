import Configuration
import Foundation
public import Logging
public import RosterService
public import RosterCore

/// Every setting, read once at start: command-line options, else environment variables, else defaults.
/// Nothing deeper in the code reads the environment.
public struct RosterConfiguration: Sendable {
    public var databaseURL = "sqlite://roster.sqlite"
    public var host = "127.0.0.1"
    public var port = 8080
    /// A platform token accepted as `Authorization: Bearer <token>`; generated and printed once when unset.
    public var bootstrapToken: String?
    public var managementTenant = "management"
    public var customerTracking = true
    public var customerTag = "PSA Customer"
    public var maxBodyBytes = 1 << 20
    /// The largest body `POST .../imports` takes (streamed to a file, never held in memory).
    public var maxImportBytes = 1 << 30
    /// Where posted imports wait for their job (created 0700; each file 0600, removed when its job ends).
    public var importDirectory: String?
    public var logLevel = Logger.Level.info
    /// `ROSTER_LOG_FORMAT`: text lines (default) or JSON lines.
    public var logFormat = LogFormat.text
    /// The address browsers reach Roster at (`ROSTER_PUBLIC_URL`); an https address makes the console's cookies `Secure`.
    public var publicURL: String?
    /// The console signs a session out after this many minutes without a request…
    public var uiIdleMinutes = 30
    /// …and this many hours after sign-in in any case.
    public var uiSessionHours = 12
    /// A connection that sends nothing for this long (a request's headers or body part-way, or no next request) is
    /// closed; an answer being written is never cut.
    public var idleTimeoutSeconds = 60
    /// Statements slower than this are logged (without their values).
    public var slowStatementMilliseconds = 200
    /// AES-256 key for secrets at rest, base64. When unset, a key file is used (created on first start).
    public var secretKey: String?
    /// Where the key file lives; default: beside the SQLite database, or `roster.key` in the working directory.
    public var secretKeyFile: String?
    /// The OpenID Connect issuer whose ID tokens every tenant accepts unless its `settings.sso` names another.
    public var oidcIssuer: String?
    /// The audience (client id) those ID tokens must carry.
    public var oidcAudience: String?
    /// The console's client secret at the providers' token endpoints (HTTP basic, with the audience as client id);
    /// unset, the console signs in as a public client (PKCE only).
    public var oidcClientSecret: String?
    /// Allowance on `exp` and `nbf` for clocks that disagree.
    public var oidcClockSkewSeconds = 60
    /// The least time between two fetches of an issuer's key set caused by unknown keys.
    public var oidcKeyRefetchSeconds = 10
    /// Fetch discovery documents and key sets over plain http from loopback, and from any address (tests, development).
    public var oidcAllowLoopback = false
    /// How long an `Idempotency-Key` of `POST /v1/tenants` answers with its first result.
    public var idempotencyKeyHours = 24
    /// Tracking attempts before tracking is marked failed.
    public var trackingMaxAttempts = 6
    /// First retry delay of tracking, in seconds; doubles per attempt (with jitter), capped at 5 minutes.
    public var trackingBackoffSeconds: Double = 2
    /// How often `serve` looks for workflows to resume or retry.
    public var workerIntervalSeconds: Double = 1
    /// Days a party stays `deleted` before the retention worker erases it (a tenant's `settings.retentionDays` wins);
    /// nil keeps deleted parties.
    public var retentionDays: Int?
    /// How long a process holds a workflow; after a crash, another process resumes it after this.
    public var provisioningLeaseSeconds: Double = 60
    /// Track new tenants within `POST /v1/tenants` (true), or answer once the tenant is active and let the worker track it.
    public var trackingInRequest = true
    /// Requests per caller (API key, user, platform token), per process; a tenant's `settings.rateLimit` overrides it
    /// for that tenant's callers.
    public var rateLimit = RateLimitRule.off
    /// Test-only failures at workflow steps (`ROSTER_FAULTS`); see FaultInjector.
    public var faults: FaultInjector = .none

    public init() {}

    public var provisioningOptions: ProvisioningOptions {
        var options = ProvisioningOptions()
        options.managementTenant = managementTenant
        options.customerTracking = customerTracking
        options.customerTag = customerTag
        options.idempotencyLifetime = TimeInterval(idempotencyKeyHours) * 3600
        options.maxTrackingAttempts = trackingMaxAttempts
        options.backoffBase = trackingBackoffSeconds
        options.lease = provisioningLeaseSeconds
        options.trackInRequest = trackingInRequest
        return options
    }
}
