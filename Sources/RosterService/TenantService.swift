import Foundation
import Synchronization
public import RosterCore
public import RosterStore

/// Changes a client may make to a tenant with PATCH.
public struct TenantUpdate: Sendable {
    public var name: String?
    public var status: Tenant.Status?
    public var defaultCallingCode: PartyPatch.Change<String> = .keep
    public var autoLinkContacts: Bool?
    public var sso: PartyPatch.Change<SSOSettings> = .keep
    /// Platform callers only.
    public var rateLimit: PartyPatch.Change<RateLimitRule> = .keep
    public var retentionDays: PartyPatch.Change<Int> = .keep

    public init(name: String? = nil, status: Tenant.Status? = nil) {
        self.name = name
        self.status = status
    }

    /// The change by the rules of a tenant's fields, normalized; what they refuse goes into `errors` (each field once:
    /// one already named there is left to that message). The API's merge patch adds these to the refusals of its own
    /// reading, so that a PATCH names every invalid field at once (an empty name went unnamed beside a bad status; a
    /// probe).
    public func validated(into errors: inout ValidationErrors) -> TenantUpdate {
        var checked = self
        if let raw = name, !errors.contains("name") { checked.name = errors.check { try Tenant.validateName(raw) } }
        if case .set(let code) = defaultCallingCode, !errors.contains("settings.defaultCallingCode") {
            checked.defaultCallingCode = errors.check({ try PhoneNumber.validateCallingCode(code) }).map { .set($0) } ?? .keep
        }
        if case .set(let given) = sso, !errors.contains("settings.sso") {
            checked.sso = errors.check({ try given.validated() }).map { .set($0) } ?? .keep
        }
        if let status, status == .provisioning || status == .failed, !errors.contains("status") {
            errors.add("status", "may be set to active or suspended only")
        }
        return checked
    }
}

public struct TenantService: Sendable {
    let store: any Store
    /// The tenants' own rate limits, read at most every `rateLimitLifetime` (4 s) per tenant; a change made here applies at
    /// once, one made by another process within that time and a request's (5.1 s was measured with 5 s; found by a probe).
    let rateLimits: RateLimitCache

    /// The tenant where every tenant is tracked as a customer (`ROSTER_MANAGEMENT_TENANT`): it is not suspended.
    let managementTenant: String

    public init(store: any Store, managementTenant: String = "management", rateLimitLifetime: Duration = .seconds(4)) {
        self.store = store
        self.managementTenant = managementTenant
        self.rateLimits = RateLimitCache(lifetime: rateLimitLifetime)
    }

    /// The rate limit of tenant `slug`'s own callers when it has one (`settings.rateLimit`); nil for a tenant without,
    /// or no such tenant. Asked by the HTTP layer for callers it has authenticated; tells nothing else of the tenant.
    public func rateLimit(of slug: String) async throws -> RateLimitRule? {
        if let cached = rateLimits.rule(of: slug) { return cached.rule }
        // Kept from the instant the read began, not the one it ended: its snapshot holds every change committed before
        // then, so a change made by another process is seen within the lifetime of its commit (it took 5.02 s; found by
        // a probe).
        let began = ContinuousClock.now
        let rule = try await store.read { tx in try await tx.tenant(slug: slug)?.settings.rateLimit }
        rateLimits.remember(rule, of: slug, readAt: began)
        return rule
    }

