import Foundation
@testable import RosterApp
import Testing

@Suite("RFC 3339 date-times as the API reads them")
struct DateTranscoderTests {
    @Test(arguments: [
        ("2024-01-01T00:00:00Z", "2024-01-01T00:00:00.000Z"),
        ("2024-01-01T00:00:00.123Z", "2024-01-01T00:00:00.123Z"),
        ("2024-01-01t00:00:00z", "2024-01-01T00:00:00.000Z"),
        ("2024-01-01T00:00:00+01:00", "2023-12-31T23:00:00.000Z"),
        ("2024-01-01T00:00:00.5-00:30", "2024-01-01T00:30:00.500Z"),
        // Offsets beyond any real time zone are still RFC 3339 (hours up to 23).
        ("3062-08-08T23:52:04-21:33", "3062-08-09T21:25:04.000Z"),
        ("2000-01-01T00:00:00+23:59", "1999-12-31T00:01:00.000Z"),
    ])
    func accepted(_ text: String, _ utc: String) throws {
        let transcoder = RFC3339DateTranscoder()
        #expect(try transcoder.encode(transcoder.decode(text)) == utc)
    }

    @Test(arguments: ["2024-01-01", "2024-01-01T00:00:00", "2024-01-01T00:00:00+24:00", "2024-01-01T00:00:00+01:60",
                      "2024-13-01T00:00:00Z", "yesterday", "", "2024-01-01T00:00:00+0100",
                      // Days and hours that do not exist (Foundation's parser rolled them over into March, the next day).
                      "2026-02-29T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-31T10:00:00Z", "2026-01-01T24:00:00Z",
                      "2026-01-01T25:00:00Z"])
    func refused(_ text: String) {
        #expect(throws: (any Error).self) { try RFC3339DateTranscoder().decode(text) }
    }
}
