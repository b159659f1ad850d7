import Foundation
import OpenAPIRuntime
import RosterCore
import RosterOpenAPI
import RosterService

// Domain → schema, at the edge: generated types never leave RosterAPI.

extension Components.Schemas.Party {
    init(_ party: Party, tagDetails: Bool = false, partners: [Party]? = nil, autoLink: AutoLink? = nil) {
        self.init(
            id: party.id.description, kind: .init(party.kind), firstName: party.firstName, lastName: party.lastName,
            name: party.name, displayName: party.displayName, email: party.email?.value, phone: party.phone?.digits,
            website: party.website, emailDomains: party.emailDomains, note: party.note,
            customerType: party.customerType.map(Components.Schemas.CustomerType.init),
            roles: party.roles, properties: .init(party.properties), tags: party.tags.map(\.text),
            tagDetails: tagDetails ? party.tags.map { Components.Schemas.Tag($0) } : nil,
            partners: partners?.map { Components.Schemas.Party($0) },
            autoLink: autoLink.map(Components.Schemas.AutoLink.init),
            state: .init(party.state), mergedInto: party.mergedInto?.description, createdAt: party.createdAt, updatedAt: party.updatedAt,
            version: party.version)
    }
}

extension Components.Schemas.AutoLink {
    init(_ link: AutoLink) {
        switch link {
        case .linked(let organization, let relationship):
            self.init(status: .linked, organizationId: organization.description, relationshipId: relationship.description)
        case .ambiguous(let candidates):
            self.init(status: .ambiguous, candidates: candidates.map(\.description))
        }
    }
}

extension Components.Schemas.Tag {
    init(_ tag: Tag, usage: Int? = nil) {
        self.init(id: tag.id.description, text: tag.text, color: tag.color, usage: usage, createdAt: tag.createdAt)
    }
}

extension Components.Schemas.Relationship {
    init(_ r: Relationship) {
        self.init(id: r.id.description, parentId: r.parentID.description, childId: r.childID.description, _type: r.type,
                  role: r.role, validFrom: r.validFrom, validTo: r.validTo, createdAt: r.createdAt)
    }
}

extension Components.Schemas.HierarchyEntry {
    init(_ entry: HierarchyEntry) {
        self.init(party: .init(entry.party), depth: entry.depth, role: entry.role, _type: entry.type, active: entry.active)
    }
}

extension Components.Schemas.PartnerAccount {
    init(_ a: PartnerAccount) {
        self.init(id: a.id.description, partnerId: a.partnerID.description, customerId: a.customerID.description,
                  username: a.username, active: a.active, createdAt: a.createdAt, updatedAt: a.updatedAt, version: a.version)
    }
}

extension Components.Schemas.Properties {
    init(_ properties: [String: JSONScalar]) {
        var values: [String: (any Sendable)?] = [:]
        for (key, value) in properties {
            switch value {
            case .string(let s): values[key] = s
            case .int(let i): values[key] = Int(i)
            case .double(let d): values[key] = d
            case .bool(let b): values[key] = b
            case .null: values[key] = .some(nil)
            }
        }
        self.init(additionalProperties: (try? OpenAPIObjectContainer(unvalidatedValue: values)) ?? .init())
    }
}

extension Components.Schemas.PartyKind {
    init(_ kind: Party.Kind) { self = kind == .person ? .person : .organization }
    var domain: Party.Kind { self == .person ? .person : .organization }
}

extension Components.Schemas.PartyState {
    init(_ state: Party.State) { self = Self(rawValue: state.rawValue)! }
    var domain: Party.State { Party.State(rawValue: rawValue)! }
}

extension Components.Schemas.CustomerType {
    init(_ type: Party.CustomerType) { self = Self(rawValue: type.rawValue)! }
    var domain: Party.CustomerType { Party.CustomerType(rawValue: rawValue)! }
}

