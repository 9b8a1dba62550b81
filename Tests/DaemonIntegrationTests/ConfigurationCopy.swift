import BrokerTestSupport
import Foundation

/// The sample configuration copied to a directory of a test's own, its main file changed by the
/// test, for running the `gridwatch` binary on it.
struct ConfigurationCopy {
    let directory: URL
    var main: URL { directory.appendingPathComponent("gridwatch.yaml") }
    var state: URL { directory.appendingPathComponent("state") }

    /// - Parameter edit: turns the sample's main file into the test's.
    init(_ name: String, edit: (String) -> String = { $0 }) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gridwatch-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let sample = Broker.repositoryRoot.appendingPathComponent("deploy/config")
        for file in try FileManager.default.contentsOfDirectory(atPath: sample.path) where file.hasSuffix(".yaml") {
            var text = try String(contentsOf: sample.appendingPathComponent(file), encoding: .utf8)
            // No /metrics endpoint: daemons of tests running side by side would want the same port.
            if file == "gridwatch.yaml" { text = edit(text) + "\nmetrics:\n  port: 0\n" }
            let path = directory.appendingPathComponent(file).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            // The files as an installer leaves them, whatever this process's umask: tests open them up themselves.
            chmod(path, 0o640)
        }
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// The file's permission bits.
    static func mode(_ path: String) -> UInt32? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return UInt32(status.st_mode) & 0o7777
    }
}

/// A `gridwatch run` of a test's own, its log in a file.
struct DaemonProcess {
    let pid: pid_t
    let log: String

    init(_ configuration: ConfigurationCopy, stateDirectory: URL? = nil, environment extra: [String: String] = [:]) throws {
        var environment = ProcessInfo.processInfo.environment
        environment["GRIDWATCH_AMQP_URL"] = nil
        environment.merge(extra) { $1 }
        log = configuration.directory.appendingPathComponent("daemon-\(UUID().uuidString.prefix(6)).log").path
        pid = try spawn([Broker.gridwatchBinary, "run", "--config", configuration.main.path,
                         "--state-directory", (stateDirectory ?? configuration.state).path],
                        environment: environment, output: log)
    }

    var text: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// Waits until the log contains `needle`; false after `timeout`.
    func waitFor(_ needle: String, timeout: Duration = .seconds(30)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if text.contains(needle) { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return text.contains(needle)
    }

    /// SIGTERM, and the exit status.
    func stop() -> Int32 {
        kill(pid, SIGTERM)
        return waitForExit(pid)
    }
}
