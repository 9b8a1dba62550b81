import Foundation
import GridwatchDomain
import Yams

/// The domain configuration users edit: hierarchy, people, departments, devices, categories,
/// policies, correlation and limits, validated as a whole.
///
/// Load and validate a complete new configuration before swapping it in; a configuration that
/// has problems is never partially applied.
public struct GridwatchConfiguration: Sendable {
    /// Limits on incoming messages.
    public struct Limits: Hashable, Sendable {
        /// Largest message body accepted. Default 64 KiB.
        public var maxMessageBytes = 65536
        /// Longest free-text field (Open311 allows 4000 for `description`). Default 4000.
        public var maxTextLength = 4000
        /// How far in the future a message's timestamp may be, for clock skew. Default 5 minutes.
        public var maxClockSkew: TimeInterval = 300
        /// How old a message's timestamp may be. Default 7 days.
        public var maxAge: TimeInterval = 7 * 86400
        public init() {}
    }

    public var hierarchy: Hierarchy
    public var departments: [Department]
    public var devices: [Device]
    public var categories: [Category]
    public var policies: PolicyBook
    /// How long after a case's last report a similar one still folds into it. Default 30 minutes.
    public var correlationWindow: TimeInterval
    public var limits: Limits
    /// The daemon's own sections (broker, store, outbox, daemon).
    public var daemon: DaemonSettings
    /// The files `load(contentsOf:)` read: the main file, then its includes. Empty when parsed
    /// from text. Their permissions are checked at start (`FileExposure`).
    public var files: [URL] = []

    public init(
        hierarchy: Hierarchy, departments: [Department], devices: [Device], categories: [Category], policies: PolicyBook,
        correlationWindow: TimeInterval = 1800, limits: Limits = Limits(), daemon: DaemonSettings = DaemonSettings()
    ) {
        self.daemon = daemon
        self.hierarchy = hierarchy
        self.departments = departments
        self.devices = devices
        self.categories = categories
        self.policies = policies
        self.correlationWindow = correlationWindow
        self.limits = limits
    }

    /// The triage that places reports with this configuration.
    public var triage: Triage { Triage(hierarchy: hierarchy, devices: devices, categories: categories) }

    /// The correlator with this configuration's window.
    public var correlator: Correlator { Correlator(window: correlationWindow) }

    /// Builds a case's context from this configuration.
    public func caseContext(location: Location, category: CategoryID) -> CaseContext? {
        CaseContext.make(location: location, category: category, hierarchy: hierarchy, departments: departments, policies: policies)
    }

    /// Loads the main file and the files it includes (relative to its directory).
    public static func load(contentsOf url: URL) throws(ConfigurationError) -> GridwatchConfiguration {
        let directory = url.deletingLastPathComponent()
        guard let main = try? String(contentsOf: url, encoding: .utf8) else {
            throw ConfigurationError(problems: [ConfigurationProblem(file: url.lastPathComponent, path: "", message: "cannot be read")])
        }
        var files = [url]
        var configuration = try parse(mainFile: url.lastPathComponent, text: main) { name in
            files.append(directory.appendingPathComponent(name))
            return try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        }
        configuration.files = files
        return configuration
    }

    /// Parses and validates from text. `include` returns the text of an included file by name,
    /// or `nil` when it cannot be read. Pure apart from what `include` does.
    public static func parse(
        mainFile: String, text: String, include: (String) -> String?
    ) throws(ConfigurationError) -> GridwatchConfiguration {
        let sink = ProblemSink()
        var reader = ConfigurationReader(sink: sink)
        reader.readMain(file: mainFile, text: text, include: include)
        let configuration = reader.build()
        ConfigurationValidator(reader: reader, sink: sink).validate(configuration)
        guard sink.problems.isEmpty else { throw ConfigurationError(problems: sink.problems) }
        return configuration
    }
}

/// Parses YAML text into a node, reporting a syntax error as a problem.
func compose(_ text: String, file: String, sink: ProblemSink) -> YAMLCursor? {
    if let line = AnchorScan.firstAnchorLine(in: text) {
        sink.add(ConfigurationProblem(
            file: file, path: "", line: line, message: "YAML anchors and aliases (&name, *name) are not supported: write the value out"))
        return nil
    }
    do {
        guard let node = try Yams.compose(yaml: text) else {
            sink.add(ConfigurationProblem(file: file, path: "", message: "empty document"))
            return nil
        }
        return YAMLCursor(node: node, path: "", file: file, problems: sink)
    } catch YamlError.duplicatedKeysInMapping(let duplicates, let context) {
        let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
        sink.add(ConfigurationProblem(file: file, path: "", line: context.mark.line, message: "duplicate key \(keys) in one mapping"))
        return nil
    } catch let error as YamlError {
        sink.add(ConfigurationProblem(file: file, path: "", line: error.line, message: "YAML syntax error"))
        return nil
    } catch {
        sink.add(ConfigurationProblem(file: file, path: "", message: "YAML syntax error"))
        return nil
    }
}

extension YamlError {
    /// The line of a scanner, parser or composer error, when Yams reports one.
    var line: Int? {
        if case .scanner(_, _, let mark, _) = self { return mark.line }
        if case .parser(_, _, let mark, _) = self { return mark.line }
        if case .composer(_, _, let mark, _) = self { return mark.line }
        return nil
    }
}
