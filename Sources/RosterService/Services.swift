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

/// A record an operation read changed before its own write (its version moved on: another transaction committed in
/// between, which PostgreSQL's READ COMMITTED allows). `what` names the record's kind for the answer.
/// A 412 unless `ifMatch` (the version an `If-Match` names; -1: it named no version at all) is the record's `current`
/// version; nothing without one. `what` names the record in the answer ("party", "user", ...).
func requireVersion(_ ifMatch: Int?, is current: Int, of what: String) throws {
    guard let ifMatch, ifMatch != current else { return }
    throw RosterError.preconditionFailed(ifMatch < 0 ? "If-Match names no version of this \(what) (it is at \"\(current)\")"
                                                     : "the \(what) is at version \(current), not \(ifMatch)")
}

struct ChangedMeanwhile: Error {
    let what: String
}

/// Without `If-Match` the operation runs again on the record as it is now: the caller asked for no precondition, and
/// got a 412 for a change it never saw (found by a probe of two servers); with one, 412: the version it named is no
/// longer the record's. Each run loses only to a write that committed: n writers at once take at most n runs; past a
/// few the runs wait a little, at random; a record that keeps changing under it is a 409 after 25.
func againIfChanged<T>(ifMatch: Int?, _ body: () async throws -> T) async throws -> T {
    var runs = 0
    while true {
        do {
            return try await body()
        } catch let changed as ChangedMeanwhile {
            runs += 1
            if ifMatch != nil { throw RosterError.preconditionFailed("the \(changed.what) changed meanwhile; read it again") }
            if runs == 25 { throw RosterError.conflict("the \(changed.what) changed 25 times meanwhile; try again") }
            if runs > 3 { try await Task.sleep(for: .microseconds(Int.random(in: 100...2_000))) }
        }
    }
}
