import ArgumentParser
import Foundation
import Synchronization
import RosterApp
import RosterAPI
import RosterService
import RosterSQL
import RosterCore

struct Tenants: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Provision, list and track tenants.",
                                                    subcommands: [Create.self, List.self, TrackExisting.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Provision a tenant: the same workflow as POST /v1/tenants (admin, activation, customer tracking).")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Slug: 2 to 63 characters of a-z, 0-9 and -.")
        var slug: String

        @Option(help: "Display name.")
        var name: String

        @Option(help: "Calling code for phone numbers given without an international prefix, e.g. 44.")
        var defaultCallingCode: String?

        @Option(help: "The first administrator's email; with --admin-first-name and --admin-last-name.")
        var adminEmail: String?

        @Option(help: "The first administrator's first name.")
        var adminFirstName: String?

        @Option(help: "The first administrator's last name.")
        var adminLastName: String?

        func validate() throws {
            let given = [adminEmail, adminFirstName, adminLastName].filter { $0 != nil }.count
            if given != 0, given != 3 { throw ValidationError("give --admin-email, --admin-first-name and --admin-last-name together") }
        }

        func run() async throws {
            var admin: Provisioning.Admin?
            if let adminEmail, let adminFirstName, let adminLastName {
                admin = Provisioning.Admin(firstName: adminFirstName, lastName: adminLastName, email: adminEmail)
            }
            let request = ProvisioningRequest(slug: slug, name: name, settings: TenantSettings(defaultCallingCode: defaultCallingCode), admin: admin)
            let result = try await global.withRuntime(creates: true) { runtime in
                try await RosterError.naming([
                    "slug": "--slug", "name": "--name", "settings.defaultCallingCode": "--default-calling-code",
                    "admin.email": "--admin-email", "admin.firstName": "--admin-first-name", "admin.lastName": "--admin-last-name",
                ]) {
                    try await runtime.services.provisioning.provision(request, context: .cli).result
                }
            }
            print("created tenant \(result.tenant.slug) (\(result.tenant.id)) status \(result.tenant.status.rawValue)")
            if let state = result.provisioning {
                if let user = state.adminUserID { print("admin user \(user)") }
                print("tracking \(Tenants.describe(state.tracking))")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tenants with their status and customer tracking.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let tenants = try await global.withRuntime { runtime in try await runtime.services.provisioning.tenants(context: .cli) }
            let width = max(4, tenants.map(\.tenant.slug.count).max() ?? 4)
            print("SLUG".padding(toLength: width, withPad: " ", startingAt: 0) + "  STATUS        TRACKING              NAME")
            for item in tenants {
                let tracking = item.provisioning.map { Tenants.describe($0.tracking) } ?? "-"
                print(item.tenant.slug.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                      + item.tenant.status.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0) + "  "
                      + tracking.padding(toLength: 20, withPad: " ", startingAt: 0) + "  " + item.tenant.name)
            }
        }
    }

    struct TrackExisting: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "track-existing",
            abstract: "Track every tenant not yet tracked as a customer of the management tenant. Idempotent.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let seen = Atomic<Int>(0)
            let started = try await global.withRuntime { runtime in
                let bar = ProgressBar(total: 0, label: "tracking")
                let count = try await runtime.services.provisioning.trackExisting(
                    context: .cli, progress: { done, total in
                        bar.update(done, total: total)
                        seen.store(total, ordering: .relaxed)
                    })
                bar.finish()
                return count
            }
            // The bar counts every tenant looked at; the line says what became of them (a second run's bar read 2/2 beside
            // "0 tenants"; found by a probe).
            let others = max(0, seen.load(ordering: .relaxed) - started)
            print("started tracking for \(started) tenant\(started == 1 ? "" : "s")"
                  + (others > 0 ? "; \(others) other\(others == 1 ? "" : "s") (the management tenant, tenants tracked already or not active) need none" : ""))
        }
    }

    static func describe(_ tracking: Tracking) -> String {
        switch tracking.status {
        case .pending where tracking.attempts > 0: "pending (\(tracking.attempts) failed)"
        default: tracking.status.rawValue
        }
    }
}

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Audit log tools.", subcommands: [Verify.self, Head.self])

    /// An anchor file: the head of one tenant's chain.
    struct AnchorFile: Codable {
        var tenant: String?
        var count: Int64
        var hash: String
        var at: Date?
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        // `at` as the API writes it (`GET .../audit/head`): to the millisecond (it was whole seconds here; a probe).
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.string(date))
        }
        return encoder
    }

    struct Head: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a tenant's chain head as JSON {tenant, count, hash, at}: an anchor to keep outside the database.",
            discussion: "Later, `roster audit verify --anchor FILE` (or POST .../audit/verify) tells whether the chain still extends it.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Tenant slug.")
        var tenant: String

        func run() async throws {
            let tenant = self.tenant
            let head = try await global.withRuntime { runtime in try await runtime.services.audit.head(tenant: tenant, context: .cli) }
            let data = try Audit.encoder().encode(AnchorFile(tenant: tenant, count: head.count, hash: head.hash, at: head.at))
            print(String(decoding: data, as: UTF8.self))
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the audit hash chain of one tenant, or of every tenant; exits 1 when a chain is broken.",
            discussion: "Every entry is rehashed (--incremental: only those after the last verified checkpoint). "
                + "With --anchor FILE (from `roster audit head`), the whole chain is rehashed and must still extend the anchor.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Tenant slug; all tenants when omitted (the anchor's tenant with --anchor).")
        var tenant: String?

        @Option(help: "An anchor file written by `roster audit head`.")
        var anchor: String?

        @Flag(help: "Rehash every entry (the default; kept for scripts that ask it).")
        var full = false

        @Flag(help: "Rehash only the entries after the last verified checkpoint (a change before it that left its hash alone passes).")
        var incremental = false

        func validate() throws {
            if full && incremental { throw ValidationError("give --full or --incremental, not both") }
        }

        func run() async throws {
            var tenant = self.tenant
            var anchor: AuditAnchor?
            if let path = self.anchor {
                // An anchor it can't use is refused (exit 2), apart from a chain found broken (exit 1): a scheduled check
                // tells a wrong file from tampering.
                func refuse(_ message: String) -> ExitCode {
                    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
                    return ExitCode(2)
                }
                guard let data = FileManager.default.contents(atPath: path) else { throw refuse("can't read \(path)") }
                let decoder = JSONDecoder()
                // Any RFC 3339 date-time: the API's anchors (milliseconds) and the files written before (whole seconds).
                decoder.dateDecodingStrategy = .custom { decoder in
                    let text = try decoder.singleValueContainer().decode(String.self)
                    guard let date = RFC3339.parse(text) else {
                        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 date-time"))
                    }
                    return date
                }
                guard let file = try? decoder.decode(AnchorFile.self, from: data) else {
                    throw refuse("\(path) is not an anchor written by `roster audit head`")
                }
                if let named = file.tenant, let given = tenant, named != given {
                    throw refuse("the anchor is of tenant \(named), not \(given)")
                }
                guard let slug = tenant ?? file.tenant else { throw refuse("give --tenant: the anchor names none") }
                tenant = slug
                anchor = AuditAnchor(count: file.count, hash: file.hash, at: file.at ?? Date(timeIntervalSince1970: 0))
            }
            let (only, incremental) = (tenant, self.incremental && !self.full)
            let frozen = anchor
            let broken = try await global.withRuntime { runtime in
                let slugs = if let only { [only] } else { try await runtime.services.tenants.all(context: .cli).map(\.slug) }
                var broken = 0
                for slug in slugs {
                    let result = try await runtime.services.audit.verify(tenant: slug, anchor: frozen, incremental: incremental, context: .cli)
                    if result.valid {
                        let extends = frozen.map { ", extends the anchor at \($0.count)" } ?? ""
                        print("\(slug): ok, \(result.count ?? result.checked) entries (\(result.checked) rehashed)\(extends)")
                    } else {
                        broken += 1
                        print("\(slug): BROKEN at entry \(result.brokenAt ?? 0): \(result.reason ?? "")")
                    }
                }
                return broken
            }
            if broken > 0 { throw ExitCode(1) }
        }
    }
}

