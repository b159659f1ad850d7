/// Who acts: recorded in audit entries and state history, by identifier only.
public enum Principal: Hashable, Sendable, CustomStringConvertible {
    /// A platform token (the bootstrap token or a platform key), named by its id.
    case platform(String)
    case user(String)
    case apiKey(String)
    /// Roster itself: workflows, migrations, demo data.
    case system

    public var description: String {
        switch self {
        case .platform(let id): "platform:\(id)"
        case .user(let id): "user:\(id)"
        case .apiKey(let id): "apikey:\(id)"
        case .system: "system"
        }
    }

    public init?(_ text: String) {
        if text == "system" { self = .system; return }
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let id = String(text[text.index(after: colon)...])
        switch text[..<colon] {
        case "platform": self = .platform(id)
        case "user": self = .user(id)
        case "apikey": self = .apiKey(id)
        default: return nil
        }
    }

    public var isPlatform: Bool {
        if case .platform = self { return true }
        return false
    }
}

/// What every service call carries besides its arguments: who acts, and for which request.
public struct OperationContext: Sendable {
    public var principal: Principal
    public var requestID: String
    /// The subtrees whose parties the caller may see, when it may not see the whole tenant; lists are
    /// filtered to them and single parties outside them are not found.
    public var visibleSubtrees: [Subtree]?
    /// The coarse role of a tenant's user or API key; `nil` for platform callers and Roster itself. No one
    /// may hand out a role above its own.
    public var callerRole: User.Role?

    public init(principal: Principal, requestID: String, visibleSubtrees: [Subtree]? = nil, callerRole: User.Role? = nil) {
        self.principal = principal
        self.requestID = requestID
        self.visibleSubtrees = visibleSubtrees
        self.callerRole = callerRole
    }

    /// 403 when the caller would give `role` (or, with `roles`, access roles) above its own standing.
    public func requireMayAssign(_ role: User.Role?, roles: Bool = false) throws {
        guard let own = callerRole else { return }
        if let role, role.rank > own.rank {
            throw RosterError.forbidden("a \(own.rawValue) caller may not give the \(role.rawValue) role")
        }
        if roles, own != .admin { throw RosterError.forbidden("only ADMIN may give access roles to an API key") }
    }

    public static func system(_ requestID: String = "system") -> OperationContext {
        OperationContext(principal: .system, requestID: requestID)
    }
}
