import Foundation
/// A phone number normalized to E.164 digits with country code, without the `+`: `442079460958`.
public struct PhoneNumber: Hashable, Sendable, CustomStringConvertible {
    public let digits: String

    public var description: String { digits }

    /// Calling codes whose national numbers keep their leading 0 (Italy, San Marino, Vatican).
    static let keepsTrunkZero: Set<String> = ["39", "378", "379"]

    /// Calling codes of countries whose numbers are dialled at home with a trunk 0 that is no part of the number, so that
    /// a 0 written after the code (`+44 020 7946 0958`, as CRM data often has it) is that trunk prefix, left out. Only
    /// these: elsewhere a 0 after the code may be the number's own (Italy, Côte d'Ivoire, Gabon, Congo).
    public static let trunkZeroCodes: [String] = [
        "20", "27", "31", "32", "33", "36", "41", "43", "44", "46", "49", "51", "54", "55", "58", "60", "61", "62", "63", "64",
        "66", "81", "82", "84", "86", "90", "91", "92", "94", "234", "254", "353", "358", "359", "380", "381", "385", "386",
        "966", "971", "972",
    ]

    static let trunkZeroCodeSet = Set(trunkZeroCodes)
    /// For masking (`Pseudonyms.phone`): by a number's first two digits, the third digits that make a 3-digit trunk code.
    static let trunkZeroThirdDigits: [String: Set<Int>] = Dictionary(grouping: trunkZeroCodes.filter { $0.count == 3 }) { String($0.prefix(2)) }
        .mapValues { Set($0.compactMap { $0.last?.wholeNumberValue }) }

    /// An international number (digits from the country code on) without a trunk 0 written after its code, unless that
    /// leaves fewer than 7 digits (no number then either way: kept as written, valid by the digits' count, as the spec's
    /// pattern takes it).
    /// `shortest`: the fewest digits left (a search's prefix may be any length).
    public static func droppingTrunkZero(_ international: String, shortest: Int = 7) -> String {
        // Calling codes are a prefix code: at most one of them starts the number (looked up by its first 2 and 3 digits:
        // every phone normalized and masked asks).
        let digits = Array(international.utf8)
        guard digits.count > 2 else { return international }
        let code: String
        if digits[2] == UInt8(ascii: "0"), trunkZeroCodeSet.contains(String(international.prefix(2))) {
            code = String(international.prefix(2))
        } else if digits.count > 3, digits[3] == UInt8(ascii: "0"), trunkZeroCodeSet.contains(String(international.prefix(3))) {
            code = String(international.prefix(3))
        } else {
            return international
        }
        // Every 0 there (no number of these countries starts with one), so that the stored form reads as itself again.
        let dropped = code + international.dropFirst(code.count).drop { $0 == "0" }
        return dropped.count >= shortest ? dropped : international
    }

    /// The international prefix dialled from a country of the North American plan (calling code 1): `011 44 20 ...`.
    static func international(afterNorthAmericanPrefix digits: String, defaultCallingCode: String?) -> String? {
        defaultCallingCode == "1" && digits.hasPrefix("011") ? String(digits.dropFirst(3)) : nil
    }

    /// The start of a stored number (digits with the country code) that a search text typed as a phone stands for, as the
    /// number itself would be normalized: `+44 (0)7700 9`, `0044 7700 9` and, with the default calling code 44,
    /// `07700 9` are all `4477009`; with calling code 1, `212 555 0` is `12125550`. Nil when the text is no phone
    /// (letters, too few digits) or its digits as typed are that start already. (Search also matches the digits as
    /// typed: a prefix only adds what it finds.)
    public static func searchPrefix(_ text: String, defaultCallingCode: String?) -> String? {
        let written = scan(text)
        guard written.problem == nil, written.digits.count >= 3 else { return nil }
        let digits = written.digits
        let prefix: String
        if written.hasPlus {
            prefix = droppingTrunkZero(digits, shortest: 0)
        } else if digits.hasPrefix("00") {
            prefix = droppingTrunkZero(String(digits.dropFirst(2)), shortest: 0)
        } else if let abroad = international(afterNorthAmericanPrefix: digits, defaultCallingCode: defaultCallingCode) {
            prefix = droppingTrunkZero(abroad, shortest: 0)
        } else if let code = defaultCallingCode, !code.isEmpty {
            if digits.hasPrefix("0") {
                // A national number with its trunk 0 (the UK's 020 ...), or one whose 0 is its own (Italy's 06 ...).
                prefix = keepsTrunkZero.contains(code) ? code + digits : code + digits.dropFirst()
            } else if digits.hasPrefix(code) {
                return nil  // typed with its country code already: the digits as typed
            } else {
                // A national number of a country that dials no trunk 0 (the US's 212 555 0100): it was not found by
                // its national digits (found by two probes).
                prefix = code + digits
            }
        } else {
            return nil
        }
        let typed = text.filter(\.isNumber)
        return prefix == typed || prefix.count < 3 ? nil : prefix
    }

