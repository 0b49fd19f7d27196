import Blobs
import EachLabs
import Foundation
import Logging
import Storage
import Transport

/// Everything the archive's use cases and workers share: the database, the blob store, the provider and the
/// transport, a clock, settings, and the wake-ups that let one worker hand work to the next without waiting.
public struct Vault: Sendable {
    public let store: any ArchiveStore
    public let blobs: BlobStore
    public let provider: any ProviderAPI
    public let transport: any HTTPTransport
    public let clock: any WallClock
    public let settings: WorkerSettings
    public let logger: Logger
    /// This service's public URL; when set, predictions are created with a webhook to it.
    public let publicURL: String?
    /// Makes posters of stored videos and images; nil without ffmpeg (the gallery shows placeholders).
    public let posterMaker: PosterMaker?
    /// When this process began: creates begun before it are not in flight here.
    let startedAt: Date
    /// Woken when a generation becomes due for (re)submission, polling, download or input download.
    public let submissionsDue = Wakeup()
    public let pollsDue = Wakeup()
    public let downloadsDue = Wakeup()
    public let inputsDue = Wakeup()
    public let reconciliationsDue = Wakeup()
    /// Woken when an authentic webhook names a second prediction of a generation.
    public let extraPredictionsDue = Wakeup()
    /// Woken when outgoing webhook messages may be due (an event, a replay).
    public let outgoingDue = Wakeup()
    /// A stored video or image waits for its poster.
    public let postersDue = Wakeup()

    /// Every queue's wake-up by name, for relaying them between instances.
    public var wakeups: [String: Wakeup] {
        [
            "submissions": submissionsDue, "polls": pollsDue, "downloads": downloadsDue, "input_downloads": inputsDue,
            "reconciliations": reconciliationsDue, "extra_predictions": extraPredictionsDue, "messages": outgoingDue,
            "posters": postersDue,
        ]
    }
    let unknownModels = UnknownModelCache()
    /// Media input URLs whose first bytes fitted their field lately, and when they were fetched.
    let checkedURLs = BoundedCache<URLCheck, Date>(capacity: 4096)
    /// The bytes each team's files take, and when they were counted (`storageUsed`).
    let storageUsage = BoundedCache<String, (bytes: Int64, at: Date)>(capacity: 4096)
    /// The synced catalogue's slugs and its one refresh.
    let catalogue = CatalogueRefresh()
    /// Creates this process made (or tried) whose outcome it could not write: settled by the next sweep.
    let unsettledCreates = UnsettledCreates()
    /// Start-up work done while already serving; `isReady()` waits for it.
    public let warmUp = WarmUp()
    /// Generations' webhook secrets (they never change): a repeat delivery is verified without a database read.
    let webhookSecrets = BoundedCache<String, String>(capacity: 10_000)
    /// Blobs seen in the store lately, and when: a remote store is asked once a minute per blob at most, not on
    /// every range request a video player makes (a folder is asked every time: a `stat`).
    let blobsSeen = BoundedCache<String, Date>(capacity: 10_000)
    /// Webhook deliveries arriving together are committed together.
    let webhookCommits: GroupCommit<ReceivedWebhook, WebhookEffect>
    /// Secrets not yet in memory, read together for deliveries arriving together (one trip to a database thread
    /// for many first deliveries).
    let webhookSecretReads: GroupCommit<String, String?>

    public init(
        store: any ArchiveStore, blobs: BlobStore, provider: any ProviderAPI, transport: any HTTPTransport,
        clock: any WallClock = SystemClock(), settings: WorkerSettings = WorkerSettings(), publicURL: String? = nil,
        posterMaker: PosterMaker? = nil, logger: Logger
    ) {
        self.publicURL = publicURL
        self.posterMaker = posterMaker
        self.store = store
        self.blobs = blobs
        self.provider = provider
        self.transport = transport
        self.clock = clock
        startedAt = clock.now()
        self.settings = settings
        self.logger = logger
        webhookCommits = GroupCommit { [clock] deliveries in try await store.recordWebhooks(deliveries, now: clock.now()) }
        webhookSecretReads = GroupCommit { ids in try await store.webhookSecrets(generationIDs: ids).map { .success($0) } }
    }

    var webhooksEnabled: Bool { publicURL != nil }

    /// Where the provider posts the outcome of `generationID`.
    func webhookURL(for generationID: String) -> String? {
        publicURL.map { "\($0)/webhooks/eachlabs/\(generationID)" }
    }

    func now() -> Date { clock.now() }

    func after(_ delay: Duration) -> Date { clock.now().addingTimeInterval(delay.seconds) }
}
