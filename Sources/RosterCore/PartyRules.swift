public import Foundation

/// The rules of DESIGN.md §2 "Parties": one place, used by every store and every entry point.
public enum PartyRules {
    public static let maxRoles = 20
    public static let maxProperties = 100
    public static let maxPropertyValue = 2000

    /// Validates a new party; throws `.validation` listing every invalid field.
    public static func create(_ input: PartyInput, id: Party.ID, tenantID: Tenant.ID, settings: TenantSettings,
                              now: Date) throws -> Party {
        var errors = ValidationErrors()
        guard let kind = input.kind else {
            errors.add("kind", "is required: person or organization")
            try errors.throwIfAny()
            fatalError("unreachable")
        }
        var party = Party(id: id, tenantID: tenantID, kind: kind, createdAt: now, updatedAt: now)
        party.firstName = errors.check { try Text.optional(input.firstName, field: "firstName", max: Text.nameMax) } ?? nil
        party.lastName = errors.check { try Text.optional(input.lastName, field: "lastName", max: Text.nameMax) } ?? nil
        party.name = errors.check { try Text.optional(input.name, field: "name", max: Text.nameMax) } ?? nil
        party.note = errors.check { try Text.optional(input.note, field: "note", max: Text.noteMax) } ?? nil
        if let email = input.email, !email.trimmingWhitespace().isEmpty {
            party.email = errors.check { try EmailAddress(email) }
        }
        if let phone = input.phone, !phone.trimmingWhitespace().isEmpty {
            party.phone = errors.check { try PhoneNumber(phone, defaultCallingCode: settings.defaultCallingCode) }
        }
        if let properties = input.properties {
            party.properties = errors.check { try validateProperties(properties) } ?? [:]
        }
        if let website = input.website, !website.trimmingWhitespace().isEmpty {
            party.website = errors.check { try Website.normalize(website) }
            // Both given: they must name one site (the website would silently win otherwise), as for PATCH.
            if let given = party.website, let other = input.properties?["website"], other != .null, !Website.names(given, other) {
                errors.add("properties.website", "contradicts website; give one of them")
            }
        }
        party.roles = errors.check { try normalizeRoles(input.roles ?? []) } ?? []
        party.customerType = input.customerType
        finish(&party, errors: &errors)
        try errors.throwIfAny()
        return party
    }

    /// What refuses a patch's values whatever party it changes: its texts, email and website, and a number's characters
    /// (what a number without its country code stands for is the tenant's to say). The API names them beside the
    /// members of a body it refuses (an unknown one), so that one 422 names them all (found by a probe).
    public static func valueErrors(of patch: PartyPatch) -> [FieldError] {
        var errors = ValidationErrors()
        for (change, field, max) in [(patch.firstName, "firstName", Text.nameMax), (patch.lastName, "lastName", Text.nameMax),
                                     (patch.name, "name", Text.nameMax), (patch.note, "note", Text.noteMax)] {
            if case .set(let raw) = change { _ = errors.check { try Text.optional(raw, field: field, max: max) } }
        }
        if case .set(let raw) = patch.email, !raw.trimmingWhitespace().isEmpty { _ = errors.check { try EmailAddress(raw) } }
        if case .set(let raw) = patch.phone, !raw.trimmingWhitespace().isEmpty { errors.check { try PhoneNumber.checkWritten(raw) } }
        if case .set(let raw) = patch.website, !raw.trimmingWhitespace().isEmpty { _ = errors.check { try Website.normalize(raw) } }
        return errors.errors
    }

