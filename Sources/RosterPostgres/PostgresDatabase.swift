import Foundation
public import Logging
public import PostgresNIO
public import RosterSQL
public import ServiceLifecycle
import NIOCore

/// PostgreSQL through a `PostgresClient` pool. The client must be running (a Service of the application).
public struct PostgresDatabase: SQLDatabase, Service {
    public let dialect = SQLDialect.postgres
    public let client: PostgresClient
    let logger: Logger

    public init(configuration: PostgresClient.Configuration, logger: Logger) {
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
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
        try await client.withConnection { connection in
            try await body(PostgresSQLConnection(connection: connection, logger: logger))
        }
    }

    private func transaction<T: Sendable>(begin: String, _ body: (any SQLConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            let conn = PostgresSQLConnection(connection: connection, logger: logger)
            try await conn.execute(begin)
            do {
                let result = try await body(conn)
                try await conn.execute("COMMIT")
                return result
            } catch {
                _ = try? await conn.execute("ROLLBACK")
                throw error
            }
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
