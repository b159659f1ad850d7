import HTTPTypes
import Logging
import NIOCore
import NIOHTTPTypes
import RosterService

/// Ends a connection whose request body comes slower than `minimumRate` bytes a second on average once `window` has
/// passed since its head. The idle timeout counts from the last part the decoder passed on, so a body trickled in a
/// byte every few seconds held its connection (and the task waiting for it) for as long as its sender liked (found by
/// a probe; a header trickled in is never passed on, and the idle timeout closes it). An import's upload is left to its
/// own check (`ImportJobService`, the same rate after a minute), which answers 400 with the job's state.
///
/// It looks at body parts only: a request without a body costs one comparison of its method.
final class SlowBodyHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    let window: TimeAmount
    let minimumRate: Double
    let logger: Logger
    let now: () -> NIODeadline
    /// When the body being read began (its request's head), nil between requests and for an import's body.
    private var started: NIODeadline?
    private var received = 0

    init(window: TimeAmount, minimumRate: Double = ImportJobService.minimumRate, logger: Logger, now: @escaping () -> NIODeadline = { .now() }) {
        self.window = window
        self.minimumRate = minimumRate
        self.logger = logger
        self.now = now
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            received = 0
            started = head.method == .get || head.method == .head || Self.isImport(head) ? nil : now()
        case .body(let buffer):
            if let started {
                received += buffer.readableBytes
                let elapsed = now() - started
                if elapsed > window, Double(received) / (Double(elapsed.nanoseconds) / 1e9) < minimumRate {
                    self.started = nil
                    logger.notice("a request body came slower than \(Int(minimumRate)) bytes a second: its connection is closed", metadata: [
                        "peer": "\(context.channel.remoteAddress?.ipAddress ?? "")", "bytes": "\(received)",
                    ])
                    context.close(promise: nil)
                    return
                }
            }
        case .end:
            started = nil
        }
        context.fireChannelRead(data)
    }

    /// `POST /v1/tenants/{tenant}/imports`, whose body is streamed to a job with a check of its own.
    static func isImport(_ head: HTTPRequest) -> Bool {
        guard head.method == .post, let path = head.path else { return false }
        let bare = path.utf8.firstIndex(of: UInt8(ascii: "?")).map { path[..<$0] } ?? path[...]
        return bare.hasSuffix("/imports")
    }
}
