import ArgumentParser
import Foundation
import Logging
import RosterApp
import RosterAPI
import RosterService
import RosterSQL
import RosterCore

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure party creates per second through the service layer on the configured database.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Number of parties to create.")
    var count = 2000

    @Option(help: "Concurrent creators.")
    var concurrency = 8

    func run() async throws {
        var settings = global.configuration()
        settings.logLevel = .warning
        let config = settings
        let logger = global.logger(config)
        let database = try await RosterDatabase.open(url: config.databaseURL, logger: logger)
        let count = self.count
        let concurrency = max(1, self.concurrency)
        try await database.withRunning { database in
            let runtime = try RosterRuntime.make(database, configuration: config)
            try await prepare(runtime: runtime, configuration: config, logger: logger)
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
