// swift-tools-version:6.1
import PackageDescription

/// `EACHVAULT_FUZZ=1` (set by `make fuzz`): the project's own targets are compiled with libFuzzer's coverage
/// instrumentation and the fuzz entry point; build tools and dependencies stay as they are.
let fuzzing = Context.environment["EACHVAULT_FUZZ"] == "1"
let fuzzFlags: [SwiftSetting] = fuzzing ? [.unsafeFlags(["-sanitize=fuzzer", "-D", "FUZZING"])] : []
/// libFuzzer without its `main` (SwiftPM gives the executable one, which hands over to `LLVMFuzzerRunDriver`):
/// `make fuzz-build` finds the toolchain's `libclang_rt.fuzzer_no_main` and passes its path.
let fuzzDriver = fuzzing ? Context.environment["EACHVAULT_FUZZ_DRIVER"] : nil
let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")] + fuzzFlags

let package = Package(
    name: "EachVault",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "eachvault", targets: ["eachvault"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", from: "0.12.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // Build-time embedding of data files (migrations, simulator fixtures) into the binary.
        .executableTarget(name: "embed-files", path: "Sources/embed-files"),
        .plugin(name: "EmbedFiles", capability: .buildTool(), dependencies: ["embed-files"]),

        // libcurl, the one outbound HTTP stack.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(
            name: "Transport",
            dependencies: [
                "CCurl", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strict),

        // S3-compatible object storage: SigV4 signing, the client, configuration from the AWS variables.
        .target(
            name: "ObjectStorage",
            dependencies: [
                "Transport", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strict),

        // The each::labs contract: wire types, schema validation, the provider client.
        .target(
            name: "EachLabs",
            dependencies: [
                "Transport", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),

        // The words storage and the API share: a generation's statuses, the events it announces, how spend is
        // grouped, the snake_case naming rule and the one JSON configuration. Foundation only.
        .target(name: "VaultDomain", swiftSettings: strict),

        // EachVault's own wire contract: the API's request and answer types, shared by the server and its clients.
        .target(name: "VaultContract", dependencies: ["VaultDomain", "EachLabs"], swiftSettings: strict),

        // A client of a running EachVault (the CLI's remote commands, the demo): the contract over Transport.
        .target(name: "VaultAPIClient", dependencies: ["VaultContract", "VaultDomain", "EachLabs", "Transport"], swiftSettings: strict),

        // What a file is, from its bytes: MP4 probing (duration, size, codecs, audio) and media sniffing.
        .target(name: "Media", swiftSettings: strict),

        // Storage's interface: records, the store protocols (`ArchiveStore`), the generation's life as a state
        // machine, the queues' rules, search queries, and the logic written once for both databases over `SQLSession`
        // and its SQL builder. No database imported.
        .target(
            name: "Storage",
            dependencies: ["EachLabs", "VaultDomain", "Transport", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),

        // Where the archive's files live: the content-addressed blob store over a backend (temp file, SHA-256, fsync,
        // then the folder or the object store), verification, copies between backends, and a file's record from its
        // bytes.
        .target(
            name: "Blobs", dependencies: ["Storage", "ObjectStorage", "Transport", "Media"], swiftSettings: strict),

        // The store in SQLite (GRDB): the embedded default. Its schema (`migrations/sqlite`), the work queues read
        // through partial indexes, FTS5 search, backups.
        .target(
            name: "StoreSQLite",
            dependencies: [
                "Storage", "Transport", "EachLabs", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            exclude: ["embed.txt"],
            swiftSettings: strict,
            plugins: ["EmbedFiles"]),

        // Use cases and background work: submission, uploads, polling, downloads, imports.
        .target(
            name: "Workers",
            dependencies: [
                "Storage", "Blobs", "EachLabs", "Media", "Transport", "VaultContract", "VaultDomain",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),

        // HTTP helpers shared by the API and the simulator: RFC 9110 byte ranges, JSON answers.
        .target(
            name: "HTTPSupport",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),

        // The team-facing HTTP API.
        .target(
            name: "VaultAPI",
            dependencies: [
                "Storage", "Blobs", "Workers", "HTTPSupport", "Transport", "VaultContract", "VaultDomain", "EachLabs", "Media",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            exclude: ["embed.txt", "Pages/Templates", "Pages/Strings", "Pages/Assets", "OpenAPI"],
            swiftSettings: strict,
            plugins: ["EmbedFiles"]),

        // The bundled each::labs simulator.
        .target(
            name: "Simulator",
            dependencies: [
                "EachLabs", "HTTPSupport", "Transport", .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            exclude: ["embed.txt", "Fixtures"],
            swiftSettings: strict,
            plugins: ["EmbedFiles"]),

        // The store on PostgreSQL (postgres-nio, no GRDB): its schema (`migrations/postgres`), applied under a lock, and the copy of an
        // SQLite archive into it (`eachvault migrate-database`).
        .target(
            name: "StorePostgres",
            dependencies: [
                "Storage", "Transport", "EachLabs", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            exclude: ["embed.txt"],
            swiftSettings: strict,
            plugins: ["EmbedFiles"]),

        // Configuration and assembly of the running service; the demo.
        .target(
            name: "VaultRuntime",
            dependencies: [
                "VaultAPI", "Workers", "HTTPSupport", "Storage", "Blobs", "StoreSQLite", "StorePostgres", "ObjectStorage",
                "Transport", "VaultContract", "VaultDomain", "EachLabs", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict),

        // `eachvault mcp`: the team's archive as tools for AI agents (Model Context Protocol over stdio), through the
        // service's API.
        .target(
            name: "VaultMCP",
            dependencies: ["VaultAPIClient", "VaultContract", "VaultDomain", "EachLabs", .product(name: "MCP", package: "swift-sdk")],
            swiftSettings: strict),

        // The one thin executable.
        .executableTarget(
            name: "eachvault",
            dependencies: [
                "VaultRuntime", "Simulator", "Storage", "Blobs", "StoreSQLite", "Workers", "VaultContract", "VaultDomain", "VaultAPIClient",
                "EachLabs", "VaultMCP",
                "StorePostgres", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),

        // A large generated archive shared by the search tests and the search benchmark.
        .target(name: "SearchCorpus", dependencies: ["Storage", "EachLabs"], swiftSettings: strict),

        // Benchmarks of the hot paths: `make bench`.
        .executableTarget(
            name: "eachvault-bench",
            dependencies: [
                "VaultRuntime", "Simulator", "Storage", "StoreSQLite", "Transport", "EachLabs", "SearchCorpus", "VaultContract", "VaultDomain",
                "Media",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/EachVaultBench"),

        // libFuzzer targets for every parser that sees outside bytes: `make fuzz` (and a short run in `make test`).
        .target(name: "CFuzzerDriver", path: "Fuzz/CFuzzerDriver"),
        .executableTarget(
            name: "eachvault-fuzz",
            dependencies: [
                "Storage", "StoreSQLite", "EachLabs", "HTTPSupport", "ObjectStorage", "Transport", "VaultAPI", "Workers",
                "Media", "StorePostgres", "CFuzzerDriver",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Fuzz/EachVaultFuzz", swiftSettings: strict,
            linkerSettings: fuzzDriver.map {
                [
                    .unsafeFlags([
                        "-Xlinker", "--whole-archive", "-Xlinker", $0,
                        "-Xlinker", "--no-whole-archive", "-lstdc++",
                    ])
                ]
            } ?? []),

        // Tests by layer (docs/testing.md): what every layer shares, units without I/O, the router without a
        // socket (`make unit` runs these two), and the system with real servers, processes and files.
        .target(
            name: "TestSupport",
            dependencies: [
                "Storage", "Blobs", "ObjectStorage", .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(
            name: "UnitTests",
            dependencies: [
                "TestSupport", "Storage", "Blobs", "StoreSQLite", "Workers", "VaultAPI", "Transport", "EachLabs",
                "VaultContract", "VaultDomain", "SearchCorpus", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "RouterTests",
            dependencies: [
                "TestSupport", "Storage", "Blobs", "StoreSQLite", "Workers", "VaultAPI", "Transport", "EachLabs",
                "VaultContract", "VaultDomain", .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "EachVaultTests",
            dependencies: [
                "TestSupport", "VaultRuntime", "Simulator", "Workers", "Storage", "Blobs", "StoreSQLite", "VaultAPI",
                "Transport", "EachLabs",
                "VaultContract", "VaultDomain", "VaultAPIClient", "SearchCorpus", "HTTPSupport", "ObjectStorage", "StorePostgres", "Media",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: strict),
    ]
)
