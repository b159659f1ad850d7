import Foundation
import RosterCore
public import Logging
import Synchronization
public import PostgresNIO
public import RosterSQL
public import ServiceLifecycle
import NIOCore
import NIOPosix

/// PostgreSQL through a `PostgresClient` pool. The client must be running (a Service of the application).
/// Described without its configuration: ServiceLifecycle logs its services at debug, and the configuration holds the
/// password (found by a probe).
public struct PostgresDatabase: SQLDatabase, Service, CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        "PostgresDatabase(\(address.map { "\($0.host):\($0.port)" } ?? "a socket"))"
    }

    public var debugDescription: String { description }

    public let dialect = SQLDialect.postgres
    public let client: PostgresClient
    let logger: Logger
    /// How long a transaction waits for a pooled connection before it asks the server directly (`acquireTimeout`; 100 ms
    /// while the server is down or the pool lags behind it), and how long it waits for the pool when the server answers
    /// but the pool is busy (`busyTimeout`). See `leased`. A request may run two transactions (a read, then its audit
    /// entry): 0.5 s + 0.4 s for the first and 0.1 s + 0.4 s for the second keep an outage's answer within 2 s with room
    /// for a loaded machine.
    let acquireTimeout: Duration
    let busyTimeout: Duration
    let health = ServerHealth()
    /// Where the server listens, for the reachability probe.
    let address: (host: String, port: Int)?

    /// For a connection of its own when the pool has none to give (see `leased`); nil only when its TLS context could not
    /// be made (then a TCP probe decides).
    let direct: PostgresConnection.Configuration?
    let directSlots = DirectSlots(limit: 8)

    public init(configuration: PostgresClient.Configuration, direct: PostgresConnection.Configuration? = nil, logger: Logger,
                acquireTimeout: Duration = .milliseconds(500), busyTimeout: Duration = .seconds(15)) {
        // The driver at trace level writes the server's error details, which quote the values a unique index refused
        // (an email, a phone: found by a probe). Personal data goes into no log at any level: the driver logs at debug at
        // most.
        var logger = logger
        if logger.logLevel < .debug { logger.logLevel = .debug }
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.address = configuration.host.map { ($0, configuration.port ?? 5432) }
        self.direct = direct
        self.logger = logger
        self.acquireTimeout = acquireTimeout
        self.busyTimeout = busyTimeout
    }

    /// The same server, user and TLS as `configuration(url:)`, for single connections made outside the pool. With TLS
    /// too: without one, a URL asking TLS of a server that has none waited 15 s for the pool and said only that no
    /// connection came (found by a probe); its own connection names the refusal at once.
    public static func directConfiguration(url: String) -> PostgresConnection.Configuration? {
        guard let components = URLComponents(string: url), let host = hostName(components),
              let (mode, tlsConfiguration) = try? tls(components) else { return nil }
        let tls: PostgresConnection.Configuration.TLS
        if let tlsConfiguration {
            guard let context = try? NIOSSLContext(configuration: tlsConfiguration) else { return nil }
            tls = mode == "prefer" ? .prefer(context) : .require(context)
        } else {
            tls = .disable
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        var configuration = PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: components.user?.removingPercentEncoding ?? "postgres",
            password: components.password?.removingPercentEncoding, database: database.isEmpty ? nil : database, tls: tls)
        configuration.options.connectTimeout = .milliseconds(400)
        configuration.options.additionalStartupParameters = sessionParameters
        return configuration
    }

    /// The URL's host as a connection names it: an IPv6 address without the brackets the URL writes it in (`[::1]` was
    /// looked up as a name, and did not resolve; found by a probe); nil when there is none.
    static func hostName(_ components: URLComponents) -> String? {
        guard let host = components.host, !host.isEmpty else { return nil }
        guard host.hasPrefix("["), host.hasSuffix("]"), host.count > 2 else { return host }
        return String(host.dropFirst().dropLast())
    }

    /// The `sslmode` values a URL may give (`disable` when it gives none).
    public static let sslModes = ["disable", "prefer", "require", "verify-ca", "verify-full"]

    /// Parses `postgres://user:password@host:port/database?sslmode=MODE&sslrootcert=PATH`.
    /// Strict: the database must be named (the server's default database is never chosen for it), and `sslmode` and
    /// `sslrootcert` are the only parameters, each at most once, `sslmode` one of its values (a misspelt mode connected
    /// without TLS) and `sslrootcert` a readable file.
    public static func configuration(url: String) throws -> PostgresClient.Configuration {
        let invalid = PostgresURLError.invalid(url.replacingOccurrences(of: "://[^@]*@", with: "://***@", options: .regularExpression))
        guard let components = URLComponents(string: url), let scheme = components.scheme,
              scheme == "postgres" || scheme == "postgresql", let host = hostName(components),
              (1...65_535).contains(components.port ?? 5432)
        else { throw invalid }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !database.isEmpty, !database.contains("/"), let (mode, tlsConfiguration) = try? Self.tls(components) else { throw invalid }
        let tls: PostgresClient.Configuration.TLS = switch (mode, tlsConfiguration) {
        case (_, nil): .disable
        case ("prefer", let configuration?): .prefer(configuration)
        case (_, let configuration?): .require(configuration)
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: components.user?.removingPercentEncoding ?? "postgres",
            password: components.password?.removingPercentEncoding, database: database.isEmpty ? nil : database, tls: tls)
        configuration.options.maximumConnections = 20
        configuration.options.connectTimeout = .seconds(2)
        configuration.options.additionalStartupParameters = sessionParameters
        return configuration
    }

    /// Limits every session of Roster's sets on the server. A process cut from the server in the middle of a transaction
    /// held its locks (a tenant's audit head among them) until TCP noticed, two hours by default, and every process
    /// waited on them with no end, ready all the while (found by a probe of a network partition): the server now ends a
    /// session idle in a transaction after 15 s and checks a silent client's connection within 25 s, so such locks go
    /// within 25 s and the waits on them end. (A `lock_timeout` of 5 s was tried: concurrent writers of one tenant on a
    /// loaded machine waited longer than that for each other, legitimately.)
    public static let sessionParameters: [(String, String)] = [
        ("idle_in_transaction_session_timeout", "15s"),
        ("tcp_keepalives_idle", "10"), ("tcp_keepalives_interval", "5"), ("tcp_keepalives_count", "3"),
    ]

    /// The URL's `sslmode` and the TLS it asks for (nil: none), as libpq reads them: `prefer` and `require` encrypt
    /// without checking the server's certificate (unless `sslrootcert` names the authorities to check it against, as
    /// libpq does for `require`), `verify-ca` checks it was issued by a trusted authority, `verify-full` also that it
    /// names the host. Trusted authorities: the file `sslrootcert` names, else the system's.
    static func tls(_ components: URLComponents) throws -> (mode: String, configuration: TLSConfiguration?) {
        struct Refused: Error {}
        let items = components.queryItems ?? []
        let names = items.map(\.name)
        guard names.allSatisfy({ $0 == "sslmode" || $0 == "sslrootcert" }), Set(names).count == names.count else { throw Refused() }
        let mode = items.first { $0.name == "sslmode" }?.value ?? "disable"
        guard sslModes.contains(mode) else { throw Refused() }
        let root = items.first { $0.name == "sslrootcert" }.map { $0.value ?? "" }
        if let root { guard !root.isEmpty, FileManager.default.isReadableFile(atPath: root) else { throw Refused() } }
        if mode == "disable" { return (mode, nil) }
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch mode {
        case "verify-full": configuration.certificateVerification = .fullVerification
        case "verify-ca": configuration.certificateVerification = .noHostnameVerification
        case "require" where root != nil: configuration.certificateVerification = .noHostnameVerification
        default: configuration.certificateVerification = .none
        }
        if let root { configuration.trustRoots = .file(root) }
        return (mode, configuration)
    }

    /// Runs the pool until graceful shutdown; registered before the HTTP server so it stops after it.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await client.run()
        }
    }

    public func withTransaction<T: Sendable>(_ body: (any SQLConnection) async throws -> T) async throws -> T {
        try await transaction(begin: "BEGIN", body)
    }

    /// Reads run without BEGIN and COMMIT: under READ COMMITTED every statement takes its own snapshot inside a
    /// transaction too, so a read sees exactly what it would see in one, and saves two of its five round trips (a GET
    /// of a party was BEGIN, tenant, party, tags, COMMIT). That reads never write is held by the SQLite runs of the same
    /// contract suite, whose readers are `query_only`.
    public func withReadTransaction<T: Sendable>(_ body: (any SQLConnection) async throws -> T) async throws -> T {
        try await leased(body)
    }

    public func withConnection<T: Sendable>(_ body: (any SQLConnection) async throws -> T) async throws -> T {
        try await leased(body)
    }

    /// `SELECT 1` within 2 s: a connection the network left silent (no reset, no answer) held `/health/ready` for good,
    /// while requests failed over to 503 (found by a probe with a proxy that dropped the traffic).
    public func checkAnswers() async throws {
        do {
            _ = try await Deadline.run(within: .seconds(2)) { [self] in
                try await leased { conn in try await conn.query("SELECT 1 AS ok", []) }
            } late: { _ in }
        } catch is Deadline.Passed {
            health.markDown()
            throw SQLError.unavailable("the database did not answer within 2 s")
        }
    }

    private func transaction<T: Sendable>(begin: String, _ body: (any SQLConnection) async throws -> T) async throws -> T {
        try await leased { conn in
            try await conn.execute(begin)
            do {
                let result = try await body(conn)
                try await conn.execute("COMMIT")
                return result
            } catch let error as PSQLError where Self.meansUnavailable(error) {
                // The connection is gone (and its transaction with it): a ROLLBACK on it would wait on a dead socket.
                throw error
            } catch {
                _ = try? await conn.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Runs `body` on a pooled connection, waiting at most `acquireTimeout` for one. Past it, a connection of its own
    /// (at most 8 at once, 0.4 s to connect) tells whether the server is there: refused → `unavailable` at once; taken →
    /// the body runs on it (after an outage the pool backs off and recovers slowly; meanwhile requests are served);
    /// slow or no spare slot → the pool is busy, wait for it up to `busyTimeout`. The lease is held by a task of its own
    /// that hands the connection over, so that a lease request the pool never answers (it queues them while the server
    /// is down) can't hold the caller, and a late connection goes straight back to the pool. Driver errors that mean the
    /// server is gone become `unavailable` too. With PostgreSQL stopped under load every request ends within 2 s
    /// (PostgresOutageTests).
    private func leased<T: Sendable>(_ body: (any SQLConnection) async throws -> T) async throws -> T {
        let handoff = LeaseHandoff()
        Task { [client] in
            do {
                try await client.withConnection { connection in
                    guard handoff.deliver(connection) else { return }
                    await handoff.untilReturned()
                }
            } catch {
                handoff.fail(error)
            }
        }
        do {
            var connection: PostgresConnection
            var own = false
            do {
                // While the server is known down, or the pool lags behind it (it backs off after failed connects and
                // recovers slowly), the pool has nothing to give soon: ask the server itself after a short wait.
                connection = try await handoff.connection(within: health.state == .up ? acquireTimeout : .milliseconds(100))
            } catch is LeaseHandoff.TimedOut {
                // No pooled connection yet. A connection of our own says at once whether the server is there (and
                // serves this request while the pool, backing off after an outage, catches up); a server that
                // refuses, is shutting down or does not answer within 0.4 s makes this request unavailable now.
                switch try await ownConnection() {
                case .connected(let fresh):
                    handoff.abandon()
                    connection = fresh
                    own = true
                    // Lagging is the pool's state after an outage; a pool merely slow to connect (a process starting on a
                    // busy machine) is not in it, and keeps the full waits (it was marked lagging, and requests failed
                    // after 0.8 s while its connections were being made: a flaky test on a loaded machine).
                    if health.state == .down { health.markLagging() }
                case .noSlot, .slow:
                    // The server answers (or is merely slow to): the pool is busy, or starting (wait for it longer),
                    // or still lagging after an outage (then a short wait, and unavailable: the client retries).
                    let limit = health.state == .lagging ? .milliseconds(800) : busyTimeout
                    do {
                        connection = try await handoff.connection(within: limit)
                    } catch is LeaseHandoff.TimedOut {
                        handoff.abandon()
                        throw SQLError.unavailable("no database connection within \(limit)")
                    }
                }
            }
            if !own { health.markUp() }
            do {
                let result = try await body(PostgresSQLConnection(connection: connection, logger: logger))
                if own { await closeOwn(connection) } else { handoff.giveBack() }
                return result
            } catch {
                if own { await closeOwn(connection) } else { handoff.giveBack() }
                throw error
            }
        } catch let error as PSQLError where Self.meansUnavailable(error) {
            health.markDown()
            throw SQLError.unavailable("the database connection failed")
        } catch where String(reflecting: type(of: error)).contains("ConnectionPoolError") {
            // The pool's own errors (its circuit breaker tripped, it shut down): the type is not exported by PostgresNIO.
            health.markDown()
            throw SQLError.unavailable("no database connection")
        } catch SQLError.unavailable(let detail) {
            health.markDown()
            throw SQLError.unavailable(detail)
        }
    }

    enum OwnConnection {
        case connected(PostgresConnection)
        /// Every spare slot is in use.
        case noSlot
        /// No answer within 0.4 s, but the server's port takes TCP connections: a loaded server, not a gone one.
        case slow
    }

    /// A connection outside the pool, within 0.4 s. A server that refuses it (connection refused, shutting down,
    /// starting up, authentication) makes the caller unavailable at once (thrown). Without a direct configuration
    /// (TLS), a TCP probe decides between that and `.slow`.
    private func ownConnection() async throws -> OwnConnection {
        guard let direct else {
            if let reason = await unreachable() { throw SQLError.unavailable(reason) }
            return .slow
        }
        guard directSlots.take() else { return .noSlot }
        do {
            let connection = try await Deadline.run(within: .milliseconds(400)) { [logger] in
                try await PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.next(), configuration: direct,
                                                     id: Int.random(in: 1_000_000..<2_000_000), logger: logger)
            } late: { connection in
                try? await connection.close()
            }
            return .connected(connection)
        } catch is Deadline.Passed {
            directSlots.give()
            if let reason = await unreachable() { throw SQLError.unavailable(reason) }
            return .slow
        } catch {
            directSlots.give()
            throw SQLError.unavailable(Self.refusal(error))
        }
    }

    /// Why the server refused a connection, in words: the usual operator mistakes by name (all three read "does not take
    /// connections", though the server plainly did; found by a probe), anything else as before.
    static func refusal(_ error: any Error) -> String {
        if let error = error as? PSQLError, error.code == .sslUnsupported {
            return "the server does not offer TLS, which sslmode in ROSTER_DATABASE_URL asks for (turn ssl on in the server, or use sslmode=disable)"
        }
        if error is NIOSSLError || error is BoringSSLError || (error as? PSQLError)?.underlying.map({ $0 is NIOSSLError || $0 is BoringSSLError }) == true {
            return "the TLS handshake with the server failed (its certificate was not issued by an authority trusted here (sslrootcert names one), "
                + "or does not name the host in ROSTER_DATABASE_URL)"
        }
        if let unresolved = unresolved(error) { return unresolved }
        return switch (error as? PSQLError)?.serverInfo?[.sqlState] {
        case "28P01": "the server refused the password (check the user and password in ROSTER_DATABASE_URL)"
        case "28000": "the server refused this user or client (check the user in ROSTER_DATABASE_URL and pg_hba.conf)"
        case "3D000": "the database does not exist (create it, or check its name in ROSTER_DATABASE_URL)"
        case "53300": "the server has no connection slot left (max_connections)"
        case "57P03": "the server is starting up or shutting down"
        default: "the database server does not take connections"
        }
    }

    private func closeOwn(_ connection: PostgresConnection) async {
        try? await connection.close()
        directSlots.give()
    }

    /// Why the server does not accept a TCP connection within a second; nil when it does.
    private func unreachable() async -> String? {
        guard let address else { return nil }
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(1))
                .connect(host: address.host, port: address.port).get()
            try? await channel.close()
            return nil
        } catch {
            return Self.unresolved(error) ?? "the database server does not answer"
        }
    }

    /// A host name that resolves to no address (a typo, a name only another network knows): no server was reached at
    /// all. Whether its lookup fails within the direct connection's 0.4 s or after.
    static func unresolved(_ error: any Error) -> String? {
        guard let failure = ((error as? PSQLError)?.underlying ?? error) as? NIOConnectionError, failure.connectionErrors.isEmpty else {
            return nil
        }
        return "the host name \(failure.host) does not resolve (check the host in ROSTER_DATABASE_URL)"
    }

    /// Connection refused, lost or closed, and the server's own "shutting down" and "can't connect now" answers.
    static func meansUnavailable(_ error: PSQLError) -> Bool {
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed: return true
        default:
            guard let state = error.serverInfo?[.sqlState] else { return false }
            return state.hasPrefix("08") || state.hasPrefix("57P")
        }
    }
}

