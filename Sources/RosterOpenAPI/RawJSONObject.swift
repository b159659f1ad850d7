public import OpenAPIRuntime

/// A JSON object exactly as sent, for the schemas named in `typeOverrides` (openapi-generator-config.yaml):
///
/// - merge-patch bodies (RFC 7396): a generated struct can't tell an absent field (keep it) from `null`
///   (clear it), so RosterAPI's `MergePatch` reads each field itself and refuses unknown ones;
/// - a party's `properties`: free keys, with `website` the one the spec names.
///
/// The spec still describes every field of these objects, for clients and for schemathesis; the
/// generated code just does not turn them into structs.
public struct RawJSONObject: Codable, Hashable, Sendable {
    public var additionalProperties: OpenAPIObjectContainer

    public init(additionalProperties: OpenAPIObjectContainer = .init()) {
        self.additionalProperties = additionalProperties
    }

    public init(from decoder: any Decoder) throws {
        additionalProperties = try OpenAPIObjectContainer(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try additionalProperties.encode(to: encoder)
    }
}
