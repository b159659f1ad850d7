public import Foundation

/// A named set of policies (seed 004), tenant-wide or scoped to one organization and everything below
/// it (in one relationship type, or in any when `relationshipType` is nil).
public struct AccessRole: Hashable, Sendable, Identifiable, Codable {
    public typealias ID = Identifier<AccessRole>

    public var id: ID
    public var tenantID: Tenant.ID
    public var name: String
    public var policies: [String]
    public var organizationID: Party.ID?
    public var relationshipType: String?
    public var createdAt: Date

    public init(id: ID, tenantID: Tenant.ID, name: String, policies: [String], organizationID: Party.ID? = nil,
                relationshipType: String? = nil, createdAt: Date) {
        self.id = id
        self.tenantID = tenantID
        self.name = name
        self.policies = policies
        self.organizationID = organizationID
        self.relationshipType = relationshipType
        self.createdAt = createdAt
    }

    /// Roster's own policies (DESIGN.md §4.3). Other names are allowed, for other apps' questions.
    public static let rosterPolicies = [
        "parties.read", "parties.write", "parties.erase", "relationships.write", "users.read", "users.manage", "roles.manage",
        "credentials.reveal", "audit.read", "tenants.manage",
    ]

    /// Policies MANAGEMENT users hold on everything in their tenant: reading.
    public static let readPolicies: Set<String> = ["parties.read", "users.read", "audit.read"]

    /// Policy names: 1 to 64 characters of letters, digits and `. _ : -`; kept as given, compared exactly.
    public static func validatePolicies(_ raw: [String], field: String = "policies") throws -> [String] {
        var errors = ValidationErrors()
        if raw.isEmpty { errors.add(field, "at least one policy") }
        if raw.count > 100 { errors.add("policies", "at most 100 policies") }
        var policies: [String] = []
        for (index, value) in raw.enumerated() {
            // Checked on its bytes (every allowed character is ASCII, so bytes and characters count alike); a plain name,
            // the usual one, is not trimmed first.
            let policy = value.utf8.allSatisfy(Self.isPolicyByte) ? value : value.trimmingWhitespace()
            let ok = (1...64).contains(policy.utf8.count) && policy.utf8.allSatisfy(Self.isPolicyByte)
            if ok { if !policies.contains(policy) { policies.append(policy) } } else {
                errors.add(field == "policies" ? "policies[\(index)]" : field, "must be 1 to 64 letters, digits, . _ : or -")
            }
        }
        try errors.throwIfAny()
        return policies
    }

    static func isPolicyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-"): true
        default: false
        }
    }
}

/// An access decision and why.
public struct AccessDecision: Hashable, Sendable {
    public var allowed: Bool
    public var reason: String
    /// The role that grants it, when one does.
    public var roleID: AccessRole.ID?
    /// Organization → ... → party, when a scoped role grants it.
    public var path: [Party.ID]
    /// The instant it was asked about, when it was not now (an answer "as of").
    public var at: Date?

    public init(allowed: Bool, reason: String, roleID: AccessRole.ID? = nil, path: [Party.ID] = []) {
        self.allowed = allowed
        self.reason = reason
        self.roleID = roleID
        self.path = path
    }
}

/// An organization and everything below it, in one relationship type or in any.
public struct Subtree: Hashable, Sendable {
    public var organizationID: Party.ID
    public var relationshipType: String?

    public init(organizationID: Party.ID, relationshipType: String? = nil) {
        self.organizationID = organizationID
        self.relationshipType = relationshipType
    }
}

/// Where a caller may exercise one policy.
public enum PolicyScope: Hashable, Sendable {
    /// Everywhere in the tenant.
    case tenant
    /// On these subtrees only.
    case subtrees([Subtree])
}

/// Everything a caller may do in one tenant (DESIGN.md §2 Access, §4.3): its coarse role plus the
/// policies of its roles, each tenant-wide or on subtrees.
public struct Grants: Hashable, Sendable {
    /// Platform tokens and ADMIN: every policy, tenant-wide.
    public var everything: Bool
    public var policies: [String: PolicyScope]

