import Foundation
import RosterCore
package import HTTPTypes
@_spi(Generated) package import OpenAPIRuntime
package import RosterOpenAPI

/// JSON for the hottest read responses (a party, a page of parties), written straight into bytes: the same bytes the
/// generated layer's `JSONEncoder` writes (keys sorted, slashes unescaped, RFC 3339 dates with milliseconds), held to
/// them by `ResponseJSONTests` over random parties and through HTTP.
///
/// Why: Foundation's `JSONEncoder`, reached through the generated code, was 31% of the server's time for a search page
/// of 50 parties and 9% for one party (`perf`, 2026-12-03; `Benchmarks/results.md`). The generated layer offers no
/// hook for its encoder, so a handler hands the bytes over out of band (`PreEncodedBody`).
///
/// A value it does not write the encoder's way (a property holding an array or object, a number that is not finite)
/// makes it give up (`nil`): the response then goes through the encoder as before.
package enum ResponseJSON {
    package static func encode(_ party: Components.Schemas.Party) -> [UInt8]? {
        var writer = Writer()
        guard writer.party(party) else { return nil }
        return writer.bytes
    }

    package static func encode(_ list: Components.Schemas.PartyList) -> [UInt8]? {
        var writer = Writer()
        writer.bytes.reserveCapacity(list.items.count * 640 + 32)
        writer.raw("{\"items\":[")
        for (index, party) in list.items.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            guard writer.party(party) else { return nil }
        }
        writer.byte(UInt8(ascii: "]"))
        if let cursor = list.nextCursor {
            writer.raw(",\"nextCursor\":")
            writer.string(cursor)
        }
        writer.byte(UInt8(ascii: "}"))
        return writer.bytes
    }

    /// An access decision (`access/check`, whose answer is as hot as a GET's: its encoder was 5-6% of a check's CPU).
    package static func encode(_ decision: Components.Schemas.AccessDecision) -> [UInt8] {
        var writer = Writer()
        writer.decision(decision)
        return writer.bytes
    }

    struct Writer {
        var bytes: [UInt8] = []

        mutating func decision(_ d: Components.Schemas.AccessDecision) {
            var first = true
            member("allowed", first: &first); raw(d.allowed ? "true" : "false")
            if let value = d.at { member("at", first: &first); date(value) }
            if let value = d.partyId { member("partyId", first: &first); string(value) }
            if let path = d.path { member("path", first: &first); strings(path) }
            member("reason", first: &first); string(d.reason)
            if let value = d.roleId { member("roleId", first: &first); string(value) }
            byte(UInt8(ascii: "}"))
        }

        mutating func byte(_ byte: UInt8) { bytes.append(byte) }
        mutating func raw(_ text: StaticString) {
            text.withUTF8Buffer { bytes.append(contentsOf: $0) }
        }

        /// An object's members in the order given, which must be the keys' sorted order; `nil` values are left out.
        mutating func member(_ key: StaticString, first: inout Bool) {
            byte(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            first = false
            byte(UInt8(ascii: "\""))
            raw(key)
            raw("\":")
        }

        mutating func party(_ p: Components.Schemas.Party) -> Bool {
            var first = true
            if let link = p.autoLink {
                member("autoLink", first: &first)
                autoLink(link)
            }
            member("createdAt", first: &first); date(p.createdAt)
            if let value = p.customerType { member("customerType", first: &first); string(value.rawValue) }
            member("displayName", first: &first); string(p.displayName)
            if let value = p.email { member("email", first: &first); string(value) }
            member("emailDomains", first: &first); strings(p.emailDomains)
            if let value = p.firstName { member("firstName", first: &first); string(value) }
            member("id", first: &first); string(p.id)
            member("kind", first: &first); string(p.kind.rawValue)
            if let value = p.lastName { member("lastName", first: &first); string(value) }
            if let value = p.mergedInto { member("mergedInto", first: &first); string(value) }
            if let value = p.name { member("name", first: &first); string(value) }
            if let value = p.note { member("note", first: &first); string(value) }
            if let partners = p.partners {
                member("partners", first: &first)
                byte(UInt8(ascii: "["))
                for (index, partner) in partners.enumerated() {
                    if index > 0 { byte(UInt8(ascii: ",")) }
                    guard party(partner) else { return false }
                }
                byte(UInt8(ascii: "]"))
            }
            if let value = p.phone { member("phone", first: &first); string(value) }
            member("properties", first: &first)
            guard object(p.properties.additionalProperties.value) else { return false }
            member("roles", first: &first); strings(p.roles)
            member("state", first: &first); string(p.state.rawValue)
            if let details = p.tagDetails {
                member("tagDetails", first: &first)
                byte(UInt8(ascii: "["))
                for (index, tag) in details.enumerated() {
                    if index > 0 { byte(UInt8(ascii: ",")) }
                    self.tag(tag)
                }
                byte(UInt8(ascii: "]"))
            }
            member("tags", first: &first); strings(p.tags)
            member("updatedAt", first: &first); date(p.updatedAt)
            member("version", first: &first); integer(p.version)
            if let value = p.website { member("website", first: &first); string(value) }
            byte(UInt8(ascii: "}"))
            return true
        }

        mutating func autoLink(_ link: Components.Schemas.AutoLink) {
            var first = true
            if let candidates = link.candidates { member("candidates", first: &first); strings(candidates) }
            if let value = link.organizationId { member("organizationId", first: &first); string(value) }
            if let value = link.relationshipId { member("relationshipId", first: &first); string(value) }
            member("status", first: &first); string(link.status.rawValue)
            byte(UInt8(ascii: "}"))
        }

        mutating func tag(_ tag: Components.Schemas.Tag) {
            var first = true
            member("color", first: &first); string(tag.color)
            if let value = tag.createdAt { member("createdAt", first: &first); date(value) }
            member("id", first: &first); string(tag.id)
            member("text", first: &first); string(tag.text)
            if let value = tag.usage { member("usage", first: &first); integer(value) }
            byte(UInt8(ascii: "}"))
        }

        /// A free-form object of scalars, as `OpenAPIObjectContainer` encodes it: keys in the order of their UTF-8
        /// bytes (the encoder's; `String`'s own order compares them normalized).
        mutating func object(_ values: [String: (any Sendable)?]) -> Bool {
            byte(UInt8(ascii: "{"))
            for (index, key) in values.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if index > 0 { byte(UInt8(ascii: ",")) }
                string(key)
                byte(UInt8(ascii: ":"))
                switch values[key]! {
                case nil: raw("null")
                case let value as Bool: value ? raw("true") : raw("false")
                case let value as Int: integer(value)
                case let value as Double:
                    guard value.isFinite else { return false }
                    var text = value.description
                    if text.hasSuffix(".0") { text.removeLast(2) }
                    bytes.append(contentsOf: text.utf8)
                case let value as String: string(value)
                default: return false
                }
            }
            byte(UInt8(ascii: "}"))
            return true
        }

        mutating func strings(_ values: [String]) {
            byte(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { byte(UInt8(ascii: ",")) }
                string(value)
            }
            byte(UInt8(ascii: "]"))
        }

        mutating func integer(_ value: Int) {
            bytes.append(contentsOf: String(value).utf8)
        }

        /// Quotes and backslashes escaped, control characters as `\b \t \n \f \r` or `\u00xx`; everything else as is.
        mutating func string(_ value: String) {
            byte(UInt8(ascii: "\""))
            // Runs with nothing to escape (most text: a name, an id, an email) are appended whole, not a byte at a time.
            var value = value
            value.withUTF8 { utf8 in
                var start = 0
                for (index, unit) in utf8.enumerated() where unit < 0x20 || unit == UInt8(ascii: "\"") || unit == UInt8(ascii: "\\") {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                    escape(unit)
                    start = index + 1
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
            }
            byte(UInt8(ascii: "\""))
        }

        private mutating func escape(_ unit: UInt8) {
            switch unit {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x08: raw("\\b")
            case 0x09: raw("\\t")
            case 0x0A: raw("\\n")
            case 0x0C: raw("\\f")
            case 0x0D: raw("\\r")
            case 0x00..<0x20:
                raw("\\u00")
                byte(Self.hex[Int(unit >> 4)])
                byte(Self.hex[Int(unit & 0x0F)])
            default: byte(unit)
            }
        }

        static let hex: [UInt8] = Array("0123456789abcdef".utf8)

        /// `"yyyy-MM-ddTHH:mm:ss.SSSZ"` in UTC (`RFC3339.string`, which the transcoder writes too).
        mutating func date(_ date: Date) {
            guard let utc = RFC3339.UTCFields(date) else {
                string(RFC3339.string(date))
                return
            }
            byte(UInt8(ascii: "\""))
            utc.write(into: &bytes)
            byte(UInt8(ascii: "\""))
        }
    }
}

