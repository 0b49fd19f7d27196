import ArgumentParser
import Archive
import Foundation
import VaultRuntime

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-hash every stored blob; exit non-zero if any is missing or corrupt.")

    @OptionGroup var home: HomeOptions

    func run() async throws {
        let configuration = try home.configuration()
        let database = try AppDatabase(path: configuration.databasePath)
        let blobs = try BlobStore(root: configuration.home)
        let report = blobs.verify(try database.allAssets())
        for sha256 in report.missing { print("missing  \(sha256)") }
        for sha256 in report.corrupt { print("corrupt  \(sha256)") }
        for sha256 in report.unreadable { print("unreadable  \(sha256)") }
        print(
            "\(report.checked) blob(s) checked, \(report.bytes) bytes intact, \(report.missing.count) missing, "
                + "\(report.corrupt.count) corrupt, \(report.unreadable.count) unreadable")
        if !report.isClean { throw ExitCode(1) }
    }
}
