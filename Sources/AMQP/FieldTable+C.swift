import CRabbitMQ
import Foundation

// Conversions between Swift field tables and rabbitmq-c's `amqp_table_t`. C tables built here
// live in an `amqp_pool_t` owned by the caller, which frees them all at once after the call.

extension FieldTable {
    /// Copies a C table (decoded by the library) into Swift values.
    init(_ table: amqp_table_t) {
        self.init()
        guard table.num_entries > 0, let entries = table.entries else { return }
        for index in 0..<Int(table.num_entries) {
            let entry = entries[index]
            self[String(amqpBytes: entry.key)] = FieldValue(entry.value)
        }
    }

    /// Builds a C table in `pool`.
    func cTable(in pool: inout amqp_pool_t) -> amqp_table_t {
        guard !entries.isEmpty else { return amqp_table_t(num_entries: 0, entries: nil) }
        let raw = amqp_pool_alloc(&pool, MemoryLayout<amqp_table_entry_t>.stride * entries.count)!
        let buffer = raw.bindMemory(to: amqp_table_entry_t.self, capacity: entries.count)
        for (index, entry) in entries.enumerated() {
            buffer[index] = amqp_table_entry_t(key: entry.key.amqpBytes(in: &pool), value: entry.value.cValue(in: &pool))
        }
        return amqp_table_t(num_entries: Int32(entries.count), entries: buffer)
    }
}

extension FieldValue {
    init(_ value: amqp_field_value_t) {
        switch Int(value.kind) {
        case Int(AMQP_FIELD_KIND_BOOLEAN.rawValue): self = .bool(value.value.boolean != 0)
        case Int(AMQP_FIELD_KIND_I8.rawValue): self = .int(Int64(value.value.i8))
        case Int(AMQP_FIELD_KIND_U8.rawValue): self = .int(Int64(value.value.u8))
        case Int(AMQP_FIELD_KIND_I16.rawValue): self = .int(Int64(value.value.i16))
        case Int(AMQP_FIELD_KIND_U16.rawValue): self = .int(Int64(value.value.u16))
        case Int(AMQP_FIELD_KIND_I32.rawValue): self = .int(Int64(value.value.i32))
        case Int(AMQP_FIELD_KIND_U32.rawValue): self = .int(Int64(value.value.u32))
        case Int(AMQP_FIELD_KIND_I64.rawValue): self = .int(value.value.i64)
        case Int(AMQP_FIELD_KIND_U64.rawValue): self = .int(Int64(clamping: value.value.u64))
        case Int(AMQP_FIELD_KIND_F32.rawValue): self = .double(Double(value.value.f32))
        case Int(AMQP_FIELD_KIND_F64.rawValue): self = .double(value.value.f64)
        case Int(AMQP_FIELD_KIND_DECIMAL.rawValue):
            let decimal = value.value.decimal
            self = .double(Double(decimal.value) / pow(10, Double(decimal.decimals)))
        case Int(AMQP_FIELD_KIND_UTF8.rawValue): self = .string(String(amqpBytes: value.value.bytes))
        case Int(AMQP_FIELD_KIND_BYTES.rawValue): self = .bytes([UInt8](amqpBytes: value.value.bytes))
        case Int(AMQP_FIELD_KIND_TIMESTAMP.rawValue): self = .timestamp(value.value.u64)
        case Int(AMQP_FIELD_KIND_TABLE.rawValue): self = .table(FieldTable(value.value.table))
        case Int(AMQP_FIELD_KIND_ARRAY.rawValue):
            let array = value.value.array
            var values: [FieldValue] = []
            if array.num_entries > 0, let entries = array.entries {
                for index in 0..<Int(array.num_entries) { values.append(FieldValue(entries[index])) }
            }
            self = .array(values)
        default: self = .void
        }
    }

    func cValue(in pool: inout amqp_pool_t) -> amqp_field_value_t {
        var value = amqp_field_value_t()
        switch self {
        case .bool(let b):
            value.kind = UInt8(AMQP_FIELD_KIND_BOOLEAN.rawValue)
            value.value.boolean = b ? 1 : 0
        case .int(let i):
            value.kind = UInt8(AMQP_FIELD_KIND_I64.rawValue)
            value.value.i64 = i
        case .double(let d):
            value.kind = UInt8(AMQP_FIELD_KIND_F64.rawValue)
            value.value.f64 = d
        case .string(let s):
            value.kind = UInt8(AMQP_FIELD_KIND_UTF8.rawValue)
            value.value.bytes = s.amqpBytes(in: &pool)
        case .bytes(let b):
            value.kind = UInt8(AMQP_FIELD_KIND_BYTES.rawValue)
            value.value.bytes = b.amqpBytes(in: &pool)
        case .timestamp(let t):
            value.kind = UInt8(AMQP_FIELD_KIND_TIMESTAMP.rawValue)
            value.value.u64 = t
        case .table(let t):
            value.kind = UInt8(AMQP_FIELD_KIND_TABLE.rawValue)
            value.value.table = t.cTable(in: &pool)
        case .array(let values):
            value.kind = UInt8(AMQP_FIELD_KIND_ARRAY.rawValue)
            if values.isEmpty {
                value.value.array = amqp_array_t(num_entries: 0, entries: nil)
            } else {
                let raw = amqp_pool_alloc(&pool, MemoryLayout<amqp_field_value_t>.stride * values.count)!
                let buffer = raw.bindMemory(to: amqp_field_value_t.self, capacity: values.count)
                for (index, element) in values.enumerated() { buffer[index] = element.cValue(in: &pool) }
                value.value.array = amqp_array_t(num_entries: Int32(values.count), entries: buffer)
            }
        case .void:
            value.kind = UInt8(AMQP_FIELD_KIND_VOID.rawValue)
        }
        return value
    }
}

