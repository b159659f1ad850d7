import ArgumentParser
import Foundation
import RosterApp
import RosterService
import RosterStore

struct PlatformKeys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "platform-keys", abstract: "Platform keys for operators: they act on every tenant.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a platform key; it is shown once.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "What the key is for.")
        var name: String

        func run() async throws {
            let name = self.name
            let (key, secret) = try await global.withRuntime(creates: true) { runtime in try await runtime.platformAuth.createKey(name: name) }
            print("created platform key \(key.id) (\(key.name)); shown only this once:\n\(secret)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List platform keys and tokens (never their secrets).")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let keys = try await global.withRuntime { runtime in try await runtime.platformAuth.keys() }
            // Columns, as `tenants list` prints them.
            let width = max(2, keys.map(\.id.count).max() ?? 0)
            print("ID".padding(toLength: width, withPad: " ", startingAt: 0) + "  CREATED               NAME")
            for key in keys {
                print(key.id.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(key.createdAt.formatted(.iso8601))  \(key.name)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a platform key or token.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The key's id, as listed.")
        var id: String

        func run() async throws {
            let id = self.id
            try await global.withRuntime { runtime in try await runtime.platformAuth.revoke(id: id) }
            print("revoked \(id)")
        }
    }
}
