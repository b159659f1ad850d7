import Foundation

/// Bounds and cleaning for free-text fields.
public enum Text {
    public static let nameMax = 200
    public static let noteMax = 4000
    public static let reasonMax = 500
    public static let websiteMax = 2048

    /// Trims and composes (NFC, `composed(_:)`); an empty result is `nil`. Rejects control characters and text over `max`
    /// characters, counted as Unicode scalars (code points), as JSON Schema's `maxLength` counts them.
    public static func optional(_ raw: String?, field: String, max: Int) throws -> String? {
        guard let raw else { return nil }
        // Control characters are looked for before trimming: a tab or a line break at an end was dropped unsaid where one
        // inside was refused, and the spec's pattern refuses both (found by a probe).
        let allowsLineBreaks = max >= noteMax
        let hasControl = raw.unicodeScalars.contains { s in
            s.properties.generalCategory == .control && !(allowsLineBreaks && (s == "\n" || s == "\r" || s == "\t"))
        }
        guard !hasControl else { throw RosterError.invalid(field, "must not contain control characters") }
        let value = trimmingInvisible(composed(raw.trimmingWhitespace()))
        if value.isEmpty { return nil }
        guard value.unicodeScalars.count <= max else { throw RosterError.invalid(field, "must be at most \(max) characters") }
        // Text that shows other than it reads (found by a probe): overrides and isolates reorder what follows them, and a
        // mark with no letter to carry it is no text.
        if reordersDisplay(value) { throw RosterError.invalid(field, reorderingMessage) }
        if let first = value.unicodeScalars.first, isCombiningMark(first) {
            throw RosterError.invalid(field, "must not start with a combining mark")
        }
        return value
    }

    /// A mark that combines with the character before it.
    public static func isCombiningMark(_ scalar: Unicode.Scalar) -> Bool {
        [.nonspacingMark, .spacingMark, .enclosingMark].contains(scalar.properties.generalCategory)
    }

    /// Holds a bidirectional override or isolate (U+202A-U+202E, U+2066-U+2069), which reorders what follows it: the text
    /// shows other than it reads. Refused in names, notes and property texts alike.
    public static func reordersDisplay(_ text: String) -> Bool {
        text.unicodeScalars.contains { (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value) }
    }

    public static let reorderingMessage = "must not contain bidirectional override or isolate characters"

