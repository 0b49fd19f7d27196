import EachLabs
import Foundation
import TestSupport
import Testing

struct WebhookVector: Decodable, CustomTestStringConvertible {
    var name: String
    var secret: String
    var timestamp: Int
    var body: String
    var signatureHeader: String

    enum CodingKeys: String, CodingKey {
        case name, secret, timestamp, body
        case signatureHeader = "signature_header"
    }

    var testDescription: String { name }

    static let all: (valid: [WebhookVector], invalid: [WebhookVector]) = {
        struct File: Decodable {
            var valid: [WebhookVector]
            var invalid: [WebhookVector]
        }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Fixtures/webhook-vectors.json")
        let file = try! JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        return (file.valid, file.invalid)
    }()
}

@Suite(.timeLimit(.minutes(5))) struct WebhookSignatureTests {
    @Test(arguments: WebhookVector.all.valid)
    func validVectorsAreAccepted(_ vector: WebhookVector) {
        let now = Date(timeIntervalSince1970: Double(vector.timestamp) + 30)
        #expect(
            WebhookSignature.verify(
                signatureHeader: vector.signatureHeader, timestampHeader: String(vector.timestamp),
                body: Data(vector.body.utf8), secret: vector.secret, now: now) == .valid)
        #expect(
            WebhookSignature.header(
                body: Data(vector.body.utf8), timestamp: vector.timestamp,
                secret: vector.secret) == vector.signatureHeader)
    }

    @Test(arguments: WebhookVector.all.invalid)
    func invalidVectorsAreRejected(_ vector: WebhookVector) {
        let now = Date(timeIntervalSince1970: Double(vector.timestamp))
        let verdict = WebhookSignature.verify(
            signatureHeader: vector.signatureHeader,
            timestampHeader: String(vector.timestamp), body: Data(vector.body.utf8),
            secret: vector.secret, now: now)
        #expect(verdict != .valid)
    }

    @Test func staleAndMissingPartsAreRejected() async throws {
        let vector = try #require(WebhookVector.all.valid.first)
        let body = Data(vector.body.utf8)
        func verdict(_ signature: String?, _ timestamp: String?, now offset: Double) -> WebhookVerdict {
            WebhookSignature.verify(
                signatureHeader: signature, timestampHeader: timestamp, body: body,
                secret: vector.secret, now: Date(timeIntervalSince1970: Double(vector.timestamp) + offset))
        }
        #expect(verdict(vector.signatureHeader, String(vector.timestamp), now: 301) == .rejected(.staleTimestamp))
        #expect(verdict(vector.signatureHeader, String(vector.timestamp), now: -301) == .rejected(.staleTimestamp))
        #expect(verdict(vector.signatureHeader, String(vector.timestamp), now: 299) == .valid)
        #expect(verdict(nil, String(vector.timestamp), now: 0) == .rejected(.missingSignature))
        #expect(verdict(vector.signatureHeader, nil, now: 0) == .rejected(.malformedTimestamp))
        #expect(verdict("sha256=zz", String(vector.timestamp), now: 0) == .rejected(.malformedSignature))
        #expect(
            verdict(
                vector.signatureHeader.uppercased().replacingOccurrences(of: "SHA256=", with: "sha256="),
                String(vector.timestamp), now: 0) == .valid)
    }

    @Test func legacySecretsCompareExactly() {
        #expect(WebhookSignature.verifyLegacySecret("whsec_1", secret: "whsec_1"))
        #expect(!WebhookSignature.verifyLegacySecret("whsec_", secret: "whsec_1"))
        #expect(!WebhookSignature.verifyLegacySecret("whsec_2", secret: "whsec_1"))
        #expect(!WebhookSignature.verifyLegacySecret(nil, secret: "whsec_1"))
    }

    @Test(arguments: WebhookVector.all.valid)
    func bothPayloadShapesAreUnderstood(_ vector: WebhookVector) async throws {
        let payload = try JSONDecoder().decode(WebhookPayload.self, from: Data(vector.body.utf8))
        #expect(payload.execID.hasPrefix("pred-"))
        switch payload.outcome {
        case .success: #expect(!payload.outputURLs.isEmpty)
        case .error: #expect(!payload.failure.message.isEmpty)
        default: Issue.record("unexpected status \(payload.status)")
        }
        if vector.name == "failed-error-object" { #expect(payload.failure.code != "PROVIDER_FAILED") }
    }
}
