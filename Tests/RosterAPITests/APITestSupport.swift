import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Metrics
import NIOCore
import Prometheus
import RosterApp
import Testing

/// The contract as a client sees it: the tests' own types, not the server's generated ones,
/// so that a change to the API shows up as a failing test.
struct TParty: Codable, Equatable {
    var id: String
    var kind: String
    var firstName: String?
    var lastName: String?
    var name: String?
    var displayName: String
    var email: String?
    var phone: String?
    var website: String?
    var emailDomains: [String]
    var note: String?
    var customerType: String?
    var roles: [String]
    var properties: [String: JSONValue]
    var tags: [String]
    var state: String
    var createdAt: String
    var updatedAt: String
    var version: Int
}

enum JSONValue: Codable, Equatable {
    case string(String), number(Double), bool(Bool), null
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null } else if let b = try? c.decode(Bool.self) { self = .bool(b) } else if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else { self = .string(try c.decode(String.self)) }
    }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .number(let n): try c.encode(n)
        case .bool(let b): try c.encode(b)
        case .null: try c.encodeNil()
        }
    }
}

struct TList<Item: Codable>: Codable {
    var items: [Item]
    var nextCursor: String?
}

struct TTenant: Codable {
    struct Settings: Codable {
        var defaultCallingCode: String?
        var autoLinkContacts: Bool
    }
    var id: String
    var slug: String
    var name: String
    var status: String
    var settings: Settings
    var version: Int
}

struct TProblem: Codable {
    struct Field: Codable { var field: String; var message: String }
    var type: String
    var title: String
    var status: Int
    var detail: String?
    var existingId: String?
    var errors: [Field]?
}

struct THistoryEntry: Codable {
    var from: String?
    var to: String
    var actor: String
    var reason: String?
}

struct TAuditEntry: Codable {
    var seq: Int
    var tenantId: String?
    var actor: String
    var action: String
    var targetId: String?
    var requestId: String?
    var fields: [String]
}

struct TResponse {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: Data

    func decode<T: Decodable>(_ type: T.Type, sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch {
            Issue.record("could not decode \(T.self) from \(String(decoding: body, as: UTF8.self))", sourceLocation: sourceLocation)
            throw error
        }
    }

    var problem: TProblem? { try? JSONDecoder().decode(TProblem.self, from: body) }
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// Metrics may be bootstrapped once per process; all API tests share this registry.
enum TestMetrics {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}

let platformToken = "test-platform-token-0123456789abcdef"

struct APIClient {
    let client: any TestClientProtocol

    @discardableResult
    func send(_ method: HTTPRequest.Method, _ path: String, json: String? = nil, token: String? = platformToken,
              headers extra: HTTPFields = [:]) async throws -> TResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        let response = try await client.execute(uri: path, method: method, headers: headers,
                                                body: json.map { ByteBuffer(string: $0) })
        return TResponse(status: response.status, headers: response.headers, body: Data(response.body.readableBytesView))
    }

    /// Creates a tenant with a unique slug and returns the slug.
    func makeTenant(callingCode: String = "44") async throws -> String {
        let slug = "t-" + UUID().uuidString.lowercased().prefix(12)
        let response = try await send(.post, "/v1/tenants", json: #"{"slug":"\#(slug)","name":"Test","settings":{"defaultCallingCode":"\#(callingCode)"}}"#)
        #expect(response.status == .created, "\(response.text)")
        #expect(response.headers[.location] == "/v1/tenants/\(slug)", "\(response.headers)")
        return String(slug)
    }

    func createParty(_ tenant: String, _ json: String) async throws -> TParty {
        let response = try await send(.post, "/v1/tenants/\(tenant)/parties", json: json)
        #expect(response.status == .created, "\(response.text)")
        let party = try response.decode(TParty.self)
        // Where it is read (RFC 9110 §15.3.2; a probe found no Location on any 201).
        #expect(response.headers[.location] == "/v1/tenants/\(tenant)/parties/\(party.id)", "\(response.headers)")
        return party
    }

    /// A USER API key whose one role holds `policies`, on `organization`'s subtree when given, else tenant-wide.
    func scopedKey(_ tenant: String, policies: [String], organization: String? = nil) async throws -> String {
        struct ID: Codable { var id: String }
        struct Key: Codable { var key: String }
        let list = policies.map { "\"\($0)\"" }.joined(separator: ",")
        let scope = organization.map { #","organizationId":"\#($0)""# } ?? ""
        let role = try await send(.post, "/v1/tenants/\(tenant)/roles",
                                  json: #"{"name":"Role \#(UUID().uuidString.prefix(8))","policies":[\#(list)]\#(scope)}"#).decode(ID.self)
        return try await send(.post, "/v1/tenants/\(tenant)/api-keys",
                              json: #"{"name":"key","role":"USER","roleIds":["\#(role.id)"]}"#).decode(Key.self).key
    }
}

/// Builds the real application on a fresh SQLite file and runs `body` against it through the router.
func withApp(maxBodyBytes: Int = 1 << 20, configure: (inout RosterConfiguration) -> Void = { _ in },
             _ body: @escaping @Sendable (APIClient) async throws -> Void) async throws {
    try await withAppRuntime(maxBodyBytes: maxBodyBytes, configure: configure) { api, _ in try await body(api) }
}

/// `withApp`, with the runtime behind the application (its services and keyring).
func withAppRuntime(maxBodyBytes: Int = 1 << 20, configure: (inout RosterConfiguration) -> Void = { _ in },
                    _ body: @escaping @Sendable (APIClient, RosterRuntime) async throws -> Void) async throws {
    var config = RosterConfiguration()
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("roster-api-tests", isDirectory: true)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("\(UUID().uuidString).sqlite").path
    // The file, its WAL, shared memory and key file go when the test ends (the tests left gigabytes in the temporary
    // directory), unless the test named a database of its own.
    defer {
        let key = URL(fileURLWithPath: path).deletingPathExtension().appendingPathExtension("key").path
        for file in [path, path + "-wal", path + "-shm", path + "-writers", key] { try? FileManager.default.removeItem(atPath: file) }
    }
    config.databaseURL = "sqlite://" + path
    config.bootstrapToken = platformToken
    config.maxBodyBytes = maxBodyBytes
    configure(&config)
    var logger = Logger(label: "api-test")
    logger.logLevel = .error
    let (app, runtime) = try await buildApplication(configuration: config, logger: logger, metricsRegistry: TestMetrics.registry) { _ in }
    try await app.test(.router) { client in
        try await body(APIClient(client: client), runtime)
    }
}
