/// How the simulator behaves. Every field can be set by a flag of `eachvault simulator`.
public struct SimulatorSettings: Sendable {
    /// The key clients must present (`Authorization: Bearer` or `X-API-Key`).
    public var apiKey: String
    /// From create to a final status.
    public var runTime: Duration
    /// Size of each output file in bytes; nil for the natural size (a small clip plus its digest box).
    public var outputBytes: Int64?
    /// Between webhook delivery attempts (the provider: about 10 s; 3 attempts in all).
    public var webhookRetryInterval: Duration
    /// Faults armed from the start (the admin endpoint can change them).
    public var faults: SimulatorFaults

    public init(
        apiKey: String = "sim-key", runTime: Duration = .seconds(30), outputBytes: Int64? = nil,
        webhookRetryInterval: Duration = .seconds(10), faults: SimulatorFaults = SimulatorFaults()
    ) {
        self.apiKey = apiKey
        self.runTime = runTime
        self.outputBytes = outputBytes
        self.webhookRetryInterval = webhookRetryInterval
        self.faults = faults
    }
}