/// A response body a handler wrote itself (`ResponseJSON`), handed past the generated layer, which would otherwise
/// run Foundation's encoder over a value (even a placeholder's encoding was 8% of a GET's CPU in `perf`, 2026-12-03):
/// for the operations `PreEncodedBodyMiddleware` opens it for, the handler throws its answer as a
/// `PreEncodedResponse` and the middleware sends it as a 200 with these bytes. Without the middleware (a handler called
/// directly), handlers return the whole value as before.
package enum PreEncodedBody {
    @TaskLocal package static var enabled = false

    /// The answer to throw, when the middleware is there to send it and the bytes were written.
    static func response(_ bytes: @autoclosure () -> [UInt8]?, eTag: String? = nil) -> PreEncodedResponse? {
        guard enabled, let bytes = bytes() else { return nil }
        var fields = HTTPFields()
        if let eTag { fields[.eTag] = eTag }
        return PreEncodedResponse(bytes: bytes, headerFields: fields)
    }
}

/// A 200 whose JSON body a handler wrote itself (`PreEncodedBody`); thrown, so that the generated layer does not encode.
package struct PreEncodedResponse: Error {
    package var bytes: [UInt8]
    /// Besides the content type and length (an `ETag`).
    package var headerFields: HTTPFields

    package init(bytes: [UInt8], headerFields: HTTPFields) {
        self.bytes = bytes
        self.headerFields = headerFields
    }
}

/// Sends the `PreEncodedResponse` a handler of these operations throws as its 200, after the `Accept` check the
/// generated layer makes of a JSON answer (a failed check goes on as that layer's error does). Sits inside
/// `ProblemMiddleware`, which maps every other error.
package struct PreEncodedBodyMiddleware: ServerMiddleware {
    package static let operations: Set<String> = ["getParty", "searchParties", "checkAccess"]
    let converter: Converter

    package init(configuration: Configuration) {
        converter = Converter(configuration: configuration)
    }

    package func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard Self.operations.contains(operationID) else { return try await next(request, body, metadata) }
        do {
            return try await PreEncodedBody.$enabled.withValue(true) { try await next(request, body, metadata) }
        } catch {
            guard let answer = ((error as? ServerError)?.underlyingError ?? error) as? PreEncodedResponse else { throw error }
            try converter.validateAcceptIfPresent("application/json", in: request.headerFields)
            let (head, bytes) = DirectAnswer.ok(answer.bytes, eTag: answer.headerFields[.eTag])
            return (head, HTTPBody(bytes))
        }
    }
}
