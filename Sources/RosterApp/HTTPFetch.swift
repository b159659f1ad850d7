public import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// GETs for OpenID Connect discovery documents and key sets: https, or http to this machine only (a
/// provider on loopback in tests and development); 5 s timeout; at most 1 MiB.
public enum HTTPFetch {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 5
        configuration.timeoutIntervalForResource = 10
        return URLSession(configuration: configuration)
    }()

    @Sendable public static func get(_ url: URL) async throws -> Data {
        let loopback = ["127.0.0.1", "localhost", "::1", "[::1]"].contains(url.host ?? "")
        guard url.scheme == "https" || (url.scheme == "http" && loopback) else {
            throw Failure(description: "only https URLs (or http on this machine) are fetched")
        }
        let (data, response) = try await session.data(from: url)
        guard let http = response as? HTTPURLResponse, (200..<300).contains(http.statusCode) else {
            throw Failure(description: "\(url.host ?? "") answered \((response as? HTTPURLResponse)?.statusCode ?? 0)")
        }
        guard data.count <= 1 << 20 else { throw Failure(description: "the answer is over 1 MiB") }
        return data
    }
}
