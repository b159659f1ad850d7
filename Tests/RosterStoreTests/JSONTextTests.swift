import Foundation
import RosterCore
@testable import RosterSQL
import Testing

/// The decoder-free path for lists of plain strings reads what JSONDecoder reads, or leaves the text to it.
@Suite("JSON text")
struct JSONTextTests {
    @Test func plainStringListsReadAsTheDecoderReadsThem() throws {
        let samples: [[String]] = [["customer"], ["customer", "partner"], ["a,b", "c"], ["quote\"d"], ["back\\slash"], ["ünï", "😀"],
                                   ["", "x"], [" lead", "trail "], ["tab\there"], ["[", "]"], ["a\", \"b"]]
        for list in samples {
            let compact = String(decoding: try JSONEncoder().encode(list), as: UTF8.self)
            let spaced = "[" + list.map { String(decoding: try! JSONEncoder().encode($0), as: UTF8.self) }.joined(separator: ", ") + "]"
            for text in [compact, spaced] {
                #expect(try JSONText.decode([String].self, text) == list, "\(text)")
                if let fast = JSONText.plainStrings(text) { #expect(fast == list, "\(text)") }
            }
        }
        // Random lists over the characters that matter to the short path.
        let alphabet = Array("ab ,\"\\[]:ü😀\t")
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let list = (0..<Int.random(in: 1...4, using: &rng)).map { _ in
                String((0..<Int.random(in: 0...6, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            }
            let compact = String(decoding: try JSONEncoder().encode(list), as: UTF8.self)
            let spaced = "[" + list.map { String(decoding: try! JSONEncoder().encode($0), as: UTF8.self) }.joined(separator: ", ") + "]"
            for text in [compact, spaced] {
                #expect(try JSONText.decode([String].self, text) == list, "\(text)")
            }
        }
        #expect(JSONText.plainStrings("[\"customer\",\"partner\"]") == ["customer", "partner"])
        #expect(JSONText.plainStrings("[\"a, b\", \"\"]") == ["a, b", ""])
        #expect(JSONText.plainStrings("[1,2]") == nil && JSONText.plainStrings("{}") == nil)
    }

    @Test func plainStringListsWriteAsTheEncoderWritesThem() throws {
        let alphabet = Array("ab ,\"\\[]:/ü😀\t\u{7F}-_.")
        var rng = SystemRandomNumberGenerator()
        var fast = 0
        for _ in 0..<3_000 {
            let list = (0..<Int.random(in: 1...4, using: &rng)).map { _ in
                String((0..<Int.random(in: 0...6, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            }
            let expected = String(decoding: try JSONText.encoder.encode(list), as: UTF8.self)
            #expect(try JSONText.encode(list) == expected, "\(list)")
            if JSONText.plainJSON(list) != nil { fast += 1 }
        }
        #expect(fast > 100, "the short path was taken \(fast) times")
        #expect(JSONText.plainJSON(["customer", "partner"]) == "[\"customer\",\"partner\"]")
        #expect(JSONText.plainJSON(["ü"]) == nil && JSONText.plainJSON(["a\"b"]) == nil)
    }

    /// Tenant settings decoded once per stored text: each text still reads as the decoder reads it.
    @Test func tenantSettingsReadAsTheDecoderReadsThemEveryTime() throws {
        var plain = TenantSettings(defaultCallingCode: "44")
        plain.retentionDays = 30
        var other = plain
        other.defaultCallingCode = "49"
        other.autoLinkContacts = true
        for settings in [plain, other, plain, TenantSettings(), other] {
            let text = try JSONText.encode(settings)
            #expect(try TenantSettingsMemo.decode(text) == settings, "\(text)")
            #expect(try TenantSettingsMemo.decode(text) == JSONText.decoder.decode(TenantSettings.self, from: Data(text.utf8)))
        }
        #expect(try TenantSettingsMemo.decode(nil) == TenantSettings())
        // More texts than the table keeps: it starts over and still answers each.
        for days in 0..<1_100 {
            var settings = plain
            settings.retentionDays = days
            #expect(try TenantSettingsMemo.decode(try JSONText.encode(settings)).retentionDays == days)
        }
    }
}
