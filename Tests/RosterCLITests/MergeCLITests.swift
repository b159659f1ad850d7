import Foundation
import Testing

/// `roster parties merge` and `undo-merge` (issue 12, item 5), run as a person would.
@Suite("CLI: merging duplicates")
struct MergeCLITests {
    @Test func mergeDryRunAndUndo() throws {
        let cli = try CLI()
        #expect(try cli.run("tenants", "create", "--slug", "farm", "--name", "Farm").status == 0)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("merge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let people = dir.appendingPathComponent("people.csv")
        try Data("""
            kind,firstName,lastName,email,tags,properties.crop
            person,Ann,Archer,ann@farm.example,Gold,wheat
            person,Ann,Archer,ann.archer@farm.example,Organic,oats
            """.utf8).write(to: people)
        #expect(try cli.run("import", "parties", people.path, "--tenant", "farm").status == 0)
        let (ann, dup) = (try cli.partyID(where: "email", is: "ann@farm.example"), try cli.partyID(where: "email", is: "ann.archer@farm.example"))

        let dry = try cli.run("parties", "merge", "--tenant", "farm", "--dry-run", ann, dup)
        #expect(dry.status == 0 && dry.out.contains("would merge 1 party into") && dry.out.contains("1 tags")
                && dry.out.contains("property: property crop of party \(dup)"), "\(dry.out) \(dry.err)")
        let done = try cli.run("parties", "merge", "--tenant", "farm", ann, dup)
        #expect(done.status == 0 && done.out.hasPrefix("merged 1 party into \(ann) (merge "), "\(done.out) \(done.err)")
        let mergeID = try #require(done.out.split(separator: "(merge ").last?.split(separator: ")").first.map(String.init))
        let exported = try cli.run("export", "parties", "--tenant", "farm")
        #expect(exported.out.split(separator: "\n").count == 2 && exported.out.contains("Gold;Organic"), "\(exported.out)")

        // Errors are one line and an exit status: a survivor in its own list (1), the merge undone twice (2).
        let refused = try cli.run("parties", "merge", "--tenant", "farm", ann, ann)
        #expect(refused.status == 1 && refused.err.contains("from"), "\(refused.err)")
        let undo = try cli.run("parties", "undo-merge", "--tenant", "farm", mergeID)
        #expect(undo.status == 0 && undo.out.contains("undone at"), "\(undo.out) \(undo.err)")
        #expect(try cli.run("export", "parties", "--tenant", "farm").out.split(separator: "\n").count == 3)
        let again = try cli.run("parties", "undo-merge", "--tenant", "farm", mergeID)
        #expect(again.status == 2 && again.err.contains("undone"), "\(again.err)")
    }
}
