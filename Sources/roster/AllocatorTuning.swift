#if os(Linux) && canImport(Glibc)
import Glibc

/// glibc's allocator, tuned for the commands that serve or move many records.
///
/// A request allocates and frees many small blocks (NIO's buffers, HTTP fields, the generated layer's values, rows),
/// and with glibc's default of 7 cached blocks per size and thread most of them went through the arena: `malloc`,
/// `free`, `malloc_consolidate` and `unlink_chunk` were 8% of a GET's time in `perf` (2026-12-05). A larger per-thread
/// cache (`glibc.malloc.tcache_count`) took a GET of a party from 167-223 to 151-171 µs of the server's CPU, as much
/// as jemalloc or mimalloc in its place (Benchmarks/results.md). glibc reads its tunables only when a program starts,
/// so these commands start themselves again, once, with the setting added to `GLIBC_TUNABLES`; an operator's own
/// `glibc.malloc.tcache_count` is kept as given.
enum AllocatorTuning {
    static let variable = "GLIBC_TUNABLES"
    static let setting = "glibc.malloc.tcache_count=1024"
    /// The commands worth the second start.
    static let commands: Set<String> = ["serve", "import", "export", "bench"]

    /// Starts this program again with the setting when `arguments` name one of `commands` and the setting is not in
    /// force yet. Returns only when it is in force or can't be (no `/proc/self/exe`): the command then runs as is.
    static func apply(arguments: [String]) {
        guard let command = arguments.dropFirst().first, commands.contains(command) else { return }
        // A set-user-id start (secure mode) may have the loader drop tunables: no second start there, which could
        // then repeat itself.
        guard getuid() == geteuid(), getgid() == getegid() else { return }
        let current = getenv(variable).map { String(cString: $0) }
        guard !setsCacheSize(current) else { return }
        let value = current.map { $0.isEmpty ? setting : $0 + ":" + setting } ?? setting
        // The program's own path, not `/proc/self/exe`: the kernel names a process after the file it was started
        // from, and `pgrep roster`, `top` and the journal would see `exe`.
        guard let path = executablePath(), setenv(variable, value, 1) == 0 else { return }
        execv(path, CommandLine.unsafeArgv)
        // Not started again: go on with the allocator as it is.
    }

    /// Whether `tunables` (the variable's value: `name=value` items joined by `:`) give `glibc.malloc.tcache_count` a
    /// value, as glibc reads it: an item named exactly so, with a value.
    static func setsCacheSize(_ tunables: String?) -> Bool {
        guard let tunables else { return false }
        return tunables.split(separator: ":").contains { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return parts.count == 2 && parts[0] == "glibc.malloc.tcache_count" && !parts[1].isEmpty
        }
    }

    /// The running program's file (`/proc/self/exe` resolved), or nil.
    static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        let path = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // A file replaced while running (an upgrade) reads as "PATH (deleted)": start that process as it was, not again.
        return path.hasSuffix(" (deleted)") ? nil : path
    }
}
#else
enum AllocatorTuning {
    static func apply(arguments: [String]) {}
    static func setsCacheSize(_ tunables: String?) -> Bool { false }
}
#endif