public enum PostgresURLError: Error, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let url): "not a PostgreSQL URL (postgres://user:password@host:port/database): \(url)"
        }
    }
}

struct PostgresSQLConnection: SQLConnection {
    let connection: PostgresConnection
    let logger: Logger

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        var bindings = PostgresBindings(capacity: binds.count)
        for value in binds {
            switch value {
            case .null: bindings.appendNull()
            case .int(let i): bindings.append(i)
            case .double(let d): bindings.append(d)
            case .text(let s): bindings.append(s)
            case .bool(let b): bindings.append(b)
            case .uuid(let u): bindings.append(u)
            case .date(let d): bindings.append(Timestamp(date: d))
            case .json(let s): bindings.append(JSONBText(text: s))
            }
        }
        // A statement on a connection the server has closed may never be answered: PostgresNIO 1.33 leaves a query
        // written to a closed channel, or in flight when the server ends the session (pg_ctl stop), pending for good.
        // So a closed connection takes no statement, and a statement whose connection closes under it ends as
        // `unavailable` (the Watchdog fails it), its future left to complete or not on its own.
        guard !connection.isClosed else { throw SQLError.unavailable("the database connection was closed") }
        do {
            let statement = Watchdog.Statement(connection: connection)
            let rows: [PostgresRow]
            if let name = PreparedStatements.shared.name(sql, binds) {
                let prepared = RosterStatement(bindings: bindings)
                rows = try await withCheckedThrowingContinuation { continuation in
                    statement.wait(continuation)
                    let key = Watchdog.shared.watch(statement)
                    Task { [connection, logger] in
                        let outcome: Result<[PostgresRow], any Error>
                        do {
                            outcome = .success(try await RosterStatement.$current.withValue((name, sql)) {
                                var rows: [PostgresRow] = []
                                for try await row in try await connection.execute(prepared, logger: logger) {
                                    rows.append(row)
                                }
                                return rows
                            })
                        } catch {
                            PreparedStatements.shared.failed(name, sql, binds, error)
                            outcome = .failure(error)
                        }
                        Watchdog.shared.cancel(key)
                        statement.finish(outcome)
                    }
                }
            } else {
                let result: EventLoopFuture<PostgresQueryResult> = connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
                rows = try await withCheckedThrowingContinuation { continuation in
                    statement.wait(continuation)
                    let key = Watchdog.shared.watch(statement)
                    result.whenComplete { outcome in
                        Watchdog.shared.cancel(key)
                        statement.finish(outcome.map(\.rows))
                    }
                }
            }
            return try Self.rows(rows)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw SQLError.uniqueViolation(constraint: error.serverInfo?[.constraintName])
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23503" {
            throw SQLError.missingReference
        } catch let error as PSQLError where ["40P01", "40001"].contains(error.serverInfo?[.sqlState]) {
            throw SQLError.concurrentWrite
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "55P03" {
            // A lock not granted in time (an operator's `lock_timeout`): a 503 to try again, not a 500.
            throw SQLError.unavailable("the records are locked by another transaction; try again")
        }
    }

