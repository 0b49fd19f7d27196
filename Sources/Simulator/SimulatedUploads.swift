import EachLabs
import Foundation

/// The provider's upload flow as the simulator keeps it: presigned slots, each filled once by a PUT that carries
/// the slot's content type and required headers within 15 minutes, then served at its public URL.
actor SimulatedUploads {
    struct Slot {
        var contentType: String
        var token: String
        var presignedUntil: Date
        var bytes: Data?
    }

    private var slots: [String: Slot] = [:]
    private(set) var presigns = 0
    private(set) var puts = 0

    static let tokenHeader = "x-eachlabs-upload-token"
    static let presignLifetime: TimeInterval = 15 * 60

    func presign(contentType: String, baseURL: String, now: Date) -> PresignedUpload {
        presigns += 1
        let id = "upl_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let token = UUID().uuidString.lowercased()
        let until = now.addingTimeInterval(Self.presignLifetime)
        slots[id] = Slot(contentType: contentType, token: token, presignedUntil: until)
        return PresignedUpload(
            id: id, presignedURL: "\(baseURL)/_uploads/\(id)?signature=\(token)",
            publicURL: "\(baseURL)/uploads/\(id)", expiresAt: until.formatted(.iso8601),
            requiredHeaders: [Self.tokenHeader: token])
    }

    enum PutOutcome: Equatable { case stored, unknown, forbidden(String), tooLarge }

    func put(id: String, signature: String?, contentType: String?, token: String?, bytes: Data, now: Date)
        -> PutOutcome
    {
        guard var slot = slots[id] else { return .unknown }
        guard signature == slot.token, token == slot.token else {
            return .forbidden("the signature or the required headers are missing or wrong")
        }
        guard now < slot.presignedUntil else { return .forbidden("the upload URL has expired") }
        guard contentType?.lowercased() == slot.contentType.lowercased() else {
            return .forbidden("Content-Type must be \(slot.contentType), as presigned")
        }
        guard Int64(bytes.count) <= PresignedUpload.maxBytes else { return .tooLarge }
        puts += 1
        slot.bytes = bytes
        slots[id] = slot
        return .stored
    }

    func file(id: String) -> (contentType: String, bytes: Data)? {
        guard let slot = slots[id], let bytes = slot.bytes else { return nil }
        return (slot.contentType, bytes)
    }
}
