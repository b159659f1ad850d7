import Crypto
public import Foundation
public import Logging
import Metrics
public import RosterCore
public import RosterStore

/// What `POST /v1/tenants` and `roster tenants create` ask for.
public struct ProvisioningRequest: Sendable, Hashable {
    public var slug: String
    public var name: String
    public var settings: TenantSettings
    public var admin: Provisioning.Admin?

    public init(slug: String, name: String, settings: TenantSettings = TenantSettings(), admin: Provisioning.Admin? = nil) {
        self.slug = slug
        self.name = name
        self.settings = settings
        self.admin = admin
    }
}

/// A tenant with its workflow state (`nil` for tenants made before workflows, such as the management tenant).
public struct ProvisionedTenant: Sendable {
    public var tenant: Tenant
    public var provisioning: Provisioning?
}

public struct ProvisioningOptions: Sendable {
    public var managementTenant = "management"
    public var customerTracking = true
    public var customerTag = "PSA Customer"
    /// Tracking attempts before it is `failed` (a forced retry starts a new round).
    public var maxTrackingAttempts = 6
    public var backoffBase: TimeInterval = 2
    public var backoffCap: TimeInterval = 300
    /// How long an `Idempotency-Key` answers with its first result.
    public var idempotencyLifetime: TimeInterval = 24 * 3600
    /// How long a process may hold a workflow without renewing; another process takes over after it.
    public var lease: TimeInterval = 60
    /// Run the tracking steps inside the provisioning request (the answer then shows the outcome), or leave
    /// them to the worker and answer as soon as the tenant is active (`tracking.status: pending`).
    public var trackInRequest = true

    public init() {}
}

/// The tenant provisioning workflow (DESIGN.md §2, seed 003): tenant → admin → active, then, in the
/// management tenant, company → contact → tag. Each step is one transaction that also records the
/// workflow's new state under the caller's lease, so a step's effects and its record commit together:
/// a crash resumes at the next step and no step runs twice, whichever process resumes it.
public struct ProvisioningService: Sendable {
    let store: any Store
    let options: ProvisioningOptions
    let faults: FaultInjector
    let logger: Logger
    /// This process, as a lease holder; each run of a workflow adds its own suffix, so that two tasks of one
    /// process don't run the same workflow at once either.
    let owner: String

    public init(store: any Store, options: ProvisioningOptions, faults: FaultInjector = .none,
                logger: Logger = Logger(label: "roster.provisioning")) {
        self.store = store
        self.options = options
        self.faults = faults
        self.logger = logger
        self.owner = ProcessInfo.processInfo.hostName.prefix(40) + ":" + String(getpid()) + ":" + UUID().uuidString.prefix(8)
    }

    // MARK: Requests

