public import Foundation
public import RosterCore
public import RosterStore
import Crypto
import Synchronization
public import Logging

/// Imports posted over HTTP (issue 12, item 3): `POST .../imports` streams the body into a file (never whole in
/// memory), checks its columns, records a job and answers at once; the job runs in this process through the same
/// import as `roster import` (the same rules, batches and resumable progress), committing its counters and refused rows
/// with every batch, where `GET .../imports/{id}` and `.../errors` read them from any process.
///
/// The posted file is the job's only copy of the rows' values: it is created 0600 in the spool directory and removed
/// when the job ends. A job whose process stopped is reported failed once its counters stand still for
/// `staleAfter`; posting the same body again goes on after its last committed batch.
public struct ImportJobService: Sendable {
    let store: any Store
    let imports: PartyImportService
    let relationshipImports: RelationshipImportService
    let spoolDirectory: URL
    let maxBytes: Int
    let logger: Logger
    /// Jobs running (or being posted) in this process, by tenant; more are refused (409) until one ends.
    let running: ImportSlots
    /// Their tasks, so that a server stopping ends them first (`stopAll`).
    let tasks: RunningJobs
    public static let staleAfter: TimeInterval = 300
    public static let maxRunning = 4
    /// Of which one tenant may hold: the others keep slots of their own (four slow uploads to one tenant held every
    /// tenant's imports; found by a probe).
    public static let maxRunningPerTenant = 2
    /// An upload that brings less than `minimumRate` bytes a second on average over a `rateWindow` (`MinimumRate`) is
    /// ended: a body trickled in a byte at a time held its slot for as long as its sender liked (found by a probe).
    public static let minimumRate = 4096.0
    /// Jobs that ended longer ago are removed, with their refused rows, when the tenant posts its next import.
    public static let keptFor: TimeInterval = 30 * 86_400

    let rateWindow: Duration
    public static let defaultRateWindow = Duration.seconds(60)
    /// The answer to an upload slower than `minimumRate` (here, or by the server's connection handler, which then closes
    /// the connection once it is out).
    public static let slowUpload = RosterError.badRequest(
        "the body came slower than \(Int(minimumRate) / 1024) KiB a second: post it again over a faster link")

    public init(store: any Store, imports: PartyImportService, relationshipImports: RelationshipImportService, spoolDirectory: URL,
                maxBytes: Int, logger: Logger, rateWindow: Duration = ImportJobService.defaultRateWindow) {
        self.rateWindow = rateWindow
        self.store = store
        self.imports = imports
        self.relationshipImports = relationshipImports
        // A directory of this process's own: files of a process that is gone can be told apart and removed.
        self.spoolDirectory = spoolDirectory.appendingPathComponent("\(getpid())")
        self.maxBytes = maxBytes
        self.logger = logger
        self.running = ImportSlots()
        self.tasks = RunningJobs()
    }

    static let stopping = RosterError.unavailable("the server is stopping: post the same body again once it is back")

    /// Imports running in this process, those whose body is still coming included.
    public var runningCount: Int { running.count }

    /// Ends the jobs running in this process, each recorded as interrupted with its file removed (SIGTERM left them
    /// `running` for five minutes, their files in the spool; found by a probe): for a server that stops, before its
    /// database closes. Posting the same file again goes on after each one's last committed batch.
    public func stopAll() async {
        let running = await tasks.stop()
        for task in running { task.cancel() }
        for task in running { await task.value }
    }

