public import Foundation

extension Date {
    /// Now, to the microsecond: the precision both stores keep, so a record read back equals the one written.
    public static var rosterNow: Date { Date().toMicroseconds }

    /// This instant to the microsecond, the precision both stores keep.
    public var toMicroseconds: Date {
        Date(timeIntervalSince1970: (timeIntervalSince1970 * 1_000_000).rounded() / 1_000_000)
    }
}
