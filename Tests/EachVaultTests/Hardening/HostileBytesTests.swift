@testable import Storage
import Blobs
import EachLabs
import Foundation
import HTTPSupport
import HTTPTypes
import Media
@testable import StoreSQLite
import TestSupport
import Testing
@testable import Transport
@testable import VaultAPI
@testable import Workers

/// Bytes from outside reach parsers that must answer with an error, never trap: each case here once crashed the
/// whole service (or would have).
@Suite(.timeLimit(.minutes(5))) struct HostileBytesTests {
    let directory: TempDirectory

    init() throws {
        directory = try TempDirectory()
    }

    private func write(_ bytes: [UInt8]) throws -> URL {
        let url = directory.url.appending(path: "\(UUID().uuidString).mp4")
        try Data(bytes).write(to: url)
        return url
    }

    private static func box(_ type: String, size: UInt32) -> [UInt8] {
        withUnsafeBytes(of: size.bigEndian, Array.init) + Array(type.utf8)
    }

    /// A 32-byte file whose `ftyp` claims a 64-bit size near 2^64: `offset + size` overflowed.
    @Test func aTopLevelBoxSizeNear2To64IsMalformedNotATrap() async throws {
        let huge: UInt64 = .max - 7
        let bytes =
            Self.box("ftyp", size: 1) + withUnsafeBytes(of: huge.bigEndian, Array.init) + Array("isom".utf8)
            + [UInt8](repeating: 0, count: 12)
        #expect(bytes.count == 32)
        #expect(throws: MediaProbeError.self) { try MediaProbe.inspect(fileAt: write(bytes)) }
        #expect(throws: MediaProbeError.self) { try MediaProbe.inspect(data: Data(bytes)) }
        // The same file as an upload, an inline input or an input download goes through `Asset.describing`.
        #expect(throws: MediaProbeError.self) {
            try Asset.describing(fileAt: write(bytes), sha256: "x", size: 32, videoOnly: true, storedAt: Date())
        }
    }

    /// Inside `moov`, a child's 64-bit size near 2^64 overflowed `offset + size` in the container walk.
    @Test func aNestedBoxSizeNear2To64IsMalformedNotATrap() async throws {
        let child = Self.box("trak", size: 1) + withUnsafeBytes(of: (UInt64.max - 3).bigEndian, Array.init)
        let movie = Self.box("moov", size: UInt32(8 + child.count + 8)) + child + [UInt8](repeating: 0, count: 8)
        let bytes = Self.box("ftyp", size: 12) + Array("isom".utf8) + movie + Self.box("mdat", size: 8)
        #expect(throws: MediaProbeError.self) { try MediaProbe.inspect(fileAt: write(bytes)) }
    }

    /// The in-memory reader (the fuzzer's) sees exactly what the file reader sees.
    @Test(arguments: ["clip-landscape.mp4", "clip-portrait.mp4", "clip-square.mp4"])
    func probingBytesInMemoryEqualsProbingTheFile(name: String) async throws {
        let data = try Fixtures.data(name)
        #expect(try MediaProbe.inspect(data: data) == MediaProbe.inspect(fileAt: write(Array(data))))
        for cut in [0, 8, 100, data.count / 2, data.count - 1] {
            #expect(throws: MediaProbeError.self) { try MediaProbe.inspect(data: data.prefix(cut)) }
        }
    }

    @Test(arguments: [Int.max, Int.max - 10, 1_000_001, -1, Int.min])
    func aCursorOffsetOutOfRangeIsRefused(offset: Int) async throws {
        let json = #"{"k":0,"s":1,"o":\#(offset),"m":1,"f":"ab"}"#
        let token = Data(json.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
        #expect(SearchCursor(token: token) == nil)
    }

    /// The deepest cursor a client can hand in runs to an empty page (the window it asks for stays bounded).
    @Test func theDeepestAcceptedCursorRunsToAnEmptyPage() async throws {
        let database = try AppDatabase.inMemory()
        var query = GenerationQuery(teamID: "t", text: "dragon")
        query.cursor = SearchCursor(
            sortKey: 0, seq: 1, offset: SearchCursor.maxOffset, snapshotSeq: 1,
            fingerprint: query.fingerprint)
        let token = try #require(query.cursor?.token)
        #expect(SearchCursor(token: token) == query.cursor)
        await #expect(try database.search(query).hits.isEmpty)
    }

    @Test(arguments: [";", "", " ; ", "/", "text/", "/html", "a b/c", "video/mp4\r\nX-Injected: 1", "ä/b"])
    func malformedMediaTypesAreRefused(value: String) {
        #expect(HTTPSyntax.mediaTypeEssence(of: value) == nil)
    }

    @Test func wellFormedMediaTypesKeepTheirEssence() {
        #expect(HTTPSyntax.mediaTypeEssence(of: "Image/PNG; charset=x") == "image/png")
        #expect(HTTPSyntax.mediaTypeEssence(of: "application/vnd.api+json") == "application/vnd.api+json")
    }

    /// A data URI's media type once flowed into the provider upload's headers verbatim.
    @Test func aDataURIWithCRLFInItsMediaTypeIsNotAFile() {
        #expect(InlineFile(dataURI: "data:image/png\r\nX-Evil: 1;base64,iVBORw0KGgo=") == nil)
        #expect(InlineFile(dataURI: "data:;base64,iVBORw0KGgo=") != nil)
        #expect(InlineFile(dataURI: "data:image/png;base64,iVBORw0KGgo=") != nil)
        #expect(InlineFile(dataURI: "data:base64,iVBORw0KGgo=") == nil)
    }

    /// Refused before anything is sent (not merely failing to connect: nothing listens on the discard port).
    @Test(arguments: [("Content-Type", "image/png\r\nX-Injected: 1"), ("X-Bad\nName", "1"), ("X-A: b", "1")])
    func theTransportRefusesHeadersThatWouldInjectOthers(header: (String, String)) async {
        let refusal = TransportError.notSent("a request header holds a control character or an invalid name")
        await #expect(throws: refusal) {
            _ = try await CurlTransport().send(HTTPRequest(url: "http://127.0.0.1:9/", headers: [header]))
        }
    }

    @Test func contentRangeAnswersGiveTheirFirstByteOrNothing() {
        #expect(HTTPSyntax.contentRangeStart("bytes 100-199/1000") == 100)
        #expect(HTTPSyntax.contentRangeStart("BYTES 7-8/9") == 7)
        for value in ["bytes */1000", "bytes 99999999999999999999-1/2", "items 1-2/3", "bytes", "", "bytes -5/9"] {
            #expect(HTTPSyntax.contentRangeStart(value) == nil, "\(value)")
        }
    }

    @Test(arguments: ["inf", "1e300", "nan", "-1", "99999999999999999999"])
    func anAbsurdRetryAfterIsBoundedNotATrap(value: String) {
        var headers = HTTPFields()
        headers[.retryAfter] = value
        let wait = HTTPResponse(status: 429, headers: headers).retryAfter
        #expect(wait == nil || wait! <= .seconds(HTTPResponse.maxRetryAfterSeconds))
    }

    @Test func aRetryAfterDateIsReadAsTheWaitUntilThen() async throws {
        var headers = HTTPFields()
        headers[.retryAfter] = Date().addingTimeInterval(120).formatted(HTTPResponse.httpDate)
        let wait = try #require(HTTPResponse(status: 503, headers: headers).retryAfter)
        #expect(wait > .seconds(100) && wait <= .seconds(120))
        headers[.retryAfter] = "Sun, 06 Nov 1994 08:49:37 GMT"  // passed: no wait
        #expect(HTTPResponse(status: 503, headers: headers).retryAfter == .zero)
        headers[.retryAfter] = "Sunday, 06-Nov-94 08:49:37 GMT"  // obsolete forms are not honoured
        #expect(HTTPResponse(status: 503, headers: headers).retryAfter == nil)
    }

    @Test func outsideDurationsAreClamped() {
        #expect(Duration.seconds(clamping: .infinity, limit: 10) == .seconds(10))
        #expect(Duration.seconds(clamping: .nan, limit: 10) == .zero)
        #expect(Duration.seconds(clamping: 1e300, limit: 10) == .seconds(10))
        #expect(Duration.seconds(clamping: -5, limit: 10) == .zero)
    }

    /// Any header against any size: a decision never names a byte outside the representation.
    @Test func rangesStayInsideTheRepresentationWhateverTheHeader() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["bytes=", "-", ",", "0", "1", "9", "99999999999999999999", " ", "=", "items", "\u{0661}", "a"]
        for _ in 0..<20_000 {
            let header = (0..<Int.random(in: 0..<8, using: &generator))
                .map { _ in pieces.randomElement(using: &generator)! }.joined()
            let size = [Int64(0), 1, 100, Int64.random(in: 0...(1 << 40), using: &generator)]
                .randomElement(using: &generator)!
            let decision = RangeDecision(rangeHeader: header, size: size)
            if let bytes = decision.bytes(size: size) {
                #expect(bytes.lowerBound >= 0 && bytes.upperBound < size, "\(header) of \(size)")
            }
        }
    }

    /// Any bytes as a cursor: a cursor or nothing, never a trap (the API answers nothing with a 400).
    @Test func anyBytesAsACursorAreACursorOrNothing() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0..<96, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let json =
                #"{"k":\#(Double.random(in: -1e9...1e9)),"s":\#(Int64.random(in: .min ... .max)),"o":\#(Int.random(in: .min ... .max)),"m":1,"f":"x"}"#
            for token in [
                String(decoding: bytes, as: UTF8.self), Data(bytes).base64EncodedString(),
                Data(json.utf8).base64EncodedString(),
            ] {
                if let cursor = SearchCursor(token: token) {
                    #expect((0...SearchCursor.maxOffset).contains(cursor.offset))
                }
            }
        }
    }
}