extension String {
    /// Decodes librabbitmq bytes as UTF-8, replacing invalid sequences (broker texts are ASCII).
    init(amqpBytes bytes: amqp_bytes_t) {
        guard bytes.len > 0, let base = bytes.bytes else {
            self = ""
            return
        }
        self = String(decoding: UnsafeRawBufferPointer(start: base, count: bytes.len), as: UTF8.self)
    }

    /// Copies the string into `pool` as AMQP bytes (not NUL-terminated), straight from its UTF-8
    /// storage: this runs several times per publish, so it makes no intermediate array.
    func amqpBytes(in pool: inout amqp_pool_t) -> amqp_bytes_t {
        var string = self
        return string.withUTF8 { utf8 in
            guard let base = utf8.baseAddress, utf8.count > 0, let raw = amqp_pool_alloc(&pool, utf8.count) else {
                return amqp_empty_bytes
            }
            raw.copyMemory(from: base, byteCount: utf8.count)
            return amqp_bytes_t(len: utf8.count, bytes: raw)
        }
    }

    /// Whether the string's UTF-8 is exactly `bytes`.
    func equals(amqpBytes bytes: amqp_bytes_t) -> Bool {
        var string = self
        return string.withUTF8 { utf8 in
            guard utf8.count == bytes.len else { return false }
            guard let base = utf8.baseAddress, utf8.count > 0, let other = bytes.bytes else { return true }
            return memcmp(base, other, utf8.count) == 0
        }
    }
}

/// The strings that repeat in nearly every delivery of a connection (exchange, routing key,
/// content type). Decoding each afresh costs an allocation per message; when the bytes match the
/// last ones seen, the same `String` is handed out again.
struct RepeatedStrings {
    var exchange = ""
    var routingKey = ""
    var contentType = ""

    static func reuse(_ bytes: amqp_bytes_t, _ slot: inout String) -> String {
        if !slot.equals(amqpBytes: bytes) { slot = String(amqpBytes: bytes) }
        return slot
    }
}

extension Array where Element == UInt8 {
    init(amqpBytes bytes: amqp_bytes_t) {
        guard bytes.len > 0, let base = bytes.bytes else {
            self = []
            return
        }
        self = Array(UnsafeRawBufferPointer(start: base, count: bytes.len))
    }

    func amqpBytes(in pool: inout amqp_pool_t) -> amqp_bytes_t {
        guard !isEmpty, let raw = amqp_pool_alloc(&pool, count) else { return amqp_empty_bytes }
        withUnsafeBytes { raw.copyMemory(from: $0.baseAddress!, byteCount: count) }
        return amqp_bytes_t(len: count, bytes: raw)
    }
}

extension Data {
    init(amqpBytes bytes: amqp_bytes_t) {
        guard bytes.len > 0, let base = bytes.bytes else {
            self = Data()
            return
        }
        self = Data(bytes: base, count: bytes.len)
    }
}

extension MessageProperties {
    /// Copies the properties of a received message.
    init(_ p: amqp_basic_properties_t) {
        var strings = RepeatedStrings()
        self.init(p, reusing: &strings)
    }

