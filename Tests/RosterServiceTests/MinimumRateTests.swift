import RosterService
import Testing

/// A body's rate is measured window by window: a fast first burst does not pay for a trickle after it (200 KB at once,
/// then a byte every 9 s, held a connection for a minute; found by a probe).
@Suite("Minimum body rate")
struct MinimumRateTests {
    let start = ContinuousClock.now

    func at(_ seconds: Double) -> ContinuousClock.Instant { start + .milliseconds(Int(seconds * 1000)) }

    @Test func aBurstDoesNotPayForATrickleAfterIt() {
        var rate = MinimumRate(perSecond: 4096, window: .seconds(10), start: start)
        let burst = rate.admit(400_000, now: at(0.1))
        #expect(burst)
        // A byte every 3 s: the first window averages well above 4 KiB/s, the second far below.
        var cut: Double?
        for second in stride(from: 3.0, to: 60, by: 3) where cut == nil && !rate.admit(1, now: at(second)) {
            cut = second
        }
        // The first window ends at the byte of 12 s (its average is the burst's), the second at 24 s: cut there.
        #expect(cut == 24, "cut at \(String(describing: cut)) s")
    }

    @Test func aSteadyBodyAndASmallQuickOneAreAdmitted() {
        var steady = MinimumRate(perSecond: 4096, window: .seconds(10), start: start)
        for tenth in 1...600 {
            let admitted = steady.admit(500, now: at(Double(tenth) / 10))  // 5,000 bytes a second
            #expect(admitted, "at \(Double(tenth) / 10) s")
        }
        var small = MinimumRate(perSecond: 4096, window: .seconds(10), start: start)
        let first = small.admit(300, now: at(0.5)), second = small.admit(300, now: at(9.5))
        #expect(first && second)
    }

    @Test func aTrickleFromTheStartIsCutOnceTheWindowHasPassed() {
        var rate = MinimumRate(perSecond: 4096, window: .seconds(10), start: start)
        let early = rate.admit(1, now: at(5)), late = rate.admit(1, now: at(10.5))
        #expect(early && !late)
    }
}