    /// Applies a PATCH; returns the new party and the names of the fields that changed (never their values).
    public static func update(_ current: Party, with patch: PartyPatch, settings: TenantSettings,
                              now: Date) throws -> (party: Party, changed: [String]) {
        var errors = ValidationErrors()
        var party = current
        func text(_ change: PartyPatch.Change<String>, _ field: String, max: Int, into keyPath: WritableKeyPath<Party, String?>) {
            switch change {
            case .keep: break
            case .clear: party[keyPath: keyPath] = nil
            case .set(let raw): party[keyPath: keyPath] = errors.check { try Text.optional(raw, field: field, max: max) } ?? nil
            }
        }
        text(patch.firstName, "firstName", max: Text.nameMax, into: \.firstName)
        text(patch.lastName, "lastName", max: Text.nameMax, into: \.lastName)
        text(patch.name, "name", max: Text.nameMax, into: \.name)
        text(patch.note, "note", max: Text.noteMax, into: \.note)
        switch patch.email {
        case .keep: break
        case .clear: party.email = nil
        case .set(let raw):
            party.email = raw.trimmingWhitespace().isEmpty ? nil : errors.check { try EmailAddress(raw) }
        }
        switch patch.phone {
        case .keep: break
        case .clear: party.phone = nil
        case .set(let raw):
            party.phone = raw.trimmingWhitespace().isEmpty
                ? nil : errors.check { try PhoneNumber(raw, defaultCallingCode: settings.defaultCallingCode) }
        }
        // Properties are merged (RFC 7386): a key given replaces the party's, a key given as null removes it.
        var websiteProperty: JSONScalar?
        switch patch.properties {
        case .keep: break
        case .clear:
            // `properties: null` removes every property, `website` among them, as `properties.website: null` does.
            party.properties = [:]
            if case .keep = patch.website { websiteProperty = .null }
        case .set(let changes):
            var merged = current.properties
            for (key, value) in changes { merged[key] = value == .null ? nil : value }
            party.properties = errors.check { try validateProperties(merged) } ?? current.properties
            websiteProperty = changes["website"]
        }
        switch patch.website {
        case .keep:
            // `properties.website` given alone changes the website it mirrors (or clears it, as null).
            switch websiteProperty {
            case nil: break
            case .string(let raw)?:
                party.website = raw.trimmingWhitespace().isEmpty ? nil : errors.check { try Website.normalize(raw, field: "properties.website") }
                if party.website == nil { party.properties["website"] = nil }
            case .null?:
                party.website = nil
            case _?:
                errors.add("properties.website", "must be a website address")
            }
        case .clear:
            party.website = nil
            party.properties["website"] = nil
            if let websiteProperty, websiteProperty != .null { errors.add("properties.website", "contradicts website; give one of them") }
        case .set(let raw):
            party.website = raw.trimmingWhitespace().isEmpty ? nil : errors.check { try Website.normalize(raw) }
            if let websiteProperty, !Website.names(party.website, websiteProperty) {
                errors.add("properties.website", "contradicts website; give one of them")
            }
        }
        switch patch.roles {
        case .keep: break
        case .clear: party.roles = []
        case .set(let roles): party.roles = errors.check { try normalizeRoles(roles) } ?? current.roles
        }
        switch patch.customerType {
        case .keep: break
        case .clear: party.customerType = nil
        case .set(let type): party.customerType = type
        }
        // Roles given without `customer` while a customer type stays: the type would put the role back, and the change
        // answered 200 having changed nothing (found by a probe). Said instead.
        let rolesGiven: Bool = if case .keep = patch.roles { false } else { true }
        if rolesGiven, !party.roles.contains("customer"), party.customerType != nil, !errors.contains("roles") {
            errors.add("roles", "leaves out customer while the party has a customerType, which makes it a customer: clear customerType too (null)")
        }
        finish(&party, errors: &errors)
        try errors.throwIfAny()
        let changed = changedFields(from: current, to: party)
        if !changed.isEmpty {
            party.updatedAt = now
            party.version = current.version + 1
        }
        return (party, changed)
    }

