import BrokerTestSupport
import Foundation
import Testing

/// The broker password never reaches a terminal or a log: not through `check-config`, not
/// through the daemon's log when the broker refuses it, not through `gridwatch publish`.
@Suite("Credentials stay out of output")
struct CredentialTests {
    static let password = "Zq8-not-for-output"

    @Test("check-config of a valid configuration with a password in broker.url shows the URL redacted, and warns that the file is world-readable")
    func checkConfigURL() throws {
        let copy = try ConfigurationCopy("credential-url") {
            $0.replacingOccurrences(of: "amqp://guest:guest@", with: "amqp://ops:\(Self.password)@")
        }
        defer { copy.remove() }
        #expect(chmod(copy.main.path, 0o644) == 0)
        let (status, output) = try PublishCommandTests.run(["check-config", "-c", copy.main.path, "--state-directory", copy.state.path])
        #expect(status == 0, "\(output)")
        #expect(output.contains("amqp://ops:***@127.0.0.1:5682/"), "\(output)")
        #expect(!output.contains(Self.password), "\(output)")
        #expect(output.contains("warning: \(copy.main.path) is world-readable (mode 0644); recommended 0640"), "\(output)")
    }

    @Test("check-config with broker.urlFile names the file, never its contents, and warns when others can read it")
    func checkConfigURLFile() throws {
        let copy = try ConfigurationCopy("credential-file")
        defer { copy.remove() }
        let urlFile = copy.directory.appendingPathComponent("amqp-url").path
        try "amqp://ops:\(Self.password)@127.0.0.1:5682/\n".write(toFile: urlFile, atomically: true, encoding: .utf8)
        try (try String(contentsOf: copy.main, encoding: .utf8)
            .replacingOccurrences(of: "  url: amqp://guest:guest@127.0.0.1:5682/\n", with: "  urlFile: \(urlFile)\n"))
            .write(to: copy.main, atomically: true, encoding: .utf8)
        #expect(chmod(copy.main.path, 0o640) == 0)

        #expect(chmod(urlFile, 0o600) == 0)
        let (status, output) = try PublishCommandTests.run(["check-config", "-c", copy.main.path, "--state-directory", copy.state.path])
        #expect(status == 0, "\(output)")
        #expect(output.contains("broker: URL from \(urlFile)"), "\(output)")
        #expect(!output.contains(Self.password))
        #expect(!output.contains("warning:"), "a 0600 credential file is fine: \(output)")

        #expect(chmod(urlFile, 0o644) == 0)
        let (_, opened) = try PublishCommandTests.run(["check-config", "-c", copy.main.path, "--state-directory", copy.state.path])
        #expect(opened.contains("warning: \(urlFile) is world-readable (mode 0644); recommended 0600"), "\(opened)")
        #expect(!opened.contains(Self.password))
    }

    @Test("a password the broker refuses is not in the daemon's log, from the environment or from urlFile, nor in gridwatch publish's output")
    func refusedPasswordNotLogged() async throws {
        let wrong = "amqp://guest:\(Self.password)@127.0.0.1:\(Broker.mainPort)/"
        let fromEnvironment = try ConfigurationCopy("credential-env")
        defer { fromEnvironment.remove() }
        let fromFile = try ConfigurationCopy("credential-urlfile") {
            $0.replacingOccurrences(of: "  url: amqp://guest:guest@127.0.0.1:5682/\n", with: "  urlFile: ${CREDENTIALS_DIRECTORY}/amqp-url\n")
        }
        defer { fromFile.remove() }
        try (wrong + "\n").write(to: fromFile.directory.appendingPathComponent("amqp-url"), atomically: true, encoding: .utf8)

        let daemons = [
            try DaemonProcess(fromEnvironment, environment: ["GRIDWATCH_AMQP_URL": wrong]),
            try DaemonProcess(fromFile, environment: ["CREDENTIALS_DIRECTORY": fromFile.directory.path]),
        ]
        async let publish = blocking {
            try PublishCommandTests.run(["publish", "hotline", "--url", wrong, "--service-code", "noise", "--grid", "110101008001001"])
        }
        for daemon in daemons {
            let refused = await daemon.waitFor("the broker refused the credentials")
            _ = daemon.stop()
            #expect(refused, "\(daemon.text)")
            #expect(daemon.text.contains("guest:***@"), "the URL is named, redacted: \(daemon.text)")
            #expect(!daemon.text.contains(Self.password), "\(daemon.text)")
        }
        let (status, output) = try await publish
        #expect(status != 0)
        #expect(output.contains("guest:***@"), "\(output)")
        #expect(!output.contains(Self.password), "\(output)")
    }
}
