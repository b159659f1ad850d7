public import Foundation
public import RosterCore
public import RosterStore

/// Sign-in with an OpenID Connect ID token on a tenant's paths (DESIGN.md §2 Users and identity, seed 001).
///
/// The tenant's `settings.sso` (issuer, audience), else the server's defaults, decide which tokens count.
/// The first sign-in of a subject finds its user by (issuer, subject), else by email (attaching the
/// subject), else creates one when `autoProvision` is on and the email's domain is allowed; then the user
/// is linked to a person party by email or phone, else a new one. An inactive user is refused.
public struct OIDCSignIn: Sendable {
    /// POSTs a form to a provider's token endpoint, with HTTP basic credentials when given; returns the body.
    public typealias Post = @Sendable (_ url: URL, _ form: [(String, String)], _ basic: (user: String, password: String)?) async throws -> Data

    let store: any Store
    let verifier: OIDCVerifier
    let defaults: SSOSettings
    let post: Post?
    let clientSecret: String?

    /// `defaults` carries `ROSTER_OIDC_ISSUER` and `ROSTER_OIDC_AUDIENCE`; a tenant's own settings win. `post` and
    /// `clientSecret` (`ROSTER_OIDC_CLIENT_SECRET`) serve the console's authorization-code flow.
    public init(store: any Store, verifier: OIDCVerifier, defaults: SSOSettings, post: Post? = nil, clientSecret: String? = nil) {
        self.store = store
        self.verifier = verifier
        self.defaults = defaults
        self.post = post
        self.clientSecret = clientSecret
    }

    /// The tenant and the issuer and audience (client id) its ID tokens must have.
    func provider(of slug: String) async throws -> (tenant: Tenant, issuer: String, audience: String) {
        guard let tenant = try await store.read({ tx in try await tx.tenant(slug: slug) }) else {
            throw RosterError.unauthorized("the token is not valid for this tenant")
        }
        let sso = tenant.settings.sso
        guard let issuer = sso?.issuer ?? defaults.issuer, let audience = sso?.audience ?? defaults.audience else {
            throw RosterError.unauthorized("this tenant has no single sign-on configured")
        }
        return (tenant, issuer, audience)
    }

    /// The user the token signs in, in the tenant `slug`. Throws 401 for a token that is not valid for the
    /// tenant, 403 for a valid one whose person may not sign in. With `nonce`, the token must carry it.
    public func signIn(token: String, tenant slug: String, requestID: String, nonce: String? = nil) async throws -> User {
        let (tenant, issuer, audience) = try await provider(of: slug)
        let sso = tenant.settings.sso
        let claims: JSONWebToken.Claims
        do {
            claims = try await verifier.verify(token, issuer: issuer, audience: audience)
        } catch .discoveryFailed {
            // Nothing is known of the token yet: the provider's keys could not be had (it is down, or serves them in a
            // way that is refused). A 401 told the caller its token was bad, and to sign in again, which can't help; the
            // console's sign-in says 503 for the same.
            throw RosterError.unavailable("the tenant's identity provider could not be reached or its keys could not be read, "
                                          + "so the token could not be checked; try again later")
        } catch {
            throw RosterError.unauthorized(error.description)
        }
        if let nonce, claims.nonce != nonce { throw RosterError.unauthorized("the ID token does not answer this sign-in (nonce)") }
        let subject = claims.sub!
        if let user = try await store.read({ tx in try await tx.user(tenant: tenant.id, issuer: issuer, subject: subject) }) {
            return try Self.requireActive(user)
        }
        let autoProvision = sso?.autoProvision ?? defaults.autoProvision ?? false
        let domains = (sso?.emailDomains ?? defaults.emailDomains ?? []).map { $0.lowercased() }
        let firstSignIn = FirstSignIn(tenant: tenant, issuer: issuer, subject: subject, claims: claims,
                                      autoProvision: autoProvision, domains: domains,
                                      trustUnverifiedEmail: sso?.trustUnverifiedEmail ?? false, requestID: requestID)
        do {
            return try Self.requireActive(try await store.write { tx in try await firstSignIn.run(tx) })
        } catch StoreError.uniqueViolation {
            // A concurrent first sign-in of the same person won: its user is now there.
            return try Self.requireActive(try await store.write { tx in try await firstSignIn.run(tx) })
        }
    }

    static func requireActive(_ user: User) throws -> User {
        guard user.isActive else { throw RosterError.forbidden("this user is inactive; ask an administrator of the tenant") }
        return user
    }
}

private struct FirstSignIn: Sendable {
    var tenant: Tenant
    var issuer: String
    var subject: String
    var claims: JSONWebToken.Claims
    var autoProvision: Bool
    var domains: [String]
    var trustUnverifiedEmail: Bool
    var requestID: String

    /// An email counts only when the provider says it is verified (an absent claim is not), or when the tenant
    /// trusts its issuer's emails as they are.
    var email: EmailAddress? {
        guard claims.emailVerified == true || trustUnverifiedEmail, let raw = claims.email else { return nil }
        return try? EmailAddress(raw, field: "email")
    }

