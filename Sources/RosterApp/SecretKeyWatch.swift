import Logging
import RosterService
import ServiceLifecycle

/// Looks every `interval` whether another process rotated the secret key (`roster secret-key rotate`). Once it did, a
/// server whose key comes from a key file reads the file again and takes the new key when it is the database's (a
/// rotation in place, or a key file the operator replaced); else its key is retired until the file holds the new key or
/// the server is restarted with it. Either way, the console's sessions, sealed under a key derived from the old key, stop
/// opening (a leaked key forges none). Until then reveals and secret changes are refused anyway
/// (`SecretKeyService.requireCurrent`).
struct SecretKeyWatch: Service {
    let secretKeys: SecretKeyService
    /// The key file read again; nil for a key from `ROSTER_SECRET_KEY`.
    let reload: (@Sendable () -> SecretBox?)?
    /// Where the key comes from, for the log.
    let source: String
    let interval: Duration
    let logger: Logger
    /// Looks after a retirement before it is logged as an error, when a key file may yet bring the new key: a rotation in
    /// place writes the file only after its commit (and, on SQLite, a checkpoint), so a look in between retires the key
    /// for a moment in every routine rotation.
    var patience = 3

    func run() async throws {
        await cancelWhenGracefulShutdown {
            // Looks since the key was retired, while the error is not yet logged.
            var retiredFor: Int?
            // It runs until the server stops: a service that returns stops the server.
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                switch await secretKeys.follow(reload: reload) {
                case .unchanged:
                    guard let looks = retiredFor else { break }
                    retiredFor = looks + 1 < patience ? looks + 1 : nil
                    if retiredFor == nil { logRetired() }
                case .adopted:
                    retiredFor = nil
                    logger.notice("""
                        the secret key was rotated (roster secret-key rotate): this server took the new key from \(source); \
                        console sessions signed in before end
                        """)
                    // As start warns of it (a probe saw a loosened replacement taken without a word).
                    if let mode = KeyFiles.looseMode(source) {
                        logger.warning("""
                            the secret key file \(source) may be read by others than its owner (mode \(String(mode, radix: 8))): \
                            chmod 600 it
                            """)
                    }
                case .reinstated:
                    retiredFor = nil
                    logger.notice("""
                        the database takes this server's secret key again (restored from a backup, or its check value set \
                        back): secrets are served again
                        """)
                case .retired:
                    if reload == nil {
                        logRetired()
                    } else {
                        retiredFor = 1
                        logger.notice("the secret key was rotated (roster secret-key rotate): looking for the new key in \(source)")
                    }
                }
            }
        }
    }

    func logRetired() {
        logger.error("""
            the secret key was rotated (roster secret-key rotate) and \(source) does not hold the database's key (or can't be \
            read): console sessions end and secrets are refused until \(reload == nil ? "this server is restarted with the new key"
                                                                                     : "it holds the new key, or this server is restarted with it")
            """)
    }
}