extension Components.Schemas.Tenant {
    init(_ tenant: Tenant, provisioning: Provisioning? = nil) {
        self.init(id: tenant.id.description, slug: tenant.slug, name: tenant.name,
                  status: Components.Schemas.TenantStatus(rawValue: tenant.status.rawValue)!,
                  settings: .init(defaultCallingCode: tenant.settings.defaultCallingCode,
                                  autoLinkContacts: tenant.settings.autoLinkContacts,
                                  sso: tenant.settings.sso.map(Components.Schemas.SSOSettings.init),
                                  rateLimit: tenant.settings.rateLimit?.description,
                                  retentionDays: tenant.settings.retentionDays),
                  adminUserId: provisioning?.adminUserID?.description,
                  provisioningError: provisioning?.phase == .failed ? provisioning?.lastError : nil,
                  tracking: provisioning.map { Components.Schemas.Tracking($0.tracking) },
                  createdAt: tenant.createdAt, updatedAt: tenant.updatedAt, version: tenant.version)
    }

    init(_ provisioned: ProvisionedTenant) {
        self.init(provisioned.tenant, provisioning: provisioned.provisioning)
    }
}

extension Components.Schemas.Tracking {
    init(_ t: RosterCore.Tracking) {
        self.init(status: .init(rawValue: t.status.rawValue)!, companyId: t.companyID?.description, contactId: t.contactID?.description,
                  tagId: t.tagID?.description, attempts: t.attempts, lastError: t.lastError, nextAttemptAt: t.nextAttemptAt)
    }
}

extension Components.Schemas.SSOSettings {
    init(_ sso: SSOSettings) {
        self.init(issuer: sso.issuer, audience: sso.audience, autoProvision: sso.autoProvision, emailDomains: sso.emailDomains,
                  trustUnverifiedEmail: sso.trustUnverifiedEmail)
    }

    var domain: SSOSettings {
        SSOSettings(issuer: issuer, audience: audience, autoProvision: autoProvision, emailDomains: emailDomains,
                    trustUnverifiedEmail: trustUnverifiedEmail)
    }
}

extension Components.Schemas.StateHistoryEntry {
    init(_ change: StateChange) {
        self.init(from: change.from.map(Components.Schemas.PartyState.init), to: .init(change.to), at: change.at,
                  actor: change.actor, reason: change.reason)
    }
}

extension Components.Schemas.AuditEntry {
    init(_ entry: AuditEntry) {
        self.init(seq: entry.seq, tenantId: entry.tenantID.description, at: entry.at, actor: entry.actor, action: entry.action,
                  targetType: entry.targetType,
                  targetId: entry.targetID, requestId: entry.requestID, fields: entry.fields, prevHash: entry.prevHash,
                  hash: entry.hash)
    }
}

// Schema → domain.

extension Components.Schemas.PartyCreate {
    func input() throws -> PartyInput {
        PartyInput(kind: kind.domain, firstName: firstName, lastName: lastName, name: name, email: email, phone: phone,
                   website: website, note: note, customerType: customerType?.domain, roles: roles,
                   properties: try properties.map { try MergePatch.scalars($0.additionalProperties.value, field: "properties") })
    }
}

