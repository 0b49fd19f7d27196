import ArgumentParser
import Foundation
import VaultRuntime

/// `eachvault posters`: the posters and previews still to make, made now (the service makes them in the background
/// too).
struct PostersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "posters",
        abstract:
            "Make the posters and previews of stored videos and images that have none yet (resumable; safe beside the service).",
        discussion: """
            Each video gets a still (one second in) and each image a smaller copy, at most 480 pixels wide; each video \
            also gets a preview, its first three seconds, silent, at most 320 pixels wide. ffmpeg (EACHVAULT_FFMPEG, \
            or the first on PATH) makes them one at a time. Stops after --limit files; run it again to go on. A file \
            ffmpeg cannot read is recorded as failed; --retry-failed tries those again.
            """)
    @OptionGroup var home: HomeOptions
    @Option(help: "Make at most this many posters and previews in this run.") var limit = 10_000
    @Flag(help: "Put the posters and previews that failed before back in the queue first.") var retryFailed = false

    func run() async throws {
        try await home.withStore { store, configuration in
            guard configuration.posterMaker != nil else {
                throw ValidationError("ffmpeg not found: install it (apt-get install ffmpeg) or set EACHVAULT_FFMPEG")
            }
            if retryFailed { print("\(try await store.retryFailedPosters(now: Date())) failed poster(s) and preview(s) queued again") }
            let tried = try await VaultApp.makeVault(configuration, store: store).makeWaitingPosters(limit: limit)
            let counts = try await store.posterCounts()
            print(
                "\(tried) file(s) tried; \(counts.made) poster(s) and preview(s) made, \(counts.failed) failed, "
                    + "\(counts.waiting) waiting")
        }
    }
}
