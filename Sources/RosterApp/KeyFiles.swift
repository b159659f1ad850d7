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
    }

    /// Creates `path` holding a new key; fails when anything is there already.
    public static func create(_ path: String) throws -> SecretBox {
        let text = SecretBox.generateKeyBase64()
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure(description: "could not create the key file \(path): \(lastError())") }
        let bytes = Array((text + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced else {
            let reason = lastError()
            unlink(path)
            throw Failure(description: "could not write the key file \(path): \(reason)")
        }
        syncDirectory(of: path)
        return try SecretBox(base64Key: text)
    }

    /// Puts `pending` in the place of `path`, and keeps what `path` held as `path.old` (replacing an older one), so that
    /// the key the database took until now stays at hand until every server runs with the new one.
    public static func install(_ pending: String, as path: String) throws {
        let old = path + ".old"
        unlink(old)
        guard link(path, old) == 0 || errno == ENOENT else {
            throw Failure(description: "could not keep \(path) as \(old): \(lastError())")
        }
        guard rename(pending, path) == 0 else { throw Failure(description: "could not move \(pending) to \(path): \(lastError())") }
        syncDirectory(of: path)
    }

    /// Whether `path` is a symbolic link (a rotation in place would replace the link, not the file it names).
    public static func isSymbolicLink(_ path: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeSymbolicLink
    }

    /// The mode bits of a file others than its owner may use, or nil.
    public static func looseMode(_ path: String) -> Int? {
        guard let mode = (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue,
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
