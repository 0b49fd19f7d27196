import Storage

/// The parts of the archive's store that run on PostgreSQL so far: through the logic written once for both
/// databases (`SQLArchive`), or PostgreSQL's own where the databases differ.
extension PostgresArchive: AccessStore, CatalogueStore, GenerationStore, SearchStore, ShareStore, ImportStore, SubmissionStore,
    PollingStore, WebhookStore, FileStore, DerivedFileStore, EndpointStore, OperationsStore
{}
