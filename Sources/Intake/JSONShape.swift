import Foundation

/// One pass over a body's raw bytes for what Foundation's JSON parser does not guard against.
///
/// - Nesting: `JSONDecoder` stops at 512 levels, but traps (killing the daemon) on a body whose
///   513th opening bracket is its last byte, and decoding arrays nested a few hundred deep takes
///   time quadratic in the depth (half a second for one such chain, and 64 KiB holds dozens).
///   No intake message nests deeper than three levels, so a small limit checked before parsing
///   costs nothing.
/// - Duplicate keys: `JSONDecoder` silently keeps the first of two equal keys, where other readers
///   (the senders' schema validators among them) keep the last, so `{"type":"signFor",…,"type":"rate"}`
///   would mean one thing to the sender and another here.
///
/// The scan is linear and never fails on malformed input; what it says about duplicates is only
/// meaningful for a body that then parses.
struct JSONShape {
    /// The body nests objects and arrays deeper than the limit; the scan stopped there.
    private(set) var tooDeep = false
    /// JSON path of the first key written twice in one object, e.g. `type` or `info.severity`.
    private(set) var duplicateKey: String?

    private struct Container {
        var isObject: Bool
        var path: String
        /// In an object: the next string is a key. In an array: the index of the current element.
        var expectingKey: Bool
        var index = 0
        var keys: Set<String> = []
        var lastKey = ""
    }

    init(_ body: Data, maxDepth: Int) {
        let bytes = [UInt8](body)
        var stack: [Container] = []
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "\""):
                var end = i + 1
                var escaped = false
                while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                    if bytes[end] == UInt8(ascii: "\\") {
                        escaped = true
                        end += 1
                    }
                    end += 1
                }
                guard end < bytes.count else { return }  // unterminated: the parser refuses it
                if let top = stack.indices.last, stack[top].isObject, stack[top].expectingKey {
                    let key = Self.key(bytes[i...end], escaped: escaped)
                    if !stack[top].keys.insert(key).inserted, duplicateKey == nil {
                        duplicateKey = ObjectReader.path(stack[top].path, key: key)
                    }
                    stack[top].lastKey = key
                    stack[top].expectingKey = false
                }
                i = end
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard stack.count < maxDepth else {
                    tooDeep = true
                    return
                }
                let path: String
                if let top = stack.last {
                    path = top.isObject ? ObjectReader.path(top.path, key: top.lastKey) : "\(top.path)[\(top.index)]"
                } else {
                    path = ""
                }
                let isObject = bytes[i] == UInt8(ascii: "{")
                stack.append(Container(isObject: isObject, path: path, expectingKey: isObject))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = stack.popLast()
            case UInt8(ascii: ","):
                if let top = stack.indices.last {
                    if stack[top].isObject { stack[top].expectingKey = true } else { stack[top].index += 1 }
                }
            default:
                break
            }
            i += 1
        }
    }

    /// A key as the parser will see it: escapes such as `\u0074ype` decoded, so they cannot hide a duplicate.
    private static func key(_ quoted: ArraySlice<UInt8>, escaped: Bool) -> String {
        let raw = quoted.dropFirst().dropLast()
        guard escaped else { return String(decoding: raw, as: UTF8.self) }
        return (try? JSONDecoder().decode(String.self, from: Data(quoted))) ?? String(decoding: raw, as: UTF8.self)
    }
}
