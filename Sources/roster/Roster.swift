import ArgumentParser
import Foundation
import Logging
import RosterApp
import RosterCore
import RosterSQL

@main
struct Roster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "A multi-tenant registry of people, organizations, users and their relationships.",
        // The API's version (openapi.yaml's info.version): `roster --version`.
        version: "0.1.0",
        subcommands: [Serve.self, Migrate.self, Tenants.self, Parties.self, Export.self, Users.self, PlatformKeys.self, SecretKeyCommand.self, Audit.self, Retention.self,
                      Import.self, Backup.self, Restore.self, Bench.self])

    /// As `AsyncParsableCommand.main`, except that a command that refuses its input while it runs (a file it can't
    /// read, an option value it can't use) exits 1, as README promises for invalid input; a command line that does
    /// not parse keeps the parser's usage error.
    static func main() async {
        AllocatorTuning.apply(arguments: CommandLine.arguments)
        // A closed pipe is a failed write (exit 1 with its reason, as README says), not a silent death by SIGPIPE
        // (`roster export parties | head -1` exited 141 with no word; found by a probe).
        signal(SIGPIPE, SIG_IGN)
        refuseHelpOnUnknownCommands(Array(CommandLine.arguments.dropFirst()))
        let command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                var command = command
                try command.run()
            }
            // What `print` wrote (a key shown once, an anchor): a full disk or a closed pipe must not pass for done.
            try StandardOutput.flush()
        } catch let error as ValidationError {
            FileHandle.standardError.write(Data("Error: \(error.message)\n".utf8))
            Foundation.exit(1)
        } catch let refusal as CLIRefusal {
            FileHandle.standardError.write(Data("roster: \(refusal.message)\n".utf8))
            Foundation.exit(2)
        } catch let error as StandardOutput.Failure {
            FileHandle.standardError.write(Data("roster: \(error.message)\n".utf8))
            Foundation.exit(1)
        } catch {
            // What a command did not report itself (`runCLI`): one clear line, and the README's exit codes.
            if let code = reportCLIError(error) { Foundation.exit(code) }
            exit(withError: error)
        }
    }
}

/// `roster help NAME…` for a command there is not: the parser showed the top level's help and exited 0, as if the
/// help asked for were there. It is a command line that does not parse, as `roster NAME` is (exit 64).
private func refuseHelpOnUnknownCommands(_ arguments: [String]) {
    guard arguments.first == "help" else { return }
    var command: any ParsableCommand.Type = Roster.self
    // The names up to the first option (an option's value is no command's name).
    for name in arguments.dropFirst().prefix(while: { !$0.hasPrefix("-") }) {
        guard let next = command.configuration.subcommands.first(where: { $0._commandName == name || $0.configuration.aliases.contains(name) }) else {
            let path = ([Roster.configuration.commandName ?? "roster"] + arguments.dropFirst().prefix { $0 != name }).joined(separator: " ")
            FileHandle.standardError.write(Data("Error: \(path) has no command '\(name)'\n  See '\(path) --help' for its commands.\n".utf8))
            Foundation.exit(64)
        }
        command = next
    }
}