/// Response headers as libcurl hands them over: every repeated field kept, hostile names dropped.
@Suite(.timeLimit(.minutes(5))) struct ResponseHeaderTests {
    @Test func repeatedFieldsAreAllKeptAndMalformedNamesIgnored() {
        var headers = HTTPFields()
        for line in [
            "Set-Cookie: a=1\r\n", "set-cookie: b=2\r\n", "Bad Name: x\r\n", "no colon\r\n", ": empty\r\n",
            "Content-Length:  42 \r\n",
        ] {
            headers.append(rawLine: line)
        }
        #expect(headers[values: .setCookie] == ["a=1", "b=2"])
        #expect(headers[.contentLength] == "42")
        #expect(headers.count == 3)
    }
}

/// NUL reaches no field on either database: PostgreSQL would refuse it deep inside (a 500), SQLite would store it.
@Suite(.timeLimit(.minutes(5))) struct NULRefusalTests {
    @Test(arguments: StoreBackend.allCases)
    func aNULInAnyTextFieldOrQueryParameterIsRefusedSayingSo(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            let create = try await harness.raw(
                "POST", "/v1/generations",
                body: #"{"model": "pixverse-v5-6-text-to-video", "input": {"prompt": "a fox\u0000 at dusk"}}"#)
            #expect(create.status == 422 && create.body.contains("NUL"), "\(create.body)")
            let search = try await harness.raw("GET", "/v1/generations?q=fox%00")
            #expect(search.status == 400 && search.body.contains("NUL"), "\(search.body)")
            // An escaped backslash before u0000 is text, not a NUL.
            let text = try await harness.raw(
                "POST", "/v1/generations",
                body: #"{"model": "pixverse-v5-6-text-to-video", "input": {"prompt": "a path C:\\u0000 is text"}}"#)
            #expect(text.status == 201, "\(text.body)")
            let created = try JSONDecoder().decode([String: JSONValue].self, from: Data(text.body.utf8))
            guard case .string(let id)? = created["id"] else { return }
            let note = try await harness.raw("PATCH", "/v1/generations/\(id)", body: #"{"note": "\u0000"}"#)
            #expect(note.status == 422)
            #expect(await harness.simulator.stats().creates <= 1, "the refused create reached nobody")
        }
    }
}
