import EachLabs
import Foundation
import VaultDomain

/// Where the archive keeps its records: the storage interface the use cases (`Vault`) are written against.
/// `AppDatabase` keeps them in SQLite (the embedded default); a PostgreSQL archive keeps them for several
/// instances. Each part below is one concern's reads and writes, named by intention; every write that must be
/// atomic is one call.
public typealias ArchiveStore =
    AccessStore & CatalogueStore & GenerationStore & SearchStore & ImportStore & ShareStore & SubmissionStore
    & PollingStore & WebhookStore & FileStore & DerivedFileStore & EndpointStore & OperationsStore

/// Teams, their API tokens and gallery sessions.
public protocol AccessStore: Sendable {
    func createTeam(name: String, now: Date) async throws -> Team
    func team(named name: String) async throws -> Team?
    func team(id: String) async throws -> Team?
    /// Every team, by name.
    func teams() async throws -> [Team]
    /// Sets or clears (`.some(nil)`) a team's spend and storage limits; nil when there is no such team.
    func setTeamLimits(name: String, budgetUSD: Double??, storageLimitBytes: Int64??) async throws -> Team?
    /// The team's committed spend on generations created since `monthStart` (running ones by their estimate).
    func monthSpend(teamID: String, since monthStart: Date) async throws -> Double
    /// Every team's committed spend since `monthStart`, by team name.
    func spendByTeam(since monthStart: Date) async throws -> [String: Double]
    /// Creates a token for the team and returns it: the only time it exists outside the caller's hands.
    func createToken(teamName: String, label: String?, scopes: Set<TokenScope>, now: Date) async throws
        -> (token: String, info: TokenInfo)
    /// Every team's tokens (`teamID` nil, for operators), or one team's; by team, then age.
    func tokens(teamID: String?) async throws -> [TokenInfo]
    func revokeToken(id: String, now: Date) async throws
    /// The team a live token acts for and its scopes, or nil (unknown or revoked).
    func authenticate(token: String, now: Date) async throws -> TokenGrant?
    func createSession(token: String, lifetime: TimeInterval, now: Date) async throws -> String?
    /// The team and scopes of a live session's token (revoking the token ends its sessions too).
    func grant(session: String, now: Date) async throws -> TokenGrant?
    func endSession(_ session: String) async throws
}

/// The provider's model catalogue, cached.
public protocol CatalogueStore: Sendable {
    func cachedModel(slug: String) async throws -> CatalogueModel?
    func cachedModels() async throws -> [CatalogueModel]
    func saveModels(_ models: [ProviderModel], now: Date) async throws
    func saveModelDetail(_ model: ProviderModel, now: Date) async throws -> CatalogueModel
}

/// Generations as teams see them: recorded, read with their files and history, deduplicated, annotated, deleted.
public protocol GenerationStore: Sendable {
    /// Records a new generation durably (with its media inputs and first history event) before anything is sent
    /// to the provider.
    func insertGeneration(_ generation: Generation, inputs: [GenerationInput]) async throws -> Generation
    func generation(id: String) async throws -> Generation?
    /// The generation with its outputs, inputs, files and newest history; with `teamID`, only that team's.
    func generationDetail(id: String, teamID: String?) async throws -> GenerationDetail?
    /// A page's generations with their outputs, inputs and files (no history), in the order given.
    func generationDetails(_ generations: [Generation]) async throws -> [GenerationDetail]
    /// The team's generations made again or varied from `id`, newest first (at most 50).
    func remakes(of id: String, teamID: String) async throws -> [Generation]
    /// Deletes one of the team's generations (its prediction keeps a tombstone); false when there was none.
    func deleteGeneration(id: String, teamID: String, now: Date) async throws -> Bool
    func statusCounts() async throws -> [GenerationStatus: Int]
    /// The team's newest generation holding these bytes as output or input.
    func latestGeneration(holding sha256: String, teamID: String) async throws -> Generation?
    /// The team's generation that already answers this request: a completed one, else one still in flight.
    func deduplicationMatch(teamID: String, requestKey: String) async throws -> Generation?
    /// In one transaction: the team's generation that already answers this request (its hit counted), else
    /// `generation` inserted. Identical requests arriving together get one generation, on every instance.
    /// Records a generation, or answers with the team's identical earlier one; with a `budget`, a new one whose
    /// estimate would take the team past it is refused (`BudgetExceeded`).
    func insertGeneration(
        _ generation: Generation, inputs: [GenerationInput], deduplicating: Bool, budget: SpendBudget?, now: Date
    ) async throws -> (generation: Generation, deduplicated: Bool)
    func recordDeduplicationHit(id: String, now: Date) async throws
    /// Replaces tags and/or the note of one of the team's generations; nil when the team has no such generation.
    func annotateGeneration(
        id: String, teamID: String, tags: [String]?, note: String??, favourite: Bool?, now: Date
    ) async throws
        -> Generation?
    /// Adds and removes tags of one of the team's generations (case-insensitively), keeping its other tags; nil
    /// when the team has no such generation.
    func editTags(id: String, teamID: String, adding: [String], removing: [String], now: Date) async throws
        -> Generation?
}

