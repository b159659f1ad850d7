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
        abstract: "Benchmarks (see Benchmarks/README.md).",
        discussion: "Each one writes the generated tenants it measures into the configured database and leaves them there: run them on a "
            + "scratch database (--database-url), never on one that holds real data.",
        subcommands: [PartyCreates.self, Hierarchy.self, Access.self, ProvisioningBench.self, MergeBench.self])
}

struct PartyCreates: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parties", abstract: "Party creates per second through the service layer.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Number of parties to create.")
    var count = 2000

    @Option(help: "Concurrent creators.")
    var concurrency = 8

    /// Sizes a run can take (0 crashed, a negative count ran the default; found by a probe): a usage error otherwise.
    func validate() throws {
        try BenchSize.require(count, "--count", atLeast: 1)
        try BenchSize.require(concurrency, "--concurrency", atLeast: 1)
    }

    func run() async throws {
        var config = global.configuration()
        config.logLevel = .warning
        let count = self.count
        let concurrency = max(1, self.concurrency)
        try await global.withRuntime(config, creates: true) { runtime in
            let slug = "bench-\(UInt32.random(in: 0...UInt32.max))"
            let context = OperationContext(principal: .platform("bench"), requestID: "bench")
            _ = try await runtime.services.tenants.create(slug: slug, name: "Benchmark", settings: TenantSettings(defaultCallingCode: "44"),
                                                          context: context)
            let (seconds, latencies) = try await Measure.concurrently(count: count, concurrency: concurrency) { i in
                _ = try await runtime.services.parties.create(tenant: slug, PartyInput(
                    kind: .person, firstName: "Bench", lastName: "Person \(i)", email: "bench\(i)@example.com",
                    phone: "07700 \(String(format: "%06d", i))", customerType: .regular), context: context)
            }
            print("store: \(runtime.database.store.kind)")
            print("party creates: \(count) in \(String(format: "%.2f", seconds)) s = \(String(format: "%.0f", Double(count) / seconds))/s (concurrency \(concurrency))")
            print("latency \(Measure.percentiles(latencies))")
        }
    }
}

/// Timing helpers shared by the benchmarks.
enum Measure {
    /// Runs `body(i)` for i in 0..<count on `concurrency` tasks; returns the wall time and the sorted latencies.
    static func concurrently(count: Int, concurrency: Int, _ body: @escaping @Sendable (Int) async throws -> Void)
        async throws -> (seconds: Double, latencies: [Duration]) {
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
                        try await body(i)
                        local.append(clock.now - t0)
                        i += concurrency
                    }
                    return local
                }
            }
            for try await part in group { latencies += part }
        }
        return (seconds(clock.now - start), latencies.sorted())
    }

    /// The process's resident memory (VmRSS), in megabytes; nil where /proc is not there.
    static func residentMegabytes() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kilobytes / 1024
    }

    /// "p50 X, p99 Y" of sorted latencies.
    static func percentiles(_ sorted: [Duration]) -> String {
        "p50 \(ms(sorted[sorted.count / 2])), p99 \(ms(sorted[min(sorted.count - 1, sorted.count * 99 / 100)]))"
    }

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

    /// Sizes a run can take (0 crashed, a negative count ran the default; found by a probe): a usage error otherwise.
    func validate() throws {
        try BenchSize.require(size, "--size", atLeast: 10)
        try BenchSize.require(branching, "--branching", atLeast: 1)
        try BenchSize.require(descendantRuns, "--descendant-runs", atLeast: 1)
        try BenchSize.require(checkRuns, "--check-runs", atLeast: 1)
    }

    func run() async throws {
        var config = global.configuration()
        config.logLevel = .warning
        let (size, branching, descendantRuns, checkRuns) = (self.size, self.branching, self.descendantRuns, self.checkRuns)
        try await global.withRuntime(config, creates: true) { runtime in
            let kind = runtime.database.store.kind
            let context = OperationContext(principal: .platform("bench"), requestID: "bench")
            let tenant = try await runtime.services.tenants.create(
                slug: "bench-h-\(UInt32.random(in: 0...UInt32.max))", name: "Hierarchy benchmark", context: context)
            let type = "structure"
            let clock = ContinuousClock()

            let start = clock.now
            let generated = try await GeneratedHierarchy.make(services: runtime.services, tenant: tenant.slug, type: type, size: size,
                                                              branching: branching)
            let (root, leaves, made, depth) = (generated.root, generated.leaves, generated.count, generated.depth)
            let generation = clock.now - start
            print("store: \(kind); generated \(made) parties, depth \(depth), in \(String(format: "%.1f", Measure.seconds(generation))) s")

            for strategy in [HierarchyStrategy.closure, .recursive] {
                var count = 0
                let descendants = try await Measure.repeated(descendantRuns) {
                    count = try await runtime.services.relationships.hierarchy(
                        tenant: tenant.slug, of: root, .descendants, type: type, cursor: nil, limit: 100, strategy: strategy, context: context).items.count
                }
                var found = 0
                let checks = try await Measure.repeated(checkRuns) {
                    let leaf = leaves.randomElement()!
                    if try await runtime.services.relationships.isDescendant(tenant: tenant.slug, leaf, of: root, type: type, strategy: strategy,
                                                                             context: context) {
                        found += 1
                    }
                }
                print("\(strategy): descendants of the root, first page of \(count): median \(Measure.ms(descendants.median)), p99 \(Measure.ms(descendants.p99));"
                      + " is-descendant: median \(Measure.ms(checks.median)), p99 \(Measure.ms(checks.p99)) (\(found)/\(checkRuns) true)")
            }
        }
    }
}

