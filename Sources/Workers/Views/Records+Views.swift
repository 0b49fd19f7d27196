import Storage
import VaultContract

// Storage's records as the wire contract shows them: the one place the two meet for endpoints, deliveries and spend.

extension EndpointView {
    init(_ endpoint: WebhookEndpoint) {
        self.init(
            id: endpoint.id, url: endpoint.url, events: endpoint.events, enabled: endpoint.enabled,
            disabledReason: endpoint.disabledReason, createdAt: endpoint.createdAt, secret: endpoint.secret)
    }
}

extension DeliveryView {
    init(_ delivery: Delivery) {
        self.init(
            messageID: delivery.messageID, eventType: delivery.eventType, generationID: delivery.generationID,
            createdAt: delivery.createdAt, deliveredAt: delivery.deliveredAt, gaveUpAt: delivery.gaveUpAt,
            nextAttemptAt: delivery.nextAttemptAt,
            attempts: delivery.attempts.map {
                Attempt(
                    at: $0.at, status: $0.status, latencyMS: $0.latencyMS, responseExcerpt: $0.responseExcerpt,
                    error: $0.error)
            })
    }
}

extension SpendRow {
    init(_ tally: SpendTally) {
        self.init(
            key: tally.key, generations: tally.generations, spentUSD: tally.spentUSD, unknownCost: tally.unknownCost,
            dedupHits: tally.dedupHits, savedUSD: tally.savedUSD, predictTimeS: tally.predictTimeS)
    }
}
