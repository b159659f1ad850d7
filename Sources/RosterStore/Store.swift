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
    /// SQLite: copies the write-ahead log into the database file and empties the log, so that content deleted with
    /// `secure_delete` leaves no copy on disk (run after an erasure). PostgreSQL: nothing (docs/compliance.md).
    func checkpoint() async throws
}

/// All repositories, bound to one transaction.
public protocol StoreTransaction: TenantRepository, PartyRepository, AuditRepository, PlatformTokenRepository,
    RelationshipRepository, TagRepository, PartnerAccountRepository, UserRepository, SegmentRepository, APIKeyRepository,
    AccessRoleRepository, ProvisioningRepository, AccessGraphRepository, ConsentRepository,
    ErasureRepository, ImportJobRepository, MergeRepository {
    /// Runs `body` inside a savepoint: when it throws, what it wrote is undone, the transaction goes on, and the error
    /// comes out in the store's terms (`StoreError`) when it is one of the store's.
    func savepoint<T: Sendable>(_ body: () async throws -> T) async throws -> T
}

/// Failures that the store reports in its own terms; services turn them into `RosterError`.
public enum StoreError: Error, Hashable, Sendable, RosterErrorConvertible {
    /// A unique constraint refused the write; `constraint` names it when the database says.
    case uniqueViolation(constraint: String?)
    /// The database is unreachable or refused the connection.
    case unavailable(String)

    /// A row refers to one that no longer exists (a party erased while a write that refers to it waited).
    case missingReference
    /// The database gave the transaction up for a concurrent one (a deadlock); the caller may try again.
    case concurrentWrite

    /// What a client is told when no service turned it into something more precise.
    public var rosterError: RosterError {
        switch self {
        case .missingReference: .notFound("a record this refers to no longer exists")
        case .concurrentWrite: .conflict("a concurrent change to the same records won; try again")
        case .uniqueViolation: .conflict("a record with these values exists")
        case .unavailable(let detail): .unavailable(detail)
        }
    }
}

public protocol TenantRepository {
    func insertTenant(_ tenant: Tenant) async throws
    /// Writes `tenant`, whose version the caller moved on by one, if the stored tenant is still at the version before;
    /// false when another transaction changed it meanwhile (two PATCHes, or a PATCH and a suspension, on PostgreSQL:
    /// the later write undid the other's change).
    func updateTenant(_ tenant: Tenant) async throws -> Bool
    func tenant(slug: String) async throws -> Tenant?
    func tenant(id: Tenant.ID) async throws -> Tenant?
    /// Tenants ordered by slug, after `afterSlug`.
    func tenants(afterSlug: String?, limit: Int) async throws -> [Tenant]
}

/// Search criteria for parties; `after` is the keyset cursor (ids are time-ordered).
/// A list that may be limited to subtrees (`within`) or to given parties (`members`), in party id order after a cursor.
public protocol ScopedListQuery: Sendable {
    var within: [Subtree]? { get set }
    var members: [Party.ID]? { get set }
    var after: Party.ID? { get set }
    var limit: Int { get set }
}

public struct PartyQuery: ScopedListQuery, Hashable {
    public var text: String?
    public var kind: Party.Kind?
    public var role: String?
    public var customerType: Party.CustomerType?
    /// `nil` means every state but `deleted`.
    public var state: Party.State?
    /// Lower-cased tag text.
    public var tag: String?
    /// Customers of this partner: children over `partnership` edges.
    public var partnerID: Party.ID?
    /// Only parties in these subtrees; `nil` for the whole tenant.
    public var within: [Subtree]?
    /// The instant at which `within` and `partnerID` look at edges (only those in force then count); now when nil.
    public var scopeAt: Date?
    /// `within` over the edges as recorded at this instant (their history); as they stand when nil.
    public var scopeAsOf: Date?
    /// Only these parties (a scope's members, read from the access graph); every one when nil.
    public var members: [Party.ID]?
    public var after: Party.ID?
    public var limit: Int
    /// With `text` typed as a phone, the stored digits it stands for (`PhoneNumber.searchPrefix`): also searched.
    public var phonePrefix: String?

    public init(text: String? = nil, kind: Party.Kind? = nil, role: String? = nil, customerType: Party.CustomerType? = nil,
                state: Party.State? = nil, tag: String? = nil, partnerID: Party.ID? = nil, after: Party.ID? = nil, limit: Int = 50) {
        self.text = text
        self.kind = kind
        self.role = role
        self.customerType = customerType
        self.state = state
        self.tag = tag
        self.partnerID = partnerID
        self.after = after
        self.limit = limit
    }
}

/// A key the live-unique indexes hold: a kind with a normalized email, or with phone digits.
public enum LiveKey: Hashable, Sendable {
    case email(Party.Kind, String)
    case phone(Party.Kind, String)
}

