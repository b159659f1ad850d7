public import Foundation
public import RosterCore
public import RosterStore

/// Everything Roster holds about one party (the right to portability, seed 002).
public struct PartyExport: Sendable {
    /// One edge seen from the exported party: the other party is its parent or its child.
    public struct Edge: Sendable, Hashable {
        public enum Direction: String, Sendable, Hashable {
            /// The other party is this party's parent.
            case parent
            /// The other party is this party's child.
            case child
        }

        public var relationship: Relationship
        public var direction: Direction
        public var otherPartyID: Party.ID
        public var otherPartyName: String
    }

    public var exportedAt: Date
    public var party: Party
    public var history: [StateChange]
    public var relationships: [Edge]
    public var users: [User]
    public var partnerAccounts: [PartnerAccount]
    public var consents: [Consent]
    /// Entries whose target is the party or one of its own records (its edges, partner accounts, user, merged records),
    /// oldest first (field names, never values).
    public var audit: [AuditEntry]
    /// The parties merged into this one (and into those): the same person's older records, state `merged`, each with
    /// its state history.
    public var mergedParties: [(party: Party, history: [StateChange])]
    /// False when edges or accounts were left out because their other party lies outside what the caller may read
    /// (a caller with a wider scope gets them).
    public var complete: Bool
}

/// The GDPR operations on a party (seed 002, DESIGN.md §2 Compliance): export, erasure and the retention purge.
public struct ComplianceService: Sendable {
    let store: any Store
    let audit: AuditLog

    public init(store: any Store, audit: AuditLog) {
        self.store = store
        self.audit = audit
    }

    /// Everything held about the party (`parties.read` on it), audited as `party.export`. Whatever touches a party the
    /// caller may not read (an edge, a partner account) is left out, and `complete` says so.
    public func export(tenant slug: String, id: Party.ID, context: OperationContext) async throws -> PartyExport {
        let export = try await store.read { tx -> PartyExport in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            let tenant = access.tenant.id
            let party = try await access.party(id)
            let own = try await OwnRecords.gather(of: id, access: access, tx: tx)
            var complete = own.complete
            var names: [Party.ID: String] = [:]
            for other in Set(own.edges.map { $0.otherEnd(from: id) }) { names[other] = try await tx.party(tenant: tenant, id: other)?.displayName }
            var exported: [PartyExport.Edge] = []
            for edge in own.edges {
                let other = edge.otherEnd(from: id)
                guard let name = names[other] else {
                    complete = false
                    continue
                }
                exported.append(PartyExport.Edge(relationship: edge, direction: edge.childID == id ? .parent : .child, otherPartyID: other,
                                                  otherPartyName: name))
            }

            var consents: [Consent] = []
            var afterConsent: Consent.ID?
            repeat {
                let page = try await tx.consents(tenant: tenant, party: id, purpose: nil, after: afterConsent, limit: 500)
                consents += page
                afterConsent = page.count == 500 ? page.last?.id : nil
            } while afterConsent != nil

            // The parties merged into it (and into those): the same person's older records, with their state history.
            var merged: [(party: Party, history: [StateChange])] = []
            for record in own.merged {
                merged.append((record, try await PartyService.shown(try await tx.stateHistory(tenant: tenant, party: record.id), to: access)))
            }
            // The audit entries about it and its own records (its edges, partner accounts, user, merged records: only its
            // own id was looked for; a reveal of its partner secret was left out; found by a probe), with audit.read
            // reaching the party (as `GET .../audit?targetId=` does).
            var entries: [AuditEntry] = []
            if (try? await access.requireAuditReader(of: id.description)) != nil {
                entries = try await tx.auditEntries(tenant: tenant, targets: own.auditTargets(besides: id)).sorted { $0.seq < $1.seq }
            } else {
                complete = false
            }
            let users = own.user.map { [$0] } ?? []

            return PartyExport(
                exportedAt: Date.rosterNow, party: party, history: try await PartyService.shown(try await tx.stateHistory(tenant: tenant, party: id), to: access),
                relationships: exported, users: users,
                partnerAccounts: own.accounts.sorted { $0.id < $1.id }, consents: consents, audit: entries,
                mergedParties: merged.sorted { $0.party.id < $1.party.id }, complete: complete)
        }
        try await audit.record([AuditEvent(tenantID: export.party.tenantID, context: context, action: "party.export",
                                           targetType: "party", targetID: id.description)]
                               // The merged records are the person's data read too.
                               + export.mergedParties.map { record in
                                   AuditEvent(tenantID: export.party.tenantID, context: context, action: "party.export",
                                              targetType: "party", targetID: record.party.id.description)
                               }
                               + export.users.map { user in
                                   AuditEvent(tenantID: user.tenantID, context: context, action: "user.read", targetType: "user",
                                              targetID: user.id.description)
                               }
                               // An account names its customer's login at the partner: a read of that customer's data, as
                               // GET .../partner-accounts records it (a partner's export showed its customers' usernames
                               // unrecorded; found by a probe). The party's own accounts as a customer are its own export.
                               + export.partnerAccounts.filter { $0.customerID != id }.map { PartnerAccountService.read($0, context: context) }
                               // The parties at the other ends of its edges are named: a read of their names, as a
                               // hierarchy's list is (found by a probe: their own trails did not show it).
                               + Set(export.relationships.map(\.otherPartyID)).sorted().map { other in
                                   AuditEvent(tenantID: export.party.tenantID, context: context, action: "party.list", targetType: "party",
                                              targetID: other.description, fields: ["displayName"])
                               })
        return export
    }

