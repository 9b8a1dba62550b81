import Foundation
import GridConfig
import Testing

/// Who may read or change the configuration, the credentials and the database, judged from
/// mode and owner; the stat wrapper on real files.
@Suite("File exposure")
struct FileExposureTests {
    static let daemonUser: UInt32 = 998

    static func problems(_ kind: FileExposure.Kind, _ mode: UInt32, owner: UInt32 = 0) -> [FileExposure.Finding.Problem] {
        FileExposure.findings(path: "/f", kind: kind, mode: mode, owner: owner, user: daemonUser).map(\.problem)
    }

    @Test("the modes the installer and the daemon use raise nothing")
    func closedModes() {
        #expect(Self.problems(.configuration(holdsSecret: false), 0o640).isEmpty)
        #expect(Self.problems(.configuration(holdsSecret: true), 0o640).isEmpty)
        #expect(Self.problems(.credential, 0o600).isEmpty)
        #expect(Self.problems(.credential, 0o400, owner: Self.daemonUser).isEmpty, "systemd's credential copy")
        #expect(Self.problems(.database, 0o640, owner: Self.daemonUser).isEmpty)
        #expect(Self.problems(.database, 0o600, owner: Self.daemonUser).isEmpty)
        #expect(Self.problems(.directory, 0o750, owner: Self.daemonUser).isEmpty)
        #expect(Self.problems(.directory, 0o755, owner: Self.daemonUser).isEmpty, "names are not contents")
    }

    @Test("anything others may write is reported, whatever it holds")
    func writable() {
        for kind: FileExposure.Kind in [.configuration(holdsSecret: false), .configuration(holdsSecret: true), .credential, .database, .directory] {
            #expect(Self.problems(kind, 0o660).contains(.groupWritable), "\(kind)")
            #expect(!Self.problems(kind, 0o660).contains(.worldWritable), "\(kind)")
            #expect(Self.problems(kind, 0o602).contains(.worldWritable), "\(kind)")
            #expect(!Self.problems(kind, 0o602).contains(.groupWritable), "\(kind)")
        }
        #expect(Self.problems(.configuration(holdsSecret: false), 0o666) == [.groupWritable, .worldWritable])
    }

    @Test("world-readable matters for secrets and citizens' data, not for a configuration without a password")
    func readable() {
        #expect(Self.problems(.configuration(holdsSecret: false), 0o644).isEmpty)
        #expect(Self.problems(.configuration(holdsSecret: true), 0o644) == [.worldReadable])
        #expect(Self.problems(.credential, 0o644) == [.worldReadable])
        #expect(Self.problems(.database, 0o644) == [.worldReadable])
        #expect(Self.problems(.database, 0o666) == [.groupWritable, .worldWritable, .worldReadable])
        #expect(Self.problems(.directory, 0o755).isEmpty)
        // Group-readable is how root:gridwatch 0640 files reach the daemon: not reported.
        #expect(Self.problems(.credential, 0o640).isEmpty)
    }

    @Test("a file owned by someone other than root or the daemon's user is reported with the owner")
    func owner() {
        #expect(Self.problems(.configuration(holdsSecret: false), 0o640, owner: 1000) == [.foreignOwner(uid: 1000)])
        #expect(Self.problems(.database, 0o640, owner: Self.daemonUser).isEmpty)
        #expect(Self.problems(.database, 0o640, owner: 0).isEmpty)
    }

    @Test("only the permission bits count; the type bits of st_mode are ignored")
    func typeBits() {
        let regular: UInt32 = 0o100000, directory: UInt32 = 0o040000
        #expect(Self.problems(.database, regular | 0o640).isEmpty)
        #expect(Self.problems(.directory, directory | 0o777) == [.groupWritable, .worldWritable])
        let finding = FileExposure.findings(path: "/d", kind: .directory, mode: directory | 0o777, owner: 0, user: 0)[0]
        #expect(finding.modeText == "0777")
    }

    @Test("a finding reads as path, problem, mode and advice, and never more")
    func description() {
        let findings = FileExposure.findings(path: "/etc/gridwatch/amqp-url", kind: .credential, mode: 0o644, owner: 0, user: 998)
        #expect(findings.map(\.description) == ["/etc/gridwatch/amqp-url is world-readable (mode 0644); recommended 0600"])
        let foreign = FileExposure.findings(path: "/etc/gridwatch/gridwatch.yaml", kind: .configuration(holdsSecret: false),
                                            mode: 0o640, owner: 1000, user: 998)
        #expect(foreign.map(\.description) == ["/etc/gridwatch/gridwatch.yaml is owned by uid 1000 (mode 0640); give it to root or the daemon's user"])
        #expect(FileExposure.findings(path: "/s", kind: .directory, mode: 0o757, owner: 0, user: 0)[0].advice == "recommended 0750")
    }

    @Test("check stats real files: their mode and owner as the kernel has them; missing files are skipped")
    func statsRealFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("exposure-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let open = directory.appendingPathComponent("open.sqlite").path
        let closed = directory.appendingPathComponent("closed.sqlite").path
        #expect(FileManager.default.createFile(atPath: open, contents: Data()))
        #expect(FileManager.default.createFile(atPath: closed, contents: Data()))
        #expect(chmod(open, 0o666) == 0)
        #expect(chmod(closed, 0o600) == 0)
        let me = getuid()
        let findings = FileExposure.check([
            (open, .database), (closed, .database), (directory.appendingPathComponent("missing-wal").path, .database),
        ], user: me)
        #expect(findings.map(\.path) == [open, open, open])
        #expect(findings.map(\.problem) == [.groupWritable, .worldWritable, .worldReadable])
        #expect(findings.allSatisfy { $0.mode == 0o666 })
        // Owned by a user who is neither root nor the daemon: reported with that owner. As root
        // the file is given away; otherwise the daemon is taken to run as someone else.
        let owner: UInt32 = me == 0 ? 4242 : me
        if me == 0 { #expect(chown(closed, owner, 0) == 0) }
        #expect(FileExposure.check([(closed, .database)], user: owner + 1) == [
            FileExposure.Finding(path: closed, kind: .database, mode: 0o600, problem: .foreignOwner(uid: owner)),
        ])
    }
}
