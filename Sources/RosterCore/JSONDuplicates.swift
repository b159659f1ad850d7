import Foundation

/// Members named twice in one JSON object, found in one pass over the bytes: which value a decoder keeps is nowhere
/// written (Foundation's kept the first), so a body holding one is refused rather than read one way.
public enum JSONDuplicates {
    private enum Frame {
        case object(path: String, keys: Set<String>, key: String?, expectingKey: Bool)
        case array(path: String, index: Int)
    }

    /// The path of the first member named twice (`name`, `settings.colour`, `rows[1].email`), or nil. Malformed JSON
    /// is nil too: the decoder refuses it with its own words.
    public static func first(in bytes: [UInt8]) -> String? {
        var stack: [Frame] = []
        var index = 0
        /// Where a value that starts now sits.
        func childPath() -> String {
            switch stack.last {
            case .object(let path, _, let key, _): path.isEmpty ? (key ?? "") : "\(path).\(key ?? "")"
            case .array(let path, let index): "\(path)[\(index)]"
            case nil: ""
            }
        }
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "{"):
                stack.append(.object(path: childPath(), keys: [], key: nil, expectingKey: true))
            case UInt8(ascii: "["):
                stack.append(.array(path: childPath(), index: 0))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard !stack.isEmpty else { return nil }
                stack.removeLast()
            case UInt8(ascii: ","):
                switch stack.last {
                case .object(let path, let keys, let key, _): stack[stack.count - 1] = .object(path: path, keys: keys, key: key, expectingKey: true)
                case .array(let path, let position): stack[stack.count - 1] = .array(path: path, index: position + 1)
                case nil: return nil
                }
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
                if case .object(let path, var keys, _, true) = stack.last {
                    let token = bytes[start...index]
                    let key = escaped ? (try? JSONDecoder().decode(String.self, from: Data(token))) : String(decoding: token.dropFirst().dropLast(), as: UTF8.self)
                    guard let key else { return nil }
                    let named = path.isEmpty ? key : "\(path).\(key)"
                    guard keys.insert(key).inserted else { return named }
                    stack[stack.count - 1] = .object(path: path, keys: keys, key: key, expectingKey: false)
                }
            default:
                break
            }
            index += 1
        }
        return nil
    }
}
