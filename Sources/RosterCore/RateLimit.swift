public import Foundation

/// How many requests a caller may make (seed 002, DESIGN.md §2): a token bucket that refills `perSecond` tokens a second
/// up to `burst`; each request takes one. Written `R/B` (`50/100`: 50 a second, bursts of 100), or `off`.
public enum RateLimitRule: Hashable, Sendable, Codable, CustomStringConvertible {
    case off
    case limit(perSecond: Double, burst: Int)

    /// `off`, or `R/B` with R a positive number (at most 1,000,000, decimals allowed) and B a whole number from 1 to
    /// 1,000,000; nil otherwise.
    public init?(text: String) {
        let text = text.trimmingWhitespace()
        if text.lowercased() == "off" {
            self = .off
            return
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        // An exponent is read too: rules stored before their text was written without one (`1e-05/1`).
        guard parts.count == 2, parts[0].allSatisfy({ $0.isASCII && ($0.isNumber || ".eE-".contains($0)) }), !parts[0].isEmpty,
              parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), !parts[1].isEmpty,
              let rate = Double(parts[0]), rate > 0, rate <= 1_000_000, rate.isFinite,
              let burst = Int(parts[1]), (1...1_000_000).contains(burst) else { return nil }
        self = .limit(perSecond: rate, burst: burst)
    }

    /// A rule as the API and ROSTER_RATE_LIMIT take it, exactly as the spec's pattern writes it: `off` in lower case,
    /// no spaces, no leading zeros, a rate below 1,000,000 with at most six decimals, a burst from 1 to 999,999. (Stored
    /// rules are read with `init?(text:)`, which is looser, so that nothing stored before stops being read.)
    public init?(exactly text: String) {
        guard text == "off" || text.wholeMatch(of: Self.pattern) != nil, let rule = RateLimitRule(text: text) else { return nil }
        self = rule
    }

    nonisolated(unsafe) private static let pattern = /([1-9][0-9]{0,5}(\.[0-9]{1,6})?|0\.[0-9]{0,5}[1-9])\/[1-9][0-9]{0,5}/

    /// A rule given in a request: 422 naming `field` when it is not one.
    public static func parse(_ text: String, field: String) throws -> RateLimitRule {
        guard let rule = RateLimitRule(exactly: text) else {
            throw RosterError.invalid(field, "must be R/B (requests a second and burst, such as 50/100) or off")
        }
        return rule
    }

    public var description: String {
        switch self {
        case .off: "off"
        case .limit(let rate, let burst):
            // Plain decimals, never an exponent: `1e-05/1` is no rule the API reads (a tenant given 0.00001/1 was
            // stored so, and could no longer be read).
            rate == rate.rounded() ? "\(Int(rate))/\(burst)" : "\(Self.decimal(rate))/\(burst)"
        }
    }

    /// A rate to at most six decimals, trailing zeros dropped: `0.000001`, `2.5`.
    static func decimal(_ rate: Double) -> String {
        var text = String(format: "%.6f", rate)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let rule = RateLimitRule(text: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a rate limit: \(text)"))
        }
        self = rule
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
