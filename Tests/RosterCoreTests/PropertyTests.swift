import Foundation
import Testing
@testable import RosterCore

/// Generated inputs: a seeded generator so a failure can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Normalization properties")
struct PropertyTests {
    /// Writes `digits` the way people do: grouped with spaces, dots, dashes or slashes, with + or 00.
    static func format(_ digits: String, using rng: inout SeededGenerator) -> String {
        let separators = [" ", "-", ".", "/", ""]
        var out = Bool.random(using: &rng) ? "+" : "00"
        var index = digits.startIndex
        while index < digits.endIndex {
            let size = Int.random(in: 1...4, using: &rng)
            let end = digits.index(index, offsetBy: size, limitedBy: digits.endIndex) ?? digits.endIndex
            out += digits[index..<end]
            if end < digits.endIndex { out += separators.randomElement(using: &rng)! }
            index = end
        }
        return out
    }

    /// Search keys of ASCII text, made byte by byte, are the keys Unicode's classes make (for every printable ASCII
    /// character and space, in random strings).
    @Test func asciiSearchKeysAreTheUnicodeOnes() {
        var rng = SeededGenerator(state: 99)
        let alphabet = Array((0x20...0x7E).map { Character(Unicode.Scalar($0)!) }) + ["\t", "\n"]
        for length in 0..<400 {
            let text = String((0..<(length % 24)).map { _ in alphabet.randomElement(using: &rng)! })
            #expect(Text.asciiSearchKey(text) == Text.unicodeSearchKey(text), "\(Array(text.utf8))")
        }
        for text in ["O'Brien-Smith", "Acme  Ltd.", " x ", "a$b", "^^", "A`B", "--", ""] {
            #expect(Text.asciiSearchKey(text) == Text.unicodeSearchKey(text), "\(text)")
        }
    }

    @Test func phoneNormalizationIsIdempotentAndRevalidates() throws {
        var rng = SeededGenerator(state: 2026)
        for _ in 0..<2000 {
            let count = Int.random(in: 7...15, using: &rng)
            let digits = String(Int.random(in: 1...9, using: &rng)) + String((1..<count).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) })
            let written = Self.format(digits, using: &rng)
            let parsed = try PhoneNumber(written)
            // As written, but for a trunk 0 after a code that dials one at home (`+44 020 ...`), which is left out.
            #expect(parsed.digits == PhoneNumber.droppingTrunkZero(digits), "\(written)")
            // The stored form, given back with a +, parses to itself.
            #expect(try PhoneNumber("+" + parsed.digits).digits == parsed.digits)
            // And with any default calling code: an international number ignores it.
            #expect(try PhoneNumber(written, defaultCallingCode: "44").digits == parsed.digits)
        }
    }

    @Test func nationalNumbersWithDefaultCodeRevalidate() throws {
        var rng = SeededGenerator(state: 7)
        for _ in 0..<1000 {
            let code = String(Int.random(in: 1...998, using: &rng))
            // A national number starts with one trunk 0; "00" would be the international prefix.
            let national = "0" + String(Int.random(in: 1...9, using: &rng)) + String((0..<Int.random(in: 5...9, using: &rng)).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) })
            // A code of no country whose stored number reads as a real country's with its trunk 0 ("4" + "0..." is the UK's
            // "44" + "0"): such a number is no number of either, and is left out.
            guard let parsed = try? PhoneNumber(national, defaultCallingCode: code),
                  PhoneNumber.droppingTrunkZero(parsed.digits) == parsed.digits else { continue }
            #expect(parsed.digits.hasPrefix(code))
            #expect(try PhoneNumber("+" + parsed.digits).digits == parsed.digits)
            // The stored digits given back without + in the same tenant: the same number (when the national part
            // is long enough to tell it from a national number; see PhoneNumber).
            if parsed.digits.count - code.count >= 8 {
                #expect(try PhoneNumber(parsed.digits, defaultCallingCode: code).digits == parsed.digits)
            }
        }
    }

    @Test func emailNormalizationIsIdempotent() throws {
        var rng = SeededGenerator(state: 99)
        let localChars = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+_-")
        let domainChars = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        for _ in 0..<2000 {
            let local = String((0..<Int.random(in: 1...20, using: &rng)).map { _ in localChars.randomElement(using: &rng)! })
            let labels = (0..<Int.random(in: 1...3, using: &rng)).map { _ in
                String((0..<Int.random(in: 1...12, using: &rng)).map { _ in domainChars.randomElement(using: &rng)! })
            }
            let tld = String((0..<Int.random(in: 2...6, using: &rng)).map { _ in Character(UnicodeScalar(UInt8.random(in: 97...122, using: &rng))) })
            let raw = "  \(local)@\((labels + [tld.uppercased()]).joined(separator: ".")) "
            let email = try EmailAddress(raw)
            let again = try EmailAddress(email.value)
            #expect(again == email)
            #expect(email.domain == email.domain.lowercased())
            #expect(try EmailAddress(email.normalized).normalized == email.normalized)
        }
    }

    @Test func uuidV7IdentifiersIncreaseStrictly() {
        var previous = Party.ID.make()
        for _ in 0..<10_000 {
            let next = Party.ID.make()
            #expect(previous < next)
            #expect(previous.description < next.description)
            previous = next
        }
    }

    @Test func auditChainHashChangesWithAnyField() {
        let tenant = Tenant.ID.make()
        let event = AuditEvent(tenantID: tenant, context: .init(principal: .platform("p"), requestID: "r"), action: "party.read",
                               targetType: "party", targetID: "x", fields: ["email"])
        let entry = AuditChain.entry(for: event, seq: 1, prev: AuditChain.genesis)
        #expect(AuditChain.recompute(entry, prev: AuditChain.genesis) == entry.hash)
        var tampered = entry
        tampered.fields = ["phone"]
        #expect(AuditChain.recompute(tampered, prev: AuditChain.genesis) != entry.hash)
        tampered = entry
        tampered.actor = "platform:q"
        #expect(AuditChain.recompute(tampered, prev: AuditChain.genesis) != entry.hash)
    }
}