    /// A number as written, read the one way both the rules and search read it: trimmed, a "(0)" after an international
    /// prefix left out (the national trunk prefix, written for callers inside the country), separators skipped; `problem`
    /// names a character no number holds.
    private static func scan(_ raw: String) -> (trimmed: String, digits: String, hasPlus: Bool, problem: String?) {
        var trimmed = raw.trimmingWhitespace()
        if trimmed.hasPrefix("+") || trimmed.hasPrefix("00") {
            trimmed = trimmed.replacingOccurrences(of: "(0)", with: "").replacingOccurrences(of: "( 0 )", with: "")
        }
        var digits = ""
        var hasPlus = false
        for (offset, char) in trimmed.enumerated() {
            switch char {
            case "0"..."9": digits.append(char)
            case "+":
                guard offset == 0 else { return (trimmed, digits, hasPlus, "may have + only at the start") }
                hasPlus = true
            case " ", "-", ".", "(", ")", "/", "\u{00A0}": continue
            default: return (trimmed, digits, hasPlus, "may contain only digits, spaces, dots, dashes, parentheses and a leading +")
            }
        }
        return (trimmed, digits, hasPlus, nil)
    }

    /// Whether `raw` is written without its country code (no `+`, no `00`): what it stands for depends on the tenant's
    /// default calling code.
    public static func needsCallingCode(_ raw: String) -> Bool {
        let written = scan(raw)
        return !written.hasPlus && !written.digits.hasPrefix("00")
    }

    /// Refuses what refuses a number whatever the tenant's default calling code: as written, its characters and length;
    /// written with its country code, every rule.
    public static func checkWritten(_ raw: String, field: String = "phone") throws {
        guard needsCallingCode(raw) else {
            _ = try PhoneNumber(raw, field: field)
            return
        }
        let written = scan(raw)
        guard written.trimmed.unicodeScalars.count <= 40 else { throw RosterError.invalid(field, "is too long") }
        if let problem = written.problem { throw RosterError.invalid(field, problem) }
    }

    /// Parses international formats (`+44 20 7946 0958`, `0044 ...`, `(555) 123-4567`, dots, dashes,
    /// spaces). A number without an international prefix takes `defaultCallingCode`, when given.
    public init(_ raw: String, defaultCallingCode: String? = nil, field: String = "phone") throws {
        func fail(_ message: String) -> RosterError { .invalid(field, message) }
        let written = Self.scan(raw)
        guard !written.trimmed.isEmpty else { throw fail("must not be empty") }
        guard written.trimmed.unicodeScalars.count <= 40 else { throw fail("is too long") }
        if let problem = written.problem { throw fail(problem) }
        let (digits, hasPlus) = (written.digits, written.hasPlus)
        var international: String
        if hasPlus {
            international = Self.droppingTrunkZero(digits)
        } else if digits.hasPrefix("00") {
            international = Self.droppingTrunkZero(String(digits.dropFirst(2)))
        } else if let abroad = Self.international(afterNorthAmericanPrefix: digits, defaultCallingCode: defaultCallingCode) {
            // Dialled from the US or Canada: 011 is their international prefix (it was read as a national number, 1011...).
            international = Self.droppingTrunkZero(abroad)
        } else if let code = defaultCallingCode, !code.isEmpty {
            if digits.hasPrefix(code), digits.count - code.count >= 8 {
                // Already with its country code, without the +: how Roster itself stores numbers
                // (447700900123), and how US numbers are often written (15551234567).
                international = digits
            } else if digits.hasPrefix("0"), !Self.keepsTrunkZero.contains(code) {
                international = code + digits.dropFirst()
            } else {
                international = code + digits
            }
        } else {
            throw fail("needs an international prefix (+ or 00), or a default calling code for the tenant")
        }
        guard !international.hasPrefix("0") else { throw fail("has an invalid country code") }
        guard (7...15).contains(international.count) else { throw fail("must have 7 to 15 digits with the country code") }
        self.digits = international
    }

    /// Normalizes an already-normalized value without re-parsing rules (used when reading stored data).
    public init(storedDigits: String) { self.digits = storedDigits }

    /// Checks a tenant's default calling code: 1 to 3 digits, not starting with 0.
    public static func validateCallingCode(_ code: String, field: String = "settings.defaultCallingCode") throws -> String {
        var code = code.trimmingWhitespace()
        if code.hasPrefix("+") { code.removeFirst() }
        guard (1...3).contains(code.count), code.allSatisfy(\.isASCIIDigit), !code.hasPrefix("0") else {
            throw RosterError.invalid(field, "must be 1 to 3 digits, e.g. 44")
        }
        return code
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
