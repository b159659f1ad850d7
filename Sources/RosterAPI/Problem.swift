public import Foundation
public import HTTPTypes
package import OpenAPIRuntime
package import Logging
public import RosterCore
import RosterOpenAPI

/// RFC 9457 problem details, the body of every error response.
public struct Problem: Codable, Sendable, Equatable {
    public struct Field: Codable, Sendable, Equatable {
        public var field: String
        public var message: String
    }

    public var type: String
    public var title: String
    public var status: Int
    public var detail: String?
    public var instance: String?
    public var existingId: String?
    public var errors: [Field]?

    /// One title per status, whoever answers (a handler, the router, the generated layer): RFC 9457 wants a problem
    /// type's title not to change between occurrences ("Not found" and "Not Found" were both answered; a probe).
    public static func title(for status: Int) -> String {
        switch status {
        case 400: "Bad request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not found"
        case 405: "Method not allowed"
        case 406: "Not acceptable"
        case 409: "Conflict"
        case 412: "Precondition failed"
        case 413: "Content too large"
        case 415: "Unsupported media type"
        case 422: "Invalid request"
        case 428: "Precondition required"
        case 429: "Too many requests"
        case 500: "Internal server error"
        case 501: "Not implemented"
        case 503: "Service unavailable"
        default: HTTPResponse.Status(code: status).reasonPhrase
        }
    }

    public init(status: Int, title: String, detail: String? = nil, existingId: String? = nil, errors: [Field]? = nil) {
        self.type = "https://roster.dev/problems/\(title.lowercased().replacingOccurrences(of: " ", with: "-"))"
        self.title = title
        self.status = status
        self.detail = detail
        self.existingId = existingId
        self.errors = errors
        self.instance = RequestInfo.current.requestID == "none" ? nil : "urn:request:\(RequestInfo.current.requestID)"
    }

