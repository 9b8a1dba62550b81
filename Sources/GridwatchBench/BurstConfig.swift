import Foundation
import GridConfig

// The burst's configuration: the sample's 40 grids and 80 buildings give at most a few hundred
// distinct incidents (a device's reports all fold into its case, and a grid's reports of one
// family fold together unless their buildings differ), so the burst adds buildings to every grid
// of a copy of the configuration, each with a smoke alarm, a gas alarm and a camera of its own.
// See docs/BENCHMARKS.md, "Bursts".

/// `burst-config`: adds BUILDINGS buildings to every grid of the configuration in DIRECTORY
/// (a copy: its `hierarchy.yaml` and `devices.yaml` are rewritten in place), each with the
/// devices `burstDevices` names, then loads the result to make sure it is valid.
///
/// The buildings are inserted as text after each grid's `buildings:` line, in the layout
/// `deploy/tools/generate-sample-hierarchy.py` writes; loading the result and counting the
/// buildings afterwards catches a hierarchy laid out differently.
func burstConfig(directory: String, buildings: Int) throws {
    let hierarchyPath = directory + "/hierarchy.yaml"
    let devicesPath = directory + "/devices.yaml"
    let before = try loadConfiguration(directory + "/gridwatch.yaml")

    var lines: [String] = []
    var grid: (code: String, indent: Int)?
    var added: [(grid: String, building: String)] = []
    for line in try String(contentsOfFile: hierarchyPath, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false) {
        lines.append(String(line))
        let indent = line.prefix { $0 == " " }.count
        let text = line.dropFirst(indent)
        if text.hasPrefix("- code: \""), text.hasSuffix("\"") {
            grid = (String(text.dropFirst(9).dropLast()), indent)
        } else if text == "buildings:", let current = grid, indent == current.indent + 2 {
            let pad = String(repeating: " ", count: indent + 2)
            for k in 1...buildings {
                let id = "bb-\(current.code)-\(k)"
                lines.append("\(pad)- id: \(id)")
                lines.append("\(pad)  name: 基准楼\(k)号")
                added.append((current.code, id))
            }
        }
    }
    var devices = try String(contentsOfFile: devicesPath, encoding: .utf8)
    if !devices.hasSuffix("\n") { devices += "\n" }
    for (grid, building) in added {
        for (kind, prefix) in burstDevices {
            devices += "  - id: \(prefix)-\(building)\n    kind: \(kind)\n    grid: \"\(grid)\"\n    building: \(building)\n"
        }
    }
    try lines.joined(separator: "\n").write(toFile: hierarchyPath, atomically: true, encoding: .utf8)
    try devices.write(toFile: devicesPath, atomically: true, encoding: .utf8)

    let after = try loadConfiguration(directory + "/gridwatch.yaml")
    let grids = after.hierarchy.gridCodes
    let buildingCount = { (configuration: GridwatchConfiguration) in
        configuration.hierarchy.gridCodes.reduce(0) { $0 + (configuration.hierarchy.grid($1)?.buildings.count ?? 0) }
    }
    guard added.count == grids.count * buildings, buildingCount(after) == buildingCount(before) + added.count else {
        throw BenchFailure("""
            burst-config: added \(added.count) buildings to \(grids.count) grids, expected \(grids.count * buildings) \
            (is hierarchy.yaml laid out as generate-sample-hierarchy.py writes it?)
            """)
    }
    print("burst-config: \(grids.count) grids, \(buildingCount(after)) buildings (\(added.count) added), \(after.devices.count) devices (\(after.devices.count - before.devices.count) added)")
}

/// The devices each added building gets: kind and id prefix. The prefixes are the sample's, so
/// `BurstPlan` and `IntakeFeed` tell smoke from gas alarms the same way for both.
let burstDevices: [(kind: String, prefix: String)] = [("alarm", "smoke"), ("alarm", "gas"), ("camera", "cam")]