    /// Creates an active tenant directly: the management tenant, tests. `POST /v1/tenants` runs ProvisioningService instead.
    public func create(slug rawSlug: String, name rawName: String, settings: TenantSettings = TenantSettings(),
                       context: OperationContext) async throws -> Tenant {
        var errors = ValidationErrors()
        let (slug, name, settings) = Self.validated(slug: rawSlug, name: rawName, settings: settings, into: &errors)
        try errors.throwIfAny()
        let now = Date.rosterNow
        let tenant = Tenant(id: .make(), slug: slug, name: name, status: .active, settings: settings,
                            createdAt: now, updatedAt: now, version: 1)
        do {
            try await store.write { tx in
                if try await tx.tenant(slug: tenant.slug) != nil {
                    throw RosterError.conflict("a tenant with slug \(tenant.slug) exists", existingID: tenant.slug)
                }
                try await tx.insertTenant(tenant)
                try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "tenant.create",
                                                     targetType: "tenant", targetID: tenant.id.description,
                                                     fields: ["slug", "name", "settings"])])
            }
        } catch StoreError.uniqueViolation {
            throw RosterError.conflict("a tenant with slug \(tenant.slug) exists", existingID: tenant.slug)
        }
        return tenant
    }

    /// A new tenant's slug, name and settings, normalized; invalid fields go into `errors`.
    static func validated(slug rawSlug: String, name rawName: String, settings: TenantSettings,
                          into errors: inout ValidationErrors) -> (slug: String, name: String, settings: TenantSettings) {
        // A slug is an identifier, its pattern holds no space: `" cd "` was taken as `cd` (found by a probe).
        let slug = errors.check {
            guard rawSlug == rawSlug.trimmingWhitespace() else { throw RosterError.invalid("slug", "must be 2 to 63 characters of a-z, 0-9 and -, with no spaces around them") }
            return try Tenant.validateSlug(rawSlug)
        } ?? rawSlug
        let name = errors.check { try Tenant.validateName(rawName) } ?? rawName
        var settings = settings
        if let sso = settings.sso { settings.sso = errors.check { try sso.validated() } }
        if let code = settings.defaultCallingCode {
            settings.defaultCallingCode = errors.check { try PhoneNumber.validateCallingCode(code) }
        }
        if let days = settings.retentionDays, !TenantSettings.retentionDaysRange.contains(days) {
            errors.add("settings.retentionDays", "must be a whole number of days from 0 to 36500")
        }
        return (slug, name, settings)
    }

    /// Every tenant, by slug.
    public func all(context: OperationContext) async throws -> [Tenant] {
        guard context.isPlatformOrSystem else { throw RosterError.forbidden("only a platform token may do this") }
        return try await store.read { tx in try await Self.all(tx) }
    }

    static func all(_ tx: any StoreTransaction) async throws -> [Tenant] {
        var tenants: [Tenant] = []
        while true {
            let page = try await tx.tenants(afterSlug: tenants.last?.slug, limit: 500)
            tenants += page
            if page.count < 500 { return tenants }
        }
    }

    /// The database's management tenant: the one recorded at its first start, else `slug`, recorded now when the
    /// database has no tenant yet or has this one. nil: not recorded, and `slug` names no tenant of a database that has
    /// some (a process configured with another management tenant than the others made a second one and split the
    /// tracking; found by a probe).
    public func managementTenant(proposing slug: String) async throws -> String? {
        try await store.write { tx in
            if let recorded = try await tx.installationSetting(Self.managementSetting) { return recorded }
            // A database older than the record: one that holds the default management tenant has that one (a command
            // run with another, existing tenant named recorded that one; found by a probe), unless it is the one named.
            if slug != Self.defaultManagementSlug, try await tx.tenant(slug: Self.defaultManagementSlug) != nil {
                return Self.defaultManagementSlug
            }
            let known = try await tx.tenant(slug: slug) != nil
            let empty = try await tx.tenants(afterSlug: nil, limit: 1).isEmpty
            guard known || empty else { return nil }
            try await tx.saveInstallationSetting(Self.managementSetting, value: slug)
            return slug
        }
    }

    static let managementSetting = "managementTenant"
    /// ROSTER_MANAGEMENT_TENANT's default.
    static let defaultManagementSlug = "management"

    /// Creates the tenant unless one with this slug exists (the management tenant at `migrate`).
    @discardableResult
    public func ensure(slug: String, name: String, context: OperationContext) async throws -> Tenant {
        if let existing = try await store.read({ tx in try await tx.tenant(slug: slug) }) { return existing }
        do {
            return try await create(slug: slug, name: name, context: context)
        } catch RosterError.conflict {
            guard let existing = try await store.read({ tx in try await tx.tenant(slug: slug) }) else { throw RosterError.notFound("tenant") }
            return existing
        }
    }

    /// Tenants by slug, each with its provisioning workflow (as a tenant is answered everywhere), in one read.
    public func list(cursor: String?, limit: Int?, context: OperationContext) async throws -> Page<ProvisionedTenant> {
        guard context.isPlatformOrSystem else { throw RosterError.forbidden("only a platform token may do this") }
        let limit = try pageSize(limit)
        var after: String?
        if let cursor {
            guard let slug = Cursor.decode(cursor), (try? Tenant.validateSlug(slug)) == slug else {
                throw RosterError.invalid("cursor", "is not a cursor from this API")
            }
            after = slug
        }
        let rows = try await store.read { tx in
            var rows: [ProvisionedTenant] = []
            for tenant in try await tx.tenants(afterSlug: after, limit: limit + 1) {
                rows.append(ProvisionedTenant(tenant: tenant, provisioning: try await tx.provisioning(tenant: tenant.id)?.state))
            }
            return rows
        }
        return Page(rows: rows, limit: limit) { $0.tenant.slug }
    }

    public func get(_ slug: String, context: OperationContext) async throws -> Tenant {
        try await store.read { tx in try await TenantAccess.open(tx, slug, context, write: false).tenant }
    }

    /// Changes a tenant; answers it with its provisioning workflow, read in the same transaction.
    /// `ifMatch`: the version the change is based on (`If-Match`); another is 412, as for a party.
    public func update(_ slug: String, _ update: TenantUpdate, ifMatch: Int? = nil, context: OperationContext) async throws -> ProvisionedTenant {
        var errors = ValidationErrors()
        let checked = update.validated(into: &errors)
        try errors.throwIfAny()
        let name = checked.name, callingCode = checked.defaultCallingCode, sso = checked.sso
        // Once committed, this process's callers of the tenant are under its new rate limit at once.
        defer { rateLimits.forget(slug) }
        // Written over the version it read (a concurrent PATCH of the settings undid a suspension on PostgreSQL; a probe),
        // and run again on the tenant as it is now when another change came first.
        return try await againIfChanged(ifMatch: ifMatch) { try await store.write { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            var tenant = access.tenant
            if !access.isPlatform {
                // A tenant's own callers neither lift nor impose a suspension, and change nothing while suspended.
                if update.status != nil { throw RosterError.forbidden("only a platform token may change a tenant's status") }
                if case .keep = update.rateLimit {} else {
                    throw RosterError.forbidden("only a platform token may change a tenant's rate limit")
                }
                if tenant.status == .suspended { throw RosterError.forbidden("tenant \(slug) is suspended: it accepts reads only") }
                try access.require("tenants.manage")
                if case .keep = update.sso {} else if !access.grants.everything {
                    throw RosterError.forbidden("changing settings.sso needs ADMIN")
                }
                // The retention decides when deleted parties are erased for good: an erasure power. `tenants.manage` alone
                // set it to 0 and had every deleted party erased (found by a probe).
                if case .keep = update.retentionDays {} else if access.grants.scope(of: "parties.erase") != .tenant {
                    throw RosterError.forbidden("changing settings.retentionDays decides when deleted parties are erased: it needs "
                                                + "parties.erase on the whole tenant")
                }
            }
            try requireVersion(ifMatch, is: tenant.version, of: "tenant")
            let before = tenant
            // A tenant still provisioning, or whose provisioning failed, takes no change, as it takes no write (a name
            // changed there was let through, then reset by the create request that provisioned it again; found by a probe).
            if tenant.status == .provisioning || tenant.status == .failed {
                throw RosterError.conflict("tenant \(slug) is \(tenant.status.rawValue); it accepts no changes"
                                           + (tenant.status == .failed ? " (send its create request again to provision it)" : ""))
            }
            if update.status == .suspended, tenant.status != .suspended, tenant.slug == managementTenant {
                throw RosterError.conflict("tenant \(slug) is the management tenant: every tenant's customer record is kept there, "
                                           + "so it is not suspended")
            }
            if let name { tenant.name = name }
            if let status = update.status { tenant.status = status }
            switch callingCode {
            case .set(let code): tenant.settings.defaultCallingCode = code
            case .clear: tenant.settings.defaultCallingCode = nil
            case .keep: break
            }
            if let autoLink = update.autoLinkContacts { tenant.settings.autoLinkContacts = autoLink }
            switch sso {
            case .set(let sso): tenant.settings.sso = sso
            case .clear: tenant.settings.sso = nil
            case .keep: break
            }
            switch update.rateLimit {
            case .set(let rule): tenant.settings.rateLimit = rule
            case .clear: tenant.settings.rateLimit = nil
            case .keep: break
            }
            switch update.retentionDays {
            case .set(let days): tenant.settings.retentionDays = days
            case .clear: tenant.settings.retentionDays = nil
            case .keep: break
            }
            var fields: [String] = []
            if before.name != tenant.name { fields.append("name") }
            if before.status != tenant.status { fields.append("status") }
            if before.settings != tenant.settings { fields.append("settings") }
            if !fields.isEmpty {
                tenant.updatedAt = Date.rosterNow
                tenant.version += 1
                guard try await tx.updateTenant(tenant) else { throw ChangedMeanwhile(what: "tenant") }
                try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "tenant.update",
                                                     targetType: "tenant", targetID: tenant.id.description, fields: fields)])
            }
            let provisioning = try await tx.provisioning(tenant: tenant.id)?.state
            if before.name != tenant.name, let tracking = provisioning?.tracking {
                try await Self.renameTrackedCompany(tracking, from: before.name, to: tenant.name, tx: tx, context: context)
            }
            return ProvisionedTenant(tenant: tenant, provisioning: try await access.shown(provisioning))
        } }
    }

    /// The tenant's customer record in the management tenant carries the tenant's name (DESIGN.md §2): renamed with it,
    /// in the same transaction, unless someone named the company otherwise meanwhile (theirs is kept).
    static func renameTrackedCompany(_ tracking: Tracking, from old: String, to new: String, tx: any StoreTransaction,
                                     context: OperationContext) async throws {
        guard let slug = tracking.managementTenant, let companyID = tracking.companyID,
              let management = try await tx.tenant(slug: slug), management.status == .active,
              let company = try await tx.party(tenant: management.id, id: companyID), company.isLive, company.name == old else { return }
        var patch = PartyPatch()
        patch.name = .set(new)
        let (renamed, changed) = try PartyRules.update(company, with: patch, settings: management.settings, now: Date.rosterNow)
        guard !changed.isEmpty, try await tx.updateParty(renamed, expectedVersion: company.version) else { return }
        try await tx.appendAudit([AuditEvent(tenantID: management.id, context: context, action: "party.update", targetType: "party",
                                             targetID: companyID.description, fields: changed)])
    }
}

