import Foundation
import HTTPTypes
import RosterCore
import RosterService
import Synchronization

/// Token buckets per caller, in this process (seed 002, DESIGN.md §2). Each bucket refills at its rule's rate up to its
/// burst and each request takes a token; a caller with none left gets 429. Several processes each keep their own
/// buckets, so a caller spread over N processes may make up to N times its rate (README).
final class RateLimiter: Sendable {
    struct Outcome: Sendable {
        var allowed: Bool
        var limit: Int
        var remaining: Int
        /// Seconds until the bucket is full again.
        var reset: Int
        /// Seconds until the next request would be allowed (when refused).
        var retryAfter: Int

        /// `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (draft-ietf-httpapi-ratelimit-headers),
        /// and `Retry-After` when refused.
        func apply(to headers: inout HTTPFields) {
            headers[.rateLimitLimit] = String(limit)
            headers[.rateLimitRemaining] = String(remaining)
            headers[.rateLimitReset] = String(reset)
            if !allowed { headers[.retryAfter] = String(retryAfter) }
        }
    }

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
        var rate: Double
        var burst: Int
    }

    private let buckets = Mutex<[String: Bucket]>([:])
    /// Buckets kept at most; past it, the full ones (idle callers) are dropped, and then the oldest.
    let capacity: Int

    init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    /// Takes a token from `caller`'s bucket, which refills `rate` tokens a second up to `burst`.
    func take(_ caller: String, perSecond rate: Double, burst: Int, now: ContinuousClock.Instant = .now) -> Outcome {
        let capacity = self.capacity
        return buckets.withLock { buckets in
            var bucket = buckets[caller] ?? Bucket(tokens: Double(burst), updated: now, rate: rate, burst: burst)
            (bucket.rate, bucket.burst) = (rate, burst)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(Double(burst), bucket.tokens + max(0, seconds) * rate)
            bucket.updated = now
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            if buckets[caller] == nil, buckets.count >= capacity { Self.prune(&buckets, now: now, limit: capacity) }
            buckets[caller] = bucket
            return Outcome(allowed: allowed, limit: burst, remaining: Int(bucket.tokens.rounded(.down)),
                           reset: Int(((Double(burst) - bucket.tokens) / rate).rounded(.up)),
                           retryAfter: max(1, Int(((1 - bucket.tokens) / rate).rounded(.up))))
        }
    }

    private static func prune(_ buckets: inout [String: Bucket], now: ContinuousClock.Instant, limit: Int) {
        // Buckets that have refilled completely are as good as new: forgetting them changes nothing.
        let full = buckets.filter { _, bucket in
            let idle = now - bucket.updated
            let seconds = Double(idle.components.seconds) + Double(idle.components.attoseconds) / 1e18
            return bucket.tokens + seconds * bucket.rate >= Double(bucket.burst)
        }
        for key in full.keys { buckets.removeValue(forKey: key) }
        if buckets.count >= limit, let oldest = buckets.min(by: { $0.value.updated < $1.value.updated })?.key {
            buckets.removeValue(forKey: oldest)
        }
    }
}

extension HTTPField.Name {
    static let rateLimitLimit = Self("RateLimit-Limit")!
    static let rateLimitRemaining = Self("RateLimit-Remaining")!
    static let rateLimitReset = Self("RateLimit-Reset")!
}

/// The rules and the buckets together: which rule a caller is under (its tenant's own, else the installation's), and
/// the outcome of its request; nil when its rule is `off`.
struct RateLimits: Sendable {
    let limiter = RateLimiter()
    let installation: RateLimitRule
    let tenants: TenantService

    func outcome(for caller: Caller) async throws -> RateLimiter.Outcome? {
        var rule = installation
        if let slug = caller.tenantSlug, let own = try await tenants.rateLimit(of: slug) { rule = own }
        guard case .limit(let rate, let burst) = rule else { return nil }
        return limiter.take(caller.principal.description, perSecond: rate, burst: burst)
    }
}
