/// One thing wrong with the configuration, located by file, key path and line, so a user can
/// fix everything in one pass instead of one error per restart.
public struct ConfigurationProblem: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    /// Dotted key path with list indices, e.g. `districts[0].streets[1].communities[3].grids[2].staff`.
    public var path: String
    /// 1-based line when known.
    public var line: Int?
    public var message: String

    public init(file: String, path: String, line: Int? = nil, message: String) {
        self.file = file
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(path.isEmpty ? "(top)" : path): \(message)"
    }
}

/// The configuration could not be used; `problems` lists all that was found.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var problems: [ConfigurationProblem]

    public init(problems: [ConfigurationProblem]) { self.problems = problems }

    public var description: String {
        "\(problems.count) configuration problem(s):\n" + problems.map { "  \($0)" }.joined(separator: "\n")
    }
}