    /// Copies the properties of a received message, reusing the strings that repeat.
    init(_ p: amqp_basic_properties_t, reusing strings: inout RepeatedStrings) {
        self.init()
        let flags = p._flags
        func has(_ flag: Int32) -> Bool { flags & amqp_flags_t(flag) != 0 }
        if has(AMQP_BASIC_CONTENT_TYPE_FLAG) { contentType = RepeatedStrings.reuse(p.content_type, &strings.contentType) }
        if has(AMQP_BASIC_CONTENT_ENCODING_FLAG) { contentEncoding = String(amqpBytes: p.content_encoding) }
        if has(AMQP_BASIC_HEADERS_FLAG) { headers = FieldTable(p.headers) }
        persistent = has(AMQP_BASIC_DELIVERY_MODE_FLAG) && p.delivery_mode == 2
        if has(AMQP_BASIC_PRIORITY_FLAG) { priority = p.priority }
        if has(AMQP_BASIC_CORRELATION_ID_FLAG) { correlationID = String(amqpBytes: p.correlation_id) }
        if has(AMQP_BASIC_REPLY_TO_FLAG) { replyTo = String(amqpBytes: p.reply_to) }
        if has(AMQP_BASIC_EXPIRATION_FLAG) { expiration = String(amqpBytes: p.expiration) }
        if has(AMQP_BASIC_MESSAGE_ID_FLAG) { messageID = String(amqpBytes: p.message_id) }
        if has(AMQP_BASIC_TIMESTAMP_FLAG) { timestamp = p.timestamp }
        if has(AMQP_BASIC_TYPE_FLAG) { type = String(amqpBytes: p.type) }
        if has(AMQP_BASIC_USER_ID_FLAG) { userID = String(amqpBytes: p.user_id) }
        if has(AMQP_BASIC_APP_ID_FLAG) { appID = String(amqpBytes: p.app_id) }
    }

    /// Builds C properties in `pool`, adding `extraHeaders` to the message's own.
    func cProperties(in pool: inout amqp_pool_t, extraHeaders: FieldTable = [:]) -> amqp_basic_properties_t {
        var p = cPropertiesWithoutHeaders(in: &pool)
        var allHeaders = headers
        for (key, value) in extraHeaders { allHeaders[key] = value }
        if !allHeaders.isEmpty {
            p.headers = allHeaders.cTable(in: &pool)
            p._flags |= amqp_flags_t(AMQP_BASIC_HEADERS_FLAG)
        }
        return p
    }

    /// Builds C properties in `pool` for a publish that carries one integer header of the
    /// client's own (the publish sequence number) after the message's headers, replacing a
    /// message header of the same name. Equivalent to `cProperties(in:extraHeaders:)` with that
    /// one header, but it runs once per publish, so it writes the entry straight into the pool
    /// instead of building a Swift table first.
    func cProperties(in pool: inout amqp_pool_t, extraHeader key: String, _ value: Int64) -> amqp_basic_properties_t {
        var p = cPropertiesWithoutHeaders(in: &pool)
        let capacity = headers.count + 1
        let raw = amqp_pool_alloc(&pool, MemoryLayout<amqp_table_entry_t>.stride * capacity)!
        let buffer = raw.bindMemory(to: amqp_table_entry_t.self, capacity: capacity)
        var count = 0
        for entry in headers.entries where entry.key != key {
            buffer[count] = amqp_table_entry_t(key: entry.key.amqpBytes(in: &pool), value: entry.value.cValue(in: &pool))
            count += 1
        }
        var field = amqp_field_value_t()
        field.kind = UInt8(AMQP_FIELD_KIND_I64.rawValue)
        field.value.i64 = value
        buffer[count] = amqp_table_entry_t(key: key.amqpBytes(in: &pool), value: field)
        count += 1
        p.headers = amqp_table_t(num_entries: Int32(count), entries: buffer)
        p._flags |= amqp_flags_t(AMQP_BASIC_HEADERS_FLAG)
        return p
    }

    private func cPropertiesWithoutHeaders(in pool: inout amqp_pool_t) -> amqp_basic_properties_t {
        var p = amqp_basic_properties_t()
        var flags: Int32 = AMQP_BASIC_DELIVERY_MODE_FLAG
        p.delivery_mode = persistent ? 2 : 1
        func set(_ value: String?, _ flag: Int32, _ field: inout amqp_bytes_t) {
            guard let value else { return }
            field = value.amqpBytes(in: &pool)
            flags |= flag
        }
        set(contentType, AMQP_BASIC_CONTENT_TYPE_FLAG, &p.content_type)
        set(contentEncoding, AMQP_BASIC_CONTENT_ENCODING_FLAG, &p.content_encoding)
        set(correlationID, AMQP_BASIC_CORRELATION_ID_FLAG, &p.correlation_id)
        set(replyTo, AMQP_BASIC_REPLY_TO_FLAG, &p.reply_to)
        set(expiration, AMQP_BASIC_EXPIRATION_FLAG, &p.expiration)
        set(messageID, AMQP_BASIC_MESSAGE_ID_FLAG, &p.message_id)
        set(type, AMQP_BASIC_TYPE_FLAG, &p.type)
        set(userID, AMQP_BASIC_USER_ID_FLAG, &p.user_id)
        set(appID, AMQP_BASIC_APP_ID_FLAG, &p.app_id)
        if let priority {
            p.priority = priority
            flags |= AMQP_BASIC_PRIORITY_FLAG
        }
        if let timestamp {
            p.timestamp = timestamp
            flags |= AMQP_BASIC_TIMESTAMP_FLAG
        }
        p._flags = amqp_flags_t(flags)
        return p
    }
}
