import Foundation
import HTTPSupport
import HTTPTypes
import Hummingbird

extension EachLabsSimulator {
    /// An output file, with Range support; faults may expire it, cut it off mid-body or slow it down.
    func serveFile(_ request: Request, id: String) async -> Response {
        guard let prediction = await state.file(id: id), prediction.status(at: .now) == .success else {
            return Self.error(.notFound, "file not found")
        }
        let faults = await state.faults
        if let ttl = faults.outputTTLSeconds, ContinuousClock.now - prediction.finishedAt > .milliseconds(Int64(ttl * 1000)) {
            return Self.error(.notFound, "file expired")
        }
        let video = prediction.video
        let decision = RangeDecision(rangeHeader: request.headers[.range], size: video.size)
        var headers: HTTPFields = [.contentType: "video/mp4", .eTag: "\"\(prediction.id)\""]
        headers.setRange(decision, size: video.size)
        guard request.method != .head, let range = decision.bytes(size: video.size) else {
            return Response(status: decision.status, headers: headers, body: ResponseBody())
        }
        let truncate = faults.downloadTruncate.happens
        let slow = faults.downloadSlow.happens
        let chunk: Int64 = slow ? 16 * 1024 : 256 * 1024
        let body = ResponseBody(contentLength: Int(range.count)) { writer in
            var start = range.lowerBound
            let stop = truncate ? range.lowerBound + Int64(range.count) / 2 : range.upperBound
            while start <= stop {
                let end = min(stop, start + chunk - 1)
                try await writer.write(video.bytes(start...end))
                start = end + 1
                if slow { try await Task.sleep(for: .milliseconds(20)) }
            }
            if truncate { throw CancellationError() }  // the connection drops mid-body
            try await writer.finish(nil)
        }
        return Response(status: decision.status, headers: headers, body: body)
    }
}
