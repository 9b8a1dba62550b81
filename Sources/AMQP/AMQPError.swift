/// An error from the broker or from the AMQP library, with what the broker said.
///
/// `description` names the operation, the broker's reply code and text, and the library's status;
/// it never contains message bodies or credentials (URLs are always shown redacted).
public struct AMQPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, in a form to switch on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: Hashable, Sendable {
            case invalidURL
            case invalidConfiguration
            case connectionFailed
            case authenticationFailed
            case tlsFailed
            case timeout
            case heartbeatTimeout
            case connectionClosed
            case channelClosed
            case connectionLost
            case notConnected
            case protocolError
            case shuttingDown
        }
        fileprivate let base: Base
        fileprivate init(_ base: Base) { self.base = base }

        /// The AMQP URL could not be parsed.
        public static let invalidURL = Code(.invalidURL)
        /// A setting is out of range or a file it names cannot be used.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The TCP connection or the AMQP handshake failed.
        public static let connectionFailed = Code(.connectionFailed)
        /// The broker refused the user name and password (or the client certificate).
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The TLS handshake failed: wrong CA, expired or mismatched certificate, wrong host name.
        public static let tlsFailed = Code(.tlsFailed)
        /// An operation did not complete within its timeout.
        public static let timeout = Code(.timeout)
        /// The broker stopped answering heartbeats.
        public static let heartbeatTimeout = Code(.heartbeatTimeout)
        /// The broker closed the connection (`connection.close`), with a reply code and text.
        public static let connectionClosed = Code(.connectionClosed)
        /// The broker closed a channel (`channel.close`), with a reply code and text.
        public static let channelClosed = Code(.channelClosed)
        /// The socket failed or the peer went away without a close.
        public static let connectionLost = Code(.connectionLost)
        /// There is no connection at the moment (the client is reconnecting).
        public static let notConnected = Code(.notConnected)
        /// The broker sent something the client did not expect.
        public static let protocolError = Code(.protocolError)
        /// The client is shutting down.
        public static let shuttingDown = Code(.shuttingDown)

        public var description: String {
            switch base {
            case .invalidURL: "invalid AMQP URL"
            case .invalidConfiguration: "invalid AMQP configuration"
            case .connectionFailed: "cannot connect to the broker"
            case .authenticationFailed: "the broker refused the credentials"
            case .tlsFailed: "TLS handshake with the broker failed"
            case .timeout: "timed out"
            case .heartbeatTimeout: "the broker missed its heartbeats"
            case .connectionClosed: "the broker closed the connection"
            case .channelClosed: "the broker closed the channel"
            case .connectionLost: "the connection to the broker was lost"
            case .notConnected: "not connected to the broker"
            case .protocolError: "unexpected AMQP frame"
            case .shuttingDown: "the AMQP client is shutting down"
            }
        }
    }

    public var code: Code
    /// The operation that failed, such as `queue.declare gridwatch.intake.hotline`.
    public var operation: String
    /// The broker's reply code (e.g. 404 NOT_FOUND, 406 PRECONDITION_FAILED), when it sent one.
    public var replyCode: UInt16?
    /// The broker's reply text, when it sent one.
    public var replyText: String?
    /// rabbitmq-c's status code and its text, when the library reported the failure.
    public var libraryStatus: Int32?
    public var libraryText: String?
    /// Where the error was raised, for the logs.
    public var location: String

    public init(
        _ code: Code, operation: String, replyCode: UInt16? = nil, replyText: String? = nil,
        libraryStatus: Int32? = nil, libraryText: String? = nil,
        fileID: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.operation = operation
        self.replyCode = replyCode
        self.replyText = replyText
        self.libraryStatus = libraryStatus
        self.libraryText = libraryText
        self.location = "\(fileID):\(line)"
    }

    public var description: String {
        var text = "\(operation): \(code)"
        if let replyCode {
            text += " (\(replyCode)\(replyText.map { " " + $0 } ?? ""))"
        } else if let replyText {
            text += " (\(replyText))"
        }
        if let libraryText { text += " [\(libraryText)]" }
        return text
    }

    /// Errors compare by what happened, not where they were noticed.
    public static func == (lhs: AMQPError, rhs: AMQPError) -> Bool {
        lhs.code == rhs.code && lhs.operation == rhs.operation && lhs.replyCode == rhs.replyCode
            && lhs.replyText == rhs.replyText && lhs.libraryStatus == rhs.libraryStatus
    }

    /// Whether retrying on a new connection may help; configuration and credential errors will
    /// fail the same way until an operator acts, but are retried anyway with the capped backoff.
    public var isTransient: Bool {
        switch code.base {
        case .invalidURL, .invalidConfiguration: false
        default: true
        }
    }
}
