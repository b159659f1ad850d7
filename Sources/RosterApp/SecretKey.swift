import Foundation
import RosterService

extension RosterConfiguration {
    /// The key for secrets at rest: `ROSTER_SECRET_KEY`, else the key file, created with mode 0600 when missing.
    func loadSecretBox() throws -> SecretBox {
        if let secretKey { return try SecretBox(base64Key: secretKey) }
        let path = secretKeyFile ?? RosterDatabase.sqlitePath(databaseURL).map {
            URL(fileURLWithPath: $0).deletingPathExtension().appendingPathExtension("key").path
        } ?? "roster.key"
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) {
            let key = SecretBox.generateKeyBase64()
            // Created with 0600 from the start, and never replaced: a new key would make stored secrets unreadable.
            guard manager.createFile(atPath: path, contents: Data((key + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
                throw SecretKeyError.cannotCreate(path)
            }
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try SecretBox(base64Key: text)
    }
}

enum SecretKeyError: Error, CustomStringConvertible {
    case cannotCreate(String)

    var description: String {
        switch self {
        case .cannotCreate(let path): "could not create the secret key file \(path); set ROSTER_SECRET_KEY instead"
        }
    }
}
