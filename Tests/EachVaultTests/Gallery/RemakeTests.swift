import Foundation
import TestSupport
import Testing
import VaultContract

/// "Make again" and "Variation": the form filled from a generation (media inputs by their archived `sha256:`
/// references), its cost and an identical archived request shown first, the new generation recording what it was
/// made from, and both detail pages linking to each other.
@Suite(.timeLimit(.minutes(5))) struct RemakeTests {
    @Test(arguments: StoreBackend.allCases)
    func aVariationIsPrefilledSubmittedAndLinkedBothWays(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            let image = "\(harness.simulatorServer.baseURL)/_simulator/samples/sample-first-frame.png"
            let original = try await harness.client.createGeneration(
                GenerationRequest(
                    model: "pixverse-v5-6-image-to-video",
                    input: ["prompt": "a heron over the reeds", "image_url": .string(image), "seed": 7]))
            _ = try await harness.waitUntilFinal([original.id])
            try await eventually { try await harness.client.generation(id: original.id).inputs.first?.sha256 != nil }
            let sha256 = try #require(try await harness.client.generation(id: original.id).inputs.first?.sha256)
            let (cookie, csrf) = try await harness.signIn()

            let again = try await harness.raw("GET", "/new?from=\(original.id)", headers: [cookie], token: .some(nil))
            #expect(again.status == 200 && again.body.contains("value=\"sha256:\(sha256)\""))
            #expect(again.body.contains("a heron over the reeds") && again.body.contains("data-cost>$"))
            // A text-only request made again is the very same request: the form says it is archived already.
            let plain = try await harness.client.createGeneration(
                GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": "a heron asleep"]))
            let same = try await harness.raw("GET", "/new?from=\(plain.id)", headers: [cookie], token: .some(nil))
            #expect(same.body.contains("data-exact-match=\"\(plain.id)\""), "the identical request is already archived")
            let variation = try await harness.raw(
                "GET", "/new?from=\(original.id)&variation=1", headers: [cookie], token: .some(nil))
            #expect(!variation.body.contains("data-exact-match") && !variation.body.contains("value=\"7\""), "no seed")
            #expect(variation.body.contains("name=\"made_from\" value=\"\(original.id)\""))

            let form = [
                "csrf": csrf, "model": "pixverse-v5-6-image-to-video", "made_from": original.id, "variation": "1",
                "prompt": "a heron over the reeds", "image_url": "sha256:\(sha256)",
            ].map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            let sent = try await harness.raw(
                "POST", "/new", body: form.joined(separator: "&"), headers: [cookie, ("Content-Type", "application/x-www-form-urlencoded")],
                token: .some(nil))
            #expect(sent.status == 303, "\(sent.body)")
            let location = try #require(sent.headers[.location])
            let made = String(location.dropFirst("/g/".count))
            #expect(made != original.id)
            let view = try await harness.client.generation(id: made)
            #expect(view.madeFrom == original.id && view.input["seed"] == nil)
            #expect(view.inputs.first?.sha256 == sha256, "the archived image, not uploaded again by the browser")
            let madePage = try await harness.raw("GET", "/g/\(made)", headers: [cookie], token: .some(nil))
            #expect(madePage.body.contains("rel=\"made-from\">\(original.id)<"))
            let originalPage = try await harness.raw("GET", "/g/\(original.id)", headers: [cookie], token: .some(nil))
            #expect(originalPage.body.contains("href=\"/g/\(made)\" rel=\"remake\""))

            // The API takes `made_from` too, and refuses a long one, or another team's generation.
            let long = try await harness.raw(
                "POST", "/v1/generations",
                body:
                    #"{"model": "pixverse-v5-6-text-to-video", "input": {"prompt": "a heron asleep"}, "made_from": "\#(String(repeating: "x", count: 65))"}"#
            )
            #expect(long.status == 422 && long.body.contains("made_from"), "\(long.body)")
            let other = try await harness.makeTeam("others")
            await #expect(throws: (any Error).self) {
                _ = try await other.client.createGeneration(
                    GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": "mine"], madeFrom: original.id))
            }
        }
    }
}
