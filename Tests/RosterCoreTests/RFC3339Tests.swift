import Foundation
import RosterCore
import Testing

/// RFC 3339 date-times are read strictly: what exists equals Foundation's reading, what does not is refused.
@Suite("RFC 3339 date-times")
struct RFC3339Tests {
    @Test func realInstantsReadAsFoundationReadsThem() throws {
        let whole = Date.ISO8601FormatStyle()
        // Every day of a leap year and of a common one, at several times, against Foundation.
        for year in [2024, 2026, 1999, 2000, 2100] {
            var day = try whole.parse("\(year)-01-01T00:00:00Z")
            let end = try whole.parse("\(year + 1)-01-01T00:00:00Z")
            while day < end {
                for seconds in [0, 1, 3599, 45_296, 86_399] {
                    let instant = day.addingTimeInterval(TimeInterval(seconds))
                    let text = instant.formatted(whole)
                    #expect(RFC3339.parse(text) == instant, "\(text)")
                }
                day = day.addingTimeInterval(86_400)
            }
        }
    }

    @Test func fractionsOffsetsAndCase() throws {
        let base = try Date.ISO8601FormatStyle().parse("2026-03-01T09:30:00Z")
        #expect(RFC3339.parse("2026-03-01T09:30:00.250Z") == base.addingTimeInterval(0.25))
        // To the millisecond, as the API writes it: what is read is what an answer shows (a probe).
        #expect(RFC3339.parse("2026-03-01T09:30:00.000001Z") == base)
        #expect(RFC3339.parse("2026-03-01T09:30:00.1234567Z") == base.addingTimeInterval(0.123))
        #expect(RFC3339.parse("2026-03-01T09:30:00.9999Z") == base.addingTimeInterval(0.999))
        #expect(RFC3339.parse("2026-03-01T09:30:00.1234567Z").map(RFC3339.string) == "2026-03-01T09:30:00.123Z")
        #expect(RFC3339.parse("2026-03-01t09:30:00z") == base)
        #expect(RFC3339.parse("2026-03-01T11:30:00+02:00") == base)
        #expect(RFC3339.parse("2026-03-01T00:00:00-09:30") == base)
        // Offsets no real zone has are still RFC 3339.
        #expect(RFC3339.parse("2026-03-02T08:59:00+23:29") == base)
    }

    /// Every millisecond of a second, as read, as the stores keep it (microseconds) and as written again: the same text.
    /// Foundation's formatter cut `.123` to `.122` (its floating-point seconds are a hair below).
    @Test func millisecondsRoundTripExactly() throws {
        for base in ["2026-03-01T09:30:00", "1969-12-31T23:59:59", "2099-12-31T23:59:59", "0001-01-01T00:00:00"] {
            for millisecond in 0..<1000 {
                let text = base + "." + String(millisecond + 1000).dropFirst() + "Z"
                let read = try #require(RFC3339.parse(text), "\(text)")
                #expect(RFC3339.string(read) == text)
                let stored = Int64((read.timeIntervalSince1970 * 1_000_000).rounded())
                #expect(RFC3339.string(Date(timeIntervalSince1970: Double(stored) / 1_000_000)) == text)
                #expect(RFC3339.string(read.toMicroseconds) == text)
            }
        }
        // Microseconds are cut to the millisecond, never rounded up into the next one.
        #expect(RFC3339.string(try #require(RFC3339.parse("2026-03-01T09:30:00.999999Z"))) == "2026-03-01T09:30:00.999Z")
        // The end of year 9999: written in four digits, and the instants no Double holds before year 10000 refused (the
        // last microsecond came back as "10000-01-01T00:00:00.000Z"; found by a probe).
        #expect(RFC3339.string(try #require(RFC3339.parse("9999-12-31T23:59:59Z"))) == "9999-12-31T23:59:59.000Z")
        #expect(RFC3339.string(try #require(RFC3339.parse("9999-12-31T23:59:59.9Z"))).hasPrefix("9999-12-31T23:59:59."))
        // Read to the millisecond, the last instants of 9999 stay in 9999.
        for text in ["9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59.999999+00:00"] {
            #expect(RFC3339.parse(text).map(RFC3339.string)?.hasPrefix("9999-12-31T23:59:59.99") == true, "\(text)")
        }
        // Whole seconds over every day of a year write what Foundation writes.
        let whole = Date.ISO8601FormatStyle()
        var day = try whole.parse("2024-01-01T00:00:00Z")
        for _ in 0..<366 {
            let instant = day.addingTimeInterval(45_296)
            #expect(RFC3339.string(instant) == instant.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
            day = day.addingTimeInterval(86_400)
        }
    }

    @Test func whatDoesNotExistIsRefused() {
        for text in ["2026-02-29T00:00:00Z", "2026-02-30T00:00:00Z", "2026-04-31T00:00:00Z", "1900-02-29T00:00:00Z",
                     "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-01T24:00:00Z",
                     "2026-01-01T25:00:00Z", "2026-01-01T10:60:00Z", "2026-01-01T10:00:60Z", "2026-01-01T10:00:00+24:00",
                     "2026-01-01T10:00:00+02:60", "2026-01-01T10:00:00", "2026-01-01 10:00:00Z", "2026-01-01T10:00:00.Z",
                     "2026-01-01T10:00Z", "2026-1-01T10:00:00Z", "2026-01-01T10:00:00Zx", "2026-01-01T10:00:00+0200",
                     "", "garbage", "２０２６-01-01T10:00:00Z"] {
            #expect(RFC3339.parse(text) == nil, "\(text)")
        }
        #expect(RFC3339.parse("2024-02-29T00:00:00Z") != nil)
        #expect(RFC3339.parse("2000-02-29T00:00:00Z") != nil)
    }
}
