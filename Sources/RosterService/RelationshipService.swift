public import Foundation
public import RosterCore
public import RosterStore

/// What a client gives to create an edge.
public struct RelationshipInput: Sendable {
    public var parentID: Party.ID
    public var childID: Party.ID
    public var type: String
    public var role: String?
    public var validFrom: Date?
    public var validTo: Date?

    public init(parentID: Party.ID, childID: Party.ID, type: String, role: String? = nil, validFrom: Date? = nil, validTo: Date? = nil) {
        self.parentID = parentID
        self.childID = childID
        self.type = type
        self.role = role
        self.validFrom = validFrom
        self.validTo = validTo
    }
}

/// Relationships and hierarchies (DESIGN.md §2): unique per (parent, child, type), no self-loops,
/// no cycles within a type, `partnership` edges only below partners.
public struct RelationshipService: Sendable {
    let store: any Store
    let audit: AuditLog

    public init(store: any Store, audit: AuditLog) {
        self.store = store
        self.audit = audit
    }

    public func create(tenant slug: String, _ input: RelationshipInput, context: OperationContext) async throws -> Relationship {
        do {
            return try await store.write { tx in
                let access = try await TenantAccess.open(tx, slug, context, write: true)
                try await access.require("relationships.write", on: [input.parentID, input.childID], edgeType: Self.label(input.type))
                return try await Self.insertAudited(input, tenant: access.tenant, access: access, tx: tx, context: context)
            }
        } catch StoreError.uniqueViolation {
            throw RosterError.conflict("this relationship exists")
        }
    }

    /// Creates many edges in one transaction, each checked (cycles, duplicates, partnership rule) and audited. All or none.
    public func createBatch(tenant slug: String, _ inputs: [RelationshipInput], context: OperationContext) async throws -> [Relationship] {
        do {
            return try await store.write { tx in
                let access = try await TenantAccess.open(tx, slug, context, write: true)
                for (type, edges) in Dictionary(grouping: inputs, by: { Self.label($0.type) }) {
                    try await access.require("relationships.write", on: Array(Set(edges.flatMap { [$0.parentID, $0.childID] })), edgeType: type)
                }
                var made: [Relationship] = []
                made.reserveCapacity(inputs.count)
                for input in inputs { made.append(try await Self.insertAudited(input, tenant: access.tenant, access: access, tx: tx, context: context)) }
                return made
            }
        } catch StoreError.uniqueViolation {
            throw RosterError.conflict("one of these relationships exists")
        }
    }

    /// An edge's type as stored, for the decision on who may write it; nil when it is no type (the insert refuses it).
    static func label(_ raw: String) -> String? { try? Relationship.validateLabel(raw, field: "type") }

    /// `insert` and its audit entry, in the caller's transaction.
    static func insertAudited(_ input: RelationshipInput, tenant: Tenant, fresh: [Party] = [], access: TenantAccess? = nil,
                              tx: any StoreTransaction, context: OperationContext) async throws -> Relationship {
        let relationship = try await insert(input, tenant: tenant, fresh: fresh, access: access, tx: tx)
        try await tx.appendAudit([createdEvent(relationship, context: context)])
        return relationship
    }

    /// The audit entry of a new edge.
    static func createdEvent(_ relationship: Relationship, context: OperationContext) -> AuditEvent {
        AuditEvent(tenantID: relationship.tenantID, context: context, action: "relationship.create", targetType: "relationship",
                   targetID: relationship.id.description, fields: fields(of: relationship))
    }

    /// The fields a new edge was given (its role and window only when it has them; found by a probe: every entry named
    /// the role and none the window).
    static func fields(of relationship: Relationship) -> [String] {
        ["parentId", "childId", "type"] + (relationship.role != nil ? ["role"] : []) + (relationship.validFrom != nil ? ["validFrom"] : [])
            + (relationship.validTo != nil ? ["validTo"] : [])
    }

