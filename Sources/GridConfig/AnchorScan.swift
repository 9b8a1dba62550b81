/// Finds YAML anchors (`&name`) before the text reaches the YAML library.
///
/// An anchor lets aliases (`*name`) repeat a node, and anchors over lists of aliases make a file of
/// a few hundred bytes stand for billions of nodes: Yams hashes every mapping key in full while
/// composing (a key that is an alias of five nested tenfold lists took 4 s, of seven over a
/// minute), and the reader would walk every copy of a district's streets. Without an anchor
/// no alias resolves (Yams refuses an undefined alias), so refusing anchors refuses the expansion;
/// Gridwatch's files write every value out.
///
/// The scan does not parse YAML, so it errs on the side of finding one: it takes `&` followed by
/// an anchor name's characters (libyaml's: ASCII letters, digits, `_`, `-`) wherever a node may
/// start — at the start of the text, or after whitespace, a flow or block indicator or a quote —
/// even inside a quoted string or a comment. `R&D`, `a & b` and `?x=1&y=2` are not anchors.
enum AnchorScan {
    /// The 1-based line of the first anchor in `text`, or nil.
    static func firstAnchorLine(in text: String) -> Int? {
        var line = 1
        var previous: Unicode.Scalar?
        var iterator = text.unicodeScalars.makeIterator()
        var current = iterator.next()
        while let scalar = current {
            let next = iterator.next()
            if scalar == "&", let next, isNameCharacter(next), previous.map(mayPrecedeNode) ?? true {
                return line
            }
            if scalar == "\n" { line += 1 }
            previous = scalar
            current = next
        }
        return nil
    }

    private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-")
    }

    private static func mayPrecedeNode(_ scalar: Unicode.Scalar) -> Bool {
        " \t\r\n[]{},:?-\"'\u{FEFF}".unicodeScalars.contains(scalar)
    }
}