public protocol PartyRepository {
    /// Inserts a party; throws `StoreError.uniqueViolation` when a live party of the same kind has its email or phone.
    func insertParty(_ party: Party) async throws
    /// Writes `party` if the stored version is still `expectedVersion`; returns false otherwise.
    func updateParty(_ party: Party, expectedVersion: Int) async throws -> Bool
    func party(tenant: Tenant.ID, id: Party.ID) async throws -> Party?
    /// The tenant by slug and, when it holds one with this id, the party with its tags: in one statement on PostgreSQL,
    /// where each statement is a round trip (a read of a party is both). Nil when there is no such tenant.
    func tenant(slug: String, withParty id: Party.ID) async throws -> (tenant: Tenant, party: Party?)?
    /// Whether the tenant holds a party with this id, in any state: a probe of the primary key, nothing read.
    func partyExists(tenant: Tenant.ID, id: Party.ID) async throws -> Bool
    /// Live parties whose normalized email or phone matches; `kind` narrows when given.
    func liveParties(tenant: Tenant.ID, kind: Party.Kind?, emailNormalized: String?, phone: String?) async throws -> [Party]
    func searchParties(tenant: Tenant.ID, query: PartyQuery) async throws -> [Party]
    /// The ids `searchParties` would answer, without reading the parties.
    func searchPartyIDs(tenant: Tenant.ID, query: PartyQuery) async throws -> [Party.ID]
    /// The property keys of the parties that are not deleted (in these subtrees, when given), sorted: the columns of a
    /// CSV export.
    func propertyKeys(tenant: Tenant.ID, within: [Subtree]?) async throws -> [String]
    /// How many parties are not deleted (in these subtrees, when given).
    func partyCount(tenant: Tenant.ID, within: [Subtree]?) async throws -> Int
    /// The parties that are not deleted and share a normalized email or phone with another, or (persons) a first and
    /// last name and a parent organization, or (organizations) a name: each with the reason and the shared key.
    func duplicateCandidates(tenant: Tenant.ID) async throws -> [DuplicateCandidate]
    /// These parties (those that exist), with their tags, in id order.
    func parties(tenant: Tenant.ID, ids: [Party.ID]) async throws -> [Party]
    /// The parties merged into this one (state `merged`, `mergedInto` it), in id order.
    func partiesMerged(into id: Party.ID, tenant: Tenant.ID) async throws -> [Party]
    func appendStateChange(tenant: Tenant.ID, _ change: StateChange) async throws
    /// Inserts new parties with their roles, their first state history entries and their tags, a few multi-row
    /// statements for all (a bulk import's batch). The caller has checked that no live party holds their keys; one does
    /// if a concurrent writer made it meanwhile: then `StoreError.uniqueViolation`, and the transaction must end.
    func insertParties(_ parties: [Party], history: [StateChange], tags: [(party: Party.ID, tag: Tag.ID)]) async throws
    /// Has the database look at the party tables again (PostgreSQL: `ANALYZE`; SQLite: nothing), after a bulk import
    /// grew them: PostgreSQL plans a foreign key's check once per connection, and one planned while `parties` was
    /// nearly empty went through the tenant's `customer_type` index and read every party of the tenant per row.
    func refreshPartyStatistics() async throws
    /// Which of these keys (normalized emails, phone digits) a live party of the tenant holds, with its kind.
    func liveKeys(tenant: Tenant.ID, emailKeys: [String], phones: [String]) async throws -> Set<LiveKey>
    /// The live parties of the tenant holding these keys, each with the key it holds (a party may come twice, by its
    /// email and by its phone): how a relationship import's batch finds the parties its rows name.
    func liveHolders(tenant: Tenant.ID, emailKeys: [String], phones: [String]) async throws -> [(id: Party.ID, key: LiveKey)]
    /// The party's state changes, oldest first: after the change `after` (a page's cursor), at most `limit` of them.
    func stateHistory(tenant: Tenant.ID, party: Party.ID, after: StateChange.ID?, limit: Int?) async throws -> [StateChange]
    /// Live customers counted by customer type.
    func customerCounts(tenant: Tenant.ID) async throws -> [Party.CustomerType: Int]
    /// Live organizations whose email domains include `domain`.
    func organizations(tenant: Tenant.ID, claimingDomain domain: String) async throws -> [Party.ID]
    /// Live organizations whose name is exactly `name`.
    func liveOrganizations(tenant: Tenant.ID, named name: String) async throws -> [Party]
    /// Every live organization of the tenant with a name: its id and name.
    func liveOrganizationNames(tenant: Tenant.ID) async throws -> [(id: Party.ID, name: String)]
    /// Live organizations whose name has the search key (`Text.searchKey`: case and accents aside) of one of these, with
    /// their tags: the caller compares the names as it needs (exactly, as a reference; as a pseudonym, in a masked export).
    func liveOrganizations(tenant: Tenant.ID, named names: Set<String>) async throws -> [Party]
    /// Parents over edges of `type` in force at `at` (live parents), e.g. the partners of a customer.
    func parents(tenant: Tenant.ID, of child: Party.ID, type: String, at: Date) async throws -> [Party]
}

