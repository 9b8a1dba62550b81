import CRabbitMQ
import Foundation

/// One rabbitmq-c connection and the socket under it: opened, used and freed by one thread.
///
/// Every call blocks; `ConnectionLoop` runs them on its own thread, never on Swift's
/// cooperative pool. This type is the only place (with `FieldTable+C`) that calls `amqp_*`.
final class Connection {
    private let state: amqp_connection_state_t
    private var pool = amqp_pool_t()
    private(set) var isOpen = false
    private var repeatedStrings = RepeatedStrings()

    init() {
        state = amqp_new_connection()
        init_amqp_pool(&pool, 16 * 1024)
    }

    deinit {
        empty_amqp_pool(&pool)
        amqp_destroy_connection(state)
    }

    // MARK: Opening and closing

    /// TCP (or TLS) connect, AMQP handshake and login, each bounded by its timeout.
    func open(_ configuration: AMQPConfiguration) throws(AMQPError) {
        let url = configuration.url
        let target = "connect \(url.redacted)"
        let socket: OpaquePointer?
        if url.useTLS {
            socket = amqp_ssl_socket_new(state)
            guard let socket else { throw AMQPError(.tlsFailed, operation: target, replyText: "cannot create a TLS socket") }
            let tls = configuration.tls
            amqp_ssl_socket_set_verify_peer(socket, tls.verifyPeer ? 1 : 0)
            amqp_ssl_socket_set_verify_hostname(socket, tls.verifyHostname ? 1 : 0)
            if let ca = tls.caFile {
                try check(status: amqp_ssl_socket_set_cacert(socket, ca), "\(target): load CA file \(ca)", code: .tlsFailed)
            }
            if let cert = tls.certificateFile, let key = tls.keyFile {
                try check(
                    status: amqp_ssl_socket_set_key(socket, cert, key),
                    "\(target): load client certificate \(cert)", code: .tlsFailed)
            }
        } else {
            socket = amqp_tcp_socket_new(state)
            guard socket != nil else { throw AMQPError(.connectionFailed, operation: target, replyText: "cannot create a socket") }
        }
        var handshake = timeval(configuration.handshakeTimeout)
        amqp_set_handshake_timeout(state, &handshake)
        var connectTimeout = timeval(configuration.connectTimeout)
        try check(
            status: amqp_socket_open_noblock(socket, url.host, Int32(url.port), &connectTimeout), target,
            code: url.useTLS ? .tlsFailed : .connectionFailed)
        var rpc = timeval(configuration.rpcTimeout)
        amqp_set_rpc_timeout(state, &rpc)

        let reply = withClientProperties(name: configuration.connectionName) { properties in
            gw_amqp_login_plain(
                state, url.virtualHost, 0, Int32(configuration.frameMax), Int32(configuration.heartbeatSeconds),
                properties, url.user, url.password)
        }
        do {
            try check(reply, "login to \(url.redacted)")
        } catch {
            // RabbitMQ reports bad credentials as connection.close 403 (thanks to the
            // authentication_failure_close capability) or, older, by dropping the socket.
            var refined = error
            if error.replyCode == 403 { refined.code = .authenticationFailed }
            throw refined
        }
        isOpen = true
    }

    /// `connection.close`, best effort: the connection is unusable afterwards either way.
    func close() {
        guard isOpen else { return }
        isOpen = false
        _ = amqp_connection_close(state, Int32(AMQP_REPLY_SUCCESS))
    }

    /// Drops the socket without the closing handshake (the broker is gone or misbehaving).
    func abandon() {
        isOpen = false
    }

    /// Client properties with the capabilities Gridwatch relies on: the broker must tell us when it
    /// cancels a consumer or blocks publishers, and must close (not drop) on bad credentials.
    private func withClientProperties<R>(name: String, _ body: (UnsafePointer<amqp_table_t>) -> R) -> R {
        let capabilities: FieldTable = [
            "publisher_confirms": .bool(true),
            "consumer_cancel_notify": .bool(true),
            "connection.blocked": .bool(true),
            "basic.nack": .bool(true),
            "authentication_failure_close": .bool(true),
        ]
        let properties: FieldTable = [
            "product": .string("gridwatch"),
            "platform": .string("Swift"),
            "connection_name": .string(name),
            "capabilities": .table(capabilities),
        ]
        defer { recycle_amqp_pool(&pool) }
        var table = properties.cTable(in: &pool)
        return body(&table)
    }

