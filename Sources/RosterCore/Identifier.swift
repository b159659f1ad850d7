public import Foundation
import Synchronization

/// A typed identifier: a `Party.ID` can't be passed where a `Tenant.ID` is wanted.
public struct Identifier<Owner>: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: UUID

    public init(_ rawValue: UUID) { self.rawValue = rawValue }

    public init?(uuidString: String) {
        guard let uuid = UUID(text: uuidString) else { return nil }
        self.rawValue = uuid
    }

    /// A new time-ordered identifier (UUIDv7), so that keyset pagination by id follows creation order.
    public static func make() -> Self { Self(UUIDv7.next()) }

    public var description: String { rawValue.lowercasedText }

    public static func < (lhs: Self, rhs: Self) -> Bool { UUIDv7.less(lhs.rawValue, rhs.rawValue) }

    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(UUID.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Generates RFC 9562 version 7 UUIDs, strictly increasing within this process.
public enum UUIDv7 {
    private static let state = Mutex<(millis: UInt64, counter: UInt16)>((0, 0))

    public static func next(now: Date = Date()) -> UUID {
        let wall = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        let (millis, counter) = state.withLock { state -> (UInt64, UInt16) in
            if wall > state.millis {
                state = (wall, UInt16.random(in: 0...0x3FF))
            } else if state.counter >= 0xFFF {
                state = (state.millis + 1, 0)
            } else {
                state.counter += 1
            }
            return state
        }
        var random = SystemRandomNumberGenerator()
        let tail = random.next() as UInt64
        // Written into the UUID's own bytes (an array here was a heap allocation for every request id).
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &uuid) { bytes in
            for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: millis >> (40 - 8 * UInt64(i))) }
            bytes[6] = 0x70 | UInt8(truncatingIfNeeded: counter >> 8)
            bytes[7] = UInt8(truncatingIfNeeded: counter)
            for i in 8..<16 { bytes[i] = UInt8(truncatingIfNeeded: tail >> (8 * UInt64(i - 8))) }
            bytes[8] = 0x80 | (bytes[8] & 0x3F)
        }
        return UUID(uuid: uuid)
    }

    /// Byte-wise order: the order PostgreSQL gives `uuid` and SQLite gives the lower-case text form.
    public static func less(_ a: UUID, _ b: UUID) -> Bool {
        withUnsafeBytes(of: a.uuid) { pa in
            withUnsafeBytes(of: b.uuid) { pb in
                pa.lexicographicallyPrecedes(pb)
            }
        }
    }
}