    public init(_ error: RosterError) {
        switch error {
        case .validation(let fields):
            self.init(status: 422, title: "Invalid request", detail: "\(fields.count) field(s) are invalid",
                      errors: fields.map { Field(field: $0.field, message: $0.message) })
        case .notFound(let detail): self.init(status: 404, title: "Not found", detail: detail)
        case .conflict(let detail, let existingID): self.init(status: 409, title: "Conflict", detail: detail, existingId: existingID)
        case .preconditionFailed(let detail): self.init(status: 412, title: "Precondition failed", detail: detail)
        case .badRequest(let detail): self.init(status: 400, title: "Bad request", detail: detail)
        case .unauthorized(let detail): self.init(status: 401, title: "Unauthorized", detail: detail)
        case .forbidden(let detail): self.init(status: 403, title: "Forbidden", detail: detail)
        case .unavailable(let detail): self.init(status: 503, title: "Service unavailable", detail: detail)
        case .tooLarge(let detail): self.init(status: 413, title: "Content too large", detail: detail)
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public var json: Data { (try? Self.encoder.encode(self)) ?? Data("{}".utf8) }

    public var headerFields: HTTPFields {
        var fields: HTTPFields = [.contentType: "application/problem+json"]
        if status == 401 { fields[.wwwAuthenticate] = "Bearer" }
        return fields
    }
}

/// A date-time the API could not read. The transcoder is not told which field or parameter it reads; the problem names
/// the query parameters that hold this text, or else says "date-time" (a body field).
package struct InvalidDateTime: Error {
    package let text: String

    package init(text: String) { self.text = text }

    static let rule = "must be an RFC 3339 date-time such as 2024-01-01T00:00:00Z"
}

/// Turns every error thrown below the OpenAPI layer into problem+json: the domain's `RosterError`
/// with its status, request decoding failures as 400 (malformed JSON, wrong parameter types), and
/// anything else as a logged 500 whose body reveals nothing.
package struct ProblemMiddleware: ServerMiddleware {
    let logger: Logger

    package init(logger: Logger) {
        self.logger = logger
    }

    package func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        do {
            return try await next(request, body, metadata)
        } catch {
            let problem = problem(for: error, request: request, operationID: operationID)
            return (HTTPResponse(status: .init(code: problem.status), headerFields: problem.headerFields), HTTPBody(problem.json))
        }
    }

    /// The operations whose body may come in more than one media type.
    static let mediaTypes: [String: String] = [
        "createImport": "text/csv or application/x-ndjson",
        "importDealers": "application/json or text/csv",
        "updateParty": "application/json or application/merge-patch+json",
        "updateTenant": "application/json or application/merge-patch+json",
        "updateUser": "application/json or application/merge-patch+json",
    ]

    func problem(for error: any Error, request: HTTPRequest, operationID: String) -> Problem {
        var underlying: any Error = error
        var cause: String?
        if let serverError = error as? ServerError {
            underlying = serverError.underlyingError
            cause = serverError.causeDescription
        }
        switch underlying {
        case let error as RosterError:
            return Problem(error)
        case let error as InvalidDateTime:
            let names = Self.queryNames(of: request, holding: error.text)
            guard !names.isEmpty else { return Problem(.validation([FieldError("date-time", InvalidDateTime.rule)])) }
            return Problem(status: 400, title: "Bad request",
                           detail: "the query parameter \(names.joined(separator: ", ")) \(InvalidDateTime.rule)")
        case let error as any RosterErrorConvertible:
            return Problem(error.rosterError)
        case let error as DecodingError:
            // Malformed JSON is a 400; well-formed JSON with a missing or mistyped field is a 422 naming it.
            guard let field = Self.field(of: error) else {
                // An import's body is a file, not JSON: what the runtime could not read is one of its query parameters.
                if request.method == .get || request.method == .delete || request.method == .head || operationID == "createImport" {
                    // A required parameter the query lacks: the runtime's error does not name it (a value of no name
                    // was not found), the operation's required parameters do.
                    let missing = (Self.requiredQueryParameters[operationID] ?? []).filter { !Self.queryNames(of: request).contains($0) }
                    if case .valueNotFound = error, !missing.isEmpty {
                        return Problem(status: 400, title: "Bad request",
                                       detail: "the query parameter\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", ")) "
                                               + (missing.count > 1 ? "are" : "is") + " required")
                    }
                    // A parameter whose value is none of its choices, where the operation's choices are known here.
                    for (name, choices) in Self.queryChoices[operationID] ?? [] {
                        for given in Self.queryValues(of: request, named: name) where !choices.contains(given) {
                            return Problem(status: 400, title: "Bad request",
                                           detail: "the query parameter \(name) must be \(choices.joined(separator: ", "))")
                        }
                    }
                    // Otherwise its error does not name the parameter; the names given (never their values) narrow it.
                    let names = Self.queryNames(of: request)
                    let which = names.count == 1 ? "the query parameter \(names[0]) has"
                        : "one of the query parameters \(names.joined(separator: ", ")) has"
                    return Problem(status: 400, title: "Bad request",
                                   detail: "\(names.isEmpty ? "a query parameter has" : which) an invalid value (see the allowed values in /openapi.yaml)")
                }
                return Problem(status: 400, title: "Bad request", detail: Self.describe(error))
            }
            return Problem(.validation([FieldError(field, Self.describe(error))]))
        case let error as NotAcceptable:
            return Problem(status: 406, title: Problem.title(for: 406),
                           detail: "this operation answers \(error.answers), which the Accept header does not allow")
        case is UnreadableContentType:
            return Problem(status: 415, title: Problem.title(for: 415),
                           detail: "the Content-Type is no media type; the body must be \(Self.mediaTypes[operationID] ?? "application/json")")
        case let error as any HTTPResponseConvertible where error.httpStatus.code < 500:
            // The runtime names only the first media type of an operation that takes several.
            if error.httpStatus.code == 415, let accepted = Self.mediaTypes[operationID] {
                return Problem(status: 415, title: Problem.title(for: 415), detail: "the body must be \(accepted)")
            }
            // The runtime's own words name the middleware that asked (an internal type), not the request's problem.
            if error.httpStatus.code == 406 {
                return Problem(status: 406, title: Problem.title(for: 406),
                               detail: "this operation answers application/json, which the Accept header does not allow")
            }
            return Problem(status: error.httpStatus.code, title: Problem.title(for: error.httpStatus.code),
                           detail: cause ?? "the request could not be read")
        default:
            var metadata: Logger.Metadata = [
                "operation": "\(operationID)", "error": "\(String(reflecting: type(of: underlying)))",
                "request.id": "\(RequestInfo.current.requestID)",
            ]
            // The database's words where they hold no value (a table missing), so that an operator can tell what is wrong.
            if let described = underlying as? any DescribedWithoutValues { metadata["cause"] = "\(described.describedWithoutValues)" }
            logger.error("unexpected error", metadata: metadata)
            return Problem(status: 500, title: "Internal server error", detail: "the error was logged with the request id")
        }
    }

    /// The query parameters the spec requires, by operation (a test holds this to the spec).
    package static let requiredQueryParameters: [String: [String]] = [
        "listConsentMatches": ["purpose"], "listAccessibleParties": ["userId", "policy"], "createImport": ["type"],
    ]

    /// The names of the request's query items (those whose value is `value`, when given), in order, each once.
    /// The choices of an operation's enumerated query parameters, as openapi.yaml gives them (docs/import.md promises a
    /// 400 naming the parameter; the runtime's error names none).
    static let queryChoices: [String: [(String, [String])]] = [
        "createImport": [("type", ["parties", "relationships"]), ("onDuplicate", ["skip", "update", "fail"]), ("restart", ["true", "false"])],
    ]

    /// The query's items in order, names and values percent-decoded (a `+` in a value is a space).
    static func queryItems(of request: HTTPRequest) -> [(name: String, value: String)] {
        guard let path = request.path, let mark = path.firstIndex(of: "?") else { return [] }
        return path[path.index(after: mark)...].split(separator: "&").map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let raw = String(parts[0])
            let given = parts.count > 1 ? String(parts[1]).replacingOccurrences(of: "+", with: " ") : ""
            return (raw.removingPercentEncoding ?? raw, given.removingPercentEncoding ?? given)
        }
    }

