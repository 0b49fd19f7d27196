@testable import Storage
import Blobs
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOEmbedded
import TestSupport
import Testing
import Transport
@testable import VaultAPI

/// The per-team cap on files streamed through the service at once: a team at its limit is answered 429 at once,
/// another team is not, and a slot comes back when a response has been written or dropped unwritten (its client
/// went away first).
@Suite(.timeLimit(.minutes(1))) struct FileStreamCapTests {
    @Test func aTeamStreamsAtMostItsLimitAndEachResponseGivesItsSlotBack() async throws {
        let fixture = try await RouterFixture()
        let responder = BlobResponder(blobs: fixture.vault.blobs, accelRedirect: nil, streamsPerTeam: 2)
        let asset = try await storedAsset(fixture.vault.blobs, bytes: Data("a small video's bytes".utf8))

        var first: Response? = try await respond(responder, asset, team: "team-a")
        var second: Response? = try await respond(responder, asset, team: "team-a")
        let refusal = await #expect(throws: APIError.self) { try await respond(responder, asset, team: "team-a") }
        #expect(refusal?.status == .tooManyRequests && refusal?.code == "too_many_streams")
        #expect(refusal?.retryAfter != nil)
        _ = try await respond(responder, asset, team: "team-b")

        first = nil  // dropped unwritten
        var third: Response? = try await respond(responder, asset, team: "team-a")
        let written = try await write(try #require(second))
        #expect(written == "a small video's bytes")
        second = nil
        _ = try await respond(responder, asset, team: "team-a")
        #expect(first == nil && second == nil)
        third = nil
        #expect(third == nil)
    }

    private func respond(_ responder: BlobResponder, _ asset: Asset, team: String) async throws -> Response {
        let request = Request(
            head: HTTPRequest(method: .get, scheme: "http", authority: "vault", path: "/v1/files/\(asset.sha256)"),
            body: RequestBody(buffer: ByteBuffer()))
        let context = BasicRequestContext(
            source: ApplicationRequestContextSource(channel: EmbeddedChannel(), logger: Logger(label: "test")))
        return try await responder.respond(
            asset, team: team, downloadName: "clip.mp4", request: request, context: context, cacheControl: "private")
    }

    /// The bytes of `response`'s body.
    private func write(_ response: Response) async throws -> String {
        let collector = Collector()
        try await response.body.write(collector)
        return String(buffer: collector.bytes.value)
    }

    private func storedAsset(_ blobs: BlobStore, bytes: Data) async throws -> Asset {
        let file = blobs.partialFile(for: "stream-cap")
        try bytes.write(to: file)
        let (sha256, size) = try FileDigest.sha256(of: file)
        try await blobs.keep(file, sha256: sha256, size: size) {}
        return Asset(
            sha256: sha256, size: size, contentType: "video/mp4", durationS: nil, width: nil, height: nil,
            videoCodec: nil, hasAudio: nil, storedAt: Date())
    }
}

/// A response body writer that keeps what it is given.
private struct Collector: ResponseBodyWriter {
    final class Bytes: @unchecked Sendable { var value = ByteBuffer() }
    let bytes = Bytes()

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        bytes.value.writeBuffer(&buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
