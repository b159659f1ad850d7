import Foundation
public import RosterCore
public import RosterStore

/// Search parameters as the API receives them.
public struct PartySearch: Sendable {
    public var q: String?
    public var kind: Party.Kind?
    public var role: String?
    public var customerType: Party.CustomerType?
    public var state: Party.State?
    public var tag: String?
    public var partnerID: Party.ID?
    public var limit: Int?
    public var cursor: String?

    public init(q: String? = nil, kind: Party.Kind? = nil, role: String? = nil, customerType: Party.CustomerType? = nil,
                state: Party.State? = nil, tag: String? = nil, partnerID: Party.ID? = nil, limit: Int? = nil, cursor: String? = nil) {
        self.tag = tag
        self.partnerID = partnerID
        self.q = q
        self.kind = kind
        self.role = role
        self.customerType = customerType
        self.state = state
        self.limit = limit
        self.cursor = cursor
    }
}

/// What `customers/identify` answers.
public struct Identification: Sendable {
    public var party: Party
    public var firstTime: Bool
}

/// What auto-linking did for a new person (DESIGN.md §2 Organizations).
public enum AutoLink: Sendable, Hashable {
    /// Linked to the one organization claiming the email's domain (`employment` / `contact`).
    case linked(organization: Party.ID, relationship: Relationship.ID)
    /// Several organizations claim the domain: no link was made.
    case ambiguous([Party.ID])
}

public struct CreatedParty: Sendable {
    public var party: Party
    public var autoLink: AutoLink?
}

/// Use cases on parties: every rule runs here, inside one transaction with its audit entry.
public struct PartyService: Sendable {
    let store: any Store
    let audit: AuditLog

    public init(store: any Store, audit: AuditLog) {
        self.store = store
        self.audit = audit
    }

    // MARK: Writes

    public func create(tenant slug: String, _ input: PartyInput, context: OperationContext) async throws -> Party {
        try await createLinking(tenant: slug, input, context: context).party
    }

    /// A new party's rules, checked without the database or its tenant: of a phone written without its country code only
    /// its characters (the create knows the tenant's default calling code). The HTTP layer names what they refuse beside
    /// what the decoder refused.
    public static func checkNew(_ input: PartyInput) throws {
        var input = input
        var errors = ValidationErrors()
        if let phone = input.phone, PhoneNumber.needsCallingCode(phone) {
            errors.check { try PhoneNumber.checkWritten(phone) }
            input.phone = nil
        }
        _ = errors.check { try PartyRules.create(input, id: .make(), tenantID: .make(), settings: TenantSettings(), now: Date.rosterNow) }
        try errors.throwIfAny()
    }

    /// Creates a party and, with the tenant's `autoLinkContacts`, links a new person to the organization owning
    /// its email domain, in the same transaction.
    public func createLinking(tenant slug: String, _ input: PartyInput, context: OperationContext) async throws -> CreatedParty {
        try await withDuplicateMapping {
            try await store.write { tx in
                let access = try await TenantAccess.open(tx, slug, context, write: true)
                try access.require("parties.write")
                let tenant = access.tenant
                let party = try PartyRules.create(input, id: .make(), tenantID: tenant.id, settings: tenant.settings, now: Date.rosterNow)
                if Self.linksByDomain(party, in: tenant) {
                    // An edge may follow: its hierarchy lock comes before the audit chain's, as for every edge insert.
                    try await tx.lockHierarchy(tenant: tenant.id, type: Relationship.employment)
                }
                try await access.namingReadable { try await insert(party, tx: tx, context: context) }
                let link = try await Self.autoLink(party, tenant: tenant, tx: tx, context: context)
                return CreatedParty(party: party, autoLink: link)
            }
        }
    }