    public init(everything: Bool, policies: [String: PolicyScope] = [:]) {
        self.everything = everything
        self.policies = policies
    }

    public static let all = Grants(everything: true)

    /// The grants of a coarse role and the access roles held: ADMIN everything, MANAGEMENT reads
    /// tenant-wide, and each role's policies tenant-wide or on its subtree (a tenant-wide grant wins).
    public init(role: User.Role, roles: [AccessRole]) {
        if role == .admin {
            self.init(everything: true)
            return
        }
        var policies: [String: PolicyScope] = [:]
        if role == .management { for policy in AccessRole.readPolicies { policies[policy] = .tenant } }
        for accessRole in roles {
            for policy in accessRole.policies {
                guard let organization = accessRole.organizationID else {
                    policies[policy] = .tenant
                    continue
                }
                let subtree = Subtree(organizationID: organization, relationshipType: accessRole.relationshipType)
                switch policies[policy] {
                case .tenant: break
                case .subtrees(let existing): if !existing.contains(subtree) { policies[policy] = .subtrees(existing + [subtree]) }
                case nil: policies[policy] = .subtrees([subtree])
                }
            }
        }
        self.init(everything: false, policies: policies)
    }

    public func scope(of policy: String) -> PolicyScope? {
        everything ? .tenant : policies[policy]
    }

    /// The subtrees the caller may read parties in; `nil` when it may read the whole tenant, `[]` when none.
    public var readableSubtrees: [Subtree]? {
        switch scope(of: "parties.read") {
        case .tenant: nil
        case .subtrees(let subtrees): subtrees
        case nil: []
        }
    }
}

/// A role held by a user, with the grant's validity window (DESIGN.md §2): outside it the grant gives nothing.
public struct RoleGrant: Hashable, Sendable {
    public var role: AccessRole
    public var window: ValidityWindow

    public init(role: AccessRole, window: ValidityWindow = ValidityWindow()) {
        self.role = role
        self.window = window
    }

    public var validFrom: Date? { window.validFrom }
    public var validTo: Date? { window.validTo }

    public func isInForce(at: Date) -> Bool { window.isInForce(at: at) }
}

/// When an edge or a grant holds: from `validFrom` (inclusive) to `validTo` (exclusive); open ends are unbounded.
public struct ValidityWindow: Hashable, Sendable, Codable {
    public var validFrom: Date?
    public var validTo: Date?

    public init(validFrom: Date? = nil, validTo: Date? = nil) {
        self.validFrom = validFrom
        self.validTo = validTo
    }

    /// " from <validFrom> until <validTo>", each part when set, as refusals and decisions say a grant's window.
    public var described: String {
        (validFrom.map { " from \(RFC3339.string($0))" } ?? "") + (validTo.map { " until \(RFC3339.string($0))" } ?? "")
    }

    /// Compared to the microsecond the stores keep: the instant an `at` names and the same instant read back from a store
    /// are two doubles an ulp apart (`.555` parsed and `.555` read were not equal: a grant held at its own `validTo` and
    /// not at its `validFrom`; found by a probe).
    public func isInForce(at: Date) -> Bool {
        let at = at.microsecondsSince1970
        if let validFrom, validFrom.microsecondsSince1970 > at { return false }
        if let validTo, validTo.microsecondsSince1970 <= at { return false }
        return true
    }

    /// `validTo` after `validFrom` (the API's rule for edges too: `validTo` is the first instant the window no longer
    /// holds, so one equal to `validFrom` would never hold, and a grant given it would be a revocation in disguise), both
    /// to the microsecond (what both stores keep: a window read back equals the one given).
    public static func validated(validFrom: Date?, validTo: Date?) throws -> ValidityWindow {
        if let validFrom, let validTo, validTo <= validFrom {
            throw RosterError.invalid("validTo", "must be after validFrom (validTo is the first instant the window no longer holds)")
        }
        return ValidityWindow(validFrom: validFrom?.toMicroseconds, validTo: validTo?.toMicroseconds)
    }
}
