public import RosterCore

/// What the HTTP layer learned about the request before the handler runs: its id and who calls.
/// Set by RosterApp's middleware as a task-local, because the OpenAPI transport does not pass the
/// Hummingbird request context to handlers.
public struct RequestInfo: Sendable {
    public var requestID: String
    public var caller: Caller?
    /// Set by the access middleware: the subtrees whose parties the caller may see (`nil`: all of the tenant).
    public var visibleSubtrees: [Subtree]?

    public init(requestID: String, caller: Caller?) {
        self.requestID = requestID
        self.caller = caller
    }

    @TaskLocal public static var current = RequestInfo(requestID: "none", caller: nil)

    /// The operation context for a service call; 401 when the request is not authenticated.
    static func context() throws -> OperationContext {
        guard let caller = current.caller else { throw RosterError.unauthorized("a bearer token is required") }
        return OperationContext(principal: caller.principal, requestID: current.requestID, visibleSubtrees: current.visibleSubtrees,
                                callerRole: caller.principal.isPlatform ? nil : (caller.role ?? .user))
    }

    /// Platform-only operations (creating tenants).
    static func platformContext() throws -> OperationContext {
        let context = try context()
        guard context.principal.isPlatform else { throw RosterError.forbidden("only a platform token may do this") }
        return context
    }
}
