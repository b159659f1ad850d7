import RosterCore
import RosterSQL
import RosterStore

/// What a log line may say of an error: its type, and the words of the errors whose words are Roster's own (a database
/// unavailable and why, a constraint's name), never a value (a workers' "pass failed" said only `StoreError`, which
/// told an operator nothing during an outage; found by a probe).
enum LoggedError {
    static func describe(_ error: any Error) -> String {
        switch error {
        case SQLError.unavailable(let detail), StoreError.unavailable(let detail): "database unavailable: \(detail)"
        case SQLError.uniqueViolation(let constraint), StoreError.uniqueViolation(let constraint):
            "unique constraint \(constraint ?? "(unnamed)")"
        case SQLError.concurrentWrite, StoreError.concurrentWrite: "a concurrent write won (deadlock or serialization)"
        case RosterError.unavailable(let detail): "unavailable: \(detail)"
        case let error as any DescribedWithoutValues: "\(type(of: error)): \(error.describedWithoutValues)"
        default: String(describing: type(of: error))
        }
    }
}