    /// The values given for the query parameter `name`.
    static func queryValues(of request: HTTPRequest, named name: String) -> [String] {
        queryItems(of: request).filter { $0.name == name }.map(\.value)
    }

    static func queryNames(of request: HTTPRequest, holding value: String? = nil) -> [String] {
        var names: [String] = []
        for item in queryItems(of: request) where value == nil || item.value == value {
            let name = item.name.prefix(64)
            // Visible ASCII only: a name is echoed into the problem.
            guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else { continue }
            if !names.contains(String(name)) { names.append(String(name)) }
        }
        return names
    }

    static func field(of error: DecodingError) -> String? {
        let context: DecodingError.Context
        var last: String?
        switch error {
        case .dataCorrupted(let c): context = c
        case .keyNotFound(let key, let c): context = c; last = key.stringValue
        case .typeMismatch(_, let c): context = c
        case .valueNotFound(_, let c): context = c
        @unknown default: return nil
        }
        var parts = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
        if let last { parts.append(last) }
        if parts.isEmpty { return nil }
        return parts.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }

    /// JSON's names for the Swift types a decoder expected.
    static func jsonName(_ type: Any.Type) -> String {
        let name = String(describing: type)
        if name.hasPrefix("Dictionary") || name.contains("ObjectContainer") || name.hasPrefix("Components.Schemas") { return "an object" }
        if name.hasPrefix("Array") { return "an array" }
        switch name {
        case "String": return "a string"
        case "Int", "Int64", "Int32": return "an integer"
        case "Double", "Float": return "a number"
        case "Bool": return "a boolean"
        default: return "a valid value"
        }
    }

    /// Names the offending JSON path without echoing the value (which may be personal data).
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
            return path.isEmpty ? "the body" : path
        }
        switch error {
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "the body is not valid JSON" : "\(path(context)) has an invalid value"
        case .keyNotFound(let key, let context):
            let prefix = context.codingPath.isEmpty ? "" : path(context) + "."
            return "\(prefix)\(key.stringValue) is required"
        case .typeMismatch(let type, let context): return "\(path(context)) must be \(jsonName(type))"
        case .valueNotFound(let type, let context): return "\(path(context)) must be \(jsonName(type)), not null"
        @unknown default: return "the body could not be read"
        }
    }
}

