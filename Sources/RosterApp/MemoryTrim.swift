#if canImport(Glibc)
import Glibc
#endif
public import ServiceLifecycle

/// Runs in `roster serve`: every 30 s, hands the allocator's free pages back to the system (glibc's `malloc_trim`).
/// glibc keeps what was freed in its arenas: after a burst of connections that had all closed, a server stayed at 345
/// MB where it had started at 49, and a soak of exports climbed to 270 MB (found by a probe). Measured: 3,000
/// connections opened and closed left 210 MB resident; one trim, 88 MB (Benchmarks/results.md).
public struct MemoryTrim: Service {
    let interval: Duration

    public init(interval: Duration = .seconds(30)) {
        self.interval = interval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                _ = Self.trim()
            }
        }
    }

    /// Releases the free pages now; false where there is no `malloc_trim` (not glibc).
    @discardableResult
    public static func trim() -> Bool {
        #if canImport(Glibc)
        guard let mallocTrim else { return false }
        _ = mallocTrim(0)
        return true
        #else
        return false
        #endif
    }

    #if canImport(Glibc)
    /// `malloc.h` is not in Swift's Glibc module: the function is looked up once, and called as C.
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        guard let symbol = dlsym(nil, "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
    }()
    #endif
}
