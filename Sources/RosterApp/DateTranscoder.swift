import Foundation
import OpenAPIRuntime
import RosterAPI
import RosterCore

/// RFC 3339 dates: written with milliseconds, read strictly (`RFC3339.parse`: with or without fractional seconds, `Z`
/// or any offset; a day or hour that does not exist is refused, where Foundation's parser rolls it over).
struct RFC3339DateTranscoder: DateTranscoder {
    func encode(_ date: Date) throws -> String {
        RFC3339.string(date)
    }

    func decode(_ text: String) throws -> Date {
        guard let date = RFC3339.parse(text) else { throw InvalidDateTime(text: text) }
        return date
    }
}
