import Foundation

// A configuration the size of a city district, for benchmarks that the 40-grid sample
// (deploy/config) is too small for. See docs/BENCHMARKS.md, "Side by side with Alertmanager".

/// `city-config`: writes a configuration directory shaped like deploy/config, with `grids` grids
/// and `categories` hotline categories.
///
/// One district (东城区's code) of streets of ten communities of four grids each; every grid has
/// its five staff, a boundary and two buildings with a captain, whose addresses are unique in
/// the city so hotline addresses place them. The categories are hotline categories, each its own
/// incident family, with severities low, normal and high in turn: none is critical, so nothing
/// summons a department and no deadline falls due within an hour of a report. No devices: the
/// benchmarks that use it send hotline requests only. Deterministic: the same arguments write the
/// same files.
struct CityConfig {
    static let gridsPerCommunity = 4
    static let communitiesPerStreet = 10
    static let buildingsPerGrid = 2
    static let district = "110101"

    let grids: Int
    let categories: Int

    private var people: [String] = []
    private var counter = 0

    init(grids: Int, categories: Int) {
        self.grids = grids
        self.categories = categories
    }

    /// The code of grid `n` (0-based) of the city.
    static func gridCode(_ n: Int) -> String {
        let community = n / gridsPerCommunity
        return district + String(format: "%03d%03d%03d", community / communitiesPerStreet + 1,
                      community % communitiesPerStreet + 1, n % gridsPerCommunity + 1)
    }

    /// Building `b` of grid `n`: its id and the address a caller gives. The street's road and a
    /// number unique along it, so no address is part of another's.
    static func building(_ b: Int, ofGrid n: Int) -> (id: String, address: String) {
        let street = n / (gridsPerCommunity * communitiesPerStreet) + 1
        let number = (n % (gridsPerCommunity * communitiesPerStreet)) * buildingsPerGrid + b + 1
        return ("b-\(gridCode(n))-\(number)", "第\(street)大街\(number)号楼")
    }

    /// Category `n` (0-based): id, name and the service code callers use.
    static func category(_ n: Int) -> (id: String, name: String, code: String) {
        let code = String(format: "city-%02d", n + 1)
        return ("hotline.\(code)", "市容类别\(n + 1)", code)
    }

    mutating func write(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func save(_ name: String, _ lines: [String]) throws {
            try (lines.joined(separator: "\n") + "\n").write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        }
        let districts = hierarchyLines()
        let departments = departmentLines()
        try save("hierarchy.yaml", [
            "# A city district for benchmarks: written by `gridwatch-bench city-config`; regenerate, do not edit.",
            "# \(grids) grids in communities of \(Self.gridsPerCommunity), streets of \(Self.communitiesPerStreet) communities.",
            "people:",
        ] + people + districts)
        try save("departments.yaml", departments)
        try save("categories.yaml", categoryLines())
        try save("devices.yaml", ["# No devices: the benchmarks that use this configuration send hotline requests only.", "devices: []"])
        try save("policies.yaml", Self.policies)
        try save("gridwatch.yaml", Self.main)
    }

    /// A new person with a generated name and phone number; `shift` (from, to) gives them a
    /// daily roster, as the sample's duty officers have.
    private mutating func person(_ prefix: String, channels: String = "[app, sms]", shift: (String, String)? = nil) -> String {
        counter += 1
        let id = prefix + String(format: "-%05d", counter)
        let surnames = Array("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎")
        let given = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅琳慧建国志文斌宁欣悦晨")
        let name = String([surnames[counter % surnames.count], given[(counter * 7) % given.count],
                           given[(counter * 13 + 5) % given.count]])
        people += ["  - id: \(id)", "    name: \(name)", String(format: "    phone: \"139%08d\"", counter), "    channels: \(channels)"]
        if let (from, to) = shift {
            people += ["    roster:", "      - days: [1, 2, 3, 4, 5, 6, 7]", "        from: \"\(from)\"", "        to: \"\(to)\""]
        }
        return id
    }

    private mutating func hierarchyLines() -> [String] {
        let day = ("08:00", "20:00")
        let night = ("20:00", "08:00")
        let centre = [person("dcc", channels: "[app, sms, voice]", shift: day), person("dcc", channels: "[app, sms, voice]", shift: night)]
        var lines = ["districts:", "  - code: \"\(Self.district)\"", "    name: 东城区", "    staff:",
                     "      districtCommandCentre: [\(centre.joined(separator: ", "))]", "    streets:"]
        let communities = (grids + Self.gridsPerCommunity - 1) / Self.gridsPerCommunity
        for community in 0..<communities {
            let street = community / Self.communitiesPerStreet
            let code = String(Self.gridCode(community * Self.gridsPerCommunity).prefix(12))
            if community % Self.communitiesPerStreet == 0 {
                let duty = [person("duty", channels: "[app, voice]", shift: day), person("duty", channels: "[app, voice]", shift: night)]
                lines += ["      - code: \"\(code.prefix(9))\"", "        name: 第\(street + 1)街道", "        staff:",
                          "          streetDutyOfficer: [\(duty.joined(separator: ", "))]", "        communities:"]
            }
            lines += ["          - code: \"\(code)\"", "            name: 第\(street + 1)街道第\(community % Self.communitiesPerStreet + 1)社区",
                      "            staff:", "              stationHead: \(person("head"))",
                      "              communitySecretary: \(person("sec"))", "            grids:"]
            for n in community * Self.gridsPerCommunity..<min(grids, (community + 1) * Self.gridsPerCommunity) {
                lines += gridLines(n)
            }
        }
        return lines
    }

