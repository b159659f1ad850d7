import Foundation
package import Logging
import RosterCore
package import HTTPTypes
@_spi(Generated) package import OpenAPIRuntime
package import RosterOpenAPI

/// The plainest form of the hottest request, `GET /v1/tenants/{tenant}/parties/{id}` with no query and an `Accept`
/// (if any) that allows JSON, answered without the generated layer: its path, query and media-type parsing, `Input` and
/// middleware chain were a fifth of such a GET's CPU above `/health/live` (`perf`, 2026-12-05; Benchmarks/results.md).
///
/// Only the routing is its own. What the request does is the generated operation's own code (`readParty`: the
/// service decides and audits), its errors are mapped by `ProblemMiddleware`'s mapping, and any other form of the
/// request (a query, an escaped or unusual path, an `Accept` that refuses JSON) goes to the generated layer as before.
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
    /// Read as bytes in one pass (asked twice a request, by `DirectFirstResponder` and the middleware): exactly
    /// `/v1/tenants/{tenant}/parties/{36 bytes}`, no empty segment, no query, no escape.
    package static func target(of request: HTTPRequest) -> (tenant: String, id: String)? {
        guard request.method == .get, var path = request.path, !DirectAnswer.declaresBody(request) else { return nil }
        let ranges = path.withUTF8 { bytes -> (tenant: Range<Int>, id: Range<Int>)? in
            let head = "/v1/tenants/".utf8, middle = "/parties/".utf8
            guard bytes.count > head.count + middle.count + 36, bytes.starts(with: head) else { return nil }
            func plain(_ byte: UInt8) -> Bool { byte != UInt8(ascii: "/") && byte != UInt8(ascii: "?") && byte != UInt8(ascii: "%") }
            let idStart = bytes.count - 36
            let tenantEnd = idStart - middle.count
            guard tenantEnd > head.count, bytes[tenantEnd..<idStart].elementsEqual(middle),
                  bytes[head.count..<tenantEnd].allSatisfy(plain), bytes[idStart...].allSatisfy(plain) else { return nil }
            return (head.count..<tenantEnd, idStart..<bytes.count)
        }
        guard let ranges, DirectAnswer.acceptsJSON(request) else { return nil }
        let utf8 = path.utf8
        func text(_ range: Range<Int>) -> String {
            String(decoding: utf8[utf8.index(utf8.startIndex, offsetBy: range.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: range.upperBound)],
                   as: UTF8.self)
        }
        return (text(ranges.tenant), text(ranges.id))
    }

    /// The answer, as the generated operation gives it: the party with its `ETag`, or a problem.
    package func answer(tenant: String, id: String, request: HTTPRequest) async -> (HTTPResponse, [UInt8]) {
        do {
            let (body, eTag) = try await handlers.readParty(tenant: tenant, id: id, expand: nil)
            if let written = ResponseJSON.encode(body) { return DirectAnswer.ok(written, eTag: eTag) }
            // A party `ResponseJSON` does not write (a property holding an object): the generated layer's encoder.
            var encoded = HTTPFields()
            let httpBody = try converter.setResponseBodyAsJSON(body, headerFields: &encoded, contentType: DirectAnswer.json)
            return DirectAnswer.ok(try await [UInt8](collecting: httpBody, upTo: .max), eTag: eTag)
        } catch {
            return DirectAnswer.problem(error, problems, request: request, operationID: "getParty")
        }
    }
}

/// What a direct route answers: a 200 with JSON (as `PreEncodedBodyMiddleware` sends it too), or a problem as
/// `ProblemMiddleware` maps the error.
enum DirectAnswer {
    static let json = "application/json; charset=utf-8"
    /// Whether the request's `Accept` (if any) allows JSON, by the rule every operation is held to
    /// (`StrictBodyMiddleware.accepts`: `q=0` allows nothing); a request it refuses goes to the generated layer, which
    /// answers the 406.
    static func acceptsJSON(_ request: HTTPRequest) -> Bool {
        guard request.headerFields[.accept] != nil else { return true }
        return StrictBodyMiddleware.accepts(request.headerFields[values: .accept], "application/json")
    }

    /// Whether a request says a body follows (a length above 0, or a transfer coding): a GET with one goes to the
    /// generated layer, where `StrictBodyMiddleware` refuses it.
    static func declaresBody(_ request: HTTPRequest) -> Bool {
        if request.headerFields[.transferEncoding] != nil { return true }
        guard let length = request.headerFields[.contentLength] else { return false }
        return length != "0"
    }

    /// The segments of a path as a direct route takes it: no query, no escape to decode, no empty segment (at most
    /// six); otherwise `nil`.
    static func segments(of path: String) -> [Substring]? {
        guard path.utf8.first == UInt8(ascii: "/"), !path.utf8.contains(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "%") })
        else { return nil }
        let segments = PathSegments.of(path, omittingEmpty: false, limit: 8).dropFirst()
        guard segments.count <= 6, !segments.contains(where: \.isEmpty) else { return nil }
        return Array(segments)
    }

    static func ok(_ bytes: [UInt8], eTag: String? = nil) -> (HTTPResponse, [UInt8]) {
        var fields = HTTPFields()
        if let eTag { fields[.eTag] = eTag }
        fields[.contentType] = json
        fields[.contentLength] = String(bytes.count)
        return (HTTPResponse(status: .ok, headerFields: fields), bytes)
    }

    static func problem(_ error: any Error, _ problems: ProblemMiddleware, request: HTTPRequest,
                        operationID: String) -> (HTTPResponse, [UInt8]) {
        let problem = problems.problem(for: error, request: request, operationID: operationID)
        return (HTTPResponse(status: .init(code: problem.status), headerFields: problem.headerFields), [UInt8](problem.json))
    }
}
