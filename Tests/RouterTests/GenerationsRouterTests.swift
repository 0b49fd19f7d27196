@testable import Storage
import EachLabs
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
@testable import VaultAPI
import VaultContract
import VaultDomain
@testable import Workers
import TestSupport

/// `GenerationsController` on its own, over use cases that answer as told: how each outcome of a create or a plan
/// becomes an HTTP answer, with no provider, database or server.
@Suite(.timeLimit(.minutes(5))) struct GenerationsRouterTests {
    /// Answers every create with `outcome`; holds one generation, `gen_1`.
    struct ScriptedGenerations: GenerationUseCases {
        var outcome: Result<CreatedGeneration, SubmissionError>
        /// What a cancel of `gen_1` answers.
        var cancel: Result<GenerationStatus, CancelRefusal> = .success(.cancelled)
        var maxInlineFileBytes = 1024
        /// What a search fails with, when it does (an error no controller expects).
        var searchFailure: String?
        let stored = Generation(
            id: "gen_1", teamID: "team_1", model: "m", version: "1", input: ["prompt": "a fox"], tags: [],
            now: Date(timeIntervalSince1970: 1_800_000_000))

        func createGeneration(_ request: GenerationRequest, teamID: String) async throws(SubmissionError)
            -> CreatedGeneration
        { try outcome.get() }

        func planGeneration(_ request: GenerationRequest, teamID: String) async throws(SubmissionError) -> GenerationPlan {
            GenerationPlan(
                valid: true, problems: [], requestKey: "k", exactMatch: "gen_1", similar: [],
                costEstimate: CostEstimate(usd: 0.5, basis: "fixed price"))
        }

        func generationDetail(id: String, teamID: String) async throws -> GenerationDetail? {
            id == stored.id ? GenerationDetail(generation: stored, outputs: [], inputs: [], events: []) : nil
        }

        func annotateGeneration(id: String, teamID: String, tags: [String]?, note: String??, favourite: Bool?) async throws
            -> Generation?
        {
            id == stored.id ? stored : nil
        }

        func deleteGeneration(id: String, teamID: String) async throws -> Bool { id == stored.id }
        func resendCreate(id: String, teamID: String) async throws -> Bool { false }

        func editTags(id: String, teamID: String, adding: [String], removing: [String]) async throws -> Generation? {
            id == stored.id ? stored : nil
        }

        func cancelGeneration(id: String, teamID: String) async throws -> Generation {
            guard id == stored.id else { throw CancelRefusal.notFound }
            var after = stored
            after.status = try cancel.get()
            return after
        }

        func search(_ query: GenerationQuery) async throws -> SearchResults {
            if let searchFailure { throw Unexpected(description: searchFailure) }
            return SearchResults(page: SearchPage(hits: [], nextCursor: nil), details: [])
        }
    }

    struct Unexpected: Error, CustomStringConvertible {
        var description: String
    }

    /// The controller alone, acting for one team (what the authenticator would have set).
    private func test(
        _ useCases: ScriptedGenerations, logger: Logger = Logger.quiet,
        _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let router = Router(context: VaultRequestContext.self)
        router.add(middleware: ErrorMiddleware(pages: Pages()))
        let group = router.group("/v1/generations").add(middleware: ActingTeam())
        GenerationsController(archive: useCases, baseURL: { _ in "http://vault" }).addRoutes(to: group)
        try await Application(router: router, logger: logger).test(.router, body)
    }

    private struct ActingTeam: RouterMiddleware {
        func handle(
            _ request: Request, context: VaultRequestContext,
            next: (Request, VaultRequestContext) async throws -> Response
        ) async throws -> Response {
            var context = context
            context.team = Team(id: "team_1", name: "a", createdAt: Date())
            return try await next(request, context)
        }
    }

    private let create = ByteBuffer(string: #"{"model": "m", "input": {"prompt": "a fox"}}"#)
    private let json: HTTPFields = [.contentType: "application/json"]

    @Test func aCreatedGenerationIsAnsweredWithItsViewAndADuplicateNamesItsOriginal() async throws {
        let useCases = ScriptedGenerations(
            outcome: .success(
                CreatedGeneration(
                    generation: Generation(
                        id: "gen_1", model: "m", version: "1", input: [:], tags: [], now: Date()), deduplicatedFrom: "gen_0")))
        try await test(useCases) { client in
            let answer = try await client.execute(uri: "/v1/generations", method: .post, headers: json, body: create)
            #expect(answer.status == .created)
            #expect(answer.json["id"] as? String == "gen_1" && answer.json["deduplicated_from"] as? String == "gen_0")
            #expect(answer.headers[.contentType] == "application/json; charset=utf-8")
        }
    }

    @Test(arguments: [
        (SubmissionError.invalidInput([FieldProblem(field: "prompt", problem: "is required")]), 422, "invalid_input"),
        (.catalogue(.unknownModel("m", suggestions: ["m2"])), 404, "unknown_model"),
        (.catalogue(.unavailable(.server(status: 503, message: "down"))), 503, "catalogue_unavailable"),
        (.invalidRequest("too many tags"), 422, "invalid_request"),
        (.upload(.badRequest("refused")), 502, "upload_failed"),
    ])
    func eachRefusalHasItsStatusAndCode(error: SubmissionError, status: Int, code: String) async throws {
        try await test(ScriptedGenerations(outcome: .failure(error))) { client in
            let answer = try await client.execute(uri: "/v1/generations", method: .post, headers: json, body: create)
            #expect(answer.status.code == status && answer.errorCode == code)
            if code == "invalid_input" {
                let fields = try #require((answer.json["error"] as? [String: Any])?["fields"] as? [[String: Any]])
                #expect(fields.first?["field"] as? String == "prompt")
            }
        }
    }

    @Test(arguments: [
        (Result<GenerationStatus, CancelRefusal>.success(.cancelled), 200, nil),
        (.success(.processing), 202, nil),
        (.failure(.finished(.completed)), 409, "already_final"),
        (.failure(.createInFlight), 409, "create_in_flight"),
        (.failure(.provider(.server(status: 500, message: "down"))), 503, "provider_unavailable"),
        (.failure(.provider(.badRequest("no"))), 502, "provider_unavailable"),
    ])
    func aCancelAnswersWhatHappened(outcome: Result<GenerationStatus, CancelRefusal>, status: Int, code: String?)
        async throws
    {
        var useCases = ScriptedGenerations(outcome: .failure(.invalidRequest("unused")))
        useCases.cancel = outcome
        try await test(useCases) { client in
            let answer = try await client.execute(uri: "/v1/generations/gen_1/cancel", method: .post)
            #expect(answer.status.code == status && answer.errorCode == code)
            #expect((answer.headers[.retryAfter] != nil) == (code == "create_in_flight" || status == 503))
            let missing = try await client.execute(uri: "/v1/generations/gen_9/cancel", method: .post)
            #expect(missing.status == .notFound)
        }
    }

    @Test func tagsAreEditedOrReplacedButNotBoth() async throws {
        try await test(ScriptedGenerations(outcome: .failure(.invalidRequest("unused")))) { client in
            let edit = ByteBuffer(string: #"{"add_tags": ["a"], "remove_tags": ["b"]}"#)
            #expect(try await client.execute(uri: "/v1/generations/gen_1", method: .patch, headers: json, body: edit).status == .ok)
            let both = ByteBuffer(string: #"{"tags": ["a"], "add_tags": ["b"]}"#)
            let refused = try await client.execute(uri: "/v1/generations/gen_1", method: .patch, headers: json, body: both)
            #expect(refused.status == .unprocessableContent && refused.errorCode == "invalid_request")
        }
    }

    @Test func aDryRunAnswersThePlanInTheContractsNames() async throws {
        try await test(ScriptedGenerations(outcome: .failure(.invalidRequest("unused")))) { client in
            let answer = try await client.execute(uri: "/v1/generations?dry_run=1", method: .post, headers: json, body: create)
            #expect(answer.status == .ok && answer.json["exact_match"] as? String == "gen_1")
            #expect((answer.json["cost_estimate"] as? [String: Any])?["usd"] as? Double == 0.5)
        }
    }

    @Test func badBodiesSayWhatIsWrongAndOversizedOnesAre413() async throws {
        try await test(ScriptedGenerations(outcome: .failure(.invalidRequest("unused")))) { client in
            let missing = try await client.execute(
                uri: "/v1/generations", method: .post, headers: json, body: ByteBuffer(string: #"{"input": {}}"#))
            #expect(missing.status == .badRequest && missing.text.contains("model") && missing.text.contains("<slug>"))
            let malformed = try await client.execute(
                uri: "/v1/generations", method: .post, headers: json, body: ByteBuffer(string: "{"))
            #expect(malformed.status == .badRequest && malformed.errorCode == "bad_request")
            let huge = ByteBuffer(repeating: UInt8(ascii: " "), count: 1024 * 4 / 3 + (1 << 20) + 1)
            let oversized = try await client.execute(uri: "/v1/generations", method: .post, headers: json, body: huge)
            #expect(oversized.status == .contentTooLarge && oversized.errorCode == "too_large")
        }
    }

    @Test func readsAnnotationsAndDeletionsOfUnknownIdsAreNotFound() async throws {
        try await test(ScriptedGenerations(outcome: .failure(.invalidRequest("unused")))) { client async throws in
            #expect(try await client.execute(uri: "/v1/generations/gen_1", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/v1/generations/gen_9", method: .get).errorCode == "not_found")
            let note = ByteBuffer(string: #"{"note": null}"#)
            #expect(try await client.execute(uri: "/v1/generations/gen_1", method: .patch, headers: json, body: note).status == .ok)
            #expect(try await client.execute(uri: "/v1/generations/gen_9", method: .patch, headers: json, body: note).status == .notFound)
            #expect(try await client.execute(uri: "/v1/generations/gen_1", method: .delete).status == .noContent)
            #expect(try await client.execute(uri: "/v1/generations/gen_9", method: .delete).status == .notFound)
        }
    }

    /// An unexpected error is a 500 that names the request; the log holds the error's own words under that id, with
    /// whatever could be a secret cut out.
    @Test func anUnexpectedErrorIsA500WhoseRequestIdLeadsToItsRedactedDescription() async throws {
        let token = String(repeating: "ab12", count: 16)
        var useCases = ScriptedGenerations(outcome: .failure(.invalidRequest("unused")))
        useCases.searchFailure =
            "disk I/O error reading blob \(token) for whsec_c2VjcmV0c2VjcmV0 at https://s3/b?X-Amz-Signature=f00&part=2"
        let log = CapturedLog()
        try await test(useCases, logger: log.logger()) { client in
            let response = try await client.execute(uri: "/v1/generations?q=fox", method: .get)
            #expect(response.status == .internalServerError)
            let requestID = try #require(response.headers[.init("X-Request-Id")!])
            #expect(String(buffer: response.body).contains("request id \(requestID)"))
            let entry = try #require(log.all.first { $0.message == "request failed" })
            #expect(entry.metadata["hb.request.id"] == requestID)
            let described = try #require(entry.metadata["error"])
            #expect(described.hasPrefix("disk I/O error reading blob ab12ab12…"), "\(described)")
            #expect(described.contains("part=2") && described.contains("X-Amz-Signature=…"), "\(described)")
            for secret in [token, "c2VjcmV0c2VjcmV0", "f00"] { #expect(!described.contains(secret), "\(described)") }
            let fine = try await client.execute(uri: "/v1/generations/gen_1", method: .get)
            #expect(fine.headers[.init("X-Request-Id")!]?.isEmpty == false, "every answer names its request")
        }
    }
}
