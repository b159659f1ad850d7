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

    /// `batch`: how many rows a step of the filtering way reads (tests make it small).
    func searchParties(_ query: PartyQuery, inlineMembers: Int = TenantAccess.inlineMembers, batch: Int? = nil) async throws -> [Party] {
        var unscoped = query
        unscoped.within = nil
        switch try await scopeRead(query.within, at: query.scopeAt, asOf: query.scopeAsOf, after: query.after, inlineMembers: inlineMembers) {
        case .sql:
            return try await tx.searchParties(tenant: tenant.id, query: query)
        case .members(let members):
            unscoped.members = members
            return try await tx.searchParties(tenant: tenant.id, query: unscoped)
        case .filter(let inside):
            // Ids first, the parties kept after: rows passed over are not read whole.
            var kept: [Party.ID] = []
            unscoped.limit = batch ?? max(query.limit * 4, 500)
            while kept.count < query.limit {
                let ids = try await tx.searchPartyIDs(tenant: tenant.id, query: unscoped)
                let found = inside(ids)
                kept += ids.lazy.filter { found.contains($0) }.prefix(query.limit - kept.count)
                guard ids.count == unscoped.limit, let last = ids.last else { break }
                unscoped.after = last
            }
            return try await tx.parties(tenant: tenant.id, ids: kept)
        }
    }

    func consentMatches(_ query: ConsentMatchQuery, inlineMembers: Int = TenantAccess.inlineMembers, batch: Int? = nil) async throws -> [ConsentMatch] {
        var unscoped = query
        unscoped.within = nil
        switch try await scopeRead(query.within, at: nil, after: query.after, inlineMembers: inlineMembers) {
        case .sql:
            return try await tx.consentMatches(tenant: tenant.id, query: query)
        case .members(let members):
            unscoped.members = members
            return try await tx.consentMatches(tenant: tenant.id, query: unscoped)
        case .filter(let inside):
            var kept: [ConsentMatch] = []
            unscoped.limit = batch ?? max(query.limit * 4, 500)
            while kept.count < query.limit {
                let rows = try await tx.consentMatches(tenant: tenant.id, query: unscoped)
                let found = inside(rows.map(\.party.id))
                kept += rows.lazy.filter { found.contains($0.party.id) }.prefix(query.limit - kept.count)
                guard rows.count == unscoped.limit, let last = rows.last else { break }
                unscoped.after = last.party.id
            }
            return kept
        }
    }
}
