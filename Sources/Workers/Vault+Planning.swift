import EachLabs
import Foundation
import Storage
import VaultContract

extension CostEstimate {
    /// - Parameter input: the validated input with schema defaults applied.
    public init(cost: ModelCost?, input: [String: JSONValue]) {
        guard let cost, let amount = cost.amount ?? cost.estimate else {
            self.init(usd: nil, basis: "unknown: the provider publishes no price for this model")
            return
        }
        if cost.type == "usage_based", let unit = cost.unit?.lowercased(), unit.hasPrefix("sec") {
            guard let seconds = input["duration"]?.doubleValue else {
                self.init(usd: nil, basis: "unknown: priced per second, and the request sets no duration")
                return
            }
            self.init(usd: (amount * seconds * 10000).rounded() / 10000, basis: "\(amount) USD per second × \(seconds) s")
        } else if cost.type == "usage_based" {
            self.init(usd: nil, basis: "unknown: priced per \(cost.unit ?? "unit")")
        } else {
            self.init(usd: amount, basis: "fixed price")
        }
    }
}

extension Vault {
    public func planGeneration(_ request: GenerationRequest, teamID: String) async throws(SubmissionError)
        -> GenerationPlan
    {
        do {
            // Validation first: an invalid request costs no search (a huge prompt is refused before it is matched).
            let (model, validInput, _) = try await validated(request)
            let input = try await resolveLocalFiles(
                validInput, schema: model.requestSchema, teamID: teamID,
                upload: false
            ).input
            let key = model.requestSchema.canonicalKey(model: model.slug, version: model.version, input: input)
            let match = try? await store.deduplicationMatch(teamID: teamID, requestKey: key)
            return GenerationPlan(
                valid: true, problems: [], requestKey: key, exactMatch: match?.id,
                similar: await similarGenerations(to: validInput["prompt"]?.stringValue, teamID: teamID),
                costEstimate: CostEstimate(cost: model.cost, input: model.requestSchema.applyingDefaults(to: input)))
        } catch .invalidInput(let problems) {
            return GenerationPlan(
                valid: false, problems: problems, requestKey: nil, exactMatch: nil, similar: [],
                costEstimate: CostEstimate(usd: nil, basis: "unknown: the input is not valid"))
        }
    }

    /// How many of a prompt's words the similarity search looks for: enough to find kin, bounded in cost.
    static let similarityWords = 24

    /// The team's five earlier generations whose prompts share the most of the prompt's first words.
    private func similarGenerations(to prompt: String?, teamID: String) async -> [GenerationPlan.Similar] {
        guard let prompt else { return [] }
        var seen = Set<Substring>()
        let words = prompt.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            .filter { seen.insert($0.lowercased()[...]).inserted }.prefix(Self.similarityWords)
        guard !words.isEmpty else { return [] }
        let query = GenerationQuery(teamID: teamID, text: words.joined(separator: " "), anyWord: true, limit: 5)
        return ((try? await store.searchGenerations(query)) ?? [])
            .map { GenerationPlan.Similar(id: $0.id, model: $0.model, prompt: $0.prompt, status: $0.status) }
    }
}