/// A generated hierarchy of organizations, level by level, 500 parties per transaction, through the
/// store (the closure table maintained as in production).
struct GeneratedHierarchy {
    var root: Party.ID
    var levels: [[Party.ID]]
    var children: [Party.ID: [Party.ID]]
    var count: Int
    var depth: Int { levels.count - 1 }
    var leaves: [Party.ID] { levels.last ?? [] }

    /// Through the services (rules, history and audit as for any write), 500 parties, then their 500 edges, per transaction.
    static func make(services: Services, tenant: String, type: String, size: Int, branching: Int) async throws -> GeneratedHierarchy {
        let context = OperationContext(principal: .platform("bench"), requestID: "bench")
        func unit(_ i: Int) -> PartyInput { PartyInput(kind: .organization, name: "Unit \(i)") }
        let root = try await services.parties.create(tenant: tenant, unit(0), context: context)
        var levels = [[root.id]]
        var children: [Party.ID: [Party.ID]] = [:]
        var made = 1
        while made < size, let level = levels.last, !level.isEmpty {
            var parents: [Party.ID] = []
            for parent in level {
                for _ in 0..<branching where made + parents.count < size { parents.append(parent) }
            }
            var next: [Party.ID] = []
            for start in stride(from: 0, to: parents.count, by: 500) {
                let chunk = Array(parents[start..<min(start + 500, parents.count)])
                let created = try await services.parties.createBatch(tenant: tenant, chunk.indices.map { unit(made + start + $0) }, context: context)
                _ = try await services.relationships.createBatch(
                    tenant: tenant, zip(chunk, created).map { RelationshipInput(parentID: $0, childID: $1.id, type: type) }, context: context)
                for (parent, child) in zip(chunk, created) { children[parent, default: []].append(child.id) }
                next += created.map(\.id)
            }
            made += next.count
            levels.append(next)
            let pending = next
            print("  level \(levels.count - 1): \(pending.count) parties (\(made) in all)")
        }
        return GeneratedHierarchy(root: root.id, levels: levels, children: children, count: made)
    }

    /// A random party at the bottom of the subtree below `top`.
    func randomLeaf(below top: Party.ID) -> Party.ID {
        var node = top
        while let next = children[node]?.randomElement() { node = next }
        return node
    }
}

