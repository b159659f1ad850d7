import RosterCore

/// The services the API and the CLI call; built once by RosterApp.
public struct Services: Sendable {
    public var tenants: TenantService
    public var parties: PartyService
    public var audit: AuditService
    public var checkReady: @Sendable () async throws -> Void

    public init(tenants: TenantService, parties: PartyService, audit: AuditService,
                checkReady: @escaping @Sendable () async throws -> Void) {
        self.tenants = tenants
        self.parties = parties
        self.audit = audit
        self.checkReady = checkReady
    }
}