public protocol AuditRepository {
    /// Appends events to their tenants' chains, in order. They are written when the transaction commits, after
    /// everything else it did (one head update and one multi-row insert per tenant, however many calls queued them;
    /// on PostgreSQL the chain's row lock is held only for that last moment). Undone with the transaction, or with
    /// the savepoint they were queued in.
    func appendAudit(_ events: [AuditEvent]) async throws
    /// Entries newest first, before `beforeSeq`, those `filter` admits.
    func auditEntries(tenant: Tenant.ID, filter: AuditFilter, beforeSeq: Int64?, limit: Int) async throws -> [AuditEntry]
    /// Every entry whose target is one of `targets`, in no particular order.
    func auditEntries(tenant: Tenant.ID, targets: Set<String>) async throws -> [AuditEntry]
    /// The `limit` newest entries whose target is one of `targets` and that are no routine read, newest first.
    func recentChanges(tenant: Tenant.ID, targets: Set<String>, limit: Int) async throws -> [AuditEntry]
    /// Entries oldest first after `afterSeq`, for verification.
    func auditChain(tenant: Tenant.ID, afterSeq: Int64, limit: Int) async throws -> [AuditEntry]
    /// The chain head as recorded when the last entry was appended.
    func auditHead(tenant: Tenant.ID) async throws -> (seq: Int64, hash: String)?
    /// The end of the prefix a verification found intact, if one ran.
    func auditCheckpoint(tenant: Tenant.ID) async throws -> (seq: Int64, hash: String)?
    func saveAuditCheckpoint(tenant: Tenant.ID, seq: Int64, hash: String, at: Date) async throws
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
    func platformTokens() async throws -> [PlatformToken]
    /// Returns false when there is no token with this id.
    func deletePlatformToken(id: String) async throws -> Bool
}

public struct RelationshipQuery: Sendable, Hashable {
    /// Edges where this party is the parent or the child.
    public var partyID: Party.ID?
    /// Edges down from this party.
    public var parentID: Party.ID?
    /// Edges up from any of these parties.
    public var childIDs: [Party.ID]?
    public var type: String?
    public var role: String?
    public var after: Relationship.ID?
    public var limit: Int

    public init(partyID: Party.ID? = nil, parentID: Party.ID? = nil, childIDs: [Party.ID]? = nil, type: String? = nil, role: String? = nil,
                after: Relationship.ID? = nil, limit: Int = 50) {
        self.partyID = partyID
        self.parentID = parentID
        self.childIDs = childIDs
        self.type = type
        self.role = role
        self.after = after
        self.limit = limit
    }
}

/// One row of the closure table: `paths` distinct paths of length `depth` from ancestor to descendant.
public struct ClosureRow: Hashable, Sendable {
    public var type: String
    public var ancestor: Party.ID
    public var descendant: Party.ID
    public var depth: Int
    public var paths: Int64

    public init(type: String, ancestor: Party.ID, descendant: Party.ID, depth: Int, paths: Int64) {
        self.type = type
        self.ancestor = ancestor
        self.descendant = descendant
        self.depth = depth
        self.paths = paths
    }
}

/// How hierarchy queries are answered: the closure table, or a recursive query over the edges
/// (the baseline the benchmark compares with, and the way for "any type").
public enum HierarchyStrategy: Sendable {
    case closure, recursive
}

public protocol RelationshipRepository {
    /// Serializes the changes to one (tenant, type) hierarchy until the transaction ends, so that concurrent edge
    /// inserts can't together close a cycle nor leave the closure table behind the edges. Taken before the cycle check.
    func lockHierarchy(tenant: Tenant.ID, type: String) async throws
    /// Inserts the edge and updates the closure table of its type in the same transaction.
    func insertRelationship(_ relationship: Relationship) async throws
    /// Inserts edges in order, each as `insertRelationship` does (the closure table grows edge by edge, so that each sees
    /// those before it; the edges, their history and their access changes then go in a few multi-row statements), and
    /// stops before the first edge that would close a cycle of its type or join more paths than the closure counts:
    /// how many were inserted. The caller holds the lock of every type and has checked the parties (a bulk import).
    func insertRelationships(_ relationships: [Relationship]) async throws -> Int
    /// Deletes the edge and removes exactly the paths that went through it.
    func deleteRelationship(tenant: Tenant.ID, id: Relationship.ID) async throws -> Relationship?
    func relationship(tenant: Tenant.ID, id: Relationship.ID) async throws -> Relationship?
    func relationship(tenant: Tenant.ID, parent: Party.ID, child: Party.ID, type: String) async throws -> Relationship?
    /// The edges of `type` up from these children, whatever their parents and windows.
    func relationships(tenant: Tenant.ID, type: String, children: [Party.ID]) async throws -> [Relationship]
    func relationships(tenant: Tenant.ID, query: RelationshipQuery) async throws -> [Relationship]
    /// The edges these parties were in (as parent or child) that were removed since, from the recorded history.
    func removedRelationships(tenant: Tenant.ID, parties: [Party.ID]) async throws -> [Relationship]
    /// Whether `descendant` is reachable from `ancestor` over edges of `type`.
    /// `at`: over the edges in force at that instant (see `Relationship.isInForce`); nil: over every edge, whatever
    /// its window (the cycle check, and `includeInactive=true`).
    func isDescendant(tenant: Tenant.ID, _ descendant: Party.ID, of ancestor: Party.ID, type: String,
                      strategy: HierarchyStrategy, at: Date?) async throws -> Bool
    /// Direct children over edges of `type` (any type when nil) in force at `at` (every edge when nil), live parties,
    /// keyset by party id.
    /// `asOf`: over the edges as they were recorded at that instant (edges removed since count, edges made later do
    /// not; read from the edges' history); nil: over the edges as they stand.
    func children(tenant: Tenant.ID, of parent: Party.ID, type: String?, at: Date?, asOf: Date?, after: Party.ID?,
                  limit: Int) async throws -> [HierarchyEntry]
    /// Everything below (or above) a party over edges in force at `at` (every edge when nil), with the shortest depth,
    /// live parties, keyset by party id; `asOf` as for `children`.
    func descendants(tenant: Tenant.ID, of party: Party.ID, type: String?, strategy: HierarchyStrategy, at: Date?, asOf: Date?,
                     after: Party.ID?, limit: Int) async throws -> [HierarchyEntry]
    func ancestors(tenant: Tenant.ID, of party: Party.ID, type: String?, strategy: HierarchyStrategy, at: Date?, asOf: Date?,
                   after: Party.ID?, limit: Int) async throws -> [HierarchyEntry]
    /// The closure rows of one type, for verification against the edges.
    func closureRows(tenant: Tenant.ID, type: String) async throws -> [ClosureRow]
}

