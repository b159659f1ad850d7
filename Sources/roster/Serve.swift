import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import Metrics
import Prometheus
import RosterApp
import RosterCore
import RosterAPI
import RosterService
import RosterSQL
import Synchronization

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the REST API (migrates the database first).")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Address to listen on (env ROSTER_HOST, default 127.0.0.1).")
    var host: String?

    @Option(name: .long, help: "Port to listen on (env ROSTER_PORT, default 8080).")
    var port: Int?

    @Flag(name: .long, help: "Seed a small demo data set (tenants acme and globex) if not present.")
    var demo = false

    func run() async throws {
        var overrides: [String: String] = [:]
        if let host { overrides["ROSTER_HOST"] = host }
        if let port { overrides["ROSTER_PORT"] = String(port) }
        let config = global.configuration(overrides: overrides)
        let logger = global.logger(config)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        logger.info("starting", metadata: ["database": "\(config.redactedDatabaseURL)", "address": "\(config.host):\(config.port)"])
        do {
            let (app, _) = try await buildApplication(configuration: config, logger: logger, metricsRegistry: registry, demo: demo,
                                                      onServerRunning: { port in
                let base = config.publicURL ?? "http://\(config.host.contains(":") ? "[\(config.host)]" : config.host):\(port)"
                FileHandle.standardOutput.write(Data("""
                    Roster is listening: the API at \(base)/v1 (spec at \(base)/openapi.yaml),
                    the admin console at \(base)/ui: sign in there with the bootstrap token (or a tenant API key, rk_...).

                    """.utf8))
            }) { token in
                FileHandle.standardOutput.write(Data("""
                    ------------------------------------------------------------------
                    Generated bootstrap (platform) token, shown only this once:
                      \(token)
                    Use it as: Authorization: Bearer \(token)
                    ------------------------------------------------------------------

                    """.utf8))
            }
            try await app.runService()
            logger.info("stopped")
        } catch SQLError.unavailable(let detail) {
            // One line naming the database, its password hidden, as every other command says it (found by a probe).
            FileHandle.standardError.write(Data("roster: the database at \(config.redactedDatabaseURL) is unavailable: \(detail)\n".utf8))
            Foundation.exit(3)
        } catch let error as ConfigurationError {
            // Exit at once: the server never started, and its database handles are not closed on this path.
            FileHandle.standardError.write(Data("roster: configuration: \(error)\n".utf8))
            Foundation.exit(2)
        } catch let error as IOError where error.errnoCode == EADDRINUSE || error.errnoCode == EADDRNOTAVAIL || error.errnoCode == EACCES {
            // The address to listen on is taken or not this machine's: refused configuration, named.
            let why = error.errnoCode == EADDRINUSE ? "is in use" : error.errnoCode == EACCES ? "is not permitted" : "is not an address of this machine"
            FileHandle.standardError.write(Data("roster: can't listen on \(config.host):\(config.port): the address \(why) (ROSTER_HOST, ROSTER_PORT)\n".utf8))
            Foundation.exit(2)
        } catch let error where error is SocketAddressError || error is SocketAddressError.UnknownHost {
            // A host name that does not resolve (it printed the error's type name).
            FileHandle.standardError.write(Data("roster: can't listen on \(config.host):\(config.port): the name does not resolve to an address (ROSTER_HOST)\n".utf8))
            Foundation.exit(2)
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending migrations and create the management tenant.")

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Also seed the demo data set (tenants acme and globex) if not present.")
    var demo = false

    func run() async throws {
        let applied = Mutex<[Int]>([])
        try await global.withRuntime(creates: true, demo: demo, onBootstrapToken: { token in
            print("Generated bootstrap (platform) token, shown only this once: \(token)")
        }, onMigrated: { versions in applied.withLock { $0 = versions } }) { _ in }
        // What was done (it said "up to date" after applying every migration too; found by a probe).
        let versions = applied.withLock { $0 }
        print(versions.isEmpty ? "database is up to date"
              : "applied \(versions.count) migration\(versions.count == 1 ? "" : "s") (\(versions.map(String.init).joined(separator: ", "))); "
                + "the database is up to date")
    }
}

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a consistent copy of the SQLite database to FILE.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Destination file; must not exist.")
    var file: String

    func run() async throws {
        let config = global.configuration()
        // Refused (2) before anything is opened, as restore refuses it (it was 1, after connecting; found by a probe).
        guard RosterDatabase.sqlitePath(config.databaseURL) != nil else { throw CLIRefusal(DatabaseURLError.backupNeedsSQLite.description) }
        guard !FileManager.default.fileExists(atPath: file) else { throw CLIRefusal("\(file) exists; choose a new file") }
        try global.requireExistingDatabase(config)
        let database = try await RosterDatabase.open(url: config.databaseURL, logger: global.logger(config))
        do {
            // A backup cut short by an interruption is removed, as one that failed is (an empty file and its journal
            // were left; found by a probe).
            try await Interruption.removing([file, file + "-journal"]) {
                try await database.withRunning { database in try await database.backup(to: file) }
            }
        } catch let error as BackupFileError {
            // Refused (2), as an output file that can't be created is everywhere (it was 1; found by a probe).
            throw CLIRefusal(String(describing: error))
        }
        print("backup written to \(file)")
    }
}

struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Restore a `roster backup` file into a new SQLite database (--database-url sqlite://NEW).",
        discussion: "NEW must not exist (or be an empty file). The copy is created with mode 0600, checked page by page, "
            + "migrated and opened with the configured secret key (ROSTER_SECRET_KEY or ROSTER_SECRET_KEY_FILE): the key the "
            + "backup's secrets were sealed with. If any of it fails, or the command is interrupted, the copy is removed and the "
            + "command exits non-zero. "
            + "For PostgreSQL, use pg_dump and pg_restore (docs/compliance.md).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The backup file.")
    var file: String

    func run() async throws {
        let config = global.configuration()
        guard let path = RosterDatabase.sqlitePath(config.databaseURL) else {
            FileHandle.standardError.write(Data("roster: \(RestoreError.needsSQLite)\n".utf8))
            throw ExitCode(2)
        }
        // A directory, or a file not there: refused (2), as every command's input file is.
        try Files.requireReadable(file)
        do {
            try RosterDatabase.prepareRestore(from: file, to: path)
        } catch let error as RestoreError {
            FileHandle.standardError.write(Data("roster: \(error)\n".utf8))
            // A file whose contents can't be used is invalid input (1), as a damaged backup is (README).
            if case .notSQLite = error { throw ExitCode(1) }
            throw ExitCode(2)
        }
        // A restore cut short by an interruption removes its copy, as a failed one does: an unchecked copy was left for
        // every command to use (found by a probe).
        try await Interruption.removing(RosterDatabase.restoreFiles(at: path)) {
            do {
                try RosterDatabase.copyForRestore(from: file, to: path)
            } catch {
                // An output that can't be created is refused (2, README), in words (it was Foundation's text, exit 1).
                throw CLIRefusal("can't copy the backup to \(path): \((error as NSError).localizedDescription)")
            }
            try await check(copyAt: path, config: config)
        }
    }

    /// Checks the copy at `path` (its pages, its migrations, the key, its audit chains) and says what was restored; the
    /// copy is removed when any of it fails.
    private func check(copyAt path: String, config: RosterConfiguration) async throws {
        do {
            // Every page checked before anything (migrations) writes to the copy. A file cut short is no database SQLite
            // opens, which the runtime reports as an unavailable database (exit 3): it is the backup's fault (exit 1).
            let problems: [String]
            do {
                let copy = try await RosterDatabase.open(url: config.databaseURL, logger: global.logger(config))
                problems = try await copy.withRunning { database in try await database.integrityProblems() }
            } catch {
                // Roster's own words, not the error's case (`unavailable("…")`; found by a probe).
                let detail: String = switch error {
                case SQLError.unavailable(let detail): detail
                case let error as RosterError: error.detail ?? String(describing: error)
                default: String(describing: error)
                }
                throw ValidationError("the backup is damaged: \(detail)")
            }
            // SQLite's check may list a hundred problems (its limit), in one row, under a heading: the first five are
            // enough to say it.
            let lines = problems.flatMap { $0.split(separator: "\n").map(String.init) }.filter { !$0.hasPrefix("*** ") }
            guard lines.isEmpty else {
                let more = lines.count > 5 ? "; and \(lines.count >= 99 ? "at least " : "")\(lines.count - 5) more" : ""
                throw ValidationError("the backup is damaged: \(lines.prefix(5).joined(separator: "; "))\(more)")
            }
            let summary: String
            do {
                summary = try await restoredSummary(path: path, config: config)
            } catch is NoRosterSchema {
                // Another application's SQLite file: said so, not "roster migrate makes one".
                throw ValidationError("\(file) is not a Roster backup: it holds no Roster schema")
            }
            print(summary)
        } catch {
            RosterDatabase.discardRestore(at: path)
            throw error
        }
    }

    /// What the restored copy holds, once its audit chains verify.
    private func restoredSummary(path: String, config: RosterConfiguration) async throws -> String {
        try await global.withRuntime(config) { runtime in
            let tenants = try await runtime.services.tenants.all(context: .cli)
            // Each broken chain named as `roster audit verify` names it (the restore said only that one was).
            let broken = try await tenants.asyncMap { tenant in
                let result = try await runtime.services.audit.verify(tenant: tenant.slug, context: .cli)
                return result.valid ? nil : "\(tenant.slug): broken at entry \(result.brokenAt ?? 0): \(result.reason ?? "")"
            }.compactMap { $0 }
            guard broken.isEmpty else {
                throw ValidationError("an audit chain of the backup does not verify: " + broken.joined(separator: "; "))
            }
            return "restored \(tenants.count) tenants into \(path); every audit chain verifies"
        }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