    // MARK: Channels and topology

    func openChannel(_ channel: UInt16) throws(AMQPError) {
        _ = amqp_channel_open(state, channel)
        try check(amqp_get_rpc_reply(state), "channel.open \(channel)", channel: channel)
    }

    func closeChannel(_ channel: UInt16) {
        _ = amqp_channel_close(state, channel, Int32(AMQP_REPLY_SUCCESS))
    }

    func declare(_ exchange: Topology.Exchange, on channel: UInt16) throws(AMQPError) {
        defer { recycle_amqp_pool(&pool) }
        let arguments = exchange.arguments.cTable(in: &pool)
        _ = amqp_exchange_declare(
            state, channel, exchange.name.amqpBytes(in: &pool), exchange.kind.rawValue.amqpBytes(in: &pool), 0,
            exchange.durable ? 1 : 0, 0, exchange.isInternal ? 1 : 0, arguments)
        try check(amqp_get_rpc_reply(state), "exchange.declare \(exchange.name)", channel: channel)
    }

    /// Declares a queue; returns its message and consumer counts.
    @discardableResult
    func declare(_ queue: Topology.Queue, on channel: UInt16, passive: Bool = false) throws(AMQPError) -> (messages: UInt32, consumers: UInt32) {
        defer { recycle_amqp_pool(&pool) }
        let arguments = queue.declaredArguments.cTable(in: &pool)
        let ok = amqp_queue_declare(
            state, channel, queue.name.amqpBytes(in: &pool), passive ? 1 : 0, queue.durable ? 1 : 0,
            queue.exclusive ? 1 : 0, queue.autoDelete ? 1 : 0, arguments)
        try check(amqp_get_rpc_reply(state), "queue.declare \(queue.name)", channel: channel)
        return (ok?.pointee.message_count ?? 0, ok?.pointee.consumer_count ?? 0)
    }

    func bind(_ binding: Topology.Binding, on channel: UInt16) throws(AMQPError) {
        defer { recycle_amqp_pool(&pool) }
        let arguments = binding.arguments.cTable(in: &pool)
        _ = amqp_queue_bind(
            state, channel, binding.queue.amqpBytes(in: &pool), binding.exchange.amqpBytes(in: &pool),
            binding.routingKey.amqpBytes(in: &pool), arguments)
        try check(amqp_get_rpc_reply(state), "queue.bind \(binding.queue) to \(binding.exchange) (\(binding.routingKey))", channel: channel)
    }

    func purge(queue: String, on channel: UInt16) throws(AMQPError) -> UInt32 {
        defer { recycle_amqp_pool(&pool) }
        let ok = amqp_queue_purge(state, channel, queue.amqpBytes(in: &pool))
        try check(amqp_get_rpc_reply(state), "queue.purge \(queue)", channel: channel)
        return ok?.pointee.message_count ?? 0
    }

    func deleteQueue(_ queue: String, on channel: UInt16) throws(AMQPError) {
        defer { recycle_amqp_pool(&pool) }
        _ = amqp_queue_delete(state, channel, queue.amqpBytes(in: &pool), 0, 0)
        try check(amqp_get_rpc_reply(state), "queue.delete \(queue)", channel: channel)
    }

    func qos(prefetch: UInt16, on channel: UInt16) throws(AMQPError) {
        _ = amqp_basic_qos(state, channel, 0, prefetch, 0)
        try check(amqp_get_rpc_reply(state), "basic.qos \(prefetch)", channel: channel)
    }

