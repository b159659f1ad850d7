import Foundation
import RosterCore
import Testing

@Suite("Path segments, read as bytes")
struct PathSegmentsTests {
    /// The same segments as `split(separator: "/")` gives (the query aside), for paths of every shape.
    @Test func segmentsAreTheSplitsOfThePath() {
        let paths = ["", "/", "//", "/v1", "/v1/", "v1/tenants", "/v1/tenants/acme/parties", "//v1//tenants//acme",
                     "/v1/tenants/süd/parties", "/ui/t/acme/imports/upload", "/v1/tenants/a%2Fb/imports",
                     "/v1/tenants/acme?x=/a/b", "/v1/tenants/acme/?", "?", "/a/b/c/d/e/f/g/h"]
        for path in paths {
            let bare = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            for omitting in [true, false] {
                let expected = bare.split(separator: "/", omittingEmptySubsequences: omitting).map(String.init)
                #expect(PathSegments.of(path, omittingEmpty: omitting).map(String.init) == expected, "\(path) \(omitting)")
                for limit in 0...4 {
                    #expect(PathSegments.of(path, omittingEmpty: omitting, limit: limit).map(String.init) == Array(expected.prefix(limit)),
                            "\(path) \(omitting) \(limit)")
                }
            }
        }
    }
}

@Suite("The API's paths")
struct APIPathTests {
    @Test func theAPIIsItsFirstSegment() {
        for path in ["/v1", "/v1/", "/v1/tenants", "//v1/tenants", "/v1?x=1", "v1/tenants"] { #expect(PathSegments.isAPI(path), "\(path)") }
        for path in ["", "/", "/v2", "/v1x", "/ui/v1", "/health/live", "/?/v1", "/v10/tenants"] { #expect(!PathSegments.isAPI(path), "\(path)") }
    }
}

@Suite("UUID version 7")
struct UUIDv7Tests {
    /// RFC 9562: the time in milliseconds in the first 48 bits, version 7, variant 0b10, and ids made one after another
    /// in byte order (a counter within one millisecond).
    @Test func idsCarryTheirTimeAndSortByIt() {
        // Ids are made by other tests at once: the clock moves on, and a millisecond's counter that runs out moves the
        // time on by one millisecond; never back.
        let before = UInt64(Date().timeIntervalSince1970 * 1000)
        var ids: [UUID] = []
        for _ in 0..<5_000 { ids.append(UUIDv7.next()) }
        let after = UInt64(Date().timeIntervalSince1970 * 1000)
        for (index, id) in ids.enumerated() {
            let bytes = withUnsafeBytes(of: id.uuid) { Array($0) }
            let millis = bytes[0..<6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            #expect(millis >= before && millis <= after + 64, "\(millis) \(before) \(after)")
            #expect(bytes[6] >> 4 == 7)
            #expect(bytes[8] >> 6 == 0b10)
            if index > 0 { #expect(UUIDv7.less(ids[index - 1], id), "\(ids[index - 1]) \(id)") }
        }
    }
}
