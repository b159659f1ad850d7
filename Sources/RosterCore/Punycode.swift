import Foundation

/// RFC 3492 Punycode, the encoding half: the ASCII form (`xn--…`) of a domain's Unicode labels, so that an email
/// given with its domain in Unicode and the same email given in punycode are one address (DESIGN.md §2: "IDN accepted
/// as punycode or Unicode"; emails are compared for duplicates, lookup and sign-in).
///
/// Labels are brought to Unicode's composed form (NFC) first, as IDNA does, and are expected lower-cased already. This is
/// the comparison key only, not a full IDNA 2008 / UTS 46 implementation (no mapping table, no bidi rules): the
/// address is stored and shown as it was given.
public enum Punycode {
    private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700, initialBias = 72, initialN = 128

    /// The ASCII form of a domain: each label holding non-ASCII characters as `xn--` and its punycode.
    public static func asciiDomain(_ domain: String) -> String {
        guard !domain.utf8.allSatisfy({ $0 < 0x80 }) else { return domain }
        return domain.split(separator: ".", omittingEmptySubsequences: false).map { label -> String in
            guard !label.utf8.allSatisfy({ $0 < 0x80 }), let encoded = encode(String(label).precomposedStringWithCanonicalMapping) else {
                return String(label)
            }
            return "xn--" + encoded
        }.joined(separator: ".")
    }

    /// The punycode of `label` (without the `xn--` prefix); `nil` on overflow (far beyond a 63-byte label).
    public static func encode(_ label: String) -> String? {
        let input = label.unicodeScalars.map { Int($0.value) }
        var output: [UInt8] = input.compactMap { $0 < 0x80 ? UInt8($0) : nil }
        let basic = output.count
        if basic > 0 { output.append(UInt8(ascii: "-")) }
        var n = initialN
        var delta = 0
        var bias = initialBias
        var handled = basic
        while handled < input.count {
            guard let next = input.filter({ $0 >= n }).min() else { return nil }
            let (step, overflow) = (next - n).multipliedReportingOverflow(by: handled + 1)
            guard !overflow, delta <= Int(Int32.max) - step else { return nil }
            delta += step
            n = next
            for code in input {
                if code < n { delta += 1 }
                guard code == n else { continue }
                var q = delta
                var k = base
                while true {
                    let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                    if q < t { break }
                    output.append(digit(t + (q - t) % (base - t)))
                    q = (q - t) / (base - t)
                    k += base
                }
                output.append(digit(q))
                bias = adapt(delta, points: handled + 1, first: handled == basic)
                delta = 0
                handled += 1
            }
            delta += 1
            n += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func digit(_ value: Int) -> UInt8 {
        value < 26 ? UInt8(ascii: "a") + UInt8(value) : UInt8(ascii: "0") + UInt8(value - 26)
    }

    private static func adapt(_ delta: Int, points: Int, first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / points
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }
}
