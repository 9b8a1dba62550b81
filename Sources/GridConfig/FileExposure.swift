/// Whether a file Gridwatch relies on is open to more people than it should be, judged from its
/// mode and owner alone.
///
/// The configuration decides who is told about which case, the database holds citizens' names,
/// phone numbers and addresses, and a credential file holds the broker password. Anyone who can
/// write one of them can redirect cases or rewrite their history; anyone who can read the
/// database or a credential learns what it holds. The daemon and `gridwatch check-config` only
/// warn: the operator may have a reason, and refusing to start would stop the city's intake.
public enum FileExposure {
    /// What a file holds, which decides who may read and write it.
    public enum Kind: Hashable, Sendable {
        /// A configuration file: others must not change it. Readable by all is fine unless it
        /// holds a secret (a broker password in `broker.url`).
        case configuration(holdsSecret: Bool)
        /// A file of secrets (the broker URL file, a TLS key): nobody else may read or change it.
        case credential
        /// The database or its `-wal` and `-shm` files: citizens' data.
        case database
        /// The state directory: whoever can write it can replace the database.
        case directory

        /// The mode to suggest in a finding.
        public var recommendedMode: UInt32 {
            switch self {
            case .configuration: 0o640
            case .credential: 0o600
            case .database: 0o640
            case .directory: 0o750
            }
        }
    }

    /// One way a file is too open.
    public struct Finding: Hashable, Sendable, CustomStringConvertible {
        public enum Problem: Hashable, Sendable, CustomStringConvertible {
            case groupWritable
            case worldWritable
            case worldReadable
            /// Owned by neither root nor the user the daemon runs as: that user can change the
            /// file, or its mode, whatever the mode says now.
            case foreignOwner(uid: UInt32)

            public var description: String {
                switch self {
                case .groupWritable: "group-writable"
                case .worldWritable: "world-writable"
                case .worldReadable: "world-readable"
                case .foreignOwner(let uid): "owned by uid \(uid)"
                }
            }
        }

        public var path: String
        public var kind: Kind
        /// The permission bits (`st_mode & 0o7777`).
        public var mode: UInt32
        public var problem: Problem

        public init(path: String, kind: Kind, mode: UInt32, problem: Problem) {
            self.path = path
            self.kind = kind
            self.mode = mode & 0o7777
            self.problem = problem
        }

        /// The mode as `chmod` takes it, e.g. `0644`.
        public var modeText: String { FileExposure.octal(mode) }

        /// What to do about it: a mode to set, or whom to give the file to.
        public var advice: String {
            switch problem {
            case .foreignOwner: "give it to root or the daemon's user"
            case .groupWritable, .worldWritable, .worldReadable: "recommended \(FileExposure.octal(kind.recommendedMode))"
            }
        }

        /// One line for a person; paths and modes only, never what the file holds.
        public var description: String {
            "\(path) is \(problem) (mode \(modeText)); \(advice)"
        }
    }

    /// Judges one file. Pure: `mode` and `owner` are what `stat` said, `user` is the uid the
    /// daemon runs as (root and `user` are the owners a file may have).
    public static func findings(path: String, kind: Kind, mode: UInt32, owner: UInt32, user: UInt32) -> [Finding] {
        var problems: [Finding.Problem] = []
        if owner != 0, owner != user { problems.append(.foreignOwner(uid: owner)) }
        if mode & 0o020 != 0 { problems.append(.groupWritable) }
        if mode & 0o002 != 0 { problems.append(.worldWritable) }
        let secret: Bool
        switch kind {
        case .configuration(let holdsSecret): secret = holdsSecret
        case .credential, .database: secret = true
        case .directory: secret = false  // listing the directory shows names only; the files guard their contents
        }
        if secret, mode & 0o004 != 0 { problems.append(.worldReadable) }
        return problems.map { Finding(path: path, kind: kind, mode: mode, problem: $0) }
    }

    static func octal(_ mode: UInt32) -> String {
        let digits = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
