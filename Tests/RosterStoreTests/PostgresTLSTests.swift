import Foundation
import NIOCore
import NIOPosix
import PostgresNIO
import RosterApp
import RosterPostgres
import RosterSQL
import Testing

/// `sslmode` and `sslrootcert` of a PostgreSQL URL read as libpq reads them, against the test server (scripts/pg gives
/// it TLS with a certificate of its own, for 127.0.0.1, whose authority is `ROSTER_TEST_POSTGRES_CA`), and a server
/// without TLS named at once.
@Suite struct PostgresTLSTests {
    /// Runs `SELECT 1` through a database opened on `url`: nil when it answered, else why not (`unavailable`'s words).
    static func refusal(_ url: String) async throws -> String? {
        let database = try await RosterDatabase.open(url: url, logger: TestDatabase.logger)
        do {
            try await database.withRunning { database in
                _ = try await database.sql.withReadTransaction { try await $0.query("SELECT 1 AS one", []) }
            }
            return nil
        } catch SQLError.unavailable(let detail) {
            return detail
        }
    }

    @Test func modesAndAuthoritiesAsLibpqReadsThem() async throws {
        let url = try TestDatabase.url(.postgres)
        let ca = try #require(ProcessInfo.processInfo.environment["ROSTER_TEST_POSTGRES_CA"], "run the tests with scripts/test")
        // Encrypted without checking the certificate (libpq's prefer and require): the server's own certificate does.
        #expect(try await Self.refusal(url + "?sslmode=require") == nil)
        #expect(try await Self.refusal(url + "?sslmode=prefer") == nil)
        // Checked against the system's authorities, which did not sign it: refused, and said to be the handshake.
        for mode in ["verify-ca", "verify-full"] {
            let refused = try await Self.refusal(url + "?sslmode=\(mode)")
            #expect(refused?.contains("the TLS handshake with the server failed") == true, "\(mode): \(refused ?? "answered")")
        }
        // Checked against the authority named: taken, for the certificate names 127.0.0.1; and require checks it too
        // once an authority is named (libpq's rule), so a wrong authority is refused.
        for mode in ["verify-ca", "verify-full", "require"] {
            #expect(try await Self.refusal(url + "?sslmode=\(mode)&sslrootcert=\(ca)") == nil, "\(mode)")
        }
        let other = SchemaFixture.fixtures.appendingPathComponent("other-ca.crt")
        let wrong = try await Self.refusal(url + "?sslmode=require&sslrootcert=\(other.path)")
        #expect(wrong?.contains("TLS handshake") == true, "\(wrong ?? "answered")")
    }

    /// An IPv6 address in a URL (in brackets, as URLs write it) is connected to as the address: it was looked up as a
    /// name with its brackets, and "did not resolve" (found by a probe).
    @Test func anIPv6AddressIsAnAddress() throws {
        let url = "postgres://roster:roster@[::1]:5433/roster"
        let configuration = try PostgresDatabase.configuration(url: url)
        #expect(configuration.host == "::1" && configuration.port == 5433)
        #expect(PostgresDatabase.directConfiguration(url: url)?.host == "::1")
        #expect(try PostgresDatabase.configuration(url: "postgres://roster:roster@db.example.com/roster").host == "db.example.com")
    }

    /// A URL naming an authority file that is not there, or a parameter twice, is no URL Roster takes.
    @Test func aMissingAuthorityFileOrARepeatedParameterIsRefused() throws {
        let url = try TestDatabase.url(.postgres)
        for bad in ["?sslmode=require&sslrootcert=/nonexistent/ca.crt", "?sslmode=require&sslmode=disable", "?sslrootcert="] {
            #expect(throws: (any Error).self, "\(bad)") { try PostgresDatabase.configuration(url: url + bad) }
        }
        #expect(throws: Never.self) { try PostgresDatabase.configuration(url: url + "?sslmode=verify-full") }
    }

    /// TLS asked of a server that has none: said so at once (it waited 15 s for the pool, then said no connection came).
    @Test func tlsAskedOfAServerWithoutItIsNamedAtOnce() async throws {
        // A server that answers PostgreSQL's SSLRequest with "N" (no TLS here), as one with `ssl = off` does.
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in channel.pipeline.addHandler(NoTLSHandler()) }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        let started = ContinuousClock.now
        let refused = try? await Self.refusal("postgres://roster:roster@127.0.0.1:\(port)/roster?sslmode=require")
        try await server.close()
        #expect(refused?.contains("the server does not offer TLS") == true, "\(refused ?? "answered")")
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    final class NoTLSHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "N")), promise: nil)
        }
    }
}
