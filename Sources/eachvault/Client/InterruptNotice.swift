import Dispatch
import Foundation

/// Ctrl-C while a command waits on the service: the generations go on regardless, so say so, and how to follow
/// them, before leaving with the usual status of an interrupt (130).
enum InterruptNotice {
    static func whileWaiting<T>(for ids: [String], _ body: () async throws -> T) async throws -> T {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            let notice =
                "\ninterrupted: only this command stopped; the generation\(ids.count == 1 ? "" : "s") "
                + "\(ids.count == 1 ? "goes" : "go") on. Follow with: eachvault wait \(ids.joined(separator: " "))"
                + " (or eachvault cancel ID to stop one)\n"
            FileHandle.standardError.write(Data(notice.utf8))
            exit(130)
        }
        source.resume()
        defer {
            source.cancel()
            signal(SIGINT, SIG_DFL)
        }
        return try await body()
    }
}