    /// The rows of one result, sharing its columns.
    static func rows(_ rows: [PostgresRow]) throws -> [SQLRow] {
        guard let first = rows.first else { return [] }
        let columns = SQLColumns(first.map(\.columnName))
        return try rows.map { row in SQLRow(columns: columns, cells: try row.map(value)) }
    }

    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard var bytes = cell.bytes else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .int(try cell.decode(Int64.self))
        case .float4, .float8: return .double(try cell.decode(Double.self))
        case .numeric: return .double(Double(try cell.decode(String.self)) ?? 0)
        case .bool: return .bool(try cell.decode(Bool.self))
        case .uuid: return .uuid(try cell.decode(UUID.self))
        case .timestamptz, .timestamp:
            guard cell.format == .binary, let micros = bytes.readInteger(as: Int64.self) else { return .date(try cell.decode(Date.self)) }
            return .date(Timestamp.date(microsSince2000: micros))
        case .date: return .date(try cell.decode(Date.self))
        case .jsonb:
            if cell.format == .binary { bytes.moveReaderIndex(forwardBy: 1) }
            return .json(bytes.readString(length: bytes.readableBytes) ?? "")
        case .json: return .json(bytes.readString(length: bytes.readableBytes) ?? "")
        default: return .text(try cell.decode(String.self))
        }
    }
}

