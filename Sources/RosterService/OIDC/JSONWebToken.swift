import Crypto
public import Foundation
import _CryptoExtras

/// Why a bearer JWT was refused. The description goes into the 401 problem; it never holds claim values.
public enum TokenRejection: Error, Hashable, Sendable, CustomStringConvertible {
    case malformed
    case algorithmNotAllowed(String)
    case unknownKey
    case badSignature
    case wrongIssuer
    case wrongAudience
    case expired
    case notYetValid
    case missingSubject
    case discoveryFailed

    public var description: String {
        switch self {
        case .malformed: "the token is not a well-formed JWT"
        case .algorithmNotAllowed(let alg): "the token's algorithm \(alg.prefix(16)) is not one the issuer's key set allows"
        case .unknownKey: "no key of the issuer's key set signed the token"
        case .badSignature: "the token's signature does not verify"
        case .wrongIssuer: "the token was issued by another issuer than this tenant's"
        case .wrongAudience: "the token was issued for another audience than this tenant's"
        case .expired: "the token has expired"
        case .notYetValid: "the token is not valid yet"
        case .missingSubject: "the token has no subject"
        case .discoveryFailed: "the issuer's discovery document or key set could not be read"
        }
    }
}

/// A compact JWS (RFC 7515) as an OpenID Connect ID token: header, the claims Roster reads, and the signature.
struct JSONWebToken: Sendable {
    struct Header: Decodable, Sendable {
        var alg: String
        var kid: String?
        /// Extensions the verifier must understand; Roster understands none, so any makes the token invalid.
        var crit: [String]?
    }

    struct Claims: Decodable, Sendable {
        var iss: String?
        var sub: String?
        var aud: [String]
        var exp: Double?
        var nbf: Double?
        var email: String?
        var emailVerified: Bool?
        var name: String?
        var givenName: String?
        var familyName: String?
        var phoneNumber: String?
        var phoneNumberVerified: Bool?
        /// The value the sign-in request sent, echoed by the provider (OpenID Connect Core 3.1.2.1).
        var nonce: String?

        enum CodingKeys: String, CodingKey {
            case iss, sub, aud, exp, nbf, email, name, nonce
            case emailVerified = "email_verified", givenName = "given_name", familyName = "family_name", phoneNumber = "phone_number"
            case phoneNumberVerified = "phone_number_verified"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            iss = try? c.decodeIfPresent(String.self, forKey: .iss)
            sub = try? c.decodeIfPresent(String.self, forKey: .sub)
            if let one = try? c.decode(String.self, forKey: .aud) {
                aud = [one]
            } else {
                aud = (try? c.decodeIfPresent([String].self, forKey: .aud)) ?? []
            }
            exp = try? c.decodeIfPresent(Double.self, forKey: .exp)
            nbf = try? c.decodeIfPresent(Double.self, forKey: .nbf)
            email = try? c.decodeIfPresent(String.self, forKey: .email)
            // Some providers send "true"/"false" as strings.
            func flag(_ key: CodingKeys) -> Bool? {
                if let flag = try? c.decodeIfPresent(Bool.self, forKey: key) { return flag }
                return (try? c.decodeIfPresent(String.self, forKey: key)).flatMap { $0 }.map { $0.lowercased() == "true" }
            }
            emailVerified = flag(.emailVerified)
            phoneNumberVerified = flag(.phoneNumberVerified)
            name = try? c.decodeIfPresent(String.self, forKey: .name)
            givenName = try? c.decodeIfPresent(String.self, forKey: .givenName)
            familyName = try? c.decodeIfPresent(String.self, forKey: .familyName)
            phoneNumber = try? c.decodeIfPresent(String.self, forKey: .phoneNumber)
            nonce = try? c.decodeIfPresent(String.self, forKey: .nonce)
        }
    }

