public import Logging

/// swift-log's `StreamLogHandler` on standard error (the default), with the metadata set on a logger kept as it is and
/// written out only when a line is logged. `StreamLogHandler` formats its metadata on every change: Hummingbird gives
/// each request's logger its `hb.request.id`, and that formatting was about 1% of a GET's CPU (`perf`, 2026-12-06) for
/// lines that, at the default level, are never written.
public struct RosterLogHandler: LogHandler {
    private var stream: StreamLogHandler
    public var metadata: Logger.Metadata = [:]

    public init(label: String) {
        stream = StreamLogHandler.standardError(label: label)
    }

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
        var stream = stream
        stream.metadata = metadata
        stream.log(event: event)
    }
}
