import Foundation
import OpenAPIRuntime
import RosterAPI
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
        // The offset is applied here: RFC 3339 allows any -23:59...+23:59, Foundation's parser only real zones' (±18:00).
        var local = Substring(text.uppercased())
        var offset = 0
        if local.hasSuffix("Z") {
            local = local.dropLast()
        } else if local.count > 6, case let tail = local.suffix(6), let sign = tail.first, sign == "+" || sign == "-",
                  tail.dropFirst(3).first == ":", let hours = Int(tail.dropFirst().prefix(2)), let minutes = Int(tail.suffix(2)),
                  hours < 24, minutes < 60 {
            offset = (hours * 3600 + minutes * 60) * (sign == "-" ? -1 : 1)
            local = local.dropLast(6)
        } else {
            throw InvalidDateTime(text: text)
        }
        guard let date = (try? Self.fractional.parse(local + "Z")) ?? (try? Self.whole.parse(local + "Z")) else {
            throw InvalidDateTime(text: text)
        }
        return date.addingTimeInterval(TimeInterval(-offset))
    }
}
