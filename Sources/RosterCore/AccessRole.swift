public import Foundation

/// A named set of policies (seed 004), tenant-wide or scoped to one organization and everything below
/// it (in one relationship type, or in any when `relationshipType` is nil).
public struct AccessRole: Hashable, Sendable, Identifiable {
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
            let policy = value.trimmingWhitespace()
            let ok = (1...64).contains(policy.count) && policy.unicodeScalars.allSatisfy {
                ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || "._:-".unicodeScalars.contains($0)
            }
            if ok { if !policies.contains(policy) { policies.append(policy) } } else {
                errors.add(field == "policies" ? "policies[\(index)]" : field, "must be 1 to 64 letters, digits, . _ : or -")
            }
        }
        try errors.throwIfAny()
        return policies
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

    public init(allowed: Bool, reason: String, roleID: AccessRole.ID? = nil, path: [Party.ID] = []) {
        self.allowed = allowed
        self.reason = reason
        self.roleID = roleID
        self.path = path
    }
}
