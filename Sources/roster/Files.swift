import ArgumentParser
import Foundation
import Synchronization

/// A command refused what it was given to work on: an input file that is not there or can't be read, an output file
/// that exists. One line, `roster: ` and the reason, and exit 2 ("refused: not found, conflict", README), as `restore`
/// and `audit verify --anchor` did already (import and backup said `Error:` and exited 1; found by a probe).
struct CLIRefusal: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Input and output files of the CLI, with what is wrong with them in words (Foundation's errors are codes).
enum Files {
    /// Why `path` can't be read as an input file, or nil when it can.
    static func unreadable(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "there is no file \(path)" }
        if isDirectory.boolValue { return "\(path) is a directory, not a file" }
        guard FileManager.default.isReadableFile(atPath: path) else { return "\(path) can't be read: permission denied" }
        return nil
    }

    /// Refuses an input file that can't be read, naming why.
    static func requireReadable(_ path: String) throws {
        if let reason = unreadable(path) { throw CLIRefusal(reason) }
    }

    /// Refuses an input that is not a regular file (a pipe, `/dev/stdin`, a FIFO): an import reads its file twice (its
    /// checksum and line count first, for resuming and the progress bar), and a pipe's second reading found nothing.
    static func requireRegular(_ path: String) throws {
        try requireReadable(path)
        guard let type = try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType,
              type == .typeRegular || path == "/dev/null" else {
            throw CLIRefusal("\(path) is not a regular file: an import reads its file twice (to resume after an interruption), "
                             + "so save the data to a file first")
        }
    }

    /// Creates `path` for writing, mode 0600, never over an existing file (O_EXCL: not one that appears meanwhile
    /// either): its descriptor, or an error saying why not.
    /// A terminal, a pipe or another device (`/dev/stdout`, `/dev/stderr`, a FIFO) is written to as it is: nothing there
    /// is overwritten (`--errors /dev/stdout` was refused as existing; found by a probe). Only a file this made may be
    /// removed again (`created`): an export that failed on `/dev/full` removed the device; found by a probe.
    static func create(_ path: String) throws -> Output {
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard descriptor < 0 else { return Output(path: path, descriptor: descriptor, created: true) }
        var code = errno
        var info = stat()
        if code == EEXIST, stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFCHR || (info.st_mode & S_IFMT) == S_IFIFO {
            let device = open(path, O_WRONLY)
            if device >= 0 { return Output(path: path, descriptor: device, created: false) }
            code = errno
        }
        let reason = switch code {
        case EEXIST: "it exists already, and nothing is overwritten"
        case ENOENT: "its folder does not exist"
        case EACCES: "permission denied"
        case EISDIR: "it is a directory"
        default: String(cString: strerror(code))
        }
        throw CLIRefusal("can't create \(path): \(reason)")
    }
}

/// An output of a command: a file it made (`created`), or a device or pipe that was there.
struct Output {
    let path: String
    let descriptor: Int32
    let created: Bool

    /// Removes the file, if this command made it (a partial export would pass for a whole one); never a device.
    func removeIfCreated() {
        if created { try? FileManager.default.removeItem(atPath: path) }
    }

    /// One line naming the output and why a write failed (a full disk, a closed pipe), not Foundation's error dump.
    func failure(_ error: any Error) -> StandardOutput.Failure {
        StandardOutput.failure(error, writing: path)
    }
}

/// Standard output, whose failures (a full disk, a closed pipe) end the command with one line and exit 1, not a crash
/// (`FileHandle.write(_:)` traps) nor a Foundation error dump (found by a probe).
enum StandardOutput {
    struct Failure: Error {
        let message: String
    }

    static func write(_ data: Data) throws {
        do {
            try FileHandle.standardOutput.write(contentsOf: data)
        } catch {
            throw failure(error)
        }
    }

    /// Flushes what `print` buffered (a command's few lines stay in the buffer until here), and reports a failed write.
    static func flush() throws {
        if fflush(nil) != 0 {
            throw Failure(message: "can't write standard output: \(String(cString: strerror(errno)))")
        }
    }

    /// One line naming what was being written (`name`: standard output, or a file's path) and why the write failed.
    static func failure(_ error: any Error, writing name: String = "standard output") -> Failure {
        let posix = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        let reason = posix.map { String(cString: strerror(Int32($0.code))) } ?? (error as NSError).localizedDescription
        return Failure(message: "can't write \(name): \(reason)")
    }
}

/// Files a command is making that an interruption (SIGINT, SIGTERM, SIGHUP) must not leave behind: an export cut short
/// ends on a whole row and passed for a whole one, a restore cut short left an unchecked database that every command
/// then used (found by a probe). While any are registered, the signal removes them and then ends the process as it would
/// have (by the signal: a shell still sees 130 or 143).
///
/// The handler is installed with `signal(2)` (in place at once: a source of libdispatch's is installed later, on its
/// manager thread, and a signal in between was lost; found by a review) and does only what a signal handler may:
/// `unlink`, `signal`, `raise` on paths kept as C strings in fixed slots.
enum Interruption {
    fileprivate static let capacity = 8
    fileprivate nonisolated(unsafe) static let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let slots = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        slots.initialize(repeating: nil, count: capacity)
        return slots
    }()
    private static let lock = Mutex(())
    private static let installed: Void = {
        for number in [SIGINT, SIGTERM, SIGHUP] { signal(number, removeInterrupted) }
    }()

    /// Runs `body`; the files at `paths` are removed if the process is interrupted meanwhile. (A path's C string is
    /// never freed: the handler may be reading it, and a command is one process.)
    static func removing<T>(_ paths: [String], _ body: () async throws -> T) async rethrows -> T {
        _ = slots
        let taken = lock.withLock { _ -> [Int] in
            var taken: [Int] = []
            for path in paths {
                guard let slot = (0..<capacity).first(where: { slots[$0] == nil && !taken.contains($0) }) else { break }
                slots[slot] = strdup(path)
                taken.append(slot)
            }
            return taken
        }
        _ = installed
        defer { lock.withLock { _ in for slot in taken { slots[slot] = nil } } }
        return try await body()
    }
}

/// The signal handler of `Interruption`.
private func removeInterrupted(_ number: Int32) {
    for slot in 0..<Interruption.capacity {
        if let path = Interruption.slots[slot] { unlink(path) }
    }
    signal(number, SIG_DFL)
    raise(number)
}