    /// An edge's type and role as stored, when the input's labels and window pass the rules (what needs no database).
    public static func validated(_ input: RelationshipInput) throws -> (type: String, role: String?) {
        var errors = ValidationErrors()
        let type = errors.check { try Relationship.validateLabel(input.type, field: "type") }
        // A blank role was taken as none (`"role": "  "` answered 201 without one; found by a probe): refused as a blank
        // type is. Leave it out for no role (an import's empty cell is none).
        let role: String? = input.role.flatMap { raw in
            guard !raw.trimmingWhitespace().isEmpty else {
                errors.add("role", "must not be blank (leave it out for no role)")
                return nil
            }
            return errors.check { try Relationship.validateLabel(raw, field: "role") }
        }
        if input.parentID == input.childID { errors.add("childId", "a party can't be its own parent") }
        _ = errors.check { try ValidityWindow.validated(validFrom: input.validFrom, validTo: input.validTo) }
        try errors.throwIfAny()
        return (type!, role)
    }

    /// Validates and inserts an edge in the caller's transaction (shared with auto-linking and provisioning).
    ///
    /// `fresh`: parties the caller inserted in this transaction and that no edge touches yet (provisioning's company
    /// and contact). They are not read again, and an edge with one of them at an end can neither exist already nor
    /// close a cycle (a cycle needs a path back through both ends), so neither is looked for: four statements of the
    /// forty-odd a tracked tenant costs.
    /// `access`: the caller's, when it is one whose reads may not cover the whole tenant: a cycle is then named only by
    /// the parties it may read (a probe saw the ids of parties outside its scope in the 409).
    static func insert(_ input: RelationshipInput, tenant: Tenant, fresh: [Party] = [], access: TenantAccess? = nil,
                       tx: any StoreTransaction) async throws -> Relationship {
        let (type, role) = try Self.validated(input)
        var errors = ValidationErrors()
        try await tx.lockHierarchy(tenant: tenant.id, type: type)
        // Before their states are read: a concurrent delete then either waits for this edge or is seen by it (both
        // succeeded on PostgreSQL; found by a probe).
        try await tx.lockPartiesForReference(tenant: tenant.id, [input.parentID, input.childID].filter { id in !fresh.contains { $0.id == id } })
        func party(_ id: Party.ID) async throws -> (party: Party, fresh: Bool) {
            if let made = fresh.first(where: { $0.id == id && $0.tenantID == tenant.id }) { return (made, true) }
            guard let found = try await tx.party(tenant: tenant.id, id: id) else { throw RosterError.notFound("no party \(id)") }
            return (found, false)
        }
        let (parent, freshParent) = try await party(input.parentID)
        let (child, freshChild) = try await party(input.childID)
        let edgeless = freshParent || freshChild
        if !parent.isLive { errors.add("parentId", "the party is deleted or merged") }
        if !child.isLive { errors.add("childId", "the party is deleted or merged") }
        if type == Relationship.partnership, !parent.roles.contains("partner") {
            errors.add("parentId", "a partnership needs a parent with the role partner")
        }
        try errors.throwIfAny()
        if !edgeless, let existing = try await tx.relationship(tenant: tenant.id, parent: parent.id, child: child.id, type: type) {
            throw RosterError.conflict("this relationship exists", existingID: existing.id.description)
        }
        // Every edge counts here, in force or not: a window may open later, and a type never holds a cycle.
        if !edgeless, try await tx.isDescendant(tenant: tenant.id, parent.id, of: child.id, type: type, strategy: .closure, at: nil) {
            let cycle = try await Self.path(from: child.id, to: parent.id, type: type, tenant: tenant.id, tx: tx) + [child.id]
            var readable: Set<Party.ID>?
            if let access, access.readable != nil { readable = try await access.readableAmong(cycle) }
            let named = cycle.map { readable?.contains($0) ?? true ? $0.description : "…" }
            throw RosterError.conflict("the edge would close a cycle in \(type): " + named.joined(separator: " → ")
                                       + (named.contains("…") ? " (… a party outside this caller's reads)" : ""))
        }
        let relationship = Relationship(id: .make(), tenantID: tenant.id, parentID: parent.id, childID: child.id, type: type,
                                        role: role, validFrom: input.validFrom, validTo: input.validTo, createdAt: Date.rosterNow)
        try await tx.insertRelationship(relationship)
        return relationship
    }

    /// One downward path from `from` to `to` over edges of `type`, in force or not (to name a cycle; decisions take
    /// their path from the access graph).
    static func path(from: Party.ID, to: Party.ID, type: String, tenant: Tenant.ID, tx: any StoreTransaction) async throws -> [Party.ID] {
        var path = [from]
        var current = from
        while current != to, path.count < 100 {
            // Children come from the (tenant, type, parent) index; at most one of them leads on.
            let children = try await tx.children(tenant: tenant, of: current, type: type, at: nil, after: nil, limit: 10_000).map(\.party.id)
            var next: Party.ID?
            if children.contains(to) {
                next = to
            } else {
                for child in children where try await tx.isDescendant(tenant: tenant, to, of: child, type: type, strategy: .closure, at: nil) {
                    next = child
                    break
                }
            }
            guard let step = next else { break }
            path.append(step)
            current = step
        }
        return path
    }