/// Full-text search with filters and cursors, and what generations cost.
public protocol SearchStore: Sendable {
    func search(_ query: GenerationQuery) async throws -> SearchPage
    func searchWithDetails(_ query: GenerationQuery) async throws -> (SearchPage, [GenerationDetail])
    func searchGenerations(_ query: GenerationQuery) async throws -> [Generation]
    func spend(teamID: String, groupBy: SpendGrouping, from: Date?, to: Date?) async throws
        -> (rows: [SpendTally], total: SpendTally)
}

/// Generations that enter the archive already made: predictions made elsewhere, and archives copied in bulk.
public protocol ImportStore: Sendable {
    func insertArchived(_ entries: [ArchivedGeneration]) async throws
    func importClaim(predictionID: String, teamID: String?) async throws -> ImportRecord?
    func recordImport(_ generation: Generation, inputs: [GenerationInput], outcome: PollOutcome, now: Date)
        async throws -> ImportRecord
}

/// Named collections and share links to one generation or one collection.
public protocol ShareStore: Sendable {
    /// A new link to one of the team's generations or collections; nil when the team has no such thing.
    func createShare(_ subject: Share.Subject, teamID: String, expiresAt: Date, now: Date) async throws
        -> (token: String, share: Share)?
    func revokeShare(id: String, teamID: String, now: Date) async throws -> Bool
    /// The links to a generation or collection, newest first, revoked and expired ones too; nil when the team has
    /// no such thing.
    func shares(of subject: Share.Subject, teamID: String) async throws -> [Share]?
    func lookUpShare(token: String, now: Date) async throws -> ShareLookup
    /// One generation of a collection, with its files; nil when it is not in it.
    func collectionItem(collectionID: String, generationID: String) async throws -> GenerationDetail?

    /// A new, empty collection; nil when the team already has one of this name.
    func createCollection(name: String, description: String?, teamID: String, now: Date) async throws -> NamedCollection?
    /// The team's collections by name, with their item counts.
    func collections(teamID: String) async throws -> [CollectionSummary]
    func collection(id: String, teamID: String) async throws -> CollectionSummary?
    /// Renames, describes (`.some(nil)` clears), adds and removes generations: all of it or, when refused, nothing.
    func changeCollection(
        id: String, teamID: String, name: String?, description: String??, adding: [String], removing: [String], now: Date
    ) async throws -> CollectionChange
    /// Deletes the collection, its items and its links (never its generations); false when there is none.
    func deleteCollection(id: String, teamID: String) async throws -> Bool
}

