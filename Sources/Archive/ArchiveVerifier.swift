/// Re-hashes every stored blob and says which are missing or corrupt.
public struct VerificationReport: Sendable {
    public var checked = 0
    public var bytes: Int64 = 0
    public var missing: [String] = []
    public var corrupt: [String] = []
    public var unreadable: [String] = []

    public var isClean: Bool { missing.isEmpty && corrupt.isEmpty && unreadable.isEmpty }
}

extension BlobStore {
    public func verify(_ assets: [Asset]) -> VerificationReport {
        var report = VerificationReport()
        for asset in assets {
            report.checked += 1
            switch check(asset) {
            case .intact: report.bytes += asset.size
            case .missing: report.missing.append(asset.sha256)
            case .corrupt: report.corrupt.append(asset.sha256)
            case .unreadable: report.unreadable.append(asset.sha256)
            }
        }
        return report
    }
}
