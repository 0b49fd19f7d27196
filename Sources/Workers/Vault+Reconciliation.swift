import EachLabs
import Foundation
import ServiceLifecycle
import Storage

extension Vault {
    static let webhookLogPages = 10
    static let webhookLogPageSize = 100

    func reconcile(_ generation: Generation) async throws {
        let since = generation.submitUncertainSince ?? now()
        let waited = now().timeIntervalSince(since)
        var logRead = false
        do {
            let found = try await findInWebhookLog(generationID: generation.id)
            logRead = true
            if let predictionID = found {
                let adopted = try await recording(
                    "an adopted prediction",
                    await store.adoptPrediction(generationID: generation.id, predictionID: predictionID, now: now()))
                if adopted {
                    pollsDue.signal()
                    inputsDue.signal()
                }
                return
            }
        } catch let error as ProviderError {
            logger.warning("webhook log unavailable", metadata: ["error": "\(error)"])
        }
        // Nothing at the provider once the model's run would have ended and its webhook been tried: the create most
        // likely never arrived.
        let patience = await firstPollDelay(for: generation) + settings.webhookGrace
        if logRead, settings.uncertainCreates == .resend, waited >= patience.seconds, let teamID = generation.teamID {
            let reason =
                "no trace of the create at the provider after \(Int(waited)) s (its model typically finishes "
                + "sooner): sent again; a prediction that still shows up is archived too (EACHVAULT_UNCERTAIN_CREATES)"
            if try await recording(
                "a resent create",
                await store.resendUncertainCreate(id: generation.id, teamID: teamID, reason: reason, now: now()))
            {
                submissionsDue.signal()
            }
            return
        }
        if waited >= settings.reconcileWindow.seconds {
            try await recording(
                "a lost create",
                await store.failGeneration(
                    id: generation.id, code: "submit_uncertain",
                    message: "no prediction for this generation appeared in \(Int(waited)) s of webhooks and webhook "
                        + "logs; it was not resent to avoid paying twice (a late webhook still completes it)", now: now()))
            return
        }
        let attempt = Int((waited / max(settings.reconcileInterval.base.seconds, 0.001)).squareRoot())
        try await recording(
            "the next reconciliation",
            await store.rescheduleReconciliation(
                id: generation.id, at: after(settings.reconcileInterval.delay(attempt: attempt))))
    }

    /// The prediction whose webhook URL names this generation, from the newest pages of the provider's log.
    private func findInWebhookLog(generationID: String) async throws(ProviderError) -> String? {
        let suffix = "/webhooks/eachlabs/\(generationID)"
        for page in 0..<Self.webhookLogPages {
            let entries = try await provider.webhookLog(
                limit: Self.webhookLogPageSize,
                offset: page * Self.webhookLogPageSize)
            if let entry = entries.first(where: { $0.url?.hasSuffix(suffix) == true }) { return entry.executionID }
            if entries.count < Self.webhookLogPageSize { return nil }
        }
        return nil
    }

    /// Sends a create again at the team's request, when it may not have reached the provider (pending with the
    /// create uncertain, or failed `submit_uncertain`). False when the generation is not the team's or not in that
    /// state.
    public func resendCreate(id: String, teamID: String) async throws -> Bool {
        let resent = try await store.resendUncertainCreate(
            id: id, teamID: teamID, reason: "sent again at the team's request", now: now())
        if resent { submissionsDue.signal() }
        return resent
    }
}