/// The submission queue and the intent journal that keeps a create from being sent twice.
public protocol SubmissionStore: Sendable {
    /// Ends a generation as failed, keeping the cause.
    func failGeneration(id: String, code: String, message: String, now: Date) async throws
    func beginSubmission(id: String, now: Date) async throws -> Bool
    func recordSubmitted(id: String, predictionID: String, now: Date, firstPollAt: Date) async throws
    func deferSubmission(id: String, retryAt: Date, reason: String, now: Date) async throws
    func dueSubmissions(now: Date, limit: Int) async throws -> [Generation]
    /// Creates in flight that no running process is making: begun before `processStart` by this instance (SQLite's
    /// only one) or, on a shared database, by any instance longer ago than a create can take.
    func interruptedSubmissions(processStart: Date, now: Date) async throws -> [Generation]
    func nextSubmissionTime() async throws -> Date?
    func adoptPrediction(generationID: String, predictionID: String, now: Date) async throws -> Bool
    func markSubmitUncertain(id: String, reason: String, checkAt: Date, now: Date) async throws
    /// Puts a generation whose create may not have reached the provider (pending with the create uncertain, or
    /// failed `submit_uncertain`, and no prediction known) back in the submission queue; false when it is not one
    /// of the team's or not in that state.
    func resendUncertainCreate(id: String, teamID: String, reason: String, now: Date) async throws -> Bool
    func dueReconciliations(now: Date, limit: Int) async throws -> [Generation]
    func nextReconciliationTime() async throws -> Date?
    func rescheduleReconciliation(id: String, at: Date) async throws
}

/// The polling queue and what polls learn.
public protocol PollingStore: Sendable {
    func duePolls(now: Date, limit: Int) async throws -> [Generation]
    func recordPoll(id: String, outcome: PollOutcome, now: Date) async throws
    /// The team's cancel (`GenerationLife.cancelAsked`): `answer` is the provider's answer to it, nil when nothing
    /// was sent. False when the generation is not the team's or the cancel does not apply to it.
    func cancelGeneration(id: String, teamID: String, answer: PollOutcome?, now: Date) async throws -> Bool
    func reschedulePoll(id: String, retryAt: Date, reason: String, now: Date) async throws
    func nextPollTime() async throws -> Date?
    func typicalRunTime(model: String) async throws -> TimeInterval?
}

/// Incoming provider webhooks, committed before they are answered, and the extra predictions they name.
public protocol WebhookStore: Sendable {
    func webhookSecret(generationID: String) async throws -> String?
    func webhookSecrets(generationIDs: [String]) async throws -> [String?]
    func recordWebhook(_ delivery: ReceivedWebhook, now: Date) async throws -> WebhookEffect
    func recordWebhooks(_ deliveries: [ReceivedWebhook], now: Date) async throws
        -> [Result<WebhookEffect, any Error>]
    func webhookRejections(generationID: String) async throws -> [(reason: String, count: Int)]
    func webhookDeliveries(generationID: String) async throws -> [(verdict: String, reason: String?)]
    func dueExtraPredictions(now: Date, limit: Int) async throws -> [ExtraPrediction]
    func nextExtraPredictionCheck() async throws -> Date?
    func postponeExtraPrediction(_ predictionID: String, until at: Date) async throws
    func refuseExtraPrediction(_ predictionID: String) async throws
    func recordExtraPrediction(_ extra: Generation, of original: Generation, outcome: PollOutcome, now: Date)
        async throws -> Generation
}

/// Files: the download queues, stored assets, uploads to the provider, and the blob store's bookkeeping.
public protocol FileStore: Sendable {
    func dueFiles(_ kind: PendingFile.Kind, now: Date, limit: Int) async throws -> [PendingFile]
    func nextFileTime(_ kind: PendingFile.Kind) async throws -> Date?
    func recordStored(_ file: PendingFile, asset: Asset, now: Date) async throws -> Bool
    /// Puts a file back in its queue until `until` without counting an attempt, saying why it waits.
    func postponeFile(_ file: PendingFile, until: Date, reason: String) async throws
    func recordFailedAttempt(_ file: PendingFile, cause: String, code: String, retryAt: Date?, now: Date)
        async throws
    func reusableUpload(sha256: String, teamID: String, now: Date) async throws -> ProviderUpload?
    func recordLocalFile(_ asset: Asset, teamID: String?, now: Date) async throws
    func recordUpload(_ upload: ProviderUpload) async throws
    func allAssets() async throws -> [Asset]
    func asset(sha256: String, teamID: String) async throws -> Asset?
    func collectGarbage(storedBefore: Date, uploadsBefore: Date, now: Date) async throws -> [Asset]
    func noteUnrecordedBlobs(_ digests: [String], now: Date) async throws -> [String]
    func blobDeletions() async throws -> [String]
    func forgetBlobDeletions(_ digests: [String]) async throws
    func blobSources(sha256: String) async throws -> [BlobSource]
    func nextAssetToScrub(now: Date) async throws -> Asset?
}

