import Foundation

/// One pass over a JSON body's bytes, before any decoder reads it, for what no decoder should be given: a member named
/// twice in one object (which value a decoder keeps is nowhere written: Foundation's kept the first), and shapes no
/// operation takes that cost a decoder more than their size (a body of 100,000 nested arrays took gigabytes, one of
/// 70,000 members seconds; found by a probe). Time and memory are linear in the body.
public enum JSONDuplicates {
    /// No body of Roster's nests deeper (a party's properties are at depth 2, an import's rows at 3).
    public static let maxDepth = 32
    /// No object of Roster's has more members (a party has about 15 fields and at most 100 properties).
    public static let maxMembers = 1_000

    public enum Finding: Equatable, Sendable {
        /// A member named twice, at this path (`name`, `settings.colour`, `rows[1].email`).
        case duplicate(String)
        /// A value nested deeper than `maxDepth`, at this path (the path cut to its first `maxDepth` steps).
        case tooDeep(String)
        /// An object with more than `maxMembers` members, at this path (`body` for the body itself).
        case tooWide(String)
        /// A comma before the `}` or `]` that closes the object or array at this path: no JSON (RFC 8259), which
        /// Foundation's decoders took as if the comma were not there (found by a probe).
        case trailingComma(String)

        public var field: String {
            switch self {
            case .duplicate(let path), .tooDeep(let path), .tooWide(let path), .trailingComma(let path): path.isEmpty ? "body" : path
            }
        }

        public var message: String {
            switch self {
            case .duplicate: "is given more than once"
            case .tooDeep: "is nested deeper than \(JSONDuplicates.maxDepth) levels"
            case .tooWide: "has more than \(JSONDuplicates.maxMembers) members"
            case .trailingComma: "ends with a comma before its closing bracket, which JSON does not allow"
            }
        }
    }

    /// The path of the first member named twice, or nil (a body too deep or too wide is nil here: `check` names it).
    public static func first(in bytes: [UInt8]) -> String? {
        if case .duplicate(let path) = check(bytes) { return path }
        return nil
    }

    /// The first thing found, or nil. Malformed JSON is nil too: the decoder refuses it with its own words.
    public static func check(_ bytes: [UInt8]) -> Finding? {
        // One entry per open object or array; the keys of open objects apart, each mutated in place (a Set inside an
        // enum on the stack was copied on every member: quadratic in an object's size).
        var paths: [String] = []
        var isObject: [Bool] = []
        var keys: [Set<String>] = []
        var currentKey: [String?] = []
        var expectingKey: [Bool] = []
        var position: [Int] = []
        var index = 0
        /// Whether the last byte outside strings and white space was a comma.
        var afterComma = false
        /// Where a value that starts now sits.
        func childPath() -> String {
            guard let top = paths.indices.last else { return "" }
            if isObject[top] {
                let key = currentKey[top] ?? ""
                return paths[top].isEmpty ? key : "\(paths[top]).\(key)"
            }
            return "\(paths[top])[\(position[top])]"
        }
        func open(object: Bool) -> Finding? {
            let path = childPath()
            guard paths.count < maxDepth else { return .tooDeep(path) }
            paths.append(path)
            isObject.append(object)
            keys.append([])
            currentKey.append(nil)
            expectingKey.append(object)
            position.append(0)
            return nil
        }
        while index < bytes.count {
            let byte = bytes[index]
            let blank = byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
            if afterComma, byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                return .trailingComma(paths.last ?? "")
            }
            if !blank { afterComma = byte == UInt8(ascii: ",") }
            switch byte {
            case UInt8(ascii: "{"):
                if let finding = open(object: true) { return finding }
            case UInt8(ascii: "["):
                if let finding = open(object: false) { return finding }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard !paths.isEmpty else { return nil }
                paths.removeLast()
                isObject.removeLast()
                keys.removeLast()
                currentKey.removeLast()
                expectingKey.removeLast()
                position.removeLast()
            case UInt8(ascii: ","):
                guard let top = paths.indices.last else { return nil }
                if isObject[top] { expectingKey[top] = true } else { position[top] += 1 }
            case UInt8(ascii: "\""):
                let start = index
                index += 1
                var escaped = false
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\") {
                        escaped = true
                        index += 1
                    }
                    index += 1
                }
                guard index < bytes.count else { return nil }
                if let top = paths.indices.last, isObject[top], expectingKey[top] {
                    let token = bytes[start...index]
                    let key = escaped ? (try? JSONDecoder().decode(String.self, from: Data(token))) : String(decoding: token.dropFirst().dropLast(), as: UTF8.self)
                    guard let key else { return nil }
                    let named = paths[top].isEmpty ? key : "\(paths[top]).\(key)"
                    guard keys[top].insert(key).inserted else { return .duplicate(named) }
                    guard keys[top].count <= maxMembers else { return .tooWide(paths[top]) }
                    currentKey[top] = key
                    expectingKey[top] = false
                }
            default:
                break
            }
            index += 1
        }
        return nil
    }
}
