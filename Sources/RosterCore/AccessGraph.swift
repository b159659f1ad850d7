public import Foundation

/// What access decisions need of one tenant, in memory (DESIGN.md §2 Access): every edge by its child, with its window,
/// the access roles, and which user holds which. Decisions walk up from a party (depth at most 64) and meet the scopes;
/// they read nothing else. `version` is the tenant's access version the graph holds (see `AccessChange`).
public struct AccessGraph: Sendable {
    /// An edge as decisions see it.
    public struct Edge: Hashable, Sendable {
        public var id: Relationship.ID
        public var parent: Party.ID
        public var child: Party.ID
        public var type: String
        public var validFrom: Date?
        public var validTo: Date?

        public init(_ relationship: Relationship) {
            id = relationship.id
            parent = relationship.parentID
            child = relationship.childID
            type = relationship.type
            validFrom = relationship.validFrom
            validTo = relationship.validTo
        }

        /// In force at `at` (every edge when nil): its window has begun and not ended (`validTo` is exclusive).
        public func isInForce(at: Date?) -> Bool {
            guard let at else { return true }
            return ValidityWindow(validFrom: validFrom, validTo: validTo).isInForce(at: at)
        }
    }

    public private(set) var version: Int64
    /// The edges above each party.
    private var up: [Party.ID: [Edge]] = [:]
    /// The edges below each party (`members(of:at:max:)`: a scoped list reads its subtree from here).
    private var down: [Party.ID: [Edge]] = [:]
    /// Each edge's child, to find it when it goes.
    private var childOf: [Relationship.ID: Party.ID] = [:]
    public private(set) var roles: [AccessRole.ID: AccessRole] = [:]
    /// Each user's roles, with each grant's window.
    private var grants: [User.ID: [AccessRole.ID: ValidityWindow]] = [:]

    public init(version: Int64, edges: [Relationship], roles: [AccessRole],
                grants: [(user: User.ID, role: AccessRole.ID, window: ValidityWindow)]) {
        self.version = version
        up.reserveCapacity(edges.count)
        down.reserveCapacity(edges.count / 4)
        childOf.reserveCapacity(edges.count)
        for edge in edges { add(Edge(edge)) }
        for role in roles { self.roles[role.id] = role }
        for grant in grants { self.grants[grant.user, default: [:]][grant.role] = grant.window }
    }

    public var edgeCount: Int { childOf.count }

    // MARK: Changes

    /// Applies the change that made `version` (the next one); false when it is not the next (the caller reloads).
    public mutating func apply(_ change: AccessChange, version next: Int64) -> Bool {
        guard next == version + 1 else { return false }
        switch change {
        case .edgeAdded(let relationship): add(Edge(relationship))
        case .edgeRemoved(let id): remove(id)
        case .roleAdded(let role): roles[role.id] = role
        case .roleRemoved(let id):
            roles[id] = nil
            for user in Array(grants.keys) where grants[user]?[id] != nil {
                grants[user]?[id] = nil
                if grants[user]?.isEmpty == true { grants[user] = nil }
            }
        case .granted(let user, let role, let validFrom, let validTo):
            grants[user, default: [:]][role] = ValidityWindow(validFrom: validFrom, validTo: validTo)
        case .revoked(let user, let role):
            grants[user]?[role] = nil
            if grants[user]?.isEmpty == true { grants[user] = nil }
        }
        version = next
        return true
    }

    private mutating func add(_ edge: Edge) {
        if childOf[edge.id] != nil { remove(edge.id) }
        up[edge.child, default: []].append(edge)
        down[edge.parent, default: []].append(edge)
        childOf[edge.id] = edge.child
    }

    private mutating func remove(_ id: Relationship.ID) {
        guard let child = childOf.removeValue(forKey: id) else { return }
        guard let edge = up[child]?.first(where: { $0.id == id }) else { return }
        up[child]?.removeAll { $0.id == id }
        if up[child]?.isEmpty == true { up[child] = nil }
        down[edge.parent]?.removeAll { $0.id == id }
        if down[edge.parent]?.isEmpty == true { down[edge.parent] = nil }
    }

    // MARK: Questions

    /// The access roles a user holds by grants in force at `at` (now when not given), by name as the store lists them.
    public func roles(of user: User.ID, at: Date = Date()) -> [AccessRole] {
        Self.byName((grants[user] ?? [:]).compactMap { role, window in window.isInForce(at: at) ? roles[role] : nil })
    }

    /// The user's grants, in force or not, with their windows, by role name.
    public func grants(of user: User.ID) -> [(role: AccessRole, window: ValidityWindow)] {
        let held = grants[user] ?? [:]
        return Self.byName(held.keys.compactMap { roles[$0] }).map { ($0, held[$0.id]!) }
    }

    /// Those of `ids` that still exist, by name.
    public func roles(_ ids: [AccessRole.ID]) -> [AccessRole] {
        Self.byName(ids.compactMap { roles[$0] })
    }

    static func byName(_ roles: [AccessRole]) -> [AccessRole] {
        roles.sorted { ($0.name.lowercased(), $0.id.rawValue.uuidString) < ($1.name.lowercased(), $1.id.rawValue.uuidString) }
    }