    public func delete(tenant slug: String, id: Relationship.ID, context: OperationContext) async throws {
        try await store.write { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: true)
            let tenant = access.tenant
            _ = try await access.relationship(id, "relationships.write")
            guard try await tx.deleteRelationship(tenant: tenant.id, id: id) != nil else {
                throw RosterError.notFound("no relationship \(id)")
            }
            try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "relationship.delete",
                                                 targetType: "relationship", targetID: id.description)])
        }
    }

    public func get(tenant slug: String, id: Relationship.ID, context: OperationContext) async throws -> Relationship {
        try await store.read { tx in
            try await TenantAccess.open(tx, slug, context, write: false).relationship(id, "parties.read")
        }
    }

    /// Edges by filters, keyset by id. A caller who sees only some subtrees sees the edges between their parties (the
    /// others are passed over: `Page.visible`).
    public func list(tenant slug: String, partyID: Party.ID?, type: String?, role: String?, cursor: String?,
                     limit: Int?, context: OperationContext) async throws -> Page<Relationship> {
        let limit = try pageSize(limit)
        var errors = ValidationErrors()
        let type = type.flatMap { raw in errors.check { try Relationship.validateLabel(raw, field: "type") } }
        let role = role.flatMap { raw in errors.check { try Relationship.validateLabel(raw, field: "role") } }
        let after: Relationship.ID? = errors.check { try decodeCursor(cursor) }.flatMap { $0 }
        try errors.throwIfAny()
        return try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            try access.requireSomewhere("parties.read")
            return try await Page.visible(limit: limit, after: after, fetch: { after, count in
                try await tx.relationships(tenant: access.tenant.id, query: RelationshipQuery(
                    partyID: partyID, type: type, role: role, after: after, limit: count))
            }, key: \.id, cursor: { $0.id.description }) { try await access.visible($0) { [$0.parentID, $0.childID] } }
        }
    }

    /// The edges of `type` up from `children` (at most 500 of them), that the caller may see (both ends readable): how a
    /// page of descendants hangs together, for drawing it as a tree.
    public func edges(tenant slug: String, type: String, up children: [Party.ID], context: OperationContext) async throws -> [Relationship] {
        let type = try Relationship.validateLabel(type, field: "type")
        guard children.count <= Limits.maxPageSize else { throw RosterError.invalid("children", "at most \(Limits.maxPageSize) parties") }
        return try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            try access.requireSomewhere("parties.read")
            let rows = try await tx.relationships(tenant: access.tenant.id, query: RelationshipQuery(
                childIDs: children, type: type, limit: 10 * Limits.maxPageSize))
            return try await access.visible(rows) { [$0.parentID, $0.childID] }
        }
    }

    public enum Direction: Sendable {
        case children, descendants, ancestors
    }

    /// Children, descendants or ancestors of a party, optionally within one type, keyset-paginated by party id: over
    /// the edges in force now, or over every edge with `includeInactive`. With `at`, as the edges stood then: those
    /// recorded at that instant (edges removed since count, later ones do not) and in force then. The parties are
    /// those that exist now and that the caller may read now.
    public func hierarchy(tenant slug: String, of id: Party.ID, _ direction: Direction, type: String?, includeInactive: Bool = false,
                          at asOf: Date? = nil, cursor: String?, limit: Int?, strategy: HierarchyStrategy = .closure,
                          context: OperationContext) async throws -> Page<HierarchyEntry> {
        let limit = try pageSize(limit)
        var errors = ValidationErrors()
        let type = type.flatMap { raw in errors.check { try Relationship.validateLabel(raw, field: "type") } }
        let after: Party.ID? = errors.check { try decodeCursor(cursor) }.flatMap { $0 }
        try errors.throwIfAny()
        let at = includeInactive ? nil : (asOf ?? Date.rosterNow)
        let page = try await store.read { tx -> Page<HierarchyEntry> in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            let tenant = access.tenant
            _ = try await access.party(id)
            // Over every type, now: from the access graph, which holds every edge with its window (the stores have no
            // closure table across types, and walked the whole subtree in SQL for every page: 2 s at the root of 300,000
            // parties; found by a probe). The depths are counted once a request for each instant asked.
            var graph: AccessIndex.TenantGraph?
            if direction != .children, type == nil, asOf == nil, strategy == .closure {
                if let held = access.graph { graph = held } else { graph = try await tx.accessGraph(for: tenant) }
            }
            var walked: [Date?: [Party.ID: Int]] = [:]
            func entries(at: Date?, after: Party.ID?, count: Int) async throws -> [HierarchyEntry] {
                if let graph {
                    let depths = walked[at] ?? graph.read { $0.depths(from: id, down: direction == .descendants, type: nil, at: at) ?? [:] }
                    walked[at] = depths
                    var candidates = Array(depths.keys)
                    if let after { candidates.removeAll { !($0 > after) } }
                    candidates.sort()
                    var found: [HierarchyEntry] = []
                    var start = 0
                    while found.count < count, start < candidates.count {
                        let chunk = Array(candidates[start..<min(start + max(count, 200), candidates.count)])
                        start += chunk.count
                        found += try await tx.parties(tenant: tenant.id, ids: chunk).lazy.filter(\.isLive).prefix(count - found.count)
                            .map { HierarchyEntry(party: $0, depth: depths[$0.id] ?? 0) }
                    }
                    return found
                }
                switch direction {
                case .children:
                    return try await tx.children(tenant: tenant.id, of: id, type: type, at: at, asOf: asOf, after: after, limit: count)
                case .descendants:
                    return try await tx.descendants(tenant: tenant.id, of: id, type: type, strategy: strategy, at: at, asOf: asOf, after: after,
                                             limit: count)
                case .ancestors:
                    return try await tx.ancestors(tenant: tenant.id, of: id, type: type, strategy: strategy, at: at, asOf: asOf, after: after,
                                           limit: count)
                }
            }
            return try await Page.visible(limit: limit, after: after, fetch: { after, count in
                var rows = try await entries(at: at, after: after, count: count)
                if includeInactive, !rows.isEmpty {
                    // Each entry marked by whether the answer without includeInactive has it. That answer is a subset, read
                    // from the same cursor and as far: every party of it up to this batch's last is among its first rows.
                    // An entry in it shows that answer's depth and edge (the in-force ones): a party reached over an
                    // ended edge too showed that edge's shorter depth, or its type, beside `active: true` (found by a probe).
                    let current = try await entries(at: asOf ?? Date.rosterNow, after: after, count: count)
                    let inForce = Dictionary(current.map { ($0.party.id, $0) }, uniquingKeysWith: { first, _ in first })
                    for index in rows.indices {
                        guard let entry = inForce[rows[index].party.id] else {
                            rows[index].active = false
                            continue
                        }
                        rows[index].active = true
                        (rows[index].depth, rows[index].role, rows[index].type) = (entry.depth, entry.role, entry.type)
                    }
                }
                return rows
            }, key: \.party.id, cursor: { $0.party.id.description }) { try await access.visible($0) { [$0.party.id] } }
        }
        try await audit.record(page.items.map { entry in
            AuditEvent(tenantID: entry.party.tenantID, context: context, action: "party.list", targetType: "party",
                       targetID: entry.party.id.description)
        })
        return page
    }

    /// Whether `descendant` is below `ancestor` in `type`, over the edges in force now.
    public func isDescendant(tenant slug: String, _ descendant: Party.ID, of ancestor: Party.ID, type: String,
                             strategy: HierarchyStrategy = .closure, context: OperationContext) async throws -> Bool {
        try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            try await access.require("parties.read", on: [descendant, ancestor])
            return try await tx.isDescendant(tenant: access.tenant.id, descendant, of: ancestor, type: type, strategy: strategy,
                                             at: Date.rosterNow)
        }
    }
}

/// Decodes a cursor holding an identifier; `nil` for no cursor, 422 for one this API did not make.
func decodeCursor<Owner>(_ cursor: String?) throws -> Identifier<Owner>? {
    guard let cursor else { return nil }
    guard let key = Cursor.decode(cursor), let id = Identifier<Owner>(uuidString: key) else {
        throw RosterError.invalid("cursor", "is not a cursor from this API")
    }
    return id
}
