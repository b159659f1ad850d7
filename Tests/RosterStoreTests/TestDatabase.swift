import Foundation
import Logging
import RosterApp
import RosterCore
import RosterSQL
import RosterService

/// The stores every contract test runs against. PostgreSQL comes from `ROSTER_TEST_POSTGRES_URL`
/// (set by scripts/test); without it the PostgreSQL cases fail rather than skip.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

import Testing

struct MissingPostgres: Error, CustomStringConvertible {
    var description: String { "ROSTER_TEST_POSTGRES_URL is not set: run the tests with scripts/test" }
}

enum TestDatabase {
    static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }()

    static func url(_ kind: StoreKind) throws -> String {
        switch kind {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("roster-tests", isDirectory: true)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            return "sqlite://" + dir.appendingPathComponent("\(UUID().uuidString).sqlite").path
        case .postgres:
            guard let url = ProcessInfo.processInfo.environment["ROSTER_TEST_POSTGRES_URL"], !url.isEmpty else { throw MissingPostgres() }
            return url
        }
    }

    /// Opens a migrated database of `kind`, runs `body` with the runtime, and closes it.
    static func with<T: Sendable>(_ kind: StoreKind, _ body: @Sendable (RosterRuntime) async throws -> T) async throws -> T {
        let url = try url(kind)
        defer { removeSQLiteFiles(url) }
        let database = try await RosterDatabase.open(url: url, logger: logger)
        return try await database.withRunning { database in
            try await database.migrate(logger: logger)
            return try await body(makeRuntime(database: database, secrets: try SecretBox(base64Key: SecretBox.generateKeyBase64())))
        }
    }
}

extension TestDatabase {
    /// Two runtimes on one database, each with its own connections and access graphs, as two processes have.
    static func withTwo<T: Sendable>(_ kind: StoreKind, _ body: @Sendable (RosterRuntime, RosterRuntime) async throws -> T) async throws -> T {
        let url = try url(kind)
        defer { removeSQLiteFiles(url) }
        let secrets = try SecretBox(base64Key: SecretBox.generateKeyBase64())
        let first = try await RosterDatabase.open(url: url, logger: logger)
        return try await first.withRunning { first in
            try await first.migrate(logger: logger)
            let second = try await RosterDatabase.open(url: url, logger: logger)
            return try await second.withRunning { second in
                try await body(makeRuntime(database: first, secrets: secrets), makeRuntime(database: second, secrets: secrets))
            }
        }
    }
}

/// Removes a test's SQLite file with its WAL, shared memory and key file (the tests left gigabytes in the temporary
/// directory); a PostgreSQL URL is left alone.
func removeSQLiteFiles(_ url: String) {
    guard url.hasPrefix("sqlite://") else { return }
    let path = String(url.dropFirst("sqlite://".count))
    let key = URL(fileURLWithPath: path).deletingPathExtension().appendingPathExtension("key").path
    for file in [path, path + "-wal", path + "-shm", path + "-journal", path + "-writers", key] { try? FileManager.default.removeItem(atPath: file) }
}

extension RosterRuntime {
    /// A new tenant with a unique slug, so tests sharing one PostgreSQL database don't meet.
    func makeTenant(callingCode: String? = "44") async throws -> Tenant {
        let slug = "t-" + UUID().uuidString.lowercased().prefix(18)
        return try await services.tenants.create(slug: String(slug), name: "Test \(slug)",
                                                 settings: TenantSettings(defaultCallingCode: callingCode), context: .test)
    }
}

extension OperationContext {
    static let test = OperationContext(principal: .platform("test"), requestID: "test")
}

func expectRosterError<T>(_ body: () async throws -> T, sourceLocation: SourceLocation = #_sourceLocation,
                          _ match: (RosterError) -> Bool) async {
    do {
        _ = try await body()
        Issue.record("expected an error", sourceLocation: sourceLocation)
    } catch let error as RosterError {
        #expect(match(error), "got \(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
    }
}

extension RosterError {
    var isNotFound: Bool { if case .notFound = self { return true }; return false }
    var isConflict: Bool { if case .conflict = self { return true }; return false }
    var isPrecondition: Bool { if case .preconditionFailed = self { return true }; return false }
    var invalidFields: [String] { if case .validation(let f) = self { return f.map(\.field) }; return [] }
    var existingID: String? { if case .conflict(_, let id) = self { return id }; return nil }
}
