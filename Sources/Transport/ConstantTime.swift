/// Comparison of secrets in time that depends on their lengths only, never on where they first differ.
public enum ConstantTime {
    public static func equals(_ a: some StringProtocol, _ b: some StringProtocol) -> Bool {
        let (a, b) = (Array(a.utf8), Array(b.utf8))
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<min(a.count, b.count) { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
