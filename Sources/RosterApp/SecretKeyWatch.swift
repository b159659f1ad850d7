import Logging
import RosterService
import ServiceLifecycle

/// Looks every `interval` whether another process rotated the secret key (`roster secret-key rotate`). Once it did,
/// this server's key is retired: the console's sessions, sealed under a key derived from it, stop opening (a leaked key
/// forges them), and it says so in its log. Reveals and secret changes are refused from the rotation's commit on
/// anyway (`SecretKeyService.requireCurrent`). A restart with the new key ends this state.
struct SecretKeyWatch: Service {
    let secretKeys: SecretKeyService
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var told = false
            // It runs until the server stops: a service that returns stops the server.
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if !told, await secretKeys.retireIfRotated() {
                    told = true
                    logger.error("""
                        the secret key was rotated (roster secret-key rotate): console sessions end and secrets are refused \
                        until this server is restarted with the new key
                        """)
                }
            }
        }
    }
}