/// Reads merge-patch bodies by hand, since generated structs can't tell an absent field from `null`.
enum MergePatch {
    static func party(_ object: OpenAPIObjectContainer) throws -> PartyPatch {
        var patch = PartyPatch()
        var errors = ValidationErrors()
        for (key, value) in object.value.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "firstName": patch.firstName = errors.check { try string(value, key) } ?? .keep
            case "lastName": patch.lastName = errors.check { try string(value, key) } ?? .keep
            case "name": patch.name = errors.check { try string(value, key) } ?? .keep
            case "email": patch.email = errors.check { try string(value, key) } ?? .keep
            case "phone": patch.phone = errors.check { try string(value, key) } ?? .keep
            case "website": patch.website = errors.check { try string(value, key) } ?? .keep
            case "note": patch.note = errors.check { try string(value, key) } ?? .keep
            case "customerType":
                if let change = errors.check({ try string(value, key) }) {
                    switch change {
                    case .set(let raw):
                        if let type = Party.CustomerType(rawValue: raw) { patch.customerType = .set(type) } else {
                            errors.add(key, "must be one of regular, unregistered, new, anonymous")
                        }
                    case .clear: patch.customerType = .clear
                    case .keep: break
                    }
                }
            case "roles":
                if value == nil { patch.roles = .clear } else if let roles = value as? [(any Sendable)?], roles.allSatisfy({ $0 is String }) {
                    patch.roles = .set(roles.compactMap { $0 as? String })
                } else {
                    errors.add(key, "must be an array of strings")
                }
            case "properties":
                if value == nil { patch.properties = .clear } else if let map = value as? [String: (any Sendable)?] {
                    if let scalars = errors.check({ try scalars(map, field: key) }) { patch.properties = .set(scalars) }
                } else {
                    errors.add(key, "must be an object of scalars")
                }
            case "kind", "id", "state", "version", "createdAt", "updatedAt", "displayName", "emailDomains", "tags":
                errors.add(key, "can't be changed with PATCH")
            default:
                errors.add(key, "is not a field of a party")
            }
        }
        // Refused in part: the values given are checked too, as far as they can be without the party.
        if !errors.errors.isEmpty {
            for error in PartyRules.valueErrors(of: patch) where !errors.contains(error.field) { errors.add(error.field, error.message) }
        }
        try errors.throwIfAny()
        return patch
    }

    /// An account's fields are never cleared: `null` is refused as any value of another type.
    static func partnerAccount(_ object: OpenAPIObjectContainer) throws -> PartnerAccountPatch {
        var patch = PartnerAccountPatch()
        var errors = ValidationErrors()
        for (key, value) in object.value.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "username", "secret":
                guard let text = value as? String else { errors.add(key, "must be a string (it can't be cleared)"); continue }
                if key == "username" { patch.username = text } else { patch.secret = text }
            case "active":
                if let flag = value as? Bool { patch.active = flag } else { errors.add(key, "must be true or false") }
            case "id", "partnerId", "customerId", "createdAt", "updatedAt", "version":
                errors.add(key, "can't be changed with PATCH")
            default:
                errors.add(key, "is not a field of a partner account")
            }
        }
        try errors.throwIfAny()
        return patch
    }

    static func tenant(_ object: OpenAPIObjectContainer) throws -> TenantUpdate {
        var update = TenantUpdate()
        var errors = ValidationErrors()
        for (key, value) in object.value.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "name":
                if let name = value as? String { update.name = name } else { errors.add(key, "must be a string") }
            case "status":
                if let raw = value as? String, let status = Tenant.Status(rawValue: raw), status == .active || status == .suspended {
                    update.status = status
                } else {
                    errors.add(key, "must be active or suspended")
                }
            case "settings":
                guard let settings = value as? [String: (any Sendable)?] else { errors.add(key, "must be an object"); continue }
                for (setting, settingValue) in settings {
                    let field = "settings.\(setting)"
                    switch setting {
                    case "defaultCallingCode":
                        update.defaultCallingCode = errors.check { try string(settingValue, field) } ?? .keep
                    case "autoLinkContacts":
                        if let flag = settingValue as? Bool { update.autoLinkContacts = flag } else { errors.add(field, "must be a boolean") }
                    case "sso":
                        if settingValue == nil { update.sso = .clear } else if let sso = errors.check({ try ssoSettings(settingValue, field) }) {
                            update.sso = .set(sso)
                        }
                    case "retentionDays":
                        if settingValue == nil {
                            update.retentionDays = .clear
                        } else if let days = settingValue as? Int, TenantSettings.retentionDaysRange.contains(days) {
                            update.retentionDays = .set(days)
                        } else {
                            errors.add(field, "must be a whole number of days from 0 to 36500, or null")
                        }
                    case "rateLimit":
                        if settingValue == nil {
                            update.rateLimit = .clear
                        } else if let rule = errors.check({ try RateLimitRule.parse(settingValue as? String ?? "", field: field) }) {
                            update.rateLimit = .set(rule)
                        }
                    default:
                        errors.add(field, "is not a tenant setting")
                    }
                }
            case "id", "slug", "createdAt", "updatedAt", "version":
                errors.add(key, "can't be changed with PATCH")
            default:
                errors.add(key, "is not a field of a tenant")
            }
        }
        // And what the rules of the fields read say of them, so that every invalid field is named at once (the service
        // checks them again, for every caller).
        if !errors.errors.isEmpty { _ = update.validated(into: &errors) }
        try errors.throwIfAny()
        return update
    }

    static func ssoSettings(_ value: (any Sendable)?, _ field: String) throws -> SSOSettings {
        guard let map = value as? [String: (any Sendable)?] else { throw RosterError.invalid(field, "must be an object") }
        var sso = SSOSettings()
        var errors = ValidationErrors()
        for (key, item) in map {
            switch key {
            case "issuer": sso.issuer = item as? String; if item != nil, sso.issuer == nil { errors.add("\(field).issuer", "must be a string") }
            case "audience": sso.audience = item as? String; if item != nil, sso.audience == nil { errors.add("\(field).audience", "must be a string") }
            case "autoProvision": sso.autoProvision = item as? Bool; if item != nil, sso.autoProvision == nil { errors.add("\(field).autoProvision", "must be a boolean") }
            case "emailDomains":
                if let list = item as? [(any Sendable)?], list.allSatisfy({ $0 is String }) {
                    sso.emailDomains = list.compactMap { $0 as? String }
                } else if item != nil { errors.add("\(field).emailDomains", "must be an array of strings") }
            case "trustUnverifiedEmail":
                sso.trustUnverifiedEmail = item as? Bool
                if item != nil, sso.trustUnverifiedEmail == nil { errors.add("\(field).trustUnverifiedEmail", "must be a boolean") }
            default: errors.add("\(field).\(key)", "is not an SSO setting")
            }
        }
        try errors.throwIfAny()
        return sso
    }

    static func string(_ value: (any Sendable)?, _ field: String) throws -> PartyPatch.Change<String> {
        guard let value else { return .clear }
        guard let string = value as? String else { throw RosterError.invalid(field, "must be a string or null") }
        return .set(string)
    }

    static func scalars(_ map: [String: (any Sendable)?], field: String) throws -> [String: JSONScalar] {
        var result: [String: JSONScalar] = [:]
        var errors = ValidationErrors()
        for (key, value) in map {
            switch value {
            case nil: result[key] = .null
            case let v as Bool: result[key] = .bool(v)
            case let v as Int: result[key] = .int(Int64(v))
            case let v as Int64: result[key] = .int(v)
            case let v as Double: result[key] = .double(v)
            case let v as String: result[key] = .string(v)
            default: errors.add("\(field).\(key)", "must be a string, number, boolean or null")
            }
        }
        try errors.throwIfAny()
        return try PartyRules.validateProperties(result)
    }
}