    /// Creates many parties in one transaction, each with its rules, history and audit entry (bulk loads, benchmarks).
    /// All or none: the first invalid or duplicate party fails the batch.
    public func createBatch(tenant slug: String, _ inputs: [PartyInput], context: OperationContext) async throws -> [Party] {
        try await withDuplicateMapping {
            try await store.write { tx in
                let access = try await TenantAccess.open(tx, slug, context, write: true)
                try access.require("parties.write")
                let tenant = access.tenant
                var made: [Party] = []
                made.reserveCapacity(inputs.count)
                for input in inputs {
                    let party = try PartyRules.create(input, id: .make(), tenantID: tenant.id, settings: tenant.settings, now: Date.rosterNow)
                    try await access.namingReadable { try await insert(party, tx: tx, context: context) }
                    made.append(party)
                }
                return made
            }
        }
    }

    /// Whether the tenant links this party to an organization by its email's domain when it is made (`autoLinkContacts`).
    static func linksByDomain(_ party: Party, in tenant: Tenant) -> Bool {
        tenant.settings.autoLinkContacts && party.kind == .person && party.email != nil
    }

    /// Links a person just inserted to the one live organization claiming its email's domain (`autoLinkContacts`), in the
    /// caller's transaction, which took the employment hierarchy's lock before the party's audit entry (POST .../parties
    /// and the party import both).
    static func autoLink(_ party: Party, tenant: Tenant, tx: any StoreTransaction, context: OperationContext) async throws -> AutoLink? {
        guard tenant.settings.autoLinkContacts, party.kind == .person, let domain = party.email?.domain else { return nil }
        let organizations = try await tx.organizations(tenant: tenant.id, claimingDomain: domain)
        guard organizations.count == 1, let organization = organizations.first else {
            return organizations.isEmpty ? nil : .ambiguous(organizations)
        }
        let edge = try await RelationshipService.insert(
            RelationshipInput(parentID: organization, childID: party.id, type: Relationship.employment, role: "contact"), tenant: tenant,
            fresh: [party], tx: tx)
        try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "relationship.create",
                                             targetType: "relationship", targetID: edge.id.description,
                                             fields: RelationshipService.fields(of: edge))])
        return .linked(organization: organization, relationship: edge.id)
    }

    func insert(_ party: Party, tx: any StoreTransaction, context: OperationContext) async throws {
        try await Self.insertParty(party, tx: tx, context: context)
    }

    /// Inserts a validated party with its first history entry and audit entry, in the caller's transaction.
    static func insertParty(_ party: Party, tx: any StoreTransaction, context: OperationContext) async throws {
        try await tx.rejectDuplicates(of: party)
        try await tx.insertParty(party)
        try await tx.appendStateChange(tenant: party.tenantID, StateChange(
            partyID: party.id, from: nil, to: party.state, at: party.createdAt, actor: context.principal.description, reason: "created"))
        try await tx.appendAudit([AuditEvent(tenantID: party.tenantID, context: context, action: "party.create",
                                             targetType: "party", targetID: party.id.description, fields: party.presentFields)])
    }

    /// A partner that still has customers (partnership edges below it, in force or not) or holds partner accounts keeps
    /// the role `partner` (DESIGN.md §2: a partnership needs a partner parent): 409 naming what it has.
    static func requireNoCustomers(of party: Party, tx: any StoreTransaction) async throws {
        let edges = try await tx.relationships(tenant: party.tenantID, query: RelationshipQuery(parentID: party.id, type: "partnership", limit: 1))
        let accounts = try await tx.partnerAccounts(tenant: party.tenantID, query: PartnerAccountQuery(partnerID: party.id, limit: 1))
        guard edges.isEmpty, accounts.isEmpty else {
            let what = [edges.isEmpty ? nil : "customers (partnership relationships)", accounts.isEmpty ? nil : "partner accounts"]
                .compactMap { $0 }.joined(separator: " and ")
            throw RosterError.conflict("the party has \(what) as a partner: remove them before removing its role partner")
        }
    }

    public func update(tenant slug: String, id: Party.ID, _ patch: PartyPatch, ifMatch: Int?,
                       context: OperationContext) async throws -> Party {
        try await withDuplicateMapping {
            try await againIfChanged(ifMatch: ifMatch) { try await store.write { tx in
                let access = try await TenantAccess.open(tx, slug, context, write: true)
                let tenant = access.tenant
                let current = try await access.party(id, "parties.write")
                try await access.requireAnswerable(id)
                try requireVersion(ifMatch, is: current.version, of: "party")
                guard current.isLive else { throw RosterError.conflict(current.notLiveReason) }
                let (party, changed) = try PartyRules.update(current, with: patch, settings: tenant.settings, now: Date.rosterNow)
                guard !changed.isEmpty else {
                    // Nothing changes and the answer is the party: a read of its data, audited as one (it went unrecorded;
                    // found by a probe).
                    try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "party.read",
                                                         targetType: "party", targetID: id.description)])
                    return current
                }
                if current.roles.contains("partner"), !party.roles.contains("partner") { try await Self.requireNoCustomers(of: current, tx: tx) }
                if changed.contains("email") || changed.contains("phone") { try await access.rejectDuplicates(of: party) }
                guard try await tx.updateParty(party, expectedVersion: current.version) else { throw ChangedMeanwhile(what: "party") }
                try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "party.update",
                                                     targetType: "party", targetID: id.description, fields: changed)])
                return party
            } }
        }
    }

    public func changeState(tenant slug: String, id: Party.ID, to state: Party.State, reason: String?,
                            ifMatch: Int? = nil, context: OperationContext) async throws -> Party {
        let reason = try Text.optional(reason, field: "reason", max: Text.reasonMax)
        return try await transition(tenant: slug, id: id, reason: reason, ifMatch: ifMatch, action: "party.state",
                                    context: context) { current in
            try PartyRules.checkTransition(from: current.state, to: state)
            return state
        }
    }

    /// Soft delete: the party stays, in state `deleted`, with its history.
    public func delete(tenant slug: String, id: Party.ID, reason: String? = nil, ifMatch: Int? = nil,
                       context: OperationContext) async throws -> Party {
        let reason = try Text.optional(reason, field: "reason", max: Text.reasonMax)
        return try await transition(tenant: slug, id: id, reason: reason, ifMatch: ifMatch, action: "party.delete",
                                    context: context, check: Self.requireDeletable) { current in
            guard current.state != .deleted else { throw RosterError.conflict("the party is already deleted") }
            guard current.state != .merged else { throw RosterError.conflict(current.notLiveReason) }
            return .deleted
        }
    }

    /// A delete reaches beyond the party: it leaves the hierarchies of the parties at its edges' other ends and the
    /// lists of its partner accounts' other ends, and the tenant's retention later erases it with those edges, accounts
    /// and its login. So the caller needs `parties.write` on those other ends too (as an erasure needs `parties.erase`
    /// there), and must hold everything the login holds (a scoped writer's delete had the retention worker erase a tenant
    /// ADMIN's login and edges outside its scope; found by a probe). Refusals name no party outside the caller's reach.
    ///
    /// The parties merged into it (and into those) go with it, and a merge leaves on them what it could not move (a
    /// login, an account with a party outside the merging caller's reach): they are checked alike (a merge then a delete
    /// reached what a delete alone was refused; found by a probe). On PostgreSQL the party's row is locked first, and the
    /// writers that add an edge, a partner account or a login to a party lock it for share before they look at its
    /// state: whichever commits second sees the other (a delete and a concurrent new edge both succeeded).
    static func requireDeletable(_ party: Party, access: TenantAccess, tx: any StoreTransaction) async throws {
        let tenant = access.tenant.id
        // Every caller's delete, the platform's too (it skipped the lock, and a new login committed after its delete).
        _ = try await tx.lockPartyForErasure(tenant: tenant, id: party.id)
        guard !access.isPlatform else { return }
        let refusal = "party \(party.id) has %@ with parties outside this caller's scope: a caller whose parties.write reaches them must "
            + "delete it (a deleted party leaves their hierarchies, and the tenant's retention erases it with them)"
        let chain = try await mergedChain(party.id, tenant: tenant, tx: tx)
        if access.grants.scope(of: "parties.write") != .tenant {
            let edges = try await allEdges(of: party.id, tenant: tenant, tx: tx)
            try await requireEnds(of: edges, besides: [party.id], policy: "parties.write", access: access,
                                  refusal: refusal.replacingOccurrences(of: "%@", with: "relationships"))
            for id in [party.id] + chain {
                try await requireEnds(of: try await allAccounts(of: id, tenant: tenant, tx: tx), besides: id, policy: "parties.write",
                                      access: access, refusal: refusal.replacingOccurrences(of: "%@", with: "partner accounts"))
            }
        }
        for id in [party.id] + chain {
            guard let user = try await tx.user(tenant: tenant, party: id) else { continue }
            do {
                try await access.requireCovers(role: user.role, roles: try await tx.roles(tenant: tenant, user: user.id), what: "its login")
            } catch RosterError.forbidden {
                throw RosterError.forbidden("party \(party.id) \(id == party.id ? "is" : "has a merged record") linked to a login that holds "
                                            + "more than this caller, and the tenant's retention erases a deleted party's records with it: a "
                                            + "caller holding as much must delete it")
            }
        }
    }

    /// The parties merged into `id`, and into those, merge after merge.
    static func mergedChain(_ id: Party.ID, tenant: Tenant.ID, tx: any StoreTransaction) async throws -> [Party.ID] {
        var chain: [Party.ID] = []
        var next = [id]
        while let current = next.popLast() {
            let merged = try await tx.partiesMerged(into: current, tenant: tenant).map(\.id)
            chain += merged
            next += merged
        }
        return chain
    }

    /// `policy` on the parties at the other end of these partner accounts from `party`; refused with `refusal` (naming
    /// no party the caller may not see).
    static func requireEnds(of accounts: [PartnerAccount], besides party: Party.ID, policy: String, access: TenantAccess,
                            refusal: String) async throws {
        let others = Set(accounts.flatMap { [$0.partnerID, $0.customerID] }).subtracting([party])
        guard !others.isEmpty else { return }
        do {
            try await access.require(policy, on: others.sorted())
        } catch RosterError.notFound, RosterError.forbidden {
            throw RosterError.forbidden(refusal)
        }
    }

    public func restore(tenant slug: String, id: Party.ID, reason: String? = nil, ifMatch: Int? = nil,
                        context: OperationContext) async throws -> Party {
        let reason = try Text.optional(reason, field: "reason", max: Text.reasonMax)
        return try await withDuplicateMapping {
            try await transition(tenant: slug, id: id, reason: reason, ifMatch: ifMatch, action: "party.restore",
                                 context: context) { current in
                guard current.state == .deleted else { throw RosterError.conflict("the party is not deleted") }
                return .active
            }
        }
    }

    private func transition(tenant slug: String, id: Party.ID, reason: String?, ifMatch: Int?, action: String,
                            context: OperationContext,
                            check: (@Sendable (Party, TenantAccess, any StoreTransaction) async throws -> Void)? = nil,
                            next: @Sendable (Party) throws -> Party.State) async throws -> Party {
        try await againIfChanged(ifMatch: ifMatch) { try await store.write { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: true)
            let tenant = access.tenant
            let current = try await access.party(id, "parties.write")
            try await access.requireAnswerable(id)
            try requireVersion(ifMatch, is: current.version, of: "party")
            let state = try next(current)
            try await check?(current, access, tx)
            var party = current
            party.state = state
            party.updatedAt = Date.rosterNow
            party.version += 1
            if current.state == .deleted { try await access.rejectDuplicates(of: party) }
            guard try await tx.updateParty(party, expectedVersion: current.version) else { throw ChangedMeanwhile(what: "party") }
            try await tx.appendStateChange(tenant: tenant.id, StateChange(
                partyID: id, from: current.state, to: state, at: party.updatedAt, actor: context.principal.description, reason: reason))
            try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: action,
                                                 targetType: "party", targetID: id.description, fields: ["state"])])
            return party
        } }
    }

    /// Finds a live customer by email or phone, or creates one of type `new`. A person found who is no customer yet
    /// becomes one (role `customer`, type `new`): its first time as a customer (it was answered as a returning one, and
    /// stayed no customer; found by a probe).
    public func identify(tenant slug: String, email: String?, phone: String?, firstName: String? = nil,
                         lastName: String? = nil, context: OperationContext) async throws -> Identification {
        struct LostRace: Error {}
        func once() async throws -> Identification {
            try await withDuplicateMapping {
                try await store.write { tx in
                    let access = try await TenantAccess.open(tx, slug, context, write: true)
                    try access.require("parties.write")
                    let tenant = access.tenant
                    let (emailValue, phoneValue) = try Self.identifiers(email: email, phone: phone, settings: tenant.settings)
                    let found = try await tx.liveParties(tenant: tenant.id, kind: .person, emailNormalized: emailValue?.normalized,
                                                         phone: phoneValue?.digits)
                    if let existing = found.first {
                        // The email names one person and the phone another: neither is "the" customer (answering one of
                        // them would hide the other, and creating one would break the unique keys).
                        // Ids are named to a caller who may read them, as a duplicate's 409 names it: a 403 here handed a
                        // writer the id of a person it may not read, found by its email (found by a probe).
                        let readable = try await access.readableAmongExisting(found.map(\.id))
                        guard found.count == 1 else {
                            let ids = found.filter { readable.contains($0.id) }.map(\.id.description).joined(separator: " and ")
                            throw RosterError.conflict("the email and the phone belong to different persons" + (ids.isEmpty ? "" : " (\(ids))")
                                                       + ": identify by one of them")
                        }
                        // The answer is the party's data: parties.read on it, as a PATCH needs it (found by a probe). A
                        // person the caller may not read is the duplicate POST .../parties would meet: the same 409.
                        guard readable.contains(existing.id) else {
                            throw RosterError.conflict("a live party of this kind already has this email or phone")
                        }
                        guard !existing.roles.contains("customer") else { return Identification(party: existing, firstTime: false) }
                        var customer = existing
                        customer.roles = (existing.roles + ["customer"]).sorted()
                        if customer.customerType == nil { customer.customerType = .new }
                        customer.updatedAt = Date.rosterNow
                        customer.version += 1
                        guard try await tx.updateParty(customer, expectedVersion: existing.version) else { throw LostRace() }
                        try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "party.update", targetType: "party",
                                                             targetID: existing.id.description,
                                                             fields: existing.customerType == nil ? ["roles", "customerType"] : ["roles"])])
                        return Identification(party: customer, firstTime: true)
                    }
                    let input = PartyInput(kind: .person, firstName: firstName, lastName: lastName, email: emailValue?.value,
                                           phone: phoneValue?.digits.withPlus, customerType: .new, roles: ["customer"])
                    let party = try PartyRules.create(input, id: .make(), tenantID: tenant.id, settings: tenant.settings, now: Date.rosterNow)
                    // Linked to the organization of its email's domain as POST .../parties links it (it was not; a probe).
                    if Self.linksByDomain(party, in: tenant) { try await tx.lockHierarchy(tenant: tenant.id, type: Relationship.employment) }
                    do {
                        try await insert(party, tx: tx, context: context)
                    } catch RosterError.conflict {
                        // Another request made this customer after this one looked (PostgreSQL: a 409 answered a valid
                        // identify; found by a probe): run again, and find it.
                        throw LostRace()
                    }
                    _ = try await Self.autoLink(party, tenant: tenant, tx: tx, context: context)
                    return Identification(party: party, firstTime: true)
                }
            }
        }
        let result: Identification
        do {
            result = try await once()
        } catch is LostRace {
            result = try await once()
        }
        if !result.firstTime { try await recordReads([result.party], action: "party.identify", context: context) }
        return result
    }

    // MARK: Reads

    public func get(tenant slug: String, id: Party.ID, context: OperationContext) async throws -> Party {
        try await getExpanded(tenant: slug, id: id, partners: false, context: context).party
    }

    /// A party and, when asked, its partners (parents over `partnership` edges in force).
    public func getExpanded(tenant slug: String, id: Party.ID, partners: Bool,
                            context: OperationContext) async throws -> (party: Party, partners: [Party]?) {
        let (party, found) = try await store.read { tx -> (Party, [Party]?) in
            let access = try await TenantAccess.open(tx, slug, context, write: false, reading: id)
            let party = try await access.shown(try await access.party(id))
            guard partners else { return (party, nil) }
            // Over the partnership edges in force, as `?partnerId=` lists a partner's customers (an ended partnership named
            // its partner here; found by a probe).
            let partners = try await tx.parents(tenant: access.tenant.id, of: id, type: Relationship.partnership, at: Date.rosterNow)
            return (party, try await access.visible(partners) { [$0.id] })
        }
        try await recordReads([party] + (found ?? []), action: "party.read", context: context)
        return (party, found)
    }

    /// Which of `policies` the caller holds on this party (404 when it may not read it): so that a page offers only what
    /// the caller may do. Each is decided as the operation itself decides it.
    public func allowed(_ policies: [String], tenant slug: String, on id: Party.ID, context: OperationContext) async throws -> Set<String> {
        try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            _ = try await access.party(id)
            var allowed = Set<String>()
            for policy in policies {
                do {
                    try await access.require(policy, on: [id])
                    allowed.insert(policy)
                } catch RosterError.forbidden {
                    continue
                }
            }
            return allowed
        }
    }

    /// A party's state history: who changed its state, when and why (a read of it, audited as one).
    /// How a merge's entry in the merged party's history begins (`Merge`), the survivor's id after it.
    static let mergedIntoPrefix = "merged into "

    /// A party's state history as this caller is shown it: a merge's entry names the party it went into only to a caller
    /// that may read it (after an undo the party is back in a scoped caller's subtree; found by a probe).
    static func shown(_ history: [StateChange], to access: TenantAccess) async throws -> [StateChange] {
        var history = history
        for index in history.indices {
            guard let reason = history[index].reason, reason.hasPrefix(mergedIntoPrefix),
                  let survivor = Party.ID(uuidString: String(reason.dropFirst(mergedIntoPrefix.count))),
                  try await !access.mayRead(survivor) else { continue }
            history[index].reason = "merged into a party this caller may not read"
        }
        return history
    }

    /// Every state change of the party, oldest first (the console's page, which shows them all).
    public func history(tenant slug: String, id: Party.ID, context: OperationContext) async throws -> [StateChange] {
        try await history(tenant: slug, id: id, after: nil, limit: nil, context: context)
    }

    /// A page of the party's state changes, oldest first, as every list pages (`limit`, `cursor`: the id of the last
    /// change of the page before).
    public func history(tenant slug: String, id: Party.ID, limit: Int?, cursor: String?, context: OperationContext) async throws -> Page<StateChange> {
        let limit = try pageSize(limit)
        let rows = try await history(tenant: slug, id: id, after: try decodeCursor(cursor), limit: limit + 1, context: context)
        return Page(rows: rows, limit: limit) { $0.id.description }
    }

    private func history(tenant slug: String, id: Party.ID, after: StateChange.ID?, limit: Int?,
                         context: OperationContext) async throws -> [StateChange] {
        let (party, history) = try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            let party = try await access.party(id)
            return (party, try await Self.shown(try await tx.stateHistory(tenant: access.tenant.id, party: id, after: after, limit: limit),
                                                to: access))
        }
        try await recordReads([party], action: "party.history", context: context)
        return history
    }

    public func search(tenant slug: String, _ search: PartySearch, context: OperationContext) async throws -> Page<Party> {
        let limit = try pageSize(search.limit)
        var query = PartyQuery(kind: search.kind, customerType: search.customerType, state: search.state, partnerID: search.partnerID,
                               limit: limit + 1)
        var errors = ValidationErrors()
        if let q = search.q {
            query.text = errors.check { try Text.optional(q, field: "q", max: Text.nameMax) } ?? nil
        }
        if let role = search.role {
            // Named as the query parameter it came in (the rule names a body's `roles[i]`).
            if let normalized = try? PartyRules.normalizeRoles([role]).first {
                query.role = normalized
            } else {
                errors.add("role", "must be 1 to 50 letters, digits, spaces, - or _")
            }
        }
        if let tag = search.tag {
            query.tag = errors.check { try Tag.validateText(tag, field: "tag") }
        }
        if let cursor = search.cursor {
            if let key = Cursor.decode(cursor), let id = Party.ID(uuidString: key) {
                query.after = id
            } else {
                errors.add("cursor", "is not a cursor from this API")
            }
        }
        try errors.throwIfAny()
        let rows = try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            try access.requireSomewhere("parties.read")
            var query = query
            query.within = access.readable
            // A phone typed as the tenant's people write it (national, with a trunk 0 or "(0)"): its stored digits too.
            query.phonePrefix = query.text.flatMap { PhoneNumber.searchPrefix($0, defaultCallingCode: access.tenant.settings.defaultCallingCode) }
            // Filtering by a partner the caller may not read would tell which of its customers that partner has.
            if let partner = query.partnerID, try await !access.mayRead(partner) { return [Party]() }
            return try await access.searchParties(query)
        }
        let page = Page(rows: rows, limit: limit) { $0.id.description }
        try await recordReads(page.items, action: "party.list", context: context)
        return page
    }

    /// The live party with this email or phone (persons first); 404 when none.
    /// `kind`: only a party of that kind (a person and an organization may share an email or phone).
    public func lookup(tenant slug: String, email: String?, phone: String?, kind: Party.Kind? = nil,
                       context: OperationContext) async throws -> Party {
        let party = try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            try access.requireSomewhere("parties.read")
            let tenant = access.tenant
            let (emailValue, phoneValue) = try Self.identifiers(email: email, phone: phone, settings: tenant.settings)
            // The number as the duplicate rule reads it: without an international prefix, in the tenant's default
            // calling code (digits alone were tried as international too, and named a party that POST .../parties and
            // identify held no duplicate of; found by a probe).
            var found = try await tx.liveParties(tenant: tenant.id, kind: kind, emailNormalized: emailValue?.normalized,
                                                 phone: phoneValue?.digits)
            found = try await access.visible(found) { [$0.id] }
            // A person first, unless a kind is asked for; an email and a phone of two of them name no one party (409, as
            // identify answers; one of them was answered, by the order of the rows).
            let preferred = found.contains { $0.kind == .person } ? found.filter { $0.kind == .person } : found
            guard let party = preferred.first else {
                throw RosterError.notFound("no party with this \(email != nil ? "email" : "phone")")
            }
            if preferred.count > 1 {
                throw RosterError.conflict("the email and the phone belong to different parties (\(preferred.map(\.id.description).sorted().joined(separator: ", ")))")
            }
            return party
        }
        try await recordReads([party], action: "party.lookup", context: context)
        return party
    }

    public func customerStats(tenant slug: String, context: OperationContext) async throws -> [Party.CustomerType: Int] {
        try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            try access.require("parties.read")
            return try await tx.customerCounts(tenant: access.tenant.id)
        }
    }

    // MARK: Helpers

    private func recordReads(_ parties: [Party], action: String, context: OperationContext) async throws {
        try await audit.record(parties.map { party in
            AuditEvent(tenantID: party.tenantID, context: context, action: action, targetType: "party", targetID: party.id.description)
        })
    }

    static func identifiers(email: String?, phone: String?, settings: TenantSettings) throws -> (EmailAddress?, PhoneNumber?) {
        let email = email.flatMap { $0.trimmingWhitespace().isEmpty ? nil : $0 }
        let phone = phone.flatMap { $0.trimmingWhitespace().isEmpty ? nil : $0 }
        guard email != nil || phone != nil else { throw RosterError.invalid("email", "give an email or a phone") }
        var errors = ValidationErrors()
        let emailValue = email.flatMap { raw in errors.check { try EmailAddress(raw) } }
        let phoneValue = phone.flatMap { raw in errors.check { try PhoneNumber(raw, defaultCallingCode: settings.defaultCallingCode) } }
        try errors.throwIfAny()
        return (emailValue, phoneValue)
    }

    /// A unique index that refused a concurrent duplicate: the operation runs once more, so that the loser of the
    /// race gets the same 409 (with `existingId` where it may read that party) as a sequential duplicate.
    func withDuplicateMapping<T>(_ body: () async throws -> T) async throws -> T {
        try await onceMoreOnDuplicate(RosterError.conflict("a live party of this kind already has this email or phone"), body)
    }
}

