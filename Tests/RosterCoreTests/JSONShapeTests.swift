import Foundation
import RosterCore
import Testing

/// `JSONDuplicates.check`: one pass, linear in the body, for members named twice and shapes no operation takes.
@Suite struct JSONShapeTests {
    func check(_ text: String) -> JSONDuplicates.Finding? { JSONDuplicates.check(Array(text.utf8)) }

    @Test func duplicatesAreNamedByTheirPath() {
        #expect(check(#"{"a":1,"a":2}"#) == .duplicate("a"))
        #expect(check(#"{"rows":[{"e":1},{"e":1,"\u0065":2}]}"#) == .duplicate("rows[1].e"))
        #expect(check(#"{"s":{"a":{"b":1},"x":{"b":2}},"n":"a","n":"b"}"#) == .duplicate("n"))
        #expect(check(#"{"a":"a","b":["a","a"],"c":{"a":1}}"#) == nil)
        #expect(check(#"{"a":"#) == nil)
    }

    @Test func depthIsBounded() {
        let ok = String(repeating: "[", count: 31) + String(repeating: "]", count: 31)
        #expect(check(#"{"x":"# + ok + "}") == nil)
        let deep = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        #expect(check(#"{"x":"# + deep + "}") == .tooDeep("x" + String(repeating: "[0]", count: 31)))
        // A million levels: found at the 33rd, without reading on (it took gigabytes, quadratic in the depth).
        let million = String(repeating: "[", count: 1_000_000)
        #expect(check(million)?.field == String(repeating: "[0]", count: 32))
    }

    @Test func membersAreBounded() {
        let members = (0..<1_000).map { #""k\#($0)":0"# }.joined(separator: ",")
        #expect(check("{" + members + "}") == nil)
        #expect(check("{" + members + #","one":1}"#) == .tooWide(""))
        #expect(check(#"{"settings":{"# + members + #","more":1}}"#)?.field == "settings")
        // 200,000 members: linear (a set copied per member made it quadratic).
        let many = "{" + (0..<200_000).map { #""m\#($0)":0"# }.joined(separator: ",") + "}"
        #expect(check(many) == .tooWide(""))
    }

    @Test func trailingCommasAreFoundWithTheirPath() {
        #expect(check(#"{"a":1,}"#) == .trailingComma(""))
        #expect(check(#"{"a":[1, 2 ,\#n ]}"#) == .trailingComma("a"))
        #expect(check(#"{"s":{"x":{"y":1,}}}"#) == .trailingComma("s.x"))
        #expect(check(#"{"a":",]","b":"\",}"}"#) == nil)
        #expect(check(#"{"a":[1,2],"b":{}}"#) == nil)
    }
}