    /// Text without the invisible format characters (zero-width space, byte-order mark, direction marks, soft hyphen)
    /// and spaces at its ends: a name of them alone was stored as a name (found by a probe). Inside text they stay (a
    /// zero-width joiner is part of how some scripts and emoji are written).
    public static func trimmingInvisible(_ text: String) -> String {
        // ASCII holds no format character, and its spaces at the ends are trimmed already (`trimmingWhitespace`).
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        let scalars = text.unicodeScalars
        func invisible(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.generalCategory == .format || scalar.properties.isWhitespace }
        guard let first = scalars.firstIndex(where: { !invisible($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !invisible($0) })!
        if first == scalars.startIndex, last == scalars.index(before: scalars.endIndex) { return text }
        return String(scalars[first...last])
    }

    /// Text in Unicode's composed form (NFC): "José" typed as e + U+0301 (as macOS and some phone keyboards send it) is
    /// the same name, key and search as "José" typed precomposed. ASCII text is returned as it is, without work.
    public static func composed(_ text: String) -> String {
        text.utf8.allSatisfy({ $0 < 0x80 }) ? text : text.precomposedStringWithCanonicalMapping
    }

    /// The form in which names are searched and compared as duplicates: lower-cased, with accents and other combining
    /// marks dropped and the letters that carry no separable mark spelled as plain letters (`ß` → `ss`, `ø` → `o`, a
    /// final `ς` → `σ`), apostrophes dropped (`O’Brien` → `obrien`), other punctuation and runs of spaces one space, and
    /// no space at either end: "nunez" finds "Núñez", "strasse" finds "Straße", "o'brien" finds "O’Brien", and "Acme
    /// Ltd." and "ACME  Ltd" are one name to the duplicate finder. Composed again at the end (a Hangul syllable stays
    /// one).
    public static func searchKey(_ text: String) -> String {
        text.utf8.allSatisfy({ $0 < 0x80 }) ? asciiSearchKey(text) : unicodeSearchKey(text)
    }

    /// `searchKey` by Unicode's classes, for any text (held equal to `asciiSearchKey` on ASCII text by a test).
    static func unicodeSearchKey(_ text: String) -> String {
        let lower = text.lowercased()
        var folded = String.UnicodeScalarView()
        var pendingSpace = false
        func append(_ scalar: Unicode.Scalar) {
            if pendingSpace, !folded.isEmpty { folded.append(" ") }
            pendingSpace = false
            folded.append(scalar)
        }
        let ascii = lower.utf8.allSatisfy { $0 < 0x80 }
        for scalar in (ascii ? lower : lower.decomposedStringWithCanonicalMapping).unicodeScalars {
            let category = scalar.properties.generalCategory
            if category == .nonspacingMark || category == .format || apostrophes.contains(scalar) { continue }
            if scalar.properties.isWhitespace || Self.isPunctuation(category) {
                pendingSpace = true
            } else if let plain = plainLetters[scalar] {
                for letter in plain.unicodeScalars { append(letter) }
            } else {
                append(scalar)
            }
        }
        let key = String(folded)
        return ascii ? key : key.precomposedStringWithCanonicalMapping
    }

    /// `searchKey` of ASCII text, byte by byte (every imported name asks: the scalar loop made an import 5-7% slower).
    static func asciiSearchKey(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "`"): continue
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                if pendingSpace, !bytes.isEmpty { bytes.append(UInt8(ascii: " ")) }
                pendingSpace = false
                bytes.append(byte | (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? 0x20 : 0))
            case 0x09...0x0D, UInt8(ascii: " "):
                pendingSpace = true
            case UInt8(ascii: "!")...UInt8(ascii: "/"), UInt8(ascii: ":")...UInt8(ascii: "@"), UInt8(ascii: "[")...UInt8(ascii: "`"),
                 UInt8(ascii: "{")...UInt8(ascii: "~"):
                // Punctuation as Unicode classes it is a space; symbols ($ + < = > ^ | ~) are kept, as the general path keeps them.
                if Self.asciiSymbols.contains(byte) {
                    if pendingSpace, !bytes.isEmpty { bytes.append(UInt8(ascii: " ")) }
                    pendingSpace = false
                    bytes.append(byte)
                } else {
                    pendingSpace = true
                }
            default:
                // Control characters: nothing (the rules refuse them in names; a query may hold none).
                continue
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The ASCII characters Unicode classes as symbols (Sm, Sc, Sk), not punctuation.
    private static let asciiSymbols: Set<UInt8> = Set("$+<=>^|~".utf8)

    private static func isPunctuation(_ category: Unicode.GeneralCategory) -> Bool {
        switch category {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation, .finalPunctuation,
             .otherPunctuation: true
        default: false
        }
    }

    /// Apostrophes, straight and typographic, and the modifier letter some keyboards give for one: dropped, not spaces.
    private static let apostrophes: Set<Unicode.Scalar> = ["'", "\u{2019}", "\u{2018}", "\u{02BC}", "`", "\u{00B4}"]

    /// Lower-case letters with no canonical decomposition that readers take for a plain letter with a mark, and the final
    /// sigma (the one sigma of a word's end).
    private static let plainLetters: [Unicode.Scalar: String] = [
        "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h", "ŧ": "t",
        "ς": "σ",
    ]

    public static func required(_ raw: String?, field: String, max: Int) throws -> String? {
        try optional(raw, field: field, max: max)
    }
}

/// The segments of a URL path between its slashes (a query after `?` aside), read as bytes: asked on every request
/// (the tenant a token is for, whether a POST is an upload), splitting the path into `Character`s took microseconds.
public enum PathSegments {
    /// Whether `path` is the API's (`/v1/...`), as the router sees it: empty segments are no segments there, so
    /// `//v1/tenants` is the API too (it was answered unauthenticated, a 401 for every token).
    public static func isAPI(_ path: String) -> Bool {
        of(path, omittingEmpty: true, limit: 1).first == "v1"
    }

    /// The first `limit` segments of `path` (all when `limit` is nil), empty ones kept or left out.
    public static func of(_ path: String, omittingEmpty: Bool, limit: Int? = nil) -> [Substring] {
        var contiguous = path
        // The segments' byte ranges, found in the path's UTF-8 storage; then slices of the path itself (no copies).
        let ranges = contiguous.withUTF8 { bytes -> [Range<Int>] in
            var ranges: [Range<Int>] = []
            var start = 0
            var index = 0
            let end = bytes.firstIndex(of: UInt8(ascii: "?")) ?? bytes.count
            func cut(_ upTo: Int) {
                if !omittingEmpty || upTo > start { ranges.append(start..<upTo) }
            }
            while index < end, limit.map({ ranges.count < $0 }) ?? true {
                if bytes[index] == UInt8(ascii: "/") {
                    cut(index)
                    start = index + 1
                }
                index += 1
            }
            if index == end, limit.map({ ranges.count < $0 }) ?? true { cut(end) }
            return ranges
        }
        let utf8 = path.utf8
        return ranges.map { range in
            let lower = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
            return path[lower..<utf8.index(lower, offsetBy: range.count)]
        }
    }
}