/// `If-Match: "3"`, `W/"3"` or `3` → 3; `*` or nothing → no condition; anything else never matches (412).
enum ETag {
    static func make(_ version: Int) -> String { "\"\(version)\"" }

    /// The version an `If-Match` names: nil for none or `*` (any version of a record that exists). Our tags are the
    /// version's digits quoted; `W/"3"` is taken as `"3"` (a proxy that compresses weakens the tags it passes on) and a
    /// bare `3` too. Tags compare as text: `"05"` or `"+5"` is no tag of ours and matches nothing (-1: the service answers
    /// 412 once it found the record; they matched version 5; found by a probe). A list of tags is a 400: the spec takes
    /// one (it was a 412 that said the tag named no version).
    static func version(_ header: String?) throws -> Int? {
        guard var text = header?.trimmingWhitespace() else { return nil }
        // An empty header is no condition anyone meant (it was read as none; found by the fuzzer).
        if text.isEmpty { throw RosterError.badRequest("If-Match is empty: send the ETag of a read, or no If-Match") }
        guard text != "*" else { return nil }
        if Self.isList(text) { throw RosterError.badRequest("If-Match names one version (the ETag of a read), not a list") }
        if text.hasPrefix("W/") { text.removeFirst(2) }
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = String(text.dropFirst().dropLast()) }
        guard let version = Int(text), version >= 0, String(version) == text else { return -1 }
        return version
    }

    /// Two or more entity tags, separated by a comma outside the quotes.
    static func isList(_ text: String) -> Bool {
        var quoted = false
        for character in text {
            if character == "\"" { quoted.toggle() } else if character == ",", !quoted { return true }
        }
        return false
    }
}

extension Components.Schemas.AuditVerification {
    init(_ result: AuditVerification) {
        self.init(valid: result.valid, checked: result.checked, count: result.count, brokenAt: result.brokenAt, reason: result.reason)
    }
}
