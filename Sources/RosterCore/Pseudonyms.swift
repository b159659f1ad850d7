import Crypto
import Foundation

/// Consistent, valid pseudonyms for a masked copy of a tenant's parties (issue 12, `export --mask`): the same value gives
/// the same pseudonym under one key (so duplicates and joins survive), and each pseudonym passes Roster's own
/// validation (an email is an email, a phone number a phone number), so that a masked export can be imported.
///
/// A pseudonym is derived with HMAC-SHA256 of the value's normalized form (a name's search key, an email's comparison
/// form, a phone's digits) under the key; without the key it can't be linked back to the value except by guessing values.
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

    /// Accented forms of each vowel, which search keys fold back to it.
    private static let accented: [Character: [Character]] = [
        "a": ["á", "à", "â", "ä"], "e": ["é", "è", "ê", "ë"], "i": ["í", "ì", "î", "ï"], "o": ["ó", "ò", "ô", "ö"], "u": ["ú", "ù", "û", "ü"],
    ]

    /// A person's first or last name, or an organization's name: one or two words. Spellings that Roster's search keys
    /// hold equal (case, accents, punctuation: `Müller GmbH`, `MULLER GMBH`) get the same word, so that the duplicate
    /// finder groups the copies as it groups the originals (lower-casing alone split them; found by a probe); each
    /// spelling then accents about half the word's vowels in a pattern of its own, so that the copies stay as many
    /// different names as the originals were (a parent organization is named by its exact name).
    public func name(_ value: String) -> String {
        let spelling = value.trimmingWhitespace()
        let bytes = digest("name", Text.searchKey(spelling))
        let words = value.split(whereSeparator: \.isWhitespace).count
        var base = Self.word(bytes[0...], syllables: 3 + Int(bytes[30] % 2))
        if words > 1 { base += " " + Self.word(bytes[4...], syllables: 3 + Int(bytes[31] % 2)) }
        let pattern = digest("spelling", spelling)
        var vowel = 0
        return String(base.map { character -> Character in
            guard let forms = Self.accented[character] else { return character }
            defer { vowel += 1 }
            let bits = pattern[vowel % pattern.count] >> UInt8((vowel / pattern.count) % 3 * 2)
            return bits & 1 == 0 ? character : forms[Int(bits >> 1 & 3) % forms.count]
        })
    }

    /// An address at a pseudonymous domain under `.example` (reserved, RFC 2606): the same domain gives the same
    /// pseudonymous domain, so that addresses of one organization stay together.
    public func email(_ value: EmailAddress) -> String {
        let local = digest("email", value.normalized).prefix(6).hexString
        // The domain of the comparison form (punycode): `müller-bau.de` and `xn--mller-bau-q9a.de` are one domain, as
        // they are one address to the duplicate rule (they got two; found by a probe).
        let normalized = value.normalized
        let ascii = normalized.utf8.lastIndex(of: UInt8(ascii: "@")).map { String(normalized[normalized.utf8.index(after: $0)...]) } ?? value.domain
        let domain = digest("domain", ascii).prefix(4).hexString
        return "m\(local)@d\(domain).example"
    }

    /// A phone number of as many digits, with the first two kept (the country code, or its start), so that it stays a
    /// number of the same country and valid by Roster's rules. The other digits are permuted under the key (a Feistel
    /// network over their decimal range, cycle-walking), so that two numbers never share a pseudonym: the unique index
    /// on phones holds in a masked copy.
    public func phone(_ value: PhoneNumber) -> String {
        let digits = value.digits
        let kept = String(digits.prefix(2))
        let tail = digits.dropFirst(2)
        guard !tail.isEmpty, let number = UInt64(tail) else { return "+" + digits }
        var range: UInt64 = 1
        for _ in 0..<tail.count { range *= 10 }
        var bits = 1
        while (UInt64(1) << bits) < range { bits += 1 }
        if bits % 2 == 1 { bits += 1 }
        let half = bits / 2
        let mask = (UInt64(1) << half) - 1
        let tweak = "\(kept)\u{0}\(digits.count)"
        func round(_ index: Int, _ right: UInt64) -> UInt64 {
            let bytes = digest("phone", "\(tweak)\u{0}\(index)\u{0}\(right)")
            return bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } & mask
        }
        // Cycle-walking keeps the pseudonym in the class the number is in: within the range, and stored as Roster stores
        // numbers now (no trunk 0 after its country code: `+44 0...` reads as another, shorter number) or not (a number
        // stored before); a permutation of each class, so two numbers never share one. The walk ends: the number's own
        // cycle holds it. The class is read from the tail's first two digits (arithmetic: it runs for every masked phone).
        let trunkAfterKept = PhoneNumber.trunkZeroCodeSet.contains(kept)
        let thirdDigits = PhoneNumber.trunkZeroThirdDigits[kept] ?? []
        var first: UInt64 = 1
        for _ in 1..<tail.count { first *= 10 }
        func isCanonical(_ x: UInt64) -> Bool {
            if trunkAfterKept { return x / first != 0 }
            guard first >= 10, thirdDigits.contains(Int(x / first)) else { return true }
            return (x / (first / 10)) % 10 != 0
        }
        let canonical = isCanonical(number)
        var x = number
        repeat {
            var (left, right) = (x >> half, x & mask)
            for index in 0..<4 { (left, right) = (right, left ^ round(index, right)) }
            x = left << half | right
        } while x >= range || isCanonical(x) != canonical
        let text = String(x)
        return "+" + kept + String(repeating: "0", count: tail.count - text.count) + text
    }

    /// Free text (a note, a property's text): a marker with a short digest, the same for the same text.
    public func text(_ value: String) -> String {
        "masked " + digest("text", value).prefix(5).hexString
    }

    /// A person's website: a pseudonymous address under `.example`.
    public func website(_ value: String) -> String {
        "https://w" + digest("website", value.lowercased()).prefix(5).hexString + ".example"
    }

    /// The party with its personal values replaced: names, email, phone, note, a person's website and every text
    /// property but an organization's website (its public address).
    public func mask(_ party: Party) -> Party {
        var masked = party
        masked.firstName = party.firstName.map(name)
        masked.lastName = party.lastName.map(name)
        masked.name = party.name.map(name)
        masked.email = party.email.map { EmailAddress(stored: email($0)) }
        masked.phone = party.phone.map { PhoneNumber(storedDigits: String(phone($0).dropFirst())) }
        masked.note = party.note.map(text)
        let person = party.kind == .person
        if person { masked.website = party.website.map(website) }
        for (key, value) in party.properties {
            guard case .string(let string) = value else { continue }
            if key == "website" {
                // Kept in step with the website, as Roster keeps them.
                if person { masked.properties[key] = .string(website(string)) }
            } else {
                masked.properties[key] = .string(text(string))
            }
        }
        return masked
    }
}
