import HTTPTypes
import Logging
import NIOCore
import NIOHTTPTypes
import RosterService

/// Ends a connection whose request body comes slower than `minimumRate` bytes a second on average over a window (the idle
/// timeout: `MinimumRate`), counted from its head. The idle timeout counts from the last part the decoder passed on, so a
/// body trickled in a byte every few seconds held its connection (and the task waiting for it) for as long as its sender
/// liked (found by a probe; a header trickled in is never passed on, and the idle timeout closes it). An import's upload
/// is left to its own check (`ImportJobService`, the same rate over a minute), which answers 400 with the job's state.
///
/// It looks at body parts only: a request without a body costs one comparison of its method.
final class SlowBodyHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    let window: Duration
    let minimumRate: Double
    let logger: Logger
    /// The body being read, nil between requests and for an import's body.
    private var rate: MinimumRate?
    private var received = 0

    init(window: Duration, minimumRate: Double = ImportJobService.minimumRate, logger: Logger) {
        self.window = window
        self.minimumRate = minimumRate
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            received = 0
            rate = head.method == .get || head.method == .head || Self.isImport(head) ? nil : MinimumRate(perSecond: minimumRate, window: window)
        case .body(let buffer):
            received += buffer.readableBytes
            if rate?.admit(buffer.readableBytes) == false {
                rate = nil
                logger.notice("a request body came slower than \(Int(minimumRate)) bytes a second: its connection is closed", metadata: [
                    "peer": "\(context.channel.remoteAddress?.ipAddress ?? "")", "bytes": "\(received)",
                ])
                context.close(promise: nil)
                return
            }
        case .end:
            rate = nil
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
