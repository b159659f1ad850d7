public import Foundation
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

extension Page {
    /// A page of at most `limit` items the caller may see, from a keyset source whose rows it may not all see: rows it may
    /// not see are passed over inside the request, batch after batch, so that the cursor is always the key of an item
    /// shown. (The key of the last row read, shown or not, named records the caller must not know exist: paged with
    /// `limit=1`, a list gave the ids of every hidden user, edge or ancestor; found by a probe.) A page is then full
    /// unless the list ends. `fetch(after, count)` reads `count` rows after a key in the list's order; `visible` keeps
    /// those the caller may see, in order. Batches grow to 1,000 rows while they hold nothing to show.
    static func visible<Key>(limit: Int, after: Key?, fetch: (Key?, Int) async throws -> [Item], key: (Item) -> Key,
                             cursor: (Item) -> String, visible: ([Item]) async throws -> [Item]) async throws -> Page<Item> {
        var shown: [Item] = []
        var position = after
        var count = limit + 1
        while true {
            let rows = try await fetch(position, count)
            shown += try await visible(rows)
            guard shown.count <= limit, rows.count == count, let last = rows.last else { break }
            position = key(last)
            count = Swift.min(count * 2, Swift.max(1_000, limit + 1))
        }
        return Page(rows: shown, limit: limit, key: cursor)
    }
}

/// Cursors are the key of the last item of a page, as openapi.yaml states them: its id (a UUID) for
/// most lists, its `seq` for the audit log, its slug for tenants. The next page starts after that key;
/// a value that is not such a key is refused with 422. Any well-formed key is a position in the order,
/// so a schema-valid cursor is always accepted (schemathesis checks that).
extension Page {
    /// A page of a list read whole (a tenant's tags, roles or API keys: tens to hundreds of rows), in the byte order of
    /// each item's unique `key` (a tag's text folded, a role's name folded, a key's id), after the cursor (the key of the
    /// last item of the page before): the keyset contract of every list.
    public static func of(_ all: [Item], key: (Item) -> String, cursor: String?, limit: Int?) throws -> Page<Item> {
        let limit = try pageSize(limit)
        var after: [UInt8]?
        if let cursor {
            guard let key = Cursor.decode(cursor) else { throw RosterError.invalid("cursor", "is not a cursor from this API") }
            after = Array(key.utf8)
        }
        let sorted = all.map { (Array(key($0).utf8), $0) }.sorted { $0.0.lexicographicallyPrecedes($1.0) }
        let rest = after.map { after in sorted.filter { after.lexicographicallyPrecedes($0.0) } } ?? sorted
        let items = rest.prefix(limit)
        return Page(items: items.map(\.1), nextCursor: rest.count > limit ? items.last.map { Cursor.encode(String(decoding: $0.0, as: UTF8.self)) } : nil)
    }
}

public enum Cursor {
    public static func encode(_ key: String) -> String { key }

    /// A text cursor is a key of the list: never empty, never holding a control character (no key does; one that held
    /// some was answered a page, as if it were a cursor of ours; found by the fuzzer), at most 400 characters.
    public static func decode(_ cursor: String) -> String? {
        guard !cursor.isEmpty, cursor.unicodeScalars.count <= 400,
              !cursor.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return nil }
        return cursor
    }

    /// A cursor that is a sequence number: 1 to 18 ASCII digits, as the spec's pattern says (`+5`, 26 digits and
    /// 19-digit numbers were taken as long as they parsed; found by a probe).
    public static func sequence(_ cursor: String) -> Int64? {
        guard (1...18).contains(cursor.utf8.count), cursor.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int64(cursor)
    }
}

public enum Limits {
    public static let defaultPageSize = 50
    public static let maxPageSize = 500
}