    /// Erases the party (`parties.erase` on it): its row and everything that holds its personal data or refers to it
    /// (state history, edges with the closure kept exact, their recorded history, tags, consents, partner accounts, the
    /// user linked to it (its login, email and name: personal data of the same person; a caller must be allowed to
    /// manage that user) or, with `eraseUsers: false`, only that user's `partyId`, and the provisioning workflow's copy
    /// of an admin), in one transaction. The audit chain keeps one `party.erase` entry (who, when, which id; no value). On SQLite the
    /// write-ahead log is then checkpointed and emptied, so that nothing of the party is left in the files.
    /// A party named by a role's scope can't be erased (409 naming the roles).
    /// `ifMatch`: the version the caller saw (`If-Match`); another is 412 and nothing is erased.
    public func erase(tenant slug: String, id: Party.ID, eraseUsers: Bool = true, ifMatch: Int? = nil, context: OperationContext) async throws {
        try await eraseRetrying(tenant: slug, id: id, eraseUsers: eraseUsers, ifMatch: ifMatch, context: context)
        // The erasure is committed: a checkpoint that can't finish now (a long reader) is done by the next one.
        try? await store.checkpoint()
    }

    /// `deletedBy`: only if the party is still `deleted` and moved there at or before this instant (retention), checked
    /// under the erasure's lock; otherwise nothing is done and the answer is false.
    @discardableResult
    private func eraseRetrying(tenant slug: String, id: Party.ID, eraseUsers: Bool, deletedBy: Date? = nil, ifMatch: Int? = nil,
                               context: OperationContext) async throws -> Bool {
        // PostgreSQL may still pick the erasure as the victim of a deadlock with writes racing it (an edge of a type the
        // tenant did not have when the erasure began): it is run again, as a client would.
        for attempt in 1...3 {
            do {
                return try await eraseOnce(tenant: slug, id: id, eraseUsers: eraseUsers, deletedBy: deletedBy, ifMatch: ifMatch,
                                           context: context)
            } catch StoreError.concurrentWrite where attempt < 3 {
                continue
            }
        }
        return false
    }

