import Foundation
import RosterCore
import RosterStore

/// Lists limited to subtrees, read the cheap way. An untyped subtree (a role over every type) has no closure table: in
/// SQL it is a walk of the whole subtree for every page, 1.1 s a page for a role at the root of 300,000 parties (found
/// by a probe); a typed one is a closure lookup for every party the page passes over (150 ms a page when its members
/// are few among many). Their members come from the access graph instead, which decisions already hold: subtrees of up
/// to `inlineMembers` parties go to the statement as a list; larger ones are a large part of the tenant, whose rows are
/// read in party id order and kept when the graph puts them inside (as a read of each would decide). Scopes as recorded
/// at an earlier instant (edge history) stay in SQL.
extension TenantAccess {
    static let inlineMembers = 20_000

    /// How a list limited to `within` reads.
    enum ScopeRead {
        /// By the stores' scope condition.
        case sql
        /// Only these parties (in id order, after the list's cursor).
        case members([Party.ID])
        /// Rows read in order, kept when this says their party is inside.
        case filter(@Sendable ([Party.ID]) -> Set<Party.ID>)
    }

    func scopeRead(_ within: [Subtree]?, at: Date?, asOf: Date? = nil, after: Party.ID?, inlineMembers: Int) async throws -> ScopeRead {
        guard let within, !within.isEmpty, asOf == nil else { return .sql }
        let graph: AccessIndex.TenantGraph
        if let held = self.graph { graph = held } else { graph = try await tx.accessGraph(for: tenant) }
        let at = at ?? Date.rosterNow
        if var members = graph.read({ $0.members(of: within, at: at, max: inlineMembers) }) {
            if let after { members = members.filter { $0 > after } }
            return .members(members.sorted())
        }
        return .filter { ids in graph.read { $0.inside(ids, within, at: at) } }
    }

    /// A list of `query` limited to its `within` the cheapest way: `read` answers it as given (the stores' scope
    /// condition) or with `members`; `filtered` reads rows `batch` at a time without the scope and keeps those `inside`.
    /// `batch`: how many rows a step of the filtering way reads (tests make it small).
    func scoped<Query: ScopedListQuery, Row>(_ query: Query, at: Date?, asOf: Date? = nil, inlineMembers: Int, batch: Int?,
                                             read: (Query) async throws -> [Row],
                                             filtered: (_ unscoped: Query, _ inside: @Sendable ([Party.ID]) -> Set<Party.ID>) async throws -> [Row])
        async throws -> [Row] {
        var unscoped = query
        unscoped.within = nil
        switch try await scopeRead(query.within, at: at, asOf: asOf, after: query.after, inlineMembers: inlineMembers) {
        case .sql:
            return try await read(query)
        case .members(let members):
            unscoped.members = members
            return try await read(unscoped)
        case .filter(let inside):
            unscoped.limit = batch ?? max(query.limit * 4, 500)
            return try await filtered(unscoped, inside)
        }
    }

    func searchParties(_ query: PartyQuery, inlineMembers: Int = TenantAccess.inlineMembers, batch: Int? = nil) async throws -> [Party] {
        try await scoped(query, at: query.scopeAt, asOf: query.scopeAsOf, inlineMembers: inlineMembers, batch: batch) { query in
            try await tx.searchParties(tenant: tenant.id, query: query)
        } filtered: { unscoped, inside in
            // Ids first, the parties kept after: rows passed over are not read whole.
            let kept = try await Self.kept(query.limit, of: unscoped, party: { $0 }, inside: inside) { step in
                try await tx.searchPartyIDs(tenant: tenant.id, query: step)
            }
            return try await tx.parties(tenant: tenant.id, ids: kept)
        }
    }

    /// The first `limit` rows inside the scope, read in party id order a batch (`unscoped.limit`) at a time from the
    /// cursor of `unscoped` (`read`: the next batch, short only at the rows' end).
    static func kept<Query: ScopedListQuery, Row>(_ limit: Int, of unscoped: Query, party: (Row) -> Party.ID,
                                                  inside: ([Party.ID]) -> Set<Party.ID>,
                                                  read: (Query) async throws -> [Row]) async throws -> [Row] {
        var kept: [Row] = []
        var step = unscoped
        while kept.count < limit {
            let rows = try await read(step)
            let found = inside(rows.map(party))
            kept += rows.filter { found.contains(party($0)) }.prefix(limit - kept.count)
            guard rows.count == unscoped.limit, let last = rows.last else { break }
            step.after = party(last)
        }
        return kept
    }

    func consentMatches(_ query: ConsentMatchQuery, inlineMembers: Int = TenantAccess.inlineMembers, batch: Int? = nil) async throws -> [ConsentMatch] {
        try await scoped(query, at: nil, inlineMembers: inlineMembers, batch: batch) { query in
            try await tx.consentMatches(tenant: tenant.id, query: query)
        } filtered: { unscoped, inside in
            try await Self.kept(query.limit, of: unscoped, party: \.party.id, inside: inside) { step in
                try await tx.consentMatches(tenant: tenant.id, query: step)
            }
        }
    }
}