/// JSON text bound as `jsonb` (binary format: a version byte, then the text).
struct JSONBText: PostgresNonThrowingEncodable {
    let text: String

    static var psqlType: PostgresDataType { .jsonb }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeInteger(UInt8(1))
        byteBuffer.writeString(text)
    }
}

/// `timestamptz` with whole microseconds rounded, not truncated, so that a value read back equals the
/// microsecond-precise `Date` written (PostgresNIO's own `Date` coding can lose one microsecond).
struct Timestamp: PostgresNonThrowingEncodable {
    static let epochOffsetMicros: Int64 = 946_684_800_000_000
    let date: Date

    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        let micros = date.microsecondsSince1970 - Self.epochOffsetMicros
        byteBuffer.writeInteger(micros)
    }

    static func date(microsSince2000 micros: Int64) -> Date {
        Date(timeIntervalSince1970: Double(micros + epochOffsetMicros) / 1_000_000)
    }
}

/// Hands a leased connection from the task that holds the lease to the caller, within a time limit.
private final class LeaseHandoff: Sendable {
    struct TimedOut: Error, Equatable {}

    private enum Phase {
        case waiting(CheckedContinuation<PostgresConnection, any Error>?)
        case delivered(PostgresConnection)
        case failed(any Error)
        case abandoned
    }