    /// A phone number counts only when the provider says it is verified.
    var phone: PhoneNumber? {
        guard claims.phoneNumberVerified == true else { return nil }
        return claims.phoneNumber.flatMap { try? PhoneNumber($0, defaultCallingCode: tenant.settings.defaultCallingCode, field: "phone") }
    }

    func run(_ tx: any StoreTransaction) async throws -> User {
        if let user = try await tx.user(tenant: tenant.id, issuer: issuer, subject: subject) { return user }
        // A first sign-in writes (a user, its identity, its person): a tenant that is not active takes none of it, as it
        // takes no other write (a suspended tenant got a user and a party; found by a probe). Its known users sign in.
        guard tenant.status == .active else {
            throw RosterError.forbidden("tenant \(tenant.slug) is \(tenant.status.rawValue): it accepts reads only, and a first sign-in "
                                        + "writes; its users already known sign in")
        }
        let now = Date.rosterNow
        var user: User
        var context: OperationContext
        if let email, var found = try await tx.user(tenant: tenant.id, emailNormalized: email.normalized) {
            if found.ssoSubject != nil {
                throw RosterError.forbidden("the user with this email signs in with another identity; ask an administrator of the tenant")
            }
            // Refused before anything is written: an inactive user gets no identity attached.
            _ = try OIDCSignIn.requireActive(found)
            let before = found.version
            found.ssoIssuer = issuer
            found.ssoSubject = subject
            found.updatedAt = now
            found.version += 1
            guard try await tx.updateUser(found, expectedVersion: before) else { throw StoreError.uniqueViolation(constraint: "users") }
            user = found
            context = OperationContext(principal: .user(user.id.description), requestID: requestID)
            try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "user.sso_link", targetType: "user",
                                                 targetID: user.id.description, fields: ["ssoIssuer", "ssoSubject"])])
        } else {
            guard autoProvision else {
                throw RosterError.forbidden("no user of this tenant matches the sign-in, and the tenant does not create users on first sign-in")
            }
            guard let email else {
                throw RosterError.forbidden("the sign-in carries no verified email, which creating a user requires")
            }
            // An IDN in either form is one domain (as it is one address): compared in ASCII.
            let domain = Punycode.asciiDomain(email.domain)
            guard domains.isEmpty || domains.contains(where: { Punycode.asciiDomain($0) == domain }) else {
                throw RosterError.forbidden("users with email domain \(email.domain) are not created on first sign-in for this tenant")
            }
            let name = claims.name ?? [claims.givenName, claims.familyName].compactMap { $0 }.joined(separator: " ")
            user = User(id: .make(), tenantID: tenant.id, email: email, ssoIssuer: issuer, ssoSubject: subject,
                        // Another system's text: trimmed of the whitespace a provider may leave at its ends (a line
                        // break there is refused in a name given to Roster directly).
                        displayName: try? Text.optional(name.trimmingCharacters(in: .whitespacesAndNewlines), field: "displayName",
                                                        max: Text.nameMax),
                        role: .user, isActive: true, createdAt: now, updatedAt: now)
            context = OperationContext(principal: .user(user.id.description), requestID: requestID)
            try await UserService.insert(user, tx: tx, context: context)
        }
        if user.partyID == nil, user.isActive {
            try await link(&user, tx: tx, context: context)
        }
        return user
    }

    /// Links the user to the person with its email or phone, else to a new person.
    private func link(_ user: inout User, tx: any StoreTransaction, context: OperationContext) async throws {
        var party = try await tx.liveParties(tenant: tenant.id, kind: .person, emailNormalized: email?.normalized, phone: phone?.digits).first
        if let found = party, try await tx.user(tenant: tenant.id, party: found.id) != nil {
            party = nil  // that person already belongs to another user
        }
        if party == nil {
            guard email != nil || phone != nil else { return }
            // The names the token gives: given and family names, else its full name (a probe's new person had none).
            var (first, last) = (claims.givenName, claims.familyName)
            if first == nil, last == nil, let words = claims.name?.split(whereSeparator: \.isWhitespace), !words.isEmpty {
                (first, last) = words.count > 1 ? (words.dropLast().joined(separator: " "), String(words.last!)) : (String(words[0]), nil)
            }
            let input = PartyInput(kind: .person, firstName: first, lastName: last, email: email?.value,
                                   phone: phone.map { "+" + $0.digits })
            guard let created = try? PartyRules.create(input, id: .make(), tenantID: tenant.id, settings: tenant.settings, now: Date.rosterNow)
            else { return }
            do {
                try await PartyService.insertParty(created, tx: tx, context: context)
            } catch let error as RosterError {
                // A person with this email and another phone (or the reverse): sign-in still works, unlinked.
                if case .conflict = error { return }
                throw error
            }
            party = created
        }
        guard let party else { return }
        try await UserService.link(&user, to: party.id, tx: tx, context: context)
    }
}
