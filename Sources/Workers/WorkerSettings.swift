/// Timing and limits of the background work. The defaults suit the real provider; tests shrink the delays.
public struct WorkerSettings: Sendable {
    /// The first poll of a new prediction: video takes 30 s to minutes, polling sooner wastes calls.
    public var firstPollDelay: Duration = .seconds(10)
    /// Poll intervals grow from `pollBackoff.base` by its factor up to its cap while a prediction runs.
    public var pollInterval = Backoff(base: .seconds(5), factor: 1.5, cap: .seconds(30))
    /// Retries of failed provider calls (429 without Retry-After, 5xx, network).
    public var providerRetry = Backoff(base: .seconds(1), factor: 2, cap: .seconds(120))
    public var maxSubmitAttempts = 8
    /// A prediction the provider answers 404 for is given up as lost once it has been polled this often.
    public var pollsBeforeLost = 3
    public var downloadRetry = Backoff(base: .seconds(2), factor: 2, cap: .seconds(300))
    public var maxDownloadAttempts = 6
    /// Expired outputs (403/404/410) are retried only this often: a CDN may lag behind the provider briefly.
    public var maxExpiredAttempts = 2
    /// Blobs the background scrub checks an hour (re-reading each and repairing what is missing or corrupt, as
    /// `eachvault verify --repair` does); 0 turns it off (the default).
    public var scrubPerHour = 0
    /// Outgoing webhooks: the waits between a message's attempts (with ±20 % jitter), about a day in all; after
    /// the last, the message is given up and its endpoint disabled.
    public var outgoingRetries: [Duration] = [5, 300, 1800, 7200, 18000, 36000, 36000].map { .seconds($0) }
    public var maxOutputBytes: Int64 = 4 << 30
    /// An output download's whole deadline (a 4 GB video at a slow CDN's pace fits).
    public var outputDownloadDeadline: Duration = .seconds(2 * 3600)
    /// Media inputs are at most what the provider takes (100 MB), and get a shorter deadline: two input workers
    /// serve every team, and a URL that drips bytes must not hold one for long.
    public var maxInputBytes: Int64 = 100 << 20
    public var inputDownloadDeadline: Duration = .seconds(300)
    /// Media inputs (lineage) are fetched from public internet addresses only: a URL a team supplies must not make
    /// the service reach loopback, private or link-local addresses (cloud metadata, internal services). The provider
    /// could not fetch such a URL either. Off only for a simulator on loopback (demo, tests).
    public var inputsFromPublicAddressesOnly = true
    /// Media input URLs are fetched (their first 64 bytes, within `inputProbeTimeout`) before a create, so a URL
    /// that is no file of the field's kind is a 422 instead of a paid failure. Off where this host cannot reach what
    /// the provider can.
    public var checkInputURLs = true
    /// How long a team's storage count stands, and how long its downloads wait while its files take its storage
    /// limit before they look again.
    public var storageRecount: Duration = .seconds(60)
    public var inputProbeTimeout: Duration = .seconds(10)
    /// The largest file a request may carry inline (base64); larger ones are uploaded (`POST /v1/uploads`, streamed)
    /// and passed by reference. It bounds the create body, which is held in memory while it is parsed.
    public var maxInlineFileBytes = 8 << 20
    /// How long a file uploaded to the provider is reused as an input (the provider keeps uploads 180 days).
    public var uploadReuse: Duration = .seconds(150 * 86400)
    public var concurrentPolls = 8
    public var concurrentDownloads = 4
    /// With webhooks on, a prediction is polled only once its webhook is overdue: the model's typical run time
    /// (the median of its recent predictions, or this when none is known) plus `webhookGrace`.
    public var assumedRunTime: Duration = .seconds(90)
    public var webhookGrace: Duration = .seconds(30)
    /// How often the provider's webhook log is searched for a create whose answer was lost, and for how long
    /// before the generation is given up as `submit_uncertain` (a later webhook still revives it).
    public var reconcileInterval = Backoff(base: .seconds(20), factor: 1.5, cap: .seconds(300))
    public var reconcileWindow: Duration = .seconds(3 * 3600)
    /// A create that may not have reached the provider, with no trace of it once its model's typical run time and
    /// `webhookGrace` twice have passed: `resend` sends it again (a prediction that still shows up is archived too,
    /// and paid twice: rare), `wait` keeps looking until `reconcileWindow` (never pays twice, may wait hours).
    /// `EACHVAULT_UNCERTAIN_CREATES`.
    public var uncertainCreates = UncertainCreatePolicy.resend
    /// The longest a worker sleeps before looking at the database again, whatever it was told.
    public var idleCheck: Duration = .seconds(30)
    /// How often to look for creates cut off mid-call (by this process's last stop, or another instance's death).
    public var interruptedCreateCheck: Duration = .seconds(60)
    /// Below this much free space where files land (the data home's `tmp/`), creates and uploads are refused with
    /// 507 and downloads wait, so the database and the files already kept never meet a full disk
    /// (`EACHVAULT_MIN_FREE_MB`).
    public var minFreeBytes: Int64 = 512 << 20
    /// How long `/readyz` waits for the database's answers (reachable, queue depths) before it reports the database
    /// unreachable: an orchestrator's probe must not hang with a database that does.
    public var readinessDeadline: Duration = .seconds(10)
    /// An item whose outcome could not be recorded (the database refused the write) rests this long before it is
    /// tried again, growing with each failure; queues that call the provider pause as a whole by `unrecordedPause`.
    public var unrecordedCooldown = Backoff(base: .seconds(1), factor: 2, cap: .seconds(300))
    public var unrecordedPause = Backoff(base: .seconds(1), factor: 2, cap: .seconds(30))

    public init() {}
}

extension WorkerSettings {
    /// For a simulator whose videos take seconds, not minutes (the demo, test runs): every delay scaled down.
    /// Selected for `eachvault serve` by `EACHVAULT_WORKER_PROFILE=quick`.
    public static var quick: WorkerSettings {
        var settings = WorkerSettings()
        settings.firstPollDelay = .milliseconds(500)
        settings.pollInterval = Backoff(base: .milliseconds(500), factor: 1.5, cap: .seconds(2))
        settings.providerRetry = Backoff(base: .milliseconds(200), factor: 2, cap: .seconds(5))
        settings.downloadRetry = Backoff(base: .milliseconds(200), factor: 2, cap: .seconds(5))
        settings.assumedRunTime = .seconds(3)
        settings.webhookGrace = .seconds(2)
        settings.reconcileInterval = Backoff(base: .milliseconds(500), factor: 1.5, cap: .seconds(3))
        settings.reconcileWindow = .seconds(30)
        settings.idleCheck = .seconds(5)
        return settings
    }
}

/// What to do with a create that may not have reached the provider and left no trace (`WorkerSettings`).
public enum UncertainCreatePolicy: String, Sendable, CaseIterable {
    case resend, wait
}
