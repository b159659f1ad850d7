import Foundation
import HTTPTypes
import HummingbirdTesting
@testable import RosterApp
import RosterCore
import Testing

/// Rate limits over HTTP (seed 002, DESIGN.md §2): a token bucket per caller; over it, 429 with `Retry-After` and the
/// `RateLimit-*` headers; the bucket refills with time; a tenant's own `settings.rateLimit` (platform only) overrides
/// `ROSTER_RATE_LIMIT` for its callers.
@Suite("HTTP: rate limits")
struct RateLimitTests {
    struct Key: Decodable { var key: String }

    @Test func aCallerGetsItsBurstThen429UntilTheBucketRefills() async throws {
        try await withApp(configure: { $0.rateLimit = .limit(perSecond: 0.01, burst: 3) }) { api in
            var remaining: [String] = []
            for _ in 0..<3 {
                let response = try await api.send(.get, "/v1/tenants")
                #expect(response.status == .ok)
                #expect(response.headers[.init("RateLimit-Limit")!] == "3")
                remaining.append(response.headers[.init("RateLimit-Remaining")!] ?? "?")
            }
            #expect(remaining == ["2", "1", "0"])
            let refused = try await api.send(.get, "/v1/tenants")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.contentType] == "application/problem+json")
            #expect(refused.problem?.status == 429)
            #expect(refused.headers[.retryAfter].flatMap { Int($0) }.map { (90...100).contains($0) } == true)
            #expect(refused.headers[.init("RateLimit-Remaining")!] == "0")
            #expect(refused.headers[.init("RateLimit-Reset")!].flatMap { Int($0) }.map { (290...300).contains($0) } == true)
            // Health checks are not /v1 calls: never limited.
            #expect(try await api.send(.get, "/health/live", token: nil).status == .ok)
        }
    }

    /// The console is a caller's too: a key signed in there spends the same bucket as over the API, and a page over
    /// the limit is a 429 page with Retry-After (each page is an audited read; the console was never limited: found by a
    /// probe).
    @Test func theConsoleSpendsTheCallersBucket() async throws {
        try await withApp(configure: { $0.rateLimit = .limit(perSecond: 0.01, burst: 4) }) { api in
            let t = try await api.makeTenant()
            let key = try await api.send(.post, "/v1/tenants/\(t)/api-keys", json: #"{"name":"console","role":"ADMIN"}"#).decode(Key.self).key
            var browser = TBrowser(client: api.client)
            let signedIn = try await browser.signIn(token: key)
            #expect(signedIn.status == .seeOther, "\(signedIn.status)")
            #expect(try await browser.get("/ui/t/\(t)/parties").status == .ok)
            #expect(try await api.send(.get, "/v1/tenants/\(t)/parties", token: key).status == .ok)
            #expect(try await browser.get("/ui/t/\(t)/parties").status == .ok)
            let over = try await browser.get("/ui/t/\(t)/parties")
            #expect(over.status == .tooManyRequests && over.html.contains("rate limit"), "\(over.status)")
            #expect(over.headers[.retryAfter].flatMap { Int($0) }.map { $0 > 0 } == true)
            #expect(try await api.send(.get, "/v1/tenants/\(t)/parties", token: key).status == .tooManyRequests, "one bucket")
            var again = TBrowser(client: api.client)
            let refused = try await again.signIn(token: key)
            #expect(refused.status == .tooManyRequests && refused.headers[.retryAfter] != nil, "a sign-in spends it too: \(refused.status)")
            // Another caller's bucket is its own.
            #expect(try await api.send(.get, "/v1/tenants/\(t)/parties").status == .ok)
        }
    }

    @Test func aTenantsOwnLimitAppliesToItsCallersAndOnlyPlatformTokensSetIt() async throws {
        try await withApp { api in
            let t = try await api.makeTenant()
            let admin = try await api.send(.post, "/v1/tenants/\(t)/api-keys", json: #"{"name":"admin","role":"ADMIN"}"#).decode(Key.self).key
            let reader = try await api.send(.post, "/v1/tenants/\(t)/api-keys", json: #"{"name":"reader","role":"MANAGEMENT"}"#).decode(Key.self).key

            // A tenant's own callers may not lift or set their limit.
            let lifted = try await api.send(.patch, "/v1/tenants/\(t)", json: #"{"settings":{"rateLimit":"off"}}"#, token: admin)
            #expect(lifted.status == .forbidden)
            let bad = try await api.send(.patch, "/v1/tenants/\(t)", json: #"{"settings":{"rateLimit":"0/5"}}"#)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.problem?.errors?.map(\.field) == ["settings.rateLimit"])

            // A rate of six decimals is kept as given, and the tenant stays readable (0.00001/1 was stored as 1e-05/1,
            // which no read took again: every request of the tenant failed).
            let tiny = try await api.send(.patch, "/v1/tenants/\(t)", json: #"{"settings":{"rateLimit":"0.00001/1"}}"#)
            #expect(tiny.status == .ok && tiny.text.contains("0.00001"), "\(tiny.text)")
            let read = try await api.send(.get, "/v1/tenants/\(t)")
            #expect(read.status == .ok && (read.text.contains(#""rateLimit":"0.00001\/1""#) || read.text.contains(#""rateLimit":"0.00001/1""#)),
                    "\(read.text)")
            #expect(try await api.send(.get, "/v1/tenants").status == .ok)
            let set = try await api.send(.patch, "/v1/tenants/\(t)", json: #"{"settings":{"rateLimit":"0.01/2"}}"#)
            #expect(set.status == .ok)
            #expect(set.text.contains(#""rateLimit":"0.01\/2""#) || set.text.contains(#""rateLimit":"0.01/2""#), "\(set.text)")
            // Each of the tenant's callers has a bucket of its own; the platform token (no tenant) stays unlimited.
            for key in [admin, reader] {
                #expect(try await api.send(.get, "/v1/tenants/\(t)/parties", token: key).status == .ok)
                #expect(try await api.send(.get, "/v1/tenants/\(t)/parties", token: key).status == .ok)
                let over = try await api.send(.get, "/v1/tenants/\(t)/parties", token: key)
                #expect(over.status == .tooManyRequests)
                #expect(over.headers[.retryAfter].flatMap { Int($0) }.map { (90...100).contains($0) } == true)
            }
            for _ in 0..<5 { #expect(try await api.send(.get, "/v1/tenants/\(t)").status == .ok) }
        }
    }

    /// Refill, on the limiter's own clock (a slow machine can't make it flaky).
    @Test func theBucketRefillsAtItsRate() {
        let limiter = RateLimiter()
        let start = ContinuousClock.now
        for _ in 0..<3 { #expect(limiter.take("k", perSecond: 2, burst: 3, now: start).allowed) }
        let refused = limiter.take("k", perSecond: 2, burst: 3, now: start)
        #expect(!refused.allowed && refused.retryAfter == 1 && refused.reset == 2)
        #expect(limiter.take("k", perSecond: 2, burst: 3, now: start + .milliseconds(600)).allowed)
        #expect(!limiter.take("k", perSecond: 2, burst: 3, now: start + .milliseconds(700)).allowed)
        #expect(limiter.take("other", perSecond: 2, burst: 3, now: start).allowed, "each caller has its own bucket")
    }

    @Test func rulesAreParsedStrictly() throws {
        #expect(RateLimitRule(text: "50/100") == .limit(perSecond: 50, burst: 100))
        #expect(RateLimitRule(text: "0.5/1") == .limit(perSecond: 0.5, burst: 1))
        #expect(RateLimitRule(text: "off") == .off)
        for bad in ["", "50", "/100", "50/", "0/10", "5/0", "-1/5", "5/1.5", "five/10", "50/100/1", "inf/5"] {
            #expect(RateLimitRule(text: bad) == nil, "\(bad)")
        }
        #expect(RateLimitRule.limit(perSecond: 50, burst: 100).description == "50/100")
        // What a request or ROSTER_RATE_LIMIT gives follows the spec's pattern to the letter (it accepted "OFF", " off",
        // "000001/1"); what is stored is read as before.
        for good in ["off", "50/100", "0.5/1", "0.000001/1", "999999.999999/999999"] {
            #expect(RateLimitRule(exactly: good) != nil, "\(good)")
        }
        for bad in ["OFF", " off", "off ", "1/1 ", "000001/1", "1.0000001/1", "01/5", "5/05", "1000000/1", "1/1000000", "0.0/1", "1e3/5"] {
            #expect(RateLimitRule(exactly: bad) == nil, "\(bad)")
        }
        #expect(throws: RosterError.self) { try RateLimitRule.parse("OFF", field: "settings.rateLimit") }
        // Written without an exponent, so that what is written is read again exactly; what was stored with one reads.
        for text in ["0.000001/1", "0.00001/1", "0.5/2", "123456.5/9", "999999.999999/999999"] {
            let rule = try #require(RateLimitRule(exactly: text), "\(text)")
            #expect(rule.description == text && RateLimitRule(exactly: rule.description) == rule, "\(rule.description)")
        }
        #expect(RateLimitRule(text: "1e-05/1") == .limit(perSecond: 0.00001, burst: 1))
    }
}
