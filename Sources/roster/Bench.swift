import ArgumentParser
import Foundation
import Logging
import RosterApp
import RosterAPI
import RosterService
import RosterSQL
import RosterCore
import RosterStore

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks on the configured database (see Benchmarks/README.md).",
        subcommands: [PartyCreates.self, Hierarchy.self], defaultSubcommand: PartyCreates.self)
}

struct PartyCreates: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parties", abstract: "Party creates per second through the service layer.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Number of parties to create.")
    var count = 2000

    @Option(help: "Concurrent creators.")
    var concurrency = 8

    func run() async throws {
        var config = global.configuration()
        config.logLevel = .warning
        let count = self.count
        let concurrency = max(1, self.concurrency)
        try await global.withRuntime(config) { runtime in
            let slug = "bench-\(UInt32.random(in: 0...UInt32.max))"
            let context = OperationContext(principal: .platform("bench"), requestID: "bench")
            _ = try await runtime.services.tenants.create(slug: slug, name: "Benchmark", settings: TenantSettings(defaultCallingCode: "44"),
                                                          context: context)
            let clock = ContinuousClock()
            let start = clock.now
            var latencies: [Duration] = []
            try await withThrowingTaskGroup(of: [Duration].self) { group in
                for worker in 0..<concurrency {
                    group.addTask {
                        var local: [Duration] = []
                        var i = worker
                        while i < count {
                            let t0 = clock.now
                            _ = try await runtime.services.parties.create(tenant: slug, PartyInput(
                                kind: .person, firstName: "Bench", lastName: "Person \(i)", email: "bench\(i)@example.com",
                                phone: "07700 \(String(format: "%06d", i))", customerType: .regular), context: context)
                            local.append(clock.now - t0)
                            i += concurrency
                        }
                        return local
                    }
                }
                for try await part in group { latencies += part }
            }
            let elapsed = clock.now - start
            latencies.sort()
            func ms(_ d: Duration) -> String { String(format: "%.2f ms", Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1000) }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("store: \(runtime.database.store.kind)")
            print("party creates: \(count) in \(String(format: "%.2f", seconds)) s = \(String(format: "%.0f", Double(count) / seconds))/s (concurrency \(concurrency))")
            print("latency p50 \(ms(latencies[latencies.count / 2])), p99 \(ms(latencies[min(latencies.count - 1, latencies.count * 99 / 100)]))")
        }
    }
}

/// Timing helpers shared by the benchmarks.
enum Measure {
    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

    static func ms(_ d: Duration) -> String { String(format: "%.3f ms", seconds(d) * 1000) }

    /// Runs `body` `count` times; returns the median and p99 of the durations.
    static func repeated(_ count: Int, _ body: () async throws -> Void) async rethrows -> (median: Duration, p99: Duration) {
        let clock = ContinuousClock()
        var samples: [Duration] = []
        for _ in 0..<count {
            let start = clock.now
            try await body()
            samples.append(clock.now - start)
        }
        samples.sort()
        return (samples[samples.count / 2], samples[min(samples.count - 1, samples.count * 99 / 100)])
    }
}

struct Hierarchy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Closure table against a recursive query: descendants of the root and ancestry checks on a generated hierarchy.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Parties in the generated hierarchy.")
    var size = 100_000

    @Option(help: "Children per party.")
    var branching = 7

    @Option(help: "Repetitions of the descendants query.")
    var descendantRuns = 10

    @Option(help: "Repetitions of the ancestry check.")
    var checkRuns = 500

    func run() async throws {
        var config = global.configuration()
        config.logLevel = .warning
        let (size, branching, descendantRuns, checkRuns) = (self.size, self.branching, self.descendantRuns, self.checkRuns)
        try await global.withRuntime(config) { runtime in
            let store = runtime.database.store
            let tenant = try await runtime.services.tenants.create(
                slug: "bench-h-\(UInt32.random(in: 0...UInt32.max))", name: "Hierarchy benchmark",
                context: OperationContext(principal: .platform("bench"), requestID: "bench"))
            let type = "structure"
            let clock = ContinuousClock()

            // Generate level by level, 500 parties per transaction, through the store (closure maintained as in production).
            let start = clock.now
            let now = Date.rosterNow
            func party(_ i: Int) -> Party {
                Party(id: .make(), tenantID: tenant.id, kind: .organization, name: "Unit \(i)", createdAt: now, updatedAt: now)
            }
            let root = party(0)
            try await store.write { tx in try await tx.insertParty(root) }
            var level = [root.id]
            var leaves: [Party.ID] = []
            var made = 1
            var depth = 0
            while made < size, !level.isEmpty {
                depth += 1
                var next: [Party.ID] = []
                var pending: [(Party.ID, Party)] = []
                for parent in level {
                    for _ in 0..<branching where made + pending.count < size {
                        pending.append((parent, party(made + pending.count)))
                    }
                }
                for chunk in stride(from: 0, to: pending.count, by: 500).map({ Array(pending[$0..<min($0 + 500, pending.count)]) }) {
                    try await store.write { tx in
                        for (parent, child) in chunk {
                            try await tx.insertParty(child)
                            try await tx.insertRelationship(Relationship(id: .make(), tenantID: tenant.id, parentID: parent, childID: child.id,
                                                                         type: type, role: nil, createdAt: now))
                        }
                    }
                }
                made += pending.count
                next = pending.map(\.1.id)
                leaves = next
                level = next
                print("  level \(depth): \(pending.count) parties (\(made) in all)")
            }
            let generation = clock.now - start
            print("store: \(store.kind); generated \(made) parties, depth \(depth), in \(String(format: "%.1f", Measure.seconds(generation))) s")

            for strategy in [HierarchyStrategy.closure, .recursive] {
                var count = 0
                let descendants = try await Measure.repeated(descendantRuns) {
                    count = try await store.read { tx in
                        try await tx.descendants(tenant: tenant.id, of: root.id, type: type, strategy: strategy, after: nil, limit: 100).count
                    }
                }
                var found = 0
                let checks = try await Measure.repeated(checkRuns) {
                    let leaf = leaves.randomElement()!
                    if try await store.read({ tx in try await tx.isDescendant(tenant: tenant.id, leaf, of: root.id, type: type, strategy: strategy) }) {
                        found += 1
                    }
                }
                print("\(strategy): descendants of the root, first page of \(count): median \(Measure.ms(descendants.median)), p99 \(Measure.ms(descendants.p99));"
                      + " is-descendant: median \(Measure.ms(checks.median)), p99 \(Measure.ms(checks.p99)) (\(found)/\(checkRuns) true)")
            }
        }
    }
}
