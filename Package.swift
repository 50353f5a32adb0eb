// swift-tools-version:6.0
import PackageDescription

// Layering: each C library is imported by exactly one Swift module (Raster ← CGDAL,
// Messaging ← CZeroMQ, Kernels ← COpenBLAS); domain modules never import C directly.
let package = Package(
    name: "UNetPipeline",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "pipeline", targets: ["PipelineCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // System libraries (Debian: libgdal-dev, libzmq3-dev, libopenblas-dev; see ops/install-deps.sh).
        .systemLibrary(name: "CGDAL", pkgConfig: "gdal", providers: [.apt(["libgdal-dev"])]),
        .systemLibrary(name: "CZeroMQ", pkgConfig: "libzmq", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),

        // Thin Swift layers over the C libraries.
        .target(name: "Raster", dependencies: ["CGDAL"]),
        .target(name: "Messaging", dependencies: ["CZeroMQ"]),
        .target(name: "Kernels", dependencies: ["COpenBLAS"]),

        // Domain.
        .target(name: "Scene", dependencies: ["Raster"]),
        .target(name: "SceneSynthesis", dependencies: ["Scene", "Raster"]),
        // Pipeline definitions (YAML): schema, validation with file:line errors, version upgrades.
        .target(name: "PipelineConfig", dependencies: ["Yams"]),

        // The `pipeline` command-line tool: thin commands over the libraries.
        .executableTarget(
            name: "PipelineCLI",
            dependencies: [
                "Raster", "Scene", "SceneSynthesis", "PipelineConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "RasterTests", dependencies: ["Raster"]),
        .testTarget(name: "MessagingTests", dependencies: ["Messaging"]),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels"]),
        .testTarget(name: "SceneSynthesisTests", dependencies: ["SceneSynthesis", "Scene", "Raster"]),
        .testTarget(name: "SceneTests", dependencies: ["Scene", "Raster"]),
        .testTarget(name: "PipelineConfigTests", dependencies: ["PipelineConfig", "Yams"]),
        // Runs the built `pipeline` binary; `swift build` must have built it (ops/test.sh does).
        .testTarget(name: "PipelineCLITests"),
    ]
)
