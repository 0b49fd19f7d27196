/// Splits a file of SQL statements at the semicolons that end them, not at those inside quotes ('…', "…"),
/// dollar-quoted bodies ($$…$$, $tag$…$tag$) or comments (-- and /* */). PostgreSQL's extended protocol, which
/// postgres-nio speaks, takes one statement at a time.
enum SQLStatements {
    static func split(_ sql: String) -> [String] {
        let bytes = Array(sql.utf8)
        var statements: [String] = []
        var start = 0
        var index = 0
        func flush(upTo end: Int) {
            let text = String(decoding: bytes[start..<end], as: UTF8.self)
            if text.contains(where: { !$0.isWhitespace }) && !isOnlyComments(text) {
                statements.append(text.trimmingWhitespace())
            }
        }
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                let quote = bytes[index]
                index += 1
                while index < bytes.count && bytes[index] != quote { index += 1 }
                index += 1
            case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-"):
                while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                index += 2
                while index + 1 < bytes.count && !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/")) {
                    index += 1
                }
                index += 2
            case UInt8(ascii: "$"):
                // $tag$ … $tag$: the tag is letters, digits and underscores (possibly none).
                var end = index + 1
                while end < bytes.count && (bytes[end] == UInt8(ascii: "_") || isAlphanumeric(bytes[end])) { end += 1 }
                guard end < bytes.count, bytes[end] == UInt8(ascii: "$") else {
                    index += 1
                    continue
                }
                let tag = Array(bytes[index...end])
                index = end + 1
                while index < bytes.count && !bytes[index...].starts(with: tag) { index += 1 }
                index += tag.count
            case UInt8(ascii: ";"):
                flush(upTo: index)
                index += 1
                start = index
            default:
                index += 1
            }
        }
        if start < bytes.count { flush(upTo: bytes.count) }
        return statements
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    private static func isOnlyComments(_ text: String) -> Bool {
        text.split(separator: "\n").allSatisfy {
            let line = $0.trimmingWhitespace()
            return line.isEmpty || line.hasPrefix("--")
        }
    }
}

extension StringProtocol {
    fileprivate func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
