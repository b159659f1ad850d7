import Foundation

/// The query parameters each operation of the spec takes, read from openapi.yaml as this repository writes it (an
/// operation's `parameters` and its path's, inline `{name: ..., in: query}` items or `$ref`s to
/// `#/components/parameters`). The API refuses a query parameter its operation does not take: it was ignored (`?bogus=1`,
/// a misspelt filter answering the unfiltered list; found by a probe).
public enum SpecQueryParameters {
    /// By operation id; every operation of the spec has an entry (empty when it takes none).
    public static let byOperation: [String: Set<String>] = {
        guard let data = try? OpenAPISpec.yaml(), let text = String(data: data, encoding: .utf8) else { return [:] }
        return parse(text)
    }()

    public static func parse(_ yaml: String) -> [String: Set<String>] {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func indent(_ line: String) -> Int { line.prefix { $0 == " " }.count }
        func value(_ line: String, _ key: String) -> String? {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix(key + ":") else { return nil }
            return trimmed.dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
        }
        /// `{name: X, in: query, ...}` → (X, query).
        func inline(_ item: String) -> (name: String, location: String)? {
            guard let open = item.firstIndex(of: "{") else { return nil }
            var name: String?, location: String?
            for part in item[item.index(after: open)...].split(separator: ",") {
                let pair = part.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2 else { continue }
                if pair[0] == "name" { name = pair[1] }
                if pair[0] == "in" { location = pair[1] }
                if name != nil, location != nil { break }
            }
            guard let name, let location else { return nil }
            return (name, location)
        }
        // components.parameters
        var components: [String: (name: String, location: String)] = [:]
        if let start = lines.firstIndex(of: "components:"), let params = lines[start...].firstIndex(of: "  parameters:") {
            var current: String?
            var name: String?, location: String?
            func flush() {
                if let current, let name, let location { components[current] = (name, location) }
                name = nil; location = nil
            }
            for line in lines[(params + 1)...] where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                let depth = indent(line)
                if depth <= 2 { break }
                if depth == 4 {
                    flush()
                    current = String(line.trimmingCharacters(in: .whitespaces).dropLast())
                } else if depth == 6 {
                    if let found = value(line, "name") { name = found }
                    if let found = value(line, "in") { location = found }
                }
            }
            flush()
        }
        func reference(_ item: String) -> (name: String, location: String)? {
            guard let range = item.range(of: "#/components/parameters/") else { return nil }
            let key = item[range.upperBound...].prefix { $0 != "'" && $0 != "\"" && $0 != " " }
            return components[String(key)]
        }
        // paths
        var table: [String: Set<String>] = [:]
        var pathQuery: Set<String> = []
        var operation: String?
        var operationQuery: Set<String> = []
        func finish() {
            if let operation { table[operation] = pathQuery.union(operationQuery) }
            operation = nil
            operationQuery = []
        }
        var block: (name: String, depth: Int)?
        func add(_ name: String, at depth: Int) {
            if depth == 6 { pathQuery.insert(name) } else if depth == 8 { operationQuery.insert(name) }
        }
        guard let paths = lines.firstIndex(of: "paths:") else { return [:] }
        for line in lines[(paths + 1)...] where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let depth = indent(line)
            if depth == 0 { break }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if depth == 2, trimmed.hasPrefix("/") {
                finish()
                pathQuery = []
            } else if depth == 4, ["get:", "put:", "post:", "patch:", "delete:"].contains(trimmed) {
                finish()
            } else if depth == 6, let id = value(line, "operationId") {
                operation = id
            } else if trimmed.hasPrefix("- "), let parameter = inline(trimmed) ?? reference(trimmed), parameter.location == "query" {
                add(parameter.name, at: depth)
            } else if trimmed.hasPrefix("- name:") {
                // A parameter written as a block (`- name: expand`, then `in: query` below it).
                block = (String(trimmed.dropFirst("- name:".count)).trimmingCharacters(in: .whitespaces), depth)
                continue
            } else if let (name, itemDepth) = block, depth == itemDepth + 2, value(line, "in") == "query" {
                add(name, at: itemDepth)
            }
            if let (_, itemDepth) = block, depth <= itemDepth { block = nil }
        }
        finish()
        return table
    }
}