    private func eraseOnce(tenant slug: String, id: Party.ID, eraseUsers: Bool, deletedBy: Date?, ifMatch: Int?,
                           context: OperationContext) async throws -> Bool {
        try await store.write { tx -> Bool in
            let access = try await TenantAccess.open(tx, slug, context, write: true)
            let tenant = access.tenant.id
            let party = try await access.party(id, "parties.erase")
            try requireVersion(ifMatch, is: party.version, of: "party")
            // Locks in the order edge writes take them: the hierarchies first (an edge insert holds its hierarchy's lock
            // while its foreign key waits for the party's row), then the party's row. Every hierarchy of the tenant, not
            // only the party's: an edge of another type may reach the party before its row is locked. From then on, a
            // write that refers to the party waits for this transaction and then finds it gone.
            for type in try await tx.relationshipTypes(tenant: tenant).sorted() {
                try await tx.lockHierarchy(tenant: tenant, type: type)
            }
            guard try await tx.lockPartyForErasure(tenant: tenant, id: id) else { throw RosterError.notFound("no party \(id)") }
            // Retention: a party restored (or deleted again) since it was found due is left alone.
            if let deletedBy {
                guard let since = try await tx.deletedSince(tenant: tenant, id: id), since <= deletedBy else { return false }
            }
            let scoping = try await tx.roles(tenant: tenant, scopedTo: id)
            if !scoping.isEmpty {
                throw RosterError.conflict("\(access.describe(scoping)) \(scoping.count == 1 ? "is" : "are") scoped to this organization: "
                                           + "delete \(scoping.count == 1 ? "it" : "them") (DELETE .../roles/{id}) before erasing it")
            }
            // The kinds of record removed (docs/compliance.md): tags and consents only when it had some (they were named
            // on every erasure; found by a probe).
            var removed: [String] = ["party", "history"]
            if try await tx.tags(tenant: tenant, parties: [id])[id]?.isEmpty == false { removed.append("tags") }
            if try await !tx.consents(tenant: tenant, party: id, purpose: nil, after: nil, limit: 1).isEmpty { removed.append("consents") }

            // Again under the locks: an edge of a type not locked yet was committed meanwhile (its lock is taken now).
            let edges = try await Self.edges(of: id, tenant: tenant, tx: tx)
            // Removing an edge changes the hierarchy at its other end too: a caller whose parties.erase reaches only
            // subtrees may not remove an edge from a party outside them (as a merge may not move one).
            try await PartyService.requireEnds(of: edges, besides: [id], policy: "parties.erase", access: access,
                                               refusal: "party \(id) has relationships with parties outside this caller's scope: "
                                                   + "a caller whose parties.erase reaches them must erase it")
            for edge in edges.sorted(by: { ($0.type, $0.id) < ($1.type, $1.id) }) {
                _ = try await tx.deleteRelationship(tenant: tenant, id: edge.id)
            }
            try await tx.deleteRelationshipHistory(tenant: tenant, party: id)
            if !edges.isEmpty { removed.append("relationships") }
            // A partner account belongs to both its parties: one whose other party lies outside the caller's erasure is
            // refused as an edge is (it was removed, unseen by the caller; found by a probe). The parties merged into
            // this one are erased with it, with what a merge left on them: their accounts alike, and their logins (which
            // are unlinked) must be ones the caller manages (a merge then an erasure reached both; found by a probe).
            let chain = try await PartyService.mergedChain(id, tenant: tenant, tx: tx)
            for party in [id] + chain {
                try await PartyService.requireEnds(of: try await PartyService.allAccounts(of: party, tenant: tenant, tx: tx), besides: party,
                                                   policy: "parties.erase", access: access,
                                                   refusal: "party \(id) has partner accounts with parties outside this caller's scope: "
                                                       + "a caller whose parties.erase reaches them must erase it")
            }
            for party in chain {
                guard let user = try await tx.user(tenant: tenant, party: party) else { continue }
                do {
                    try await access.requireManageable(user)
                } catch RosterError.forbidden {
                    throw RosterError.forbidden("party \(id) has a merged record linked to a login this caller may not manage; a caller "
                                                + "that manages it must erase the party")
                }
            }
            if try await tx.deletePartnerAccounts(tenant: tenant, party: id) > 0 { removed.append("partnerAccounts") }

            var erasedUser: User.ID?
            if let user = try await tx.user(tenant: tenant, party: id) {
                if eraseUsers {
                    // Deleting a login is managing a user: the caller must be allowed to manage this one.
                    do {
                        try await access.requireManageable(user)
                    } catch RosterError.forbidden {
                        // Not the refusal's own words: they named the login's id, to a caller who may not read it (found
                        // by a probe).
                        throw RosterError.forbidden("erasing party \(id) deletes its login too, which this caller may not manage; erase with "
                                                    + "eraseUsers=false to keep the login, unlinked")
                    }
                    try await Self.eraseLogin(user, tx: tx)
                    erasedUser = user.id
                    removed.append("user")
                } else {
                    var unlinked = user
                    unlinked.partyID = nil
                    unlinked.updatedAt = Date.rosterNow
                    unlinked.version += 1
                    guard try await tx.updateUser(unlinked, expectedVersion: user.version) else {
                        throw RosterError.conflict("the user linked to party \(id) changed meanwhile; try again")
                    }
                    removed.append("user.partyId")
                }
            }

            // The provisioning workflow keeps the admin's name and email until its contact is tracked: drop that copy.
            if let (state, version) = try await tx.provisioning(tenant: tenant), state.adminPartyID == id {
                var next = state
                next.admin = nil
                next.adminPartyID = nil
                if next.adminUserID == erasedUser { next.adminUserID = nil }
                if next.tracking.contactID == nil { next.tracking.withContact = false }
                guard try await tx.updateProvisioning(tenant: tenant, next, expectedVersion: version, owner: nil, release: false) else {
                    throw RosterError.conflict("the tenant's provisioning is running; try again")
                }
                // The keys replay the tenant's creation, whose request named the admin.
                try await tx.deleteIdempotencyKeys(tenant: tenant, keeping: nil)
                removed.append("provisioning.admin")
            }

            // A merge's record holds the parties it involved as they were: it goes, and undo with it. The parties merged
            // into this one (and into those, merge after merge) are the same person's older records: they are erased with
            // it (they were left `deleted`, their names, emails and notes kept until a retention that may never come;
            // found by a probe). A merged party holds no edge, account, consent or user of its own (the merge moved them).
            let now = Date.rosterNow
            var orphans = try await tx.deleteMerges(tenant: tenant, party: id, at: now)
            var erased: [Party.ID] = []
            var erasedUsers: Set<Party.ID> = []
            while let orphan = orphans.popLast() {
                orphans += try await tx.deleteMerges(tenant: tenant, party: orphan, at: now)
                try await tx.deleteRelationshipHistory(tenant: tenant, party: orphan)
                _ = try await tx.deletePartnerAccounts(tenant: tenant, party: orphan)
                // The merged party's login is the same person's: it goes as the survivor's does (it stayed, unlinked, with
                // the erased person's email; found by a probe). The caller was checked to manage it above.
                if var user = try await tx.user(tenant: tenant, party: orphan) {
                    if eraseUsers {
                        try await Self.eraseLogin(user, tx: tx)
                        erasedUsers.insert(orphan)
                    } else {
                        let version = user.version
                        user.partyID = nil
                        user.updatedAt = now
                        user.version += 1
                        guard try await tx.updateUser(user, expectedVersion: version) else {
                            throw RosterError.conflict("the user linked to party \(orphan) changed meanwhile; try again")
                        }
                    }
                }
                try await tx.deleteErasedParty(tenant: tenant, id: orphan)
                erased.append(orphan)
            }
            if !erased.isEmpty { removed.append("mergedParties") }
            try await tx.deleteErasedParty(tenant: tenant, id: id)
            try await tx.appendAudit([AuditEvent(tenantID: tenant, context: context, action: "party.erase", targetType: "party",
                                                 targetID: id.description, fields: removed)]
                                     + erased.map { orphan in
                                         AuditEvent(tenantID: tenant, context: context, action: "party.erase", targetType: "party",
                                                    targetID: orphan.description,
                                                    fields: ["party", "history", "mergedInto"] + (erasedUsers.contains(orphan) ? ["user"] : []))
                                     })
            return true
        }
    }