    /// Whole-party rules, after the fields are each valid.
    static func finish(_ party: inout Party, errors: inout ValidationErrors) {
        // Presence rules don't repeat a field already reported as invalid.
        let invalid = Set(errors.errors.map(\.field))
        switch party.kind {
        case .person:
            // A `name` alone is not enough (DESIGN.md §2): it rides along with one of these.
            if party.firstName == nil, party.lastName == nil, party.email == nil, party.phone == nil,
               invalid.isDisjoint(with: ["firstName", "lastName", "email", "phone"]) {
                errors.add("firstName", "a person needs at least one of firstName, lastName, email or phone")
            }
        case .organization:
            if party.name == nil, !invalid.contains("name") { errors.add("name", "an organization needs a name") }
            if party.firstName != nil { errors.add("firstName", "is only for persons") }
            if party.lastName != nil { errors.add("lastName", "is only for persons") }
        }
        // Organizations: website and properties.website in sync; the website's domain is its email domain (the one
        // auto-linking claims: a website changed or cleared claims its old domain no more).
        if let website = party.website {
            party.properties["website"] = .string(website)
        } else if case .string(let raw)? = party.properties["website"] {
            if let website = try? Website.normalize(raw) {
                party.website = website
                party.properties["website"] = .string(website)
            } else {
                errors.add("properties.website", "must be a website address")
            }
        } else if let other = party.properties["website"], other != .null, !errors.contains("properties.website") {
            // A number or a boolean is no website: kept, it left the two out of step, and the party's own export
            // could not be imported again (found by a probe).
            errors.add("properties.website", "must be a website address (a string)")
        }
        if party.kind == .organization {
            party.emailDomains = party.website.flatMap(Website.emailDomain(of:)).map { [$0] } ?? []
        }
        // customerType is only for customers: giving one makes the party a customer; a customer defaults to regular.
        if party.customerType != nil, !party.roles.contains("customer") {
            party.roles = (party.roles + ["customer"]).sorted()
        }
        if party.roles.contains("customer"), party.customerType == nil { party.customerType = .regular }
        if party.customerType == .regular {
            if party.email == nil, !invalid.contains("email") { errors.add("email", "is required for a regular customer") }
            if party.phone == nil, !invalid.contains("phone") { errors.add("phone", "is required for a regular customer") }
        }
    }

    public static func normalizeRoles(_ raw: [String]) throws -> [String] {
        var roles = Set<String>()
        var errors = ValidationErrors()
        for (index, value) in raw.enumerated() {
            let role = value.trimmingWhitespace().lowercased()
            let ok = (1...50).contains(role.count) && role.unicodeScalars.allSatisfy {
                $0.properties.isAlphabetic || ($0 >= "0" && $0 <= "9") || $0 == " " || $0 == "-" || $0 == "_"
            }
            if ok { roles.insert(role) } else { errors.add("roles[\(index)]", "must be 1 to 50 letters, digits, spaces, - or _") }
        }
        if roles.count > maxRoles { errors.add("roles", "at most \(maxRoles) roles") }
        try errors.throwIfAny()
        return roles.sorted()
    }

