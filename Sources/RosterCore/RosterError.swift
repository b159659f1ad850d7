/// One invalid field of a request, named by its JSON path (`email`, `properties.color`).
public struct FieldError: Error, Hashable, Sendable, Codable {
    public var field: String
    public var message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }
}

/// Every failure the domain can report; the API maps each case to one HTTP status.
public enum RosterError: Error, Hashable, Sendable {
    /// 422: the request is well formed but breaks a rule; lists every invalid field.
    case validation([FieldError])
    /// 404: no such record in this tenant (also for another tenant's records).
    case notFound(String)
    /// 409: a duplicate or a state that forbids the change; `existingID` names the record in the way.
    case conflict(String, existingID: String? = nil)
    /// 412: the `If-Match` version is stale.
    case preconditionFailed(String)
    /// 400: the request can't be read at all.
    case badRequest(String)
    /// 401: no credentials or bad credentials.
    case unauthorized(String)
    /// 403: the caller is known but may not do this.
    case forbidden(String)
    /// 503: a dependency (the database) is not available.
    case unavailable(String)
    /// 413: the body is over its limit.
    case tooLarge(String)

    public static func invalid(_ field: String, _ message: String) -> RosterError {
        .validation([FieldError(field, message)])
    }

    /// The message of every case but `validation` (whose fields carry theirs): Roster's own words, naming fields and
    /// ids, never values.
    public var detail: String? {
        switch self {
        case .validation: nil
        case .notFound(let message), .conflict(let message, _), .preconditionFailed(let message), .badRequest(let message),
             .unauthorized(let message), .forbidden(let message), .unavailable(let message), .tooLarge(let message): message
        }
    }
}

/// Collects field errors so that a 422 names every invalid field, not just the first.
public struct ValidationErrors: Sendable {
    public private(set) var errors: [FieldError] = []

    public init() {}

    public mutating func add(_ field: String, _ message: String) {
        errors.append(FieldError(field, message))
    }

    /// Whether an error names `field` already.
    public func contains(_ field: String) -> Bool { errors.contains { $0.field == field } }

    /// Runs `body`, recording a thrown single-field validation error instead of propagating it.
    public mutating func check<T>(_ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch let RosterError.validation(fieldErrors) {
            errors.append(contentsOf: fieldErrors)
            return nil
        } catch {
            errors.append(FieldError("", "\(error)"))
            return nil
        }
    }

    public func throwIfAny() throws {
        if !errors.isEmpty { throw RosterError.validation(errors) }
    }
}

/// An error of a lower layer that has a meaning for clients (the store's unique violations and outages): the API maps
/// it through this, without knowing the layer.
public protocol RosterErrorConvertible: Error {
    var rosterError: RosterError { get }
}

/// An error whose words hold no stored value (only names of tables, columns and constraints), so that a log line or
/// a CLI message may show them: a 500's log line said only `SQLiteFailure` of a table missing (found by a probe).
public protocol DescribedWithoutValues: Error {
    var describedWithoutValues: String { get }
    /// The database refused a statement for a table, column or index that exists already or is missing: the schema is
    /// not what the statement expects.
    var isSchemaMismatch: Bool { get }
}

extension DescribedWithoutValues {
    public var isSchemaMismatch: Bool { false }
}

extension RosterError {
    /// Runs `body`; the fields of a validation error it throws are named as `names` says, the others as they were: as
    /// the caller's input names them (a CLI option for `settings.defaultCallingCode`, an import row's column for an
    /// edge's `childId`, its `tags[1]` for a tag's `text`).
    public static func naming<T>(_ names: [String: String], _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch RosterError.validation(let fields) {
            throw RosterError.validation(fields.map { FieldError(names[$0.field] ?? $0.field, $0.message) })
        }
    }
}
