import Storage
import VaultContract

extension GenerationView {
    /// The API's view of a stored generation.
    /// - Parameter baseURL: this service's address as the client sees it, for file URLs.
    init(_ detail: GenerationDetail, baseURL: String, includeHistory: Bool = true) {
        let generation = detail.generation
        defer { favourite = generation.favourite }
        self.init(
            id: generation.id, model: generation.model, version: generation.version, input: generation.input,
            prompt: generation.prompt, status: generation.status, predictionID: generation.predictionID,
            error: generation.errorCode.map { ErrorView(code: $0, message: generation.errorMessage ?? "") },
            costUSD: generation.costUSD, predictTimeS: generation.predictTimeS,
            origin: generation.origin.rawValue, createdAt: generation.createdAt,
            completedAt: generation.completedAt, tags: generation.tags, note: generation.note,
            assets: detail.outputs.compactMap { stored in
                stored.asset.map { asset in
                    AssetView(
                        sha256: asset.sha256, size: asset.size, contentType: asset.contentType,
                        durationS: asset.durationS, width: asset.width, height: asset.height,
                        videoCodec: asset.videoCodec, hasAudio: asset.hasAudio,
                        sourceURL: stored.output.sourceURL, url: "\(baseURL)/v1/files/\(asset.sha256)")
                }
            },
            inputs: detail.inputs.map { stored in
                InputView(
                    field: stored.input.field, position: stored.input.position, sourceURL: stored.input.sourceURL,
                    sha256: stored.asset?.sha256, size: stored.asset?.size, contentType: stored.asset?.contentType,
                    url: stored.asset.map { "\(baseURL)/v1/files/\($0.sha256)" },
                    error: stored.asset == nil ? stored.input.lastError : nil)
            },
            history: includeHistory ? detail.events.map { EventView(at: $0.at, kind: $0.kind, detail: $0.detail) } : nil)
        madeFrom = generation.madeFrom
        if generation.status == .pending, let since = generation.submitUncertainSince {
            createUncertain = UncertainCreateView(
                since: since,
                message: "the create may not have reached the provider: EachVault looks for its prediction in "
                    + "webhooks and the provider's webhook log and, unless EACHVAULT_UNCERTAIN_CREATES=wait, sends it "
                    + "again once the model would have finished (POST /v1/generations/\(generation.id)/resend: now)")
        }
    }
}