/// Domain errors become one clear line and exit status 1 (validation) or 2 (not found, conflict) instead of a trace.
func runCLI<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        guard let code = reportCLIError(error) else { throw error }
        throw ExitCode(code)
    }
}

/// Writes a domain or database error as the CLI shows it (one line a field, on standard error) and answers its exit
/// status: 1 invalid input, 2 refused, 3 the database unavailable; `nil` for other errors.
func reportCLIError(_ error: any Error) -> Int32? {
    // A configuration value found unusable once the command runs (a key file that can't be read), and a database whose
    // schema this binary can't work with (a newer Roster migrated it; it was changed by hand): refused (serve and every
    // command alike).
    if let error = error as? ConfigurationError {
        FileHandle.standardError.write(Data("roster: configuration: \(error)\n".utf8))
        return 2
    }
    if let error = error as? any SchemaRefusal {
        FileHandle.standardError.write(Data("roster: \(error)\n".utf8))
        return 2
    }
    if case SQLError.unavailable(let detail) = error {
        FileHandle.standardError.write(Data("error: the database is unavailable: \(detail)\n".utf8))
        return 3
    }
    guard let error = (error as? RosterError) ?? (error as? any RosterErrorConvertible)?.rosterError else { return nil }
    if case .validation(let fields) = error {
        for field in fields { FileHandle.standardError.write(Data("error: \(field.field): \(field.message)\n".utf8)) }
    } else {
        FileHandle.standardError.write(Data("error: \(error.detail ?? "")\n".utf8))
    }
    return error.isValidation ? 1 : 2
}

extension RosterError {
    var isValidation: Bool {
        if case .validation = self { return true }
        return false
    }
}
