public import Foundation

/// A login account of a tenant (seed 001): one table for everyone, with a coarse role.
public struct User: Hashable, Sendable, Identifiable {
    public typealias ID = Identifier<User>

    /// ADMIN may do everything in its tenant; MANAGEMENT may read everything; USER only what its roles grant.
    public enum Role: String, Hashable, Sendable, Codable, CaseIterable {
        case user = "USER", management = "MANAGEMENT", admin = "ADMIN"

        /// USER < MANAGEMENT < ADMIN.
        public var rank: Int {
            switch self {
            case .user: 0
            case .management: 1
            case .admin: 2
            }
        }
    }

    public var id: ID
    public var tenantID: Tenant.ID
    public var email: EmailAddress?
    public var ssoIssuer: String?
    public var ssoSubject: String?
    public var employeeID: String?
    public var displayName: String?
    public var designation: String?
    public var department: String?
    public var role: Role
    public var isActive: Bool
    public var partyID: Party.ID?
    public var createdAt: Date
    public var updatedAt: Date
    public var version: Int

    public init(id: ID, tenantID: Tenant.ID, email: EmailAddress?, ssoIssuer: String? = nil, ssoSubject: String? = nil,
                employeeID: String? = nil, displayName: String? = nil, designation: String? = nil, department: String? = nil,
                role: Role = .user, isActive: Bool = true, partyID: Party.ID? = nil, createdAt: Date, updatedAt: Date, version: Int = 1) {
        self.id = id
        self.tenantID = tenantID
        self.email = email
        self.ssoIssuer = ssoIssuer
        self.ssoSubject = ssoSubject
        self.employeeID = employeeID
        self.displayName = displayName
        self.designation = designation
        self.department = department
        self.role = role
        self.isActive = isActive
        self.partyID = partyID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    /// The value of a field that segment rules may test.
    public func value(of field: Segment.Field) -> String? {
        switch field {
        case .employeeID: employeeID
        case .designation: designation
        case .department: department
        case .email: email?.value
        case .displayName: displayName
        }
    }
}

extension Array where Element: Equatable {
    /// Every run of `count` consecutive elements.
    func windows(ofCount count: Int) -> [ArraySlice<Element>] {
        guard count > 0, count <= self.count else { return [] }
        return (0...(self.count - count)).map { self[$0..<($0 + count)] }
    }
}

/// A named rule over user fields (seed 001 `dealer`): active users matching any of its rules.
public struct Segment: Hashable, Sendable {
    public enum Field: String, Hashable, Sendable, Codable, CaseIterable {
        case employeeID = "employeeId", designation, department, email, displayName
    }

    public enum Operator: String, Hashable, Sendable, Codable, CaseIterable {
        case prefix, contains, equals
    }

    public struct Rule: Hashable, Sendable, Codable {
        public var field: Field
        public var op: Operator
        public var value: String
        /// Compared as written (composed), not case-folded: the dealer code `RE-` (seed 001 matches it with a `LIKE`,
        /// designation and department with an `ILIKE`).
        public var caseSensitive: Bool

        public init(field: Field, op: Operator, value: String, caseSensitive: Bool = false) {
            self.field = field
            self.op = op
            self.value = value
            self.caseSensitive = caseSensitive
        }

        enum CodingKeys: String, CodingKey {
            case field, op = "operator", value, caseSensitive
        }

        /// Rules stored before `caseSensitive` existed are case-insensitive, as they were.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            field = try container.decode(Field.self, forKey: .field)
            op = try container.decode(Operator.self, forKey: .op)
            value = try container.decode(String.self, forKey: .value)
            caseSensitive = try container.decodeIfPresent(Bool.self, forKey: .caseSensitive) ?? false
        }

        /// The rule's value as compared: composed, and folded unless the rule is case-sensitive.
        public var comparedValue: String { caseSensitive ? Text.composed(value) : Segment.fold(value) }

        /// Whether a user's field holding `raw` matches: folded texts compared byte for byte, as the database compares them
        /// (Swift's own `==` and `contains` would also equate other canonically equivalent forms, and see no `dealer` in
        /// `Deale` + `r` with a combining mark, which SQL does).
        public func matches(_ raw: String) -> Bool {
            let value = Array((caseSensitive ? raw : Segment.fold(raw)).utf8)  // as stored (composed on the way in), as SQL compares it
            let wanted = Array(comparedValue.utf8)
            switch op {
            case .prefix: return value.starts(with: wanted)
            case .contains: return wanted.isEmpty || value.windows(ofCount: wanted.count).contains { $0.elementsEqual(wanted) }
            case .equals: return value == wanted
            }
        }
    }

    public var name: String
    public var rules: [Rule]

    public init(name: String, rules: [Rule]) {
        self.name = name
        self.rules = rules
    }

