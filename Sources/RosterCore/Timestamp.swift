public import Foundation

extension Date {
    /// Now, to the millisecond (cut, never rounded up into the future): the precision the API writes, so that a
    /// record's time read from an answer names the record's own instant (asked "as of" its `createdAt`, an edge made
    /// at .401234 was not there at the .401 it was shown with). Both stores keep it exactly.
    public static var rosterNow: Date {
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded(.down) / 1000).toMicroseconds
    }

    /// Microseconds since 1970, rounded: instants compared as both stores keep them. Past about 2106 (and before 1834) a
    /// Double holds no microsecond exactly (they are up to 60 µs apart by 9999): there the instant is rounded to the
    /// millisecond, the precision the API reads and writes (`.998` in 9999 became the Double nearest, 30 µs before, and
    /// was stored and written back as `.997`; found by a probe).
    public var microsecondsSince1970: Int64 { Int64(roundedMicroseconds) }

    /// `microsecondsSince1970` before it is made an integer (which traps out of range).
    var roundedMicroseconds: Double {
        let seconds = timeIntervalSince1970
        let micros = (seconds * 1_000_000).rounded()
        return seconds.ulp * 1_000_000 < 1 ? micros : (micros / 1000).rounded() * 1000
    }

    /// This instant to the microsecond, the precision both stores keep.
    public var toMicroseconds: Date {
        Date(timeIntervalSince1970: roundedMicroseconds / 1_000_000)
    }
}

/// RFC 3339 date-times, read strictly: `2026-03-01T09:30:00Z`, with or without fractional seconds, `Z` or an offset
/// from -23:59 to +23:59, `T`/`Z` in either case. A day the month does not have, an hour past 23, a minute or second past
/// 59 are refused (Foundation's ISO 8601 parser rolls them over: `2026-02-30` became 2 March).
public enum RFC3339 {
    /// The instant `text` names, or nil when it is not an RFC 3339 date-time.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        // YYYY-MM-DDTHH:MM:SS is 19 bytes; then an optional fraction, then Z or ±HH:MM.
        guard bytes.count >= 20 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), bytes[4] == 0x2D, let month = number(5..<7), bytes[7] == 0x2D, let day = number(8..<10),
              bytes[10] == 0x54 || bytes[10] == 0x74, let hour = number(11..<13), bytes[13] == 0x3A, let minute = number(14..<16),
              bytes[16] == 0x3A, let second = number(17..<19),
              (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour <= 23, minute <= 59, second <= 59
        else { return nil }
        var index = 19
        // The fraction to the millisecond, the precision the API writes; digits past the third are cut. Kept to the
        // microsecond, `.1234567` was written back `.123` while the instant was `.123456`: an edge whose `validTo` read
        // `.123` still held at `.123`, and a grant's window written back was refused as empty (found by a probe).
        var micros = 0
        if bytes[index] == 0x2E {
            index += 1
            let start = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                if index - start < 3 { micros = micros * 10 + Int(bytes[index] - 0x30) }
                index += 1
            }
            guard index > start else { return nil }
            for _ in min(index - start, 3)..<3 { micros *= 10 }
            micros *= 1000
        }
        var offset = 0
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case 0x5A, 0x7A:
            guard index + 1 == bytes.count else { return nil }
        case 0x2B, 0x2D:
            guard index + 6 == bytes.count, let hours = number(index + 1..<index + 3), bytes[index + 3] == 0x3A,
                  let minutes = number(index + 4..<index + 6), hours <= 23, minutes <= 59 else { return nil }
            offset = (hours * 3600 + minutes * 60) * (bytes[index] == 0x2D ? -1 : 1)
        default:
            return nil
        }
        let seconds = daysSinceEpoch(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        // From the reference date, as Foundation keeps it (a smaller number: the fraction survives as written).
        let date = Date(timeIntervalSinceReferenceDate: Double(seconds - 978_307_200) + Double(micros) / 1_000_000)
        // The last microsecond of 9999 is no Double of its own (they are 30 µs apart there): it became year 10000, which
        // no RFC 3339 date-time can write (a probe's validTo came back as "10000-01-01T00:00:00.000Z").
        guard date.timeIntervalSince1970 < 253_402_300_800 else { return nil }
        return date
    }

    /// The instant in UTC to the millisecond, as Roster writes it: `2026-03-01T07:30:00.123Z`. The milliseconds are
    /// cut from the microsecond the stores keep, so a value read as `.123` is written `.123` again (cut from the
    /// floating-point seconds, as Foundation's formatter cuts them, `.123` came out as `.122`). Years outside 0-9999 are
    /// left to Foundation.
    public static func string(_ date: Date) -> String {
        guard let utc = UTCFields(date) else { return date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }
        var bytes = [UInt8]()
        bytes.reserveCapacity(24)
        utc.write(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A date's fields in UTC, to the millisecond, for years 0 to 9999.
    public struct UTCFields: Sendable, Equatable {
        public var year, month, day, hour, minute, second, millisecond: Int

        public init?(_ date: Date) {
            let micros = date.roundedMicroseconds
            guard micros.magnitude < 1e18 else { return nil }  // years 0 to 9999 are within ±2.6e17 µs
            let millis = Int(micros) >= 0 ? Int(micros) / 1000 : (Int(micros) - 999) / 1000
            var seconds = millis / 1000
            millisecond = millis - seconds * 1000
            if millisecond < 0 { millisecond += 1000; seconds -= 1 }
            var days = seconds / 86_400
            var secondOfDay = seconds % 86_400
            if secondOfDay < 0 {
                secondOfDay += 86_400
                days -= 1
            }
            // Civil date from days since 1970-01-01 (H. Hinnant's `civil_from_days`).
            let z = days + 719_468
            let era = (z >= 0 ? z : z - 146_096) / 146_097
            let dayOfEra = z - era * 146_097
            let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
            let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
            let mp = (5 * dayOfYear + 2) / 153
            day = dayOfYear - (153 * mp + 2) / 5 + 1
            month = mp < 10 ? mp + 3 : mp - 9
            year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
            hour = secondOfDay / 3600
            minute = secondOfDay / 60 % 60
            second = secondOfDay % 60
            guard (0...9999).contains(year) else { return nil }
        }

        /// `yyyy-MM-ddTHH:mm:ss.SSSZ`, appended.
        public func write(into bytes: inout [UInt8]) {
            func digits(_ value: Int, _ count: Int) {
                var divisor = 1
                for _ in 1..<count { divisor *= 10 }
                var rest = value
                while divisor > 0 {
                    bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
                    rest %= divisor
                    divisor /= 10
                }
            }
            digits(year, 4); bytes.append(UInt8(ascii: "-")); digits(month, 2); bytes.append(UInt8(ascii: "-")); digits(day, 2)
            bytes.append(UInt8(ascii: "T"))
            digits(hour, 2); bytes.append(UInt8(ascii: ":")); digits(minute, 2); bytes.append(UInt8(ascii: ":")); digits(second, 2)
            bytes.append(UInt8(ascii: ".")); digits(millisecond, 3); bytes.append(UInt8(ascii: "Z"))
        }
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to the given day of the proleptic Gregorian calendar (H. Hinnant's `days_from_civil`).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
