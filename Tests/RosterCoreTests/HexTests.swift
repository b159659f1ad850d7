import Crypto
import Foundation
import RosterCore
import Testing

/// The table-driven UUID text and the audit hash's byte writer give what Foundation and the earlier string code gave.
@Suite("UUID text and audit hashes")
struct HexTests {
    @Test func uuidTextMatchesFoundation() {
        for _ in 0..<2_000 {
            let uuid = UUID()
            #expect(uuid.lowercasedText == uuid.uuidString.lowercased())
            #expect(UUID(text: uuid.uuidString) == uuid && UUID(text: uuid.uuidString.lowercased()) == uuid)
        }
        let odd = ["", "x", "123e4567-e89b-12d3-a456-42661417400", "123e4567-e89b-12d3-a456-4266141740000",
                   "123e4567e89b-12d3-a456-4266141740000", "123e4567-e89b-12d3-a456-42661417400g", "{123e4567-e89b-12d3-a456-426614174000}",
                   "123e4567-e89b-12d3-a456_426614174000", "123E4567-E89B-12D3-A456-426614174000", "ÿ23e4567-e89b-12d3-a456-42661417400"]
        for text in odd {
            #expect(UUID(text: text) == UUID(uuidString: text), "\(text)")
        }
    }

    @Test func rawBytesHexMatchesFormat() {
        for length in [0, 1, 16, 32, 33] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255) }
            let expected = bytes.map { String(format: "%02x", $0) }.joined()
            #expect(bytes.withUnsafeBytes(hexString(bytes:)) == expected)
        }
    }

    /// What `AuditChain.hash` computed before it wrote bytes: stored chains must verify as they did.
    static func reference(_ parts: [String], fields: [String]) -> String {
        let canonical = (parts + [fields.joined(separator: ",")])
            .map { $0.utf8.contains(0x1F) ? String(String.UnicodeScalarView($0.unicodeScalars.filter { $0 != "\u{1F}" })) : $0 }
            .joined(separator: "\u{1F}")
        return SHA256.hash(data: Data(canonical.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    @Test func theAuditHashIsTheOneChainsWereMadeWith() {
        let tenant = Tenant.ID.make()
        let at = Date(timeIntervalSince1970: 1_780_000_000.123456)
        let cases: [(String, String?, String?, [String])] = [
            ("platform:test", "party", nil, []),
            ("user:ü\u{1F}x", nil, "req\u{1F}1", ["email", "na\u{1F}me", "ünï"]),
            ("apikey:k", "tenant", "r", ["a,b", ""]),
        ]
        for (actor, targetType, requestID, fields) in cases {
            let hash = AuditChain.hash(prev: AuditChain.genesis, tenantID: tenant, seq: 7, at: at, actor: actor, action: "party.read",
                                       targetType: targetType, targetID: "t\u{1F}", requestID: requestID, fields: fields)
            let parts = [AuditChain.genesis, tenant.description, "7", String(AuditChain.micros(at)), actor, "party.read", targetType ?? "",
                         "t\u{1F}", requestID ?? ""]
            #expect(hash == Self.reference(parts, fields: fields))
        }
    }
}
