import AMQP
import Foundation
import GridConfig
import Logging

/// The files the daemon keeps and reads: created closed to others, checked at every start.
extension Daemon {
    /// Creates the store's directory (0750) and an empty database file (0640) when they do not
    /// exist yet. SQLite would create the file 0644, readable by every local user, and gives
    /// the `-wal` and `-shm` files the database's mode; an empty file is a valid new database.
    /// The process umask may narrow these further, never widen them.
    static func prepareStore(at path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        // EEXIST is the usual case; any other failure SQLite reports with its own words next.
        if descriptor >= 0 { close(descriptor) }
    }

    /// Every file whose permissions matter, with what it holds: the configuration files, the
    /// broker URL file and TLS files, the database with its `-wal` and `-shm`, and its directory.
    public static func guardedFiles(
        configuration: GridwatchConfiguration, storePath: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> [(path: String, kind: FileExposure.Kind)] {
        let broker = configuration.daemon.broker
        var files: [(path: String, kind: FileExposure.Kind)] = []
        for (index, file) in configuration.files.enumerated() {
            // Only the main file has a broker section, so only it can hold a password.
            files.append((file.path, .configuration(holdsSecret: index == 0 && holdsPassword(broker.url))))
        }
        if let urlFile = broker.urlFile { files.append((expand(urlFile, environment), .credential)) }
        if let key = broker.keyFile { files.append((key, .credential)) }
        for file in [broker.caFile, broker.certificateFile].compactMap({ $0 }) {
            files.append((file, .configuration(holdsSecret: false)))
        }
        files.append(((storePath as NSString).deletingLastPathComponent, .directory))
        for suffix in ["", "-wal", "-shm"] { files.append((storePath + suffix, .database)) }
        return files
    }

    /// Whether a `broker.url` carries a password worth hiding. guest:guest is the development
    /// node's, public and accepted from loopback only, so it is not one.
    static func holdsPassword(_ url: String?) -> Bool {
        guard let url, let parsed = try? AMQPURL(url), !parsed.password.isEmpty else { return false }
        return !(parsed.user == "guest" && parsed.password == "guest")
    }

    /// Logs a warning for every guarded file that is open to others (`FileExposure`).
    func warnAboutOpenFiles() {
        for finding in FileExposure.check(Self.guardedFiles(configuration: configuration, storePath: storePath)) {
            logger.warning("a file is open to others", metadata: [
                "file.path": "\(finding.path)", "file.mode": "\(finding.modeText)",
                "file.problem": "\(finding.problem)", "file.advice": "\(finding.advice)",
            ])
        }
    }
}
