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

    func run() async throws {
        await cancelWhenGracefulShutdown {
            // It runs until the server stops: a service that returns stops the server.
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                switch await secretKeys.follow(reload: reload) {
                case .unchanged:
                    break
                case .adopted:
                    logger.notice("""
                        the secret key was rotated (roster secret-key rotate): this server took the new key from \(source); \
                        console sessions signed in before end
                        """)
                case .retired:
                    logger.error("""
                        the secret key was rotated (roster secret-key rotate) and \(source) holds another key: console sessions \
                        end and secrets are refused until \(reload == nil ? "this server is restarted with the new key"
                                                                           : "it holds the new key, or this server is restarted with it")
                        """)
                }
            }
        }
    }
}
