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
    /// The check values of the keys rotations replaced, one a line: a rotation never goes back to one (a replaced key may
    /// have leaked, and the console's sessions sealed under it would open again; found by a probe).
    static let formerSetting = "secret_key_former"

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

    /// Reseals every partner-account secret under `newKey` and makes it the database's key (its check value), in one
    /// transaction: either every secret opens with the new key afterwards, or nothing changed. The key in use must open
    /// every secret; one that does not (a value copied onto another row, or altered) stops the rotation, named, as it
    /// would otherwise be lost. Afterwards this process uses the new key; other processes still holding the old one refuse
    /// to seal or reveal (`requireCurrent`) until they take the new key (`follow`, from their key file) or are restarted
    /// with it. The check value's row is locked for the rotation
    /// (PostgreSQL): a transaction sealing a secret under the old key either commits before the rotation reads the
    /// secrets (and is resealed with them) or waits for it and then refuses. Each resealed account gets an entry in its
    /// tenant's audit chain (`partner_account.reseal`, field `secret`, by the caller), in the same transaction. Returns
    /// how many were resealed. `batch`: secrets read at a time.
    public func rotate(to newKey: SecretBox, batch: Int = 500, context: OperationContext) async throws -> Int {
        let old = try keyring.require()
        guard newKey.checkValue != old.checkValue else {
            throw RosterError.invalid("newKey", "is the key in use: a rotation needs another key")
        }
        let count = try await store.write { tx -> Int in
            if let check = try await tx.lockedInstallationSetting(Self.checkSetting, exclusive: true), check != old.checkValue {
                throw RosterError.conflict("the database's secret key was changed by another process meanwhile; nothing was resealed")
            }
            let former = (try await tx.installationSetting(Self.formerSetting))?.split(separator: "\n").map(String.init) ?? []
            if former.contains(newKey.checkValue) {
                throw RosterError.invalid("newKey", """
                    is a key this database took before, which a rotation replaced: a rotation needs a key never used (a replaced \
                    key may have leaked); nothing was resealed
                    """)
            }
            var after: (Tenant.ID, PartnerAccount.ID)?
            var count = 0
            var unreadable: [String] = []
            while true {
                let found = try await tx.sealedSecrets(after: after, limit: batch)
                var events: [AuditEvent] = []
                for (tenant, account, sealed) in found {
                    guard let plain = try? old.open(sealed, tenant: tenant, account: account) else {
                        unreadable.append("partner account \(account) of tenant \(tenant)")
                        continue
                    }
                    try await tx.updatePartnerAccountSecret(tenant: tenant, id: account,
                                                            sealedSecret: try newKey.seal(plain, tenant: tenant, account: account))
                    events.append(AuditEvent(tenantID: tenant, context: context, action: "partner_account.reseal",
                                             targetType: "partner_account", targetID: account.description, fields: ["secret"]))
                    count += 1
                }
                try await tx.appendAudit(events)
                guard let last = found.last, found.count == batch else { break }
                after = (last.0, last.1)
            }
            if !unreadable.isEmpty {
                let named = unreadable.prefix(10).joined(separator: ", ") + (unreadable.count > 10 ? " and \(unreadable.count - 10) more" : "")
                throw RosterError.conflict("""
                    \(unreadable.count) stored secret(s) do not open with the key in use (\(named)): sealed under another key, or \
                    copied from another account, or altered; set a new secret on each (PATCH .../partner-accounts/{id}) or delete \
                    it, then rotate; nothing was resealed
                    """)
            }
            try await tx.saveInstallationSetting(Self.checkSetting, value: newKey.checkValue)
            try await tx.saveInstallationSetting(Self.formerSetting, value: (former + [old.checkValue]).joined(separator: "\n"))
            return count
        }
        keyring.set(newKey)
        // SQLite: the commit on disk (the checkpoint syncs it) before a key file says it happened, and the values sealed
        // under the old key overwritten in the file (`secure_delete`), not only in the log.
        try? await store.checkpoint()
        return count
    }

    /// Inside a transaction that seals or opens a secret: the key this process holds must still be the database's. A
    /// rotation by another process makes it stale: sealing with it would leave a secret no current key opens. The row
    /// stays locked (shared) until the transaction ends, so that a rotation can't commit in between.
    static func requireCurrent(_ box: SecretBox, _ tx: any StoreTransaction) async throws {
        if let check = try await tx.lockedInstallationSetting(checkSetting, exclusive: false), check != box.checkValue {
            throw RosterError.unavailable(Self.staleKey)
        }
    }

    static let staleKey = """
        the secret key was rotated (roster secret-key rotate) after this server started: give it the new key (in its key \
        file, taken within 2 s; or in ROSTER_SECRET_KEY, with a restart)
        """

    /// What `follow` found.
    public enum Following: Sendable, Equatable {
        /// Nothing changed: the key held here is the database's, or still retired (or the database can't be read now:
        /// the next look tells).
        case unchanged
        /// The database took another key, and `reload` gave it: this process uses it from now on.
        case adopted
        /// The key held here, retired, is the database's again (restored from a backup made before the rotation, or
        /// its check value set back; a rotation never goes back to a key it replaced): in use again.
        case reinstated
        /// The database took another key, and this process has none that matches: its key is retired.
        case retired
    }

    /// Follows a rotation by another process. When the database takes another key than this process holds, `reload`
    /// (the key file read again, `nil` for a key from the environment) is asked for it: a key whose check value is the
    /// database's is taken (from `roster secret-key rotate`'s own key file, or one the operator moved into place), else
    /// the key held here is retired and stays so until a key matches. Either way, the console's sessions sealed under a
    /// key derived from the old one stop opening.
    public func follow(reload: (@Sendable () -> SecretBox?)?) async -> Following {
        let (held, retired) = keyring.snapshot
        guard let held, let stored = try? await storedCheckValue() else { return .unchanged }
        if stored == held.checkValue {
            guard retired else { return .unchanged }
            keyring.set(held)
            return .reinstated
        }
        if let key = reload?(), key.checkValue == stored {
            keyring.set(key)
            return .adopted
        }
        if retired { return .unchanged }
        keyring.retire()
        return .retired
    }

    /// The check value of the key the database takes now (`nil`: none recorded yet).
    public func storedCheckValue() async throws -> String? {
        try await store.read { tx in try await tx.installationSetting(Self.checkSetting) }
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