/// Options every command shares; each falls back to its environment variable, then the default.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Database URL: sqlite://PATH or postgres://user:password@host:port/db (env ROSTER_DATABASE_URL).")
    var databaseURL: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical (env ROSTER_LOG_LEVEL).")
    var logLevel: String?

    /// The configuration, read once: these options and `overrides` (a command's own options, by the variable they
    /// stand for), then the environment, then defaults. A value that can't be used stops the command with exit code 2.
    func configuration(overrides: [String: String] = [:]) -> RosterConfiguration {
        var given = overrides
        if let databaseURL { given["ROSTER_DATABASE_URL"] = databaseURL }
        if let logLevel { given["ROSTER_LOG_LEVEL"] = logLevel }
        let environment = ProcessInfo.processInfo.environment
        do {
            let config = try RosterConfiguration.load(environment: environment, overrides: given)
            for unknown in RosterConfiguration.unknownVariables(in: environment) {
                FileHandle.standardError.write(Data("roster: warning: \(unknown) is not a Roster setting; it is ignored\n".utf8))
            }
            return config
        } catch let error as ConfigurationError where given[error.variable] != nil && environment[error.variable] != given[error.variable] {
            // The value came from an option: name it (the variable it stands for too).
            let option = Self.optionNames[error.variable]
                ?? "--" + error.variable.dropFirst("ROSTER_".count).lowercased().replacingOccurrences(of: "_", with: "-")
            FileHandle.standardError.write(Data("roster: configuration: \(option) (\(error.variable)) \(error.accepts)\n".utf8))
            Foundation.exit(2)
        } catch {
            FileHandle.standardError.write(Data("roster: configuration: \(error)\n".utf8))
            Foundation.exit(2)
        }
    }

    /// A SQLite database a command reads or changes must be there: a missing or empty file (a mistyped path, or one an
    /// earlier mistake left) is told (exit 3, naming the path), not migrated into a new, empty database.
    func requireExistingDatabase(_ config: RosterConfiguration) throws {
        guard let path = RosterDatabase.sqlitePath(config.databaseURL) else { return }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        guard size == nil || size == 0 else {
            // Another application's database: refused before it is opened, which would change it (WAL mode, files
            // beside it). A PostgreSQL database is refused by the migration's transaction, which writes nothing.
            if RosterDatabase.sqliteHoldsSchema(at: path) == false { throw NoRosterSchema() }
            return
        }
        let what = size == nil ? "there is no database at \(path)" : "\(path) is an empty file, not a database"
        FileHandle.standardError.write(Data(
            "roster: \(what) (\(config.redactedDatabaseURL)): check --database-url or ROSTER_DATABASE_URL; `roster migrate` creates one\n".utf8))
        throw ExitCode(3)
    }

    /// Options named otherwise than their variable (`--days` stands for ROSTER_RETENTION_DAYS).
    static let optionNames = ["ROSTER_RETENTION_DAYS": "--days"]

    func logger(_ config: RosterConfiguration) -> Logger {
        RosterLogHandler.bootstrap(format: config.logFormat, level: config.logLevel)
        var logger = Logger(label: "roster")
        logger.logLevel = config.logLevel
        return logger
    }

    /// Opens the configured database, migrates it, runs `body` with the services, and closes it:
    /// what every one-shot command does. Domain errors become a one-line message and an exit status.
    /// `creates`: the command may create a SQLite file that is not there (`migrate`, `tenants create`, `platform-keys
    /// create`, the benchmarks); the others, which read or change what a database holds, refuse a missing one (exit 3),
    /// so that a mistyped path is told, not answered from a new empty database, and one that holds no Roster schema (exit
    /// 2: another application's file, an empty PostgreSQL database).
    func withRuntime<T: Sendable>(
        _ config: RosterConfiguration? = nil, creates: Bool = false, demo: Bool = false,
        onBootstrapToken: (@Sendable (String) -> Void)? = nil, onMigrated: (@Sendable ([Int]) -> Void)? = nil,
        _ body: @Sendable (RosterRuntime) async throws -> T
    ) async throws -> T {
        let config = config ?? configuration()
        let logger = logger(config)
        if !creates { try requireExistingDatabase(config) }
        // A one-shot command says once that the database is not there (below); the pool's retries stay quiet.
        var databaseLogger = logger
        // The driver's warnings too (PostgresNIO's "run() hasn't been called yet" while the pool starts, its refused
        // passwords): the command's own one line says what matters.
        databaseLogger.logLevel = max(logger.logLevel, .error)
        do {
            let database = try await RosterDatabase.open(url: config.databaseURL, logger: databaseLogger, bulk: true)
            return try await database.withRunning { database in
                let runtime = try RosterRuntime.make(database, configuration: config)
                do {
                    try await prepare(runtime: runtime, configuration: config, logger: logger, demo: demo, createsSchema: creates,
                                      ensureManagement: creates, onBootstrapToken: onBootstrapToken, onMigrated: onMigrated)
                } catch let error as ConfigurationError {
                    FileHandle.standardError.write(Data("roster: configuration: \(error)\n".utf8))
                    throw ExitCode(2)
                }
                return try await runCLI { try await body(runtime) }
            }
        } catch SQLError.unavailable(let detail) {
            FileHandle.standardError.write(Data("roster: the database at \(config.redactedDatabaseURL) is unavailable: \(detail)\n".utf8))
            throw ExitCode(3)
        }
    }
}

extension RosterConfiguration {
    /// The database URL with its user and password as `***`: everything from `://` to the last `@` (a password may hold
    /// `@` or `/` itself; the first `@` left the rest of such a password in messages and the start log; found by a probe).
    var redactedDatabaseURL: String {
        guard let scheme = databaseURL.range(of: "://"), let at = databaseURL[scheme.upperBound...].lastIndex(of: "@") else {
            return databaseURL
        }
        return String(databaseURL[..<scheme.upperBound]) + "***" + String(databaseURL[at...])
    }
}

extension OperationContext {
    /// The CLI acts as the operator who holds the database: a platform caller, named `cli` in the audit, under a request
    /// id of this run's own, so that the audit tells runs apart (every run of a command wrote the same; found by a probe).
    static let cli = OperationContext(principal: .platform("cli"), requestID: "cli-" + UUIDv7.next().uuidString.lowercased())
}
