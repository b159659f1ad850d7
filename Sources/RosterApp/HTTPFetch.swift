import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// GETs OpenID Connect discovery documents and key sets, and nothing an attacker who controls a tenant's
/// `settings.sso.issuer` could turn against this server's network:
///
/// - https only; plain http only when `allowLoopback` is set and the host resolves to loopback alone;
/// - the host is resolved here, every address it resolves to is checked (loopback, private, link-local,
///   shared, multicast and reserved ranges are refused unless `allowLoopback` is set), and the connection
///   is pinned to the checked address (async-http-client's `dnsOverride`, which keeps the host name for
///   SNI and certificate checks), so a second resolution can't hand back another address;
/// - redirects are not followed (a 3xx is a failure); the body is read up to `limit` bytes, no further;
/// - a connect timeout of 5 s and 10 s for the whole exchange.
public struct OIDCFetcher: Sendable {
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    public var allowLoopback: Bool
    public var limit: Int
    public var timeout: Duration

    public init(allowLoopback: Bool = false, limit: Int = 1 << 20, timeout: Duration = .seconds(10)) {
        self.allowLoopback = allowLoopback
        self.limit = limit
        self.timeout = timeout
    }

    public func get(_ url: URL) async throws -> Data {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.headers.add(name: "Accept", value: "application/json")
        return try await send(request, to: url)
    }

    /// POSTs a form (a provider's token endpoint), under the same rules as `get`; `basic` goes as HTTP basic
    /// credentials (RFC 6749 §2.3.1: each part form-encoded first).
    public func post(_ url: URL, form: [(String, String)], basic: (user: String, password: String)?) async throws -> Data {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        if let basic {
            let credentials = "\(Self.formEncode(basic.user)):\(Self.formEncode(basic.password))"
            request.headers.add(name: "Authorization", value: "Basic " + Data(credentials.utf8).base64EncodedString())
        }
        let body = form.map { "\(Self.formEncode($0.0))=\(Self.formEncode($0.1))" }.joined(separator: "&")
        request.body = .bytes(ByteBuffer(string: body))
        return try await send(request, to: url)
    }

    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    private func send(_ request: HTTPClientRequest, to url: URL) async throws -> Data {
        guard let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http", let host = url.host, !host.isEmpty else {
            throw Failure(description: "only https URLs are fetched")
        }
        guard url.user == nil, url.password == nil else { throw Failure(description: "URLs with credentials are not fetched") }
        let bareHost = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let addresses = try await Self.resolve(bareHost)
        guard let pinned = addresses.first else { throw Failure(description: "\(host) does not resolve") }
        if scheme == "http", !(allowLoopback && addresses.allSatisfy(\.isLoopback)) {
            throw Failure(description: "only https URLs are fetched (plain http only for loopback issuers when ROSTER_OIDC_ALLOW_LOOPBACK is true)")
        }
        if !allowLoopback, let refused = addresses.first(where: { !$0.isPublic }) {
            throw Failure(description: "\(host) resolves to \(refused), which is not a public address")
        }

        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow,
                                                     timeout: .init(connect: .seconds(5), read: .seconds(5)))
        if pinned.text != bareHost { configuration.dnsOverride = [bareHost: pinned.text] }
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        do {
            let data = try await exchange(client, request, url)
            try await client.shutdown()
            return data
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func exchange(_ client: HTTPClient, _ request: HTTPClientRequest, _ url: URL) async throws -> Data {
        let response = try await client.execute(request, timeout: .seconds(timeout.components.seconds))
        guard (200..<300).contains(response.status.code) else {
            if (300..<400).contains(response.status.code) {
                throw Failure(description: "\(url.host ?? "") answered a redirect (\(response.status.code)), which is not followed")
            }
            throw Failure(description: "\(url.host ?? "") answered \(response.status.code)")
        }
        if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > limit {
            throw Failure(description: "the answer is over \(limit) bytes")
        }
        do {
            let body = try await response.body.collect(upTo: limit)
            return Data(body.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw Failure(description: "the answer is over \(limit) bytes")
        }
    }

    /// Every address `host` resolves to (an IP literal is its own address), on a thread of NIO's pool:
    /// getaddrinfo blocks.
    static func resolve(_ host: String) async throws -> [IPAddress] {
        if let literal = IPAddress(host) { return [literal] }
        return try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else {
                throw Failure(description: "\(host) does not resolve")
            }
            defer { freeaddrinfo(first) }
            var found: [IPAddress] = []
            var cursor: UnsafeMutablePointer<addrinfo>? = first
            while let info = cursor {
                if let address = info.pointee.ai_addr, let ip = IPAddress(address) { found.append(ip) }
                cursor = info.pointee.ai_next
            }
            return found
        }
    }
}

/// An IPv4 or IPv6 address as its bytes, with the ranges an outbound fetch must not reach.
struct IPAddress: Equatable, CustomStringConvertible {
    /// 4 bytes, or 16.
    var bytes: [UInt8]

    init?(_ text: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else {
            return nil
        }
    }

    init?(_ address: UnsafePointer<sockaddr>) {
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            bytes = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                withUnsafeBytes(of: pointer.pointee.sin_addr) { Array($0) }
            }
        case AF_INET6:
            bytes = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
            }
        default:
            return nil
        }
    }

    /// The IPv4 address an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) IPv6 address carries.
    var embeddedIPv4: [UInt8]? {
        guard bytes.count == 16 else { return nil }
        let mapped = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff
        let nat64 = bytes[0..<12].elementsEqual([0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0])
        return mapped || nat64 ? Array(bytes[12..<16]) : nil
    }

    var isLoopback: Bool {
        let v4 = bytes.count == 4 ? bytes : embeddedIPv4
        if let v4 { return v4[0] == 127 }
        return bytes == [UInt8](repeating: 0, count: 15) + [1]
    }

    /// A globally routable unicast address: not loopback, private, link-local, shared (CGNAT),
    /// unspecified, multicast, documentation or otherwise reserved.
    var isPublic: Bool {
        if let v4 = bytes.count == 4 ? bytes : embeddedIPv4 {
            let (a, b) = (v4[0], v4[1])
            switch a {
            case 0, 10, 127: return false                       // this network, private, loopback
            case 100 where (64...127).contains(b): return false // shared address space (RFC 6598)
            case 169 where b == 254: return false               // link-local
            case 172 where (16...31).contains(b): return false  // private
            case 192 where b == 168: return false               // private
            case 192 where b == 0 && v4[2] == 0: return false   // IETF protocol assignments
            case 192 where b == 0 && v4[2] == 2: return false   // documentation
            case 198 where b == 18 || b == 19: return false     // benchmarking
            case 198 where b == 51 && v4[2] == 100: return false
            case 203 where b == 0 && v4[2] == 113: return false
            case 224...255: return false                        // multicast, reserved, broadcast
            default: return true
            }
        }
        let (a, b) = (bytes[0], bytes[1])
        if bytes.allSatisfy({ $0 == 0 }) || isLoopback { return false }  // unspecified, loopback
        if a & 0xfe == 0xfc { return false }                   // unique local fc00::/7
        if a == 0xfe && b & 0xc0 == 0x80 { return false }      // link-local fe80::/10
        if a == 0xfe && b & 0xc0 == 0xc0 { return false }      // site-local fec0::/10 (deprecated)
        if a == 0xff { return false }                          // multicast
        if a == 0x20 && b == 0x01 && bytes[2] == 0x0d && bytes[3] == 0xb8 { return false }  // documentation
        return a & 0xe0 == 0x20                                // global unicast 2000::/3
    }

    var text: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        _ = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    var description: String { text }
}