    private mutating func gridLines(_ n: Int) -> [String] {
        var lines = ["              - code: \"\(Self.gridCode(n))\"", "                name: 第\(n + 1)网格", "                staff:"]
        for (role, prefix) in [("gridWorker", "gw"), ("gridLeader", "gl"), ("gridManager", "gm"), ("gridSupervisor", "gs"),
                               ("gridAssistant", "ga")] {
            lines.append("                  \(role): \(person(prefix))")
        }
        // Squares of 0.004° in rows of 26, so no two boundaries overlap.
        let lat = 39.90 + Double(n / 26) * 0.004
        let lon = 116.38 + Double(n % 26) * 0.004
        lines.append("                boundary:")
        for (a, b) in [(0.0, 0.0), (0, 0.004), (0.004, 0.004), (0.004, 0)] {
            lines.append(String(format: "                  - [%.4f, %.4f]", lat + a, lon + b))
        }
        lines.append("                buildings:")
        for b in 0..<Self.buildingsPerGrid {
            let (id, address) = Self.building(b, ofGrid: n)
            lines += ["                  - id: \(id)", "                    name: \(address)",
                      "                    addresses: [\(address), \(address.dropLast(2))号院]",
                      "                    staff:", "                      buildingCaptain: \(person("bc", channels: "[sms]"))"]
        }
        return lines
    }

    /// Three departments sharing the categories, so each category has an owner as in the sample.
    private mutating func departmentLines() -> [String] {
        var lines = ["# Departments that own the categories; nothing summons them (no category is critical).", "departments:"]
        let kinds = [("city-management", "城管执法队", "cityManagement"), ("property-management", "物业管理公司", "propertyManagement"),
                     ("civil-affairs", "民政科", "civilAffairs")]
        for (k, (id, name, kind)) in kinds.enumerated() {
            let owned = stride(from: k, to: categories, by: kinds.count).map { Self.category($0).id }
            lines += ["  - id: \(id)", "    name: \(name)", "    kind: \(kind)",
                      "    categories: [\(owned.joined(separator: ", "))]",
                      "    contacts: [\(person("dept", channels: "[app, voice]"))]"]
        }
        return lines
    }

    private func categoryLines() -> [String] {
        let severities = ["low", "normal", "high"]
        return ["# Hotline categories, each its own incident family.", "categories:"] + (0..<categories).map { n in
            let (id, name, code) = Self.category(n)
            return "  - {id: \(id), name: \(name), kind: hotline, code: \(code), severity: \(severities[n % severities.count])}"
        }
    }

    /// The sample's default and severity policies, without its category entries.
    static let policies = [
        "policies:",
        "  default:",
        "    startLevel: grid",
        "    notifyAtOnce: []",
        "    signFor: {grid: 2h, community: 2h, street: 1h, district: 1h}",
        "    resolve: {grid: 3d, community: 2d, street: 1d, district: 1d}",
        "    topLevel: district",
        "    reminderEvery: 4h",
        "    summon: []",
        "    summonOwners: false",
        "    reportInWithin: 30m",
        "    verifyWithin: 1d",
        "    redispatchWithin: 2h",
        "    raiseSeverityAfter: 5",
        "  severities:",
        "    high:",
        "      signFor: {grid: 1h, community: 1h, street: 30m, district: 30m}",
        "      resolve: {grid: 1d, community: 1d, street: 12h, district: 12h}",
        "      reminderEvery: 2h",
        "      raiseSeverityAfter: 3",
    ]

    /// The sample's main file: the same correlation window, limits, broker and daemon settings.
    static let main = [
        "include: [hierarchy.yaml, departments.yaml, categories.yaml, devices.yaml, policies.yaml]",
        "correlation:",
        "  window: 30m",
        "limits:",
        "  maxMessageBytes: 65536",
        "  maxTextLength: 4000",
        "  maxClockSkew: 5m",
        "  maxAge: 7d",
        "broker:",
        "  url: amqp://guest:guest@127.0.0.1:5682/",
        "  heartbeat: 30s",
        "  prefetch: 512",
        "store:",
        "  path: gridwatch.sqlite",
        "daemon:",
        "  batchSize: 256",
        "  trust:",
        "    guest: [hotline, alarm, camera, care, field, callback]",
    ]
}
