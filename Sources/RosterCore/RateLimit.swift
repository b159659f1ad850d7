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
        guard parts.count == 2, parts[0].allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), !parts[0].isEmpty,
              parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), !parts[1].isEmpty,
              let rate = Double(parts[0]), rate > 0, rate <= 1_000_000, rate.isFinite,
              let burst = Int(parts[1]), (1...1_000_000).contains(burst) else { return nil }
        self = .limit(perSecond: rate, burst: burst)
    }

    /// A rule given in a request: 422 naming `field` when it is not one.
    public static func parse(_ text: String, field: String) throws -> RateLimitRule {
        guard let rule = RateLimitRule(text: text) else {
            throw RosterError.invalid(field, "must be R/B (requests a second and burst, such as 50/100) or off")
        }
        return rule
    }

    public var description: String {
        switch self {
        case .off: "off"
        case .limit(let rate, let burst):
            rate == rate.rounded() ? "\(Int(rate))/\(burst)" : "\(rate)/\(burst)"
        }
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