    /// Removes what processes that are gone left in the spool (their jobs were interrupted; their files hold personal
    /// data). Run at start.
    public func sweep() {
        let base = spoolDirectory.deletingLastPathComponent()
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: base.path) else { return }
        for entry in entries {
            guard let pid = Int32(entry), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(at: base.appendingPathComponent(entry))
        }
    }

    /// The policy a kind of import needs, and on what, as `roster import` asks it.
    static func check(_ kind: ImportJob.Kind, _ access: TenantAccess) throws {
        switch kind {
        case .parties: try access.require(policy(of: kind))
        case .relationships: try access.requireSomewhere(policy(of: kind))
        }
    }

    static func policy(of kind: ImportJob.Kind) -> String { kind == .parties ? "parties.write" : "relationships.write" }

    /// A job the caller may follow: it holds the right its kind needs, and, when that right reaches only part of the
    /// tenant, it started the job itself (another's counts and refused rows may name parties outside its scope: 404).
    /// A job the caller may not follow is not there for it (404, as a missing one: a 403 told a scoped caller which ids
    /// were others' jobs; found by a probe); a caller with neither import right is refused before anything is read.
    static func checkVisible(_ job: ImportJob, _ access: TenantAccess) throws {
        do {
            try check(job.kind, access)
        } catch RosterError.forbidden {
            throw RosterError.notFound("no import \(job.id)")
        }
        if access.grants.scope(of: policy(of: job.kind)) != .tenant, job.actor != access.context.principal.description {
            throw RosterError.notFound("no import \(job.id)")
        }
    }

    /// Either import right, somewhere: who may follow any job at all.
    static func requireImporter(_ access: TenantAccess) throws {
        guard access.grants.scope(of: policy(of: .parties)) != nil || access.grants.scope(of: policy(of: .relationships)) != nil else {
            throw RosterError.forbidden("this needs the parties.write or relationships.write policy")
        }
    }

    /// Takes the body and starts the job; the rights and the size are checked here (403, 413), what the body holds by
    /// the job (an empty body, a CSV header naming columns the import does not know, `update` for edges: the job fails
    /// at once, saying why), so that every body the spec allows is accepted for processing.
    public func submit<Body: AsyncSequence>(tenant slug: String, kind: ImportJob.Kind, onDuplicate: DuplicatePolicy, format: BulkFormat,
                                            restart: Bool, body: Body, context: OperationContext) async throws -> ImportJob
    where Body.Element == ArraySlice<UInt8> {
        // Refused before the body is read, not in the job after a 202.
        if kind == .relationships, onDuplicate == .update {
            throw RosterError.invalid("onDuplicate", "an edge has nothing to update: skip or fail")
        }
        if tasks.stopping { throw Self.stopping }
        let tenant = try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: true)
            try Self.check(kind, access)
            return access.tenant
        }
        if let refusal = running.take(tenant.id, total: Self.maxRunning, perTenant: Self.maxRunningPerTenant) {
            throw RosterError.conflict(refusal + "; post again when one has ended")
        }
        let path: String, digest: String
        do {
            (path, digest) = try await spool(body, format: format)
        } catch {
            running.release(tenant.id)
            throw error
        }
        let job = ImportJob(id: .make(), tenantID: tenant.id, kind: kind, format: format.rawValue, onDuplicate: onDuplicate.rawValue,
                            status: .running, actor: context.principal.description, createdAt: Date.rosterNow)
        // A body that came in while the server began to stop: no job it can't run (it was answered 202 and failed at
        // once; found by a probe). Once reserved, a stop waits for the job to start, and then interrupts it.
        guard tasks.reserve(job.id) else {
            running.release(tenant.id)
            try? FileManager.default.removeItem(atPath: path)
            throw Self.stopping
        }
        do {
            try await store.write { tx in
                _ = try await tx.pruneImportJobs(tenant: tenant.id, endedBefore: job.createdAt.addingTimeInterval(-Self.keptFor))
                try await tx.insertImportJob(job)
                try await tx.appendAudit([AuditEvent(tenantID: tenant.id, context: context, action: "import.start", targetType: "import",
                                                     targetID: job.id.description, fields: [kind.rawValue, format.rawValue, onDuplicate.rawValue])])
            }
            let service = self
            let task = Task.detached {
                await service.run(job, slug: slug, path: path, digest: digest, restart: restart, onDuplicate: onDuplicate, context: context)
                service.tasks.remove(job.id)
            }
            tasks.add(job.id, task)
            return job
        } catch {
            tasks.unreserve(job.id)
            running.release(tenant.id)
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
    }

    /// Writes the body to a new 0600 file, hashing it (the digest names the file for resuming) and counting its bytes.
    func spool<Body: AsyncSequence>(_ body: Body, format: BulkFormat) async throws -> (String, String) where Body.Element == ArraySlice<UInt8> {
        do {
            try FileManager.default.createDirectory(at: spoolDirectory.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw RosterError.unavailable("the import can't be stored: the spool directory can't be created (ROSTER_IMPORT_DIR)")
        }
        // The directory the spool is made in: another user's, or one others may write to (unless sticky, as /tmp is),
        // could have this server's directory renamed away and replaced. Start checks one that is there; one made since
        // (by anyone) is checked here (found by a review).
        var base = stat()
        guard stat(spoolDirectory.deletingLastPathComponent().path, &base) == 0, (base.st_mode & S_IFMT) == S_IFDIR,
              base.st_uid == geteuid() || base.st_uid == 0, base.st_mode & 0o022 == 0 || base.st_mode & S_ISVTX != 0 else {
            throw RosterError.unavailable("the import can't be stored: others may write to the spool directory (ROSTER_IMPORT_DIR)")
        }
        // Made 0700 in one step: FileManager creates, then sets the mode, and a concurrent first upload saw the directory
        // between the two, open to others, and was refused (found by a probe).
        guard mkdir(spoolDirectory.path, 0o700) == 0 || errno == EEXIST else {
            throw RosterError.unavailable("the import can't be stored: the spool directory can't be created (ROSTER_IMPORT_DIR)")
        }
        // Only a directory of this user's, closed to others, takes personal data.
        var info = stat()
        guard lstat(spoolDirectory.path, &info) == 0, info.st_uid == geteuid(), (info.st_mode & S_IFMT) == S_IFDIR,
              info.st_mode & 0o077 == 0 else {
            throw RosterError.unavailable("the import can't be stored: the spool directory is not this server's own (ROSTER_IMPORT_DIR)")
        }
        let path = spoolDirectory.appendingPathComponent("\(UUID().uuidString.lowercased()).\(format.rawValue)").path
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard descriptor >= 0 else { throw RosterError.unavailable("the import can't be stored (spool directory)") }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var hasher = SHA256()
        var count = 0
        var rate = MinimumRate(perSecond: Self.minimumRate, window: rateWindow)
        do {
            for try await chunk in body {
                if tasks.stopping { throw Self.stopping }
                count += chunk.count
                if !rate.admit(chunk.count) { throw Self.slowUpload }
                guard count <= maxBytes else {
                    throw RosterError.tooLarge("an import may have at most \(maxBytes) bytes (ROSTER_MAX_IMPORT_BYTES)")
                }
                hasher.update(data: chunk)
                do {
                    try handle.write(contentsOf: chunk)
                } catch {
                    throw RosterError.unavailable("the import can't be stored: writing the spool file failed (disk full?)")
                }
            }
            try? handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: path)
            // The body's own failure (the connection closed part-way, or timed out idle) is the client's: a 400, not an
            // error logged as unexpected (found by a probe).
            if error is RosterError || error is CancellationError { throw error }
            throw RosterError.badRequest("the body could not be read to its end (the connection closed part-way)")
        }
        return (path, hasher.finalize().hexString)
    }

    /// Runs the job to its end, its counters and refused rows committed batch by batch; the file is removed before its end
    /// is recorded (and on every other way out).
    func run(_ start: ImportJob, slug: String, path: String, digest: String, restart: Bool, onDuplicate: DuplicatePolicy,
             context: OperationContext) async {
        defer { try? FileManager.default.removeItem(atPath: path) }
        defer { running.release(start.tenantID) }
        var job = start
        var seq = 0
        let jobID = job.id, tenantID = job.tenantID
        // The batch's refused rows and the counters so far commit in the batch's own transaction: a re-post that goes on
        // after the batch finds them recorded.
        let inBatch: BatchHook = { report, refused, tx in
            let errors = refused.map { row in
                seq += 1
                return ImportJobError(seq: seq, row: row.row, field: row.field, message: row.message)
            }
            try await tx.appendImportJobErrors(tenant: tenantID, job: jobID, errors)
            var snapshot = job
            snapshot.take(report)
            try await tx.updateImportJob(snapshot)
        }
        // The rows go to the table in the batch; the report keeps only their count.
        let onRefused: ([PartyImportReport.RefusedRow]) async throws -> Void = { _ in }
        do {
            if job.kind == .relationships, onDuplicate == .update {
                throw RosterError.invalid("onDuplicate", "an edge has nothing to update: skip or fail")
            }
            let report: PartyImportReport
            switch job.kind {
            case .parties:
                let reader = try PartyImportReader(path: path, format: job.format == "jsonl" ? .jsonl : .csv)
                report = try await imports.run(tenant: slug, digest: job.format + ":" + digest, fromStart: restart, onDuplicate: onDuplicate, context: context,
                                               next: { try Task.checkCancellation(); return try reader.next() }, onRefused: onRefused, inBatch: inBatch)
            case .relationships:
                let reader = try RelationshipImportReader(path: path, format: job.format == "jsonl" ? .jsonl : .csv)
                report = try await relationshipImports.run(tenant: slug, digest: job.format + ":" + digest, fromStart: restart, onDuplicate: onDuplicate,
                                                           context: context, next: { try Task.checkCancellation(); return try reader.next() },
                                                           onRefused: onRefused,
                                                           inBatch: inBatch)
            }
            job.take(report)
            job.status = .completed
        } catch {
            // The counters its committed batches recorded (each batch's transaction wrote them; this copy has none).
            if let committed = try? await store.read({ tx in try await tx.importJob(tenant: tenantID, id: jobID) }) { job = committed }
            job.status = .failed
            job.error = error is CancellationError
                ? "interrupted: the server stopped; post the same file again to go on after its last committed batch"
                : Self.describe(error).replacingOccurrences(of: path, with: "the body")
            logger.warning("import job failed", metadata: ["job": "\(job.id)", "error": "\(job.error ?? "")"])
        }
        job.finishedAt = Date.rosterNow
        job.updatedAt = job.finishedAt ?? job.updatedAt
        let finished = job
        // The body goes before the end is recorded: whoever sees the job ended finds its file gone.
        try? FileManager.default.removeItem(atPath: path)
        do {
            try await store.write { tx in try await tx.updateImportJob(finished) }
        } catch {
            logger.error("an import job's end could not be recorded", metadata: ["job": "\(job.id)"])
        }
    }

    /// A failure's reason without values: Roster's own messages name fields, not what they held.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as RosterError:
            if case .validation(let fields) = error { fields.map { "\($0.field): \($0.message)" }.joined(separator: "; ") } else { error.detail ?? "" }
        case let error as ImportFile.Unreadable: error.description
        case let error as ImportFile.UnknownColumns:
            // Not their names: a first line that is no header holds a row's values (names, emails), and the job is kept
            // for days, past an erasure of that person (found by a probe). The CLI, on its operator's terminal, names them.
            "the header's column\(error.positions.count == 1 ? "" : "s") \(error.positions.map(String.init).joined(separator: ", ")) "
                + "\(error.positions.count == 1 ? "is" : "are") no column this import knows (is the first line a header? its values are "
                + "not kept here); known: \(error.known.joined(separator: ", "))"
        case is StoreError: "the database refused a batch; post the same file again to go on after the last committed batch"
        default: "unexpected error; post the same file again to go on after the last committed batch"
        }
    }

    public func job(tenant slug: String, id: ImportJob.ID, context: OperationContext) async throws -> ImportJob {
        let job = try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            try Self.requireImporter(access)
            guard let job = try await tx.importJob(tenant: access.tenant.id, id: id) else { throw RosterError.notFound("no import \(id)") }
            try Self.checkVisible(job, access)
            return job
        }
        let cutoff = Date.rosterNow.addingTimeInterval(-Self.staleAfter)
        if job.status == .running, job.updatedAt < cutoff {
            // Recorded, unless a batch moved it on meanwhile (then it is read as it is now).
            var stale = job
            stale.status = .failed
            stale.error = "interrupted: no batch committed for \(Int(Self.staleAfter)) s (the server stopped?); post the same file again "
                + "to go on after the last committed batch"
            stale.finishedAt = Date.rosterNow
            let written = try await store.write { tx in try await tx.failStaleImportJob(stale, cutoff: cutoff) }
            if written { return stale }
            return try await store.read { tx in try await tx.importJob(tenant: job.tenantID, id: id) } ?? job
        }
        return job
    }

    /// The jobs the caller may follow (`checkVisible`), newest first, keyset by id: those of the tenant for a caller holding
    /// an import's right on the whole tenant, its own otherwise (others' are passed over: `Page.visible`).
    public func jobs(tenant slug: String, cursor: String?, limit: Int?, context: OperationContext) async throws -> Page<ImportJob> {
        let limit = try pageSize(limit)
        let before: ImportJob.ID? = try decodeCursor(cursor)
        return try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            try Self.requireImporter(access)
            return try await Page.visible(limit: limit, after: before, fetch: { before, count in
                try await tx.importJobs(tenant: access.tenant.id, before: before, limit: count)
            }, key: \.id, cursor: { $0.id.description }) { jobs in jobs.filter { (try? Self.checkVisible($0, access)) != nil } }
        }
    }

    public func errors(tenant slug: String, id: ImportJob.ID, cursor: String?, limit: Int?, context: OperationContext) async throws
        -> Page<ImportJobError> {
        let limit = try pageSize(limit)
        var after: Int?
        if let cursor {
            guard let seq = Cursor.sequence(cursor).map(Int.init) else {
                throw RosterError.invalid("cursor", "is not a cursor from this API")
            }
            after = seq
        }
        let rows = try await store.read { tx in
            let access = try await TenantAccess.open(tx, slug, context, write: false)
            try Self.requireImporter(access)
            guard let job = try await tx.importJob(tenant: access.tenant.id, id: id) else { throw RosterError.notFound("no import \(id)") }
            try Self.checkVisible(job, access)
            return try await tx.importJobErrors(tenant: access.tenant.id, job: id, afterSeq: after, limit: limit + 1)
        }
        return Page(rows: rows, limit: limit) { String($0.seq) }
    }
}

