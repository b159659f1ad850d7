import Crypto
import Foundation
import RosterCore

/// Seals secrets at rest with AES-256-GCM: a fresh nonce per secret; nonce, ciphertext and tag
/// stored together as base64. The key never leaves the process.
public struct SecretBox: Sendable {
    /// The raw key bytes (`SymmetricKey` is not `Sendable`; one is made for each operation).
    private let keyBytes: Data

    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// A key from its base64 form (`ROSTER_SECRET_KEY`): exactly 32 bytes.
    public init(base64Key: String) throws {
        guard let data = Data(base64Encoded: base64Key.trimmingWhitespace()), data.count == 32 else {
            throw SecretBoxError.badKey
        }
        self.keyBytes = data
    }

    public static func generateKeyBase64() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    public func seal(_ secret: String) throws -> String {
        guard let combined = try AES.GCM.seal(Data(secret.utf8), using: key).combined else { throw SecretBoxError.sealFailed }
        return combined.base64EncodedString()
    }

    public func open(_ sealed: String) throws -> String {
        guard let data = Data(base64Encoded: sealed) else { throw SecretBoxError.corrupt }
        let box = try AES.GCM.SealedBox(combined: data)
        return String(decoding: try AES.GCM.open(box, using: key), as: UTF8.self)
    }
}

public enum SecretBoxError: Error, CustomStringConvertible {
    case badKey, sealFailed, corrupt

    public var description: String {
        switch self {
        case .badKey: "ROSTER_SECRET_KEY must be 32 bytes, base64-encoded (e.g. openssl rand -base64 32)"
        case .sealFailed: "could not encrypt the secret"
        case .corrupt: "the stored secret is not readable with this key"
        }
    }
}
