import HTTPTypes

extension HTTPFields {
    /// A header by its name as text (tests read many; the code under test uses `HTTPField.Name`).
    public subscript(_ name: String) -> String? { HTTPField.Name(name).flatMap { self[$0] } }
}
