import Foundation
import Testing

/// `roster secret-key rotate`, run as an operator would: beside a running server, with the key file or with
/// ROSTER_SECRET_KEY, and after a rotation cut short.
@Suite("CLI: secret key rotation")
struct SecretKeyCLITests {
    static let token = "secret-key-rotation-token-0123456789abcdef"

    /// The status of a GET and its body.
    static func get(_ url: String) -> (Int, String) {
        guard let out = http(["-s", "-m", "10", "-w", "\n%{http_code}", "-H", "Authorization: Bearer \(token)", url]),
              let last = out.split(separator: "\n").last, let code = Int(last) else { return (0, "") }
        return (code, String(out.dropLast(last.count + 1)))
    }

    /// A demo partner account's id and its revealed secret (status, secret).
    static func reveal(port: Int, account: String? = nil) throws -> (account: String, status: Int, secret: String?) {
        let base = "http://127.0.0.1:\(port)/v1/tenants/acme"
        let id: String
        if let account {
            id = account
        } else {
            let list = try JSONSerialization.jsonObject(with: Data(get("\(base)/partner-accounts").1.utf8)) as? [String: Any]
            let ids = ((list?["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }.sorted()
            id = try #require(ids.first)
        }
        let (status, body) = get("\(base)/partner-accounts/\(id)/secret")
        let secret = (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["secret"] as? String
        return (id, status, secret)
    }

    /// The sealed values of partner-account secrets, read from the SQLite file.
    static func sealedSecrets(_ cli: CLI) throws -> [String] {
        let query = Process()
        let out = Pipe()
        query.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        query.arguments = ["python3", "-c", """
            import sqlite3, sys
            for (secret,) in sqlite3.connect(sys.argv[1]).execute("SELECT secret FROM partner_accounts"): print(secret)
            """, String(cli.databaseURL.dropFirst("sqlite://".count))]
        query.standardOutput = out
        try query.run()
        query.waitUntilExit()
        return String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").map(String.init)
    }

    static func removeDatabase(_ path: String) {
        let key = URL(fileURLWithPath: path).deletingPathExtension().appendingPathExtension("key").path
        for file in [path, path + "-wal", path + "-shm", path + "-writers", key] { try? FileManager.default.removeItem(atPath: file) }
    }

    static func waitReady(port: Int) async throws -> Bool {
        for _ in 0..<600 {
            if get("http://127.0.0.1:\(port)/health/ready").0 == 200 { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    @Test func rotationReplacesTheKeyFileBesideARunningServer() async throws {
        let cli = try CLI()
        let env = ["ROSTER_BOOTSTRAP_TOKEN": Self.token]
        #expect(try cli.run(["migrate", "--demo"], environment: env).status == 0)
        let path = String(cli.databaseURL.dropFirst("sqlite://".count))
        let keyFile = URL(fileURLWithPath: path).deletingPathExtension().appendingPathExtension("key").path
        let oldKey = try String(contentsOfFile: keyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)

        // A backup from before the rotation: restored, it takes the key from before, which the rotation kept as KEYFILE.old.
        let backup = path + ".before-rotation.backup"
        defer { try? FileManager.default.removeItem(atPath: backup) }
        #expect(try cli.run(["backup", backup], environment: env).status == 0)

        let port = CLI.serverPort()
        var stop = try cli.serve(port: port, environment: env)
        defer { stop() }
        #expect(try await Self.waitReady(port: port), "the server did not start within a minute")
        let before = try Self.reveal(port: port)
        #expect(before.status == 200 && before.secret != nil)
        // Signed in to the console there, with a session cookie sealed under a key derived from the old key.
        let jar = path + ".cookies"
        defer { try? FileManager.default.removeItem(atPath: jar) }
        let console = "http://127.0.0.1:\(port)/ui"
        func signIn() throws {
            let signInPage = http(["-s", "-c", jar, "-b", jar, "\(console)/sign-in"]) ?? ""
            let csrf = try #require(signInPage.range(of: #"name="csrf" value="[^"]*""#, options: .regularExpression).map {
                String(signInPage[$0].dropFirst(#"name="csrf" value=""#.count).dropLast())
            })
            _ = http(["-s", "-c", jar, "-b", jar, "-o", "/dev/null", "--data-urlencode", "csrf=\(csrf)", "--data-urlencode",
                      "token=\(Self.token)", "\(console)/sign-in"])
        }
        func consoleStatus() -> String { http(["-s", "-b", jar, "-o", "/dev/null", "-w", "%{http_code}", "\(console)/tenants"]) ?? "" }
        try signIn()
        #expect(consoleStatus() == "200")

        // Rotated while the server runs.
        let rotated = try cli.run(["secret-key", "rotate"], environment: env, timeLimit: 60)
        #expect(rotated.status == 0 && rotated.out.contains("resealed") && rotated.out.contains("\(keyFile) holds it now"),
                "\(rotated.status) \(rotated.out) \(rotated.err)")
        let newKey = try String(contentsOfFile: keyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(newKey != oldKey && Data(base64Encoded: newKey)?.count == 32)
        #expect((try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(!FileManager.default.fileExists(atPath: keyFile + ".new"))
        let kept = try String(contentsOfFile: keyFile + ".old", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(kept == oldKey)
        defer { for suffix in [".old", ".old.2", ".old.3"] { try? FileManager.default.removeItem(atPath: keyFile + suffix) } }

        // The running server reads its key file again within its watch's interval (2 s) and takes the new key: until then
        // it reveals nothing (503 naming the rotation); afterwards it reveals the same secret. The console session sealed
        // under the old key's derived key ends there; a new sign-in holds.
        #expect(Self.get("http://127.0.0.1:\(port)/health/ready").0 == 200)
        var revealed: (account: String, status: Int, secret: String?) = (before.account, 0, nil)
        for _ in 0..<60 where revealed.status != 200 {
            revealed = try Self.reveal(port: port, account: before.account)
            #expect(revealed.status == 200 || revealed.status == 503, "\(revealed)")
            if revealed.status != 200 { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(revealed.status == 200 && revealed.secret == before.secret, "the running server did not take the new key: \(revealed)")
        #expect(consoleStatus() == "303", "the console session sealed under the old key still opens")
        try signIn()
        #expect(consoleStatus() == "200", "a sign-in after the rotation holds no session")
        #expect(Self.get("http://127.0.0.1:\(port)/health/ready").0 == 200)
        stop()

        // Restarted, it reads the new key file and reveals the same secret.
        let port2 = CLI.serverPort()
        stop = try cli.serve(port: port2, environment: env)
        #expect(try await Self.waitReady(port: port2), "the server did not start again within a minute")
        let after = try Self.reveal(port: port2, account: before.account)
        #expect(after.status == 200 && after.secret == before.secret, "\(after)")
        stop()

        // The old key is refused from now on.
        let old = try cli.run(["migrate"], environment: ["ROSTER_SECRET_KEY": oldKey], timeLimit: 60)
        #expect(old.status == 2 && old.err.contains("ROSTER_SECRET_KEY"), "\(old.err)")

        // The backup from before, restored beside it with the key file: start names KEYFILE.old as the key it takes.
        let restoredPath = path + ".restored.sqlite"
        defer { Self.removeDatabase(restoredPath) }
        let restored = try CLI(databaseURL: "sqlite://" + restoredPath).run(["restore", backup], environment: ["ROSTER_SECRET_KEY_FILE": keyFile])
        #expect(restored.status == 2 && restored.err.contains("\(keyFile).old holds it"), "\(restored.status) \(restored.err)")

        // A rotation cut short after its commit leaves the new key in KEYFILE.new and the old in the key file: start
        // says to move it into place, and so does another rotation, which leaves the file where it is.
        try FileManager.default.moveItem(atPath: keyFile, toPath: keyFile + ".new")
        try Data((oldKey + "\n").utf8).write(to: URL(fileURLWithPath: keyFile))
        for command in [["migrate"], ["secret-key", "rotate"]] {
            let cut = try cli.run(command, environment: env, timeLimit: 60)
            #expect(cut.status == 2 && cut.err.contains("\(keyFile).new holds it") && cut.err.contains("move"), "\(command): \(cut.err)")
            #expect(try String(contentsOfFile: keyFile + ".new", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == newKey)
        }
        // Moved into place. A KEYFILE.new a running rotation holds (its lock) is refused and left alone.
        try FileManager.default.removeItem(atPath: keyFile)
        try FileManager.default.moveItem(atPath: keyFile + ".new", toPath: keyFile)
        try Data("stale\n".utf8).write(to: URL(fileURLWithPath: keyFile + ".new"))
        let held = open(keyFile + ".new", O_RDONLY)
        #expect(held >= 0 && flock(held, LOCK_EX) == 0)
        let running = try cli.run(["secret-key", "rotate"], environment: env, timeLimit: 60)
        #expect(running.status == 2 && running.err.contains("another rotation is running"), "\(running.err)")
        #expect(try String(contentsOfFile: keyFile + ".new", encoding: .utf8) == "stale\n")
        close(held)
        // One no rotation holds, whose key the database never took, is cleared; the key before is kept beside the older
        // one (backups from before each rotation need theirs), never over it.
        let cleared = try cli.run(["secret-key", "rotate"], environment: env, timeLimit: 60)
        #expect(cleared.status == 0 && cleared.out.contains("\(keyFile).old.2"), "\(cleared.out) \(cleared.err)")
        #expect(!FileManager.default.fileExists(atPath: keyFile + ".new"))
        #expect(try String(contentsOfFile: keyFile + ".old", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == oldKey)
        #expect(try String(contentsOfFile: keyFile + ".old.2", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == newKey)
        #expect((try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        // Never back to a key a rotation replaced (it may have leaked; the sessions sealed under it would open again).
        let back = try cli.run(["secret-key", "rotate", "--new-key-file", keyFile + ".old"], environment: env, timeLimit: 60)
        #expect(back.status == 1 && back.err.contains("took before"), "\(back.status) \(back.err)")
        #expect(try cli.run(["migrate"], environment: env, timeLimit: 60).status == 0, "the database still takes the key file's key")
        // KEYFILE.new is a rotation in place's own: a key put there would read as a rotation cut short.
        let reserved = try cli.run(["secret-key", "rotate", "--new-key-file", keyFile + ".new"], environment: env, timeLimit: 60)
        #expect(reserved.status == 2 && reserved.err.contains("keeps its new key") && !FileManager.default.fileExists(atPath: keyFile + ".new"),
                "\(reserved.status) \(reserved.err)")
    }

    @Test func aKeyFromTheEnvironmentRotatesIntoANewKeyFile() throws {
        let cli = try CLI()
        let key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
        #expect(try cli.run(["migrate", "--demo"], environment: ["ROSTER_SECRET_KEY": key]).status == 0)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rotate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        // Without --new-key-file there is nowhere to put the new key.
        let nowhere = try cli.run(["secret-key", "rotate"], environment: ["ROSTER_SECRET_KEY": key], timeLimit: 60)
        #expect(nowhere.status == 1 && nowhere.err.contains("--new-key-file"), "\(nowhere.err)")
        // A file that holds no key is refused before anything changes.
        let junk = dir.appendingPathComponent("junk.key").path
        try Data("not a key\n".utf8).write(to: URL(fileURLWithPath: junk))
        let refused = try cli.run(["secret-key", "rotate", "--new-key-file", junk], environment: ["ROSTER_SECRET_KEY": key], timeLimit: 60)
        #expect(refused.status == 1 && refused.err.contains("does not hold a base64 AES-256 key"), "\(refused.err)")
        // The key in use, given as the new one.
        let same = dir.appendingPathComponent("same.key").path
        try Data((key + "\n").utf8).write(to: URL(fileURLWithPath: same))
        let inUse = try cli.run(["secret-key", "rotate", "--new-key-file", same], environment: ["ROSTER_SECRET_KEY": key], timeLimit: 60)
        #expect(inUse.status == 1 && inUse.err.contains("--new-key-file holds the key in use"), "\(inUse.err)")
        // A rotation the database refuses (another key given) makes no key file.
        let unmade = dir.appendingPathComponent("unmade.key").path
        let wrong = try cli.run(["secret-key", "rotate", "--new-key-file", unmade],
                                environment: ["ROSTER_SECRET_KEY": "HxwdHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA="], timeLimit: 60)
        #expect(wrong.status == 2 && !FileManager.default.fileExists(atPath: unmade), "\(wrong.err)")
        #expect(try cli.run(["migrate"], environment: ["ROSTER_SECRET_KEY": key], timeLimit: 60).status == 0)

        // A path where no file is: the new key is made there, 0600; the database takes it and no longer the old one.
        let sealedBefore = try Self.sealedSecrets(cli)
        #expect(!sealedBefore.isEmpty)
        let newFile = dir.appendingPathComponent("new.key").path
        let rotated = try cli.run(["secret-key", "rotate", "--new-key-file", newFile], environment: ["ROSTER_SECRET_KEY": key], timeLimit: 60)
        #expect(rotated.status == 0 && rotated.out.contains("it is in \(newFile)"), "\(rotated.status) \(rotated.out) \(rotated.err)")
        // The values sealed under the old key are gone from the database's files, not just replaced in its rows.
        let path = String(cli.databaseURL.dropFirst("sqlite://".count))
        for file in [path, path + "-wal"] {
            guard let bytes = FileManager.default.contents(atPath: file) else { continue }
            for sealed in sealedBefore {
                let body = Data(sealed.dropFirst("v2:".count).prefix(24).utf8)
                #expect(bytes.range(of: body) == nil, "\(file) still holds a value sealed under the old key")
            }
        }
        #expect((try FileManager.default.attributesOfItem(atPath: newFile)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let newKey = try String(contentsOfFile: newFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let old = try cli.run(["migrate"], environment: ["ROSTER_SECRET_KEY": key], timeLimit: 60)
        #expect(old.status == 2 && old.err.contains("ROSTER_SECRET_KEY"), "\(old.err)")
        #expect(try cli.run(["migrate"], environment: ["ROSTER_SECRET_KEY": newKey], timeLimit: 60).status == 0)
        #expect(try cli.run(["migrate"], environment: ["ROSTER_SECRET_KEY_FILE": newFile], timeLimit: 60).status == 0)

    }
}
