import EachLabs
import Foundation
import HTTPSupport
import HTTPTypes
import Hummingbird

extension EachLabsSimulator {
    /// `POST /v1/upload/presign {content_type, file_type?, expires_in_seconds?}`.
    func presignUpload(_ request: Request) async throws -> Response {
        if let refusal = await authorize(request, isCreate: false) { return refusal }
        struct Body: Decodable {
            var content_type: String?
            var file_type: String?
        }
        guard let body = try await JSONResponse.decode(Body.self, from: request) else {
            return Self.error(.badRequest, "invalid request body")
        }
        guard let contentType = body.content_type, contentType.contains("/") else {
            return Self.error(.badRequest, "content_type is required")
        }
        if let fileType = body.file_type, !["image", "video", "audio", "other"].contains(fileType) {
            return Self.error(.badRequest, "file_type must be one of image, video, audio, other")
        }
        return JSONResponse.make(
            await uploads.presign(
                contentType: contentType, baseURL: Self.baseURL(of: request),
                now: Date()))
    }

    /// `PUT /_uploads/{id}?signature=...`: the presigned URL.
    func receiveUpload(_ request: Request, id: String) async throws -> Response {
        let bytes = try await request.body.collect(upTo: Int(PresignedUpload.maxBytes) + 1)
        let outcome = await uploads.put(
            id: id, signature: request.uri.queryParameters.get("signature"),
            contentType: request.headers[.contentType],
            token: request.headers[HTTPField.Name(SimulatedUploads.tokenHeader)!], bytes: Data(buffer: bytes),
            now: Date())
        switch outcome {
        case .stored: return Response(status: .ok)
        case .unknown: return Self.error(.notFound, "upload not found")
        case .forbidden(let reason): return Self.error(.forbidden, reason)
        case .tooLarge: return Self.error(.contentTooLarge, "uploads are limited to 100 MB")
        }
    }

    /// `GET /uploads/{id}`: an uploaded file at its public URL.
    func serveUpload(id: String) async -> Response {
        guard let file = await uploads.file(id: id) else { return Self.error(.notFound, "file not found") }
        return Response(
            status: .ok, headers: [.contentType: file.contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }
}
