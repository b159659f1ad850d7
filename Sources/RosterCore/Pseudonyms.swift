import Crypto
import Foundation

/// Consistent, valid pseudonyms for a masked copy of a tenant's parties (issue 12, `export --mask`): the same value gives
/// the same pseudonym under one key (so duplicates and joins survive), and each pseudonym passes Roster's own
/// validation (an email is an email, a phone number a phone number), so that a masked export can be imported.
///
/// A pseudonym is derived with HMAC-SHA256 of the value's normalized form (lower-cased names and emails, a phone's
/// digits) under the key; without the key it can't be linked back to the value except by guessing values.
public struct Pseudonyms: Sendable {
    /// The key's bytes (`SymmetricKey` is not `Sendable`).
    private let key: [UInt8]

    /// A fresh random key: pseudonyms agree within this export only.
    public init() {
        key = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    }

    /// A key from a passphrase (`--mask-key`): exports masked with the same passphrase agree with each other.
    public init(passphrase: String) {
        key = Array(SHA256.hash(data: Data(("roster mask key\u{0}" + passphrase).utf8)))
    }

    private func digest(_ kind: String, _ value: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Data((kind + "\u{0}" + value).utf8), using: SymmetricKey(data: key)))
    }

    private static let consonants = Array("bcdfghjklmnprstvz")
    private static let vowels = Array("aeiou")

    /// A pronounceable capitalized word of `syllables` syllables from the bytes.
    private static func word(_ bytes: ArraySlice<UInt8>, syllables: Int) -> String {
        var text = ""
        for (index, byte) in bytes.prefix(syllables).enumerated() {
            let consonant = consonants[Int(byte) % consonants.count]
            let vowel = vowels[Int(byte / 17) % vowels.count]
            text.append(index == 0 ? Character(consonant.uppercased()) : consonant)
            text.append(vowel)
        }
        return text
    }

    /// A person's first or last name, or an organization's name: one or two words.
    public func name(_ value: String) -> String {
        let bytes = digest("name", value.trimmingWhitespace().lowercased())
        let words = value.split(whereSeparator: \.isWhitespace).count
        let first = Self.word(bytes[0...], syllables: 2 + Int(bytes[30] % 2))
        guard words > 1 else { return first }
        return first + " " + Self.word(bytes[4...], syllables: 2 + Int(bytes[31] % 2))
    }

    /// An address at a pseudonymous domain under `.example` (reserved, RFC 2606): the same domain gives the same
    /// pseudonymous domain, so that addresses of one organization stay together.
    public func email(_ value: EmailAddress) -> String {
        let local = digest("email", value.normalized).prefix(6).hexString
        let domain = digest("domain", value.domain).prefix(4).hexString
        return "m\(local)@d\(domain).example"
    }

    /// A phone number of as many digits, with the first two kept (the country code, or its start), so that it stays a
    /// number of the same country and valid by Roster's rules.
    public func phone(_ value: PhoneNumber) -> String {
        let digits = value.digits
        let kept = digits.prefix(2)
        let bytes = digest("phone", digits)
        var masked = String(kept)
        for index in 0..<(digits.count - kept.count) {
            masked.append(Character(String(bytes[index % bytes.count] % 10)))
        }
        return "+" + masked
    }

    /// Free text (a note, a property's text): a marker with a short digest, the same for the same text.
    public func text(_ value: String) -> String {
        "masked " + digest("text", value).prefix(5).hexString
    }

    /// The party with its personal values replaced: names, email, phone, note and every text property but the
    /// website (an organization's public address, kept as its `website`).
    public func mask(_ party: Party) -> Party {
        var masked = party
        masked.firstName = party.firstName.map(name)
        masked.lastName = party.lastName.map(name)
        masked.name = party.name.map(name)
        masked.email = party.email.map { EmailAddress(stored: email($0)) }
        masked.phone = party.phone.map { PhoneNumber(storedDigits: String(phone($0).dropFirst())) }
        masked.note = party.note.map(text)
        for (key, value) in party.properties where key != "website" {
            if case .string(let string) = value { masked.properties[key] = .string(text(string)) }
        }
        return masked
    }
}