extension ImportJob {
    mutating func take(_ report: PartyImportReport) {
        processed = report.processed
        created = report.created
        updated = report.updated
        unchanged = report.unchanged
        skipped = report.skipped
        refused = report.refused
        resumedAfter = report.resumedAfter
        updatedAt = Date.rosterNow
    }
}

extension BulkFormat {
    var fileFormat: ImportFile.Format { self == .csv ? .csv : .jsonl }
}

/// A count shared by the copies of a service.
/// The jobs running in this process, by tenant.
final class ImportSlots: Sendable {
    private let byTenant = Mutex<[Tenant.ID: Int]>([:])

    /// Takes a slot for `tenant`; the refusal when the process or the tenant has none left.
    func take(_ tenant: Tenant.ID, total: Int, perTenant: Int) -> String? {
        byTenant.withLock { counts in
            if counts.values.reduce(0, +) >= total { return "\(total) imports are running in this server" }
            if counts[tenant, default: 0] >= perTenant { return "\(perTenant) imports of this tenant are running in this server" }
            counts[tenant, default: 0] += 1
            return nil
        }
    }

    var count: Int { byTenant.withLock { $0.values.reduce(0, +) } }

    func release(_ tenant: Tenant.ID) {
        byTenant.withLock { counts in
            counts[tenant, default: 1] -= 1
            if counts[tenant] == 0 { counts[tenant] = nil }
        }
    }
}

