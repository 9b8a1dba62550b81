import Foundation

extension FileExposure {
    /// `stat`s each file and judges it. A file that does not exist (a database not created yet,
    /// a `-wal` after a clean close) has nothing to expose and is skipped.
    public static func check(_ files: [(path: String, kind: Kind)], user: UInt32 = getuid()) -> [Finding] {
        files.flatMap { file -> [Finding] in
            var status = stat()
            guard stat(file.path, &status) == 0 else { return [] }
            return findings(path: file.path, kind: file.kind, mode: UInt32(status.st_mode) & 0o7777,
                            owner: UInt32(status.st_uid), user: user)
        }
    }
}
