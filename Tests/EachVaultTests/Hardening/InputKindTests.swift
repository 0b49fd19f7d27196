import EachLabs
import Foundation
import TestSupport
import Testing
import VaultContract
import Workers

/// A media input is what its field takes before anyone pays: strings that are no file, text pages, MP3s given as
/// images (by URL, inline or by reference) are a 422 naming the field, dry runs say the same, and nothing reaches
/// the provider; real images, audio and video still work.
@Suite(.timeLimit(.minutes(5))) struct InputKindTests {
    static let imageModel = "pixverse-v5-6-image-to-video"
    static let avatarModel = "kling-avatar-v2-standard"  // image_url and audio_url
    static let motionModel = "kling-v2-6-standard-motion-control"  // image_url and video_url

    private func create(_ harness: Harness, _ model: String, _ input: String, dryRun: Bool = false) async throws
        -> (status: Int, body: String)
    {
        let answer = try await harness.raw(
            "POST", "/v1/generations" + (dryRun ? "?dry_run=1" : ""),
            body: #"{"model": "\#(model)", "input": {\#(input)}}"#)
        return (answer.status, answer.body)
    }

    @Test func mediaOfTheWrongKindIsRefusedBeforeTheProviderIsCalled() async throws {
        try await withHarness { harness in
            let samples = "\(harness.simulatorServer.baseURL)/_simulator/samples"
            let textPage = "\(harness.simulatorServer.baseURL)/_simulator/stats"
            let mp3 = try await harness.client.upload(file: Fixtures.directory.appending(path: "sample-voice.mp3"))
            let refusals: [(String, String)] = [
                (#""image_url": "not-a-file""#, "must be an http(s) URL, a data: URI"),
                (#""image_url": "\#(samples)/sample-voice.mp3""#, "is audio/mpeg, but the field takes an image"),
                (#""image_url": "\#(textPage)""#, "is not a media file"),
                (#""image_url": "\#(samples)/no-such-sample.png""#, "the server answered HTTP 404"),
                (#""image_url": "data:text/plain;base64,aGVsbG8gd29ybGQ=""#, "holds a file that is not a media file"),
                (#""image_url": "\#(mp3.reference)""#, "refers to a file that is audio/mpeg"),
            ]
            for (input, problem) in refusals {
                let answer = try await create(harness, Self.imageModel, #""prompt": "x", \#(input)"#)
                #expect(answer.status == 422, "\(input): \(answer.body)")
                #expect(answer.body.contains(#""field":"image_url""#) && answer.body.contains(problem), "\(answer.body)")
                let plan = try await create(harness, Self.imageModel, #""prompt": "x", \#(input)"#, dryRun: true)
                #expect(plan.status == 200 && plan.body.contains(#""valid":false"#) && plan.body.contains(problem), "\(plan.body)")
            }
            let wrongAudio = try await create(
                harness, Self.avatarModel,
                #""image_url": "\#(samples)/sample-first-frame.png", "audio_url": "\#(samples)/sample-last-frame.png""#)
            #expect(wrongAudio.status == 422 && wrongAudio.body.contains(#""field":"audio_url""#), "\(wrongAudio.body)")
            #expect(await harness.simulator.stats().creates == 0, "no refused request reached the provider")

            // Real files of the right kind go through: an image, an image and audio, an image and a video.
            let image = "\(samples)/sample-first-frame.png"
            for (model, input) in [
                (Self.imageModel, #""prompt": "a fox", "image_url": "\#(image)""#),
                (Self.avatarModel, #""image_url": "\#(image)", "audio_url": "\#(samples)/sample-voice.mp3""#),
                (
                    Self.motionModel,
                    #""image_url": "\#(image)", "video_url": "\#(samples)/sample-clip.mp4", "character_orientation": "image""#
                ),
            ] {
                let answer = try await create(harness, model, input)
                #expect(answer.status == 201, "\(model): \(answer.body)")
            }
        }
    }

    @Test func aURLOfAPrivateAddressIsRefusedAtTheCreate() async throws {
        var settings = Harness.testSettings
        settings.inputsFromPublicAddressesOnly = true
        try await withHarness(workers: settings) { harness in
            // The simulator listens on loopback: as a user-supplied URL, that is this machine's private network.
            let image = "\(harness.simulatorServer.baseURL)/_simulator/samples/sample-first-frame.png"
            let answer = try await create(harness, Self.imageModel, #""prompt": "x", "image_url": "\#(image)""#)
            #expect(answer.status == 422 && answer.body.contains("does not lead to a public internet address"), "\(answer.body)")
            #expect(!answer.body.contains("127.0.0.1:"), "the answer repeats no address it was not given")
            #expect(await harness.simulator.stats().creates == 0)
        }
    }
}
