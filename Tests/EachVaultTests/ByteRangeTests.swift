import HTTPSupport
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(5))) struct ByteRangeTests {
    @Test(
        arguments: [
            ("bytes=0-0", 100, RangeDecision.partial(0...0)),
            ("bytes=0-99", 100, .partial(0...99)),
            ("bytes=10-", 100, .partial(10...99)),
            ("bytes=-10", 100, .partial(90...99)),
            ("bytes=-500", 100, .partial(0...99)),
            ("bytes=50-1000", 100, .partial(50...99)),
            ("bytes=100-", 100, .unsatisfiable),
            ("bytes=100-200", 100, .unsatisfiable),
            ("bytes=-0", 100, .unsatisfiable),
            ("bytes=0-0", 0, .unsatisfiable),
            ("bytes=-1", 0, .unsatisfiable),
            ("BYTES=1-2", 100, .partial(1...2)),
            ("bytes=5-1", 100, .full),
            ("bytes=a-b", 100, .full),
            ("bytes=0-1,5-6", 100, .full),
            ("items=0-1", 100, .full),
            ("bytes=", 100, .full),
        ] as [(String, Int64, RangeDecision)])
    func decides(header: String, size: Int64, expected: RangeDecision) {
        #expect(RangeDecision(rangeHeader: header, size: size) == expected)
    }

    @Test func noHeaderMeansEverything() {
        #expect(RangeDecision(rangeHeader: nil, size: 10) == .full)
        #expect(RangeDecision.full.bytes(size: 10) == 0...9)
        #expect(RangeDecision.full.bytes(size: 0) == nil)
    }
}
