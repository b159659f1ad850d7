public import Foundation
public import RosterCore
public import RosterStore
import Crypto

/// Something a merge could not move as it was, and what it did instead (the rules are in docs/import.md, "Merging duplicates").
public struct MergeConflict: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// An edge between the survivor and a merged party, or between two merged parties: it would join the survivor
        /// to itself. Dropped.
        case selfLoop
        /// The survivor already has this edge (same parent, child and type). Dropped.
        case duplicateEdge
        /// The edge, moved to the survivor, would close a cycle in its type. Dropped.
        case cycle
        /// A `partnership` edge below a merged partner, and the survivor is no partner. Dropped.
        case partnership
        /// A partner account the survivor can't take (it has one for that pair, it would join the survivor to itself,
        /// or the survivor is no partner): it stays with the merged party.
        case partnerAccount
        /// The survivor is already linked to a user: this merged party's user stays linked to it.
        case user
        /// The survivor has this property with another value: the survivor's value is kept.
        case property
    }

    public var kind: Kind
    /// The merged party the conflict comes from.
    public var partyID: Party.ID
    public var relationshipID: Relationship.ID?
    public var partnerAccountID: PartnerAccount.ID?
    public var userID: User.ID?
    /// A property's key (never its value).
    public var field: String?

    public init(kind: Kind, partyID: Party.ID, relationshipID: Relationship.ID? = nil, partnerAccountID: PartnerAccount.ID? = nil,
                userID: User.ID? = nil, field: String? = nil) {
        self.kind = kind
        self.partyID = partyID
        self.relationshipID = relationshipID
        self.partnerAccountID = partnerAccountID
        self.userID = userID
        self.field = field
    }
}

/// How many of each thing a merge moved to the survivor.
public struct MergeCounts: Sendable, Hashable, Codable {
    public var relationships = 0
    public var tags = 0
    public var consents = 0
    public var partnerAccounts = 0
    public var users = 0
    public var properties = 0

    public init() {}
}

public struct MergeResult: Sendable {
    /// The merge's id, for undo; nil for a dry run.
    public var id: StoredMerge.ID?
    public var dryRun: Bool
    /// The survivor as the merge leaves it.
    public var survivor: Party
    public var merged: [Party.ID]
    public var moved: MergeCounts
    public var conflicts: [MergeConflict]
    public var createdAt: Date
    public var undoneAt: Date?
}

/// A party's row as it was, in the merge's record.
struct PartySnapshot: Codable {
    var id: Party.ID
    var kind: Party.Kind
    var firstName, lastName, name, email, phone, website, note: String?
    var emailDomains: [String]
    var customerType: Party.CustomerType?
    var roles: [String]
    var properties: [String: JSONScalar]
    var state: Party.State
    var mergedInto: Party.ID?

    init(_ party: Party) {
        id = party.id
        kind = party.kind
        firstName = party.firstName
        lastName = party.lastName
        name = party.name
        email = party.email?.value
        phone = party.phone?.digits
        website = party.website
        note = party.note
        emailDomains = party.emailDomains
        customerType = party.customerType
        roles = party.roles
        properties = party.properties
        state = party.state
        mergedInto = party.mergedInto
    }

    /// `current` with these fields back (the version moves on).
    func restore(onto current: Party, at now: Date) -> Party {
        var party = current
        party.kind = kind
        party.firstName = firstName
        party.lastName = lastName
        party.name = name
        party.email = email.map(EmailAddress.init(stored:))
        party.phone = phone.map(PhoneNumber.init(storedDigits:))
        party.website = website
        party.note = note
        party.emailDomains = emailDomains
        party.customerType = customerType
        party.roles = roles
        party.properties = properties
        party.state = state
        party.mergedInto = mergedInto
        party.updatedAt = now
        party.version = current.version + 1
        return party
    }
}

/// What a merge changed, kept in `merges.record` so that undo can put it back.
struct MergeRecord: Codable {
    struct TagLink: Codable { var party: Party.ID; var tag: Tag.ID }
    struct ConsentMove: Codable { var id: Consent.ID; var from: Party.ID }
    struct AccountMove: Codable { var id: PartnerAccount.ID; var partner: Party.ID; var customer: Party.ID }
    struct UserMove: Codable { var id: User.ID; var from: Party.ID }

