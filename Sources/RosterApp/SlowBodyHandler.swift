import HTTPTypes
import Logging
import NIOCore
import NIOHTTPTypes
import RosterService

/// Ends a connection whose request body comes slower than `minimumRate` bytes a second on average over a window (the idle
/// timeout: `MinimumRate`), counted from its head. The idle timeout counts from the last part the decoder passed on, so a
/// body trickled in a byte every few seconds held its connection (and the task waiting for it) for as long as its sender
/// liked (found by a probe; a header trickled in is never passed on, and the idle timeout closes it). An import's upload
/// is measured over a minute (`ImportJobService.rateWindow`): it fails the body with the 400 the import answers, and its
/// connection is closed once that answer is out (it was answered and then read to its end, as long as its sender liked;
/// found by a probe).
///
/// It looks at body parts only: a request without a body costs one comparison of its method.
final class SlowBodyHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let window: Duration
    let importWindow: Duration
    let minimumRate: Double
    let logger: Logger
    /// The body being read, nil between requests.
    private var rate: MinimumRate?
    private var importing = false
    /// An import's body failed for its rate: the rest of it is dropped, and the connection closed after the answer.
    private var cut = false
    private var received = 0

    init(window: Duration, importWindow: Duration = ImportJobService.defaultRateWindow, minimumRate: Double = ImportJobService.minimumRate,
         logger: Logger) {
        self.window = window
        self.importWindow = importWindow
        self.minimumRate = minimumRate
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            received = 0
            cut = false
            importing = Self.isImport(head)
            rate = head.method == .get || head.method == .head ? nil
                : MinimumRate(perSecond: minimumRate, window: importing ? importWindow : window)
        case .body(let buffer):
            if cut { return }
            received += buffer.readableBytes
            if rate?.admit(buffer.readableBytes) == false {
                rate = nil
                let peer = context.channel.remoteAddress?.ipAddress ?? ""
                if importing {
                    logger.notice("an import's upload came slower than \(Int(minimumRate)) bytes a second: answered 400, its connection closed",
                                  metadata: ["peer": "\(peer)", "bytes": "\(received)"])
                    cut = true
                    context.fireErrorCaught(ImportJobService.slowUpload)
                    return
                }
                logger.notice("a request body came slower than \(Int(minimumRate)) bytes a second: its connection is closed", metadata: [
                    "peer": "\(peer)", "bytes": "\(received)",
                ])
                context.close(promise: nil)
                return
            }
        case .end:
            rate = nil
            if cut { return }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard cut, case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        // The answer to a cut upload is out: the connection goes with it, not read on to the body's end.
        let written = promise ?? context.eventLoop.makePromise()
        written.futureResult.whenComplete { _ in context.close(promise: nil) }
        context.writeAndFlush(data, promise: written)
    }

    /// `POST /v1/tenants/{tenant}/imports`, whose body is streamed to a job with a check of its own.
    static func isImport(_ head: HTTPRequest) -> Bool {
        guard head.method == .post, let path = head.path else { return false }
        let bare = path.utf8.firstIndex(of: UInt8(ascii: "?")).map { path[..<$0] } ?? path[...]
        return bare.hasSuffix("/imports")
    }
}