    /// Deletes a login with an erased party: its grants first (their history goes with the user).
    static func eraseLogin(_ user: User, tx: any StoreTransaction) async throws {
        for role in try await tx.roles(tenant: user.tenantID, user: user.id) {
            _ = try await tx.revokeRole(tenant: user.tenantID, user: user.id, role: role.id)
        }
        try await tx.deleteErasedUser(tenant: user.tenantID, id: user.id)
    }

    /// The party's audit trail as its page shows it: the `limit` newest changes and disclosures (routine reads left out)
    /// of the party and of its own records the caller may see (its edges, partner accounts, login, merged records), as
    /// its GDPR export gathers them. A reveal of its partner secret, an edge made: they target those records, and the
    /// console's trail, which looked for the party's id alone, left them out (found by a probe). Needs `audit.read`
    /// reaching the party. `more`: older ones are there.
    public func trail(tenant slug: String, id: Party.ID, limit: Int, context: OperationContext) async throws
        -> (entries: [AuditEntry], more: Bool) {
        try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            let tenant = access.tenant.id
            _ = try await access.party(id)
            try await access.requireAuditReader(of: id.description)
            let own = try await OwnRecords.gather(of: id, access: access, tx: tx)
            let entries = try await tx.recentChanges(tenant: tenant, targets: own.auditTargets(besides: id), limit: limit + 1)
            return (Array(entries.prefix(limit)), entries.count > limit)
        }
    }

    /// A party's own records as the caller may see them, which its GDPR export shows and its audit trail follows: its
    /// edges whose other end the caller may read, its partner accounts (as partner or customer) the caller may see, its
    /// login when the caller may read that user (as `GET .../users/{id}` decides: `users.read` on the tenant, or on
    /// subtrees its roles lie in), the parties merged into it and into those, and the edges and partner accounts it and
    /// they were in that were removed since (a merge moves edges under new ids; their entries are its history: a reveal
    /// of a deleted account's secret). `complete`: nothing of the kinds above was left out for the caller's scope or
    /// policies.
    struct OwnRecords {
        var edges: [Relationship] = []
        var removedEdges: [Relationship] = []
        var accounts: [PartnerAccount] = []
        var removedAccounts: [RemovedPartnerAccount] = []
        var user: User?
        var merged: [Party] = []
        var complete = true

        static func gather(of id: Party.ID, access: TenantAccess, tx: any StoreTransaction) async throws -> OwnRecords {
            let tenant = access.tenant.id
            var own = OwnRecords()
            var survivors = [id]
            while let survivor = survivors.popLast() {
                for record in try await tx.partiesMerged(into: survivor, tenant: tenant) where !own.merged.contains(where: { $0.id == record.id }) {
                    own.merged.append(record)
                    survivors.append(record.id)
                }
            }
            let records = Set([id] + own.merged.map(\.id))
            let edges = try await ComplianceService.edges(of: id, tenant: tenant, tx: tx)
            let removed = try await tx.removedRelationships(tenant: tenant, parties: Array(records))
            // The other ends, of edges between two of its records none.
            func others(_ edge: Relationship) -> [Party.ID] { [edge.parentID, edge.childID].filter { !records.contains($0) } }
            let readable = Set(try await access.readableAmong(Array(Set((edges + removed).flatMap(others)))))
            own.edges = edges.filter { others($0).allSatisfy(readable.contains) }
            own.removedEdges = removed.filter { others($0).allSatisfy(readable.contains) }
            var accounts: [PartnerAccount] = []
            for query in [PartnerAccountQuery(partnerID: id, limit: 100_000), PartnerAccountQuery(customerID: id, limit: 100_000)] {
                accounts += try await tx.partnerAccounts(tenant: tenant, query: query)
            }
            own.accounts = try await access.visible(accounts) { [$0.partnerID, $0.customerID] }
            let removedAccounts = try await tx.removedPartnerAccounts(tenant: tenant, parties: Array(records))
            let ends = Set(removedAccounts.flatMap { [$0.partnerID, $0.customerID] }).subtracting(records)
            let readableEnds = Set(try await access.readableAmong(Array(ends)))
            own.removedAccounts = removedAccounts.filter { [$0.partnerID, $0.customerID].allSatisfy { records.contains($0) || readableEnds.contains($0) } }
            own.complete = own.edges.count == edges.count && own.removedEdges.count == removed.count && own.accounts.count == accounts.count
                && own.removedAccounts.count == removedAccounts.count
            if let user = try await tx.user(tenant: tenant, party: id) {
                if try await access.mayRead(user) { own.user = user } else { own.complete = false }
            }
            return own
        }

        /// The audit targets of the party `id` and of these records.
        func auditTargets(besides id: Party.ID) -> Set<String> {
            Set([id.description] + (edges + removedEdges).map(\.id.description) + accounts.map(\.id.description)
                + removedAccounts.map(\.id.description)
                + (user.map { [$0.id.description] } ?? []) + merged.map(\.id.description))
        }
    }

    /// Every edge of the party, both directions.
    static func edges(of id: Party.ID, tenant: Tenant.ID, tx: any StoreTransaction) async throws -> [Relationship] {
        var edges: [Relationship] = []
        var after: Relationship.ID?
        repeat {
            let page = try await tx.relationships(tenant: tenant, query: RelationshipQuery(partyID: id, after: after, limit: 500))
            edges += page
            after = page.count == 500 ? page.last?.id : nil
        } while after != nil
        return edges
    }

    // MARK: Retention

    /// What a retention pass found, or did.
    public struct RetentionReport: Sendable, Hashable {
        /// Tenants whose retention applies (their own `retentionDays`, or the default).
        public var tenants: Int = 0
        /// Parties due: `deleted` for longer than their tenant's retention.
        public var due: Int = 0
        public var erased: Int = 0
        /// Due parties a concurrent erasure (another process) took first.
        public var gone: Int = 0
        /// Tenants with a retention that are not active (suspended, failed): nothing of theirs is erased meanwhile.
        public var skippedTenants: [String] = []
        /// Due parties restored (or deleted again) before their erasure: kept.
        public var restored: Int = 0
        /// Due parties whose erasure was refused (a role scoped to the organization, ...), by id: the pass went on.
        public var failed: [Party.ID] = []
        /// The parties due, by tenant slug: what a dry run names for review.
        public var dueParties: [String: [Party.ID]] = [:]
    }

    /// Erases, as the system, the parties deleted for longer than their tenant's `settings.retentionDays` (or
    /// `defaultDays`, `ROSTER_RETENTION_DAYS`; neither: kept), `batch` at a time, each audited as `party.erase`.
    /// `dryRun` counts them only. `now` is the clock (tests move it). `progress(done, due)` follows the work.
    public func runRetention(tenant only: String? = nil, defaultDays: Int?, now: Date = Date.rosterNow, dryRun: Bool = false,
                             batch: Int = 200, progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> RetentionReport {
        // A pass of its own in the audit (every pass wrote "retention"; found by a probe).
        let context = OperationContext.system("retention-" + UUIDv7.next().uuidString.lowercased())
        var tenants = try await store.read { tx in try await TenantService.all(tx) }
        if let only {
            tenants = tenants.filter { $0.slug == only }
            if tenants.isEmpty { throw RosterError.notFound("no tenant \(only.prefix(63))") }
        }
        var report = RetentionReport()
        var work: [(Tenant, [Party.ID])] = []
        for tenant in tenants {
            guard let days = tenant.settings.retentionDays ?? defaultDays else { continue }
            report.tenants += 1
            guard tenant.status == .active else {
                report.skippedTenants.append(tenant.slug)
                continue
            }
            let cutoff = now.addingTimeInterval(-Double(days) * 86_400)
            var due: [Party.ID] = []
            var after: Party.ID?
            repeat {
                let page = try await store.read { tx in
                    try await tx.partiesDeleted(tenant: tenant.id, before: cutoff, after: after, limit: batch)
                }
                due += page
                after = page.count == batch ? page.last : nil
            } while after != nil
            if !due.isEmpty { work.append((tenant, due)) }
            report.due += due.count
        }
        report.dueParties = Dictionary(work.map { ($0.0.slug, $0.1) }, uniquingKeysWith: { first, _ in first })
        guard !dryRun else { return report }
        progress(0, report.due)
        var done = 0
        do {
            for (tenant, due) in work {
                let cutoff = now.addingTimeInterval(-Double(tenant.settings.retentionDays ?? defaultDays ?? 0) * 86_400)
                for id in due {
                    do {
                        if try await eraseRetrying(tenant: tenant.slug, id: id, eraseUsers: true, deletedBy: cutoff, context: context) {
                            report.erased += 1
                        } else {
                            report.restored += 1
                        }
                    } catch let error as RosterError {
                        if case .notFound = error { report.gone += 1 } else { report.failed.append(id) }
                    } catch StoreError.missingReference {
                        report.gone += 1
                    } catch StoreError.concurrentWrite {
                        report.failed.append(id)
                    }
                    done += 1
                    progress(done, report.due)
                }
            }
        } catch {
            if report.erased > 0 { try? await store.checkpoint() }
            throw error
        }
        // One checkpoint for the pass (SQLite): the files keep nothing of what it erased.
        if report.erased > 0 { try? await store.checkpoint() }
        return report
    }
}
