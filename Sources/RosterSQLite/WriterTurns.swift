import Foundation

/// Turns at SQLite's write lock between processes (issue 12: a `roster import` beside `roster serve`).
///
/// SQLite lets whoever asks first after a commit have the lock, and a writer that commits and begins again at once
/// (an import's batches) leaves a waiter polling for it only a gap of microseconds: a probe saw a server's writes (and
/// so its audited reads) wait out a whole import, failing busy after 5 s. So a writer that finds the lock taken says it
/// waits, by holding a shared `flock` on a file beside the database (`<database>-writers`), until it has the lock; a
/// writer about to begin first checks that nobody holds it shared, and otherwise lets the waiters go first (for a
/// moment at most: `SQLiteDatabase`). A process that dies drops its `flock` with it; a writer that is not Roster (the
/// `sqlite3` shell) takes no part. `flock` locks are apart from SQLite's POSIX locks on the database and its WAL, so
/// they can't interfere; a file of its own, because a second descriptor on the database, once closed, would drop the
/// process's POSIX locks on it.
struct WriterTurns: Sendable {
    private let descriptor: Int32

    /// Opens (creating, mode 0600) the file beside the database at `path`; nil when it can't be (a read-only folder,
    /// a file another user made): writers then take the lock as SQLite hands it out.
    static func open(databasePath path: String) -> WriterTurns? {
        let descriptor = Foundation.open(path + "-writers", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        return descriptor >= 0 ? WriterTurns(descriptor: descriptor) : nil
    }

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Whether no other writer says it waits (one that does holds the file shared).
    func noneWaiting() -> Bool {
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { return false }
        flock(descriptor, LOCK_UN)
        return true
    }

    /// Says this writer waits; false when that could not be said now (another writer was checking: try again).
    func startWaiting() -> Bool {
        flock(descriptor, LOCK_SH | LOCK_NB) == 0
    }

    func stopWaiting() {
        flock(descriptor, LOCK_UN)
    }

    /// Once, when the database closes.
    func close() {
        _ = Foundation.close(descriptor)
    }
}
