import Foundation
import GRDB
import Storage

extension AppDatabase {
    /// A consistent copy of the whole database at `path` (SQLite's online backup API), taken while others write.
    public func backUp(toPath path: String) throws {
        let destination = try DatabaseQueue(path: path)
        try writer.backup(to: destination)
        try destination.close()
    }

    /// Every generation of every team.
    public func generationCount() throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM generations") ?? 0 }
    }
}
