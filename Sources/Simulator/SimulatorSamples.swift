import EachLabs

/// The sample input files the simulator serves at `/_simulator/samples/{name}`: two images, a second of silence as
/// MP3 and a short clip, so requests of every kind can name a real file of the kind their fields take.
public struct SimulatorSamples: Sendable {
    /// The name in the URL, the embedded fixture served and its type.
    public let name: String
    let fixture: String
    let contentType: String

    private static let all = [
        SimulatorSamples(name: "sample-first-frame.png", fixture: "sample-first-frame.png", contentType: "image/png"),
        SimulatorSamples(name: "sample-last-frame.png", fixture: "sample-last-frame.png", contentType: "image/png"),
        SimulatorSamples(name: "sample-voice.mp3", fixture: "sample-voice.mp3", contentType: "audio/mpeg"),
        SimulatorSamples(name: "sample-clip.mp4", fixture: "clip-square.mp4", contentType: "video/mp4"),
    ]

    private init(name: String, fixture: String, contentType: String) {
        (self.name, self.fixture, self.contentType) = (name, fixture, contentType)
    }

    init?(name: String) {
        guard let sample = Self.all.first(where: { $0.name == name }) else { return nil }
        self = sample
    }

    /// The URL of a sample that fits a media field (an image unless its name says video or audio; the last frame
    /// for fields of an end, last or tail image), on a simulator at `baseURL`.
    public static func url(forField field: String, simulatorURL baseURL: String) -> String {
        let name: String
        switch MediaKind(field: field) {
        case .audio: name = "sample-voice.mp3"
        case .video: name = "sample-clip.mp4"
        case .image, nil:
            let ending = ["end", "last", "tail"].contains { field.lowercased().contains($0) }
            name = ending ? "sample-last-frame.png" : "sample-first-frame.png"
        }
        return "\(baseURL)/_simulator/samples/\(name)"
    }
}
