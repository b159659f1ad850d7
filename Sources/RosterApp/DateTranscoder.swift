import Foundation
import OpenAPIRuntime
import RosterCore

/// RFC 3339 dates: written with milliseconds, read with or without fractional seconds and with `Z`
/// or an offset (the runtime's own transcoders each accept only one of the forms).
struct RFC3339DateTranscoder: DateTranscoder {
    private static let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let whole = Date.ISO8601FormatStyle()

    func encode(_ date: Date) throws -> String {
        date.formatted(Self.fractional)
    }

    func decode(_ text: String) throws -> Date {
        let normalized = text.uppercased()
        if let date = try? Self.fractional.parse(normalized) { return date }
        if let date = try? Self.whole.parse(normalized) { return date }
        // The transcoder is not told which field it reads; the problem says what is wrong instead.
        throw RosterError.invalid("date-time", "must be an RFC 3339 date-time such as 2024-01-01T00:00:00Z")
    }
}
