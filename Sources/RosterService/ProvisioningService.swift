import Crypto
public import Foundation
public import Logging
import Metrics
import Synchronization
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

    public init(tenant: Tenant, provisioning: Provisioning?) {
        self.tenant = tenant
        self.provisioning = provisioning
    }
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
    /// How long a process may hold a workflow (leases are not renewed; a step checks its lease); another process takes over after it.
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
    let stepHook: StepHook
    let logger: Logger
    /// This process, as a lease holder; each run of a workflow adds its own suffix, so that two tasks of one
    /// process don't run the same workflow at once either.
    let owner: String
    /// Concurrent workflows' tracking steps, written in one transaction (they all write the management tenant).
    let tracking: GroupWriter

    /// Called inside each step's transaction after its writes: tests inject failures and crashes there (RosterApp's
    /// `ROSTER_FAULTS`); an error it throws fails the step.
    public typealias StepHook = @Sendable (ProvisioningStep) throws -> Void

    public init(store: any Store, options: ProvisioningOptions, stepHook: @escaping StepHook = { _ in },
                logger: Logger = Logger(label: "roster.provisioning")) {
        self.store = store
        self.options = options
        self.stepHook = stepHook
        self.logger = logger
        self.owner = ProcessInfo.processInfo.hostName.prefix(40) + ":" + String(getpid()) + ":" + UUID().uuidString.prefix(8)
        self.tracking = GroupWriter(store: store)
    }

    // MARK: Requests

    /// Creates the tenant and runs its workflow; returns it active (tracking maybe still pending), or throws
    /// 503 when provisioning failed and was rolled back. With `idempotencyKey`, a repeat of the same request
    /// returns the first one's outcome (`replayed`; after a rollback it is a retry), and the same key with
    /// another body is 422.
    public func provision(_ request: ProvisioningRequest, idempotencyKey: String? = nil,
                          context: OperationContext) async throws -> (result: ProvisionedTenant, replayed: Bool) {
        guard context.isPlatformOrSystem else { throw RosterError.forbidden("only a platform token may do this") }
        let request = try Self.validated(request)
        if let key = idempotencyKey {
            guard (1...200).contains(key.count), key.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
                throw RosterError.invalid("Idempotency-Key", "must be 1 to 200 visible ASCII characters")
            }
        }
        let hash = Self.hash(request)
        // The workflow is leased to this request from its first transaction on, so that no worker takes it meanwhile.
        let runner = owner + ":" + UUID().uuidString.prefix(8)
        let started: Tenant.ID
        do {
            guard let id = try await start(request, key: idempotencyKey, hash: hash, runner: runner, context: context) else {
                return (try Self.outcome(try await replay(idempotencyKey!)), true)
            }
            started = id
        } catch StoreError.uniqueViolation {
            // A concurrent request with the same key or slug won.
            if let key = idempotencyKey, let found = try await store.read({ tx in try await tx.idempotencyKey(key) }) {
                guard found.requestHash == hash else { throw Self.keyReused }
                return (try Self.outcome(try await replay(key)), true)
            }
            throw RosterError.conflict("a tenant with slug \(request.slug) exists", existingID: request.slug)
        }
        try await drive(started, claimedBy: runner, requestID: context.requestID, stopAtActive: !options.trackInRequest)
        return (try Self.outcome(try await tenant(id: started)), false)
    }

    static let keyReused = RosterError.invalid("Idempotency-Key", "was used with a different request body")

    /// The tenant, or the 503 of a provisioning that was rolled back.
    static func outcome(_ result: ProvisionedTenant) throws -> ProvisionedTenant {
        guard result.provisioning?.phase == .failed else { return result }
        throw RosterError.unavailable("provisioning failed and was rolled back (\(result.provisioning?.lastError ?? "unknown")); "
                                      + "send the request again to retry")
    }

    /// Inserts the tenant (`provisioning`) and its workflow, or restarts a failed one. `nil` when the key replays.
    private func start(_ request: ProvisioningRequest, key: String?, hash: String, runner: String,
                       context: OperationContext) async throws -> Tenant.ID? {
        let now = Date.rosterNow
        return try await store.write { tx -> Tenant.ID? in
            var keyKnown = false
            if let key { try await tx.lockIdempotencyKey(key) }
            if let key, let found = try await tx.idempotencyKey(key), found.expiresAt >= now {
                guard found.requestHash == hash else { throw Self.keyReused }
                // A repeat of a request that was rolled back retries it, as the first answer said; anything else replays.
                guard try await tx.tenant(id: found.tenantID)?.status == .failed else { return nil }
                keyKnown = true
            }
            let isManagement = request.slug == options.managementTenant
            let tracking = Tracking(status: options.customerTracking && !isManagement ? .pending : .off, withContact: request.admin != nil,
                                    managementTenant: options.managementTenant, tag: options.customerTag)
            let state = Provisioning(admin: request.admin, tracking: tracking, startedAt: now)
            let id: Tenant.ID
            if let existing = try await tx.tenant(slug: request.slug) {
                // A failed provisioning may be tried again; anything else with this slug is a conflict.
                guard existing.status == .failed, let (_, version) = try await tx.provisioning(tenant: existing.id) else {
                    // Under READ COMMITTED a racing first request with the same key may have committed between the key
                    // lookup above and this one: its key is visible now, and this request replays it.
                    if !keyKnown, let key, let found = try await tx.idempotencyKey(key), found.expiresAt >= now {
                        guard found.requestHash == hash else { throw Self.keyReused }
                        return nil
                    }
                    throw RosterError.conflict("a tenant with slug \(request.slug) exists", existingID: request.slug)
                }
                guard try await tx.updateProvisioning(tenant: existing.id, state, expectedVersion: version, owner: nil, release: false) else {
                    throw RosterError.conflict("tenant \(request.slug) is being provisioned by another request")
                }
                _ = try await Self.changeTenant(existing.id, read: existing, tx: tx) { tenant in
                    tenant.name = request.name
                    tenant.settings = request.settings
                    tenant.status = .provisioning
                }
                id = existing.id
                // A request with another body may take over a failed slug, but then the keys of the requests that failed
                // are not answered by it: a repeat of one of them replayed this request's tenant as its own, with a name,
                // settings and admin it never asked for (found by a probe). Without its key such a repeat is a new request,
                // refused (409) once this one holds the slug.
                try await tx.deleteIdempotencyKeys(tenant: id, keeping: hash)
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
            if let key, !keyKnown {
                // An expired key of the same text is replaced (the worker also purges expired keys).
                try await tx.deleteExpiredIdempotencyKeys(now: now, key: key)
                try await tx.insertIdempotencyKey(key, requestHash: hash, tenant: id, expiresAt: now.addingTimeInterval(options.idempotencyLifetime))
            }
            guard try await tx.claimProvisioning(tenant: id, owner: runner, until: now.addingTimeInterval(options.lease), now: now) else {
                throw RosterError.conflict("tenant \(request.slug) is being provisioned by another request")
            }
            return id
        }
    }

    /// The first request's outcome; when it is still running (here or in another process), waits for it, up to the lease.
    private func replay(_ key: String) async throws -> ProvisionedTenant {
        guard let found = try await store.read({ tx in try await tx.idempotencyKey(key) }) else {
            throw RosterError.notFound("no request with this Idempotency-Key")
        }
        let clock = ContinuousClock()
        // The first request's lease, and then time for this one's drive to finish what a first request that died left.
        let deadline = clock.now + .seconds(2 * options.lease + 5)
        var nextDrive = clock.now
        while true {
            // Reads, mostly: a drive (a write, which also takes over a lapsed lease) now and then.
            if clock.now >= nextDrive {
                try await drive(found.tenantID, requestID: "replay")
                nextDrive = clock.now + .seconds(1)
            }
            let current = try await tenant(id: found.tenantID)
            if current.provisioning.map(answered) ?? true || clock.now > deadline { return current }
            try await Task.sleep(for: .milliseconds(25))
        }
    }

    /// Whether a workflow stands where its first request answered: failed, or active and, when tracking runs within the
    /// request, tracked or with an attempt made (a replay answered with the tenant active and its tracking not yet tried,
    /// while the first request went on to answer it tracked; found by a probe).
    func answered(_ state: Provisioning) -> Bool {
        switch state.phase {
        case .failed: true
        case .admin, .activate: false
        case .active: !options.trackInRequest || state.tracking.status != .pending || state.tracking.attempts > 0
        }
    }

    /// Forces a tracking attempt now: a `pending` or `failed` tracking starts again where it stopped; a `tracked` one whose
    /// records in the management tenant are gone (the company erased, deleted or merged, the contact's edge removed, the
    /// tag taken off) makes again what is missing.
    public func retryTracking(tenant slug: String, context: OperationContext) async throws -> ProvisionedTenant {
        let (id, started) = try await store.write { tx -> (Tenant.ID, Bool) in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            try access.requirePlatform()
            let tenant = access.tenant
            guard let (state, version) = try await tx.provisioning(tenant: tenant.id), state.phase == .active else {
                // A failed tenant is provisioned again by its create request, which tracks it; track-existing skips it
                // (its message sent a probe there).
                if tenant.status == .failed {
                    throw RosterError.conflict("tenant \(slug) failed to provision; send its create request again, which tracks it")
                }
                // The management tenant holds the others' customer records and is none itself (track-existing skips it: the
                // message below sent a probe there for nothing).
                if tenant.slug == options.managementTenant {
                    throw RosterError.conflict("tenant \(slug) is the management tenant: it keeps the other tenants' customer records and "
                                               + "is not tracked as a customer itself")
                }
                throw RosterError.conflict("tenant \(slug) has no active provisioning to track; run roster tenants track-existing")
            }
            guard state.tracking.status != .off else { throw RosterError.conflict("customer tracking is off for tenant \(slug)") }
            // What is missing in the management tenant, whatever the status: nil when all of it is there.
            let repaired = try await Self.repairedTracking(state, tenant: tenant, defaultManagement: options.managementTenant, tx: tx)
            if state.tracking.status == .tracked, repaired == nil { return (tenant.id, false) }
            var next = repaired ?? state
            next.tracking.attempts = 0
            // Nothing left to make (a contact that can't be made again, its admin party gone, is left out) is tracked:
            // such a tenant stayed `pending` with no step due, for good (found by a probe).
            next.tracking.status = next.tracking.nextStep == nil ? .tracked : .pending
            if next.tracking.status == .tracked { next.tracking.lastError = nil }
            next.tracking.nextAttemptAt = nil
            guard try await tx.updateProvisioning(tenant: tenant.id, next, expectedVersion: version, owner: nil, release: false) else {
                throw RosterError.conflict("the workflow changed meanwhile; try again")
            }
            try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "tenant.tracking_retry", targetType: "tenant",
                                                 targetID: tenant.id.description, fields: ["tracking"])])
            return (tenant.id, true)
        }
        // A retry asked for is a retry (its attempts start again from 0, so the steps do not count it as one; a test
        // passed only when another test's worker retry had made the counter).
        if started { Counter(label: "roster_tracking_total", dimensions: [("result", "retry")]).increment() }
        try await drive(id, requestID: context.requestID)
        return try await tenant(id: id)
    }

    /// The workflow of a `tracked` tenant with what is missing in the management tenant taken out of its tracking (so that
    /// its steps make it again), or nil when all of it is there. A contact made again takes the admin's name and email
    /// from the tenant's admin party (kept in the workflow only until tracking finished); without one, none is made.
    static func repairedTracking(_ state: Provisioning, tenant: Tenant, defaultManagement: String,
                                 tx: any StoreTransaction) async throws -> Provisioning? {
        guard let management = try await tx.tenant(slug: state.tracking.managementTenant ?? defaultManagement) else { return nil }
        var tracking = state.tracking
        func party(_ id: Party.ID?, in tenant: Tenant.ID) async throws -> Party? {
            guard let id else { return nil }
            return try await tx.party(tenant: tenant, id: id)
        }
        let company = try await party(tracking.companyID, in: management.id)
        if company?.isLive != true {
            (tracking.companyID, tracking.relationshipID, tracking.tagID) = (nil, nil, nil)
        } else if let company, let tag = tracking.tagID, !company.tags.contains(where: { $0.id == tag }) {
            tracking.tagID = nil
        }
        if tracking.withContact {
            let contact = try await party(tracking.contactID, in: management.id)
            if contact?.isLive != true { (tracking.contactID, tracking.relationshipID) = (nil, nil) }
            if let edge = tracking.relationshipID, try await tx.relationship(tenant: management.id, id: edge) == nil { tracking.relationshipID = nil }
        }
        guard tracking.nextStep != nil else { return nil }
        var next = state
        // The contact step needs the admin's name and email, to make the contact or to find it again.
        if tracking.withContact, tracking.contactID == nil || tracking.relationshipID == nil, next.admin == nil {
            let admin = try await party(state.adminPartyID, in: tenant.id)
            if let admin, admin.isLive, let email = admin.email {
                next.admin = Provisioning.Admin(firstName: admin.firstName ?? "", lastName: admin.lastName ?? "", email: email.value)
            } else {
                tracking.withContact = false
            }
        }
        tracking.attempts = 0
        tracking.lastError = nil
        next.tracking = tracking
        return next
    }

    /// Starts tracking for every tenant that is not tracked yet (made before tracking was on, or before
    /// workflows): idempotent, a second run changes nothing. Returns how many tenants it started.
    /// `only` limits it to some tenants (tests that share a database with others).
    public func trackExisting(context: OperationContext, only: Set<Tenant.ID>? = nil,
                              progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> Int {
        guard options.customerTracking else { throw RosterError.conflict("customer tracking is off (ROSTER_CUSTOMER_TRACKING)") }
        let tenants = try await store.read { tx in try await TenantService.all(tx) }
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
                    return try await tx.updateProvisioning(tenant: tenant.id, next, expectedVersion: version, owner: nil, release: false)
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

    /// The tenant with its workflow state, for the platform or the tenant's own callers (`TenantAccess.shown`).
    public func tenant(slug: String, context: OperationContext) async throws -> ProvisionedTenant {
        try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            return ProvisionedTenant(tenant: access.tenant, provisioning: try await access.shown(try await tx.provisioning(tenant: access.tenant.id)?.state))
        }
    }

    public func tenant(id: Tenant.ID) async throws -> ProvisionedTenant {
        try await store.read { tx in
            guard let tenant = try await tx.tenant(id: id) else { throw RosterError.notFound("no tenant \(id)") }
            return ProvisionedTenant(tenant: tenant, provisioning: try await tx.provisioning(tenant: id)?.state)
        }
    }

    /// Every tenant with its workflow state, in one read.
    public func tenants(context: OperationContext) async throws -> [ProvisionedTenant] {
        guard context.isPlatformOrSystem else { throw RosterError.forbidden("only a platform token may do this") }
        return try await store.read { tx in
            var all: [ProvisionedTenant] = []
            for tenant in try await TenantService.all(tx) {
                all.append(ProvisionedTenant(tenant: tenant, provisioning: try await tx.provisioning(tenant: tenant.id)?.state))
            }
            return all
        }
    }

    // MARK: Worker

    /// How many workflows a worker pass takes at most.
    public static let batch = 20

    /// Runs every workflow with work due (unfinished after a crash, tracking retries whose time has come), and
    /// forgets expired idempotency keys. Returns how many workflows it ran. `only` limits it to some tenants
    /// (tests that share a database with others).
    @discardableResult
    public func runDue(limit: Int = batch, only: Set<Tenant.ID>? = nil) async throws -> Int {
        let now = Date.rosterNow
        var due = try await store.write { tx in
            try await tx.deleteExpiredIdempotencyKeys(now: now, key: nil)
            // Processes whose access graphs lag further behind than this load them whole (see AccessIndex).
            try await tx.pruneAccessChanges(before: now.addingTimeInterval(-3600))
            return try await tx.dueProvisioning(now: now, limit: only == nil ? limit : 10_000)
        }
        if let only { due = Array(due.filter(only.contains).prefix(limit)) }
        // A few at a time: each waits on the database most of its time. One failing (the database gone) does
        // not stop the others; it is due again on the next pass.
        await withTaskGroup(of: Void.self) { group in
            var next = due.makeIterator()
            func add() {
                guard let id = next.next() else { return }
                group.addTask {
                    do {
                        try await drive(id, requestID: "worker")
                    } catch {
                        logger.warning("provisioning worker could not run a workflow",
                                       metadata: ["tenant": "\(id)", "error": "\(String(describing: type(of: error)))"])
                    }
                }
            }
            for _ in 0..<4 { add() }
            while await group.next() != nil { add() }
        }
        Gauge(label: "roster_provisioning_pending").record(try await store.read { tx in try await tx.pendingProvisioningCount() })
        return due.count
    }

    /// Runs the workflow's due steps under a lease (`claimedBy`: the caller's, taken in its own transaction already;
    /// else a new one); returns at once when another holds it. With `stopAtActive`, tracking is left to the worker.
    func drive(_ tenantID: Tenant.ID, claimedBy given: String? = nil, requestID: String, stopAtActive: Bool = false) async throws {
        let owner: String
        if let given {
            owner = given
        } else {
            let now = Date.rosterNow
            owner = self.owner + ":" + UUID().uuidString.prefix(8)
            let claimed = try await store.write { tx in
                try await tx.claimProvisioning(tenant: tenantID, owner: owner, until: now.addingTimeInterval(options.lease), now: now)
            }
            guard claimed else { return }
        }
        let released: Bool
        do {
            // A workflow this caller did not start is mostly a tracking retry (the worker's, or one asked for).
            released = try await steps(tenantID, owner: owner, context: OperationContext(principal: .system, requestID: requestID),
                                       stopAtActive: stopAtActive, resuming: given == nil)
        } catch {
            try? await store.write { tx in try await tx.releaseProvisioning(tenant: tenantID, owner: owner) }
            throw error
        }
        if !released {
            try await store.write { tx in try await tx.releaseProvisioning(tenant: tenantID, owner: owner) }
        }
    }

    /// Runs steps until none is due; `true` when the last one released the lease in its own transaction.
    /// `resuming`: the first step is expected to be a tracking step.
    private func steps(_ tenantID: Tenant.ID, owner: String, context: OperationContext, stopAtActive: Bool,
                       resuming: Bool) async throws -> Bool {
        var conflicts = 0
        var first = true
        var next: ProvisioningStep? = resuming ? .company : nil
        while true {
            let outcome: StepOutcome
            do {
                outcome = try await run(tenantID, owner: owner, stopAtActive: stopAtActive, countRetry: first,
                                        tracking: next.map { !$0.isProvisioning } ?? false, context: context)
            } catch let failure as StepFailure {
                next = nil
                switch failure.error {
                case is LostLease, is CancellationError:
                    // Another process took the workflow over, or this one is shutting down: it resumes from its last committed step.
                    return false
                case StoreError.uniqueViolation where conflicts < 2:
                    // A concurrent transaction made the same unique record (the customer tag, or the contact of an admin of
                    // two tenants, the first time). On PostgreSQL the transaction is void; running the step again finds it.
                    conflicts += 1
                    continue
                default:
                    // Undone (before active) or scheduled for a later attempt (tracking): either way, stop here.
                    do {
                        try await failed(failure.step, tenantID: tenantID, error: failure.error, owner: owner, context: context)
                    } catch is LostLease {
                        return false
                    }
                    return false
                }
            }
            first = false
            switch outcome {
            case .ran(let step): next = step
            case .idle: return false
            case .finished: return true
            }
        }
    }

    enum StepOutcome {
        /// A step ran and `next` is due now.
        case ran(next: ProvisioningStep)
        /// Nothing was due.
        case idle
        /// A step ran, nothing more is due now, and its transaction released the lease.
        case finished
    }

    /// A step's error, with the step it happened in.
    struct StepFailure: Error {
        var step: ProvisioningStep
        var error: any Error
    }

    struct LostLease: Error {}

    /// A step sent to the tracking steps' shared transaction turned out to be a provisioning step.
    struct NotATrackingStep: Error {}

    final class CurrentStep: Sendable {
        let step = Mutex<ProvisioningStep?>(nil)
    }

    /// What a step's transaction did: the step, the state it led to, the failure of a later tracking step it kept
    /// back, and whether it released the lease (nothing more due now).
    struct StepDone: Sendable {
        var step: ProvisioningStep
        var state: Provisioning
        var failure: StepFailure?
        var released: Bool
    }

    /// The next due step, in one transaction with the state it leads to; the state write fails (and so the step)
    /// when the workflow moved on or another process took the lease. `tracking`: the step is expected to be a tracking
    /// step, which shares its transaction with other workflows' tracking steps (`GroupWriter`), each in a savepoint.
    private func run(_ tenantID: Tenant.ID, owner: String, stopAtActive: Bool, countRetry: Bool, tracking: Bool,
                     context: OperationContext) async throws -> StepOutcome {
        // Which step ran, for the failure: the store maps driver errors (unique violations) only as they leave the
        // transaction, so the error can't be wrapped inside it.
        let current = CurrentStep()
        let outcome: StepDone?
        do {
            if tracking {
                do {
                    outcome = try await self.tracking.write { tx in
                        try await self.runStep(tenantID, owner: owner, stopAtActive: stopAtActive, trackingOnly: true, current: current,
                                               tx: tx, context: context)
                    }
                } catch is NotATrackingStep {
                    // A workflow resumed before `active` (after a crash): its step runs in a transaction of its own.
                    outcome = try await store.write { tx in
                        try await runStep(tenantID, owner: owner, stopAtActive: stopAtActive, current: current, tx: tx, context: context)
                    }
                }
            } else {
                outcome = try await store.write { tx in
                    try await runStep(tenantID, owner: owner, stopAtActive: stopAtActive, current: current, tx: tx, context: context)
                }
            }
        } catch {
            guard let step = current.step.withLock({ $0 }) else { throw error }
            throw StepFailure(step: step, error: error)
        }
        guard let done = outcome else { return .idle }
        if let failure = done.failure { throw failure }
        let (step, state) = (done.step, done.state)
        if countRetry, !step.isProvisioning, state.tracking.attempts > 0 {
            Counter(label: "roster_tracking_total", dimensions: [("result", "retry")]).increment()
        }
        if step == .activate {
            Timer(label: "roster_provisioning_duration_seconds").recordNanoseconds(Int64(Date.rosterNow.timeIntervalSince(state.startedAt) * 1e9))
        }
        if state.tracking.status == .tracked, !step.isProvisioning {
            Counter(label: "roster_tracking_total", dimensions: [("result", "success")]).increment()
        }
        logger.debug("provisioning step done", metadata: ["tenant": "\(tenantID)", "step": "\(step.rawValue)"])
        guard !done.released, let next = state.nextStep else { return .finished }
        return .ran(next: next)
    }

    /// The body of `run`'s transaction.
    /// `trackingOnly`: throws `NotATrackingStep` before anything else when the due step is not a tracking step.
    private func runStep(_ tenantID: Tenant.ID, owner: String, stopAtActive: Bool, trackingOnly: Bool = false, current: CurrentStep,
                         tx: any StoreTransaction, context: OperationContext) async throws -> StepDone? {
        guard let (state, version) = try await tx.provisioning(tenant: tenantID), let step = state.nextStep else { return nil }
        if state.phase == .active, stopAtActive { return nil }
        if state.phase == .active, let at = state.tracking.nextAttemptAt, at > Date.rosterNow { return nil }
        if trackingOnly, step.isProvisioning { throw NotATrackingStep() }
        current.step.withLock { $0 = step }
        guard let tenant = try await tx.tenant(id: tenantID) else { throw RosterError.notFound("no tenant \(tenantID)") }
        var next = state
        var failure: StepFailure?
        switch step {
        case .admin:
            if let admin = state.admin { try await createAdmin(admin, tenant: tenant, state: &next, tx: tx, context: context) }
            next.phase = .activate
        case .activate:
            _ = try await Self.changeTenant(tenant.id, read: tenant, tx: tx) { $0.status = .active }
            try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "tenant.activate", targetType: "tenant",
                                                 targetID: tenant.id.description, fields: ["status"])])
            next.phase = .active
            next.finishedAt = Date.rosterNow
        case .company, .contact, .tag:
            // Every tracking step that is due, in this one transaction, each in a savepoint of its own: a failed
            // step is undone and the steps before it are kept, as if each had been a transaction (three
            // transactions of the management tenant were most of what tracking cost; issue 10, item 6).
            // Locks in the order every edge insert takes them: the hierarchy's, then the audit chain's (the
            // company's audit entry comes before the contact's edge here; the other order deadlocks on PostgreSQL).
            let managementSlug = next.tracking.managementTenant ?? options.managementTenant
            guard let management = try await tx.tenant(slug: managementSlug), management.status == .active else {
                throw RosterError.unavailable("the management tenant \(managementSlug) is missing or not active")
            }
            // Taken whether or not this workflow has a contact to link: its transaction may be shared with others'
            // (`GroupWriter`), and the first of them takes it before anything else, as a transaction of its own would.
            try await tx.lockHierarchy(tenant: management.id, type: Relationship.employment)
            var tracking: ProvisioningStep? = step
            // The parties these steps insert, which the employment edge then needs not read again.
            var fresh: [Party] = []
            while let trackStep = tracking {
                current.step.withLock { $0 = trackStep }
                let before = next
                do {
                    (next, fresh) = try await tx.savepoint { [next, fresh] in
                        var state = next
                        var made = fresh
                        try await track(trackStep, tenant: tenant, management: management, state: &state, fresh: &made, tx: tx, context: context)
                        try stepHook(trackStep)
                        return (state, made)
                    }
                } catch {
                    next = before
                    // Nothing kept yet, or a unique violation (run again from the start, as before): the whole
                    // transaction is void. Otherwise the earlier steps commit and this one fails after.
                    if trackStep == step || error is StoreError || error is LostLease { throw error }
                    failure = StepFailure(step: trackStep, error: error)
                    break
                }
                tracking = next.tracking.nextStep
            }
            if next.tracking.nextStep == nil {
                next.tracking.status = .tracked
                next.tracking.lastError = nil
                next.tracking.nextAttemptAt = nil
                next.admin = nil  // the admin's name and email were kept for the contact step only
            }
        }
        // Nothing more due now: the lease goes with this state write rather than in a transaction of its own.
        let released = failure == nil && (next.nextStep == nil || (next.phase == .active && stopAtActive))
        guard try await tx.updateProvisioning(tenant: tenantID, next, expectedVersion: version, owner: owner, release: released) else {
            throw LostLease()
        }
        if step.isProvisioning { try stepHook(step) }  // tracking steps met theirs in their savepoints
        return StepDone(step: step, state: next, failure: failure, released: released)
    }

    private func createAdmin(_ admin: Provisioning.Admin, tenant: Tenant, state: inout Provisioning, tx: any StoreTransaction,
                             context: OperationContext) async throws {
        let now = Date.rosterNow
        let party = try PartyRules.create(PartyInput(kind: .person, firstName: admin.firstName, lastName: admin.lastName, email: admin.email),
                                          id: .make(), tenantID: tenant.id, settings: tenant.settings, now: now)
        try await PartyService.insertParty(party, tx: tx, context: context)
        let user = User(id: .make(), tenantID: tenant.id, email: party.email, displayName: party.displayName, role: .admin,
                        isActive: true, partyID: party.id, createdAt: now, updatedAt: now)
        try await UserService.insert(user, tx: tx, context: context)
        state.adminPartyID = party.id
        state.adminUserID = user.id
    }

    /// The tracking steps, in the management tenant, with the same domain code the API uses.
    /// `fresh`: the parties inserted by the steps before, in this transaction, that no edge touches yet.
    private func track(_ step: ProvisioningStep, tenant: Tenant, management: Tenant, state: inout Provisioning, fresh: inout [Party],
                       tx: any StoreTransaction, context: OperationContext) async throws {
        switch step {
        case .company:
            // A customer without email or phone of its own: `unregistered` (its contact is the admin).
            let input = PartyInput(kind: .organization, name: tenant.name, customerType: .unregistered, roles: ["customer"],
                                   properties: ["tenantId": .string(tenant.id.description), "tenantSlug": .string(tenant.slug)])
            let company = try PartyRules.create(input, id: .make(), tenantID: management.id, settings: management.settings, now: Date.rosterNow)
            try await PartyService.insertParty(company, tx: tx, context: context)
            state.tracking.companyID = company.id
            fresh.append(company)
        case .contact:
            guard let admin = state.admin, let company = state.tracking.companyID else {
                throw RosterError.conflict("no admin on record for the contact")
            }
            // Taken by the caller already (before anything else of the transaction), as every edge insert takes it.
            if state.tracking.contactID == nil {
                let input = PartyInput(kind: .person, firstName: admin.firstName, lastName: admin.lastName, email: admin.email, roles: ["contact"])
                let person = try PartyRules.create(input, id: .make(), tenantID: management.id, settings: management.settings, now: Date.rosterNow)
                do {
                    try await PartyService.insertParty(person, tx: tx, context: context)
                    state.tracking.contactID = person.id
                    fresh.append(person)
                } catch RosterError.conflict(_, let existing?) where Party.ID(uuidString: existing) != nil {
                    // A live person with this email (the duplicate check, before anything is written): the same
                    // person may administer several tenants, one contact with several employments.
                    state.tracking.contactID = Party.ID(uuidString: existing)
                }
            }
            let employment = RelationshipInput(parentID: company, childID: state.tracking.contactID!, type: "employment", role: "admin contact")
            do {
                state.tracking.relationshipID = try await RelationshipService.insertAudited(employment, tenant: management, fresh: fresh, tx: tx,
                                                                                           context: context).id
                fresh.removeAll()  // an edge touches them now
            } catch RosterError.conflict(_, let existing?) {
                state.tracking.relationshipID = Relationship.ID(uuidString: existing)
            }
        case .tag:
            guard let company = state.tracking.companyID else { throw RosterError.conflict("no company on record to tag") }
            let tag = try await TagService.attach(text: state.tracking.tag ?? options.customerTag, to: company, tenant: management.id,
                                                  tx: tx, context: context)
            state.tracking.tagID = tag.id
        case .admin, .activate:
            break
        }
    }

    /// A step failed: before `active`, undo everything and mark the tenant `failed`; in tracking, count the
    /// attempt and schedule the next one (or give up after `maxTrackingAttempts`).
    private func failed(_ step: ProvisioningStep, tenantID: Tenant.ID, error: any Error, owner: String, context: OperationContext) async throws {
        let reason = Self.describe(error)
        logger.warning("provisioning step failed", metadata: ["tenant": "\(tenantID)", "step": "\(step.rawValue)", "reason": "\(reason)",
                                                            "error": "\(type(of: error))"])
        try await store.write { tx in
            guard let (state, version) = try await tx.provisioning(tenant: tenantID) else { return }
            var next = state
            if step.isProvisioning {
                // What the rollback removes is audited as removed, as the audit recorded it made (a probe read a
                // `party.create` and a `user.create` of records that no longer existed, and nothing of their removal).
                var removed: [AuditEvent] = []
                if let user = state.adminUserID {
                    try await tx.deleteUser(tenant: tenantID, id: user)
                    removed.append(AuditEvent(tenantID: tenantID, context: context, action: "user.delete", targetType: "user",
                                              targetID: user.description, fields: ["rollback"]))
                }
                if let party = state.adminPartyID {
                    try await tx.deleteUnlinkedParty(tenant: tenantID, id: party)
                    removed.append(AuditEvent(tenantID: tenantID, context: context, action: "party.remove", targetType: "party",
                                              targetID: party.description, fields: ["rollback"]))
                }
                try await tx.appendAudit(removed)
                _ = try await Self.changeTenant(tenantID, tx: tx) { $0.status = .failed }
                next.phase = .failed
                next.lastError = "\(step.rawValue): \(reason)"
                next.adminUserID = nil
                next.adminPartyID = nil
                next.admin = nil  // a retry brings its own
                // Nothing to track for a tenant that failed (a retry starts tracking afresh): it read `pending` for good
                // (found by a probe).
                if next.tracking.status == .pending { next.tracking.status = .off }
                try await tx.appendAudit([AuditEvent(tenantID: tenantID, context: context, action: "tenant.rollback", targetType: "tenant",
                                                     targetID: tenantID.description, fields: ["status"])])
            } else {
                next.tracking.attempts += 1
                next.tracking.lastError = "\(step.rawValue): \(reason)"
                if next.tracking.attempts >= options.maxTrackingAttempts {
                    next.tracking.status = .failed
                    next.tracking.nextAttemptAt = nil
                } else {
                    let delay = Tracking.backoff(attempt: next.tracking.attempts, base: options.backoffBase, cap: options.backoffCap,
                                                 random: Double.random(in: 0...1))
                    next.tracking.nextAttemptAt = Date.rosterNow.addingTimeInterval(delay)
                }
            }
            guard try await tx.updateProvisioning(tenant: tenantID, next, expectedVersion: version, owner: owner, release: false) else { throw LostLease() }
        }
        if step.isProvisioning {
            Counter(label: "roster_provisioning_rollbacks_total").increment()
        } else {
            Counter(label: "roster_tracking_total", dimensions: [("result", "failure")]).increment()
        }
    }

    /// A failure's reason without personal data: Roster's own messages name fields and ids, not values.
    /// The tenant `id` changed by `change` and written over whatever version it is at now, so that a concurrent PATCH of
    /// its name or settings is kept (every write of a tenant names the version it read: `updateTenant`). `read`: the
    /// tenant as this transaction read it, tried first.
    static func changeTenant(_ id: Tenant.ID, read: Tenant? = nil, tx: any StoreTransaction, _ change: (inout Tenant) -> Void) async throws -> Tenant? {
        var known = read
        for _ in 0..<5 {
            let found: Tenant?
            if let known { found = known } else { found = try await tx.tenant(id: id) }
            known = nil
            guard var tenant = found else { return nil }
            change(&tenant)
            tenant.updatedAt = Date.rosterNow
            tenant.version += 1
            if try await tx.updateTenant(tenant) { return tenant }
        }
        throw StoreError.concurrentWrite
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as RosterError:
            if case .validation(let fields) = error { "invalid " + fields.map(\.field).joined(separator: ", ") } else { error.detail ?? "" }
        case let error as any ProvisioningStepFault: error.description
        case is StoreError: "the database refused the write"
        default: "unexpected error"
        }
    }

    // MARK: Validation

    public static func validated(_ request: ProvisioningRequest) throws -> ProvisioningRequest {
        var errors = ValidationErrors()
        var result = request
        (result.slug, result.name, result.settings) = TenantService.validated(slug: request.slug, name: request.name, settings: request.settings,
                                                                              into: &errors)
        if let admin = request.admin {
            let first = errors.check { try Tenant.validateName(admin.firstName, field: "admin.firstName") }
            let last = errors.check { try Tenant.validateName(admin.lastName, field: "admin.lastName") }
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
        return SHA256.hash(data: data).hexString
    }
}

/// A failure a step hook reports (an injected test fault): its description goes into the workflow's error.
public protocol ProvisioningStepFault: Error, CustomStringConvertible {}
