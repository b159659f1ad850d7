import Foundation
public import Logging
import Synchronization

/// How log lines are written: swift-log's text lines (the default), or one JSON object a line for log collectors
/// (`ROSTER_LOG_FORMAT=json`).
public enum LogFormat: String, Sendable, CaseIterable {
    case text, json
}

/// swift-log's `StreamLogHandler` on standard error (the default), with the metadata set on a logger kept as it is and
/// written out only when a line is logged. `StreamLogHandler` formats its metadata on every change: Hummingbird gives
/// each request's logger its `hb.request.id`, and that formatting was about 1% of a GET's CPU (`perf`, 2026-12-06) for
/// lines that, at the default level, are never written. With `.json`, each line is one JSON object on standard error:
/// `time` (RFC 3339, milliseconds, UTC), `level`, `logger` (the label), `message`, `source` (the module) and the
/// metadata's members as `metadata` (nested values as arrays and objects).
public struct RosterLogHandler: LogHandler {
    private var stream: StreamLogHandler
    private let format: LogFormat
    public var metadata: Logger.Metadata = [:]

    public init(label: String) {
        self.init(label: label, format: .text)
    }

    public init(label: String, format: LogFormat) {
        stream = StreamLogHandler.standardError(label: label)
        self.format = format
        self.label = label
    }

    private let label: String

    /// Every logger of the process writes as `format` at `level` (the loggers made by `Logger(label:)` in the services
    /// too, which wrote text at info level to standard output whatever was configured). Once a process; later calls do
    /// nothing.
    public static func bootstrap(format: LogFormat, level: Logger.Level) {
        let first = bootstrapped.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        LoggingSystem.bootstrap { label in
            var handler = RosterLogHandler(label: label, format: format)
            handler.logLevel = level
            return handler
        }
    }

    private static let bootstrapped = Mutex(false)
    private static let writing = Mutex(())

    public var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { stream.metadataProvider }
        set { stream.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        switch format {
        case .text:
            var stream = stream
            stream.metadata = metadata
            stream.log(event: event)
        case .json:
            var merged = metadata
            if let provided = stream.metadataProvider?.get() { merged.merge(provided) { _, new in new } }
            if let own = event.metadata { merged.merge(own) { _, new in new } }
            let line = Self.jsonLine(time: Date(), level: event.level, label: label, message: "\(event.message)", source: event.source,
                                     metadata: merged)
            // One writer at a time (a long line is more than one write to a pipe), and a failed write is not a crash: a
            // log collector that restarts or a full disk must not stop the server (`write(_:)` traps on an error).
            Self.writing.withLock { _ in try? FileHandle.standardError.write(contentsOf: line) }
        }
    }

    /// One line: a JSON object and a line feed.
    static func jsonLine(time: Date, level: Logger.Level, label: String, message: String, source: String,
                         metadata: Logger.Metadata) -> Data {
        var object: [String: Any] = [
            "time": time.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted)),
            "level": level.rawValue, "logger": label, "message": message, "source": source,
        ]
        if !metadata.isEmpty { object["metadata"] = metadata.mapValues(Self.json) }
        var data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data(#"{"message":"a log line could not be written as JSON"}"#.utf8)
        data.append(0x0A)
        return data
    }

    static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let value): value.description
        case .array(let values): values.map(json)
        case .dictionary(let members): members.mapValues(json)
        }
    }
}
