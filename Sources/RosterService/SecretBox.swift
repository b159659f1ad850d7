import Crypto
public import Foundation
public import RosterCore
import Synchronization

/// Seals secrets at rest with AES-256-GCM: a fresh nonce per secret; nonce, ciphertext and tag stored together as
/// base64. Each secret is bound to its row (tenant and account id as associated data), so that a sealed value copied
/// onto another row does not open. The key never leaves the process.
public struct SecretBox: Sendable {
    /// The raw key bytes (`SymmetricKey` is not `Sendable`; one is made for each operation).
    private let keyBytes: Data

    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// Sealed values bound to their row start with this; older ones (unbound) are resealed at start.
    public static let boundPrefix = "v2:"

    /// A key from its base64 form (`ROSTER_SECRET_KEY`): exactly 32 bytes.
    public init(base64Key: String) throws {
        guard let data = Data(base64Encoded: base64Key.trimmingWhitespace()), data.count == 32 else {
            throw SecretBoxError.badKey
        }
        self.keyBytes = data
    }

    /// The key as `ROSTER_SECRET_KEY` and key files hold it (for writing a key file; never shown or logged).
    public var base64Key: String { keyBytes.base64EncodedString() }

    public static func generateKeyBase64() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// Identifies the key without revealing it: stored in the database, so that a start with another key is refused.
    public var checkValue: String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("roster secret key check".utf8), using: key)
        return Data(mac).prefix(16).hexString
    }

    /// A key for another purpose (the console's session cookies), derived with HKDF so that it reveals nothing of this one.
    public func derivedKey(purpose: String) -> Data {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data(purpose.utf8), outputByteCount: 32).withUnsafeBytes { Data($0) }
    }

    static func binding(_ tenant: Tenant.ID, _ account: PartnerAccount.ID) -> Data {
        Data("partner_account:\(tenant.description):\(account.description)".utf8)
    }

    public func seal(_ secret: String, tenant: Tenant.ID, account: PartnerAccount.ID) throws -> String {
        guard let combined = try AES.GCM.seal(Data(secret.utf8), using: key, authenticating: Self.binding(tenant, account)).combined else {
            throw SecretBoxError.sealFailed
        }
        return Self.boundPrefix + combined.base64EncodedString()
    }

    /// Opens a value sealed for this row (or an older one sealed before rows were bound).
    public func open(_ sealed: String, tenant: Tenant.ID, account: PartnerAccount.ID) throws -> String {
        if sealed.hasPrefix(Self.boundPrefix) {
            guard let data = Data(base64Encoded: String(sealed.dropFirst(Self.boundPrefix.count))) else { throw SecretBoxError.corrupt }
            let box = try AES.GCM.SealedBox(combined: data)
            return String(decoding: try AES.GCM.open(box, using: key, authenticating: Self.binding(tenant, account)), as: UTF8.self)
        }
        guard let data = Data(base64Encoded: sealed) else { throw SecretBoxError.corrupt }
        let box = try AES.GCM.SealedBox(combined: data)
        return String(decoding: try AES.GCM.open(box, using: key), as: UTF8.self)
    }
}

/// The key in use: set at start once it was checked against the database (`SecretKeyService.verify`), and again by a
/// rotation (`rotate`) or when this process takes the key another process rotated to (`SecretKeyService.follow`).
/// Retired while the database takes another key and this process has none that matches. The key and the flag change
/// together, under one lock.
public final class SecretKeyring: Sendable {
    private let state: Mutex<(box: SecretBox?, retired: Bool)>

    public init(_ box: SecretBox? = nil) {
        self.state = Mutex((box, false))
    }

    /// The database's key from now on (it seals and opens); a retired keyring is in use again.
    public func set(_ box: SecretBox) {
        state.withLock { $0 = (box, false) }
    }

    public var current: SecretBox? { state.withLock { $0.box } }

    /// The key, and whether it is retired, read together.
    public var snapshot: (box: SecretBox?, retired: Bool) { state.withLock { $0 } }

    /// Set once the database took another key (a rotation by another process): the key held here seals nothing more,
    /// and the console's sessions, sealed under a key derived from it, stop opening.
    public var isRetired: Bool { state.withLock { $0.retired } }

    public func retire() {
        state.withLock { $0.retired = true }
    }

    func require() throws -> SecretBox {
        guard let box = current else { throw RosterError.unavailable("no secret key is loaded") }
        return box
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
