import Foundation
import Hummingbird
import Storage

/// The public page of a shared collection: every completed video in it, each playable and downloadable through
/// the link (`/s/{token}/items/{generation}/video`), with the first one's poster for chat apps' previews.
extension SharesController {
    func collectionPage(share: Share, _ summary: CollectionSummary, token: String, request: Request) async throws
        -> Response
    {
        var query = GenerationQuery(teamID: share.teamID, status: .completed, limit: NamedCollection.maxItems)
        query.collectionID = summary.collection.id
        let details = try await archive.search(query).details
        let videos = details.compactMap { detail in detail.outputs.first?.asset.map { (detail, $0) } }
        let posters = try await archive.derivedFiles(.poster, of: videos.map(\.1.sha256))
        let language = PageLanguage(request)
        var titles: [String: String] = [:]
        for slug in Set(videos.map(\.0.generation.model)) { titles[slug] = await archive.modelTitle(slug) }
        let origin = baseURL(request)
        let items = videos.map { detail, asset in
            let path = "/s/\(token)/items/\(detail.generation.id)"
            return CollectionSharePage.Item(
                videoURL: "\(path)/video", posterURL: posters[asset.sha256] == nil ? nil : "\(path)/poster",
                prompt: detail.generation.prompt ?? "", modelTitle: titles[detail.generation.model] ?? detail.generation.model,
                duration: asset.durationS.map { language.text("detail_seconds", ["seconds": String(format: "%.1f", $0)]) } ?? "",
                videoType: asset.contentType, width: asset.width, height: asset.height)
        }
        let first = items.first
        let collection = summary.collection
        return pages.render(
            CollectionSharePage(
                title: collection.name, description: collection.description, items: items,
                itemCount: String(items.count), pageURL: first == nil ? nil : "\(origin)/s/\(token)",
                absoluteVideoURL: first.map { origin + $0.videoURL }, absolutePosterURL: first?.posterURL.map { origin + $0 },
                summary: Self.summary(collection.description ?? "", title: collection.name),
                videoType: first?.videoType, width: first?.width, height: first?.height,
                expiresAt: language.moment(share.expiresAt)),
            for: request)
    }
}