    /// Creates the tenant and runs its workflow; returns it active (tracking maybe still pending), or throws
    /// 503 when provisioning failed and was rolled back. With `idempotencyKey`, a repeat of the same request
    /// returns the first one's tenant (`replayed`), and the same key with another body is 422.
    public func provision(_ request: ProvisioningRequest, idempotencyKey: String? = nil,
                          context: OperationContext) async throws -> (result: ProvisionedTenant, replayed: Bool) {
        let request = try Self.validated(request)
        if let key = idempotencyKey {
            guard (1...200).contains(key.count), key.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
                throw RosterError.invalid("Idempotency-Key", "must be 1 to 200 visible ASCII characters")
            }
        }
        let hash = Self.hash(request)
        let started: Tenant.ID
        // The workflow is leased to this request from its first transaction on, so that no worker takes it meanwhile.
        let runner = owner + ":" + UUID().uuidString.prefix(8)
        do {
            guard let id = try await start(request, key: idempotencyKey, hash: hash, runner: runner, context: context) else {
                return (try await replay(idempotencyKey!), true)
            }
            started = id
        } catch StoreError.uniqueViolation {
            // A concurrent request with the same key or slug won.
            if let key = idempotencyKey, let found = try await store.read({ tx in try await tx.idempotencyKey(key) }) {
                guard found.requestHash == hash else { throw Self.keyReused }
                return (try await replay(key), true)
            }
            throw RosterError.conflict("a tenant with slug \(request.slug) exists", existingID: request.slug)
        }
        try await drive(started, owner: runner, requestID: context.requestID, stopAtActive: !options.trackInRequest)
        let result = try await tenant(id: started)
        if result.provisioning?.phase == .failed {
            throw RosterError.unavailable("provisioning failed and was rolled back (\(result.provisioning?.lastError ?? "unknown")); "
                                          + "send the request again to retry")
        }
        return (result, false)
    }

    static let keyReused = RosterError.invalid("Idempotency-Key", "was used with a different request body")

    /// Inserts the tenant (`provisioning`) and its workflow, or restarts a failed one. `nil` when the key replays.
    private func start(_ request: ProvisioningRequest, key: String?, hash: String, runner: String,
                       context: OperationContext) async throws -> Tenant.ID? {
        let now = Date.rosterNow
        return try await store.write { tx -> Tenant.ID? in
            if let key {
                try await tx.deleteExpiredIdempotencyKeys(now: now)
                if let found = try await tx.idempotencyKey(key) {
                    guard found.requestHash == hash else { throw Self.keyReused }
                    return nil
                }
            }
            let isManagement = request.slug == options.managementTenant
            let tracking = Tracking(status: options.customerTracking && !isManagement ? .pending : .off, withContact: request.admin != nil,
                                    managementTenant: options.managementTenant, tag: options.customerTag)
            let state = Provisioning(admin: request.admin, tracking: tracking, startedAt: now)
            let id: Tenant.ID
            if var existing = try await tx.tenant(slug: request.slug) {
                // A failed provisioning may be tried again; anything else with this slug is a conflict.
                guard existing.status == .failed, try await tx.provisioning(tenant: existing.id) != nil else {
                    throw RosterError.conflict("a tenant with slug \(request.slug) exists", existingID: request.slug)
                }
                existing.name = request.name
                existing.settings = request.settings
                existing.status = .provisioning
                existing.updatedAt = now
                existing.version += 1
                try await tx.updateTenant(existing)
                let (_, version) = try await tx.provisioning(tenant: existing.id)!
                guard try await tx.updateProvisioning(tenant: existing.id, state, expectedVersion: version, owner: nil) else {
                    throw StoreError.uniqueViolation(constraint: "provisioning")
                }
                id = existing.id
                try await tx.appendAudit([AuditEvent(tenantID: id, context: context, action: "tenant.retry", targetType: "tenant",
                                                     targetID: id.description, fields: ["name", "settings", "status"])])
            } else {
                let tenant = Tenant(id: .make(), slug: request.slug, name: request.name, status: .provisioning, settings: request.settings,
                                    createdAt: now, updatedAt: now, version: 1)
                try await tx.insertTenant(tenant)
                try await tx.insertProvisioning(tenant: tenant.id, state)
                id = tenant.id
                try await tx.appendAudit([AuditEvent(tenantID: id, context: context, action: "tenant.create", targetType: "tenant",
                                                     targetID: id.description, fields: ["slug", "name", "settings"]
                                                        + (request.admin == nil ? [] : ["admin"]))])
            }
            if let key {
                try await tx.insertIdempotencyKey(key, requestHash: hash, tenant: id, expiresAt: now.addingTimeInterval(options.idempotencyLifetime))
            }
            guard try await tx.claimProvisioning(tenant: id, owner: runner, until: now.addingTimeInterval(options.lease), now: now) else {
                throw RosterError.conflict("tenant \(request.slug) is being provisioned by another request")
            }
            return id
        }
    }

    private func replay(_ key: String) async throws -> ProvisionedTenant {
        guard let found = try await store.read({ tx in try await tx.idempotencyKey(key) }) else {
            throw RosterError.notFound("no request with this Idempotency-Key")
        }
        // The first request may still be running, in this process or another: wait (a while) for its outcome.
        let deadline = Date().addingTimeInterval(options.lease)
        while true {
            try await drive(found.tenantID, requestID: "replay")
            let current = try await tenant(id: found.tenantID)
            if current.provisioning.map({ $0.phase == .active || $0.phase == .failed }) ?? true || Date() > deadline { return current }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Forces a tracking attempt now: a `pending` or `failed` tracking starts again where it stopped.
    public func retryTracking(tenant slug: String, context: OperationContext) async throws -> ProvisionedTenant {
        let id = try await store.write { tx -> Tenant.ID in
            guard let tenant = try await tx.tenant(slug: slug) else { throw RosterError.notFound("no tenant \(slug)") }
            guard let (state, version) = try await tx.provisioning(tenant: tenant.id), state.phase == .active else {
                throw RosterError.conflict("tenant \(slug) has no active provisioning to track; run roster tenants track-existing")
            }
            var next = state
            switch state.tracking.status {
            case .tracked: return tenant.id
            case .off: throw RosterError.conflict("customer tracking is off for tenant \(slug)")
            case .failed: next.tracking.attempts = 0
            case .pending: break
            }
            next.tracking.status = .pending
            next.tracking.nextAttemptAt = nil
            guard try await tx.updateProvisioning(tenant: tenant.id, next, expectedVersion: version, owner: nil) else {
                throw RosterError.conflict("the workflow changed meanwhile; try again")
            }
            try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "tenant.tracking_retry", targetType: "tenant",
                                                 targetID: tenant.id.description, fields: ["tracking"])])
            return tenant.id
        }
        try await drive(id, requestID: context.requestID)
        return try await tenant(id: id)
    }

    /// Starts tracking for every tenant that is not tracked yet (made before tracking was on, or before
    /// workflows): idempotent, a second run changes nothing. Returns how many tenants it started.
    /// `only` limits it to some tenants (tests that share a database with others).
    public func trackExisting(context: OperationContext, only: Set<Tenant.ID>? = nil,
                              progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> Int {
        guard options.customerTracking else { throw RosterError.conflict("customer tracking is off (ROSTER_CUSTOMER_TRACKING)") }
        var tenants: [Tenant] = []
        var after: String?
        while true {
            let page = try await store.read { tx in try await tx.tenants(afterSlug: after, limit: 500) }
            tenants += page
            guard page.count == 500 else { break }
            after = page.last?.slug
        }
        var started = 0
        for (index, tenant) in tenants.enumerated() {
            progress?(index + 1, tenants.count)
            guard tenant.slug != options.managementTenant, tenant.status == .active, only?.contains(tenant.id) ?? true else { continue }
            let begun = try await store.write { tx -> Bool in
                let now = Date.rosterNow
                if let (state, version) = try await tx.provisioning(tenant: tenant.id) {
                    guard state.phase == .active, state.tracking.status == .off else { return false }
                    var next = state
                    next.tracking.status = .pending
                    next.tracking.managementTenant = options.managementTenant
                    next.tracking.tag = options.customerTag
                    return try await tx.updateProvisioning(tenant: tenant.id, next, expectedVersion: version, owner: nil)
                }
                var state = Provisioning(admin: nil, tracking: Tracking(status: .pending, withContact: false, managementTenant: options.managementTenant,
                                                                        tag: options.customerTag), startedAt: now)
                state.phase = .active
                state.finishedAt = now
                try await tx.insertProvisioning(tenant: tenant.id, state)
                return true
            }
            if begun {
                started += 1
                try await drive(tenant.id, requestID: context.requestID)
            }
        }
        return started
    }

    public func tenant(slug: String) async throws -> ProvisionedTenant {
        try await store.read { tx in
            guard let tenant = try await tx.tenant(slug: slug) else { throw RosterError.notFound("no tenant \(slug)") }
            return ProvisionedTenant(tenant: tenant, provisioning: try await tx.provisioning(tenant: tenant.id)?.state)
        }
    }

    public func tenant(id: Tenant.ID) async throws -> ProvisionedTenant {
        try await store.read { tx in
            guard let tenant = try await tx.tenant(id: id) else { throw RosterError.notFound("no tenant \(id)") }
            return ProvisionedTenant(tenant: tenant, provisioning: try await tx.provisioning(tenant: id)?.state)
        }
    }

    // MARK: Worker

    /// Runs every workflow with work due (unfinished after a crash, tracking retries whose time has come).
    /// Returns how many it ran.
    @discardableResult
    /// `only` limits it to some tenants (tests that share a database with others).
    public func runDue(limit: Int = 20, only: Set<Tenant.ID>? = nil) async throws -> Int {
        var due = try await store.read { tx in try await tx.dueProvisioning(now: Date.rosterNow, limit: only == nil ? limit : 10_000) }
        if let only { due = Array(due.filter(only.contains).prefix(limit)) }
        // A few at a time: each waits on the database most of its time.
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = due.makeIterator()
            for _ in 0..<4 { if let id = next.next() { group.addTask { try await drive(id, requestID: "worker") } } }
            while try await group.next() != nil {
                if let id = next.next() { group.addTask { try await drive(id, requestID: "worker") } }
            }
        }
        Gauge(label: "roster_provisioning_pending").record(try await store.read { tx in try await tx.pendingProvisioningCount() })
        return due.count
    }

    /// Runs the workflow's due steps under this process's lease; returns at once when another holds it.
    func drive(_ tenantID: Tenant.ID, owner given: String? = nil, requestID: String, stopAtActive: Bool = false) async throws {
        let now = Date.rosterNow
        let owner = given ?? (owner + ":" + UUID().uuidString.prefix(8))
        let claimed = try await store.write { tx in
            try await tx.claimProvisioning(tenant: tenantID, owner: owner, until: now.addingTimeInterval(options.lease), now: now)
        }
        guard claimed else { return }
        do {
            try await steps(tenantID, owner: owner, requestID: requestID, stopAtActive: stopAtActive)
        } catch {
            try? await store.write { tx in try await tx.releaseProvisioning(tenant: tenantID, owner: owner) }
            throw error
        }
        try await store.write { tx in try await tx.releaseProvisioning(tenant: tenantID, owner: owner) }
    }

    private func steps(_ tenantID: Tenant.ID, owner: String, requestID: String, stopAtActive: Bool) async throws {
        let context = OperationContext(principal: .system, requestID: requestID)
        var conflicts = 0
        var first = true
        for _ in 0..<12 {
            guard let (state, version) = try await store.read({ tx in try await tx.provisioning(tenant: tenantID) }),
                  let step = state.nextStep else { return }
            if state.phase == .active, stopAtActive { return }
            if state.phase == .active, let at = state.tracking.nextAttemptAt, at > Date.rosterNow { return }
            if first, state.phase == .active, state.tracking.attempts > 0 {
                Counter(label: "roster_tracking_total", dimensions: [("result", "retry")]).increment()
            }
            first = false
            do {
                try await run(step, tenantID: tenantID, state: state, version: version, owner: owner, context: context)
            } catch let error as LostLease {
                logger.info("provisioning step left to another process", metadata: ["tenant": "\(tenantID)", "step": "\(error.step)"])
                return
            } catch is CancellationError {
                return  // shutting down: the workflow resumes later, from its last committed step
            } catch StoreError.uniqueViolation where conflicts < 2 {
                // A concurrent transaction made the same unique record (the customer tag, the first time): run the step
                // again, now finding it. Not a failed attempt.
                conflicts += 1
                continue
            } catch {
                // Undone (before active) or scheduled for a later attempt (tracking): either way, stop here.
                try await failed(step, tenantID: tenantID, error: error, owner: owner, context: context)
                return
            }
        }
    }

    struct LostLease: Error {
        var step: String
    }

    /// One step in one transaction, with the state it leads to; the state write fails (and so the step) when
    /// the workflow moved on or another process took the lease.
    private func run(_ step: String, tenantID: Tenant.ID, state: Provisioning, version: Int, owner: String,
                     context: OperationContext) async throws {
        try await store.write { tx in
            guard let tenant = try await tx.tenant(id: tenantID) else { throw RosterError.notFound("no tenant \(tenantID)") }
            var next = state
            switch step {
            case "provision.admin":
                if let admin = state.admin { try await createAdmin(admin, tenant: tenant, state: &next, tx: tx, context: context) }
                next.phase = .activate
            case "provision.activate":
                var active = tenant
                active.status = .active
                active.updatedAt = Date.rosterNow
                active.version += 1
                try await tx.updateTenant(active)
                try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "tenant.activate", targetType: "tenant",
                                                     targetID: tenant.id.description, fields: ["status"])])
                next.phase = .active
                next.finishedAt = Date.rosterNow
            case "tracking.company", "tracking.contact", "tracking.tag":
                try await track(step, tenant: tenant, state: &next, tx: tx, context: context)
            case "tracking.done":
                next.tracking.status = .tracked
                next.tracking.lastError = nil
                next.tracking.nextAttemptAt = nil
            default:
                throw RosterError.badRequest("unknown step \(step)")
            }
            guard try await tx.updateProvisioning(tenant: tenantID, next, expectedVersion: version, owner: owner) else {
                throw LostLease(step: step)
            }
            if step != "tracking.done" { try faults.check(step) }
        }
        switch step {
        case "provision.activate":
            Timer(label: "roster_provisioning_duration_seconds").recordNanoseconds(Int64(Date.rosterNow.timeIntervalSince(state.startedAt) * 1e9))
        case "tracking.done":
            Counter(label: "roster_tracking_total", dimensions: [("result", "success")]).increment()
        default:
            break
        }
        logger.debug("provisioning step done", metadata: ["tenant": "\(tenantID)", "step": "\(step)"])
    }

    private func createAdmin(_ admin: Provisioning.Admin, tenant: Tenant, state: inout Provisioning, tx: any StoreTransaction,
                             context: OperationContext) async throws {
        let now = Date.rosterNow
        let party = try PartyRules.create(PartyInput(kind: .person, firstName: admin.firstName, lastName: admin.lastName, email: admin.email),
                                          id: .make(), tenantID: tenant.id, settings: tenant.settings, now: now)
        try await PartyService.insertParty(party, tx: tx, context: context)
        let user = User(id: .make(), tenantID: tenant.id, email: party.email, displayName: party.displayName, role: .admin,
                        isActive: true, partyID: party.id, createdAt: now, updatedAt: now)
        try await tx.insertUser(user)
        try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "user.create", targetType: "user",
                                             targetID: user.id.description, fields: user.presentFields)])
        state.adminPartyID = party.id
        state.adminUserID = user.id
    }

    /// The tracking steps, in the management tenant, with the same domain code the API uses.
    private func track(_ step: String, tenant: Tenant, state: inout Provisioning, tx: any StoreTransaction,
                       context: OperationContext) async throws {
        let managementSlug = state.tracking.managementTenant ?? options.managementTenant
        guard let management = try await tx.tenant(slug: managementSlug), management.status == .active else {
            throw RosterError.unavailable("the management tenant \(managementSlug) is missing or not active")
        }
        switch step {
        case "tracking.company":
            // A customer without email or phone of its own: `unregistered` (its contact is the admin).
            let input = PartyInput(kind: .organization, name: tenant.name, customerType: .unregistered, roles: ["customer"],
                                   properties: ["tenantId": .string(tenant.id.description), "tenantSlug": .string(tenant.slug)])
            let company = try PartyRules.create(input, id: .make(), tenantID: management.id, settings: management.settings, now: Date.rosterNow)
            try await PartyService.insertParty(company, tx: tx, context: context)
            state.tracking.companyID = company.id
        case "tracking.contact":
            guard let admin = state.admin, let company = state.tracking.companyID else { return }
            if state.tracking.contactID == nil {
                let email = try EmailAddress(admin.email)
                // The same person may administer several tenants: one contact, several employments.
                if let person = try await tx.liveParties(tenant: management.id, kind: .person, emailNormalized: email.normalized, phone: nil).first {
                    state.tracking.contactID = person.id
                } else {
                    let input = PartyInput(kind: .person, firstName: admin.firstName, lastName: admin.lastName, email: admin.email, roles: ["contact"])
                    let person = try PartyRules.create(input, id: .make(), tenantID: management.id, settings: management.settings, now: Date.rosterNow)
                    try await PartyService.insertParty(person, tx: tx, context: context)
                    state.tracking.contactID = person.id
                }
            }
            let contact = state.tracking.contactID!
            if let existing = try await tx.relationship(tenant: management.id, parent: company, child: contact, type: "employment") {
                state.tracking.relationshipID = existing.id
            } else {
                let edge = try await RelationshipService.insert(RelationshipInput(parentID: company, childID: contact, type: "employment",
                                                                                  role: "admin contact"), tenant: management, tx: tx)
                try await tx.appendAudit([AuditEvent(tenantID: management.id, context: context, action: "relationship.create",
                                                     targetType: "relationship", targetID: edge.id.description,
                                                     fields: ["parentId", "childId", "type", "role"])])
                state.tracking.relationshipID = edge.id
            }
        case "tracking.tag":
            guard let company = state.tracking.companyID else { return }
            let tag = try await TagService.findOrCreate(text: state.tracking.tag ?? options.customerTag, tenant: management.id, tx: tx, context: context)
            if try await tx.attachTag(tenant: management.id, party: company, tag: tag.id) {
                try await tx.appendAudit([AuditEvent(tenantID: management.id, context: context, action: "party.tag", targetType: "party",
                                                     targetID: company.description, fields: ["tags"])])
            }
            state.tracking.tagID = tag.id
        default:
            break
        }
    }

    /// A step failed: before `active`, undo everything and mark the tenant `failed`; in tracking, count the
    /// attempt and schedule the next one (or give up after `maxTrackingAttempts`).
    private func failed(_ step: String, tenantID: Tenant.ID, error: any Error, owner: String, context: OperationContext) async throws {
        let reason = Self.describe(error)
        logger.warning("provisioning step failed", metadata: ["tenant": "\(tenantID)", "step": "\(step)", "reason": "\(reason)",
                                                            "error": "\(type(of: error))"])
        try await store.write { tx in
            guard let (state, version) = try await tx.provisioning(tenant: tenantID) else { return }
            var next = state
            if step.hasPrefix("provision.") {
                if let user = state.adminUserID { try await tx.deleteUser(tenant: tenantID, id: user) }
                if let party = state.adminPartyID { try await tx.purgeParty(tenant: tenantID, id: party) }
                if var tenant = try await tx.tenant(id: tenantID) {
                    tenant.status = .failed
                    tenant.updatedAt = Date.rosterNow
                    tenant.version += 1
                    try await tx.updateTenant(tenant)
                }
                next.phase = .failed
                next.lastError = "\(step): \(reason)"
                next.adminUserID = nil
                next.adminPartyID = nil
                try await tx.appendAudit([AuditEvent(tenantID: tenantID, context: context, action: "tenant.rollback", targetType: "tenant",
                                                     targetID: tenantID.description, fields: ["status"])])
            } else {
                next.tracking.attempts += 1
                next.tracking.lastError = "\(step): \(reason)"
                if next.tracking.attempts >= options.maxTrackingAttempts {
                    next.tracking.status = .failed
                    next.tracking.nextAttemptAt = nil
                } else {
                    let delay = Tracking.backoff(attempt: next.tracking.attempts, base: options.backoffBase, cap: options.backoffCap,
                                                 random: Double.random(in: 0...1))
                    next.tracking.nextAttemptAt = Date.rosterNow.addingTimeInterval(delay)
                }
            }
            guard try await tx.updateProvisioning(tenant: tenantID, next, expectedVersion: version, owner: owner) else { throw LostLease(step: step) }
        }
        if step.hasPrefix("provision.") {
            Counter(label: "roster_provisioning_rollbacks_total").increment()
        } else {
            Counter(label: "roster_tracking_total", dimensions: [("result", "failure")]).increment()
        }
    }

    /// A failure's reason without personal data: Roster's own messages name fields and ids, not values.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as RosterError:
            switch error {
            case .validation(let fields): "invalid " + fields.map(\.field).joined(separator: ", ")
            case .notFound(let message), .badRequest(let message), .unauthorized(let message), .forbidden(let message),
                 .unavailable(let message), .preconditionFailed(let message): message
            case .conflict(let message, _): message
            }
        case let error as FaultInjector.InjectedFault: error.description
        case is StoreError: "the database refused the write"
        default: "unexpected error"
        }
    }

    // MARK: Validation

    static func validated(_ request: ProvisioningRequest) throws -> ProvisioningRequest {
        var errors = ValidationErrors()
        var result = request
        if let slug = errors.check({ try Tenant.validateSlug(request.slug) }) { result.slug = slug }
        if let name = errors.check({ try Tenant.validateName(request.name) }) { result.name = name }
        if let sso = request.settings.sso { result.settings.sso = errors.check { try sso.validated() } }
        if let code = request.settings.defaultCallingCode {
            result.settings.defaultCallingCode = errors.check { try PhoneNumber.validateCallingCode(code) }
        }
        if let admin = request.admin {
            func name(_ raw: String, _ field: String) -> String? {
                guard let value = errors.check({ try Text.required(raw, field: field, max: Text.nameMax) }) else { return nil }
                if value == nil { errors.add(field, "must not be empty") }
                return value
            }
            let first = name(admin.firstName, "admin.firstName")
            let last = name(admin.lastName, "admin.lastName")
            let email = errors.check { try EmailAddress(admin.email, field: "admin.email") }
            if let first, let last, let email { result.admin = Provisioning.Admin(firstName: first, lastName: last, email: email.value) }
        }
        try errors.throwIfAny()
        return result
    }

    static func hash(_ request: ProvisioningRequest) -> String {
        struct Canonical: Encodable {
            var slug, name: String
            var settings: TenantSettings
            var admin: Provisioning.Admin?
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = (try? encoder.encode(Canonical(slug: request.slug, name: request.name, settings: request.settings, admin: request.admin))) ?? Data()
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