    /// The built-in dealer segment: employeeId starting `RE-` (as written: `re-1` is no dealer code), or designation or
    /// department containing `dealer` in any case.
    public static let dealer = Segment(name: "dealer", rules: [
        Rule(field: .employeeID, op: .prefix, value: "RE-", caseSensitive: true),
        Rule(field: .designation, op: .contains, value: "dealer"),
        Rule(field: .department, op: .contains, value: "dealer"),
    ])

    public static let builtIn: [String: Segment] = ["dealer": dealer]

    /// Case-insensitive comparisons use this one folding, in memory and (through stored keys) in SQL:
    /// canonical composition (so `e` + combining acute equals `é`), then lower case.
    public static func fold(_ text: String) -> String { text.precomposedStringWithCanonicalMapping.lowercased() }

    /// Whether `user` belongs to the segment: active, and any rule matches. Folded texts are compared
    /// byte for byte, as the database compares them (Swift's own `==` would also equate other
    /// canonically equivalent forms, which SQL does not).
    public func contains(_ user: User) -> Bool {
        guard user.isActive else { return false }
        return rules.contains { rule in user.value(of: rule.field).map(rule.matches) ?? false }
    }

    /// A label (letters, digits, spaces, - and _; case does not count), given as it is: white space around a name in a
    /// path was trimmed, and `PUT .../segments/tabx%09` rewrote the segment `tabx` (found by a probe).
    public static func validateName(_ raw: String, field: String = "name") throws -> String {
        guard raw == raw.trimmingWhitespace() else { throw RosterError.invalid(field, "must not begin or end with white space") }
        return try Relationship.validateLabel(raw, field: field)
    }

    public static func validateRules(_ rules: [Rule]) throws -> [Rule] {
        var errors = ValidationErrors()
        if rules.isEmpty { errors.add("rules", "at least one rule") }
        if rules.count > 20 { errors.add("rules", "at most 20 rules") }
        for (index, rule) in rules.enumerated() {
            if rule.value.isEmpty || rule.value.unicodeScalars.count > 100 {
                errors.add("rules[\(index)].value", "must be 1 to 100 characters")
            } else if rule.value.allSatisfy(\.isWhitespace) {
                // A value of spaces only was taken (an empty one was refused): it matches nothing anyone means.
                errors.add("rules[\(index)].value", "must not be only white space")
            } else if rule.value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                errors.add("rules[\(index)].value", "must not contain control characters")
            } else if Text.reordersDisplay(rule.value) {
                // Values no user field can hold (fields are refused them), so the rule could match nothing (found by a probe).
                errors.add("rules[\(index)].value", Text.reorderingMessage)
            } else if Text.trimmingInvisible(rule.value).isEmpty {
                errors.add("rules[\(index)].value", "must not be only invisible characters")
            } else if let first = rule.value.unicodeScalars.first, Text.isCombiningMark(first) {
                errors.add("rules[\(index)].value", "must not start with a combining mark")
            }
        }
        try errors.throwIfAny()
        return rules
    }
}

/// A tenant API key: shown once, stored as a SHA-256 hash; its prefix identifies it in lists.
public struct APIKey: Hashable, Sendable, Identifiable {
    public typealias ID = Identifier<APIKey>

    public var id: ID
    public var tenantID: Tenant.ID
    public var name: String
    public var prefix: String
    public var role: User.Role
    /// Access roles whose policies the key holds besides its coarse role.
    public var roleIDs: [AccessRole.ID]
    public var createdAt: Date
    public var revokedAt: Date?
    /// The user the key was made for (by that user, or by a key made for it): the key counts while that user is active.
    public var createdBy: User.ID?

    public init(id: ID, tenantID: Tenant.ID, name: String, prefix: String, role: User.Role, roleIDs: [AccessRole.ID] = [],
                createdAt: Date, revokedAt: Date? = nil, createdBy: User.ID? = nil) {
        self.createdBy = createdBy
        self.id = id
        self.tenantID = tenantID
        self.name = name
        self.prefix = prefix
        self.role = role
        self.roleIDs = roleIDs
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// Who calls, as far as access decisions go: a platform identity acts on every tenant; a tenant's
/// user or API key only on its own tenant, with its coarse role.
public struct Caller: Hashable, Sendable {
    public var principal: Principal
    /// The tenant a user or key belongs to (slug, immutable); `nil` for platform callers.
    public var tenantSlug: String?
    public var role: User.Role?
    /// The access roles an API key was given (users' roles are read from their grants).
    public var roleIDs: [AccessRole.ID]

    public init(principal: Principal, tenantSlug: String? = nil, role: User.Role? = nil, roleIDs: [AccessRole.ID] = []) {
        self.principal = principal
        self.tenantSlug = tenantSlug
        self.role = role
        self.roleIDs = roleIDs
    }
}
