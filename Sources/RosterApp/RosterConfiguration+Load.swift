import Configuration
import Foundation
import Logging
import RosterCore
import RosterPostgres
import RosterService

/// A configuration value that can't be used: start stops (exit code 2), naming the variable and what it accepts.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public var variable: String
    public var accepts: String

    public var description: String { "\(variable) \(accepts)" }
}

extension RosterConfiguration {
    /// A directory that is there and writable, or can be made: checked at start, not at the first import. One that is
    /// not there is made and removed again (every command, `tenants list` too, left it made; found by a probe): the
    /// first import makes it.
    static func isWritableDirectory(_ path: String) -> Bool {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            // `.` and `..` would make what the path names differ from the directories made below (a review).
            guard !path.split(separator: "/").contains(where: { $0 == "." || $0 == ".." }) else { return false }
            // The directories missing, made one by one from the top, and only those this made removed again (one another
            // process made meanwhile, a server's first import, is left).
            var missing: [String] = []
            var current = path
            while current != "/", !current.isEmpty, !manager.fileExists(atPath: current) {
                missing.append(current)
                current = (current as NSString).deletingLastPathComponent
            }
            var made: [String] = []
            defer { for directory in made.reversed() { rmdir(directory) } }
            for directory in missing.reversed() {
                if mkdir(directory, 0o700) == 0 {
                    made.append(directory)
                } else if errno != EEXIST {
                    return false
                }
            }
            return true
        }
        return isDirectory.boolValue && manager.isWritableFile(atPath: path)
    }

    /// Not writable by others, or sticky (as `/tmp` is): in a directory everyone may write to, another user could rename
    /// the server's own spool directory away and put one of theirs in its place (found by a probe: 0777 was accepted).
    static func isClosedOrSticky(_ path: String) -> Bool {
        // The directory itself: a symbolic link to it has mode 0777 of its own.
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let mode = (try? FileManager.default.attributesOfItem(atPath: resolved))?[.posixPermissions] as? Int else { return false }
        return mode & 0o022 == 0 || mode & 0o1000 != 0
    }

    /// An IPv4 or IPv6 address, or a host name (labels of letters, digits and hyphens): `999.1.1.1` is none of them,
    /// and would stop the server only once it tried to listen.
    static func isHost(_ text: String) -> Bool {
        var address = in6_addr()
        if text.contains(":") { return inet_pton(AF_INET6, text, &address) == 1 }
        if text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) { return inet_pton(AF_INET, text, &address) == 1 }
        guard (1...253).contains(text.utf8.count) else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    /// Every `ROSTER_*` variable Roster reads. Others with the prefix are reported at start (a typo is not a setting).
    public static let variables: Set<String> = [
        "ROSTER_DATABASE_URL", "ROSTER_HOST", "ROSTER_PORT", "ROSTER_BOOTSTRAP_TOKEN", "ROSTER_MANAGEMENT_TENANT",
        "ROSTER_CUSTOMER_TRACKING", "ROSTER_CUSTOMER_TAG", "ROSTER_MAX_BODY_BYTES", "ROSTER_LOG_LEVEL", "ROSTER_LOG_FORMAT", "ROSTER_SLOW_STATEMENT_MS",
        "ROSTER_SECRET_KEY", "ROSTER_SECRET_KEY_FILE", "ROSTER_OIDC_ISSUER", "ROSTER_OIDC_AUDIENCE", "ROSTER_OIDC_CLOCK_SKEW",
        "ROSTER_OIDC_KEY_REFETCH_SECONDS", "ROSTER_OIDC_ALLOW_LOOPBACK", "ROSTER_IDEMPOTENCY_KEY_HOURS", "ROSTER_TRACKING_MAX_ATTEMPTS",
        "ROSTER_TRACKING_BACKOFF_SECONDS", "ROSTER_WORKER_INTERVAL_SECONDS", "ROSTER_PROVISIONING_LEASE_SECONDS",
        "ROSTER_TRACKING_IN_REQUEST", "ROSTER_FAULTS", "ROSTER_RATE_LIMIT", "ROSTER_RETENTION_DAYS", "ROSTER_MAX_IMPORT_BYTES",
        "ROSTER_IMPORT_DIR", "ROSTER_PUBLIC_URL", "ROSTER_OIDC_CLIENT_SECRET", "ROSTER_UI_IDLE_MINUTES", "ROSTER_UI_SESSION_HOURS",
        "ROSTER_IDLE_TIMEOUT_SECONDS",
    ]

    /// Reads every setting once: `overrides` (command-line options, by the variable they stand for) first, then the
    /// environment, then the defaults, through swift-configuration's `ConfigReader`. A malformed or out-of-range value
    /// throws `ConfigurationError` naming the variable; nothing falls back to a default silently.
    public static func load(environment: [String: String], overrides: [String: String] = [:]) throws -> RosterConfiguration {
        let secrets: Set<String> = ["ROSTER_BOOTSTRAP_TOKEN", "ROSTER_SECRET_KEY", "ROSTER_DATABASE_URL", "ROSTER_OIDC_CLIENT_SECRET"]
        let fromCLI = InMemoryProvider(name: "command line", values: Dictionary(uniqueKeysWithValues: overrides.map { variable, value in
            (AbsoluteConfigKey(Self.key(variable).components), ConfigValue(.string(value), isSecret: secrets.contains(variable)))
        }))
        let reader = ConfigReader(providers: [
            fromCLI,
            EnvironmentVariablesProvider(environmentVariables: environment, secretsSpecifier: .specific(secrets)),
        ])
        var values = Values(reader: reader, secrets: secrets)
        var config = RosterConfiguration()
        config.databaseURL = try values.string(
            "ROSTER_DATABASE_URL", default: config.databaseURL,
            accepts: "a sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE URL (with ?sslmode=disable, prefer, require, verify-ca or verify-full, and &sslrootcert=FILE, a readable file)"
        ) { url in
            if url.hasPrefix("sqlite://") { return RosterDatabase.sqlitePath(url) != nil }
            return (url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")) && (try? PostgresDatabase.configuration(url: url)) != nil
        }
        config.host = try values.string("ROSTER_HOST", default: config.host, accepts: "a host name or IP address", Self.isHost)
        config.port = try values.int("ROSTER_PORT", default: config.port, in: 0...65_535)
        config.bootstrapToken = try values.optionalString("ROSTER_BOOTSTRAP_TOKEN", accepts: "a token of at least 32 characters without spaces") { $0.count >= 32 && !$0.contains(where: \.isWhitespace) }
        config.managementTenant = try values.string("ROSTER_MANAGEMENT_TENANT", default: config.managementTenant, accepts: "a tenant slug (lower-case letters, digits and hyphens)") {
            (try? Tenant.validateSlug($0)) == $0
        }
        config.customerTracking = try values.bool("ROSTER_CUSTOMER_TRACKING", default: config.customerTracking)
        config.customerTag = try values.string("ROSTER_CUSTOMER_TAG", default: config.customerTag, accepts: "a tag text of 1 to 100 characters") { (try? Tag.validateText($0)) != nil }
        config.maxBodyBytes = try values.int("ROSTER_MAX_BODY_BYTES", default: config.maxBodyBytes, in: 1024...(1 << 30))
        config.maxImportBytes = try values.int("ROSTER_MAX_IMPORT_BYTES", default: config.maxImportBytes, in: 1024...(1 << 40))
        config.importDirectory = try values.optionalString("ROSTER_IMPORT_DIR", accepts: "an absolute path of a directory this process can write "
                                                                  + "(or create) and others can't (unless it is sticky, as /tmp is)") {
            // One still to be made is made 0700.
            $0.hasPrefix("/") && Self.isWritableDirectory($0) && (!FileManager.default.fileExists(atPath: $0) || Self.isClosedOrSticky($0))
        }
        config.publicURL = try values.optionalString("ROSTER_PUBLIC_URL", accepts: "the address browsers reach Roster at, such as "
                                                      + "https://roster.example.com (no user or password in it)") {
            guard let url = URL(string: $0), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else { return false }
            return url.query == nil && url.fragment == nil && url.user == nil && url.password == nil
        }
        // Its paths are appended to it: a slash at its end made `//ui/sso/callback` (found by a probe).
        while config.publicURL?.hasSuffix("/") == true { config.publicURL?.removeLast() }
        config.uiIdleMinutes = try values.int("ROSTER_UI_IDLE_MINUTES", default: config.uiIdleMinutes, in: 1...(24 * 60))
        config.uiSessionHours = try values.int("ROSTER_UI_SESSION_HOURS", default: config.uiSessionHours, in: 1...(24 * 30))
        config.idleTimeoutSeconds = try values.int("ROSTER_IDLE_TIMEOUT_SECONDS", default: config.idleTimeoutSeconds, in: 1...3600)
        config.logLevel = try values.parsed("ROSTER_LOG_LEVEL", default: config.logLevel, accepts: "one of trace, debug, info, notice, warning, error, critical") {
            Logger.Level(rawValue: $0.lowercased())
        }
        config.logFormat = try values.parsed("ROSTER_LOG_FORMAT", default: config.logFormat, accepts: "one of text, json") {
            LogFormat(rawValue: $0.lowercased())
        }
        config.slowStatementMilliseconds = try values.int("ROSTER_SLOW_STATEMENT_MS", default: config.slowStatementMilliseconds, in: 1...3_600_000)
        config.secretKey = try values.optionalString("ROSTER_SECRET_KEY", accepts: "a base64 AES-256 key (32 bytes)") { Data(base64Encoded: $0)?.count == 32 }
        config.secretKeyFile = try values.optionalString("ROSTER_SECRET_KEY_FILE", accepts: "a file path") { !$0.isEmpty }
        // The rule of a tenant's settings.sso.issuer (http only for this machine's own provider).
        config.oidcIssuer = try values.optionalString("ROSTER_OIDC_ISSUER", accepts: "an https issuer URL without query or fragment") {
            (try? SSOSettings(issuer: $0).validated()) != nil
        }
        config.oidcAudience = try values.optionalString("ROSTER_OIDC_AUDIENCE", accepts: "a client id") { !$0.isEmpty && $0.count <= 500 }
        config.oidcClientSecret = try values.optionalString("ROSTER_OIDC_CLIENT_SECRET", accepts: "a client secret of 1 to 500 characters") {
            !$0.isEmpty && $0.count <= 500
        }
        config.oidcClockSkewSeconds = try values.int("ROSTER_OIDC_CLOCK_SKEW", default: config.oidcClockSkewSeconds, in: 0...3600)
        config.oidcKeyRefetchSeconds = try values.int("ROSTER_OIDC_KEY_REFETCH_SECONDS", default: config.oidcKeyRefetchSeconds, in: 0...86_400)
        config.oidcAllowLoopback = try values.bool("ROSTER_OIDC_ALLOW_LOOPBACK", default: config.oidcAllowLoopback)
        config.idempotencyKeyHours = try values.int("ROSTER_IDEMPOTENCY_KEY_HOURS", default: config.idempotencyKeyHours, in: 1...(24 * 365))
        config.trackingMaxAttempts = try values.int("ROSTER_TRACKING_MAX_ATTEMPTS", default: config.trackingMaxAttempts, in: 1...100)
        config.trackingBackoffSeconds = try values.double("ROSTER_TRACKING_BACKOFF_SECONDS", default: config.trackingBackoffSeconds, in: 0...3600)
        config.workerIntervalSeconds = try values.double("ROSTER_WORKER_INTERVAL_SECONDS", default: config.workerIntervalSeconds, in: 0.05...3600)
        config.provisioningLeaseSeconds = try values.double("ROSTER_PROVISIONING_LEASE_SECONDS", default: config.provisioningLeaseSeconds,
                                                            in: 0.1...3600)
        config.trackingInRequest = try values.bool("ROSTER_TRACKING_IN_REQUEST", default: config.trackingInRequest)
        config.rateLimit = try values.parsed("ROSTER_RATE_LIMIT", default: config.rateLimit,
                                             accepts: "R/B (requests a second per caller and burst, such as 50/100) or off") {
            RateLimitRule(exactly: $0)
        }
        let days = TenantSettings.retentionDaysRange
        config.retentionDays = try values.optionalInt("ROSTER_RETENTION_DAYS", in: days,
                                                      accepts: "a number of days from \(days.lowerBound) to \(days.upperBound) (unset keeps deleted parties)")
        config.faults = try values.parsed("ROSTER_FAULTS", default: .none, accepts: "test faults: STEP:fail[:N] or STEP:crash, comma-separated") {
            try? FaultInjector(spec: $0)
        }
        return config
    }

    /// `ROSTER_OIDC_CLOCK_SKEW` is the key roster.oidc.clock.skew, which the environment provider spells back the same way.
    static func key(_ variable: String) -> ConfigKey {
        ConfigKey(variable.lowercased().split(separator: "_").map(String.init))
    }

    /// The `ROSTER_*` variables of `environment` that Roster does not read (test harness variables aside).
    public static func unknownVariables(in environment: [String: String]) -> [String] {
        environment.keys.filter { $0.hasPrefix("ROSTER_") && !$0.hasPrefix("ROSTER_TEST_") && !variables.contains($0) }.sorted()
    }

    /// Typed reads that refuse what they can't use.
    struct Values {
        let reader: ConfigReader
        let secrets: Set<String>

        /// The value given, if any; an empty value counts as not given (as `VAR=` does in most shells and compose files).
        func raw(_ variable: String) -> String? {
            guard let value = reader.string(forKey: RosterConfiguration.key(variable), isSecret: secrets.contains(variable)),
                  !value.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            return value
        }

        func fail(_ variable: String, _ accepts: String, _ given: String) -> ConfigurationError {
            let shown = secrets.contains(variable) ? "" : " (got \"\(given.prefix(80))\")"
            return ConfigurationError(variable: variable, accepts: "must be \(accepts)\(shown)")
        }

        mutating func parsed<T>(_ variable: String, default value: T, accepts: String, _ parse: (String) -> T?) throws -> T {
            guard let given = raw(variable) else { return value }
            guard let parsed = parse(given.trimmingCharacters(in: .whitespaces)) else { throw fail(variable, accepts, given) }
            return parsed
        }

        mutating func string(_ variable: String, default value: String, accepts: String, _ valid: (String) -> Bool) throws -> String {
            try parsed(variable, default: value, accepts: accepts) { valid($0) ? $0 : nil }
        }

        mutating func optionalString(_ variable: String, accepts: String, _ valid: (String) -> Bool) throws -> String? {
            guard let given = raw(variable) else { return nil }
            let text = given.trimmingCharacters(in: .whitespaces)
            guard valid(text) else { throw fail(variable, accepts, given) }
            return text
        }

        mutating func int(_ variable: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
            try parsed(variable, default: value, accepts: "an integer from \(range.lowerBound) to \(range.upperBound)") { text in
                Self.integer(text).flatMap { range.contains($0) ? $0 : nil }
            }
        }

        /// Decimal digits, with a minus sign before them at most: `Int("+80")` is 80, and a sign nobody writes in a
        /// port or a size is more likely a slip than meant (found by a probe).
        static func integer(_ text: String) -> Int? {
            let digits = text.hasPrefix("-") ? text.utf8.dropFirst() : text.utf8[...]
            guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
            return Int(text)
        }

        /// Digits with a decimal point among them at most (`0.5`, `2`): not `Double`'s `1e3`, `0x10`, `+5` or `inf`.
        static func decimal(_ text: String) -> Double? {
            let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count <= 2, !parts[0].isEmpty || parts.count == 2,
                  parts.allSatisfy({ part in part.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }),
                  parts.contains(where: { !$0.isEmpty }) else { return nil }
            return Double(text)
        }

        mutating func optionalInt(_ variable: String, in range: ClosedRange<Int>, accepts: String) throws -> Int? {
            guard let given = raw(variable) else { return nil }
            guard let value = Self.integer(given.trimmingCharacters(in: .whitespaces)), range.contains(value) else { throw fail(variable, accepts, given) }
            return value
        }

        mutating func double(_ variable: String, default value: Double, in range: ClosedRange<Double>) throws -> Double {
            try parsed(variable, default: value, accepts: "a number from \(range.lowerBound) to \(range.upperBound)") { text in
                Self.decimal(text).flatMap { range.contains($0) ? $0 : nil }
            }
        }

        mutating func bool(_ variable: String, default value: Bool) throws -> Bool {
            try parsed(variable, default: value, accepts: "true or false (also 1/0, yes/no, on/off)") { text in
                switch text.lowercased() {
                case "true", "1", "yes", "on": true
                case "false", "0", "no", "off": false
                default: nil
                }
            }
        }
    }
}