/// Refuses, before the generated layer parses it, a query that parser reads wrongly (see `readableQuery`); under
/// `ProblemMiddleware`, which answers what it throws.
package struct StrictQueryMiddleware: ServerMiddleware {
    package init() {}

    package func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        try await next(Self.readableQuery(request, operationID: operationID), body, metadata)
    }

    /// The request with its query as the generated layer can read it: empty components (`?&a=1`, `a=1&&b=2`), which
    /// its parser took for malformed (a 500), are dropped; a name without `=` (`?includeInactive`), a name given twice
    /// and a value that is no percent-encoding are a 400 naming the parameter.
    static func readableQuery(_ request: HTTPRequest, operationID: String? = nil) throws -> HTTPRequest {
        // The API's own operations; the health checks take no parameter and ignore what a prober adds.
        // The mark looked for by byte: a search by `Character` went through every GET's path (1% of its time in perf).
        guard let path = request.path, PathSegments.isAPI(path), let mark = path.utf8.firstIndex(of: UInt8(ascii: "?")) else { return request }
        let query = path[path.index(after: mark)...]
        let items = query.split(separator: "&", omittingEmptySubsequences: true)
        if let bare = items.first(where: { !$0.contains("=") }) {
            let name = shown(bare.removingPercentEncoding)
            throw RosterError.badRequest("the query parameter \(name) has no value: give it as \(name)=value (a flag as \(name)=true)")
        }
        let pairs = items.map { $0.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false) }
        // No parameter of the API takes several values: a second one was ignored (`?role=customer&role=Bad!` answered
        // as if the second were not there), so a repeated name is refused.
        var seen = Set<String>()
        for name in pairs.map({ $0[0].removingPercentEncoding ?? String($0[0]) }) where !seen.insert(name).inserted {
            throw RosterError.badRequest("the query parameter \(shown(name)) is given more than once; give it once")
        }
        // A parameter the operation does not take was ignored (`?bogus=1`, a misspelt filter answered unfiltered; found by a
        // probe): refused, naming what it takes.
        if let operationID, let taken = SpecQueryParameters.byOperation[operationID] {
            for name in pairs.map({ $0[0].removingPercentEncoding ?? String($0[0]) }) where !taken.contains(name) {
                guard !name.isEmpty else { throw RosterError.badRequest("a query parameter has no name (`=value`)") }
                let takes = taken.isEmpty ? "it takes none" : "it takes " + taken.sorted().joined(separator: ", ")
                throw RosterError.badRequest("the query parameter \(shown(name)) is not one this operation takes (\(takes))")
            }
        }
        // A value that is no percent-encoding (`q=%ZZ`) was read as absent: the filter was dropped, the whole tenant listed.
        for pair in pairs where pair.contains(where: { $0.contains("%") && $0.removingPercentEncoding == nil }) {
            throw RosterError.badRequest("the query parameter \(shown(pair[0].removingPercentEncoding)) is not percent-encoded correctly (a % must be followed by two hex digits)")
        }
        guard items.count != query.split(separator: "&", omittingEmptySubsequences: false).count else { return request }
        var request = request
        request.path = String(path[..<mark]) + (items.isEmpty ? "" : "?" + items.joined(separator: "&"))
        return request
    }

    /// A parameter's name as a problem may show it: printable ASCII, at most 64 characters; anything else is not echoed.
    static func shown(_ name: String?) -> String {
        guard let name, !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else { return "a query parameter" }
        return String(name.prefix(64))
    }
}

/// Treats an empty request body as no body, so that operations with an optional body (`POST .../restore`) accept a
/// bare POST instead of failing to decode "". And refuses every JSON body field the operation does not define with
/// one 422 naming each of them (the generated decoders stop at the first; see `unknownFields`).
/// A body without a `Content-Type` where the operation takes several media types: 415, naming them.
struct MissingContentType: Error, HTTPResponseConvertible {
    var httpStatus: HTTPResponse.Status { .unsupportedMediaType }
}

/// A `Content-Type` that is no media type: 415.
struct UnreadableContentType: Error, HTTPResponseConvertible {
    var httpStatus: HTTPResponse.Status { .unsupportedMediaType }
}

/// An `Accept` that allows none of what the operation answers with: 406, naming it.
struct NotAcceptable: Error, HTTPResponseConvertible {
    let answers: String
    var httpStatus: HTTPResponse.Status { .notAcceptable }
}