public protocol TagRepository {
    func insertTag(_ tag: Tag) async throws
    func tag(tenant: Tenant.ID, id: Tag.ID) async throws -> Tag?
    func tag(tenant: Tenant.ID, text: String) async throws -> Tag?
    /// Every tag with the number of live parties carrying it, by text.
    func tagUsage(tenant: Tenant.ID) async throws -> [TagUsage]
    /// Which live parties carry which tag (what a caller scoped to subtrees may count of a tag's usage).
    func taggedParties(tenant: Tenant.ID) async throws -> [(tag: Tag.ID, party: Party.ID)]
    /// Returns false when the party already had the tag.
    func attachTag(tenant: Tenant.ID, party: Party.ID, tag: Tag.ID) async throws -> Bool
    /// Returns false when the party did not have the tag.
    func detachTag(tenant: Tenant.ID, party: Party.ID, tag: Tag.ID) async throws -> Bool
    /// A change to the party that its row does not hold (its tags): `version` + 1 and `updatedAt`, so that its ETag and
    /// an `If-Match` see it. `expectedVersion`: only if the party is at that version, decided in the same statement
    /// (an `If-Match` read before a concurrent change let both changes through on PostgreSQL; found by a probe); false
    /// when it is not.
    func touchParty(tenant: Tenant.ID, id: Party.ID, at: Date, expectedVersion: Int?) async throws -> Bool
    func tags(tenant: Tenant.ID, parties: [Party.ID]) async throws -> [Party.ID: [Tag]]
}

extension TagRepository {
    /// `touchParty` whatever the party's version.
    public func touchParty(tenant: Tenant.ID, id: Party.ID, at: Date) async throws {
        _ = try await touchParty(tenant: tenant, id: id, at: at, expectedVersion: nil)
    }
}

/// A partner account as stored: the secret sealed with AES-GCM (nonce, ciphertext and tag, base64).
public struct StoredPartnerAccount: Hashable, Sendable {
    public var account: PartnerAccount
    public var sealedSecret: String

    public init(account: PartnerAccount, sealedSecret: String) {
        self.account = account
        self.sealedSecret = sealedSecret
    }
}

public struct PartnerAccountQuery: Sendable, Hashable {
    public var partnerID: Party.ID?
    public var customerID: Party.ID?
    public var active: Bool?
    public var after: PartnerAccount.ID?
    public var limit: Int

    public init(partnerID: Party.ID? = nil, customerID: Party.ID? = nil, active: Bool? = nil, after: PartnerAccount.ID? = nil,
                limit: Int = 50) {
        self.partnerID = partnerID
        self.customerID = customerID
        self.active = active
        self.after = after
        self.limit = limit
    }
}

public protocol PartnerAccountRepository {
    /// Throws `StoreError.uniqueViolation` when the partner already has an account for the customer.
    func insertPartnerAccount(_ stored: StoredPartnerAccount) async throws
    func partnerAccount(tenant: Tenant.ID, id: PartnerAccount.ID) async throws -> StoredPartnerAccount?
    func partnerAccount(tenant: Tenant.ID, partner: Party.ID, customer: Party.ID) async throws -> PartnerAccount?
    func partnerAccounts(tenant: Tenant.ID, query: PartnerAccountQuery) async throws -> [PartnerAccount]
    func updatePartnerAccountSecret(tenant: Tenant.ID, id: PartnerAccount.ID, sealedSecret: String) async throws
    /// Writes the account's username, secret, active flag, `updatedAt` and version where it is still at `expectedVersion`;
    /// false when it is not (changed meanwhile) or gone.
    /// `secretChanged`: the sealed secret is written too; else the stored one stays (a rotation may have resealed it
    /// since it was read).
    func updatePartnerAccount(_ stored: StoredPartnerAccount, expectedVersion: Int, secretChanged: Bool) async throws -> Bool
    /// Deletes the account, keeping which parties it joined (`removedPartnerAccounts`); false when there was none.
    func deletePartnerAccount(tenant: Tenant.ID, id: PartnerAccount.ID) async throws -> Bool
    /// The deleted accounts these parties were in, as partner or customer (ids only).
    func removedPartnerAccounts(tenant: Tenant.ID, parties: [Party.ID]) async throws -> [RemovedPartnerAccount]
    /// Maintenance across tenants (the secret key's check at start): up to `limit` sealed secrets, those not bound to
    /// their row first (`boundPrefix`), as (tenant, account, sealed).
    func sealedSecrets(notStartingWith boundPrefix: String, limit: Int) async throws -> [(Tenant.ID, PartnerAccount.ID, String)]
    func anySealedSecret() async throws -> (Tenant.ID, PartnerAccount.ID, String)?
    /// Maintenance across tenants (the secret key's rotation): up to `limit` sealed secrets in the order of (tenant,
    /// account), those after `after` (from the first when `nil`), as (tenant, account, sealed).
    func sealedSecrets(after: (Tenant.ID, PartnerAccount.ID)?, limit: Int) async throws -> [(Tenant.ID, PartnerAccount.ID, String)]
    /// Settings of the installation, not of a tenant (the secret key's check value).
    func installationSetting(_ name: String) async throws -> String?
    /// The setting, its row locked until the transaction ends (PostgreSQL; SQLite's one writer serializes anyway):
    /// `exclusive` against every other lock of it, else shared with other shared locks (the secret key's check value:
    /// a rotation takes it exclusively, a transaction that seals or opens a secret shared).
    func lockedInstallationSetting(_ name: String, exclusive: Bool) async throws -> String?
    func saveInstallationSetting(_ name: String, value: String) async throws
}

