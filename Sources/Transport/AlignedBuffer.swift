import Foundation

/// A fixed-capacity byte buffer aligned for direct I/O, filled from the front. One pipeline stage holds it at a time.
final class AlignedBuffer: @unchecked Sendable {
    /// The block size direct I/O needs for addresses, lengths and file offsets (the largest in common use).
    static let alignment = 4096

    private let start: UnsafeMutableRawPointer
    let capacity: Int
    var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        start = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: Self.alignment)
    }

    /// Freed explicitly by the pool that owns it, so a buffer still in flight is never released early.
    func deallocate() { start.deallocate() }

    var isFull: Bool { count == capacity }
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: start, count: count) }

    /// Copies as much of `source` as fits; returns how many bytes were taken.
    func append(_ source: UnsafeRawBufferPointer) -> Int {
        let taken = min(source.count, capacity - count)
        if taken > 0 { (start + count).copyMemory(from: source.baseAddress!, byteCount: taken) }
        count += taken
        return taken
    }
}