    var survivor: PartySnapshot
    var merged: [PartySnapshot]
    /// The merged parties' edges as they were; all were removed.
    var removedEdges: [Relationship]
    /// The edges made on the survivor in their place.
    var addedEdges: [Relationship.ID]
    /// The same edges whole (records made before 2026-12-06 have only their ids): an edge that an undo of a later merge
    /// removed and made again has a new id, and is found by its ends and type.
    var added: [Relationship]?
    /// Tags taken from the merged parties, and those of them attached to the survivor (it may have had some).
    var removedTags: [TagLink]
    var addedTags: [Tag.ID]
    var movedConsents: [ConsentMove]
    /// Partner accounts re-pointed, with their ends as they were.
    var movedAccounts: [AccountMove]
    var movedUser: UserMove?
    var moved: MergeCounts
    var conflicts: [MergeConflict]
    /// Per party, per aspect, a digest of its state as the merge left it: undo refuses once one differs.
    var digests: [String: [String: String]]
    /// How `digests` were made: nil, the first way (the record's version, edges by id); 2, by content (a record's fields,
    /// edges by their ends, type, role and window), so that a later merge undone first (which makes its edges again
    /// under new ids and moves the version on) does not count as a change.
    var digestFormat: Int?
}

/// A dry run's result, thrown to roll its transaction back.
private struct DryRun: Error {
    let result: MergeResult
}

extension PartyService {
    /// The most parties one merge takes.
    public static let mergeLimit = 100

    /// Merges `from` into `survivorID` (issue 12, item 5), in one transaction: the survivor takes over their edges,
    /// tags, consents, partner accounts, linked user and the properties it lacks; each merged party goes to state
    /// `merged` with `mergedInto`. A dry run does all of it and rolls it back, so that it lists exactly what the merge
    /// would do. Needs `parties.write` on every party involved; a party the caller can't read is 404.
    public func merge(tenant slug: String, into survivorID: Party.ID, from: [Party.ID], dryRun: Bool,
                      context: OperationContext) async throws -> MergeResult {
        var errors = ValidationErrors()
        if from.isEmpty { errors.add("from", "must name at least one party") }
        if from.count > Self.mergeLimit { errors.add("from", "may name at most \(Self.mergeLimit) parties") }
        if Set(from).count != from.count { errors.add("from", "names a party twice") }
        try errors.throwIfAny()
        do {
            let result = try await withDuplicateMapping {
                try await store.write { tx in
                    let result = try await Self.merge(tx: tx, slug: slug, survivorID: survivorID, from: from, dryRun: dryRun, context: context)
                    if dryRun { throw DryRun(result: result) }
                    return result
                }
            }
            return result
        } catch let dry as DryRun {
            try await audit.record(([survivorID] + from).map { id in
                AuditEvent(tenantID: dry.result.survivor.tenantID, context: context, action: "party.merge.preview", targetType: "party",
                           targetID: id.description)
            })
            return dry.result
        }
    }

