import Foundation
@testable import RosterWeb
import Testing

@Suite struct SessionSealerTests {
    let key = Data((0..<32).map { UInt8($0) })

    func sealer(_ key: Data? = nil) -> SessionSealer {
        SessionSealer(keyBytes: key ?? self.key, idleTimeout: 600, absoluteTimeout: 3600)
    }

    @Test func opensWhatItSealed() throws {
        let start = Date(timeIntervalSince1970: 1_000_000)
        let session = WebSession(csrf: WebSession.randomToken(), token: "rk_secret", issuedAt: start.timeIntervalSince1970,
                                 seenAt: start.timeIntervalSince1970)
        let value = try sealer().seal(session)
        #expect(!value.contains("rk_secret"), "the credential is not readable in the cookie")
        #expect(value.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }, "a valid cookie value")
        #expect(sealer().open(value, now: start.addingTimeInterval(599)) == session)
        #expect(session.csrf.count == 64)
    }

    @Test func refusesExpiredAlteredAndForeignSessions() throws {
        let start = Date(timeIntervalSince1970: 1_000_000)
        var session = WebSession(csrf: "c", token: "t", issuedAt: start.timeIntervalSince1970, seenAt: start.timeIntervalSince1970)
        let value = try sealer().seal(session)
        #expect(sealer().open(value, now: start.addingTimeInterval(601)) == nil, "idle timeout")
        session.seenAt = start.addingTimeInterval(3500).timeIntervalSince1970
        let busy = try sealer().seal(session)
        #expect(sealer().open(busy, now: start.addingTimeInterval(3550)) != nil)
        #expect(sealer().open(busy, now: start.addingTimeInterval(3601)) == nil, "absolute timeout")
        var altered = Array(value)
        altered[altered.count / 2] = altered[altered.count / 2] == "A" ? "B" : "A"
        #expect(sealer().open(String(altered), now: start) == nil)
        #expect(sealer(Data(repeating: 7, count: 32)).open(value, now: start) == nil, "another key")
        #expect(sealer().open("", now: start) == nil)
        #expect(sealer().open(String(repeating: "A", count: 10_000), now: start) == nil)
    }
}
