import Distributed
import Foundation
import Inference
import Kernels
import Maps
import ONNX
import PipelineConfig
import Scene

/// What every command that runs a pipeline needs, built from the YAML and the scene folder, with
/// every check that can fail done before any work starts.
struct PipelineSetup {
    let spec: PipelineSpec
    let stack: SceneStack
    let options: TilingOptions
    /// Tile size and overlap, and whether they were chosen for the model (see `AutomaticTiling`).
    let tiling: TilingChoice
    let model: TileModel
    let package: ModelPackage
    /// The map stages (rules, exports); nil when the pipeline names no class catalogue.
    let map: MapSettings?
    /// The scene bands the rule set reads; nil when it reads none.
    let bands: SceneBandStrips?

    /// `threads`: for a model run in this process; `memoryBudgetBytes`: what automatic tiling may use.
    init(pipeline: String, scene: String, sceneID: String?, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
         memoryBudgetBytes: Int = AutomaticTiling.defaultBudgetBytes) throws {
        let spec = try PipelineSpec.load(path: pipeline)
        try self.init(spec: spec, sources: spec.sceneSources(sceneDirectory: scene, sceneID: sceneID), threads: threads, memoryBudgetBytes: memoryBudgetBytes)
    }

    /// For a pipeline already read, on the given scene files (a scene of a batch: `BatchRun`).
    init(spec: PipelineSpec, sources: [SceneSource], threads: Int = ProcessInfo.processInfo.activeProcessorCount,
         memoryBudgetBytes: Int = AutomaticTiling.defaultBudgetBytes) throws {
        self.spec = spec
        stack = try SceneStack(sources: sources, reference: spec.scene.reference)
        try spec.validateStackedBandCount(stack.bandCount)
        switch spec.model {
        case .identity:
            tiling = ModelTiling.choose(spec: spec, graph: nil, stack: stack, tta: false, budgetBytes: memoryBudgetBytes)
            options = try spec.tilingOptions(stackBandCount: stack.bandCount, modelNormalization: nil, tiling: tiling)
            let identity = try spec.identityModel(stackBandCount: stack.bandCount)
            model = identity
            package = try ModelPackage.identity(identity, normalization: options.normalization)
        case .onnx(let onnx):
            let where_ = spec.locations.describe(FieldPath.root.key("model").key("path"))
            let bytes: Data
            do { bytes = try Data(contentsOf: URL(fileURLWithPath: onnx.path)) } catch {
                throw ValidationFailure(message: "\(where_): cannot read the model '\(onnx.path)': \(FileErrorReason.describe(error))")
            }
            let graph: Graph
            do { graph = try ONNXImporter().importModel(data: bytes, directory: URL(fileURLWithPath: onnx.path).deletingLastPathComponent()) } catch {
                throw ValidationFailure(message: "\(where_): \(error)")
            }
            do { try graph.checkBandCount(stack.bandCount) } catch {
                throw ValidationFailure(message: "\(where_): \(error) (the scene's sources stack \(stack.bandCount))")
            }
            tiling = ModelTiling.choose(spec: spec, graph: graph, stack: stack, tta: onnx.tta == .d4, budgetBytes: memoryBudgetBytes)
            options = try spec.tilingOptions(stackBandCount: stack.bandCount, modelNormalization: graph.metadata.normalization, tiling: tiling)
            let classes = try PipelineSetup.classNames(spec: onnx.classes, graph: graph, tileSize: options.tileSize, bands: stack.bandCount, where: where_)
            let settings = EngineTileModel.Settings(tta: onnx.tta == .d4, merge: onnx.merge == .geometricMean ? "geometric-mean" : onnx.merge.rawValue)
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            package = ModelPackage(kind: "onnx", bytes: Array(bytes), classNames: classes, normalization: options.normalization,
                                   options: String(decoding: try encoder.encode(settings), as: UTF8.self))
            model = try EngineTileModel(graph: graph, classNames: classes, settings: settings, threads: threads)
        }
        try options.normalization.check(bandCount: stack.bandCount)
        var map = try MapSetup.settings(spec: spec, classNames: package.classNames)
        map?.memoryBudget = MemoryBudget(bytes: memoryBudgetBytes)
        self.map = map
        bands = try MapSetup.bands(for: map, spec: spec, stack: stack)
    }

    /// Class names: the pipeline's, else the model's metadata, else class_1... for its outputs.
    private static func classNames(spec: [String]?, graph: Graph, tileSize: Int, bands: Int, where place: String) throws -> [String] {
        let outputs: Int
        do {
            let shapes = try Engine(graph: graph).outputShapes(for: TensorShape(n: 1, c: bands, h: tileSize, w: tileSize))
            outputs = shapes.first?.c ?? 0
        } catch {
            throw ValidationFailure(message: "\(place): the model cannot take \(tileSize)-pixel tiles: \(error)")
        }
        let names = spec ?? graph.metadata.classNames ?? (1...max(1, outputs)).map { "class_\($0)" }
        guard names.count == outputs else {
            throw ValidationFailure(message: "\(place): \(names.count) class names for a model with \(outputs) outputs")
        }
        return names
    }

    func outputDirectory(_ out: String?, pipeline: String) throws -> String {
        guard let directory = out ?? spec.outputs.directory else {
            throw ValidationFailure(message: "\(pipeline): no output folder: pass --out or set outputs.directory")
        }
        return directory
    }

    var summary: String {
        "\(spec.name): \(stack.grid.width) x \(stack.grid.height) px, \(stack.bandCount) bands, CRS \(stack.grid.crs?.description ?? "none"); "
            + "tiles \(options.tileSize) px, overlap \(options.overlap)\(tiling.automatic ? " (chosen for the model: \(tiling.reason))" : ""), "
            + "\(model.classNames.count) classes"
    }

    /// Lines to print before the run (a margin below the model's receptive radius).
    var warnings: [String] { ModelTiling.warning(tiling, spec: spec).map { [$0] } ?? [] }
}
