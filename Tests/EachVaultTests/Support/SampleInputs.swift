import EachLabs
import Simulator

extension RequestSchema {
    /// `input` with every media value replaced by a simulator sample of the kind its field takes (an image, the
    /// MP3 or the clip): requests that pass EachVault's media checks as a real user's files would.
    func withSamples(_ input: [String: JSONValue], simulatorURL: String) -> [String: JSONValue] {
        var result = input
        for (field, value) in input where Self.isMediaField(field, type: properties[field]?.type) {
            let sample = JSONValue.string(SimulatorSamples.url(forField: field, simulatorURL: simulatorURL))
            switch value {
            case .string: result[field] = sample
            case .array(let items): result[field] = .array(items.map { _ in sample })
            default: continue
            }
        }
        return result
    }

    /// Whether every media field takes images (or any media): requests that need no audio or video sample.
    var takesOnlyImages: Bool {
        properties.allSatisfy { field, property in
            !Self.isMediaField(field, type: property.type) || [.image, nil].contains(MediaKind(field: field))
        }
    }
}