    private struct State {
        var phase = Phase.waiting(nil)
        var returned = false
        var expired = false
        var holder: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// The connection, or `TimedOut` when none came within `limit` (the caller may wait again, or `abandon`).
    func connection(within limit: Duration) async throws -> PostgresConnection {
        let timer = Watchdog.shared.after(limit) { [weak self] in self?.expire() }
        defer { Watchdog.shared.cancel(timer) }
        return try await withCheckedThrowingContinuation { continuation in
            state.withLock { state in
                switch state.phase {
                case .waiting where state.expired:
                    state.expired = false
                    continuation.resume(throwing: TimedOut())
                case .waiting: state.phase = .waiting(continuation)
                case .delivered(let connection): continuation.resume(returning: connection)
                case .failed(let error): continuation.resume(throwing: error)
                case .abandoned: continuation.resume(throwing: SQLError.unavailable("no database connection"))
                }
            }
        }
    }

    private func expire() {
        state.withLock { state in
            guard case .waiting(let waiter) = state.phase else { return }
            guard let waiter else {
                // The limit passed before the caller began to wait (a descheduled caller): its wait ends at once.
                state.expired = true
                return
            }
            state.phase = .waiting(nil)
            waiter.resume(throwing: TimedOut())
        }
    }

    /// The caller gives up: a connection that comes later, or came meanwhile, goes back to the pool.
    func abandon() {
        state.withLock { state in
            switch state.phase {
            case .waiting: state.phase = .abandoned
            case .delivered:
                state.returned = true
                state.holder?.resume()
                state.holder = nil
            case .failed, .abandoned: break
            }
        }
    }

