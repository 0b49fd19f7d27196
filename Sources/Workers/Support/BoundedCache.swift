import Synchronization

/// A dictionary shared by concurrent tasks that never outgrows `capacity`: when full, it starts over (what it holds
/// can always be read again; an attacker can only make it forget).
package final class BoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let entries = Mutex<[Key: Value]>([:])
    package let capacity: Int

    package init(capacity: Int) { self.capacity = capacity }

    package subscript(key: Key) -> Value? { entries.withLock { $0[key] } }

    package func forget(_ key: Key) { _ = entries.withLock { $0.removeValue(forKey: key) } }

    package func insert(_ value: Value, for key: Key) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = value
        }
    }
}
