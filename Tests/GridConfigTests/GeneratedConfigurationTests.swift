import Foundation
import GridConfig
import GridwatchDomain
import Testing

/// Seeded random edits of the small valid configuration in `HostileConfigurationTests`: YAML
/// syntax pieces, anchors and aliases, deep brackets, huge numbers, far durations, duplicate
/// keys, tabs and bytes that are not UTF-8, dropped in anywhere. None may crash the loader or
/// take long; a refused one lists located problems; an accepted one places cases in its grids.
@Suite("Generated hostile configuration")
struct GeneratedConfigurationTests {
    static let count = 2_000
    static let pieces: [String] = [
        ":", "- ", " ", "\n", "\t", "[", "]", "{", "}", ",", "&a ", "*a", "<<: *a", "? ", "'", "\"", "#", "|", ">", "!!binary ",
        "1e400", "18446744073709551616", "-0", ".nan", "99999999w", "0s", "null", "~", "\u{FEFF}", "\u{0}", "\u{2028}",
        String(repeating: "[", count: 1200), String(repeating: "- ", count: 600), "\ncorrelation: {window: 1m}", "\npeople: []",
        "\n  - {id: w1, name: 重复, phone: \"1\", channels: [app]}", "code: \"110101008001001\"", String(repeating: "长", count: 300),
    ]

    @Test("two thousand edited configurations: located problems or a configuration that works, never a crash, never slow")
    func generated() {
        var rng = SplitMix(state: 2_157_2023)
        let files = [HostileConfigurationTests.main, HostileConfigurationTests.hierarchy, HostileConfigurationTests.rest]
        var valid = 0
        var refused = 0
        var slowest: Duration = .zero
        for index in 0..<Self.count {
            var edited = files
            let target = Int.random(in: 0..<files.count, using: &rng)
            edited[target] = Self.edit(edited[target], &rng)
            let started = ContinuousClock.now
            let include = ["hierarchy.yaml": edited[1], "rest.yaml": edited[2]]
            do {
                let configuration = try GridwatchConfiguration.parse(mainFile: "gridwatch.yaml", text: edited[0]) { include[$0] }
                valid += 1
                for grid in configuration.hierarchy.gridCodes {
                    for category in configuration.categories {
                        #expect(configuration.caseContext(location: Location(grid: grid), category: category.id) != nil,
                                "input \(index): a valid configuration without a context for grid \(grid)")
                    }
                }
            } catch {
                refused += 1
                #expect(!error.problems.isEmpty, "input \(index)")
                for problem in error.problems {
                    #expect(["gridwatch.yaml", "hierarchy.yaml", "rest.yaml", "(configuration)", "(policies)"].contains(problem.file),
                            "input \(index): \(problem)")
                    #expect(!problem.message.isEmpty, "input \(index)")
                }
            }
            slowest = max(slowest, ContinuousClock.now - started)
        }
        #expect(valid > 0 && refused > 0, "valid \(valid), refused \(refused)")
        #expect(slowest < .seconds(2), "the slowest configuration took \(slowest)")
    }

    /// One to three insertions, deletions or replacements of a piece or a random byte.
    static func edit(_ text: String, _ rng: inout SplitMix) -> String {
        var bytes = Array(text.utf8)
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let i = Int.random(in: 0...bytes.count, using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: bytes.insert(contentsOf: Array(pieces.randomElement(using: &rng)!.utf8), at: i)
            case 1 where i < bytes.count: bytes.removeSubrange(i..<min(bytes.count, i + Int.random(in: 1...12, using: &rng)))
            case 2 where i < bytes.count: bytes[i] = UInt8.random(in: 0...255, using: &rng)
            default: bytes.insert(contentsOf: Array(pieces.randomElement(using: &rng)!.utf8), at: i)
            }
        }
        // As `load(contentsOf:)` reads a file: bytes that are not UTF-8 make it unreadable, here replaced.
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// SplitMix64: a small deterministic generator, so a failure reproduces from its input number.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