    func consume(queue: String, on channel: UInt16) throws(AMQPError) -> String {
        defer { recycle_amqp_pool(&pool) }
        let ok = amqp_basic_consume(state, channel, queue.amqpBytes(in: &pool), amqp_empty_bytes, 0, 0, 0, amqp_empty_table)
        try check(amqp_get_rpc_reply(state), "basic.consume \(queue)", channel: channel)
        return ok.map { String(amqpBytes: $0.pointee.consumer_tag) } ?? ""
    }

    func confirmSelect(on channel: UInt16) throws(AMQPError) {
        _ = amqp_confirm_select(state, channel)
        try check(amqp_get_rpc_reply(state), "confirm.select", channel: channel)
    }

    // MARK: Messages

    /// Writes one publish; `extraHeader` carries the client's own bookkeeping.
    func publish(_ message: OutgoingMessage, on channel: UInt16, extraHeader: (key: String, value: Int64)?) throws(AMQPError) {
        defer { recycle_amqp_pool(&pool) }
        var properties = if let extraHeader {
            message.properties.cProperties(in: &pool, extraHeader: extraHeader.key, extraHeader.value)
        } else {
            message.properties.cProperties(in: &pool)
        }
        let status = message.body.withUnsafeBytes { body in
            let bytes = body.count == 0
                ? amqp_empty_bytes : amqp_bytes_t(len: body.count, bytes: UnsafeMutableRawPointer(mutating: body.baseAddress!))
            return amqp_basic_publish(
                state, channel, message.exchange.amqpBytes(in: &pool), message.routingKey.amqpBytes(in: &pool),
                message.mandatory ? 1 : 0, 0, &properties, bytes)
        }
        try check(status: status, "basic.publish to \(message.exchange) (\(message.routingKey))")
    }

    func ack(_ tag: UInt64, multiple: Bool, on channel: UInt16) throws(AMQPError) {
        try check(status: amqp_basic_ack(state, channel, tag, multiple ? 1 : 0), "basic.ack")
    }

    func nack(_ tag: UInt64, multiple: Bool, requeue: Bool, on channel: UInt16) throws(AMQPError) {
        try check(status: amqp_basic_nack(state, channel, tag, multiple ? 1 : 0, requeue ? 1 : 0), "basic.nack")
    }

    func cancel(consumerTag: String, on channel: UInt16) {
        defer { recycle_amqp_pool(&pool) }
        _ = amqp_basic_cancel(state, channel, consumerTag.amqpBytes(in: &pool))
    }

    // MARK: Reading

    /// The socket to poll while idle.
    var socketDescriptor: Int32 { amqp_get_sockfd(state) }

    /// Frames already read from the socket (buffered or queued during a synchronous call):
    /// polling the socket would not see them.
    var hasBufferedInput: Bool { amqp_frames_enqueued(state) != 0 || amqp_data_in_buffer(state) != 0 }

    /// Lets the library reuse its frame memory once nothing it handed out is still referenced.
    func releaseBuffers() { amqp_maybe_release_buffers(state) }

