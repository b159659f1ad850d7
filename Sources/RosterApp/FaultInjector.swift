import Foundation
public import RosterCore
public import RosterService
import Synchronization

/// Test-only failures at named workflow steps, from `ROSTER_FAULTS` (e.g.
/// `tracking.contact:fail:2,provision.admin:crash`): `fail:N` makes the step throw its first N times in
/// this process, `crash` kills the process (SIGKILL) inside the step's transaction, before it commits.
/// Off unless set. Never set it in production.
public final class FaultInjector: Sendable {
    public struct InjectedFault: ProvisioningStepFault {
        public var step: String
        public var description: String { "injected fault at \(step)" }
    }

    enum Fault: Sendable, Equatable {
        case fail(remaining: Int)
        case crash
    }

    public static let steps = Set(ProvisioningStep.allCases.map(\.rawValue))

    private let faults: Mutex<[String: Fault]>

    public static let none = FaultInjector(faults: [:])

    init(faults: [String: Fault]) {
        self.faults = Mutex(faults)
    }

    /// Parses the switch; throws a message naming what is wrong.
    public convenience init(spec: String?) throws {
        var faults: [String: Fault] = [:]
        for item in (spec ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            let parts = item.split(separator: ":").map(String.init)
            guard parts.count >= 2, Self.steps.contains(parts[0]) else {
                throw RosterConfigurationError("ROSTER_FAULTS: \(item) names no step (\(Self.steps.sorted().joined(separator: ", ")))")
            }
            switch parts[1] {
            case "crash" where parts.count == 2:
                faults[parts[0]] = .crash
            case "fail":
                let count = parts.count == 3 ? Int(parts[2]) : 1
                guard let count, count > 0 else { throw RosterConfigurationError("ROSTER_FAULTS: \(item): fail takes a positive count") }
                faults[parts[0]] = .fail(remaining: count)
            default:
                throw RosterConfigurationError("ROSTER_FAULTS: \(item): use STEP:fail[:N] or STEP:crash")
            }
        }
        self.init(faults: faults)
    }

    /// The hook the provisioning service calls inside each step's transaction, after its writes.
    public var hook: ProvisioningService.StepHook {
        { [self] step in try check(step) }
    }

    func check(_ step: ProvisioningStep) throws {
        let step = step.rawValue
        let fault = faults.withLock { faults -> Fault? in
            switch faults[step] {
            case .fail(let remaining):
                faults[step] = remaining > 1 ? .fail(remaining: remaining - 1) : nil
                return .fail(remaining: remaining)
            case .crash:
                return .crash
            case nil:
                return nil
            }
        }
        switch fault {
        case .crash:
            kill(getpid(), SIGKILL)
            Thread.sleep(forTimeInterval: 10)  // SIGKILL arrives first
        case .fail:
            throw InjectedFault(step: step)
        case nil:
            break
        }
    }
}

public struct RosterConfigurationError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
