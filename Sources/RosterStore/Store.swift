public import Foundation
public import RosterCore

/// The seam between services and databases. A store runs closures inside transactions;
/// every repository method takes the tenant explicitly.
public protocol Store: Sendable {
    /// Runs `body` in a read-write transaction; commits when it returns, rolls back when it throws.
    func write<T: Sendable>(_ body: (any StoreTransaction) async throws -> T) async throws -> T
    /// Runs `body` on a consistent read-only snapshot.
    func read<T: Sendable>(_ body: (any StoreTransaction) async throws -> T) async throws -> T
    /// Throws when the database can't answer (readiness).
    func checkHealth() async throws
    /// Which database this is, for messages and metrics (`sqlite`, `postgres`).
    var kind: String { get }
}

/// All repositories, bound to one transaction.
public protocol StoreTransaction: TenantRepository, PartyRepository, AuditRepository, PlatformTokenRepository {}

/// Failures that the store reports in its own terms; services turn them into `RosterError`.
public enum StoreError: Error, Hashable, Sendable {
    /// A unique constraint refused the write; `constraint` names it when the database says.
    case uniqueViolation(constraint: String?)
    /// The database is unreachable or refused the connection.
    case unavailable(String)
}

public protocol TenantRepository {
    func insertTenant(_ tenant: Tenant) async throws
    func updateTenant(_ tenant: Tenant) async throws
    func tenant(slug: String) async throws -> Tenant?
    func tenant(id: Tenant.ID) async throws -> Tenant?
    /// Tenants ordered by slug, after `afterSlug`.
    func tenants(afterSlug: String?, limit: Int) async throws -> [Tenant]
}

/// Search criteria for parties; `after` is the keyset cursor (ids are time-ordered).
public struct PartyQuery: Sendable, Hashable {
    public var text: String?
    public var kind: Party.Kind?
    public var role: String?
    public var customerType: Party.CustomerType?
    /// `nil` means every state but `deleted`.
    public var state: Party.State?
    public var after: Party.ID?
    public var limit: Int

    public init(text: String? = nil, kind: Party.Kind? = nil, role: String? = nil, customerType: Party.CustomerType? = nil,
                state: Party.State? = nil, after: Party.ID? = nil, limit: Int = 50) {
        self.text = text
        self.kind = kind
        self.role = role
        self.customerType = customerType
        self.state = state
        self.after = after
        self.limit = limit
    }
}

public protocol PartyRepository {
    /// Inserts a party; throws `StoreError.uniqueViolation` when a live party of the same kind has its email or phone.
    func insertParty(_ party: Party) async throws
    /// Writes `party` if the stored version is still `expectedVersion`; returns false otherwise.
    func updateParty(_ party: Party, expectedVersion: Int) async throws -> Bool
    func party(tenant: Tenant.ID, id: Party.ID) async throws -> Party?
    /// Live parties whose normalized email or phone matches; `kind` narrows when given.
    func liveParties(tenant: Tenant.ID, kind: Party.Kind?, emailNormalized: String?, phone: String?) async throws -> [Party]
    func searchParties(tenant: Tenant.ID, query: PartyQuery) async throws -> [Party]
    func appendStateChange(tenant: Tenant.ID, _ change: StateChange) async throws
    func stateHistory(tenant: Tenant.ID, party: Party.ID) async throws -> [StateChange]
    /// Live customers counted by customer type.
    func customerCounts(tenant: Tenant.ID) async throws -> [Party.CustomerType: Int]
}

public protocol AuditRepository {
    /// Appends events to their tenants' chains, in order, and returns the stored entries.
    @discardableResult
    func appendAudit(_ events: [AuditEvent]) async throws -> [AuditEntry]
    /// Entries newest first, before `beforeSeq`, optionally for one target.
    func auditEntries(tenant: Tenant.ID, targetID: String?, beforeSeq: Int64?, limit: Int) async throws -> [AuditEntry]
    /// Entries oldest first after `afterSeq`, for verification.
    func auditChain(tenant: Tenant.ID, afterSeq: Int64, limit: Int) async throws -> [AuditEntry]
    /// The chain head as recorded when the last entry was appended.
    func auditHead(tenant: Tenant.ID) async throws -> (seq: Int64, hash: String)?
}

/// Platform credentials: the bootstrap token and platform API keys, stored as SHA-256 hashes.
public struct PlatformToken: Hashable, Sendable {
    public var id: String
    public var name: String
    public var tokenHash: String
    public var createdAt: Date

    public init(id: String, name: String, tokenHash: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.tokenHash = tokenHash
        self.createdAt = createdAt
    }
}

public protocol PlatformTokenRepository {
    func insertPlatformToken(_ token: PlatformToken) async throws
    func platformToken(hash: String) async throws -> PlatformToken?
    func platformTokenCount() async throws -> Int
}