    /// Reads the next frame if one is there within `timeout` (zero: only what has arrived).
    /// Heartbeats are sent and checked inside this call. Returns nil on timeout.
    func nextFrame(timeout: Duration) throws(AMQPError) -> Frame? {
        var frame = amqp_frame_t()
        var tv = timeval(timeout)
        let status = amqp_simple_wait_frame_noblock(state, &frame, &tv)
        if status == AMQP_STATUS_TIMEOUT.rawValue { return nil }
        try check(status: status, "read frame")
        guard frame.frame_type == UInt8(AMQP_FRAME_METHOD) else { return .other }
        let channel = frame.channel
        let decoded = frame.payload.method.decoded
        switch frame.payload.method.id {
        case AMQP_BASIC_DELIVER_METHOD:
            let deliver = decoded!.assumingMemoryBound(to: amqp_basic_deliver_t.self).pointee
            let header = DeliverHeader(
                deliveryTag: deliver.delivery_tag, redelivered: deliver.redelivered != 0,
                exchange: RepeatedStrings.reuse(deliver.exchange, &repeatedStrings.exchange),
                routingKey: RepeatedStrings.reuse(deliver.routing_key, &repeatedStrings.routingKey))
            let (properties, body) = try readContent(channel: channel, "read delivered message")
            return .deliver(channel: channel, header, properties, body)
        case AMQP_BASIC_ACK_METHOD:
            let ack = decoded!.assumingMemoryBound(to: amqp_basic_ack_t.self).pointee
            return .ack(channel: channel, tag: ack.delivery_tag, multiple: ack.multiple != 0)
        case AMQP_BASIC_NACK_METHOD:
            let nack = decoded!.assumingMemoryBound(to: amqp_basic_nack_t.self).pointee
            return .nack(channel: channel, tag: nack.delivery_tag, multiple: nack.multiple != 0)
        case AMQP_BASIC_RETURN_METHOD:
            let ret = decoded!.assumingMemoryBound(to: amqp_basic_return_t.self).pointee
            let code = ret.reply_code
            let text = String(amqpBytes: ret.reply_text)
            let (properties, _) = try readContent(channel: channel, "read returned message")
            return .returned(channel: channel, replyCode: code, replyText: text, properties)
        case AMQP_BASIC_CANCEL_METHOD:
            let cancel = decoded!.assumingMemoryBound(to: amqp_basic_cancel_t.self).pointee
            return .consumerCancelled(channel: channel, consumerTag: String(amqpBytes: cancel.consumer_tag))
        case AMQP_CHANNEL_CLOSE_METHOD:
            let close = decoded!.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
            var ok = amqp_channel_close_ok_t()
            _ = amqp_send_method(state, channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok)
            return .channelClosed(
                channel: channel,
                AMQPError(.channelClosed, operation: "channel \(channel)", replyCode: close.reply_code,
                          replyText: String(amqpBytes: close.reply_text)))
        case AMQP_CONNECTION_CLOSE_METHOD:
            let close = decoded!.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
            var ok = amqp_connection_close_ok_t()
            _ = amqp_send_method(state, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok)
            isOpen = false
            return .connectionClosed(
                AMQPError(.connectionClosed, operation: "connection", replyCode: close.reply_code,
                          replyText: String(amqpBytes: close.reply_text)))
        case AMQP_CONNECTION_BLOCKED_METHOD:
            let blocked = decoded!.assumingMemoryBound(to: amqp_connection_blocked_t.self).pointee
            return .blocked(reason: String(amqpBytes: blocked.reason))
        case AMQP_CONNECTION_UNBLOCKED_METHOD:
            return .unblocked
        default:
            return .other
        }
    }

    /// Reads the content header and body that follow a `basic.deliver` or `basic.return`.
    private func readContent(channel: UInt16, _ operation: String) throws(AMQPError) -> (MessageProperties, Data) {
        var message = amqp_message_t()
        let reply = amqp_read_message(state, channel, &message, 0)
        try check(reply, operation, channel: channel)
        defer { amqp_destroy_message(&message) }
        let properties = MessageProperties(message.properties, reusing: &repeatedStrings)
        // The library copied the body into a buffer of its own (malloc); the Data takes it over
        // rather than copying it once more, and frees it. The message is then destroyed without it.
        guard message.body.len > 0, let body = message.body.bytes else { return (properties, Data()) }
        let data = Data(bytesNoCopy: body, count: message.body.len, deallocator: .free)
        message.body = amqp_empty_bytes
        return (properties, data)
    }

    // MARK: Errors

