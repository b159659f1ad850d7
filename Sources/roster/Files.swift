import ArgumentParser
import Foundation

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

    /// Refuses (a usage error) an input file that can't be read, naming why.
    static func requireReadable(_ path: String) throws {
        if let reason = unreadable(path) { throw ValidationError(reason) }
    }

    /// Creates `path` for writing, mode 0600, never over an existing file (O_EXCL: not one that appears meanwhile
    /// either): its descriptor, or an error saying why not.
    static func create(_ path: String) throws -> Int32 {
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard descriptor < 0 else { return descriptor }
        let code = errno
        let reason = switch code {
        case EEXIST: "it exists already, and nothing is overwritten"
        case ENOENT: "its folder does not exist"
        case EACCES: "permission denied"
        case EISDIR: "it is a directory"
        default: String(cString: strerror(code))
        }
        throw ValidationError("can't create \(path): \(reason)")
    }
}
