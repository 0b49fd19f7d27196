import Blobs
import Foundation
import Storage
import VaultContract
import VaultDomain
import Workers

// What each controller needs of the archive, and no more: `Vault` (Workers) provides every one of them; a router
// test can hand a controller anything else that does.

/// `/v1/generations`: create, plan, read, annotate, delete, search.
public protocol GenerationUseCases: Sendable {
    /// The largest inline (data URI) file a create may carry.
    var maxInlineFileBytes: Int { get }
    func createGeneration(_ request: GenerationRequest, teamID: String) async throws(SubmissionError) -> CreatedGeneration
    func planGeneration(_ request: GenerationRequest, teamID: String) async throws(SubmissionError) -> GenerationPlan
    func generationDetail(id: String, teamID: String) async throws -> GenerationDetail?
    func annotateGeneration(id: String, teamID: String, tags: [String]?, note: String??, favourite: Bool?) async throws
        -> Generation?
    /// Adds and removes tags, keeping the others; nil when the team has no such generation.
    func editTags(id: String, teamID: String, adding: [String], removing: [String]) async throws -> Generation?
    func deleteGeneration(id: String, teamID: String) async throws -> Bool
    /// Sends again a create that may not have reached the provider; false when it is not the team's or not one.
    func resendCreate(id: String, teamID: String) async throws -> Bool
    /// Cancels the generation (at the provider when it runs there): throws `CancelRefusal` when nothing changed.
    func cancelGeneration(id: String, teamID: String) async throws -> Generation
    func search(_ query: GenerationQuery) async throws -> SearchResults
}

/// Stored bytes, for the file routes (API, gallery, share links).
public protocol FileUseCases: Sendable {
    var blobs: BlobStore { get }
    /// The team's file and the newest generation holding it (nil for a file only uploaded).
    func file(sha256: String, teamID: String) async throws -> (asset: Asset, owner: Generation?)?
    /// The posters or previews made of `sources` (any team's: callers pass only files the team holds), by source.
    func derivedFiles(_ kind: DerivedKind, of sources: [String]) async throws -> [String: Asset]
}

/// `POST /v1/uploads`.
public protocol UploadUseCases: Sendable {
    var blobs: BlobStore { get }
    /// Why files cannot be taken in now (too little free space), or nil.
    func lowDiskSpace() -> StoreUnavailable?
    func storeLocalFile(_ tempFile: URL, sha256: String, size: Int64, teamID: String?) async throws -> Asset
}

/// `POST /v1/imports`.
public protocol ImportUseCases: Sendable {
    func importPredictions(_ ids: [String], teamID: String, model slug: String?) async -> [ImportResult]
}

/// `GET /v1/spend`.
public protocol SpendUseCases: Sendable {
    func spend(teamID: String, groupBy: SpendGrouping, from: Date?, to: Date?) async throws -> SpendReport
    func budgetStatus(teamID: String) async throws -> TeamBudgetStatus?
}

/// `/admin`: the operator's routes.
public protocol OperatorUseCases: Sendable {
    func budgetStatuses() async throws -> [TeamBudgetStatus]
    func setTeamLimits(name: String, _ limits: TeamLimitsRequest) async throws -> TeamBudgetStatus?
}

/// `POST /webhooks/eachlabs/{id}`.
public protocol WebhookUseCases: Sendable {
    func receiveWebhook(_ delivery: WebhookDelivery) async throws -> WebhookEffect
}

/// Share links to a generation or a collection, made through the API or the gallery and opened by anyone holding
/// one.
public protocol ShareUseCases: FileUseCases {
    func createShare(_ subject: Share.Subject, teamID: String, lifetime: TimeInterval) async throws
        -> (token: String, share: Share)?
    func revokeShare(id: String, teamID: String) async throws -> Bool
    func shares(of subject: Share.Subject, teamID: String) async throws -> [Share]?
    func lookUpShare(token: String) async throws -> ShareLookup
    func collectionItem(collectionID: String, generationID: String) async throws -> GenerationDetail?
    func search(_ query: GenerationQuery) async throws -> SearchResults
    func modelTitle(_ slug: String) async -> String
}

/// `/v1/collections`: a team's named collections (refusals throw `CollectionRefusal`).
public protocol CollectionUseCases: Sendable {
    func createCollection(name: String, description: String?, adding: [String], teamID: String) async throws
        -> CollectionSummary
    func collections(teamID: String) async throws -> [CollectionSummary]
    func collection(id: String, teamID: String) async throws -> CollectionSummary?
    func changeCollection(
        id: String, teamID: String, name: String?, description: String??, adding: [String], removing: [String]
    ) async throws -> CollectionSummary?
    func deleteCollection(id: String, teamID: String) async throws -> Bool
}

/// Team tokens (the API) and gallery sessions.
public protocol AccessUseCases: Sendable {
    func authenticate(token: String) async throws -> TokenGrant?
    func startSession(token: String) async throws -> String?
    func grant(session: String) async throws -> TokenGrant?
    func endSession(_ session: String) async throws
}

/// The gallery: browsing, sharing and new generations for a signed-in team.
public protocol GalleryUseCases: GenerationUseCases, ShareUseCases, AccessUseCases, SpendUseCases, UploadUseCases,
    EndpointUseCases, TokenUseCases, CollectionUseCases
{
    /// The team's generations made again or varied from `id` (the detail page links them).
    func remakes(of id: String, teamID: String) async throws -> [Generation]
    /// Bytes the team's distinct files take (the spend page).
    func storageBytes(teamID: String) async throws -> Int64
    func cachedModels() async throws -> [CatalogueModel]
}

extension Vault: GenerationUseCases, UploadUseCases, ImportUseCases, SpendUseCases, OperatorUseCases, WebhookUseCases,
    GalleryUseCases,
    EndpointUseCases, TokenUseCases, CollectionUseCases
{
    public var maxInlineFileBytes: Int { settings.maxInlineFileBytes }
}

/// A team's own tokens (the `admin` scope).
public protocol TokenUseCases: Sendable {
    func tokens(of team: Team) async throws -> [TokenInfo]
    func createToken(for team: Team, label: String?, scopes: Set<TokenScope>, granted: Set<TokenScope>) async throws
        -> (token: String, info: TokenInfo)
    func revokeToken(id: String, of team: Team) async throws -> Bool
}

/// A team's outgoing webhook endpoints and their delivery logs.
public protocol EndpointUseCases: Sendable {
    func createEndpoint(_ request: EndpointRequest, teamID: String) async throws -> EndpointView
    func endpoints(teamID: String) async throws -> [EndpointView]
    func updateEndpoint(id: String, _ request: EndpointRequest, teamID: String) async throws -> EndpointView?
    func deleteEndpoint(id: String, teamID: String) async throws -> Bool
    func deliveries(endpointID: String, teamID: String, limit: Int) async throws -> [DeliveryView]?
    func replay(messageID: String, endpointID: String, teamID: String) async throws -> Bool
}