    /// Turns a synchronous call's reply into an error carrying the broker's code and text.
    /// A broker-side close is answered with its close-ok here, so callers need not.
    private func check(_ reply: amqp_rpc_reply_t, _ operation: @autoclosure () -> String, channel: UInt16 = 0,
                       fileID: String = #fileID, line: Int = #line) throws(AMQPError) {
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            return
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            switch reply.reply.id {
            case AMQP_CONNECTION_CLOSE_METHOD:
                let close = reply.reply.decoded!.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
                var ok = amqp_connection_close_ok_t()
                _ = amqp_send_method(state, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok)
                isOpen = false
                throw AMQPError(.connectionClosed, operation: operation(), replyCode: close.reply_code,
                                replyText: String(amqpBytes: close.reply_text), fileID: fileID, line: line)
            case AMQP_CHANNEL_CLOSE_METHOD:
                let close = reply.reply.decoded!.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
                var ok = amqp_channel_close_ok_t()
                _ = amqp_send_method(state, channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok)
                throw AMQPError(.channelClosed, operation: operation(), replyCode: close.reply_code,
                                replyText: String(amqpBytes: close.reply_text), fileID: fileID, line: line)
            default:
                throw AMQPError(.protocolError, operation: operation(), replyText: "unexpected method \(reply.reply.id)",
                                fileID: fileID, line: line)
            }
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            try check(status: reply.library_error, operation(), fileID: fileID, line: line)
            throw AMQPError(.protocolError, operation: operation(), replyText: "library exception without a status",
                            fileID: fileID, line: line)
        default:
            throw AMQPError(.protocolError, operation: operation(), replyText: "no reply from the broker",
                            fileID: fileID, line: line)
        }
    }

    /// Turns a library status code into an error; socket and heartbeat failures mark the
    /// connection as lost.
    private func check(status: Int32, _ operation: @autoclosure () -> String, code: AMQPError.Code? = nil,
                       fileID: String = #fileID, line: Int = #line) throws(AMQPError) {
        guard status != AMQP_STATUS_OK.rawValue else { return }
        let text = String(cString: amqp_error_string2(status))
        let mapped: AMQPError.Code
        switch status {
        case AMQP_STATUS_TIMEOUT.rawValue: mapped = code ?? .timeout
        case AMQP_STATUS_HEARTBEAT_TIMEOUT.rawValue: mapped = .heartbeatTimeout
        case AMQP_STATUS_CONNECTION_CLOSED.rawValue, AMQP_STATUS_SOCKET_ERROR.rawValue,
             AMQP_STATUS_SOCKET_CLOSED.rawValue, AMQP_STATUS_TCP_ERROR.rawValue:
            mapped = code ?? .connectionLost
        case AMQP_STATUS_SSL_ERROR.rawValue, AMQP_STATUS_SSL_HOSTNAME_VERIFY_FAILED.rawValue,
             AMQP_STATUS_SSL_PEER_VERIFY_FAILED.rawValue, AMQP_STATUS_SSL_CONNECTION_FAILED.rawValue:
            mapped = .tlsFailed
        default: mapped = code ?? .protocolError
        }
        if mapped == .connectionLost || mapped == .heartbeatTimeout || mapped == .tlsFailed { isOpen = false }
        throw AMQPError(mapped, operation: operation(), libraryStatus: status, libraryText: text, fileID: fileID, line: line)
    }
}

/// What the reading side of a connection can see.
enum Frame {
    case deliver(channel: UInt16, DeliverHeader, MessageProperties, Data)
    case ack(channel: UInt16, tag: UInt64, multiple: Bool)
    case nack(channel: UInt16, tag: UInt64, multiple: Bool)
    case returned(channel: UInt16, replyCode: UInt16, replyText: String, MessageProperties)
    case consumerCancelled(channel: UInt16, consumerTag: String)
    case channelClosed(channel: UInt16, AMQPError)
    case connectionClosed(AMQPError)
    case blocked(reason: String)
    case unblocked
    case other
}

struct DeliverHeader {
    var deliveryTag: UInt64
    var redelivered: Bool
    var exchange: String
    var routingKey: String
}

/// The channels a connection uses, each for one purpose, so that a failure on one (a publish to
/// a missing exchange, a declare that does not match) never takes the others down.
enum ChannelNumber {
    /// Publishing, in confirm mode.
    static let publish: UInt16 = 1
    /// Synchronous calls: declarations, purges.
    static let control: UInt16 = 2
    /// Consumers take 3, 4, … in the order they were added.
    static let firstConsumer: UInt16 = 3
}

extension timeval {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.init(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}