public struct UserQuery: Sendable, Hashable {
    public var role: User.Role?
    public var isActive: Bool?
    /// Prefix of the email, display name or employee id (any case).
    public var text: String?
    /// Only users in this segment (active, any rule matching).
    public var segment: Segment?
    public var after: User.ID?
    public var limit: Int

    public init(role: User.Role? = nil, isActive: Bool? = nil, text: String? = nil, segment: Segment? = nil, after: User.ID? = nil,
                limit: Int = 50) {
        self.role = role
        self.isActive = isActive
        self.text = text
        self.segment = segment
        self.after = after
        self.limit = limit
    }
}

public protocol UserRepository {
    /// Throws `StoreError.uniqueViolation` for a taken email, (issuer, subject) or party.
    func insertUser(_ user: User) async throws
    func updateUser(_ user: User, expectedVersion: Int) async throws -> Bool
    func user(tenant: Tenant.ID, id: User.ID) async throws -> User?
    func user(tenant: Tenant.ID, emailNormalized: String) async throws -> User?
    func user(tenant: Tenant.ID, issuer: String, subject: String) async throws -> User?
    func user(tenant: Tenant.ID, party: Party.ID) async throws -> User?
    func users(tenant: Tenant.ID, query: UserQuery) async throws -> [User]
}

public protocol SegmentRepository {
    /// The tenant's own definition; `nil` when it has none (built-in segments then apply).
    func segment(tenant: Tenant.ID, name: String) async throws -> Segment?
    func saveSegment(tenant: Tenant.ID, _ segment: Segment) async throws
    /// The tenant's own definitions by name, after `after`, at most `limit`.
    func segments(tenant: Tenant.ID, after: String?, limit: Int) async throws -> [Segment]
    /// Removes the tenant's own definition; false when it had none.
    func deleteSegment(tenant: Tenant.ID, name: String) async throws -> Bool
}

public protocol APIKeyRepository {
    func insertAPIKey(_ key: APIKey, hash: String) async throws
    /// A live (not revoked) key by the hash of its secret, with its tenant's slug.
    func apiKey(hash: String) async throws -> (key: APIKey, tenantSlug: String)?
    func apiKeys(tenant: Tenant.ID) async throws -> [APIKey]
    func apiKey(tenant: Tenant.ID, id: APIKey.ID) async throws -> APIKey?
    /// Returns false when there is no live key with this id.
    func revokeAPIKey(tenant: Tenant.ID, id: APIKey.ID, at: Date) async throws -> Bool
}

public protocol AccessRoleRepository {
    /// Throws `StoreError.uniqueViolation` for a taken name.
    func insertRole(_ role: AccessRole) async throws
    func role(tenant: Tenant.ID, id: AccessRole.ID) async throws -> AccessRole?
    /// The live role, held against its deletion until the transaction ends (PostgreSQL: a share lock on its row; SQLite's
    /// one writer serializes already): a grant or a key that names it commits before a concurrent delete removes what
    /// holds it, or finds it gone (a grant raced a delete and outlived the role; found by a probe).
    func lockedRole(tenant: Tenant.ID, id: AccessRole.ID) async throws -> AccessRole?
    func roles(tenant: Tenant.ID) async throws -> [AccessRole]
    /// Deletes a live role and ends every grant of it (its history keeps both, for "as of" answers); false when there is none.
    func deleteRole(tenant: Tenant.ID, id: AccessRole.ID) async throws -> Bool
    /// Grants the role for `window`, or gives a held grant that window; false when the user already had the role with it.
    func grantRole(tenant: Tenant.ID, user: User.ID, role: AccessRole.ID, window: ValidityWindow) async throws -> Bool
    /// Returns false when the user did not have the role.
    func revokeRole(tenant: Tenant.ID, user: User.ID, role: AccessRole.ID) async throws -> Bool
    /// Every role the user was granted, in force or not, with each grant's window, by role name.
    func grants(tenant: Tenant.ID, user: User.ID) async throws -> [RoleGrant]
    /// The access graph as it stood at `asOf`, from the history of edges and grants: the roles that existed then, the
    /// grants `user` held then, and the edges recorded then on the way up from `parties` (in force or not; decisions
    /// look at windows themselves). Enough to decide for that user on those parties as of that instant.
    func accessGraph(tenant: Tenant.ID, user: User.ID, above parties: [Party.ID], asOf: Date) async throws -> AccessGraph
    /// Those of `ids` (in any state) that are one of the subtrees' organizations or below one, over edges in force at `at`.
    func visibleParties(tenant: Tenant.ID, among ids: [Party.ID], within subtrees: [Subtree], at: Date) async throws -> Set<Party.ID>
}