func pageSize(_ limit: Int?) throws -> Int {
    guard let limit else { return Limits.defaultPageSize }
    guard (1...Limits.maxPageSize).contains(limit) else {
        throw RosterError.invalid("limit", "must be between 1 and \(Limits.maxPageSize)")
    }
    return limit
}

extension StoreTransaction {
    /// The tenant by slug, or 404.
    func requireTenant(_ slug: String) async throws -> Tenant {
        guard let tenant = try await tenant(slug: slug) else { throw RosterError.notFound("no tenant \(slug)") }
        return tenant
    }
}

/// Rate-limit rules by tenant slug, with the time each was read.
final class RateLimitCache: Sendable {
    private let entries = Mutex<[String: (rule: RateLimitRule?, read: ContinuousClock.Instant)]>([:])
    let lifetime: Duration

    init(lifetime: Duration) { self.lifetime = lifetime }

    /// The cached rule (itself possibly nil: no rule of its own), or nil when not cached or too old.
    func rule(of slug: String) -> (rule: RateLimitRule?, Void)? {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let entry = entries[slug], now - entry.read < lifetime else { return nil }
            return (entry.rule, ())
        }
    }

    func remember(_ rule: RateLimitRule?, of slug: String, readAt: ContinuousClock.Instant) {
        entries.withLock { entries in
            if entries.count >= 10_000 { entries.removeAll() }
            entries[slug] = (rule, readAt)
        }
    }

    func forget(_ slug: String) {
        _ = entries.withLock { $0.removeValue(forKey: slug) }
    }
}
