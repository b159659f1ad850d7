public import Foundation

/// The OpenAPI document the server types are generated from, served at `GET /openapi.yaml`.
public enum OpenAPISpec {
    public static func yaml() throws -> Data {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try Data(contentsOf: url)
    }
}
