import BrokerTestSupport
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("Metrics and health endpoints")
struct MetricsTests {
    @Test("/metrics is Prometheus text with the intake, rejection, outbox and broker figures; /healthz and /readyz answer")
    func scrape() async throws {
        let harness = try await DaemonHarness("metrics")
        defer { Task { await harness.tearDown() } }
        try harness.start()
        let base = "http://127.0.0.1:\(harness.metricsPort)"
        #expect(await harness.eventually { (try? Self.get("\(base)/readyz"))?.status == 200 })
        #expect(await harness.publish("hotline.12345", DaemonHarness.hotline(id: "M-1")) == .confirmed)
        #expect(await harness.publish("hotline.12345", "{not json", messageID: "bad-1") == .confirmed)
        #expect(await harness.eventually { try harness.store().outboxCount() == 0 && harness.store().cases(.init()).count == 1 })

        var samples: [String: Double] = [:]
        let complete = await harness.eventually(timeout: .seconds(30)) {
            let (status, body) = try Self.get("\(base)/metrics")
            guard status == 200 else { return false }
            samples = try Self.parse(body)
            return samples["gridwatch_events_received_total{source=\"hotline\"}"] == 2
                && samples["gridwatch_cases_open{level=\"grid\",street=\"东直门街道\"}"] == 1
        }
        #expect(complete, "samples: \(samples.keys.sorted().prefix(40))")
        #expect(samples["gridwatch_events_rejected_total{reason=\"invalid_json\",source=\"hotline\"}"] == 1
                    || samples["gridwatch_events_rejected_total{source=\"hotline\",reason=\"invalid_json\"}"] == 1)
        #expect(samples.contains { $0.key.hasPrefix("gridwatch_outbox_published_total") && $0.key.contains("confirmed") && $0.value >= 2 })
        #expect(samples["gridwatch_broker_connected"] == 1)
        #expect(samples["gridwatch_outbox_pending"] == 0)
        #expect(samples.keys.contains { $0.hasPrefix("gridwatch_store_commit_seconds_bucket") })
        #expect(samples.keys.contains { $0.hasPrefix("gridwatch_batch_processing_seconds_count") })
        #expect(try Self.get("\(base)/healthz").status == 200)
        #expect(try Self.get("\(base)/nothing").status == 404)
    }

    /// Parses the text format into "name{labels}" → value, checking every line is well formed.
    static func parse(_ text: String) throws -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                throw TestFailure("malformed sample line: \(line)")
            }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    static func get(_ url: String) throws -> (status: Int, body: String) {
        let semaphore = DispatchSemaphore(value: 0)
        let result = ResultBox()
        URLSession.shared.dataTask(with: URL(string: url)!) { data, response, error in
            result.value = (response as? HTTPURLResponse).map { ($0.statusCode, String(decoding: data ?? Data(), as: UTF8.self)) }
            result.error = error
            semaphore.signal()
        }.resume()
        semaphore.wait()
        if let error = result.error { throw error }
        guard let value = result.value else { throw TestFailure("no response from \(url)") }
        return value
    }
}

private final class ResultBox: @unchecked Sendable {
    var value: (Int, String)?
    var error: Error?
}
