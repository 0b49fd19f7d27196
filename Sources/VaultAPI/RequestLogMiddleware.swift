import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// One structured log line per request (method, path, status, duration) carrying Hummingbird's request id.
/// Paths that hold a secret (share tokens) are redacted; headers, and so tokens and cookies, are never logged.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let start = ContinuousClock.now
        let path = Self.redacted(request.uri.path)
        do {
            let response = try await next(request, context)
            log(context.logger, request, path, status: Int(response.status.code), since: start)
            return response
        } catch let error as any HTTPResponseError {
            log(context.logger, request, path, status: Int(error.status.code), since: start)
            throw error
        } catch let error as HTTPParserError {
            log(context.logger, request, path, status: 400, since: start)  // Hummingbird answers it so
            throw error
        } catch  where Self.clientWentAway(error) {
            log(context.logger, request, path, status: 499, since: start)
            throw error
        } catch {
            log(context.logger, request, path, status: 500, since: start)
            throw error
        }
    }

    /// The client closed the connection mid-request (an upload cut short, a request abandoned): nginx's 499, not a
    /// fault of ours.
    static func clientWentAway(_ error: any Error) -> Bool {
        error is CancellationError || error is ChannelError || error is IOError
    }

    private func log(_ logger: Logger, _ request: Request, _ path: String, status: Int, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        logger.log(
            level: status >= 500 ? .error : .info, "request",
            metadata: [
                "method": .string(request.method.rawValue), "path": .string(path), "status": .stringConvertible(status),
                "ms": .string(String(format: "%.1f", milliseconds)),
            ])
    }

    /// `/s/<token>...` → `/s/…`: a share token in a log is a working link.
    static func redacted(_ path: String) -> String {
        guard path.hasPrefix("/s/") else { return path }
        let rest = path.dropFirst(3).drop { $0 != "/" }
        return "/s/…" + rest
    }
}
