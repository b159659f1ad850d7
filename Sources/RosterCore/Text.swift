/// Bounds and cleaning for free-text fields.
public enum Text {
    public static let nameMax = 200
    public static let noteMax = 4000
    public static let reasonMax = 500
    public static let websiteMax = 2048

    /// Trims; an empty result is `nil`. Rejects control characters and text over `max` characters, counted as
    /// Unicode scalars (code points), as JSON Schema's `maxLength` counts them.
    public static func optional(_ raw: String?, field: String, max: Int) throws -> String? {
        guard let raw else { return nil }
        let value = raw.trimmingWhitespace()
        if value.isEmpty { return nil }
        guard value.unicodeScalars.count <= max else { throw RosterError.invalid(field, "must be at most \(max) characters") }
        let allowsLineBreaks = max >= noteMax
        let hasControl = value.unicodeScalars.contains { s in
            s.properties.generalCategory == .control && !(allowsLineBreaks && (s == "\n" || s == "\r" || s == "\t"))
        }
        guard !hasControl else { throw RosterError.invalid(field, "must not contain control characters") }
        return value
    }

    public static func required(_ raw: String?, field: String, max: Int) throws -> String? {
        try optional(raw, field: field, max: max)
    }
}
