import Foundation
import VaultDomain

/// A generation's life cycle as EachVault reports it, stored as its raw value.
extension GenerationStatus: SQLValueConvertible {}

extension Date {
    /// Unix seconds: how times are stored and bound in SQL.
    public var unix: Double { timeIntervalSince1970 }
}
