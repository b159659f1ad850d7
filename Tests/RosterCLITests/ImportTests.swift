import Foundation
import Testing

/// `roster import parties` (issue 12, item 1), run as a person would: CSV and JSON Lines, the error report, the exit
/// status, and a run killed with SIGKILL taken up by the same command without a duplicate or a lost row.
@Suite("CLI: import parties")
struct ImportTests {
    static func count(_ cli: CLI, _ whereClause: String) throws -> Int {
        try scalar(cli, "SELECT COUNT(*) FROM parties p JOIN tenants t ON t.id = p.tenant_id WHERE t.slug = 'imp' AND " + whereClause)
    }

    static func scalar(_ cli: CLI, _ sql: String) throws -> Int {
        let path = String(cli.databaseURL.dropFirst("sqlite://".count))
        let query = Process()
        let out = Pipe()
        query.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        query.arguments = ["python3", "-c", """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            c.execute("PRAGMA busy_timeout = 5000")
            print(c.execute(sys.argv[2]).fetchone()[0])
            """, path, sql]
        query.standardOutput = out
        try query.run()
        query.waitUntilExit()
        return Int(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    @Test func csvAndJSONLinesWithTheirErrors() throws {
        let cli = try CLI()
        #expect(try cli.run("tenants", "create", "--slug", "imp", "--name", "Imports").status == 0)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("imp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("people.csv")
        try Data("""
            firstName,lastName,email,phone,roles,tags,properties.crm
            Ann,Archer,ann@example.com,+44 20 7946 0958,customer,Gold,c-1
            Bob,Baker,not-an-email,,,,
            Cy,Cole,,call me,,,
            Dee,Dunn,ANN@example.com,,,,
            """.utf8).write(to: csv)
        let errors = dir.appendingPathComponent("errors.csv").path
        let run = try cli.run("import", "parties", csv.path, "--tenant", "imp", "--errors", errors)
        #expect(run.status == 1, "\(run.out) \(run.err)")
        #expect(run.out.contains("created 1, updated 0, unchanged 0, skipped 1, refused 2"), "\(run.out)")
        let report = try String(contentsOfFile: errors, encoding: .utf8)
        #expect(report.hasPrefix("row,field,message\n") && report.contains("2,email,") && report.contains("3,phone,"), "\(report)")
        #expect(try Self.count(cli, "p.first_name = 'Ann'") == 1)
        // The errors file is never overwritten; an unknown column stops before anything is read.
        #expect(try cli.run("import", "parties", csv.path, "--tenant", "imp", "--errors", errors).status != 0)
        #expect(FileManager.default.fileExists(atPath: errors))
        // A run that stops before any row (no such tenant) leaves no errors file behind to block the corrected run.
        let unused = dir.appendingPathComponent("unused.csv").path
        let noTenant = try cli.run("import", "parties", csv.path, "--tenant", "nosuch", "--errors", unused)
        #expect(noTenant.status == 2 && !FileManager.default.fileExists(atPath: unused), "\(noTenant.err)")
        // A note over two lines and a blank line: the lines counted are more than the rows, and the progress ends at 100%
        // with the rows read (it stopped at 60% 3/5; found by a probe).
        let notes = dir.appendingPathComponent("notes.csv")
        try Data("firstName,note\nEve,\"two\nlines\"\n\nFay,\nGus,\n".utf8).write(to: notes)
        let noted = try cli.run("import", "parties", notes.path, "--tenant", "imp")
        let lastProgress = noted.err.split(separator: "\n").last { $0.hasPrefix("importing") }
        #expect(noted.status == 0 && lastProgress?.contains("100% 3/3") == true, "\(noted.err)")
        let unknown = dir.appendingPathComponent("unknown.csv")
        try Data("firstName,shoeSize\nAnn,7\n".utf8).write(to: unknown)
        let refused = try cli.run("import", "parties", unknown.path, "--tenant", "imp")
        #expect(refused.status != 0 && refused.err.contains("shoeSize"), "\(refused.err)")
        // So does a properties column whose key no party could hold (it refused only the rows with a value in it).
        try Data("firstName,properties.bad key\nAnn,7\nBob,\n".utf8).write(to: unknown)
        let badKey = try cli.run("import", "parties", unknown.path, "--tenant", "imp")
        #expect(badKey.status != 0 && badKey.err.contains("properties.bad key") && !badKey.out.contains("created"), "\(badKey.err)")

        let jsonl = dir.appendingPathComponent("people.jsonl")
        try Data("""
            {"firstName":"Eve","email":"eve@example.com","roles":["dealer"],"properties":{"score":3}}
            {"firstName":"Ann","email":"ann@example.com","note":"updated by JSONL"}
            """.utf8).write(to: jsonl)
        let lines = try cli.run("import", "parties", jsonl.path, "--tenant", "imp", "--on-duplicate", "update")
        #expect(lines.status == 0 && lines.out.contains("created 1, updated 1"), "\(lines.out) \(lines.err)")
        #expect(try Self.count(cli, "p.note = 'updated by JSONL'") == 1)
        let bad = try cli.run("import", "parties", jsonl.path, "--tenant", "imp", "--on-duplicate", "maybe")
        #expect(bad.status != 0 && bad.err.contains("skip, update or fail"))
    }

    /// A file that can't be read part-way says which rows are in, and that a corrected file is another file (found by a
    /// probe: it said only where it could not be read).
    @Test func aFileUnreadablePartWaySaysWhatIsIn() throws {
        let cli = try CLI()
        #expect(try cli.run("tenants", "create", "--slug", "imp", "--name", "Imports").status == 0)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("broken-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        var bytes = Array("firstName,lastName\n".utf8)
        for i in 1...250 { bytes += Array("P\(i),Nobody\n".utf8) }
        bytes += [UInt8(ascii: "X"), 0xFF, UInt8(ascii: ","), UInt8(ascii: "Y"), 0x0A]
        try Data(bytes).write(to: file)
        let run = try cli.run("import", "parties", file.path, "--tenant", "imp", "--batch-size", "100")
        #expect(run.status != 0 && run.err.contains("the rows up to row 250 are imported") && run.err.contains("another file"), "\(run.err)")
        // Every row before the one that can't be read, the batch under way too (its 50 rows were dropped; found by a probe).
        #expect(try Self.count(cli, "p.last_name = 'Nobody'") == 250)
        // A quote never closed, then more than 1 MiB: the same, in the default batch of 2,000.
        var quoted = "firstName,lastName,note\n"
        for i in 1...1000 { quoted += "Q\(i),Quoted,\n" }
        quoted += "Bad,Quote,\"never closed\n" + String(repeating: "padding line without quotes,,\n", count: 40_000)
        try Data(quoted.utf8).write(to: file)
        let unclosed = try cli.run("import", "parties", file.path, "--tenant", "imp")
        #expect(unclosed.status != 0 && unclosed.err.contains("at row 1001: it runs past 1 MiB")
                && unclosed.err.contains("the rows up to row 1000 are imported"), "\(unclosed.err)")
        #expect(try Self.count(cli, "p.last_name = 'Quoted'") == 1000)
    }

    @Test func aKilledImportIsTakenUpWithoutDuplicatesOrLosses() async throws {
        let cli = try CLI()
        #expect(try cli.run("tenants", "create", "--slug", "imp", "--name", "Imports").status == 0)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("big-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        // Rows without email or phone: a rerun could not find them as duplicates; only the committed progress can.
        let total = 20_000
        try Data((["firstName,lastName"] + (1...total).map { "Row\($0),Kill" }).joined(separator: "\n").utf8).write(to: file)
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["import", "parties", file.path, "--tenant", "imp", "--batch-size", "50"]
        var env = ProcessInfo.processInfo.environment
        env["ROSTER_DATABASE_URL"] = cli.databaseURL
        env["ROSTER_LOG_LEVEL"] = "error"
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        let progress = Pipe()
        process.standardError = progress
        try process.run()
        // The progress bar (a line at each quarter off a terminal) says when rows are committed: kill it a quarter in.
        var seen = ""
        while !seen.contains("] 25%"), process.isRunning {
            let chunk = progress.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let before = try Self.count(cli, "p.last_name = 'Kill'")
        #expect(before > 0 && before < total, "killed after \(before) rows: the test needs it mid-way")
        let rerun = try cli.run("import", "parties", file.path, "--tenant", "imp", "--batch-size", "50")
        #expect(rerun.status == 0 && rerun.out.contains("went on after row"), "\(rerun.out) \(rerun.err)")
        #expect(try Self.count(cli, "p.last_name = 'Kill'") == total)
        #expect(try Self.scalar(cli, "SELECT COUNT(DISTINCT first_name) FROM parties WHERE last_name = 'Kill'") == total)
    }
}

extension ImportTests {
    @Test func relationshipsFromCSV() throws {
        let cli = try CLI()
        #expect(try cli.run("migrate", "--demo").status == 0)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("edges-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("""
            childEmail,parentName,type,role
            frank@riverside.example,Green Valley Growers,advises,adviser
            frank@riverside.example,Nobody Ltd,advises,
            """.utf8).write(to: file)
        let run = try cli.run("import", "relationships", file.path, "--tenant", "acme")
        #expect(run.status == 1 && run.out.contains("created 1") && run.out.contains("refused 1"), "\(run.out) \(run.err)")
        #expect(run.err.contains("row 2: parentName: names no live party"), "\(run.err)")
        let update = try cli.run("import", "relationships", file.path, "--tenant", "acme", "--on-duplicate", "update")
        #expect(update.status != 0 && update.err.contains("skip or fail"))
    }
}
