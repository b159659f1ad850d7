import Foundation
import RosterCore
import RosterStore

/// One page of a keyset-paginated list.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    /// A page from rows fetched with `limit + 1`: the extra row only says that there is a next page,
    /// whose cursor is the key of the last item shown.
    init(rows: [Item], limit: Int, key: (Item) -> String) {
        let items = Array(rows.prefix(limit))
        self.init(items: items, nextCursor: rows.count > limit ? items.last.map { Cursor.encode(key($0)) } : nil)
    }
}

/// Cursors are the key of the last item of a page, as openapi.yaml states them: its id (a UUID) for
/// most lists, its `seq` for the audit log, its slug for tenants. The next page starts after that key;
/// a value that is not such a key is refused with 422. Any well-formed key is a position in the order,
/// so a schema-valid cursor is always accepted (schemathesis checks that).
public enum Cursor {
    public static func encode(_ key: String) -> String { key }

    public static func decode(_ cursor: String) -> String? { cursor.isEmpty ? nil : cursor }
}

public enum Limits {
    public static let defaultPageSize = 50
    public static let maxPageSize = 500
}
