import Foundation
import Synchronization
import TestSupport
import Workers

/// The system clock plus an offset a test can advance.
final class AdjustableClock: WallClock {
    private let offset = Mutex<TimeInterval>(0)

    func now() -> Date { Date().addingTimeInterval(offset.withLock { $0 }) }

    func advance(by seconds: TimeInterval) { offset.withLock { $0 += seconds } }
}