package struct StrictBodyMiddleware: ServerMiddleware {
    let maxBytes: Int

    package init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    package func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        // A header that holds one value, sent more than once: the runtime joins the values with ", " into one (a mask key
        // keyed an export with "abc, abc"; found by a probe).
        for name in Self.singleHeaders where request.headerFields[values: name].count > 1 {
            throw RosterError.invalid(name.rawName, "is given more than once; give it once")
        }
        // An answer the caller does not accept is refused before the operation runs: the generated layer refused it only
        // once the answer was made, after a write had been committed (a key created, its secret never shown; a PATCH
        // that a retry then found 412; found by a probe).
        if let answers = Self.answers(operationID, request), !Self.accepts(request.headerFields[values: .accept], answers) {
            throw NotAcceptable(answers: answers)
        }
        // A write of a record that has no version (no ETag) did what it was asked whatever `If-Match` said (`"999"` deleted an
        // edge; found by a probe): no tag matches a record that has none (RFC 9110 §13.1.1), unless it is `*`.
        if request.method != .get, request.method != .head, !Self.versioned.contains(operationID),
           let condition = request.headerFields[.ifMatch], condition.trimmingCharacters(in: .whitespaces) != "*" {
            throw RosterError.preconditionFailed("this operation's record has no version (no ETag), so no If-Match but * matches it; send none")
        }
        if request.method == .get || request.method == .head {
            // A body sent with a read is refused as one sent to an operation that takes none (it was ignored; found by a
            // probe): DESIGN.md §4.2 refuses every field an operation does not define.
            guard let body, DirectAnswer.declaresBody(request) else { return try await next(request, nil, metadata) }
            try Self.refuseBody(try await [UInt8](collecting: body, upTo: maxBytes))
            return try await next(request, nil, metadata)
        }
        guard let body else { return try await next(request, nil, metadata) }
        // A Content-Type that is no media type (`garbage`, empty) was read as if none were given, as JSON.
        let unreadableType = request.headerFields[.contentType].map { !Self.isMediaType($0) } ?? false
        // An import's body streams on to a file (BodyLimitMiddleware bounds it by ROSTER_MAX_IMPORT_BYTES). It must say
        // what it is: the generated layer took a body without a Content-Type for its first media type, CSV (a probe).
        if operationID == "createImport" {
            guard request.headerFields[.contentType] != nil else { throw MissingContentType() }
            guard !unreadableType else { throw UnreadableContentType() }
            return try await next(request, body, metadata)
        }
        let bytes = try await [UInt8](collecting: body, upTo: maxBytes)
        if unreadableType, !bytes.isEmpty { throw UnreadableContentType() }
        // An operation that takes no body ignored one (`DELETE .../parties/{id}` with `{"erase":true}` answered a soft
        // delete; found by a probe): refused as unknown fields are.
        if Self.bodyless.contains(operationID) {
            try Self.refuseBody(bytes)
            return try await next(request, nil, metadata)
        }
        // A member named twice in one object (the decoder kept one of the values and ignored the other), or a shape that
        // costs a decoder more than its size (nested too deep, an object too wide): refused before any decoder reads it,
        // whoever the caller (found by probes).
        // (A body without a Content-Type is read as JSON by the generated layer, so it is looked at too.)
        if request.headerFields[.contentType]?.contains("json") ?? true, let finding = JSONDuplicates.check(bytes) {
            if case .trailingComma = finding {
                throw RosterError.badRequest("the body is not valid JSON: \(finding.field) \(finding.message)")
            }
            throw RosterError.validation([FieldError(finding.field, finding.message)])
        }
        if let members = Self.nullsRefused[operationID] { try Self.refuseNulls(members, in: bytes) }
        do {
            return try await next(request, bytes.isEmpty ? nil : HTTPBody(bytes), metadata)
        } catch {
            // Only a decoder's refusal can name fields: any other error (a handler's answer thrown as a
            // `PreEncodedResponse`, a 404) goes on as it is, without parsing the body again (it cost every access check
            // a JSONSerialization parse: 6% of its time in perf, 2026-12-05).
            guard Self.refusedByDecoder(error), let fields = try await Self.fieldErrors(first: error, bytes: bytes, decode: { probe in
                _ = try await next(request, HTTPBody(probe), metadata)
            }) else { throw error }
            throw RosterError.validation(fields)
        }
    }

    /// Refuses a body (anything but white space) sent to an operation that takes none, naming its members.
    static func refuseBody(_ bytes: [UInt8]) throws {
        guard !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return }
        let members = (try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])?.keys.sorted() ?? []
        let message = "is not a field of this operation, which takes no body"
        throw RosterError.validation(members.isEmpty ? [FieldError("body", "must be empty: this operation takes no body")]
                                                     : members.map { FieldError($0, message) })
    }

    /// The operations the spec gives no request body (a test holds this to openapi.yaml).
    package static let bodyless: Set<String> = [
        "deleteParty", "deleteRelationship", "untagParty", "deletePartnerAccount", "deleteSegment", "revokeAPIKey", "deleteRole",
        "revokeRole",
    ]

    /// The operations that take `If-Match`, on records with a version (a test holds this to openapi.yaml).
    package static let versioned: Set<String> = [
        "updateTenant", "updateParty", "deleteParty", "restoreParty", "changePartyState", "tagParty", "untagPartyByReference", "untagParty",
        "updatePartnerAccount", "deletePartnerAccount", "updateUser",
    ]

    /// The operations whose answers have no body (204 only; a test holds this to openapi.yaml).
    package static let answerless: Set<String> = [
        "deleteRelationship", "untagPartyByReference", "untagParty", "deletePartnerAccount", "deleteSegment", "revokeAPIKey",
        "deleteRole", "revokeRoleByReference", "revokeRole",
    ]

    /// The media type `operationID` answers this request with, if it answers with a body: an export's is its format's.
    static func answers(_ operationID: String, _ request: HTTPRequest) -> String? {
        if answerless.contains(operationID) { return nil }
        if operationID == "exportParties" || operationID == "exportRelationships" {
            return ProblemMiddleware.queryValues(of: request, named: "format").first == "jsonl" ? "application/x-ndjson" : "text/csv"
        }
        return "application/json"
    }

    /// Whether `Accept` fields allow `type`: none (or only empty ones) allow anything; a range with `q=0` allows nothing
    /// (RFC 9110 §12.5.1); `*/*`, `type/*` and the type itself match, case-insensitively.
    package static func accepts(_ fields: [String], _ type: String) -> Bool {
        let ranges = fields.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !ranges.isEmpty else { return true }
        let type = type.lowercased()
        for range in ranges {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            let weight = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            guard weight > 0, let media = parts.first else { continue }
            if media == "*/*" || media == type || media.hasSuffix("/*") && type.hasPrefix(media.dropLast()) { return true }
        }
        return false
    }

    /// Whether a Content-Type is a media type, `type/subtype` with optional parameters (RFC 9110 §8.3).
    static func isMediaType(_ value: String) -> Bool {
        let media = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0].trimmingCharacters(in: .whitespaces)
        let halves = media.split(separator: "/", omittingEmptySubsequences: false)
        let token = CharacterSet(charactersIn: "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        return halves.count == 2 && halves.allSatisfy { !$0.isEmpty && $0.unicodeScalars.allSatisfy(token.contains) }
    }

    /// The headers of Roster's operations that hold a single value.
    static let singleHeaders = [HTTPField.Name("Roster-Mask-Key")!, HTTPField.Name("Idempotency-Key")!]

    /// Members the generated decoders read as absent when they are `null`, where absent means something the client may not
    /// have meant: a merge's `dryRun` (not nullable in the spec) given as `null` ran the real merge (found by a probe).
    /// Likewise a key's name, role and roles, and a user's role, which the spec does not let be null (a key was made
    /// with `"role": null`; found by a probe).
    static let nullsRefused: [String: [String]] = ["mergeParties": ["dryRun"], "createAPIKey": ["name", "role", "roleIds"],
                                                   "createUser": ["role"]]

    /// A 422 naming each of `members` that the body's top-level object holds as `null`.
    static func refuseNulls(_ members: [String], in bytes: [UInt8]) throws {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return }
        let nulls = members.filter { object[$0] is NSNull }
        guard nulls.isEmpty else {
            throw RosterError.validation(nulls.map { FieldError($0, "must not be null (leave it out for its default)") })
        }
    }

    /// Whether `error` is the generated decoder's (or the date transcoder's) refusal of the body.
    static func refusedByDecoder(_ error: any Error) -> Bool {
        let error = underlying(error)
        return error is DecodingError || error is InvalidDateTime
    }

    /// Every field of the body the generated decoder refuses, when it refused one: the decoder stops at the first, so
    /// each one found is named, mended (an unreadable date-time replaced by a readable one, an unknown or invalid
    /// member removed, a missing one filled with some JSON value, a number out of range replaced by 0) and the body
    /// decoded again as a probe (`RequestInfo.probing`: it ends before the operation does anything), until it decodes
    /// or nothing more can be mended. `nil` when the first error names no field of the body (malformed JSON, a query
    /// parameter) or is the only one (the generated layer's own problem names it).
    static func fieldErrors(first: any Error, bytes: [UInt8],
                            decode: @Sendable ([UInt8]) async throws -> Void) async throws -> [FieldError]? {
        guard var json = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else { return nil }
        let fillings: [Any] = ["", 0, true, [String: Any](), [Any]()] + enumValues
        var found: [FieldError] = []
        var named: Set<[CodingKeyPath]> = []
        var filled: [[CodingKeyPath]: Int] = [:]
        var error = first
        var alone = false
        // The probes' cost is bounded: at most 200, and 2 MiB of JSON decoded in all (a 300 KB body of bad rows
        // gets a few probes and names what they found; it took seconds of CPU).
        var budget = 2 << 20
        for _ in 0..<200 {
            // What the decoder refused, by path: the message to give and the value to mend it with (nil: remove).
            // `namedWell`: the generated layer's own problem names it well, were it the only one (an invalid or missing member).
            var refused: [(path: [CodingKeyPath], message: String, mend: Any?)] = []
            var namedWell = false
            // The body decoded, and the operation's rules refused fields of it (`checkRulesWhenProbing`): named too,
            // each once.
            if case .validation(let fields)? = underlying(error) as? RosterError {
                let given = Set(found.map(\.field))
                found += fields.filter { !given.contains($0.field) }
                break
            }
            switch underlying(error) {
            case let date as InvalidDateTime:
                refused = paths(in: json, holding: date.text).map { ($0, InvalidDateTime.rule, "2000-01-01T00:00:00Z") }
            case let decoding as DecodingError:
                if let unknown = unknownField(decoding) {
                    refused = [(unknown, "is not a field of this operation", nil)]
                } else if let missing = missingField(decoding) {
                    refused = [(missing, "is required", fillings[0])]
                    namedWell = true
                } else if case .dataCorrupted(let context) = decoding, context.codingPath.isEmpty {
                    refused = outOfRange(in: json).map { ($0, "is a number out of range", 0) }
                    // A number with a fraction where the schema takes an integer: the decoder names no path for it either
                    // (a tenant's `retentionDays: 1.5` was a 400 "not valid JSON"; found by a probe). Each such number is
                    // tried whole: the first that gets a probe past this error is the one.
                    if refused.isEmpty {
                        for (at, value) in fractional(in: json) {
                            let whole = Int(value.rounded(.towardZero))
                            guard let data = try? JSONSerialization.data(withJSONObject: CodingKeyPath.setting(at, to: whole, in: json),
                                                                         options: [.fragmentsAllowed]) else { continue }
                            budget -= data.count
                            guard budget >= 0 else { break }
                            do {
                                try await RequestInfo.$probing.withValue(true) { try await decode([UInt8](data)) }
                            } catch let probe {
                                if case .dataCorrupted(let again) = underlying(probe) as? DecodingError, again.codingPath.isEmpty { continue }
                            }
                            refused = [(at, "must be a whole number", whole)]
                            break
                        }
                    }
                } else if let context = context(of: decoding), !context.codingPath.isEmpty {
                    refused = [(path(context), ProblemMiddleware.describe(decoding), nil)]
                    namedWell = true
                }
            default:
                break
            }
            guard !refused.isEmpty else { break }
            for (at, message, mend) in refused {
                // Inside a value a probe put in (a `{}` for a member that was no object): the probe's doing, not the
                // body's; mended without a name.
                let artifact = filled.keys.contains { at.count > $0.count && at.starts(with: $0) }
                if !artifact, named.insert(at).inserted {
                    found.append(FieldError(at.joined, message))
                    if let mend { json = CodingKeyPath.setting(at, to: mend, in: json) } else { json = CodingKeyPath.removing(at, from: json) }
                    if found.count == 1 { alone = namedWell }
                    if message == "is required" { filled[at] = 0 }
                    continue
                }
                // Refused again (a required member removed, or mended with a value of the wrong type): try the next
                // JSON type in its place, until one decodes or none does.
                let next = filled[at].map { $0 + 1 } ?? 0
                guard next < fillings.count else { return found.count == 1 && alone ? nil : found }
                filled[at] = next
                json = CodingKeyPath.setting(at, to: fillings[next], in: json)
            }
            guard let data = try? JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed]) else { break }
            budget -= data.count
            guard budget >= 0 else { break }
            do {
                try await RequestInfo.$probing.withValue(true) { try await decode([UInt8](data)) }
                break
            } catch let next {
                error = next
            }
        }
        return found.isEmpty || found.count == 1 && alone ? nil : found
    }

    /// Every value of every string enum of the spec (`enum: [a, b]`, the only style it uses): fillings that get a
    /// probe past a required enum member whose value was refused.
    static let enumValues: [String] = {
        guard let yaml = try? OpenAPISpec.yaml(), let text = String(data: yaml, encoding: .utf8) else { return [] }
        var values: [String] = []
        for line in text.split(separator: "\n") {
            guard let start = line.range(of: "enum: [") else { continue }
            let rest = line[start.upperBound...]
            guard let end = rest.firstIndex(of: "]") else { continue }
            for item in rest[..<end].split(separator: ",") {
                let value = item.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
                if !value.isEmpty, !values.contains(value) { values.append(value) }
            }
        }
        return values
    }()

    static func context(of error: DecodingError) -> DecodingError.Context? {
        switch error {
        case .dataCorrupted(let context), .keyNotFound(_, let context), .typeMismatch(_, let context), .valueNotFound(_, let context):
            context
        @unknown default:
            nil
        }
    }

    /// The paths (at most 20) of a parsed JSON body's numbers with a fraction, and the numbers.
    static func fractional(in json: Any) -> [([CodingKeyPath], Double)] {
        var found: [([CodingKeyPath], Double)] = []
        func walk(_ value: Any, _ path: [CodingKeyPath]) {
            if let object = value as? [String: Any] {
                for key in object.keys.sorted() { walk(object[key]!, path + [.key(key)]) }
            } else if let array = value as? [Any] {
                for (index, item) in array.enumerated() { walk(item, path + [.index(index)]) }
            } else if !path.isEmpty, found.count < 20, let number = value as? NSNumber, !(value is Bool) {
                let double = number.doubleValue
                if double.isFinite, abs(double) < 9.2e18, double != double.rounded(.towardZero) { found.append((path, double)) }
            }
        }
        walk(json, [])
        return found
    }

    /// The paths of a parsed JSON body holding a number no 64-bit integer holds: the decoder reports one without its
    /// path, as if the JSON were malformed.
    static func outOfRange(in json: Any) -> [[CodingKeyPath]] {
        paths(in: json) { value in
            guard let number = value as? NSNumber, !(value is Bool) else { return false }
            return abs(number.doubleValue) >= 9.2e18 || !number.doubleValue.isFinite
        }
    }

    /// The paths of a parsed JSON body whose value is the string `text` (`a.b`, `items[2].at`): the transcoder that
    /// refused a date-time is not told whose it was.
    static func paths(in json: Any, holding text: String) -> [[CodingKeyPath]] {
        paths(in: json) { ($0 as? String) == text }
    }

    /// The paths (at most 20) of a parsed JSON body's scalar values that `matches` picks.
    static func paths(in json: Any, where matches: (Any) -> Bool) -> [[CodingKeyPath]] {
        var found: [[CodingKeyPath]] = []
        func walk(_ value: Any, _ path: [CodingKeyPath]) {
            if let object = value as? [String: Any] {
                for key in object.keys.sorted() { walk(object[key]!, path + [.key(key)]) }
            } else if let array = value as? [Any] {
                for (index, item) in array.enumerated() { walk(item, path + [.index(index)]) }
            } else if !path.isEmpty, found.count < 20, matches(value) {
                found.append(path)
            }
        }
        walk(json, [])
        return found
    }

    /// The path of the first unknown field a generated decoder refused (its spec says `additionalProperties: false`).
    static func unknownField(_ error: any Error) -> [CodingKeyPath]? {
        guard case DecodingError.dataCorrupted(let context) = underlying(error),
              context.debugDescription.hasPrefix("Additional properties are disabled"), !context.codingPath.isEmpty else { return nil }
        return path(context)
    }

    /// The path of a required field the body lacks.
    static func missingField(_ error: any Error) -> [CodingKeyPath]? {
        guard case DecodingError.keyNotFound(let key, let context) = underlying(error) else { return nil }
        return path(context) + [.key(key.stringValue)]
    }

    /// What the generated layer wrapped in its `ServerError`.
    static func underlying(_ error: any Error) -> any Error { (error as? ServerError)?.underlyingError ?? error }

    static func path(_ context: DecodingError.Context) -> [CodingKeyPath] {
        context.codingPath.map { key in key.intValue.map(CodingKeyPath.index) ?? .key(key.stringValue) }
    }
}