    private static func merge(tx: any StoreTransaction, slug: String, survivorID: Party.ID, from: [Party.ID], dryRun: Bool,
                              context: OperationContext) async throws -> MergeResult {
        let access = try await TenantAccess.open(tx, slug, context, write: true)
        let tenant = access.tenant.id
        try await access.require("parties.write", on: [survivorID] + from)
        // The answer (a dry run's too) shows the survivor and what the others hold: parties.read on each, as a PATCH
        // needs it (a writer that could not read them was answered their data; found by a probe).
        for id in [survivorID] + from { try await access.requireAnswerable(id) }
        // Erasure's order: every hierarchy of the tenant, then the parties' rows (in id order), then what they hold.
        try await lockForMerge(tenant: tenant, parties: [survivorID] + from, tx: tx)
        // Decided above for all of them: read only.
        guard var survivor = try await tx.party(tenant: tenant, id: survivorID) else { throw RosterError.notFound("no party \(survivorID)") }
        var errors = ValidationErrors()
        if from.contains(survivorID) { errors.add("from", "names the survivor itself") }
        try errors.throwIfAny()
        guard survivor.isLive else { throw RosterError.conflict(survivor.notLiveReason) }
        var merged: [Party] = []
        for id in from {
            guard let party = try await tx.party(tenant: tenant, id: id) else { throw RosterError.notFound("no party \(id)") }
            guard party.isLive else { throw RosterError.conflict("party \(id): \(party.notLiveReason)") }
            if party.kind != survivor.kind {
                errors.add("from", "party \(id) is \(party.kind.withArticle); the survivor is \(survivor.kind.withArticle)")
            }
            let roles = try await tx.roles(tenant: tenant, scopedTo: id)
            if !roles.isEmpty {
                throw RosterError.conflict("party \(id) is the scope of \(access.describe(roles)); "
                                           + "delete them (DELETE .../roles/{id}) before merging it")
            }
            merged.append(party)
        }
        try errors.throwIfAny()
        let now = Date.rosterNow
        let mergedIDs = Set(from)
        var record = MergeRecord(survivor: PartySnapshot(survivor), merged: merged.map(PartySnapshot.init), removedEdges: [],
                                 addedEdges: [], removedTags: [], addedTags: [], movedConsents: [], movedAccounts: [], movedUser: nil,
                                 moved: MergeCounts(), conflicts: [], digests: [:], digestFormat: 3)
        record.added = []

        // Edges: every edge of a merged party is removed, and made again on the survivor unless a rule drops it.
        var edges: [Relationship] = []
        var seen = Set<Relationship.ID>()
        for id in from {
            for edge in try await allEdges(of: id, tenant: tenant, tx: tx) where seen.insert(edge.id).inserted { edges.append(edge) }
        }
        edges.sort { $0.id < $1.id }
        // A survivor that scopes roles would take the merged parties' children under them: what the roles reach would
        // widen, as it would were the scope itself merged.
        if edges.contains(where: { mergedIDs.contains($0.parentID) }) {
            let roles = try await tx.roles(tenant: tenant, scopedTo: survivorID)
            if !roles.isEmpty {
                throw RosterError.conflict("the survivor is the scope of \(access.describe(roles)), and the "
                                           + "merged parties have children, which would come within those roles' reach; "
                                           + "scope the roles elsewhere, or move the children first")
            }
        }
        // Moving an edge makes one on its other end too: the caller needs relationships.write there, as to make it.
        try await requireEnds(of: edges, besides: Set([survivorID] + from), survivor: survivorID, access: access,
                              refusal: "a party of this merge has relationships this caller may not change")
        for edge in edges { _ = try await tx.deleteRelationship(tenant: tenant, id: edge.id) }
        record.removedEdges = edges
        for edge in edges {
            let conflictParty = mergedIDs.contains(edge.parentID) ? edge.parentID : edge.childID
            let parent = mergedIDs.contains(edge.parentID) ? survivorID : edge.parentID
            let child = mergedIDs.contains(edge.childID) ? survivorID : edge.childID
            var kind: MergeConflict.Kind?
            if parent == child {
                kind = .selfLoop
            } else if edge.type == Relationship.partnership, parent == survivorID, !survivor.roles.contains("partner") {
                kind = .partnership
            } else if try await tx.relationship(tenant: tenant, parent: parent, child: child, type: edge.type) != nil {
                kind = .duplicateEdge
            } else if try await tx.isDescendant(tenant: tenant, parent, of: child, type: edge.type, strategy: .closure, at: nil) {
                kind = .cycle
            }
            if let kind {
                record.conflicts.append(MergeConflict(kind: kind, partyID: conflictParty, relationshipID: edge.id))
                continue
            }
            let moved = Relationship(id: .make(), tenantID: tenant, parentID: parent, childID: child, type: edge.type, role: edge.role,
                                     validFrom: edge.validFrom, validTo: edge.validTo, createdAt: now)
            try await tx.insertRelationship(moved)
            record.addedEdges.append(moved.id)
            record.added?.append(moved)
        }
        record.moved.relationships = record.addedEdges.count

        // Tags.
        let tags = try await tx.tags(tenant: tenant, parties: [survivorID] + from)
        var held = Set((tags[survivorID] ?? []).map(\.id))
        for id in from {
            for tag in (tags[id] ?? []).sorted(by: { $0.id < $1.id }) {
                _ = try await tx.detachTag(tenant: tenant, party: id, tag: tag.id)
                record.removedTags.append(.init(party: id, tag: tag.id))
                if held.insert(tag.id).inserted, try await tx.attachTag(tenant: tenant, party: survivorID, tag: tag.id) {
                    record.addedTags.append(tag.id)
                }
            }
        }
        record.moved.tags = record.addedTags.count

        // Consents: every entry moves; the current one per purpose is the latest, whoever it came from.
        for id in from {
            record.movedConsents += try await allConsents(of: id, tenant: tenant, tx: tx).map { .init(id: $0, from: id) }
        }
        if !record.movedConsents.isEmpty {
            try await tx.moveConsents(tenant: tenant, ids: record.movedConsents.map(\.id), to: survivorID, recompute: [survivorID] + from)
        }
        record.moved.consents = record.movedConsents.count

        // Partner accounts. One whose other party the caller may not change stays where it is, named without its id
        // (the caller may not see it: the id was in the answer; found by a probe).
        var conflicted = Set<PartnerAccount.ID>()
        for id in from {
            for account in try await allAccounts(of: id, tenant: tenant, tx: tx) {
                let partner = mergedIDs.contains(account.partnerID) ? survivorID : account.partnerID
                let customer = mergedIDs.contains(account.customerID) ? survivorID : account.customerID
                let taken = try await tx.partnerAccount(tenant: tenant, partner: partner, customer: customer)
                let ends = [partner, customer].filter { !mergedIDs.contains($0) && $0 != survivorID }
                let reachable = try await mayChange(ends, access: access)
                if partner == customer || (taken != nil && taken?.id != account.id) || !reachable
                    || (partner == survivorID && !survivor.roles.contains("partner")) {
                    if conflicted.insert(account.id).inserted {
                        record.conflicts.append(MergeConflict(kind: .partnerAccount, partyID: id, partnerAccountID: reachable ? account.id : nil))
                    }
                    continue
                }
                guard partner != account.partnerID || customer != account.customerID else { continue }
                try await tx.repointPartnerAccount(tenant: tenant, id: account.id, partner: partner, customer: customer)
                record.movedAccounts.append(.init(id: account.id, partner: account.partnerID, customer: account.customerID))
            }
        }
        record.moved.partnerAccounts = record.movedAccounts.count

        // The linked user: the survivor takes the first, unless it has one.
        var linked = try await tx.user(tenant: tenant, party: survivorID) != nil
        for id in from {
            guard var user = try await tx.user(tenant: tenant, party: id) else { continue }
            let manageable: Bool
            do {
                try await access.requireManageable(user)
                manageable = true
            } catch RosterError.forbidden {
                manageable = false
            }
            if linked || !manageable {
                // Named to a caller who may read the login only (a scoped caller read a tenant ADMIN's id; found by a probe).
                record.conflicts.append(MergeConflict(kind: .user, partyID: id, userID: try await access.mayRead(user) ? user.id : nil))
                continue
            }
            try await UserService.link(&user, to: survivorID, tx: tx, context: context)
            record.movedUser = .init(id: user.id, from: id)
            linked = true
        }
        record.moved.users = record.movedUser == nil ? 0 : 1

        // Properties the survivor lacks, the first merged party's first. Not `website`, which mirrors the field of that name
        // (the survivor's own fields are kept; a person survivor took the property without the field: found by a probe).
        let before = survivor
        for party in merged {
            for (key, value) in party.properties.sorted(by: { $0.key < $1.key }) {
                if key == "website" { continue }
                if let own = survivor.properties[key] {
                    if own != value { record.conflicts.append(MergeConflict(kind: .property, partyID: party.id, field: key)) }
                } else {
                    survivor.properties[key] = value
                    record.moved.properties += 1
                }
            }
        }

        // The merged parties, then the survivor.
        for party in merged {
            var next = party
            next.state = .merged
            next.mergedInto = survivorID
            next.updatedAt = now
            next.version += 1
            guard try await tx.updateParty(next, expectedVersion: party.version) else {
                throw RosterError.conflict("party \(party.id) changed meanwhile; try again")
            }
            try await tx.appendStateChange(tenant: tenant, StateChange(partyID: party.id, from: party.state, to: .merged, at: now,
                                                                       actor: context.principal.description,
                                                                       reason: PartyService.mergedIntoPrefix + survivorID.description))
        }
        // Tags taken over change the survivor as attaching them does (`TagService.attach(touching:)`): its version moves
        // on (a probe saw the merge's answer show the new tags with the version before).
        if survivor.properties != before.properties || record.moved.tags > 0 {
            survivor.updatedAt = now
            survivor.version += 1
            guard try await tx.updateParty(survivor, expectedVersion: before.version) else {
                throw RosterError.conflict("party \(survivorID) changed meanwhile; try again")
            }
        }

        var fields = ["mergedFrom"]
        if record.moved.relationships > 0 { fields.append("relationships") }
        if record.moved.tags > 0 { fields.append("tags") }
        if record.moved.consents > 0 { fields.append("consents") }
        if record.moved.partnerAccounts > 0 { fields.append("partnerAccounts") }
        if record.moved.users > 0 { fields.append("user") }
        if record.moved.properties > 0 { fields.append("properties") }
        try await tx.appendAudit([AuditEvent(tenantID: tenant, context: context, action: "party.merge", targetType: "party",
                                             targetID: survivorID.description, fields: fields)]
                                 + from.map { id in
                                     AuditEvent(tenantID: tenant, context: context, action: "party.merged", targetType: "party",
                                                targetID: id.description, fields: ["state", "mergedInto"])
                                 }
                                 // The edges removed and made in their place are deleted and created as any are (the
                                 // moved ones had no entry, the removed no delete; found by a probe).
                                 + Self.edgeEvents(tenant: tenant, removed: record.removedEdges.map(\.id), made: record.added ?? [], context: context))

        let mergeID = StoredMerge.ID.make()
        if !dryRun {
            for id in [survivorID] + from {
                record.digests[id.description] = try await digest(of: id, tenant: tenant, format: record.digestFormat, tx: tx)
            }
            try await tx.insertMerge(StoredMerge(id: mergeID, tenantID: tenant, survivorID: survivorID, partyIDs: [survivorID] + from,
                                                 actor: context.principal.description, createdAt: now,
                                                 record: String(decoding: try JSONEncoder().encode(record), as: UTF8.self)))
        }
        survivor.tags = try await tx.tags(tenant: tenant, parties: [survivorID])[survivorID] ?? []
        return MergeResult(id: dryRun ? nil : mergeID, dryRun: dryRun, survivor: survivor, merged: from, moved: record.moved,
                           conflicts: record.conflicts, createdAt: now, undoneAt: nil)
    }