    /// From the lease holder: false when the caller gave up (the connection goes back at once).
    func deliver(_ connection: PostgresConnection) -> Bool {
        state.withLock { state in
            guard case .waiting(let waiter) = state.phase else { return false }
            state.phase = .delivered(connection)
            waiter?.resume(returning: connection)
            return true
        }
    }

    func fail(_ error: any Error) {
        state.withLock { state in
            guard case .waiting(let waiter) = state.phase else { return }
            state.phase = .failed(error)
            waiter?.resume(throwing: error)
        }
    }

    /// The lease holder waits here until the caller is done with the connection.
    func untilReturned() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            state.withLock { state in
                if state.returned { continuation.resume() } else { state.holder = continuation }
            }
        }
    }

    func giveBack() {
        state.withLock { state in
            state.returned = true
            state.holder?.resume()
            state.holder = nil
        }
    }
}

/// What the last transactions saw: `up` (the pool gives connections), `down` (the server was unreachable: a lost
/// connection, a refused one, a wait that ran out) or `lagging` (the server answers, the pool has not caught up yet).
/// Anything but `up` makes callers wait only briefly for the pool before asking the server directly.
final class ServerHealth: Sendable {
    enum State { case up, down, lagging }
    private let current = Mutex(State.up)

    var state: State { current.withLock { $0 } }
    func markDown() { current.withLock { $0 = .down } }
    func markUp() { current.withLock { $0 = .up } }
    func markLagging() { current.withLock { $0 = .lagging } }
}