struct Access: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "access/check decisions per second in-process, on a generated hierarchy with users holding scoped roles.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Parties in the generated hierarchy.")
    var size = 100_000

    @Option(help: "Children per party.")
    var branching = 7

    @Option(help: "Users, each with a role scoped to a random organization two or three levels down.")
    var users = 1000

    @Option(help: "Decisions to measure.")
    var checks = 5000

    /// Sizes a run can take (0 crashed, a negative count ran the default; found by a probe): a usage error otherwise.
    func validate() throws {
        try BenchSize.require(size, "--size", atLeast: 10)
        try BenchSize.require(branching, "--branching", atLeast: 1)
        try BenchSize.require(users, "--users", atLeast: 1)
        try BenchSize.require(checks, "--checks", atLeast: 1)
    }

    func run() async throws {
        var config = global.configuration()
        config.logLevel = .warning
        let (size, branching, userCount, checks) = (self.size, self.branching, self.users, self.checks)
        try await global.withRuntime(config, creates: true) { runtime in
            let kind = runtime.database.store.kind
            let context = OperationContext(principal: .platform("bench"), requestID: "bench")
            let tenant = try await runtime.services.tenants.create(slug: "bench-a-\(UInt32.random(in: 0...UInt32.max))",
                                                                   name: "Access benchmark", context: context)
            let clock = ContinuousClock()
            let hierarchy = try await GeneratedHierarchy.make(services: runtime.services, tenant: tenant.slug, type: "structure", size: size,
                                                              branching: branching)
            let scopes = Array(hierarchy.levels.dropFirst(2).prefix(2).joined())
            var userIDs: [(User.ID, Party.ID)] = []
            var users: [User] = []
            for i in 0..<userCount {
                let user = try await runtime.services.users.create(tenant: tenant.slug, UserInput(email: "user\(i)@bench.example"),
                                                                   context: context)
                users.append(user)
                let scope = scopes.randomElement()!
                let role = try await runtime.services.access.createRole(
                    tenant: tenant.slug, name: "scope \(i)", policies: ["approve_tree", "parties.write"],
                    organizationID: scope, relationshipType: "structure", context: context)
                _ = try await runtime.services.access.grant(tenant: tenant.slug, user: user.id, role: role.id, context: context)
                userIDs.append((user.id, scope))
            }
            print("store: \(kind); \(hierarchy.count) parties, depth \(hierarchy.depth), \(userCount) users with scoped roles")
            // The tenant's access graph is loaded by the first question that needs it, once per process: timed apart.
            let loadStart = clock.now
            _ = try await runtime.services.access.check(tenant: tenant.slug, user: userIDs[0].0, policy: "approve_tree",
                                                        party: userIDs[0].1, context: context)
            print("first check, loading the access graph: \(Measure.ms(clock.now - loadStart))")
            // Half the questions are about a party inside the user's scope, half about one anywhere.
            var allowed = 0
            var inside = false
            let start = clock.now
            let timing = try await Measure.repeated(checks) {
                let (user, scope) = userIDs.randomElement()!
                inside.toggle()
                let party = inside ? hierarchy.randomLeaf(below: scope) : hierarchy.leaves.randomElement()!
                let decision = try await runtime.services.access.check(tenant: tenant.slug, user: user, policy: "approve_tree", party: party,
                                                                           context: context)
                if decision.allowed { allowed += 1 }
            }
            let elapsed = Measure.seconds(clock.now - start)
            print("access/check in-process: \(String(format: "%.0f", Double(checks) / elapsed)) decisions/s (one at a time), "
                  + "p50 \(Measure.ms(timing.median)), p99 \(Measure.ms(timing.p99)); \(allowed)/\(checks) allowed")

            // The decision alone, on the in-memory graph (what every scope check of every service call costs).
            let decide = try await runtime.services.access.decider(tenant: tenant.slug, context: context)
            let questions = (0..<max(checks, 100_000)).map { index -> (User, Party.ID) in
                let pick = Int.random(in: 0..<users.count)
                let party = index.isMultiple(of: 2) ? hierarchy.randomLeaf(below: userIDs[pick].1) : hierarchy.leaves.randomElement()!
                return (users[pick], party)
            }
            var durations: [Duration] = []
            durations.reserveCapacity(questions.count)
            var granted = 0
            let graphStart = clock.now
            for (user, party) in questions {
                let begin = clock.now
                if decide(user, "approve_tree", party).allowed { granted += 1 }
                durations.append(clock.now - begin)
            }
            let graphElapsed = Measure.seconds(clock.now - graphStart)
            durations.sort()
            func micros(_ quantile: Double) -> String {
                let index = min(durations.count - 1, Int(Double(durations.count) * quantile))
                return String(format: "%.1f µs", Measure.seconds(durations[index]) * 1_000_000)
            }
            let rate = String(format: "%.0f", Double(questions.count) / graphElapsed)
            print("access graph decisions: \(rate) decisions/s on one core, p50 \(micros(0.5)), p99 \(micros(0.99)); "
                  + "\(granted)/\(questions.count) allowed")
            let resident: String = Measure.residentMegabytes().map { String(format: "%.0f MB", $0) } ?? "unknown"
            print("memory: \(resident) resident (the whole process, with \(hierarchy.count) parties and \(userCount) users in its access graph)")
            let (user, scope) = userIDs[0]
            print("fixture: tenant=\(tenant.slug) user=\(user) party=\(hierarchy.randomLeaf(below: scope))")
        }
    }
}

