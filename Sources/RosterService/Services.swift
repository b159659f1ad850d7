import RosterCore
import RosterStore

/// The services the API and the CLI call; built once by RosterApp.
public final class Services: Sendable {
    public let tenants: TenantService
    public let parties: PartyService
    public let audit: AuditService
    public let relationships: RelationshipService
    public let tags: TagService
    public let partnerAccounts: PartnerAccountService
    public let users: UserService
    public let segments: SegmentService
    public let dealers: DealerImport
    public let identities: IdentityService
    public let apiKeys: APIKeyService
    public let access: AccessService
    public let provisioning: ProvisioningService
    public let secretKeys: SecretKeyService
    public let consents: ConsentService
    public let compliance: ComplianceService
    public let imports: PartyImportService
    public let relationshipImports: RelationshipImportService
    public let exports: BulkExportService
    public let importJobs: ImportJobService
    public let checkReady: @Sendable () async throws -> Void

    public init(tenants: TenantService, parties: PartyService, audit: AuditService, relationships: RelationshipService,
                tags: TagService, partnerAccounts: PartnerAccountService, users: UserService, segments: SegmentService,
                dealers: DealerImport, identities: IdentityService, apiKeys: APIKeyService, access: AccessService,
                provisioning: ProvisioningService, secretKeys: SecretKeyService, consents: ConsentService, compliance: ComplianceService, imports: PartyImportService,
                relationshipImports: RelationshipImportService, exports: BulkExportService,
                importJobs: ImportJobService, checkReady: @escaping @Sendable () async throws -> Void) {
        self.access = access
        self.provisioning = provisioning
        self.secretKeys = secretKeys
        self.consents = consents
        self.compliance = compliance
        self.imports = imports
        self.relationshipImports = relationshipImports
        self.exports = exports
        self.importJobs = importJobs
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


/// A unique index that refused a concurrent duplicate: the operation runs once more, so that the loser of the race gets
/// the same 409 (with `existingId` where it may read that record) as a sequential duplicate; if the index refuses it
/// again, `conflict`. (Each service answered the race with its `conflict` at once, with no `existingId`, which a
/// PostgreSQL probe found for users, roles, tags and partner accounts.)
func onceMoreOnDuplicate<T>(_ conflict: @autoclosure () -> RosterError, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch StoreError.uniqueViolation {
        do {
            return try await body()
        } catch StoreError.uniqueViolation {
            throw conflict()
        }
    }
}
