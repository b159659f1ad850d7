public import Foundation
public import RosterCore
public import RosterStore
import Crypto

/// Parties that may be one (issue 12, item 5): the finder behind `GET .../parties/duplicates`.
public struct DuplicateGroup: Sendable, Hashable {
    public var reason: DuplicateReason
    /// In id order; at least two.
    public var parties: [Party]
}

extension PartyService {
    /// Candidate groups among the parties the caller may read (a group shows when two or more of its parties are
    /// readable), ordered by their first party's id, then the reason; each party shown is audited as `party.duplicates`.
    /// The groups are computed whole for each page: the work is proportional to the tenant's duplicates.
    public func duplicates(tenant slug: String, cursor: String?, limit: Int?, context: OperationContext) async throws -> Page<DuplicateGroup> {
        let limit = try pageSize(limit)
        var after: (Party.ID, DuplicateReason, String)?
        if let cursor {
            let parts = cursor.split(separator: ".").map(String.init)
            guard parts.count == 3, let id = Party.ID(uuidString: parts[0]), let reason = DuplicateReason(rawValue: parts[1]),
                  parts[2].count == 16, parts[2].allSatisfy(\.isHexDigit) else {
                throw RosterError.invalid("cursor", "is not a cursor from this API")
            }
            after = (id, reason, parts[2].lowercased())
        }
        let groups = try await store.read { tx -> [DuplicateGroup] in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            try access.requireSomewhere("parties.read")
            let candidates = try await tx.duplicateCandidates(tenant: access.tenant.id)
            let readable: Set<Party.ID>? = access.readable == nil ? nil : try await access.readableAmong(candidates.map(\.id))
            var grouped: [String: (reason: DuplicateReason, ids: Set<Party.ID>)] = [:]
            for candidate in candidates where readable?.contains(candidate.id) ?? true {
                grouped[candidate.reason.rawValue + "\u{0}" + candidate.key, default: (candidate.reason, [])].ids.insert(candidate.id)
            }
            // Two groups may share their first party and reason (a person below two organizations): the digest of their
            // ids orders them, and is the cursor's third part.
            // One group per reason and set of parties (two organizations' Joes are one suggestion).
            var distinct = Set<String>()
            var sorted = grouped.values.filter { $0.ids.count > 1 }.map { group in
                let ids = group.ids.sorted()
                return (reason: group.reason, ids: ids, tie: Self.tiebreak(ids))
            }.filter { distinct.insert($0.reason.rawValue + $0.tie).inserted }
            sorted.sort { ($0.ids[0], $0.reason, $0.tie) < ($1.ids[0], $1.reason, $1.tie) }
            if let after { sorted.removeAll { ($0.ids[0], $0.reason, $0.tie) <= after } }
            let page = sorted.prefix(limit + 1)
            let parties = try await tx.parties(tenant: access.tenant.id, ids: page.flatMap(\.ids))
            let byID = Dictionary(parties.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            return page.map { DuplicateGroup(reason: $0.reason, parties: $0.ids.compactMap { byID[$0] }) }.filter { $0.parties.count > 1 }
        }
        let page = Page(rows: groups, limit: limit) { "\($0.parties[0].id).\($0.reason.rawValue).\(Self.tiebreak($0.parties.map(\.id)))" }
        var seen = Set<Party.ID>()
        let shown = page.items.flatMap(\.parties).filter { seen.insert($0.id).inserted }
        try await audit.record(shown.map { party in
            AuditEvent(tenantID: party.tenantID, context: context, action: "party.duplicates", targetType: "party", targetID: party.id.description)
        })
        return page
    }

    static func tiebreak(_ ids: [Party.ID]) -> String {
        SHA256.hash(data: Data(ids.map(\.description).joined(separator: ",").utf8)).prefix(8).hexString
    }
}