/// Provisioning workflows (one per tenant), their leases, and the idempotency keys of `POST /v1/tenants`.
public protocol ProvisioningRepository {
    func insertProvisioning(tenant: Tenant.ID, _ state: Provisioning) async throws
    func provisioning(tenant: Tenant.ID) async throws -> (state: Provisioning, version: Int)?
    /// Writes the state if its version is still `expectedVersion` and, with an `owner`, the lease is still its;
    /// `release`: and gives the lease up in the same statement.
    func updateProvisioning(tenant: Tenant.ID, _ state: Provisioning, expectedVersion: Int, owner: String?, release: Bool) async throws -> Bool
    /// Takes the workflow's lease when it is free, expired, or already `owner`'s.
    func claimProvisioning(tenant: Tenant.ID, owner: String, until: Date, now: Date) async throws -> Bool
    func releaseProvisioning(tenant: Tenant.ID, owner: String) async throws
    /// Workflows with work due by `now` whose lease is free, oldest first.
    func dueProvisioning(now: Date, limit: Int) async throws -> [Tenant.ID]
    func pendingProvisioningCount() async throws -> Int
    /// Serializes the requests that carry `key` until the transaction ends: the key is unique per tenant in the
    /// schema (its keys start with `tenant_id`), so the check-then-insert of a new key needs this to stay unique.
    func lockIdempotencyKey(_ key: String) async throws
    func idempotencyKey(_ key: String) async throws -> (requestHash: String, tenantID: Tenant.ID, expiresAt: Date)?
    /// Throws `StoreError.uniqueViolation` when the key is taken.
    func insertIdempotencyKey(_ key: String, requestHash: String, tenant: Tenant.ID, expiresAt: Date) async throws
    /// Forgets keys expired by `now`: all of them, or only `key`.
    func deleteExpiredIdempotencyKeys(now: Date, key: String?) async throws
    /// Deletes a party that nothing links to yet (no edges, accounts or user), with what cascades from it (roles, tags,
    /// history): undoing the step that made it. Throws when something still refers to it.
    func deleteUnlinkedParty(tenant: Tenant.ID, id: Party.ID) async throws
    func deleteUser(tenant: Tenant.ID, id: User.ID) async throws
}

/// What access decisions read, kept in memory (`AccessIndex`): the graph, and the record of changes every process
/// replays to catch up.
public protocol AccessGraphRepository {
    /// The tenant's access graph, at least as new as `tenant.accessVersion` (the version this transaction read).
    func accessGraph(for tenant: Tenant) async throws -> AccessIndex.TenantGraph
    /// Forgets recorded changes made before `before`; a process whose graph is older then loads it whole.
    func pruneAccessChanges(before: Date) async throws
}

extension AccessRoleRepository {
    /// Every role the user was granted, in force or not (what managing the user must cover), by name.
    public func roles(tenant: Tenant.ID, user: User.ID) async throws -> [AccessRole] {
        try await grants(tenant: tenant, user: user).map(\.role)
    }
}

extension RelationshipRepository {
    public func children(tenant: Tenant.ID, of parent: Party.ID, type: String?, at: Date?, after: Party.ID?,
                         limit: Int) async throws -> [HierarchyEntry] {
        try await children(tenant: tenant, of: parent, type: type, at: at, asOf: nil, after: after, limit: limit)
    }

    public func descendants(tenant: Tenant.ID, of party: Party.ID, type: String?, strategy: HierarchyStrategy, at: Date?,
                            after: Party.ID?, limit: Int) async throws -> [HierarchyEntry] {
        try await descendants(tenant: tenant, of: party, type: type, strategy: strategy, at: at, asOf: nil, after: after, limit: limit)
    }

    public func ancestors(tenant: Tenant.ID, of party: Party.ID, type: String?, strategy: HierarchyStrategy, at: Date?,
                          after: Party.ID?, limit: Int) async throws -> [HierarchyEntry] {
        try await ancestors(tenant: tenant, of: party, type: type, strategy: strategy, at: at, asOf: nil, after: after, limit: limit)
    }
}

/// Parties whose current consent for a purpose has a status.
public struct ConsentMatchQuery: ScopedListQuery, Hashable {
    public var purpose: String
    public var status: Consent.Status
    /// Only parties in these subtrees; `nil` for the whole tenant.
    public var within: [Subtree]?
    /// Only these parties (a scope's members, read from the access graph); every one when nil.
    public var members: [Party.ID]?
    public var after: Party.ID?
    public var limit: Int

