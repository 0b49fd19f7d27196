import Foundation

/// Waits until `condition` holds, re-reading state as it changes; throws `ConditionNotMet` (naming the caller's
/// line) when it has not held within `timeout`.
public func eventually(
    timeout: Duration = .seconds(90), file: StaticString = #filePath, line: UInt = #line,
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw ConditionNotMet(timeout: timeout, file: "\(file)", line: line) }
        try await Task.sleep(for: .milliseconds(25))
    }
}

/// A condition awaited by `eventually` that did not hold in time.
public struct ConditionNotMet: Error, CustomStringConvertible {
    public var timeout: Duration
    public var file: String
    public var line: UInt
    public var description: String {
        "the condition at \(URL(fileURLWithPath: file).lastPathComponent):\(line) did not hold within \(timeout)"
    }
}

extension Sequence {
    /// `map` with an asynchronous transform, in order.
    public func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }

    /// `allSatisfy` with an asynchronous predicate.
    public func asyncAllSatisfy(_ predicate: (Element) async throws -> Bool) async rethrows -> Bool {
        for element in self where try await !predicate(element) { return false }
        return true
    }
}
