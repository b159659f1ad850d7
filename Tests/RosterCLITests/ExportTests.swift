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
        // The rules of the API's Roster-Mask-Key header: at most 256 characters, no control characters.
        let longKey = try cli.run("export", "parties", "--tenant", "src", "--mask", "--mask-key", String(repeating: "k", count: 257))
        #expect(longKey.status == 64 && longKey.err.contains("--mask-key must be at most 256 characters"), "\(longKey.err)")
        for key in ["pässwort", " padded"] {
            let refused = try cli.run("export", "parties", "--tenant", "src", "--mask", "--mask-key", key)
            #expect(refused.status == 64 && refused.err.contains("--mask-key must"), "\(refused.err)")
        }

        let imported = try cli.run("import", "parties", masked, "--tenant", "copy", "--on-duplicate", "fail")
        #expect(imported.status == 0 && imported.out.contains("created 3,") && imported.out.contains("refused 0"), "\(imported.out) \(imported.err)")
    }

    /// A masked copy of a tenant with its hierarchy: `roster export parties --mask` and `roster export relationships
    /// --mask` with one --mask-key, imported in that order into another tenant, give the same edges between the same
    /// pseudonyms.
    @Test func exportAMaskedCopyWithItsRelationships() throws {
        let cli = try CLI()
        #expect(try cli.run("tenants", "create", "--slug", "src", "--name", "Source").status == 0)
        #expect(try cli.run("tenants", "create", "--slug", "copy", "--name", "Copy").status == 0)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("exp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let people = dir.appendingPathComponent("people.csv")
        try Data("""
            kind,firstName,lastName,name,email,phone
            organization,,,Archer Farms,,
            organization,,,North,north@example.com,
            person,Ann,Archer,,ann@example.com,
            person,Bob,Archer,,,+44 20 7946 0958
            """.utf8).write(to: people)
        #expect(try cli.run("import", "parties", people.path, "--tenant", "src").status == 0)
        let edges = dir.appendingPathComponent("edges.csv")
        try Data("""
            childEmail,childPhone,parentName,parentEmail,type,role,validFrom
            ann@example.com,,Archer Farms,,employment,owner,2026-01-01T00:00:00Z
            ,+44 20 7946 0958,Archer Farms,,employment,,
            north@example.com,,Archer Farms,,structure,,
            """.utf8).write(to: edges)
        #expect(try cli.run("import", "relationships", edges.path, "--tenant", "src").status == 0)
        let jsonl = try cli.run("export", "relationships", "--tenant", "src", "--format", "jsonl")
        #expect(jsonl.status == 0 && jsonl.out.split(separator: "\n").count == 3, "\(jsonl.out) \(jsonl.err)")
        #expect(jsonl.out.contains(#"{"childEmail":"ann@example.com","parentName":"Archer Farms","role":"owner","type":"employment","validFrom":"2026-01-01T00:00:00.000Z"}"#),
                "\(jsonl.out)")

        let plain = try cli.run("export", "relationships", "--tenant", "src")
        let lines = plain.out.split(separator: "\n").map(String.init)
        #expect(plain.status == 0 && lines.first == "childId,childEmail,childPhone,childName,parentId,parentEmail,parentName,type,role,validFrom,validTo",
                "\(plain.out) \(plain.err)")
        #expect(lines.contains(",ann@example.com,,,,,Archer Farms,employment,owner,2026-01-01T00:00:00.000Z,"), "\(lines)")
        #expect(lines.contains(",,+442079460958,,,,Archer Farms,employment,,,"), "\(lines)")
        #expect(lines.contains(",north@example.com,,,,,Archer Farms,structure,,,"), "\(lines)")
        // Spreadsheet-safe, as the API's and the console's downloads: the phone's + starts with an apostrophe.
        let safe = try cli.run("export", "relationships", "--tenant", "src", "--spreadsheet-safe")
        #expect(safe.status == 0 && safe.out.contains(",,'+442079460958,,,,Archer Farms,employment,,,"), "\(safe.out) \(safe.err)")

        let maskedParties = dir.appendingPathComponent("parties.csv").path
        let maskedEdges = dir.appendingPathComponent("edges.jsonl").path
        #expect(try cli.run("export", "parties", "--tenant", "src", "--mask", "--mask-key", "copy-1", "--output", maskedParties).status == 0)
        let run = try cli.run("export", "relationships", "--tenant", "src", "--mask", "--mask-key", "copy-1", "--output", maskedEdges)
        #expect(run.status == 0 && run.err.contains("exported 3 relationships"), "\(run.err)")
        let text = try String(contentsOfFile: maskedEdges, encoding: .utf8)
        #expect(!text.contains("Archer") && !text.contains("example.com") && !text.contains("7946"), "\(text)")
        #expect(try cli.run("import", "parties", maskedParties, "--tenant", "copy").status == 0)
        let imported = try cli.run("import", "relationships", maskedEdges, "--tenant", "copy")
        #expect(imported.status == 0 && imported.out.contains("created 3,") && imported.out.contains("refused 0"), "\(imported.out) \(imported.err)")
        // The copy holds the pseudonyms: its edges, exported plainly, are the source's exported masked with the same key.
        let copy = try cli.run("export", "relationships", "--tenant", "copy").out.split(separator: "\n").map(String.init)
        let masked = try cli.run("export", "relationships", "--tenant", "src", "--mask", "--mask-key", "copy-1").out.split(separator: "\n")
            .map(String.init)
        #expect(Set(copy) == Set(masked), "\(copy) \(masked)")
    }

    /// A reader that stops early (`| head -1`) is a failed write: exit 1 with its reason, not death by SIGPIPE (exit 141
    /// without a word; found by a probe). The export runs from Python with SIGPIPE at its default, as a shell runs it.
    @Test func aClosedPipeIsAFailedWrite() throws {
        let cli = try CLI()
        #expect(try cli.run("tenants", "create", "--slug", "src", "--name", "Source").status == 0)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        // More than a pipe holds (64 KiB), so that the export is still writing when its reader goes.
        try Data(("firstName,lastName,note\n" + (0..<3000).map { "P\($0),Q,\(String(repeating: "n", count: 60))\n" }.joined()).utf8).write(to: file)
        #expect(try cli.run("import", "parties", file.path, "--tenant", "src").status == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import subprocess, sys
            p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, restore_signals=True)
            p.stdout.read(100); p.stdout.close()
            err = p.stderr.read().decode(); p.wait()
            print(p.returncode); print(err)
            """, CLI.binary.path, "export", "parties", "--tenant", "src"]
        var env = ProcessInfo.processInfo.environment
        env["ROSTER_DATABASE_URL"] = cli.databaseURL
        env["ROSTER_LOG_LEVEL"] = "error"
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let lines = text.split(separator: "\n", maxSplits: 1).map(String.init)
        #expect(lines.first == "1" && text.contains("Broken pipe"), "\(text)")
    }

    /// An export whose output was a device that was there (a link to /dev/full) fails with one line naming it, and leaves
    /// it where it was: only a file the command made is removed (an export on /dev/full removed the device; found by a
    /// probe). So does an import's errors file.
    @Test func aFailedExportRemovesOnlyWhatItMade() throws {
        let cli = try CLI()
        #expect(try cli.run("tenants", "create", "--slug", "dev", "--name", "Dev").status == 0)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("full-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let full = dir.appendingPathComponent("full").path
        try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: "/dev/full")
        let people = dir.appendingPathComponent("people.csv")
        try Data("firstName,email\nAnn,ann@example.com\nBad,not-an-email\n".utf8).write(to: people)
        let imported = try cli.run("import", "parties", people.path, "--tenant", "dev", "--errors", full)
        #expect(imported.status == 1 && imported.err.contains("can't write \(full)") && !imported.err.contains("NSCocoaErrorDomain"),
                "\(imported.err)")
        for what in ["parties", "relationships"] {
            let run = try cli.run("export", what, "--tenant", "dev", "--output", full)
            #expect(run.status == 1 && run.err.contains("can't write \(full)"), "\(run.err)")
            #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: full)) == "/dev/full", "the link is where it was")
        }
        #expect(FileManager.default.fileExists(atPath: "/dev/full"))
    }

    /// An export interrupted (Ctrl-C, SIGTERM, a hang-up) part-way removes its file: it ended on a whole row and passed for a whole
    /// export, and a second run was refused as the file existed (found by a probe). The process still ends by the signal.
    @Test func anInterruptedExportLeavesNoFile() throws {
        let cli = try CLI()
        #expect(try cli.run("tenants", "create", "--slug", "cut", "--name", "Cut").status == 0)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cut-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let people = dir.appendingPathComponent("people.csv")
        try Data((["firstName,lastName"] + (1...20_000).map { "Row\($0),Cut" }).joined(separator: "\n").utf8).write(to: people)
        #expect(try cli.run(["import", "parties", people.path, "--tenant", "cut"], timeLimit: 300).status == 0)
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            let output = dir.appendingPathComponent("export-\(signal).csv").path
            let process = Process()
            process.executableURL = CLI.binary
            process.arguments = ["export", "parties", "--tenant", "cut", "--output", output]
            var env = ProcessInfo.processInfo.environment
            env["ROSTER_DATABASE_URL"] = cli.databaseURL
            env["ROSTER_LOG_LEVEL"] = "error"
            process.environment = env
            process.standardOutput = FileHandle.nullDevice
            let progress = Pipe()
            process.standardError = progress
            try process.run()
            // The progress bar (a line at each quarter off a terminal) says the file holds rows: interrupted a quarter in.
            var seen = ""
            while !seen.contains("] 25%"), process.isRunning {
                let chunk = progress.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                seen += String(decoding: chunk, as: UTF8.self)
            }
            let midway = FileManager.default.fileExists(atPath: output) && !seen.contains("exported ")
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            #expect(midway, "the export must be under way when it is interrupted: \(seen)")
            #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == signal,
                    "\(process.terminationReason) \(process.terminationStatus)")
            #expect(!FileManager.default.fileExists(atPath: output), "the export cut short by \(signal) is left")
            let again = try cli.run(["export", "parties", "--tenant", "cut", "--output", output], timeLimit: 300)
            #expect(again.status == 0, "\(again.err)")
        }
        // A restore interrupted once its copy is there removes the copy: an unchecked database was left, which every
        // command then used (found by a probe).
        let backup = dir.appendingPathComponent("cut.backup").path
        #expect(try cli.run(["backup", backup], timeLimit: 120).status == 0)
        let copy = dir.appendingPathComponent("restored.sqlite").path
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["restore", backup, "--database-url", "sqlite://" + copy]
        var env = ProcessInfo.processInfo.environment
        env["ROSTER_LOG_LEVEL"] = "error"
        env["ROSTER_SECRET_KEY_FILE"] = URL(fileURLWithPath: String(cli.databaseURL.dropFirst("sqlite://".count)))
            .deletingPathExtension().appendingPathExtension("key").path
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        while !FileManager.default.fileExists(atPath: copy), process.isRunning { usleep(1000) }
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the restore ended before it was interrupted (\(process.terminationStatus))")
        #expect(!FileManager.default.fileExists(atPath: copy), "the copy of a restore cut short is left")
    }

    /// A benchmark's sizes below what it can run are a usage error (0 crashed the process; found by a probe).
    @Test func benchmarkSizesAreChecked() throws {
        let cli = try CLI()
        for args in [["parties", "--count", "0"], ["provisioning", "--rounds", "0"], ["access", "--users", "0"],
                     ["hierarchy", "--branching", "0"], ["merge", "--parties", "1"]] {
            let run = try cli.run(["bench"] + args)
            #expect(run.status == 64 && run.err.contains("must be at least"), "\(args): \(run.status) \(run.err)")
        }
    }
}