/// Posters of each stored video and image and previews of each video, made in the background (`derived_files`).
public protocol DerivedFileStore: Sendable {
    /// Posters and previews waiting to be made, oldest first (on a shared database: claimed).
    func dueDerivedFiles(now: Date, limit: Int) async throws -> [DerivedWork]
    /// When the oldest waiting one was queued, or nil when none waits.
    func nextDerivedFileTime() async throws -> Date?
    func recordDerivedFile(_ kind: DerivedKind, source: String, outcome: Result<Asset, PosterFailure>, now: Date)
        async throws
    func derivedFiles(_ kind: DerivedKind, of sources: [String]) async throws -> [String: Asset]
    func posterCounts() async throws -> PosterCounts
    func retryFailedPosters(now: Date) async throws -> Int
}

/// Teams' outgoing webhook endpoints and the messages owed to them.
public protocol EndpointStore: Sendable {
    func createEndpoint(teamID: String, url: String, events: [String], limit: Int, now: Date) async throws
        -> WebhookEndpoint?
    func endpoints(teamID: String) async throws -> [WebhookEndpoint]
    func updateEndpoint(id: String, teamID: String, url: String?, events: [String]?, enabled: Bool?) async throws
        -> WebhookEndpoint?
    func deleteEndpoint(id: String, teamID: String) async throws -> Bool
    func dueMessages(now: Date, limit: Int) async throws -> [OutgoingMessage]
    func nextMessageTime() async throws -> Date?
    func recordAttempt(
        _ message: OutgoingMessage, status: Int?, latencyMS: Double, excerpt: String?, error: String?,
        delivered: Bool, retryAt: Date?, now: Date) async throws
    func deliveries(endpointID: String, teamID: String, limit: Int) async throws -> [Delivery]?
    func replay(messageID: String, endpointID: String, teamID: String, now: Date) async throws -> Bool
}

/// What operators and probes ask of the store.
public protocol OperationsStore: Sendable {
    func queueDepths(now: Date) async throws -> [QueueDepth]
    func storageByTeam() async throws -> [String: Int64]
    func storageBytes(teamID: String) async throws -> Int64
    /// Refreshes the query planner's statistics (at startup and after large imports).
    func refreshPlannerStatistics() async throws
    /// True when the store answers a trivial query.
    func isReachable() async -> Bool
}

extension AccessStore {
    public func createToken(teamName: String, label: String?, now: Date) async throws
        -> (token: String, info: TokenInfo)
    {
        try await createToken(teamName: teamName, label: label, scopes: [], now: now)
    }
}

extension GenerationStore {
    public func insertGeneration(_ generation: Generation) async throws -> Generation {
        try await insertGeneration(generation, inputs: [])
    }

    public func generationDetail(id: String) async throws -> GenerationDetail? {
        try await generationDetail(id: id, teamID: nil)
    }

}

extension SearchStore {
    public func spend(teamID: String, groupBy: SpendGrouping) async throws
        -> (rows: [SpendTally], total: SpendTally)
    {
        try await spend(teamID: teamID, groupBy: groupBy, from: nil, to: nil)
    }
}

extension FileStore {
    public func recordLocalFile(_ asset: Asset, now: Date) async throws {
        try await recordLocalFile(asset, teamID: nil, now: now)
    }
}