struct ProvisioningBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provisioning",
        abstract: "Tenants provisioned per second (with an admin): customer tracking off, in the request, and left to the worker, in interleaved rounds.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Tenants to provision in each round of each kind.")
    var count = 1000

    @Option(help: ArgumentHelp("Rounds of each kind, interleaved (off, in the request, worker, off, ...): each kind meets the database at "
                               + "about the same size and the machine in about the same state; the medians are compared."))
    var rounds = 3

    @Option(help: "Concurrent requests.")
    var concurrency = 8

    /// Sizes a run can take (0 crashed, a negative count ran the default; found by a probe): a usage error otherwise.
    func validate() throws {
        try BenchSize.require(count, "--count", atLeast: 1)
        try BenchSize.require(rounds, "--rounds", atLeast: 1)
        try BenchSize.require(concurrency, "--concurrency", atLeast: 1)
    }

    func run() async throws {
        var config = global.configuration()
        if global.logLevel == nil { config.logLevel = .warning }
        let count = self.count
        let concurrency = max(1, self.concurrency)
        let baseOptions = config.provisioningOptions
        let rounds = max(1, self.rounds)
        try await global.withRuntime(config, creates: true) { runtime in
            let run = String(UInt32.random(in: 0...UInt32.max), radix: 36)
            let context = OperationContext(principal: .platform("bench"), requestID: "bench")
            print("store: \(runtime.database.store.kind)")
            var rates: [String: [Double]] = [:]
            let labels = ["off": "tracking off:             ", "on": "tracking in the request:  ", "worker": "tracking left to worker:  "]
            for number in 1...rounds {
                for kind in ["off", "on", "worker"] {
                    var options = baseOptions
                    options.customerTracking = kind != "off"
                    options.trackInRequest = kind != "worker"
                    let service = ProvisioningService(store: runtime.database.store, options: options)
                    let (seconds, latencies) = try await Measure.concurrently(count: count, concurrency: concurrency) { i in
                        let slug = "bench-\(run)-\(kind)-\(number)-\(i)"
                        let (result, _) = try await service.provision(ProvisioningRequest(
                            slug: slug, name: "Bench \(number) \(i)",
                            admin: Provisioning.Admin(firstName: "Ada", lastName: "Bench", email: "admin-\(i)@\(slug).example.com")),
                            context: context)
                        guard result.tenant.status == .active, kind != "on" || result.provisioning?.tracking.status == .tracked else {
                            throw ValidationError("\(slug) ended \(result.tenant.status.rawValue), tracking \(result.provisioning?.tracking.status.rawValue ?? "-")")
                        }
                    }
                    rates[kind, default: []].append(Double(count) / seconds)
                    print("\(labels[kind]!)\(count) tenants in \(String(format: "%.2f", seconds)) s = \(String(format: "%.0f", Double(count) / seconds))/s, "
                          + "latency \(Measure.percentiles(latencies)) (concurrency \(concurrency), round \(number))")
                }
            }
            func median(_ kind: String) -> Double {
                let sorted = rates[kind, default: []].sorted()
                return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            }
            print("medians of \(rounds) round(s): off \(String(format: "%.0f", median("off")))/s, in the request "
                  + "\(String(format: "%.0f", median("on")))/s, left to the worker \(String(format: "%.0f", median("worker")))/s")
            print("throughput with tracking ÷ without: in the request \(String(format: "%.2f", median("on") / median("off"))), "
                  + "left to the worker \(String(format: "%.2f", median("worker") / median("off")))")
            // Then the worker's share: track what the worker rounds left pending.
            let worker = ProvisioningService(store: runtime.database.store, options: baseOptions)
            let clock = ContinuousClock()
            let start = clock.now
            while try await worker.runDue(limit: 50) > 0 {}
            print("worker tracked the pending tenants in \(String(format: "%.2f", Measure.seconds(clock.now - start))) s")
        }
    }
}

