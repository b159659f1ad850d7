import Foundation
public import RosterService
#if canImport(Glibc)
import Glibc
#endif

/// Key files written as a key deserves: created new (never over a file, never through a link), mode 0600 from their
/// first byte, and on disk (the file and its directory synced) before they count.
public enum KeyFiles {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        /// Something was at the path already.
        public var exists = false
    }

    /// Creates `path` holding a new key; fails when anything is there already (`Failure.exists`). With `locked`, the
    /// file's lock is held until `release` is called (a rotation's KEYFILE.new: another rotation tells a running one's
    /// file from one left by a rotation that stopped); else `release` does nothing.
    public static func create(_ path: String, locked: Bool = false) throws -> (key: SecretBox, release: @Sendable () -> Void) {
        let key = try SecretBox(base64Key: SecretBox.generateKeyBase64())
        let descriptor = try write(key, to: path, keepOpen: locked)
        return (key, { if descriptor >= 0 { close(descriptor) } })
    }

    /// The key `path` holds, or nil when it holds none (no file, not readable, not a base64 AES-256 key).
    public static func read(_ path: String) -> SecretBox? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? SecretBox(base64Key: String(decoding: data, as: UTF8.self))
    }

    /// Whether a process holds the lock of `path` (a running rotation's KEYFILE.new); when none does, `body` runs
    /// holding it.
    public static func unlessLocked<T>(_ path: String, _ body: () async throws -> T) async throws -> T? {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return try await body() }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { return nil }
        return try await body()
    }

    /// Whether a process holds the lock of `path` (a running rotation's KEYFILE.new); false when nothing is there.
    public static func isLocked(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return flock(descriptor, LOCK_SH | LOCK_NB) != 0
    }

    /// Waits while a process holds the lock of `path` (a running rotation's KEYFILE.new), at most `limit`; whether it
    /// is free (or gone) now.
    public static func waitWhileLocked(_ path: String, limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while isLocked(path) {
            guard ContinuousClock.now < deadline else { return false }
            do { try await Task.sleep(for: .milliseconds(50)) } catch { return false }
        }
        return true
    }

    /// Writes `key` into a new file at `path` (nothing may be there), 0600, synced with its directory; with `keepOpen`,
    /// locked and left open (its descriptor is answered), else closed (-1). The key is written whole to a file of this
    /// call's own first, which is then linked to `path`: a process starting meanwhile finds no file or the whole key,
    /// never an empty one (two processes starting at once on a new database; found by a review). On a file system
    /// without hard links (vfat, some FUSE and SMB mounts) the file is made in place, as before (readers wait out an
    /// empty one: `SecretKey.swift`).
    @discardableResult
    static func write(_ key: SecretBox, to path: String, keepOpen: Bool = false) throws -> Int32 {
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = try fill(temporary, with: key, naming: path, locked: keepOpen)
        // `link` never replaces what is there (a file, or a link, dangling or not).
        let linked = link(temporary, path) == 0
        let linkError = errno
        unlink(temporary)
        guard linked else {
            close(descriptor)
            switch linkError {
            case EEXIST:
                throw Failure(description: "\(path) exists", exists: true)
            case EPERM, EOPNOTSUPP, ENOSYS, EXDEV:
                let direct = try fill(path, with: key, naming: path, locked: keepOpen)
                syncDirectory(of: path)
                if keepOpen { return direct }
                close(direct)
                return -1
            default:
                throw Failure(description: "could not create the key file \(path): \(String(cString: strerror(linkError)))")
            }
        }
        syncDirectory(of: path)
        if keepOpen { return descriptor }
        close(descriptor)
        return -1
    }

    /// Creates `file` (nothing may be there: `Failure.exists`), 0600, holding `key`, synced; locked with `locked`. Its
    /// descriptor, open. `path`: the key file it is for, named in errors.
    private static func fill(_ file: String, with key: SecretBox, naming path: String, locked: Bool) throws -> Int32 {
        let descriptor = open(file, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let exists = errno == EEXIST
            throw Failure(description: exists ? "\(path) exists" : "could not create the key file \(path): \(lastError())", exists: exists)
        }
        if locked { _ = flock(descriptor, LOCK_EX) }
        let bytes = Array((key.base64Key + "\n").utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            let reason = lastError()
            close(descriptor)
            unlink(file)
            throw Failure(description: "could not write the key file \(path): \(reason)")
        }
        return descriptor
    }

    /// Puts `key` in the place of `path` once the database took it, from the key's own bytes (not from `pending`, which
    /// an operator may have moved meanwhile), and keeps what `path` held as `path.old` (`path.old.2`, … when taken: an
    /// older key is never replaced, backups made before need it). `pending` is removed last. Answers where the key
    /// before went.
    @discardableResult
    public static func install(_ key: SecretBox, pending: String, as path: String) throws -> String? {
        let staged = path + ".staged-\(getpid())"
        unlink(staged)
        try write(key, to: staged)
        var kept: String?
        if FileManager.default.fileExists(atPath: path) {
            var number = 1
            var old = path + ".old"
            while FileManager.default.fileExists(atPath: old) || KeyFiles.isSymbolicLink(old) {
                number += 1
                old = path + ".old.\(number)"
            }
            guard link(path, old) == 0 else {
                unlink(staged)
                throw Failure(description: "could not keep \(path) as \(old): \(lastError())")
            }
            kept = old
        }
        guard rename(staged, path) == 0 else {
            let reason = lastError()
            unlink(staged)
            throw Failure(description: "could not move the new key to \(path): \(reason)")
        }
        syncDirectory(of: path)
        unlink(pending)
        return kept
    }

    /// Removes the files a process killed while it made a key file beside `path` left: `….tmp-PID-N` and
    /// `path.staged-PID` of a process that is gone. They hold keys no database took (the link into place, or the rename,
    /// never happened), and nothing else removes them. Answers their names.
    @discardableResult
    public static func clearAbandoned(beside path: String) -> [String] {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        let name = url.lastPathComponent
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var cleared: [String] = []
        for entry in names where entry.hasPrefix(name + ".") {
            let parts = entry.dropFirst(name.count).split(separator: ".", omittingEmptySubsequences: false)
            // `.tmp-PID-N` after the name or after `.new`/`.staged-PID`; `.staged-PID` alone.
            guard let last = parts.last, let pid = Self.maker(of: last) else { continue }
            guard pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            if unlink(directory.appendingPathComponent(entry).path) == 0 { cleared.append(entry) }
        }
        return cleared
    }

    /// The process id in a temporary key file's last name part (`tmp-PID-N`, `staged-PID`).
    static func maker(of part: Substring) -> pid_t? {
        let pieces = part.split(separator: "-")
        switch (pieces.first, pieces.count) {
        case ("tmp", 3): return pid_t(pieces[1])
        case ("staged", 2): return pid_t(pieces[1])
        default: return nil
        }
    }

    /// The key files a rotation leaves beside `path`: `path.new` and every `path.old…`, newest first as far as the
    /// names tell.
    public static func leftovers(of path: String) -> [String] {
        let url = URL(fileURLWithPath: path)
        let name = url.lastPathComponent
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)) ?? []
        let olds = names.filter { $0 == name + ".old" || $0.hasPrefix(name + ".old.") }
            .sorted { (Int($0.split(separator: ".").last ?? "") ?? 1) > (Int($1.split(separator: ".").last ?? "") ?? 1) }
        return [path + ".new"] + olds.map { url.deletingLastPathComponent().appendingPathComponent($0).path }
    }

    /// Whether `path` is a symbolic link (a rotation in place would replace the link, not the file it names).
    public static func isSymbolicLink(_ path: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeSymbolicLink
    }

    /// The mode bits of a file others than its owner may use, or nil; of the file a link names (a link's own mode is 777).
    public static func looseMode(_ path: String) -> Int? {
        let file = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let mode = (try? FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber)?.intValue,
              mode & 0o077 != 0 else { return nil }
        return mode & 0o777
    }

    static func syncDirectory(of path: String) {
        let directory = open(URL(fileURLWithPath: path).deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { return }
        _ = fsync(directory)
        close(directory)
    }

    static func lastError() -> String { String(cString: strerror(errno)) }
}
