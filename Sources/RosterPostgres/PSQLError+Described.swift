public import PostgresNIO
public import RosterCore

extension PSQLError: DescribedWithoutValues {
    /// The SQLSTATE, with the server's message for class 42 (an undefined table or column, a syntax error), whose
    /// words are the schema's; other messages may quote a value (`invalid input syntax for type uuid: "..."`), and
    /// PostgresNIO's own description is a placeholder that says nothing.
    public var describedWithoutValues: String {
        guard let state = serverInfo?[.sqlState] else { return "PostgreSQL connection error (\(code))" }
        if state.hasPrefix("42"), let message = serverInfo?[.message] { return "PostgreSQL error \(state): \(message)" }
        return "PostgreSQL error \(state)"
    }

    /// Duplicate or undefined table, column, index or object (42P07, 42701, 42P01, 42703, 42704, 42710).
    public var isSchemaMismatch: Bool {
        ["42P07", "42701", "42P01", "42703", "42704", "42710"].contains(serverInfo?[.sqlState] ?? "")
    }
}
