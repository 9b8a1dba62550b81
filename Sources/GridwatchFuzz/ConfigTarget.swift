import Foundation
import GridConfig
import GridwatchDomain

/// The configuration loader on any text: the main file, then included files, each after a line
/// `# file: NAME` (a YAML comment, so a seed made of one file is still that file).
///
/// Invariants besides not crashing (libFuzzer's `-timeout` bounds the time): a refused
/// configuration lists at least one problem, each in a file that was read and with a message; an
/// accepted one places a case in its grids with somebody to tell.
enum ConfigTarget {
    static let mainFile = "gridwatch.yaml"
    static let marker = "# file: "

    /// Returns `valid` or the number of problems.
    static func check(_ data: Data) -> String {
        let files = split(String(decoding: data, as: UTF8.self))
        let main = files.first?.text ?? ""
        let included = Dictionary(files.dropFirst().map { ($0.name, $0.text) }, uniquingKeysWith: { first, _ in first })
        do {
            let configuration = try GridwatchConfiguration.parse(mainFile: mainFile, text: main) { included[$0] }
            follow(configuration)
            return "valid"
        } catch {
            require(!error.problems.isEmpty, "refused without a problem")
            for problem in error.problems {
                // The validator's names for the whole ("no hierarchy is configured") and for resolved policies.
                require(problem.file == mainFile || included[problem.file] != nil || ["(configuration)", "(policies)"].contains(problem.file),
                        "a problem in a file never read: \(problem.file)")
                require(!problem.message.isEmpty, "a problem without a message")
                require(problem.line.map { $0 >= 0 } ?? true, "a negative line")
            }
            _ = error.description
            return "\(error.problems.count) problem(s), the first: \(error.problems[0])"
        }
    }

    /// Splits the input at `# file: NAME` lines; the part before the first is the main file.
    static func split(_ text: String) -> [(name: String, text: String)] {
        var files: [(name: String, text: String)] = [(mainFile, "")]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(marker) {
                files.append((String(line.dropFirst(marker.count)), ""))
            } else {
                files[files.count - 1].text += line + "\n"
            }
        }
        return files
    }

    /// What the daemon does with a configuration that passed: triage, and a case in a few of its
    /// grids for a few of its categories, dispatched to someone.
    static func follow(_ configuration: GridwatchConfiguration) {
        _ = configuration.triage
        _ = configuration.correlator
        let now = Date(timeIntervalSince1970: 1_795_312_800)
        for grid in configuration.hierarchy.gridCodes.prefix(4) {
            for category in configuration.categories.prefix(4) {
                let location = Location(grid: grid)
                guard let context = configuration.caseContext(location: location, category: category.id) else {
                    fatalError("invariant broken: no case context for grid \(grid) in a valid configuration")
                }
                let request = HotlineRequest(
                    serviceRequestID: "FUZZ-1", status: .open, serviceCode: category.sourceCode, requestedAt: now, text: nil,
                    coordinate: nil, addressString: nil, addressID: nil, mediaURL: nil, callerName: nil, callerPhone: nil, gridCode: grid)
                var (machine, _) = CaseMachine.open(
                    id: CaseID("GW-FUZZ"), report: .hotline(request), category: category.id, severity: category.defaultSeverity,
                    context: context, now: now)
                let dispatched = machine.dispatch(now: now)
                require(dispatched.contains { if case .notify = $0 { true } else { false } }, "a valid configuration dispatched to nobody")
            }
        }
    }
}
