import Foundation
package import Logging
import RosterCore
package import HTTPTypes
@_spi(Generated) package import OpenAPIRuntime
package import RosterOpenAPI

/// The plainest form of the hottest request, `GET /v1/tenants/{tenant}/parties/{id}` with no query, body or `Accept`
/// beyond JSON's, answered without the generated layer: its path, query and media-type parsing, `Input` and
/// middleware chain were a fifth of such a GET's CPU above `/health/live` (`perf`, 2026-12-05; Benchmarks/results.md).
///
/// Only the routing is its own. What the request does is the generated operation's own code (`readParty`: the
/// service decides and audits), its errors are mapped by `ProblemMiddleware`'s mapping, and any other form of the
/// request (a query, an `Accept` to negotiate, an escaped or unusual path) goes to the generated layer as before.
/// `PartyReadRouteTests` holds both ways to the same answers.
package struct PartyReadRoute: Sendable {
    let handlers: RosterAPIHandlers
    let problems: ProblemMiddleware
    let converter: Converter

    /// The route template the router would have matched (for metrics).
    package static let template = "/v1/tenants/{tenant}/parties/{id}"

    package init(handlers: RosterAPIHandlers, logger: Logger, configuration: Configuration) {
        self.handlers = handlers
        problems = ProblemMiddleware(logger: logger)
        converter = Converter(configuration: configuration)
    }

    /// The tenant and party id of a request this route answers, or `nil` (the generated layer answers it).
    package static func target(of request: HTTPRequest) -> (tenant: String, id: String)? {
        guard request.method == .get, let path = request.path, request.headerFields[.accept].map(acceptsJSON) ?? true
        else { return nil }
        // Exactly `/v1/tenants/{tenant}/parties/{id}`: no query, no empty segment, no escape to decode.
        let segments = PathSegments.of(path, omittingEmpty: false, limit: 7)
        guard segments.count == 6, segments[0].isEmpty, segments[1] == "v1", segments[2] == "tenants", segments[4] == "parties",
              !path.utf8.contains(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "%") }),
              !segments[3].isEmpty, segments[5].utf8.count == 36
        else { return nil }
        return (String(segments[3]), String(segments[5]))
    }

    /// `Accept` values that allow JSON without weighing alternatives (anything else goes the generated way).
    static func acceptsJSON(_ value: String) -> Bool {
        value == "application/json" || value == "*/*" || value == "application/json, */*" || value == "application/*"
    }

    /// The answer, as the generated operation gives it: the party with its `ETag`, or a problem.
    package func answer(tenant: String, id: String, request: HTTPRequest) async -> (HTTPResponse, [UInt8]) {
        do {
            let (body, eTag) = try await handlers.readParty(tenant: tenant, id: id, expand: nil)
            var fields = HTTPFields()
            fields[.eTag] = eTag
            let bytes: [UInt8]
            if let written = ResponseJSON.encode(body) {
                bytes = written
            } else {
                // A party `ResponseJSON` does not write (a property holding an object): the generated layer's encoder.
                var encoded = HTTPFields()
                let httpBody = try converter.setResponseBodyAsJSON(body, headerFields: &encoded, contentType: "application/json; charset=utf-8")
                bytes = try await [UInt8](collecting: httpBody, upTo: .max)
            }
            fields[.contentType] = "application/json; charset=utf-8"
            fields[.contentLength] = String(bytes.count)
            return (HTTPResponse(status: .ok, headerFields: fields), bytes)
        } catch {
            let problem = problems.problem(for: error, request: request, operationID: "getParty")
            return (HTTPResponse(status: .init(code: problem.status), headerFields: problem.headerFields), [UInt8](problem.json))
        }
    }
}
