/// A body's bytes measured window by window: once a window has passed, the bytes it brought must average at least
/// `perSecond`, and the next window starts. An average over the whole body let a fast first burst pay for a trickle
/// after it (200 KB at once, then a byte every 9 s, held a connection for a minute; two 2 MB uploads held a tenant's
/// import slots for minutes: found by a probe). A body that stops altogether is the idle timeout's.
public struct MinimumRate: Sendable {
    public let perSecond: Double
    public let window: Duration
    private var windowStart: ContinuousClock.Instant
    private var windowBytes = 0

    public init(perSecond: Double, window: Duration, start: ContinuousClock.Instant = .now) {
        self.perSecond = perSecond
        self.window = window
        self.windowStart = start
    }

    /// Counts `bytes` that arrived at `now`; false when a window has passed with fewer bytes than the rate asks.
    public mutating func admit(_ bytes: Int, now: ContinuousClock.Instant = .now) -> Bool {
        windowBytes += bytes
        let elapsed = now - windowStart
        guard elapsed > window else { return true }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        guard Double(windowBytes) / seconds >= perSecond else { return false }
        windowStart = now
        windowBytes = 0
        return true
    }
}
