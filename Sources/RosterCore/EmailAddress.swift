/// A syntactically valid email address: trimmed, domain lower-cased, local part kept as given.
public struct EmailAddress: Hashable, Sendable, CustomStringConvertible {
    /// The address as stored and shown: `Jane.Doe@example.com`.
    public let value: String
    /// The form used for comparison (duplicates, lookup, sign-in): all lower-case, the domain in its ASCII form
    /// (`ann@xn--bcher-kva.example` for `Ann@bücher.example` and for `ann@xn--bcher-kva.example`).
    public let normalized: String
    /// The domain, lower-cased: `example.com`.
    public let domain: String

    public var description: String { value }

    public static let maxLength = 254

    /// Parses and validates `raw`; throws `RosterError.validation` naming `field`.
    public init(_ raw: String, field: String = "email") throws {
        let trimmed = Text.composed(raw.trimmingWhitespace())
        func fail(_ message: String) -> RosterError { .invalid(field, message) }
        guard !trimmed.isEmpty else { throw fail("must not be empty") }
        guard trimmed.unicodeScalars.count <= Self.maxLength else { throw fail("must be at most \(Self.maxLength) characters") }
        guard let at = trimmed.lastIndex(of: "@") else { throw fail("must contain @") }
        let local = trimmed[..<at]
        let domainPart = trimmed[trimmed.index(after: at)...]
        guard Self.isValidLocalPart(local) else { throw fail("has an invalid local part") }
        guard let domain = DomainName.normalize(String(domainPart)) else { throw fail("has an invalid domain") }
        self.value = "\(local)@\(domain)"
        self.normalized = Self.key(value)
        self.domain = domain
    }

    /// An address as this type stored it (valid already): no second validation on every read (it was 2% of a read).
    public init(stored: String) {
        value = stored
        normalized = Self.key(stored)
        // By byte: every party read builds one (a page of 50 a search).
        domain = stored.utf8.lastIndex(of: UInt8(ascii: "@")).map { String(stored[stored.utf8.index(after: $0)...]) } ?? ""
    }

    /// The comparison form of a valid address: lower-cased, its domain in ASCII (`Punycode`).
    public static func key(_ address: String) -> String {
        let lowered = address.lowercased()
        guard !lowered.utf8.allSatisfy({ $0 < 0x80 }), let at = lowered.lastIndex(of: "@") else { return lowered }
        return lowered[...at] + Punycode.asciiDomain(String(lowered[lowered.index(after: at)...]))
    }

    static func isValidLocalPart(_ local: Substring) -> Bool {
        guard (1...64).contains(local.utf8.count) else { return false }
        guard local.first != ".", local.last != ".", !local.contains("..") else { return false }
        return local.unicodeScalars.allSatisfy { scalar in
            if scalar.value >= 0x80 { return scalar.properties.isAlphabetic || scalar.properties.numericType != nil }
            return atext.contains(scalar)
        }
    }

    private static let atext: Set<Unicode.Scalar> = Set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-.".unicodeScalars)
}

/// Domain names as accepted in emails and websites: labels of letters, digits and hyphens
/// (Unicode letters too, for IDNs), a TLD of letters or an `xn--` punycode TLD.
public enum DomainName {
    public static func normalize(_ raw: String) -> String? {
        var domain = raw.lowercased()
        if domain.hasSuffix(".") { domain.removeLast() }
        guard !domain.isEmpty, domain.utf8.count <= 253 else { return nil }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return nil }
        for label in labels {
            guard (1...63).contains(label.utf8.count), label.first != "-", label.last != "-" else { return nil }
            let ok = label.unicodeScalars.allSatisfy { s in
                if s.value >= 0x80 { return s.properties.isAlphabetic || s.properties.numericType != nil || s.properties.isDiacritic }
                return (s >= "a" && s <= "z") || (s >= "0" && s <= "9") || s == "-"
            }
            guard ok else { return nil }
        }
        let tld = labels[labels.count - 1]
        if tld.hasPrefix("xn--") {
            guard tld.count > 4 else { return nil }
        } else {
            guard tld.count >= 2, tld.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic }) else { return nil }
        }
        return domain
    }
}

extension StringProtocol {
    /// Trims spaces, tabs and line breaks at both ends (including non-breaking spaces pasted from documents).
    public func trimmingWhitespace() -> String {
        let scalars = String(self).unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(String.UnicodeScalarView(scalars[start...end]))
    }
}
