// swift-tools-version:6.0
import PackageDescription
#if canImport(Foundation)
import Foundation
#endif

// The numeric kernels are compiled for Haswell-class CPUs (AVX2 + FMA: Intel 2013+, AMD Zen and
// later) so their SIMD code uses 256-bit registers; the rest of the program stays portable.
// PIPELINE_TARGET_CPU overrides it at build time (e.g. `x86-64` for older CPUs, `native`).
#if arch(x86_64)
let kernelCPU = ProcessInfo.processInfo.environment["PIPELINE_TARGET_CPU"] ?? "haswell"
let kernelSettings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", kernelCPU])]
// Code only ever called after a runtime check for AVX-512F (Kernels/CPUFeatures.swift).
let avx512Settings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "skylake-avx512"])]
#else
let kernelSettings: [SwiftSetting] = []
let avx512Settings: [SwiftSetting] = []
#endif

// Layering: each C library is imported by exactly one Swift module (Raster ← CGDAL,
// Messaging ← CZeroMQ, Kernels ← COpenBLAS, Checksum ← CSodium); domain modules never import C directly.
let package = Package(
    name: "UNetPipeline",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "pipeline", targets: ["PipelineCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        // Logs, Prometheus metrics and the HTTP endpoint that serves them (module Observability).
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // System libraries (Debian: libgdal-dev, libzmq3-dev, libopenblas-dev; see ops/install-deps.sh).
        .systemLibrary(name: "CGDAL", pkgConfig: "gdal", providers: [.apt(["libgdal-dev"])]),
        .systemLibrary(name: "CZeroMQ", pkgConfig: "libzmq", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),

        // Thin Swift layers over the C libraries.
        .target(name: "Raster", dependencies: ["CGDAL"]),
        .target(name: "Messaging", dependencies: ["CZeroMQ"]),
        .target(name: "Kernels", dependencies: ["COpenBLAS", "KernelsAVX512"], swiftSettings: kernelSettings),
        // The Winograd GEMM for AVX-512 CPUs, in its own module so only it is compiled for AVX-512.
        .target(name: "KernelsAVX512", swiftSettings: avx512Settings),
        // SHA-256 of models and payloads, on libsodium (which libzmq links already).
        .target(name: "Checksum", dependencies: ["CSodium"]),

        // Domain.
        .target(name: "Scene", dependencies: ["Raster"]),
        .target(name: "SceneSynthesis", dependencies: ["Scene", "Raster"]),
        // Map products from decided class masks (label raster, mask COGs, polygons, class areas),
        // and scores against ground truth.
        .target(name: "Exports", dependencies: ["Scene", "Raster"]),
        .target(name: "Evaluation", dependencies: ["Scene", "Raster"]),
        // Times exports and evaluation on a synthetic scene (ops/bench/exports.sh).
        .executableTarget(name: "ExportsBench", dependencies: ["Exports", "Evaluation", "Scene", "SceneSynthesis"]),
        // Inference engine: graph, passes, planned runtime, D4 TTA; ONNX import (generated code in Sources/ONNX/Generated).
        .target(name: "Inference", dependencies: ["Kernels"]),
        .target(name: "ONNX", dependencies: ["Inference", "Kernels", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
                exclude: ["Generated/onnx.proto", "Generated/regenerate.sh"]),
        // Native training: layers with forward/backward, the U-Net, Jaccard-BCE loss, Adam, checkpoints, ONNX export.
        .target(name: "Training", dependencies: ["Kernels", "ONNX"], exclude: ["README.md"]),
        // Training throughput on random data (ops/bench/training-vs-pytorch.sh).
        .executableTarget(name: "TrainingBenchmark", dependencies: ["Training"]),
        // Pipeline definitions (YAML): schema, validation with file:line errors, version upgrades.
        .target(name: "PipelineConfig", dependencies: ["Yams"]),
        // Post-processing rules on stitched probabilities (thresholds, exclusions, minimum areas,
        // morphology, spectral indices), in strips; class catalogues become ClassSets here.
        .target(name: "PostProcessing", dependencies: ["Scene", "Raster", "PipelineConfig"]),
        // After stitching, written once for every run and for `pipeline export`: rules, exports, the run report.
        .target(name: "Maps", dependencies: ["PostProcessing", "Exports", "Distributed", "PipelineConfig", "Scene", "Raster"]),
        // Running a training: labelled scenes in memory, class-balanced D4 patches, validation by pooled
        // Jaccard, checkpoints and resume, metrics CSV and TensorBoard event files.
        .target(name: "TrainingRun", dependencies: ["Training", "Scene", "Raster"]),
        // Coordinator and workers over ZeroMQ: wire protocol, scheduling, journal, resume.
        .target(name: "Distributed", dependencies: ["Scene", "Raster", "Messaging", "Checksum", .product(name: "Logging", package: "swift-log")],
                exclude: ["PROTOCOL.md"]),
        // Log handlers (human lines, JSON lines), the Prometheus registry behind Distributed's metrics
        // protocols, and the HTTP endpoint serving it (SwiftNIO stays out of the other modules).
        .target(name: "Observability", dependencies: [
            "Distributed",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),

        // The `pipeline` command-line tool: thin commands over the libraries.
        .executableTarget(
            name: "PipelineCLI",
            dependencies: [
                "Raster", "Scene", "SceneSynthesis", "PipelineConfig", "PostProcessing", "Exports", "Evaluation", "Maps", "Training", "TrainingRun", "Distributed", "Inference", "ONNX", "Kernels", "Messaging", "Checksum", "Observability",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // ops/bench/postprocess.sh's driver: times a rule set on a synthetic scene's probabilities.
        .executableTarget(name: "PostProcessingBench", dependencies: ["PostProcessing", "PipelineConfig", "SceneSynthesis", "Scene", "Raster"],
                          path: "ops/bench/PostProcessingBench"),

        // Helpers shared by the test targets (temporary folders, seeded random numbers, a small scene).
        .target(name: "TestSupport", dependencies: ["Raster", "Scene"], path: "Tests/TestSupport"),
        .testTarget(name: "RasterTests", dependencies: ["Raster", "TestSupport"]),
        .testTarget(name: "MessagingTests", dependencies: ["Messaging"]),
        .testTarget(name: "ChecksumTests", dependencies: ["Checksum"]),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "KernelsAVX512", "TestSupport"]),
        .testTarget(name: "InferenceTests", dependencies: ["Inference", "ONNX", "Kernels"], exclude: ["Fixtures"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "ONNX", "Inference", "Kernels"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ONNXTests", dependencies: ["ONNX", "Inference", "Kernels"]),
        .testTarget(name: "SceneSynthesisTests", dependencies: ["SceneSynthesis", "Scene", "Raster", "TestSupport"]),
        .testTarget(name: "SceneTests", dependencies: ["Scene", "Raster", "TestSupport"]),
        .testTarget(name: "ExportsTests", dependencies: ["Exports", "Evaluation", "Scene", "SceneSynthesis", "Raster", "TestSupport"]),
        .testTarget(name: "DistributedTests", dependencies: ["Distributed", "Scene", "Raster", "Messaging", "TestSupport"]),
        .testTarget(name: "ObservabilityTests", dependencies: ["Observability", "Distributed", "Scene", "Raster", "Messaging", "TestSupport",
                                                               .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "TrainingRunTests", dependencies: ["TrainingRun", "Scene", "SceneSynthesis", "Raster", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "PipelineConfigTests", dependencies: ["PipelineConfig", "Yams"]),
        .testTarget(name: "PostProcessingTests", dependencies: ["PostProcessing", "PipelineConfig", "Scene", "Raster", "TestSupport"]),
        // Runs the built `pipeline` binary; `swift build` must have built it (ops/test.sh does).
        .testTarget(name: "PipelineCLITests", dependencies: ["Messaging", "TestSupport"], exclude: ["Fixtures"]),
    ]
)
