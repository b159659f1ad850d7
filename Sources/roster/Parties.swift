import ArgumentParser
import Foundation
import RosterApp
import RosterAPI
import RosterCore
import RosterService
import RosterSQL
import RosterStore

struct Parties: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Look at parties; merge duplicates.",
                                                    subcommands: [Tree.self, Export.self, Merge.self, UndoMerge.self])

    struct Tree: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the hierarchy below a party as an indented tree.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Tenant slug.")
        var tenant: String

        @Option(help: "Relationship type (hierarchy); all types when omitted.")
        var type: String?

        @Option(help: "Stop below this depth.")
        var maxDepth = 20

        @Flag(help: "Also follow edges outside their validity window (not yet begun, or ended).")
        var includeInactive = false

        @Option(help: "The tree as it stood at this instant (RFC 3339, e.g. 2026-03-01T00:00:00Z).", transform: Tree.instant)
        var at: Date?

        @Argument(help: "The party at the top of the tree.")
        var id: String

        func validate() throws {
            guard maxDepth >= 1 else { throw ValidationError("--max-depth must be 1 or more") }
        }

        func run() async throws {
            guard let partyID = Party.ID(uuidString: id) else { throw ValidationError("\(id) is not a party id") }
            let (tenant, type, maxDepth, includeInactive, at) = (self.tenant, self.type, self.maxDepth, self.includeInactive, self.at)
            let lines = try await global.withRuntime { runtime in
                try await Self.render(partyID, runtime: runtime, tenant: tenant, type: type, maxDepth: maxDepth,
                                      includeInactive: includeInactive, at: at)
            }
            print(lines.joined(separator: "\n"))
        }

        static func render(_ root: Party.ID, runtime: RosterRuntime, tenant: String, type: String?, maxDepth: Int,
                           includeInactive: Bool = false, at: Date? = nil) async throws -> [String] {
            let context = OperationContext.cli
            let top = try await runtime.services.parties.get(tenant: tenant, id: root, context: context)
            var lines = [label(top, role: nil)]
            var seen: Set<Party.ID> = [root]
            func walk(_ id: Party.ID, prefix: String, depth: Int) async throws {
                guard depth < maxDepth else { return }
                var children: [HierarchyEntry] = []
                var cursor: String?
                repeat {
                    let page = try await runtime.services.relationships.hierarchy(tenant: tenant, of: id, .children, type: type,
                                                                                  includeInactive: includeInactive, at: at, cursor: cursor,
                                                                                  limit: 500, context: context)
                    children += page.items
                    cursor = page.nextCursor
                } while cursor != nil
                children.sort { $0.party.displayName.localizedCaseInsensitiveCompare($1.party.displayName) == .orderedAscending }
                for (index, child) in children.enumerated() {
                    let last = index == children.count - 1
                    let repeated = !seen.insert(child.party.id).inserted
                    // With --include-inactive, a party reached only over edges outside their window says so.
                    let inactive = child.active == false ? " (outside its window)" : ""
                    lines.append(prefix + (last ? "└── " : "├── ") + label(child.party, role: child.role) + inactive + (repeated ? " (shown above)" : ""))
                    if !repeated {
                        try await walk(child.party.id, prefix: prefix + (last ? "    " : "│   "), depth: depth + 1)
                    }
                }
            }
            try await walk(root, prefix: "", depth: 0)
            return lines
        }

        static func instant(_ text: String) throws -> Date {
            guard let date = RFC3339.parse(text) else {
                throw ValidationError("\(text) is not an RFC 3339 date-time such as 2026-03-01T00:00:00Z")
            }
            return date
        }

        static func label(_ party: Party, role: String?) -> String {
            var text = party.displayName.isEmpty ? party.id.description : party.displayName
            let roles = party.roles.isEmpty ? "" : " [\(party.roles.joined(separator: ", "))]"
            text += roles
            if let role { text += " — \(role)" }
            return text
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Everything held about one party, as one JSON document (GDPR portability); audited as party.export.",
            discussion: "The same document as GET /v1/tenants/{tenant}/parties/{id}/export. With --output the file is created "
                + "with mode 0600 (it holds personal data) and an existing file is never overwritten.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Tenant slug.")
        var tenant: String

        @Option(help: "Write the document to this new file instead of standard output.")
        var output: String?

        @Argument(help: "The party's id.")
        var id: String

        func run() async throws {
            guard let partyID = Party.ID(uuidString: id) else { throw ValidationError("\(id) is not a party id") }
            if let output, FileManager.default.fileExists(atPath: output) {
                throw CLIRefusal("\(output) exists; give a new file")
            }
            let tenant = self.tenant
            let export = try await global.withRuntime { runtime in
                try await runtime.services.compliance.export(
                    tenant: tenant, id: partyID, context: .cli)
            }
            let data = try PartyExportDocument.encode(export)
            guard let output else {
                try StandardOutput.write(data + Data("\n".utf8))
                return
            }
            // O_EXCL: a file that appeared since the check above is not overwritten either.
            let made = try Files.create(output)
            let handle = FileHandle(fileDescriptor: made.descriptor, closeOnDealloc: true)
            do {
                try handle.write(contentsOf: data + Data("\n".utf8))
                try handle.close()
            } catch {
                made.removeIfCreated()
                throw made.failure(error)
            }
            FileHandle.standardError.write(Data("wrote the export of party \(partyID) to \(output)\n".utf8))
        }
    }

    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge duplicates into a survivor (docs/import.md, \"Merging duplicates\").",
            discussion: "The same merge as POST /v1/tenants/{tenant}/parties/{id}/merge: the survivor takes over the others' "
                + "relationships, tags, consents, partner accounts, linked user and missing properties; the others become merged. "
                + "Prints what moved, the conflicts and the merge's id for undo-merge.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Tenant slug.")
        var tenant: String

        @Flag(help: "Show what the merge would do, and change nothing.")
        var dryRun = false

        @Argument(help: "The survivor's id.")
        var survivor: String

        @Argument(help: "The ids of the parties to merge into it.")
        var from: [String]

        func run() async throws {
            guard let survivorID = Party.ID(uuidString: survivor) else { throw ValidationError("\(survivor) is not a party id") }
            let ids = try from.map { raw in
                guard let id = Party.ID(uuidString: raw) else { throw ValidationError("\(raw) is not a party id") }
                return id
            }
            let (tenant, dryRun) = (self.tenant, self.dryRun)
            let result = try await runCLI {
                try await global.withRuntime { runtime in
                    try await runtime.services.parties.merge(tenant: tenant, into: survivorID, from: ids, dryRun: dryRun,
                                                             context: .cli)
                }
            }
            print(Self.describe(result))
        }

        static func describe(_ result: MergeResult) -> String {
            let moved = result.moved
            let parties = "\(result.merged.count) \(result.merged.count == 1 ? "party" : "parties")"
            let head = result.undoneAt != nil ? "undid merge \(result.id.map(\.description) ?? ""): \(parties) taken back out of \(result.survivor.id)"
                : (result.dryRun ? "would merge " : "merged ") + "\(parties) into \(result.survivor.id)" + (result.id.map { " (merge \($0))" } ?? "")
            var lines = [
                head,
                "moved: \(moved.relationships) relationships, \(moved.tags) tags, \(moved.consents) consents, "
                    + "\(moved.partnerAccounts) partner accounts, \(moved.users) users, \(moved.properties) properties",
                "conflicts: \(result.conflicts.count)",
            ]
            for conflict in result.conflicts {
                var what = ""
                if let id = conflict.relationshipID {
                    what = "relationship \(id)"
                } else if let id = conflict.partnerAccountID {
                    what = "partner account \(id)"
                } else if let id = conflict.userID {
                    what = "user \(id)"
                } else if let field = conflict.field {
                    what = "property \(field)"
                }
                lines.append("  \(conflict.kind.rawValue): \(what) of party \(conflict.partyID)")
            }
            if let undone = result.undoneAt { lines.append("undone at \(RFC3339.string(undone))") }
            return lines.joined(separator: "\n")
        }
    }

    struct UndoMerge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "undo-merge", abstract: "Put back what a merge changed, while nothing it touched changed since.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Tenant slug.")
        var tenant: String

        @Argument(help: "The merge's id (printed by merge).")
        var id: String

        func run() async throws {
            guard let mergeID = StoredMerge.ID(uuidString: id) else { throw ValidationError("\(id) is not a merge id") }
            let tenant = self.tenant
            let result = try await runCLI {
                try await global.withRuntime { runtime in
                    try await runtime.services.parties.undoMerge(tenant: tenant, id: mergeID,
                                                                 context: .cli)
                }
            }
            print(Merge.describe(result))
        }
    }
}