    /// 1 to 64 characters of ASCII letters, digits, `_ . : -`.
    public static func isPropertyKey(_ key: String) -> Bool {
        (1...64).contains(key.count) && key.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || "_.:-".unicodeScalars.contains($0)
        }
    }

    public static func validateProperties(_ properties: [String: JSONScalar]) throws -> [String: JSONScalar] {
        var errors = ValidationErrors()
        if properties.count > maxProperties { errors.add("properties", "at most \(maxProperties) keys") }
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
            if !isPropertyKey(key) { errors.add("properties", "key must be 1 to 64 characters of letters, digits, _ . : -") ; continue }
            if case .string(let s) = value, s.unicodeScalars.count > maxPropertyValue {
                errors.add("properties.\(key)", "must be at most \(maxPropertyValue) characters")
            }
            // Any character a text may hold, but NUL: PostgreSQL's text and jsonb can't hold it (both stores alike).
            if case .string(let s) = value, s.unicodeScalars.contains("\u{0}") {
                errors.add("properties.\(key)", "must not contain the NUL character (U+0000)")
            }
            // As for names and notes (`Text.optional`): overrides and isolates make text show other than it reads.
            if case .string(let s) = value, Text.reordersDisplay(s) { errors.add("properties.\(key)", Text.reorderingMessage) }
            if case .double(let d) = value, !d.isFinite { errors.add("properties.\(key)", "must be a finite number") }
            // An integer beyond 64 bits reaches here rounded to a double (12345678901234567890 was kept as
            // 12345678901234567000; found by a probe): refused, for an identifier that large is text.
            if case .double(let d) = value, d.isFinite, d == d.rounded(), abs(d) >= 9.223372036854775807e18 {
                errors.add("properties.\(key)", "is a whole number too large to keep exactly (beyond 64 bits, as 1e20 is): send it as a string")
            }
        }
        try errors.throwIfAny()
        return properties
    }

    static func changedFields(from a: Party, to b: Party) -> [String] {
        var fields: [String] = []
        if a.firstName != b.firstName { fields.append("firstName") }
        if a.lastName != b.lastName { fields.append("lastName") }
        if a.name != b.name { fields.append("name") }
        if a.email != b.email { fields.append("email") }
        if a.phone != b.phone { fields.append("phone") }
        if a.website != b.website { fields.append("website") }
        if a.emailDomains != b.emailDomains { fields.append("emailDomains") }
        if a.note != b.note { fields.append("note") }
        if a.customerType != b.customerType { fields.append("customerType") }
        if a.roles != b.roles { fields.append("roles") }
        if a.properties != b.properties { fields.append("properties") }
        return fields
    }

    /// Which states a client may move a party to with the state endpoint (deletion and restore have their own).
    public static func checkTransition(from: Party.State, to: Party.State) throws {
        guard to != .deleted else { throw RosterError.invalid("state", "use DELETE to delete a party") }
        guard to != .merged else { throw RosterError.invalid("state", "use the merge endpoint to merge a party") }
        guard from != .deleted else { throw RosterError.conflict("the party is deleted; restore it first") }
        guard from != .merged else { throw RosterError.conflict("the party was merged into another; undo the merge to change it") }
        guard from != to else { throw RosterError.conflict("the party is already \(to.rawValue)") }
    }
}

public enum Website {
    /// Whether a `properties.website` value names `website` (both normalized; a value that is no website names none).
    static func names(_ website: String?, _ property: JSONScalar) -> Bool {
        let named: String? = if case .string(let text) = property { try? normalize(text) } else { nil }
        return named == website
    }

    /// `example.com/x` → `https://example.com/x`; only http and https, with a valid host.
    public static func normalize(_ raw: String, field: String = "website") throws -> String {
        let trimmed = raw.trimmingWhitespace()
        guard trimmed.unicodeScalars.count <= Text.websiteMax else { throw RosterError.invalid(field, "must be at most \(Text.websiteMax) characters") }
        let withScheme = trimmed.contains("://") ? trimmed : "https://\(trimmed)"
        guard let components = URLComponents(string: withScheme),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, DomainName.normalize(host) != nil
        else { throw RosterError.invalid(field, "must be a website address such as https://example.com") }
        // A password in a link is a credential, shown to every reader and left as it is by a masked export.
        guard components.user == nil, components.password == nil else {
            throw RosterError.invalid(field, "must not hold a user name or password")
        }
        var normalized = components
        normalized.scheme = scheme
        normalized.host = host.lowercased()
        var text = normalized.string ?? withScheme
        if text.hasSuffix("/"), normalized.path == "/" { text.removeLast() }
        return text
    }

    /// The email domain a website implies: lower-case host without `www.`, no scheme, port or path.
    public static func emailDomain(of website: String) -> String? {
        guard let host = URLComponents(string: website)?.host?.lowercased() else { return nil }
        let domain = host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
        return DomainName.normalize(domain)
    }
}