    /// Puts back what the merge changed, while nothing it touched changed since (else 409 naming the party and what).
    /// The merged parties return to their state; their edges are made again as they were (under new ids: an edge's id
    /// keeps one interval of history). Needs `parties.write` on every party involved.
    public func undoMerge(tenant slug: String, id: StoredMerge.ID, context: OperationContext) async throws -> MergeResult {
        try await withDuplicateMapping {
            try await store.write { tx in
                let access = try await TenantAccess.open(tx, slug, context, write: true)
                let tenant = access.tenant.id
                guard let stored = try await tx.merge(tenant: tenant, id: id) else { throw RosterError.notFound("no merge \(id)") }
                // An undone merge keeps no record (it held the parties as they were): who may see the survivor learns it.
                if let undone = stored.undoneAt {
                    try await access.require("parties.write", on: [stored.survivorID], what: "merge \(id)")
                    throw RosterError.conflict("merge \(id) was undone at \(RFC3339.string(undone))")
                }
                let record = try JSONDecoder().decode(MergeRecord.self, from: Data(stored.record.utf8))
                // The merged parties hang below nothing now: the caller needs the policy on the survivor and on every
                // party their edges will join again (the reach they had when they were merged).
                let mergedIDs = Set(record.merged.map(\.id))
                try await access.require("parties.write", on: [stored.survivorID], what: "merge \(id)")
                try await Self.requireEnds(of: record.removedEdges, besides: mergedIDs.union([stored.survivorID]), access: access,
                                           refusal: "merge \(id) would make relationships this caller may not change")
                // Moving the accounts and the user back needs what moving them needed (a scoped caller undid an admin's
                // merge, re-linking a user it may not manage; found by a probe): refused before anything is compared.
                for account in record.movedAccounts {
                    let ends = [account.partner, account.customer].filter { !mergedIDs.contains($0) && $0 != stored.survivorID }
                    guard try await Self.mayChange(ends, access: access) else {
                        throw RosterError.forbidden("merge \(id) would move partner accounts this caller may not change")
                    }
                }
                if let move = record.movedUser, let user = try await tx.user(tenant: tenant, id: move.id) {
                    do {
                        try await access.requireManageable(user)
                    } catch RosterError.forbidden, RosterError.notFound {
                        throw RosterError.forbidden("merge \(id) would move a user this caller may not manage")
                    }
                }
                try await Self.lockForMerge(tenant: tenant, parties: [stored.survivorID] + record.merged.map(\.id), tx: tx)
                let survivorID = stored.survivorID
                let from = record.merged.map(\.id)
                for party in [survivorID] + from {
                    let now = try await Self.digest(of: party, tenant: tenant, format: record.digestFormat, tx: tx)
                    let then = record.digests[party.description] ?? [:]
                    // Every aspect that changed is named (a tag changes the record's version too).
                    let changed = now.keys.sorted().filter { now[$0] != then[$0] }
                    if !changed.isEmpty {
                        throw RosterError.conflict("party \(party): its \(changed.joined(separator: " and ")) changed since the merge; it can't be undone")
                    }
                }
                let now = Date.rosterNow

                // The parties first: the merged ones live again before edges reach them.
                for snapshot in [record.survivor] + record.merged {
                    guard let current = try await tx.party(tenant: tenant, id: snapshot.id) else {
                        throw RosterError.notFound("no party \(snapshot.id)")
                    }
                    let restored = snapshot.restore(onto: current, at: now)
                    // A party that took a merged party's email or phone since: the 409 names it (to a caller who may read it).
                    if snapshot.id != survivorID { try await access.rejectDuplicates(of: restored) }
                    // The survivor changes when its properties or the tags it took over go back (as the merge moved its version on).
                    if snapshot.id != survivorID || PartySnapshot(current).properties != snapshot.properties || !record.addedTags.isEmpty {
                        guard try await tx.updateParty(restored, expectedVersion: current.version) else {
                            throw RosterError.conflict("party \(snapshot.id) changed meanwhile; try again")
                        }
                    }
                    if snapshot.id != survivorID {
                        try await tx.appendStateChange(tenant: tenant, StateChange(partyID: snapshot.id, from: current.state, to: snapshot.state,
                                                                                   at: now, actor: context.principal.description,
                                                                                   reason: "merge \(id) undone"))
                    }
                }
                let added = Dictionary((record.added ?? []).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                var removedEdges: [Relationship.ID] = []
                var madeEdges: [Relationship] = []
                for id in record.addedEdges {
                    if try await tx.deleteRelationship(tenant: tenant, id: id) != nil {
                        removedEdges.append(id)
                    } else if let edge = added[id], let again = try await tx.relationship(tenant: tenant, parent: edge.parentID,
                                                                                         child: edge.childID, type: edge.type) {
                        // Removed and made again by the undo of a later merge (the digests saw the same edge, by content).
                        _ = try await tx.deleteRelationship(tenant: tenant, id: again.id)
                        removedEdges.append(again.id)
                    }
                }
                for edge in record.removedEdges {
                    for end in [edge.parentID, edge.childID] where !mergedIDs.contains(end) {
                        guard let party = try await tx.party(tenant: tenant, id: end), party.isLive else {
                            // Named to a caller who may read it only (its id and its end were told to a scoped caller).
                            let named = try await access.mayRead(end) ? "party \(end)" : "a party"
                            throw RosterError.conflict("\(named), joined to a merged party before the merge, is gone or not live; "
                                                       + "the merge can't be undone")
                        }
                        if edge.type == Relationship.partnership, end == edge.parentID, !party.roles.contains("partner") {
                            throw RosterError.conflict("party \(end) is no partner any more; the merge can't be undone")
                        }
                    }
                    if try await tx.isDescendant(tenant: tenant, edge.parentID, of: edge.childID, type: edge.type, strategy: .closure, at: nil) {
                        throw RosterError.conflict("an edge of party \(edge.parentID) would close a cycle in \(edge.type) now; "
                                                   + "the merge can't be undone")
                    }
                    var again = edge
                    again.id = .make()
                    again.createdAt = now
                    try await tx.insertRelationship(again)
                    madeEdges.append(again)
                }
                for tag in record.addedTags { _ = try await tx.detachTag(tenant: tenant, party: survivorID, tag: tag) }
                for link in record.removedTags { _ = try await tx.attachTag(tenant: tenant, party: link.party, tag: link.tag) }
                for party in Set(record.movedConsents.map(\.from)).sorted() {
                    try await tx.moveConsents(tenant: tenant, ids: record.movedConsents.filter { $0.from == party }.map(\.id), to: party,
                                              recompute: [party])
                }
                if !record.movedConsents.isEmpty {
                    try await tx.moveConsents(tenant: tenant, ids: [], to: survivorID, recompute: [survivorID])
                }
                for account in record.movedAccounts {
                    try await tx.repointPartnerAccount(tenant: tenant, id: account.id, partner: account.partner, customer: account.customer)
                }
                if let move = record.movedUser, var user = try await tx.user(tenant: tenant, id: move.id) {
                    try await UserService.link(&user, to: move.from, tx: tx, context: context)
                }
                guard try await tx.markMergeUndone(tenant: tenant, id: id, at: now) else {
                    throw RosterError.conflict("merge \(id) was undone meanwhile")
                }
                try await tx.appendAudit([AuditEvent(tenantID: tenant, context: context, action: "party.merge.undo", targetType: "party",
                                                     targetID: survivorID.description, fields: ["mergeId"])]
                                         + from.map { party in
                                             AuditEvent(tenantID: tenant, context: context, action: "party.unmerged", targetType: "party",
                                                        targetID: party.description, fields: ["state", "mergedInto"])
                                         }
                                         + Self.edgeEvents(tenant: tenant, removed: removedEdges, made: madeEdges, context: context))
                guard var survivor = try await tx.party(tenant: tenant, id: survivorID) else { throw RosterError.notFound("no party \(survivorID)") }
                survivor.tags = try await tx.tags(tenant: tenant, parties: [survivorID])[survivorID] ?? []
                return MergeResult(id: id, dryRun: false, survivor: survivor, merged: from, moved: record.moved,
                                   conflicts: record.conflicts, createdAt: stored.createdAt, undoneAt: now)
            }
        }
    }

    /// The audit entries of the edges a merge or its undo removed, and of those it made in their place.
    static func edgeEvents(tenant: Tenant.ID, removed: [Relationship.ID], made: [Relationship], context: OperationContext) -> [AuditEvent] {
        removed.map { id in
            AuditEvent(tenantID: tenant, context: context, action: "relationship.delete", targetType: "relationship", targetID: id.description)
        } + made.map { RelationshipService.createdEvent($0, context: context) }
    }

    /// Every hierarchy of the tenant, then the parties' rows in id order: the order erasure and edge writes lock in.
    static func lockForMerge(tenant: Tenant.ID, parties: [Party.ID], tx: any StoreTransaction) async throws {
        for type in try await tx.relationshipTypes(tenant: tenant).sorted() { try await tx.lockHierarchy(tenant: tenant, type: type) }
        for party in Set(parties).sorted() {
            guard try await tx.lockPartyForErasure(tenant: tenant, id: party) else { throw RosterError.notFound("no party \(party)") }
        }
    }

    /// Whether the caller holds `parties.write` on these parties (an unreadable one counts as not); other errors go on.
    static func mayChange(_ ids: [Party.ID], access: TenantAccess) async throws -> Bool {
        guard !ids.isEmpty else { return true }
        do {
            try await access.require("parties.write", on: ids)
            return true
        } catch RosterError.notFound, RosterError.forbidden {
            return false
        }
    }

    /// `relationships.write` on the ends of these edges beyond `besides`; a caller who lacks it anywhere is refused
    /// without naming the party (it may not see it).
    /// To move edges (`relationships.write`: a merge and its undo make them again on the survivor or the merged parties),
    /// the policy for each edge's type, on its other end and on `survivor`, which gains it (as making the edge needs).
    static func requireEnds(of edges: [Relationship], besides: Set<Party.ID>, policy: String = "relationships.write", survivor: Party.ID? = nil,
                            access: TenantAccess, refusal: String) async throws {
        let typed = policy == "relationships.write"
        for (type, edges) in Dictionary(grouping: edges, by: { typed ? $0.type : "" }) {
            let ends = Set(edges.flatMap { [$0.parentID, $0.childID] }).subtracting(besides)
            guard !ends.isEmpty else { continue }
            do {
                try await access.require(policy, on: ends.sorted() + (survivor.map { [$0] } ?? []), edgeType: typed ? type : nil)
            } catch RosterError.notFound, RosterError.forbidden {
                throw RosterError.forbidden(refusal)
            }
        }
    }

    /// Sorted keys: one party's snapshot is always the same bytes.
    private static let snapshotEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    static func allEdges(of party: Party.ID, tenant: Tenant.ID, tx: any StoreTransaction) async throws -> [Relationship] {
        var edges: [Relationship] = []
        var after: Relationship.ID?
        while true {
            let page = try await tx.relationships(tenant: tenant, query: RelationshipQuery(partyID: party, after: after, limit: 1_000))
            edges += page
            guard page.count == 1_000 else { return edges }
            after = page.last?.id
        }
    }

    static func allConsents(of party: Party.ID, tenant: Tenant.ID, tx: any StoreTransaction) async throws -> [Consent.ID] {
        var ids: [Consent.ID] = []
        var after: Consent.ID?
        while true {
            let page = try await tx.consents(tenant: tenant, party: party, purpose: nil, after: after, limit: 1_000)
            ids += page.map(\.id)
            guard page.count == 1_000 else { return ids }
            after = page.last?.id
        }
    }

    static func allAccounts(of party: Party.ID, tenant: Tenant.ID, tx: any StoreTransaction) async throws -> [PartnerAccount] {
        var accounts: [PartnerAccount] = []
        for query in [PartnerAccountQuery(partnerID: party, limit: 1_000), PartnerAccountQuery(customerID: party, limit: 1_000)] {
            var query = query
            while true {
                let page = try await tx.partnerAccounts(tenant: tenant, query: query)
                accounts += page
                guard page.count == 1_000 else { break }
                query.after = page.last?.id
            }
        }
        var seen = Set<PartnerAccount.ID>()
        return accounts.filter { seen.insert($0.id).inserted }
    }

    /// A user's fields but the party it is linked to (which merges move) and its version.
    static func content(_ user: User) -> String {
        [user.email?.description ?? "", user.ssoIssuer ?? "", user.ssoSubject ?? "", user.employeeID ?? "", user.displayName ?? "",
         user.designation ?? "", user.department ?? "", user.role.rawValue, "\(user.isActive)"].map { " " + $0 }.joined()
    }

    /// A digest per aspect of a party's state (its row, edges, tags, consents, partner accounts, linked user): what undo
    /// compares with the merge's.
    static func digest(of party: Party.ID, tenant: Tenant.ID, format: Int?, tx: any StoreTransaction) async throws -> [String: String] {
        func hash(_ lines: [String]) -> String { SHA256.hash(data: Data(lines.sorted().joined(separator: "\n").utf8)).hexString }
        guard let row = try await tx.party(tenant: tenant, id: party) else { return ["party": "gone"] }
        let byContent = (format ?? 0) >= 2
        // Format 3 (2026-12-07): an account's version and the linked user's fields too, so that an edit of either since the
        // merge counts (undo put back an account with another username, a user with another role; found by a probe). The
        // user by content, not version: linking it (a later merge and its undo) moves the version on and changes nothing.
        let versions = (format ?? 0) >= 3
        let edges = try await allEdges(of: party, tenant: tenant, tx: tx).map { edge in
            [byContent ? "" : edge.id.description, edge.parentID.description, edge.childID.description, edge.type, edge.role ?? "",
             edge.validFrom.map { "\($0.timeIntervalSince1970)" } ?? "", edge.validTo.map { "\($0.timeIntervalSince1970)" } ?? ""]
                .joined(separator: " ")
        }
        let tags = (try await tx.tags(tenant: tenant, parties: [party])[party] ?? []).map(\.id.description)
        let consents = try await allConsents(of: party, tenant: tenant, tx: tx).map(\.description)
        let accounts = try await allAccounts(of: party, tenant: tenant, tx: tx).map {
            "\($0.id) \($0.partnerID) \($0.customerID)" + (versions ? " \($0.version)" : "")
        }
        let user = try await tx.user(tenant: tenant, party: party)
        return [
            "record": byContent ? hash([String(decoding: try Self.snapshotEncoder.encode(PartySnapshot(row)), as: UTF8.self)])
                : hash(["\(row.version) \(row.state.rawValue) \(row.mergedInto?.description ?? "")"]),
            "relationships": hash(edges),
            "tags": hash(tags),
            "consents": hash(consents),
            "partner accounts": hash(accounts),
            "linked user": hash([(user?.id.description ?? "") + (versions ? user.map(Self.content) ?? "" : "")]),
        ]
    }
}