/// Connections made outside the pool at one time (a bound, so that a busy pool is not doubled by them).
final class DirectSlots: Sendable {
    private let used = Mutex(0)
    let limit: Int
    init(limit: Int) { self.limit = limit }

    func take() -> Bool {
        used.withLock { used in
            guard used < limit else { return false }
            used += 1
            return true
        }
    }

    func give() { used.withLock { $0 -= 1 } }
}

/// Runs an operation that may not honour cancellation, waiting at most `limit` for it; a result that comes later goes
/// to `late` (to close a connection nobody waits for any more).
enum Deadline {
    struct Passed: Error {}

    private final class Race<T: Sendable>: Sendable {
        private struct State {
            var waiter: CheckedContinuation<T, any Error>?
            var result: Result<T, any Error>?
        }

        private let state = Mutex(State())

        /// False when the race was already settled (the result is not taken).
        func settle(_ result: Result<T, any Error>) -> Bool {
            state.withLock { state in
                guard state.result == nil else { return false }
                state.result = result
                state.waiter?.resume(with: result)
                state.waiter = nil
                return true
            }
        }

        func wait(_ continuation: CheckedContinuation<T, any Error>) {
            state.withLock { state in
                if let result = state.result { continuation.resume(with: result) } else { state.waiter = continuation }
            }
        }
    }

    static func run<T: Sendable>(within limit: Duration, _ operation: @escaping @Sendable () async throws -> T,
                                 late: @escaping @Sendable (T) async -> Void) async throws -> T {
        let race = Race<T>()
        Task {
            do {
                let value = try await operation()
                if !race.settle(.success(value)) { await late(value) }
            } catch {
                _ = race.settle(.failure(error))
            }
        }
        let timer = Watchdog.shared.after(limit) { _ = race.settle(.failure(Passed())) }
        defer { Watchdog.shared.cancel(timer) }
        return try await withCheckedThrowingContinuation { race.wait($0) }
    }
}
