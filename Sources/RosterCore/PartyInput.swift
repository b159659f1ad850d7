/// The fields a client may set on a party; `nil` means "not given". Used for create and update.
public struct PartyInput: Sendable, Hashable {
    public var kind: Party.Kind?
    public var firstName: String?
    public var lastName: String?
    public var name: String?
    public var email: String?
    public var phone: String?
    public var website: String?
    public var note: String?
    public var customerType: Party.CustomerType?
    public var roles: [String]?
    public var properties: [String: JSONScalar]?

    public init(kind: Party.Kind? = nil, firstName: String? = nil, lastName: String? = nil, name: String? = nil,
                email: String? = nil, phone: String? = nil, website: String? = nil, note: String? = nil,
                customerType: Party.CustomerType? = nil, roles: [String]? = nil, properties: [String: JSONScalar]? = nil) {
        self.kind = kind
        self.firstName = firstName
        self.lastName = lastName
        self.name = name
        self.email = email
        self.phone = phone
        self.website = website
        self.note = note
        self.customerType = customerType
        self.roles = roles
        self.properties = properties
    }
}

/// A PATCH: each field is absent (keep), `null` (clear) or a value (set).
public struct PartyPatch: Sendable, Hashable {
    public enum Change<Value: Sendable & Hashable>: Sendable, Hashable {
        case keep, clear, set(Value)
    }

    public var firstName: Change<String> = .keep
    public var lastName: Change<String> = .keep
    public var name: Change<String> = .keep
    public var email: Change<String> = .keep
    public var phone: Change<String> = .keep
    public var website: Change<String> = .keep
    public var note: Change<String> = .keep
    public var customerType: Change<Party.CustomerType> = .keep
    public var roles: Change<[String]> = .keep
    public var properties: Change<[String: JSONScalar]> = .keep

    public init() {}
}
