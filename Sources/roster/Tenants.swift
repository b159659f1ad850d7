import ArgumentParser
import Foundation
import RosterApp
import RosterAPI
import RosterService
import RosterSQL
import RosterCore

struct Tenants: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create and list tenants.", subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a tenant.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Slug: 2 to 63 characters of a-z, 0-9 and -.")
        var slug: String

        @Option(help: "Display name.")
        var name: String

        @Option(help: "Calling code for phone numbers given without an international prefix, e.g. 44.")
        var defaultCallingCode: String?

        func run() async throws {
            let (slug, name, code) = (self.slug, self.name, self.defaultCallingCode)
            let tenant = try await global.withRuntime { runtime in
                try await runtime.services.tenants.create(
                    slug: slug, name: name, settings: TenantSettings(defaultCallingCode: code),
                    context: OperationContext(principal: .platform("cli"), requestID: "cli"))
            }
            print("created tenant \(tenant.slug) (\(tenant.id)) status \(tenant.status.rawValue)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tenants.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let tenants = try await global.withRuntime { runtime in
                var all: [Tenant] = []
                var cursor: String?
                repeat {
                    let page = try await runtime.services.tenants.list(cursor: cursor, limit: 500)
                    all += page.items
                    cursor = page.nextCursor
                } while cursor != nil
                return all
            }
            let width = max(4, tenants.map(\.slug.count).max() ?? 4)
            print("SLUG".padding(toLength: width, withPad: " ", startingAt: 0) + "  STATUS        NAME")
            for tenant in tenants {
                print(tenant.slug.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                      + tenant.status.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0) + "  " + tenant.name)
            }
        }
    }
}

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Audit log tools.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the audit hash chain of one tenant, or of every tenant; exits 1 when a chain is broken.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Tenant slug; all tenants when omitted.")
        var tenant: String?

        func run() async throws {
            let tenant = self.tenant
            let broken = try await global.withRuntime { runtime in
                var slugs: [String] = []
                if let tenant { slugs = [tenant] } else {
                    var cursor: String?
                    repeat {
                        let page = try await runtime.services.tenants.list(cursor: cursor, limit: 500)
                        slugs += page.items.map(\.slug)
                        cursor = page.nextCursor
                    } while cursor != nil
                }
                var broken = 0
                for slug in slugs {
                    let result = try await runtime.services.audit.verify(tenant: slug)
                    if result.valid {
                        print("\(slug): ok, \(result.checked) entries")
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
    } catch let error as RosterError {
        switch error {
        case .validation(let fields):
            for field in fields { FileHandle.standardError.write(Data("error: \(field.field): \(field.message)\n".utf8)) }
        case .notFound(let detail), .conflict(let detail, _), .preconditionFailed(let detail), .badRequest(let detail),
             .unauthorized(let detail), .forbidden(let detail), .unavailable(let detail):
            FileHandle.standardError.write(Data("error: \(detail)\n".utf8))
        }
        throw ExitCode(error.isValidation ? 1 : 2)
    }
}

extension RosterError {
    var isValidation: Bool {
        if case .validation = self { return true }
        return false
    }
}