extension TenantAccess {
    /// The duplicate check, its 409 naming the existing party only to a caller who may read it.
    func rejectDuplicates(of party: Party) async throws {
        try await namingReadable { try await tx.rejectDuplicates(of: party) }
    }

    /// Runs `body`; a 409 it throws names the existing party only when the caller may read it.
    func namingReadable<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as RosterError {
            throw try await conflict(error)
        }
    }
}

extension StoreTransaction {
    func requireWritableTenant(_ slug: String) async throws -> Tenant {
        let tenant = try await requireTenant(slug)
        guard tenant.status == .active else {
            throw RosterError.conflict("tenant \(slug) is \(tenant.status.rawValue); it accepts no changes")
        }
        return tenant
    }

    func requireParty(_ tenant: Tenant.ID, _ id: Party.ID) async throws -> Party {
        guard let party = try await party(tenant: tenant, id: id) else { throw RosterError.notFound("no party \(id)") }
        return party
    }

    /// 409 naming the live party of the same kind that already has this email or phone.
    func rejectDuplicates(of party: Party) async throws {
        guard party.isLive, party.email != nil || party.phone != nil else { return }
        let others = try await liveParties(tenant: party.tenantID, kind: party.kind, emailNormalized: party.email?.normalized,
                                           phone: party.phone?.digits).filter { $0.id != party.id }
        if let other = others.first {
            let field = other.email != nil && other.email?.normalized == party.email?.normalized ? "email" : "phone"
            throw RosterError.conflict("a \(party.kind.rawValue) with this \(field) exists", existingID: other.id.description)
        }
    }
}

extension Party {
    /// Names of the fields that hold a value: what a create audit entry lists.
    var presentFields: [String] {
        var fields = ["kind"]
        if firstName != nil { fields.append("firstName") }
        if lastName != nil { fields.append("lastName") }
        if name != nil { fields.append("name") }
        if email != nil { fields.append("email") }
        if phone != nil { fields.append("phone") }
        if website != nil { fields.append("website") }
        if note != nil { fields.append("note") }
        if customerType != nil { fields.append("customerType") }
        if !roles.isEmpty { fields.append("roles") }
        if !properties.isEmpty { fields.append("properties") }
        return fields
    }
}

extension String {
    var withPlus: String { "+" + self }
}
