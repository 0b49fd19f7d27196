import Foundation
import Hummingbird
import Storage
import VaultDomain
import Workers

/// `POST /g/bulk`: acting on the cards selected in the gallery (`select-<id>` fields, one per card): add or remove
/// a tag, put them in a collection or take them out, share each (one link per generation, listed together), or
/// delete them after a confirmation page. Each
/// generation is acted on by itself; one the team no longer has is skipped.
extension GalleryController {
    /// The most generations one bulk action takes (a page of results is at most 100).
    static var maxSelection: Int { 200 }

    @Sendable func bulk(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let visit = try context.requireVisit()
        let text = PageLanguage(request).text
        let back = Request.localPage(visit.form["back"])
        func refuse(_ reason: String) -> Response {
            pages.render(MessagePage(title: "msg_badRequest", reason: reason, back: back), for: request, status: .badRequest)
        }
        let selected = visit.form.keys.filter { $0.hasPrefix("select-") }.map { String($0.dropFirst(7)) }.sorted()
        guard !selected.isEmpty else { return refuse("bulk_none") }
        guard selected.count <= Self.maxSelection else {
            return refuse(text("bulk_tooMany", ["max": "\(Self.maxSelection)"]))
        }
        let tag = (visit.form["tag"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        switch visit.form["action"] {
        case "tag", "untag":
            guard !tag.isEmpty else { return refuse("bulk_tagMissing") }
            guard (try? Annotations.tags([tag])) != nil else {
                return refuse(text("bulk_tagTooLong", ["max": "\(Annotations.maxTagBytes)"]))
            }
            let adding = visit.form["action"] == "tag"
            var full = 0  // generations that already have as many tags as one may
            for id in selected {
                do {
                    _ = try await archive.editTags(
                        id: id, teamID: visit.team.id, adding: adding ? [tag] : [], removing: adding ? [] : [tag])
                } catch is Annotations.Refusal {
                    full += 1
                }
            }
            guard full == 0 else {
                return pages.render(
                    MessagePage(
                        title: "bulk_tagsFullTitle",
                        reason: text("bulk_tagsFull", ["count": "\(full)", "max": "\(Annotations.maxTags)"]), back: back),
                    for: request, status: .unprocessableContent)
            }
            return .redirect(to: back, type: .normal)
        case "collect", "uncollect":
            return try await changeCollection(visit.form["action"] ?? "", selected, visit: visit, back: back, request: request)
        case "share":
            return try await shareAll(selected, visit: visit, back: back, request: request)
        case "delete":
            let details = try await generations(selected, visit: visit)
            guard !details.isEmpty else { return refuse("bulk_none") }
            return pages.render(
                BulkDeletePage(
                    team: visit.team.name, csrf: visit.formToken, count: details.count,
                    items: details.map {
                        BulkDeletePage.Item(id: $0.id, prompt: Self.shortPrompt($0), model: $0.model)
                    },
                    back: back),
                for: request)
        case "delete-confirmed":
            for id in selected { _ = try await archive.deleteGeneration(id: id, teamID: visit.team.id) }
            return .redirect(to: back, type: .normal)
        default:
            return refuse("bulk_unknownAction")
        }
    }

    private func shareAll(_ ids: [String], visit: GalleryVisit, back: String, request: Request) async throws -> Response {
        let language = PageLanguage(request)
        var links: [BulkSharePage.Link] = []
        var expires: Date?
        for generation in try await generations(ids, visit: visit) {
            guard
                let (token, share) = try await archive.createShare(
                    .generation(generation.id), teamID: visit.team.id, lifetime: Vault.defaultShareLifetime)
            else { continue }
            expires = expires ?? share.expiresAt
            links.append(.init(id: generation.id, prompt: Self.shortPrompt(generation), url: "\(baseURL(request))/s/\(token)"))
        }
        return pages.render(
            BulkSharePage(
                team: visit.team.name, csrf: visit.formToken,
                expires: language.moment(expires ?? Date().addingTimeInterval(Vault.defaultShareLifetime)), links: links,
                missing: links.count < ids.count ? ids.count - links.count : nil, back: back),
            for: request)
    }

    /// The team's generations among `ids`, in the order given (the others are gone, or never were the team's).
    private func generations(_ ids: [String], visit: GalleryVisit) async throws -> [Generation] {
        var found: [Generation] = []
        for id in ids {
            if let detail = try await archive.generationDetail(id: id, teamID: visit.team.id) { found.append(detail.generation) }
        }
        return found
    }

    /// A generation's prompt cut to a line (its model when it has none).
    static func shortPrompt(_ generation: Generation) -> String {
        let prompt = generation.prompt ?? generation.model
        return prompt.count > 90 ? String(prompt.prefix(89)) + "…" : prompt
    }
}
