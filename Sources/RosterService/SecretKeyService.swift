import Foundation
public import RosterCore
public import RosterStore

/// Why the secret key can't be used with this database.
public enum SecretKeyProblem: Error, Equatable {
    /// The database holds secrets (or a key check value) and no key was given.
    case missing
    /// The key given is not the one the database's secrets were sealed with.
    case mismatch
}

/// Checks the secret key against the database at start, and binds older sealed secrets to their rows.
public struct SecretKeyService: Sendable {
    static let checkSetting = "secret_key_check"

    let store: any Store
    let keyring: SecretKeyring

    public init(store: any Store, keyring: SecretKeyring) {
        self.store = store
        self.keyring = keyring
    }

    /// `candidate` is the configured key (or the key file's), `nil` when there is none; `makeKey` creates a key file.
    /// A database that holds a key check value or sealed secrets takes only its own key, and never a new one. The key
    /// that passes goes into the keyring; its check value is stored on first use.
    public func verify(candidate: SecretBox?, makeKey: @Sendable () throws -> SecretBox) async throws {
        let box = try await store.write { tx -> SecretBox in
            if let check = try await tx.installationSetting(Self.checkSetting) {
                guard let candidate else { throw SecretKeyProblem.missing }
                guard candidate.checkValue == check else { throw SecretKeyProblem.mismatch }
                return candidate
            }
            let box: SecretBox
            if let (tenant, account, sealed) = try await tx.anySealedSecret() {
                // Sealed before check values were stored: the key must open what it sealed.
                guard let candidate else { throw SecretKeyProblem.missing }
                guard (try? candidate.open(sealed, tenant: tenant, account: account)) != nil else { throw SecretKeyProblem.mismatch }
                box = candidate
            } else {
                box = try candidate ?? makeKey()
            }
            try await tx.saveInstallationSetting(Self.checkSetting, value: box.checkValue)
            return box
        }
        keyring.set(box)
        try await bindSecretsToRows(box)
    }

    /// Reseals secrets sealed before rows were bound (no associated data) with their tenant and account. Idempotent.
    func bindSecretsToRows(_ box: SecretBox) async throws {
        while true {
            let done = try await store.write { tx -> Int in
                let batch = try await tx.sealedSecrets(notStartingWith: SecretBox.boundPrefix, limit: 200)
                for (tenant, account, sealed) in batch {
                    let plain = try box.open(sealed, tenant: tenant, account: account)
                    try await tx.updatePartnerAccountSecret(tenant: tenant, id: account,
                                                            sealedSecret: try box.seal(plain, tenant: tenant, account: account))
                }
                return batch.count
            }
            if done < 200 { return }
        }
    }
}
