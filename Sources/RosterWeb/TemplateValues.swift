import Mustache

/// Views as swift-mustache reads them fastest. Given a struct, swift-mustache reflects it (`Mirror`) again for every
/// key it looks up, at every level of the context stack: on the party page that was 49% of the process's time. Here
/// each view is reflected once, into dictionaries (which swift-mustache reads by key) and arrays; `nil` is left out,
/// as before, so a missing value falls back to the enclosing context exactly as it did.
enum TemplateValues {
    static func prepare(_ value: Any) -> Any? {
        switch value {
        case is String, is Bool, is Int, is Int64, is Double: return value
        default: break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            guard let wrapped = mirror.children.first else { return nil }
            return prepare(wrapped.value)
        case .struct, .class:
            var fields: [String: Any] = [:]
            fields.reserveCapacity(Int(mirror.children.count))
            for child in mirror.children {
                if let label = child.label, let prepared = prepare(child.value) { fields[label] = prepared }
            }
            return fields
        case .collection:
            return mirror.children.compactMap { prepare($0.value) }
        default:
            return value
        }
    }
}

extension MustacheLibrary {
    /// Renders a view (prepared once, see `TemplateValues`).
    func render(view: Any, withTemplate name: String) -> String? {
        render(TemplateValues.prepare(view) ?? [String: Any](), withTemplate: name)
    }
}
