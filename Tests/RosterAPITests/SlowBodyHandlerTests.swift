import HTTPTypes
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
@testable import RosterApp
import RosterCore
import RosterService
import Testing

/// The connection handler that ends bodies slower than the minimum rate, on an embedded channel (its window shortened).
@Suite("Slow request bodies")
struct SlowBodyHandlerTests {
    /// Records what the handler passes on: parts, and an error fired through the pipeline.
    final class Recorder: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPRequestPart
        var parts: [HTTPRequestPart] = []
        var errors: [any Error] = []
        func channelRead(context: ChannelHandlerContext, data: NIOAny) { parts.append(unwrapInboundIn(data)) }
        func errorCaught(context: ChannelHandlerContext, error: any Error) { errors.append(error) }
    }

    func channel(window: Duration) async throws -> (EmbeddedChannel, Recorder) {
        let recorder = Recorder()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([
            SlowBodyHandler(window: window, importWindow: window, minimumRate: 1000, logger: Logger(label: "test")), recorder,
        ])
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).get()
        return (channel, recorder)
    }

    static func body(_ text: String) -> HTTPRequestPart { .body(ByteBuffer(string: text)) }

    /// An import's upload slower than the rate fails its body with the import's 400, the rest is not read, and the
    /// connection is closed once the answer is out (it was answered, then read on to the end of the trickle; found by a
    /// probe).
    @Test func aSlowImportIsAnsweredThenClosed() async throws {
        let (channel, recorder) = try await channel(window: .milliseconds(100))
        try channel.writeInbound(HTTPRequestPart.head(HTTPRequest(method: .post, scheme: nil, authority: "x",
                                                                  path: "/v1/tenants/acme/imports?type=parties")))
        try channel.writeInbound(Self.body("a"))
        try await Task.sleep(for: .milliseconds(150))
        try channel.writeInbound(Self.body("b"))
        try channel.writeInbound(Self.body("c"))
        #expect(recorder.parts.count == 2, "the head and the first byte; the rest dropped")
        #expect(recorder.errors.count == 1 && (recorder.errors.first as? RosterError) == ImportJobService.slowUpload, "\(recorder.errors)")
        #expect(channel.isActive, "open until the answer is out")
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .badRequest)))
        #expect(channel.isActive)
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        channel.embeddedEventLoop.run()
        #expect(!channel.isActive, "closed with the answer")
    }

    /// Another request's slow body closes its connection at once; a fast one passes untouched.
    @Test func aSlowBodyClosesItsConnection() async throws {
        let (fast, fastRecorder) = try await channel(window: .milliseconds(100))
        try fast.writeInbound(HTTPRequestPart.head(HTTPRequest(method: .post, scheme: nil, authority: "x", path: "/v1/tenants/acme/parties")))
        try fast.writeInbound(Self.body(String(repeating: "a", count: 500)))
        try fast.writeInbound(HTTPRequestPart.end(nil))
        #expect(fastRecorder.parts.count == 3 && fast.isActive)
        let (slow, _) = try await channel(window: .milliseconds(100))
        try slow.writeInbound(HTTPRequestPart.head(HTTPRequest(method: .post, scheme: nil, authority: "x", path: "/v1/tenants/acme/parties")))
        try slow.writeInbound(Self.body("a"))
        try await Task.sleep(for: .milliseconds(150))
        try slow.writeInbound(Self.body("b"))
        slow.embeddedEventLoop.run()
        #expect(!slow.isActive)
    }
}