    /// The asymmetric algorithms Roster verifies. `none` and the HMAC family are never accepted: an HMAC
    /// "signed" with a public key as its secret is the classic confusion attack.
    static let supportedAlgorithms: Set<String> = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]

    var header: Header
    var claims: Claims
    var signingInput: Data
    var signature: Data

    init(_ compact: String) throws(TokenRejection) {
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, compact.count <= 16_384,
              let headerData = Base64URL.decode(parts[0]), let claimsData = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2])
        else { throw .malformed }
        let decoder = JSONDecoder()
        guard let header = try? decoder.decode(Header.self, from: headerData) else { throw .malformed }
        guard let claims = try? decoder.decode(Claims.self, from: claimsData) else { throw .malformed }
        self.header = header
        self.claims = claims
        self.signingInput = Data((parts[0] + "." + parts[1]).utf8)
        self.signature = signature
    }

    /// True when `key` may verify this token's algorithm and the signature is valid.
    func isSigned(by key: JSONWebKey) -> Bool {
        guard key.allows(algorithm: header.alg) else { return false }
        do {
            switch header.alg {
            case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512":
                guard let n = key.n.flatMap(Base64URL.decode), let e = key.e.flatMap(Base64URL.decode) else { return false }
                let publicKey = try _RSA.Signing.PublicKey(n: n, e: e)
                guard publicKey.keySizeInBits >= 2048 else { return false }
                let rsaSignature = _RSA.Signing.RSASignature(rawRepresentation: signature)
                let padding: _RSA.Signing.Padding = header.alg.hasPrefix("PS") ? .PSS : .insecurePKCS1v1_5
                switch header.alg.suffix(3) {
                case "256": return publicKey.isValidSignature(rsaSignature, for: SHA256.hash(data: signingInput), padding: padding)
                case "384": return publicKey.isValidSignature(rsaSignature, for: SHA384.hash(data: signingInput), padding: padding)
                default: return publicKey.isValidSignature(rsaSignature, for: SHA512.hash(data: signingInput), padding: padding)
                }
            case "ES256":
                guard key.crv == "P-256", let point = key.ecPoint else { return false }
                let publicKey = try P256.Signing.PublicKey(rawRepresentation: point)
                return publicKey.isValidSignature(try P256.Signing.ECDSASignature(rawRepresentation: signature), for: signingInput)
            case "ES384":
                guard key.crv == "P-384", let point = key.ecPoint else { return false }
                let publicKey = try P384.Signing.PublicKey(rawRepresentation: point)
                return publicKey.isValidSignature(try P384.Signing.ECDSASignature(rawRepresentation: signature), for: signingInput)
            case "ES512":
                guard key.crv == "P-521", let point = key.ecPoint else { return false }
                let publicKey = try P521.Signing.PublicKey(rawRepresentation: point)
                return publicKey.isValidSignature(try P521.Signing.ECDSASignature(rawRepresentation: signature), for: signingInput)
            default:
                return false
            }
        } catch {
            return false
        }
    }

    /// Issuer, audience and time checks, with `skew` seconds of allowance for clocks that disagree.
    func checkClaims(issuer: String, audience: String, now: Date, skew: TimeInterval) throws(TokenRejection) {
        guard claims.iss == issuer else { throw .wrongIssuer }
        guard claims.aud.contains(audience) else { throw .wrongAudience }
        let seconds = now.timeIntervalSince1970
        // An ID token without `exp` is invalid (OpenID Connect Core 2).
        guard let exp = claims.exp, seconds < exp + skew else { throw .expired }
        if let nbf = claims.nbf, seconds + skew < nbf { throw .notYetValid }
        guard let sub = claims.sub, !sub.isEmpty, sub.count <= 255 else { throw .missingSubject }
    }
}

/// One key of a JWK Set (RFC 7517). Only public members are read.
struct JSONWebKey: Decodable, Hashable, Sendable {
    var kty: String
    var kid: String?
    var use: String?
    var alg: String?
    var n: String?
    var e: String?
    var crv: String?
    var x: String?
    var y: String?

    /// A key serves an algorithm when it is a signing key of the matching type, and, if it names an algorithm, that one.
    func allows(algorithm: String) -> Bool {
        guard JSONWebToken.supportedAlgorithms.contains(algorithm) else { return false }
        if let use, use != "sig" { return false }
        if let alg, alg != algorithm { return false }
        switch kty {
        case "RSA": return algorithm.hasPrefix("RS") || algorithm.hasPrefix("PS")
        case "EC": return algorithm.hasPrefix("ES")
        default: return false
        }
    }

    /// x ‖ y, the raw form CryptoKit's public keys take.
    var ecPoint: Data? {
        guard let x = x.flatMap(Base64URL.decode), let y = y.flatMap(Base64URL.decode), x.count == y.count else { return nil }
        return x + y
    }
}

struct JSONWebKeySet: Decodable, Sendable {
    var keys: [JSONWebKey]

    init(from decoder: any Decoder) throws {
        enum CodingKeys: String, CodingKey { case keys }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // Keys of types Roster does not know (oct, OKP, ...) are skipped, not fatal.
        let raw = try c.decode([FailableKey].self, forKey: .keys)
        keys = raw.compactMap(\.key)
    }

    private struct FailableKey: Decodable {
        var key: JSONWebKey?
        init(from decoder: any Decoder) throws {
            key = try? JSONWebKey(from: decoder)
        }
    }
}

/// Base64 with the URL-safe alphabet and no padding (RFC 4648 §5), as JWTs, PKCE and the console's cookies use it.
public enum Base64URL {
    public static func encode(_ data: some Sequence<UInt8>) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ text: some StringProtocol) -> Data? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        let remainder = base64.count % 4
        if remainder == 1 { return nil }
        if remainder > 0 { base64 += String(repeating: "=", count: 4 - remainder) }
        return Data(base64Encoded: base64)
    }
}
