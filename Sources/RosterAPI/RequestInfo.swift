public import RosterCore

/// What the HTTP layer learned about the request before the handler runs: its id and who calls.
/// Set by RosterApp's middleware as a task-local, because the OpenAPI transport does not pass the
/// Hummingbird request context to handlers.
public struct RequestInfo: Sendable {
    public var requestID: String
    public var caller: Caller?

    public init(requestID: String, caller: Caller?) {
        self.requestID = requestID
        self.caller = caller
    }

    @TaskLocal public static var current = RequestInfo(requestID: "none", caller: nil)

    /// Set while `StrictBodyMiddleware` decodes a body again to find all its unknown fields: the operation must not run.
    @TaskLocal static var probing = false

    /// Ends a probe once the body decoded.
    struct ProbeDecoded: Error {}

    /// In a probe, runs an operation's rules on the body as mended (a pure check: `check` must not touch the database)
    /// and ends the probe, so that what the rules refuse is named beside what the decoder refused (an empty name went
    /// unnamed beside an unknown member; found by a probe). Outside a probe it does nothing: the service checks.
    static func checkRulesWhenProbing(_ check: () throws -> Void) throws {
        guard probing else { return }
        try check()
        throw ProbeDecoded()
    }

    /// The operation context for a service call; 401 when the request is not authenticated.
    static func context() throws -> OperationContext {
        if probing { throw ProbeDecoded() }
        guard let caller = current.caller else { throw RosterError.unauthorized("a bearer token is required") }
        return OperationContext(caller: caller, requestID: current.requestID)
    }

    /// The operation context, for a handler that refused parts of the body itself (`errors`: ids it could not parse):
    /// then, or in a probe, the operation's `rules` run on the rest and every refusal is named in one 422, also beside
    /// what the decoder refused. `rules` must be a pure check, as in `checkRulesWhenProbing`. Unauthenticated: 401 first.
    static func context(refusingTogether errors: inout ValidationErrors, rules: (inout ValidationErrors) -> Void) throws -> OperationContext {
        func refuse() throws {
            guard probing || !errors.errors.isEmpty else { return }
            rules(&errors)
            try errors.throwIfAny()
        }
        try checkRulesWhenProbing(refuse)
        let context = try context()
        try refuse()
        return context
    }
}
