import Foundation
import HTTPTypes
@testable import RosterAPI
import RosterCore
import Testing

/// The probes that name every field a decoder refuses: what they cost is bounded by the body's size, and what they
/// put in a body themselves is never reported as the body's.
@Suite("Problem: probing a refused body")
struct FieldProbeTests {
    struct Refused: Error {}

    /// A decoder that refuses the first member it finds (as `additionalProperties: false` does), counting its calls.
    final class Counter: @unchecked Sendable {
        var calls = 0
    }

    static func refuseFirstMember(_ counter: Counter) -> @Sendable ([UInt8]) async throws -> Void {
        { bytes in
            counter.calls += 1
            let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] ?? [:]
            guard let key = object.keys.sorted().first else { return }
            throw DecodingError.dataCorrupted(.init(codingPath: [Key(key)], debugDescription: "Additional properties are disabled."))
        }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Only the decoder's refusals are probed: a handler's answer (a `PreEncodedResponse`) or a service's error goes on
    /// without the body being parsed again.
    @Test func onlyDecodingErrorsAreProbed() {
        let decoding = DecodingError.dataCorrupted(.init(codingPath: [Key("x")], debugDescription: "Additional properties are disabled."))
        #expect(StrictBodyMiddleware.refusedByDecoder(decoding))
        #expect(StrictBodyMiddleware.refusedByDecoder(InvalidDateTime(text: "2020-13-01")))
        #expect(!StrictBodyMiddleware.refusedByDecoder(PreEncodedResponse(bytes: [], headerFields: [:])))
        #expect(!StrictBodyMiddleware.refusedByDecoder(RosterError.notFound("no such party")))
        #expect(!StrictBodyMiddleware.refusedByDecoder(Refused()))
    }

    @Test func aLargeBodyGetsFewProbes() async throws {
        // 1,000 unknown members of 1 KB: a probe a member would decode 200 MB in all.
        let members = (0..<1000).map { "\"m\(String(format: "%04d", $0))\":\"\(String(repeating: "x", count: 1000))\"" }
        let bytes = Array(("{" + members.joined(separator: ",") + "}").utf8)
        let counter = Counter()
        let first = DecodingError.dataCorrupted(.init(codingPath: [Key("m0000")], debugDescription: "Additional properties are disabled."))
        let fields = try #require(try await StrictBodyMiddleware.fieldErrors(first: first, bytes: bytes, decode: Self.refuseFirstMember(counter)))
        #expect(counter.calls <= 3, "\(counter.calls) probes of a 1 MB body")
        #expect(fields.first?.field == "m0000" && fields.count == counter.calls + 1, "\(fields.map(\.field))")

        // A small one gets a probe for each.
        let small = Array(#"{"a":1,"b":2,"c":3}"#.utf8)
        let few = Counter()
        let named = try await StrictBodyMiddleware.fieldErrors(
            first: DecodingError.dataCorrupted(.init(codingPath: [Key("a")], debugDescription: "Additional properties are disabled.")),
            bytes: small, decode: Self.refuseFirstMember(few))
        #expect(named?.map(\.field) == ["a", "b", "c"])
    }
}