    public init(purpose: String, status: Consent.Status, within: [Subtree]? = nil, after: Party.ID? = nil, limit: Int = 50) {
        self.purpose = purpose
        self.status = status
        self.within = within
        self.after = after
        self.limit = limit
    }
}

public protocol ConsentRepository {
    /// Appends an entry; it becomes the current one for its (party, purpose) when it supersedes the current one
    /// (`Consent.supersedes`), decided by the database so that concurrent appends end with the right one.
    func appendConsent(_ consent: Consent) async throws
    /// A party's ledger in the order it was recorded, after `after`; `purpose` narrows.
    func consents(tenant: Tenant.ID, party: Party.ID, purpose: String?, after: Consent.ID?, limit: Int) async throws -> [Consent]
    /// The current entry of each purpose a party has entries for, by purpose.
    func currentConsents(tenant: Tenant.ID, party: Party.ID) async throws -> [Consent]
    /// Live parties whose current consent matches, by party id, each with that entry.
    func consentMatches(tenant: Tenant.ID, query: ConsentMatchQuery) async throws -> [ConsentMatch]
}


/// What the erasure of a party (GDPR) removes besides the rows that go with the party by `ON DELETE CASCADE`.
public protocol ErasureRepository {
    /// Locks the party's row until the transaction ends (PostgreSQL), so that a write that refers to it waits and
    /// then finds it gone; returns false when it does not exist.
    func lockPartyForErasure(tenant: Tenant.ID, id: Party.ID) async throws -> Bool
    /// PostgreSQL: a key-share lock on these parties' rows (those that exist) until the transaction ends, for a writer
    /// about to refer to them: it waits for a delete or an erasure holding one, and what it reads of them afterwards is
    /// what that left. SQLite (one writer): nothing.
    func lockPartiesForReference(tenant: Tenant.ID, _ ids: [Party.ID]) async throws
    /// Removes the party's row; its roles, tags, state history, consents and domains go with it.
    func deleteErasedParty(tenant: Tenant.ID, id: Party.ID) async throws
    /// Removes the partner accounts the party is in (as partner or customer), and what is kept of those deleted before;
    /// returns how many.
    func deletePartnerAccounts(tenant: Tenant.ID, party: Party.ID) async throws -> Int
    /// Removes the recorded history of the party's edges (answers "as of" a past instant then leave it out).
    func deleteRelationshipHistory(tenant: Tenant.ID, party: Party.ID) async throws
    /// Removes a user erased with its person, with its grant history.
    func deleteErasedUser(tenant: Tenant.ID, id: User.ID) async throws
    /// The roles scoped to this organization.
    func roles(tenant: Tenant.ID, scopedTo organization: Party.ID) async throws -> [AccessRole]
    /// Removes the tenant's idempotency keys; with `keeping`, not those of that request hash.
    func deleteIdempotencyKeys(tenant: Tenant.ID, keeping requestHash: String?) async throws
    /// How far earlier runs of the import file `digest` got.
    func importProgress(tenant: Tenant.ID, digest: String) async throws -> ImportProgress?
    /// Moves the progress from `from` to `to` if it still is `from` (another run of the file moved it: false). `reset`
    /// sets it whatever it was (a run from the start).
    func advanceImportProgress(tenant: Tenant.ID, digest: String, from: ImportProgress, to: ImportProgress, fromStart reset: Bool,
                               at: Date) async throws -> Bool
    /// The types of the tenant's edges.
    func relationshipTypes(tenant: Tenant.ID) async throws -> [String]
    /// When the party last moved to `deleted`, if that is its state.
    func deletedSince(tenant: Tenant.ID, id: Party.ID) async throws -> Date?
    /// Parties `deleted` since `cutoff` or earlier (by their last move to `deleted`), by id, after `after`.
    func partiesDeleted(tenant: Tenant.ID, before cutoff: Date, after: Party.ID?, limit: Int) async throws -> [Party.ID]
}

/// How far the runs of one import file got: rows committed, and of those refused.
public struct ImportProgress: Hashable, Sendable {
    public var rows: Int
    public var refused: Int

    public init(rows: Int, refused: Int) {
        self.rows = rows
        self.refused = refused
    }
}

/// An import posted over HTTP (`POST .../imports`), run in the background by the process that took it.
public struct ImportJob: Hashable, Sendable {
    public typealias ID = Identifier<ImportJob>

    public enum Kind: String, Sendable, CaseIterable { case parties, relationships }
    public enum Status: String, Sendable { case running, completed, failed }

    public var id: ID
    public var tenantID: Tenant.ID
    public var kind: Kind
    /// `csv` or `jsonl`.
    public var format: String
    public var onDuplicate: String
    public var status: Status
    public var processed = 0
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    public var skipped = 0
    public var refused = 0
    /// Rows an earlier run of the same body committed, passed over.
    public var resumedAfter = 0
    /// Why a failed job stopped (Roster's message, no value).
    public var error: String?
    public var actor: String
    public var createdAt: Date
    /// Moves with every committed batch: a running job whose time stands still was interrupted.
    public var updatedAt: Date
    public var finishedAt: Date?

