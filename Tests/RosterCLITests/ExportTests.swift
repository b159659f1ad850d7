import Foundation
import Testing

/// `roster export parties` (issue 12, item 4), run as a person would: a new 0600 file never overwritten, standard output,
/// and a masked copy imported into another tenant by `roster import parties` with nothing refused.
@Suite("CLI: export parties")
struct ExportCLITests {
    @Test func exportThenImportAMaskedCopy() throws {
        let cli = try CLI()
        #expect(try cli.run("tenants", "create", "--slug", "src", "--name", "Source").status == 0)
        #expect(try cli.run("tenants", "create", "--slug", "copy", "--name", "Copy").status == 0)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("exp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let people = dir.appendingPathComponent("people.csv")
        try Data("""
            kind,firstName,lastName,name,email,phone,roles,tags,properties.crm
            person,Ann,Archer,,ann@example.com,+44 20 7946 0958,customer,Gold,c-1
            person,Bob,Archer,,bob@example.com,,,,
            organization,,,Archer Farms,ann@example.com,,partner,,
            """.utf8).write(to: people)
        #expect(try cli.run("import", "parties", people.path, "--tenant", "src").status == 0)

        let plain = try cli.run("export", "parties", "--tenant", "src")
        #expect(plain.status == 0 && plain.out.split(separator: "\n").count == 4, "\(plain.out) \(plain.err)")
        #expect(plain.out.contains("person,Ann,Archer,,ann@example.com,+442079460958,,,regular,customer,Gold,c-1"), "\(plain.out)")

        // Spreadsheet-safe: a phone's "+" would start a formula (and lose its digits to a number); CSV only.
        let safe = try cli.run("export", "parties", "--tenant", "src", "--spreadsheet-safe")
        #expect(safe.status == 0 && safe.out == plain.out.replacingOccurrences(of: ",+44", with: ",'+44"), "\(safe.out)")
        let jsonSafe = try cli.run("export", "parties", "--tenant", "src", "--format", "jsonl", "--spreadsheet-safe")
        #expect(jsonSafe.status != 0 && jsonSafe.err.contains("--spreadsheet-safe goes with CSV"), "\(jsonSafe.err)")
        let masked = dir.appendingPathComponent("masked.jsonl").path
        let run = try cli.run("export", "parties", "--tenant", "src", "--mask", "--output", masked)
        #expect(run.status == 0 && run.err.contains("exported 3 parties"), "\(run.err)")
        let attributes = try FileManager.default.attributesOfItem(atPath: masked)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let text = try String(contentsOfFile: masked, encoding: .utf8)
        #expect(text.hasPrefix("{") && !text.contains("Ann") && !text.contains("example.com") && !text.contains("c-1"), "\(text)")
        // Never over an existing file; --mask-key needs --mask.
        #expect(try cli.run("export", "parties", "--tenant", "src", "--output", masked).status != 0)
        #expect(try String(contentsOfFile: masked, encoding: .utf8) == text)
        #expect(try cli.run("export", "parties", "--tenant", "src", "--mask-key", "k").status != 0)
        let emptyKey = try cli.run("export", "parties", "--tenant", "src", "--mask", "--mask-key", "")
        #expect(emptyKey.status == 64 && emptyKey.err.contains("--mask-key must not be empty"), "\(emptyKey.err)")

        let imported = try cli.run("import", "parties", masked, "--tenant", "copy", "--on-duplicate", "fail")
        #expect(imported.status == 0 && imported.out.contains("created 3,") && imported.out.contains("refused 0"), "\(imported.out) \(imported.err)")
    }
}