    /// The path organization → … → `party` when `party` is the subtree's organization or below it over edges in force
    /// at `at` (of the subtree's type, or of any type); nil otherwise. Breadth first: the path is a shortest one.
    public func path(to party: Party.ID, within subtree: Subtree, at: Date?) -> [Party.ID]? {
        let root = subtree.organizationID
        if party == root { return [party] }
        // Walk up, remembering the step each party was reached from.
        var cameFrom: [Party.ID: Party.ID] = [:]
        var path: [Party.ID]?
        _ = breadthFirst(from: party, down: false, type: subtree.relationshipType, at: at) { reached, node, _ in
            guard cameFrom[reached] == nil, reached != party else { return .seen }
            cameFrom[reached] = node
            guard reached == root else { return .next }
            var steps = [root]
            var step = node
            while step != party, let below = cameFrom[step] {
                steps.append(step)
                step = below
            }
            steps.append(party)
            path = steps
            return .stop
        }
        return path
    }

    /// Whether the walk up from `party` (over edges of `type`, or of any type) stops at `maxDepth` with parties above
    /// still unread: a decision that found no path says so (a party 65 levels down was refused with a reason that named
    /// no limit; found by a probe).
    public func goesDeeperThanWalks(_ party: Party.ID, type: String?, at: Date?) -> Bool {
        var seen: Set<Party.ID> = [party]
        return breadthFirst(from: party, down: false, type: type, at: at) { reached, _, _ in seen.insert(reached).inserted ? .next : .seen }
    }

    /// Whether `party` lies in one of `subtrees` at `at`.
    public func isInside(_ party: Party.ID, _ subtrees: [Subtree], at: Date?) -> Bool {
        subtrees.contains { path(to: party, within: $0, at: at) != nil }
    }

    /// Those of `ids` that lie in one of `subtrees` at `at`.
    public func inside(_ ids: [Party.ID], _ subtrees: [Subtree], at: Date?) -> Set<Party.ID> {
        guard !subtrees.isEmpty else { return [] }
        var found = Set<Party.ID>()
        for id in ids where !found.contains(id) && isInside(id, subtrees, at: at) { found.insert(id) }
        return found
    }

    /// Every party in one of `subtrees` at `at`: each subtree's organization and the parties below it within `maxDepth`
    /// levels over edges in force then (of the subtree's type, or of any type), as `isInside` decides one party; nil
    /// once they are more than `max` (the caller then asks party by party).
    public func members(of subtrees: [Subtree], at: Date?, max: Int) -> Set<Party.ID>? {
        var found = Set<Party.ID>()
        for subtree in subtrees {
            guard let below = depths(from: subtree.organizationID, down: true, type: subtree.relationshipType, at: at, max: max) else { return nil }
            found.insert(subtree.organizationID)
            found.formUnion(below.keys)
            if found.count > max { return nil }
        }
        return found
    }

    /// The parties below `party` (or above it) over edges in force at `at` (every edge when nil) of `type` (or of any
    /// type), each with its depth: the length of a shortest path (breadth first), at most `maxDepth`, as the stores'
    /// walks count it and as walks up find it; nil once they are more than `max`.
    public func depths(from party: Party.ID, down: Bool, type: String?, at: Date?, max: Int = .max) -> [Party.ID: Int]? {
        var depths: [Party.ID: Int] = [party: 0]
        var over = false
        _ = breadthFirst(from: party, down: down, type: type, at: at) { reached, _, depth in
            guard depths[reached] == nil else { return .seen }
            depths[reached] = depth
            // Counted party by party: one level may hold most of a tenant (a scope of 255,000 read them all to learn it
            // was over 20,000: 60 ms a page; found by a probe).
            over = depths.count > max
            return over ? .stop : .next
        }
        if over { return nil }
        depths[party] = nil
        return depths
    }

    /// What a walk does with a party an edge reached: nothing (reached before), walk on from it, or stop.
    private enum Step { case seen, next, stop }

    /// The walks' one loop: breadth first from `start`, up or down over edges in force at `at` (every edge when nil) of
    /// `type` (or of any type), at most `maxDepth` levels; `visit(reached, from, depth)` for each edge's far end says
    /// what to do (it keeps what it has seen). Whether parties were left unread at `maxDepth`.
    @inline(__always)
    private func breadthFirst(from start: Party.ID, down: Bool, type: String?, at: Date?,
                              _ visit: (_ reached: Party.ID, _ from: Party.ID, _ depth: Int) -> Step) -> Bool {
        var frontier = [start]
        var depth = 0
        while !frontier.isEmpty, depth < Self.maxDepth {
            depth += 1
            var next: [Party.ID] = []
            for node in frontier {
                for edge in (down ? self.down[node] : up[node]) ?? [] where edge.isInForce(at: at) && (type == nil || edge.type == type) {
                    let reached = down ? edge.child : edge.parent
                    switch visit(reached, node, depth) {
                    case .seen: continue
                    case .next: next.append(reached)
                    case .stop: return false
                    }
                }
            }
            frontier = next
        }
        return !frontier.isEmpty
    }

    /// Bound on walks, as in the stores' recursive queries.
    public static let maxDepth = 64
}

/// One committed change to what access decisions read, recorded with the tenant's access version it made (in the
/// same transaction), so that every process catches up by replaying the changes after the version it holds.
public enum AccessChange: Codable, Hashable, Sendable {
    case edgeAdded(Relationship)
    case edgeRemoved(Relationship.ID)
    case roleAdded(AccessRole)
    /// A role deleted, and with it every grant of it.
    case roleRemoved(AccessRole.ID)
    /// A grant, or a new window for one (changes recorded before grants had windows decode with none).
    case granted(user: User.ID, role: AccessRole.ID, validFrom: Date? = nil, validTo: Date? = nil)
    case revoked(user: User.ID, role: AccessRole.ID)
}