/// Issue 12's merge benchmark: `parties` organizations that are one (a survivor and the rest), `edges` edges among them
/// in all. Each holds as many edges to people of its own (which move) as to people all of them share (which the
/// survivor has already: duplicate-edge conflicts). Times the dry run, the merge and its undo.
struct MergeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge", abstract: "Time a merge of duplicates holding many edges, its dry run and its undo.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Parties merged into one (the survivor included).")
    var parties = 50

    @Option(help: "Edges of those parties in all.")
    var edges = 10_000

    /// Sizes a run can take (0 crashed, a negative count ran the default; found by a probe): a usage error otherwise.
    func validate() throws {
        try BenchSize.require(parties, "--parties", atLeast: 2)
        try BenchSize.require(edges, "--edges", atLeast: 0)
    }

    func run() async throws {
        var config = global.configuration()
        config.logLevel = .warning
        let (count, edgeCount) = (max(2, parties), max(2, edges))
        try await global.withRuntime(config, creates: true) { runtime in
            let s = runtime.services
            let context = OperationContext(principal: .platform("bench"), requestID: "bench")
            let slug = "bench-m-\(UInt32.random(in: 0...UInt32.max))"
            _ = try await s.tenants.create(slug: slug, name: "Merge benchmark", context: context)
            let clock = ContinuousClock()
            let start = clock.now
            var duplicates: [Party.ID] = []
            for i in 0..<count {
                duplicates.append(try await s.parties.create(tenant: slug, PartyInput(kind: .organization, name: "Duplicate Farm \(i)"),
                                                             context: context).id)
            }
            let perParty = edgeCount / count
            let shared = perParty / 2
            var people: [Party.ID] = []
            for i in 0..<(shared + count * (perParty - shared)) {
                people.append(try await s.parties.create(tenant: slug, PartyInput(kind: .person, firstName: "Worker", lastName: "\(i)"),
                                                         context: context).id)
            }
            var next = shared
            var made = 0
            for duplicate in duplicates {
                var inputs = people[0..<shared].map { RelationshipInput(parentID: duplicate, childID: $0, type: "staff") }
                inputs += people[next..<(next + perParty - shared)].map { RelationshipInput(parentID: duplicate, childID: $0, type: "staff") }
                next += perParty - shared
                for batch in stride(from: 0, to: inputs.count, by: 500) {
                    made += try await s.relationships.createBatch(tenant: slug, Array(inputs[batch..<min(batch + 500, inputs.count)]),
                                                                  context: context).count
                }
            }
            print("store: \(runtime.database.store.kind); \(count) organizations, \(people.count) people, \(made) edges, "
                  + "made in \(String(format: "%.1f", Measure.seconds(clock.now - start))) s")
            let survivor = duplicates[0]
            let from = Array(duplicates.dropFirst())
            var t0 = clock.now
            let dry = try await s.parties.merge(tenant: slug, into: survivor, from: from, dryRun: true, context: context)
            let dryTime = clock.now - t0
            t0 = clock.now
            let merge = try await s.parties.merge(tenant: slug, into: survivor, from: from, dryRun: false, context: context)
            let mergeTime = clock.now - t0
            t0 = clock.now
            _ = try await s.parties.undoMerge(tenant: slug, id: merge.id!, context: context)
            let undoTime = clock.now - t0
            print("dry run: \(Measure.ms(dryTime)); merge: \(Measure.ms(mergeTime)) (\(merge.moved.relationships) edges moved, "
                  + "\(merge.conflicts.count) conflicts; the dry run said \(dry.moved.relationships) and \(dry.conflicts.count)); "
                  + "undo: \(Measure.ms(undoTime))")
        }
    }
}

/// The least value each size of a benchmark takes.
enum BenchSize {
    static func require(_ value: Int, _ option: String, atLeast least: Int) throws {
        guard value >= least else { throw ValidationError("\(option) must be at least \(least)") }
    }
}
