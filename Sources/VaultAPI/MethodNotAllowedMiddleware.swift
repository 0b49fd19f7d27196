import HTTPTypes
import Hummingbird
import Synchronization

/// A request for a path the router serves, with a method it does not serve there, is answered 405 with `Allow`
/// (RFC 9110), not 404: the path exists. Unknown paths stay 404.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    /// The router's routes as (path segments, methods), read once the router is complete.
    let routes: @Sendable () -> [(segments: [Substring], methods: Set<HTTPRequest.Method>)]

    func handle(
        _ request: Request, context: VaultRequestContext,
        next: (Request, VaultRequestContext) async throws -> Response
    ) async throws -> Response {
        let segments = request.uri.path.split(separator: "/")
        let allowed = Self.mostSpecific(routes().filter { Self.matches($0.segments, segments) })
            .reduce(into: Set<HTTPRequest.Method>()) { $0.formUnion($1.methods) }
        guard !allowed.isEmpty, !allowed.contains(request.method) else { return try await next(request, context) }
        let methods = allowed.map(\.rawValue).sorted().joined(separator: ", ")
        var response = try APIError(
            status: .methodNotAllowed, code: "method_not_allowed",
            message: "\(request.method.rawValue) is not served here; allowed: \(methods)"
        ).response(from: request, context: context)
        response.headers[.allow] = methods
        return response
    }

    /// `{name}` stands for any one segment.
    static func matches(_ pattern: [Substring], _ path: [Substring]) -> Bool {
        pattern.count == path.count && zip(pattern, path).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
    }

    /// Of the patterns matching one path, those a literal segment decides first (`generations/plan` over
    /// `generations/{id}`), as the router's tree prefers them.
    static func mostSpecific(_ matching: [(segments: [Substring], methods: Set<HTTPRequest.Method>)])
        -> [(segments: [Substring], methods: Set<HTTPRequest.Method>)]
    {
        let literals = { (segments: [Substring]) in segments.map { $0.hasPrefix("{") ? 0 : 1 } }
        guard let best = matching.map({ literals($0.segments) }).max(by: { $0.lexicographicallyPrecedes($1) }) else {
            return []
        }
        return matching.filter { literals($0.segments) == best }
    }

    /// The routes of `router`, grouped by path, computed on first use (after every route was added).
    static func routes(of router: Router<VaultRequestContext>)
        -> @Sendable () -> [(segments: [Substring], methods: Set<HTTPRequest.Method>)]
    {
        let table = Mutex<[(segments: [Substring], methods: Set<HTTPRequest.Method>)]?>(nil)
        nonisolated(unsafe) let router = router
        return {
            if let known = table.withLock({ $0 }) { return known }
            let grouped = Dictionary(grouping: router.routes, by: { $0.path.description }).map { path, routes in
                (segments: path.split(separator: "/"), methods: Set(routes.map(\.method)))
            }
            table.withLock { $0 = grouped }
            return grouped
        }
    }
}
