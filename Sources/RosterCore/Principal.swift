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

/// What every service call carries besides its arguments: who acts, and for which request. Services decide
/// on it (DESIGN.md §2 Access): the caller's tenant, coarse role and access roles are read from here.
public struct OperationContext: Sendable {
    public var caller: Caller
    public var requestID: String

    public init(caller: Caller, requestID: String) {
        self.caller = caller
        self.requestID = requestID
    }

    /// A caller of no tenant's own: a platform token, or Roster itself.
    public init(principal: Principal, requestID: String) {
        self.init(caller: Caller(principal: principal), requestID: requestID)
    }

    public var principal: Principal { caller.principal }

    /// Platform callers and Roster itself act on every tenant with every policy.
    public var isPlatformOrSystem: Bool {
        switch caller.principal {
        case .platform, .system: true
        case .user, .apiKey: false
        }
    }

    /// The coarse role of a tenant's user or API key; `nil` for platform callers and Roster itself.
    public var callerRole: User.Role? { isPlatformOrSystem ? nil : (caller.role ?? .user) }

    public static func system(_ requestID: String = "system") -> OperationContext {
        OperationContext(principal: .system, requestID: requestID)
    }
}
