import RosterCore

/// The services the API and the CLI call; built once by RosterApp.
public struct Services: Sendable {
    public var tenants: TenantService
    public var parties: PartyService
    public var audit: AuditService
    public var relationships: RelationshipService
    public var tags: TagService
    public var partnerAccounts: PartnerAccountService
    public var users: UserService
    public var segments: SegmentService
    public var dealers: DealerImport
    public var identities: IdentityService
    public var apiKeys: APIKeyService
    public var access: AccessService
    public var provisioning: ProvisioningService
    public var secretKeys: SecretKeyService
    public var consents: ConsentService
    public var compliance: ComplianceService
    public var checkReady: @Sendable () async throws -> Void

    public init(tenants: TenantService, parties: PartyService, audit: AuditService, relationships: RelationshipService,
                tags: TagService, partnerAccounts: PartnerAccountService, users: UserService, segments: SegmentService,
                dealers: DealerImport, identities: IdentityService, apiKeys: APIKeyService, access: AccessService,
                provisioning: ProvisioningService, secretKeys: SecretKeyService, consents: ConsentService, compliance: ComplianceService, checkReady: @escaping @Sendable () async throws -> Void) {
        self.access = access
        self.provisioning = provisioning
        self.secretKeys = secretKeys
        self.consents = consents
        self.compliance = compliance
        self.users = users
        self.segments = segments
        self.dealers = dealers
        self.identities = identities
        self.apiKeys = apiKeys
        self.tenants = tenants
        self.parties = parties
        self.audit = audit
        self.relationships = relationships
        self.tags = tags
        self.partnerAccounts = partnerAccounts
        self.checkReady = checkReady
    }
}