/// The tasks of the jobs running in this process, by job.
final class RunningJobs: Sendable {
    private let state = Mutex<(tasks: [ImportJob.ID: Task<Void, Never>], reserved: Set<ImportJob.ID>, stopping: Bool)>(([:], [], false))

    /// Before the job is recorded: false once the server is stopping (no job then).
    func reserve(_ id: ImportJob.ID) -> Bool {
        state.withLock {
            guard !$0.stopping else { return false }
            $0.reserved.insert(id)
            return true
        }
    }

    /// A reserved job that was not recorded after all.
    func unreserve(_ id: ImportJob.ID) { _ = state.withLock { $0.reserved.remove(id) } }

    /// A reserved job's task: kept, even while stopping (`stop` waits for reserved jobs to get theirs).
    func add(_ id: ImportJob.ID, _ task: Task<Void, Never>) {
        state.withLock {
            $0.reserved.remove(id)
            $0.tasks[id] = task
        }
    }

    func remove(_ id: ImportJob.ID) { _ = state.withLock { $0.tasks.removeValue(forKey: id) } }

    /// Starts no job from now on; the jobs running once every reserved one has its task (a moment: the job's row is
    /// being written).
    func stop() async -> [Task<Void, Never>] {
        state.withLock { $0.stopping = true }
        while state.withLock({ !$0.reserved.isEmpty }) {
            // Slept out even when the stopping task is cancelled (`Task.sleep` would return at once, a busy wait).
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(5)) { done.resume() }
            }
        }
        return state.withLock { Array($0.tasks.values) }
    }

    var stopping: Bool { state.withLock { $0.stopping } }
}
