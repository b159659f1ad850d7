import Foundation
public import Logging
import Synchronization
public import PostgresNIO
public import RosterSQL
public import ServiceLifecycle
import NIOCore
import NIOPosix

/// PostgreSQL through a `PostgresClient` pool. The client must be running (a Service of the application).
public struct PostgresDatabase: SQLDatabase, Service {
    public let dialect = SQLDialect.postgres
    public let client: PostgresClient
    let logger: Logger
    /// How long a transaction waits for a connection before it answers `unavailable`: `acquireTimeout` while the server
    /// is known to be unreachable (the pool itself would queue it for 15 s), `busyTimeout` otherwise (a busy pool).
    let acquireTimeout: Duration
    let busyTimeout: Duration
    let health = ServerHealth()
    /// Where the server listens, for the reachability probe.
    let address: (host: String, port: Int)?

    public init(configuration: PostgresClient.Configuration, logger: Logger, acquireTimeout: Duration = .milliseconds(1500),
                busyTimeout: Duration = .seconds(15)) {
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.address = configuration.host.map { ($0, configuration.port ?? 5432) }
        self.logger = logger
        self.acquireTimeout = acquireTimeout
        self.busyTimeout = busyTimeout
    }

    /// Parses `postgres://user:password@host:port/database?sslmode=disable|prefer|require`.
    public static func configuration(url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), let scheme = components.scheme,
              scheme == "postgres" || scheme == "postgresql", let host = components.host, !host.isEmpty
        else { throw PostgresURLError.invalid(url.replacingOccurrences(of: "://[^@]*@", with: "://***@", options: .regularExpression)) }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let sslmode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "disable"
        let tls: PostgresClient.Configuration.TLS
        switch sslmode {
        case "require", "verify-full", "verify-ca": tls = .require(.makeClientConfiguration())
        case "prefer": tls = .prefer(.makeClientConfiguration())
        default: tls = .disable
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: components.user?.removingPercentEncoding ?? "postgres",
            password: components.password?.removingPercentEncoding, database: database.isEmpty ? nil : database, tls: tls)
        configuration.options.maximumConnections = 20
        configuration.options.connectTimeout = .seconds(2)
        return configuration
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

    public func withReadTransaction<T: Sendable>(_ body: (any SQLConnection) async throws -> T) async throws -> T {
        try await transaction(begin: "BEGIN READ ONLY", body)
    }

    public func withConnection<T: Sendable>(_ body: (any SQLConnection) async throws -> T) async throws -> T {
        try await leased(body)
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

    /// Runs `body` on a pooled connection, waiting at most `acquireTimeout` for one: past it the caller gets
    /// `unavailable` at once. The lease is held by a task of its own that hands the connection over, so that a lease
    /// request the pool never answers (it queues them while the server is down) can't hold the caller, and a late
    /// connection goes straight back to the pool. Driver errors that mean the server is gone become `unavailable` too.
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
            let connection: PostgresConnection
            do {
                connection = try await handoff.connection(within: acquireTimeout)
            } catch is LeaseHandoff.TimedOut where !health.isDown {
                // No connection yet: a busy pool waits longer, a server that does not answer at all is unavailable now.
                guard await reachable() else {
                    handoff.abandon()
                    throw SQLError.unavailable("the database server does not answer")
                }
                do {
                    connection = try await handoff.connection(within: busyTimeout)
                } catch is LeaseHandoff.TimedOut {
                    handoff.abandon()
                    throw SQLError.unavailable("no database connection within \(busyTimeout)")
                }
            } catch is LeaseHandoff.TimedOut {
                handoff.abandon()
                throw SQLError.unavailable("no database connection within \(acquireTimeout)")
            }
            health.markUp()
            defer { handoff.giveBack() }
            return try await body(PostgresSQLConnection(connection: connection, logger: logger))
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

    /// Whether the server accepts a TCP connection within a second.
    private func reachable() async -> Bool {
        guard let address else { return true }
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(1))
                .connect(host: address.host, port: address.port).get()
            try? await channel.close()
            return true
        } catch {
            return false
        }
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
        do {
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger).collect()
            return try rows.map(Self.row)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw SQLError.uniqueViolation(constraint: error.serverInfo?[.constraintName])
        }
    }

    static func row(_ row: PostgresRow) throws -> SQLRow {
        var values: [String: SQLValue] = [:]
        for cell in row {
            values[cell.columnName] = try value(cell)
        }
        return SQLRow(values: values)
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
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) - Self.epochOffsetMicros
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
        var holder: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// The connection, or `TimedOut` when none came within `limit` (the caller may wait again, or `abandon`).
    func connection(within limit: Duration) async throws -> PostgresConnection {
        let timer = Task { [weak self] in
            try await Task.sleep(for: limit)
            self?.expire()
        }
        defer { timer.cancel() }
        return try await withCheckedThrowingContinuation { continuation in
            state.withLock { state in
                switch state.phase {
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
            guard case .waiting(let waiter?) = state.phase else { return }
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

/// Whether the server was seen unreachable (a lost connection, a refused one, a wait that ran out) and has not given a
/// connection since: then callers wait only briefly for one.
final class ServerHealth: Sendable {
    private let down = Mutex(false)

    var isDown: Bool { down.withLock { $0 } }
    func markDown() { down.withLock { $0 = true } }
    func markUp() { down.withLock { $0 = false } }
}