    public init(id: ID, tenantID: Tenant.ID, kind: Kind, format: String, onDuplicate: String, status: Status, actor: String,
                createdAt: Date) {
        self.id = id
        self.tenantID = tenantID
        self.kind = kind
        self.format = format
        self.onDuplicate = onDuplicate
        self.status = status
        self.actor = actor
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}

/// A refused row of an import job: its number in the file, the field (empty for the whole row) and why.
public struct ImportJobError: Hashable, Sendable {
    public var seq: Int
    public var row: Int
    public var field: String
    public var message: String

    public init(seq: Int, row: Int, field: String, message: String) {
        self.seq = seq
        self.row = row
        self.field = field
        self.message = message
    }
}

public protocol ImportJobRepository {
    /// Serializes the batches of the imports into one tenant until the transaction ends (PostgreSQL; SQLite has one
    /// writer): two imports inserting the same keys in different orders deadlocked. Taken before any other lock.
    func lockImports(tenant: Tenant.ID) async throws
    func insertImportJob(_ job: ImportJob) async throws
    /// Writes the job's counters, status, error and times.
    func updateImportJob(_ job: ImportJob) async throws
    func importJob(tenant: Tenant.ID, id: ImportJob.ID) async throws -> ImportJob?
    /// The tenant's jobs, newest first, before `before` (a job's id), at most `limit`.
    func importJobs(tenant: Tenant.ID, before: ImportJob.ID?, limit: Int) async throws -> [ImportJob]
    func appendImportJobErrors(tenant: Tenant.ID, job: ImportJob.ID, _ errors: [ImportJobError]) async throws
    /// The refused rows after `afterSeq`, in order.
    func importJobErrors(tenant: Tenant.ID, job: ImportJob.ID, afterSeq: Int?, limit: Int) async throws -> [ImportJobError]
    /// Writes `job` (failed, interrupted) only if it is still running and committed nothing since `cutoff`: a job that
    /// moved on meanwhile is left alone. Returns whether it was written.
    func failStaleImportJob(_ job: ImportJob, cutoff: Date) async throws -> Bool
    /// Removes the tenant's jobs that ended before `before`, with their refused rows; returns how many.
    func pruneImportJobs(tenant: Tenant.ID, endedBefore before: Date) async throws -> Int
}

/// Why parties may be one: the same normalized email, or phone, across kinds (the unique indexes forbid it within one),
/// the same name (persons: first and last name below one organization; organizations: the name).
public enum DuplicateReason: String, Sendable, Hashable, CaseIterable, Comparable {
    case email, phone, name

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A party that shares `key` (for the reason) with at least one other.
public struct DuplicateCandidate: Sendable, Hashable {
    public var reason: DuplicateReason
    public var key: String
    public var id: Party.ID

    public init(reason: DuplicateReason, key: String, id: Party.ID) {
        self.reason = reason
        self.key = key
        self.id = id
    }
}

/// A merge as stored: who survived, every party it involved, and what it changed (`record`, JSON the merge service
/// reads back for undo).
public struct StoredMerge: Sendable, Hashable {
    public typealias ID = Identifier<StoredMerge>

    public var id: ID
    public var tenantID: Tenant.ID
    public var survivorID: Party.ID
    /// The survivor and the merged parties.
    public var partyIDs: [Party.ID]
    public var actor: String
    public var createdAt: Date
    public var undoneAt: Date?
    public var record: String

    public init(id: ID, tenantID: Tenant.ID, survivorID: Party.ID, partyIDs: [Party.ID], actor: String, createdAt: Date,
                undoneAt: Date? = nil, record: String) {
        self.id = id
        self.tenantID = tenantID
        self.survivorID = survivorID
        self.partyIDs = partyIDs
        self.actor = actor
        self.createdAt = createdAt
        self.undoneAt = undoneAt
        self.record = record
    }
}

public protocol MergeRepository {
    func insertMerge(_ merge: StoredMerge) async throws
    func merge(tenant: Tenant.ID, id: StoredMerge.ID) async throws -> StoredMerge?
    /// Marks the merge undone unless it was already, and drops its record (the parties as they were); returns whether
    /// this call did.
    func markMergeUndone(tenant: Tenant.ID, id: StoredMerge.ID, at: Date) async throws -> Bool
    /// Moves these consent entries to `party`, then recomputes the current entry per purpose of `recompute`.
    func moveConsents(tenant: Tenant.ID, ids: [Consent.ID], to party: Party.ID, recompute: [Party.ID]) async throws
    func repointPartnerAccount(tenant: Tenant.ID, id: PartnerAccount.ID, partner: Party.ID, customer: Party.ID) async throws
    /// Erasure: removes every merge that involved the party (their records hold its data); the parties merged into it
    /// become deleted (no survivor, no undo left), version moved on. Returns those parties.
    func deleteMerges(tenant: Tenant.ID, party: Party.ID, at: Date) async throws -> [Party.ID]
}

extension StoreTransaction {
    /// Every state change of the party, oldest first.
    public func stateHistory(tenant: Tenant.ID, party: Party.ID) async throws -> [StateChange] {
        try await stateHistory(tenant: tenant, party: party, after: nil, limit: nil)
    }
}
