import ArgumentParser
import Foundation
import VaultRuntime

/// `eachvault posters`: the posters still to make, made now (the service makes them in the background too).
struct PostersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "posters",
        abstract: "Make the posters of stored videos and images that have none yet (resumable; safe beside the service).",
        discussion: """
            Each video gets a still (one second in) and each image a smaller copy, at most 480 pixels wide, made by \
            ffmpeg (EACHVAULT_FFMPEG, or the first on PATH) one at a time. Stops after --limit files; run it again to \
            go on. A file ffmpeg cannot read is recorded as failed; --retry-failed tries those again.
            """)
    @OptionGroup var home: HomeOptions
    @Option(help: "Make at most this many posters in this run.") var limit = 10_000
    @Flag(help: "Put the posters that failed before back in the queue first.") var retryFailed = false

    func run() async throws {
        try await home.withStore { store, configuration in
            guard configuration.posterMaker != nil else {
                throw ValidationError("ffmpeg not found: install it (apt-get install ffmpeg) or set EACHVAULT_FFMPEG")
            }
            if retryFailed { print("\(try await store.retryFailedPosters(now: Date())) failed poster(s) queued again") }
            let tried = try await VaultApp.makeVault(configuration, store: store).makeWaitingPosters(limit: limit)
            let counts = try await store.posterCounts()
            print("\(tried) file(s) tried; \(counts.made) poster(s) made, \(counts.failed) failed, \(counts.waiting) waiting")
        }
    }
}
