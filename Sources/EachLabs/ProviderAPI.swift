import Foundation

/// The each::labs Predictions API as EachVault uses it.
public protocol ProviderAPI: Sendable {
    func listModels(name: String?, limit: Int, offset: Int) async throws(ProviderError) -> [ProviderModel]
    func model(slug: String) async throws(ProviderError) -> ProviderModel
    /// Starts a prediction and returns its id. Not idempotent at the provider: see `ProviderError.createMayHaveSucceeded`.
    func createPrediction(_ request: CreatePrediction) async throws(ProviderError) -> String
    func prediction(id: String) async throws(ProviderError) -> Prediction
    /// Asks the provider to stop a running prediction, through the cancel URL its read gave (`urls.cancel`); the
    /// prediction as the answer tells it, or nil when the answer was not one (read it again to learn).
    func cancelPrediction(_ prediction: Prediction) async throws(ProviderError) -> Prediction?
    /// The provider's log of webhook deliveries, newest first.
    func webhookLog(limit: Int, offset: Int) async throws(ProviderError) -> [WebhookLogEntry]
    /// Asks where to upload a local file (the first half of the upload flow).
    func presignUpload(_ request: PresignRequest) async throws(ProviderError) -> PresignedUpload
    /// PUTs the file's bytes to the presigned URL (the second half); the file is then at `upload.publicURL`.
    func upload(_ upload: PresignedUpload, contentType: String, fileAt file: URL) async throws(ProviderError)
}
