public import Foundation

public struct Tenant: Hashable, Sendable, Identifiable {
    public typealias ID = Identifier<Tenant>

    public enum Status: String, Hashable, Sendable, Codable, CaseIterable {
        case provisioning, active, suspended, failed
    }

    public var id: ID
    public var slug: String
    public var name: String
    public var status: Status
    public var settings: TenantSettings
    public var createdAt: Date
    public var updatedAt: Date
    public var version: Int
    /// How many changes to what access decisions read (edges, roles, grants) the tenant has committed; kept by the
    /// store, never written through the tenant (see `AccessChange`).
    public var accessVersion: Int64 = 0

    public init(id: ID, slug: String, name: String, status: Status, settings: TenantSettings,
                createdAt: Date, updatedAt: Date, version: Int) {
        self.id = id
        self.slug = slug
        self.name = name
        self.status = status
        self.settings = settings
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    public static let slugPattern = "[a-z0-9-]{2,63}"

    /// `[a-z0-9-]{2,63}`, not starting or ending with a hyphen.
    public static func validateSlug(_ raw: String, field: String = "slug") throws -> String {
        let slug = raw.trimmingWhitespace()
        let allowed = slug.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" }
        guard (2...63).contains(slug.count), allowed else {
            throw RosterError.invalid(field, "must be 2 to 63 characters of a-z, 0-9 and -")
        }
        guard !slug.hasPrefix("-"), !slug.hasSuffix("-") else {
            throw RosterError.invalid(field, "must not start or end with -")
        }
        return slug
    }

    public static func validateName(_ raw: String, field: String = "name") throws -> String {
        guard let name = try Text.required(raw, field: field, max: Text.nameMax) else {
            throw RosterError.invalid(field, "must not be empty")
        }
        return name
    }
}

public struct TenantSettings: Hashable, Sendable, Codable {
    /// Calling code (digits, no `+`) for phone numbers given without an international prefix.
    public var defaultCallingCode: String?
    /// Link new persons to the organization owning their email domain.
    public var autoLinkContacts: Bool
    /// OpenID Connect settings; used by sign-in.
    public var sso: SSOSettings?
    /// The rate limit of this tenant's callers (API keys and users), instead of `ROSTER_RATE_LIMIT`; set by platform
    /// callers only.
    public var rateLimit: RateLimitRule?
    /// Days a party stays `deleted` before the retention worker erases it, instead of `ROSTER_RETENTION_DAYS`;
    /// 0 erases at the next pass. Nil: the installation's default applies.
    public var retentionDays: Int?

    public static let retentionDaysRange = 0...36_500

    public init(defaultCallingCode: String? = nil, autoLinkContacts: Bool = false, sso: SSOSettings? = nil,
                rateLimit: RateLimitRule? = nil, retentionDays: Int? = nil) {
        self.defaultCallingCode = defaultCallingCode
        self.autoLinkContacts = autoLinkContacts
        self.sso = sso
        self.rateLimit = rateLimit
        self.retentionDays = retentionDays
    }
}

public struct SSOSettings: Hashable, Sendable, Codable {
    public var issuer: String?
    public var audience: String?
    public var autoProvision: Bool?
    public var emailDomains: [String]?
    /// Trust the issuer's emails even when its tokens don't say `email_verified: true` (off unless set).
    public var trustUnverifiedEmail: Bool?

    public init(issuer: String? = nil, audience: String? = nil, autoProvision: Bool? = nil, emailDomains: [String]? = nil,
                trustUnverifiedEmail: Bool? = nil) {
        self.issuer = issuer
        self.audience = audience
        self.autoProvision = autoProvision
        self.emailDomains = emailDomains
        self.trustUnverifiedEmail = trustUnverifiedEmail
    }
}

extension SSOSettings {
    /// An OpenID Connect issuer as Roster accepts one: an https URL (http on a loopback host, for a provider on this
    /// machine), at most 500 characters, without query or fragment. A tenant's `settings.sso.issuer` and a user's
    /// `ssoIssuer` alike (the user's was not checked; found by a probe).
    public static func isIssuer(_ issuer: String) -> Bool {
        let url = URLComponents(string: issuer)
        let loopback = ["127.0.0.1", "localhost", "[::1]", "::1"].contains(url?.host ?? "")
        return issuer.count <= 500 && url?.host?.isEmpty == false && (url?.scheme == "https" || (url?.scheme == "http" && loopback))
            && url?.query == nil && url?.fragment == nil
    }

    public static let issuerRule = "must be an https URL without query or fragment"

    /// Issuer: an absolute https URL (http only for this machine: a provider in tests); audience: 1 to 255
    /// characters; email domains: lower-cased, at most 50. Names every invalid field under `field`.
    public func validated(field: String = "settings.sso") throws -> SSOSettings {
        var errors = ValidationErrors()
        var result = self
        if let raw = issuer {
            let issuer = raw.trimmingWhitespace()
            if !Self.isIssuer(issuer) { errors.add("\(field).issuer", Self.issuerRule) }
            result.issuer = issuer
        }
        if let raw = audience {
            switch errors.check({ try Text.optional(raw, field: "\(field).audience", max: 255) }) {
            case .some(.some(let audience)): result.audience = audience
            case .some(.none): errors.add("\(field).audience", "must be 1 to 255 characters")
            case .none: break  // too long or with control characters: reported by Text
            }
        }
        if let domains = emailDomains {
            if domains.count > 50 { errors.add("\(field).emailDomains", "at most 50 domains") }
            var clean: [String] = []
            for (index, raw) in domains.enumerated() {
                if let address = try? EmailAddress("x@" + raw.trimmingWhitespace(), field: "domain") {
                    if !clean.contains(address.domain) { clean.append(address.domain) }
                } else {
                    errors.add("\(field).emailDomains[\(index)]", "is not a domain")
                }
            }
            result.emailDomains = clean
        }
        try errors.throwIfAny()
        return result
    }
}
