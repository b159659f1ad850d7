import Foundation
package import Logging
import RosterCore
package import HTTPTypes
package import RosterOpenAPI

/// The plainest form of `POST /v1/tenants/{tenant}/access/check` (a JSON body of exactly `userId`, `policy` and
/// `partyId`, plain ASCII strings, no query), answered without the generated layer: its decoding of the body through
/// Foundation's `JSONDecoder`, the unknown-member check, the path and media-type parsing and the middleware chain were
/// most of what a check costs above `/health/live` (`perf`, 2026-12-04 and 2026-12-05; Benchmarks/results.md).
///
/// As for `PartyReadRoute`, only the reading of the request is its own: the decision is the generated operation's own
/// code (`decideAccess`), errors are mapped by `ProblemMiddleware`'s mapping, and any other body or form (an `at`, an
/// escape, a member more, JSON of another shape, a query, an `Accept` that refuses JSON) goes to the generated layer,
/// which names what is wrong.
/// `AccessCheckRouteTests` holds both ways to the same answers.
package struct AccessCheckRoute: Sendable {
    let handlers: RosterAPIHandlers
    let problems: ProblemMiddleware

    /// The route template the router would have matched (for metrics).
    package static let template = "/v1/tenants/{tenant}/access/check"

    package init(handlers: RosterAPIHandlers, logger: Logger) {
        self.handlers = handlers
        problems = ProblemMiddleware(logger: logger)
    }

    /// The tenant of a request this route may answer (its body still to be read by `members(of:)`), or `nil`.
    package static func tenant(of request: HTTPRequest) -> String? {
        guard request.method == .post, let path = request.path,
              let segments = DirectAnswer.segments(of: path), segments.count == 5, segments[0] == "v1", segments[1] == "tenants",
              segments[3] == "access", segments[4] == "check",
              let type = request.headerFields[.contentType], type == "application/json" || type == "application/json; charset=utf-8",
              DirectAnswer.acceptsJSON(request)
        else { return nil }
        return String(segments[2])
    }

    /// The members of a body this route answers: one JSON object of exactly `userId`, `policy` and `partyId`, each
    /// once, each a string of printable ASCII without escapes; otherwise `nil`.
    package static func members(of body: some Collection<UInt8>) -> (userId: String, policy: String, partyId: String)? {
        var reader = Reader(bytes: Array(body))
        var userId: String?, policy: String?, partyId: String?
        guard reader.take(UInt8(ascii: "{")) else { return nil }
        repeat {
            guard let name = reader.string(), reader.take(UInt8(ascii: ":")), let value = reader.string() else { return nil }
            switch name {
            case "userId" where userId == nil: userId = value
            case "policy" where policy == nil: policy = value
            case "partyId" where partyId == nil: partyId = value
            default: return nil
            }
        } while reader.take(UInt8(ascii: ","))
        guard reader.take(UInt8(ascii: "}")), reader.atEnd, let userId, let policy, let partyId else { return nil }
        return (userId, policy, partyId)
    }

    struct Reader {
        let bytes: [UInt8]
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D {
                index += 1
            }
        }

        /// Takes `byte` (after any white space).
        mutating func take(_ byte: UInt8) -> Bool {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// A string of printable ASCII without escapes (after any white space).
        mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                guard bytes[index] >= 0x20, bytes[index] < 0x7F, bytes[index] != UInt8(ascii: "\\") else { return nil }
                index += 1
            }
            guard index < bytes.count else { return nil }
            defer { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        var atEnd: Bool {
            mutating get {
                skipSpace()
                return index == bytes.count
            }
        }
    }

    /// The answer, as the generated operation gives it: the decision, or a problem.
    package func answer(tenant: String, userId: String, policy: String, partyId: String,
                        request: HTTPRequest) async -> (HTTPResponse, [UInt8]) {
        do {
            let decision = try await handlers.decideAccess(tenant: tenant, userId: userId, policy: policy, partyId: partyId)
            return DirectAnswer.ok(ResponseJSON.encode(decision))
        } catch {
            return DirectAnswer.problem(error, problems, request: request, operationID: "checkAccess")
        }
    }
}
