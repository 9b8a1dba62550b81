import BrokerTestSupport
import CaseStore
import Foundation
import Testing

@Suite("gridwatch check-config and cases")
struct CommandLineTests {
    @Test("check-config summarises the sample; a broken configuration lists every problem, exits 78, shows no password")
    func checkConfig() throws {
        let sample = Broker.repositoryRoot.appendingPathComponent("deploy/config/gridwatch.yaml").path
        let (ok, summary) = try PublishCommandTests.run(["check-config", "-c", sample])
        #expect(ok == 0)
        #expect(summary.contains("东直门街道 (110101008): 10 communities, 34 grids"))
        #expect(summary.contains("amqp://guest:***@"))

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let sampleDirectory = Broker.repositoryRoot.appendingPathComponent("deploy/config")
        for file in try FileManager.default.contentsOfDirectory(atPath: sampleDirectory.path) where file.hasSuffix(".yaml") {
            var text = try String(contentsOf: sampleDirectory.appendingPathComponent(file), encoding: .utf8)
            if file == "gridwatch.yaml" {
                text = text.replacingOccurrences(of: "amqp://guest:guest@", with: "amqp://ops:Pa55word@")
                text += "\nmetrics:\n  port: 99999\ndaemon2: {}\n"
            }
            try text.write(to: directory.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        let (status, errors) = try PublishCommandTests.run(["check-config", "-c", directory.appendingPathComponent("gridwatch.yaml").path])
        #expect(status == 78)
        #expect(errors.contains("metrics.port"), "\(errors)")
        #expect(errors.contains("daemon2"), "both problems are listed: \(errors)")
        #expect(!errors.contains("Pa55word"))
    }

    @Test("cases list and show read a live daemon's store")
    func cases() async throws {
        let harness = try await DaemonHarness("cases-cli")
        defer { Task { await harness.tearDown() } }
        try harness.start()
        #expect(await harness.publish("hotline.12345", DaemonHarness.hotline(id: "CASES-1", code: "noise")) == .confirmed)
        #expect(await harness.eventually { try harness.store().caseID(forSourceKey: "hotline:CASES-1") != nil })
        let id = try #require(try harness.store().caseID(forSourceKey: "hotline:CASES-1"))
        let (listed, list) = try PublishCommandTests.run(["cases", "list", "--database", harness.databasePath, "--open"])
        #expect(listed == 0)
        #expect(list.contains(id.rawValue))
        #expect(list.contains("hotline.noise"))
        let (shown, detail) = try PublishCommandTests.run(["cases", "show", "--database", harness.databasePath, id.rawValue])
        #expect(shown == 0)
        #expect(detail.contains("hotline:CASES-1"))
        #expect(detail.contains("dispatched"))
        #expect(detail.contains("signFor(grid)"), "the pending deadline is shown: \(detail)")
        let (missing, _) = try PublishCommandTests.run(["cases", "show", "--database", harness.databasePath, "GW-NONE"])
        #expect(missing == 1)
    }
}