/// One step of a path into a JSON body.
enum CodingKeyPath: Hashable, Sendable {
    case key(String)
    case index(Int)

    /// Rebuilds `json` with `value` at `path` (an object's member; an array's element that exists).
    static func setting(_ path: [CodingKeyPath], to value: Any, in json: Any) -> Any {
        guard let step = path.first else { return value }
        switch step {
        case .key(let key):
            guard var object = json as? [String: Any] else { return json }
            object[key] = path.count == 1 ? value : setting(Array(path.dropFirst()), to: value, in: object[key] ?? [String: Any]())
            return object
        case .index(let index):
            guard var array = json as? [Any], array.indices.contains(index) else { return json }
            array[index] = setting(Array(path.dropFirst()), to: value, in: array[index])
            return array
        }
    }

    /// `JSONSerialization` values are immutable trees: rebuilds the one without the member at `path`.
    static func removing(_ path: [CodingKeyPath], from json: Any) -> Any {
        guard let step = path.first else { return json }
        switch step {
        case .key(let key):
            guard var object = json as? [String: Any] else { return json }
            if path.count == 1 { object[key] = nil } else if let child = object[key] { object[key] = removing(Array(path.dropFirst()), from: child) }
            return object
        case .index(let index):
            guard var array = json as? [Any], array.indices.contains(index) else { return json }
            if path.count > 1 { array[index] = removing(Array(path.dropFirst()), from: array[index]) }
            return array
        }
    }
}

extension [CodingKeyPath] {
    /// `settings.sso.extra`, `rows[2].extra`.
    var joined: String {
        map { step in
            switch step {
            case .key(let key): "." + key
            case .index(let index): "[\(index)]"
            }
        }.joined().trimmingPrefix(".").description
    }
}
