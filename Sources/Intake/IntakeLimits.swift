import Foundation

/// Limits applied to every message before anything else looks at it.
public struct IntakeLimits: Hashable, Sendable {
    /// Largest body accepted. Default 64 KiB.
    public var maxBodyBytes = 65536
    /// Longest free text (Open311 `description`). Default 4000 characters.
    public var maxTextLength = 4000
    /// Longest identifier. Default 128 characters.
    public var maxIdentifierLength = 128
    /// Longest short string (names, addresses). Default 256 characters.
    public var maxShortTextLength = 256
    /// Longest URL. Default 2048 characters.
    public var maxURLLength = 2048
    /// Longest list (departments named in a whistle, CAP references). Default 32.
    public var maxListLength = 32
    /// Deepest nesting of objects and arrays, checked before parsing. Default 16; no message
    /// nests deeper than 3 (a CAP alarm's `info.area`).
    public var maxNestingDepth = 16
    /// How far ahead of `now` a timestamp may be, for clock skew. Default 5 minutes.
    public var maxClockSkew: TimeInterval = 300
    /// How far behind `now` a timestamp may be. Default 7 days.
    public var maxAge: TimeInterval = 7 * 86400

    public init() {}
}
