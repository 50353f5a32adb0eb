import Foundation
import PipelineConfig
import Scene
import Training
import TrainingRun

/// Everything `pipeline train` needs, built from the training file with every check that can fail
/// done before training starts: the pipeline that reads the bands, the labelled scenes in memory,
/// the network and the loop's plan.
struct TrainingSetup {
    let spec: TrainingSpec
    let pipeline: PipelineSpec
    let normalization: Scene.Normalization
    let training: [LabelledScene]
    let validation: [LabelledScene]
    /// Stack band names with the scene id put back as `{id}`, so they name bands, not one scene.
    let bandNames: [String]
    let architecture: UNetArchitecture

    static var catalogue: [String] { ClassSet.dstl.classes.map(\.name) }

    init(file: String, log: (String) -> Void) throws {
        try self.init(spec: TrainingSpec.load(path: file, knownClasses: Self.catalogue), log: log)
    }

    /// From a training file already read (`pipeline tune` changes a few settings per trial).
    init(spec: TrainingSpec, log: (String) -> Void) throws {
        self.spec = spec
        let pipelineField = spec.locations.describe(FieldPath.root.key("pipeline"))
        do { pipeline = try PipelineSpec.load(path: spec.pipeline) } catch let error as ConfigError where error.code == .unreadableFile {
            throw ValidationFailure(message: "\(pipelineField): \(error)")
        }
        if case .fromModel = pipeline.normalization {
            throw ValidationFailure(message: "\(pipelineField): the pipeline's normalization mode 'model' takes it from a trained model; training needs per_band or none")
        }
        var loaded: [[LabelledScene]] = [[], []]
        var names: [String] = []
        var normalization = Scene.Normalization.identity
        for (list, scenes) in [spec.training, spec.validation].enumerated() {
            for (index, scene) in scenes.enumerated() {
                let field = FieldPath.root.key("scenes").key(list == 0 ? "training" : "validation").index(index)
                let origin = spec.locations.describe(field)
                let id = scene.id ?? pipeline.scene.id
                let stack: SceneStack
                do {
                    stack = try SceneStack(sources: pipeline.sceneSources(sceneDirectory: scene.folder, sceneID: id), reference: pipeline.scene.reference)
                    try pipeline.validateStackedBandCount(stack.bandCount)
                    normalization = try pipeline.normalization(modelNormalization: nil)
                    try normalization.check(bandCount: stack.bandCount)
                } catch {
                    throw ValidationFailure(message: "\(origin): \(error)")
                }
                let truthPath = scene.resolvedTruthPath(sceneID: id)
                let truthOrigin = spec.locations.describe(field.key("truth"))
                let truth: [UInt8]
                switch scene.truth {
                case .mask:
                    truth = try TruthLoader.mask(path: truthPath, grid: stack.grid, classes: spec.classes, catalogue: Self.catalogue, origin: truthOrigin)
                case .polygons(_, let layer, let column):
                    truth = try TruthLoader.polygons(path: truthPath, layer: layer, classColumn: column, grid: stack.grid, classes: spec.classes,
                                                     catalogue: Self.catalogue, origin: truthOrigin)
                }
                let labelled = try LabelledScene(name: origin, stack: stack, normalization: normalization, truth: truth, classCount: spec.classes.count)
                loaded[list].append(labelled)
                if names.isEmpty {
                    names = try Self.bandNames(stack.bandNames, pipeline: pipeline, folder: scene.folder, id: id)
                } else if stack.bandCount != names.count {
                    throw ValidationFailure(message: "\(origin): the scene stacks \(stack.bandCount) bands, the first one \(names.count)")
                }
                log("train: \(list == 0 ? "training" : "validation") scene \(scene.folder): \(stack.grid.width) x \(stack.grid.height) px, "
                    + "\(stack.bandCount) bands, truth from \(truthPath), \(labelled.memoryBytes / 1_000_000) MB in memory")
            }
        }
        training = loaded[0]
        validation = loaded[1]
        bandNames = names
        self.normalization = normalization
        let a = spec.architecture
        architecture = UNetArchitecture(inputBands: names.count, classes: spec.classes.count, depth: a.depth, baseFilters: a.baseFilters,
                                        batchNorm: a.batchNorm, dropout: a.dropout,
                                        initialization: a.initialization == .heUniform ? .heUniform : .glorotUniform)
    }

    /// "synth_101_M.tif:coastal" -> "{id}_M.tif:coastal": each band's file named as the pipeline
    /// writes it, so the model's `input_bands` describe any scene the pipeline reads.
    static func bandNames(_ names: [String], pipeline: PipelineSpec, folder: String, id: String?) throws -> [String] {
        let resolved = try pipeline.resolvedSourcePaths(sceneDirectory: folder, sceneID: id)
        var written: [String: String] = [:]
        for (path, source) in zip(resolved, pipeline.scene.sources) {
            written[String(path.split(separator: "/").last ?? "")] = String(source.path.split(separator: "/").last ?? "")
        }
        return names.map { name in
            guard let colon = name.firstIndex(of: ":"), let file = written[String(name[..<colon])] else { return name }
            return file + name[colon...]
        }
    }

    var plan: TrainingPlan {
        let schedule: LearningRateSchedule
        switch spec.schedule.decay {
        case .constant: schedule = .constant
        case .cosine: schedule = .cosine
        case .step(let every, let factor): schedule = .step(everyEpochs: every, factor: factor)
        }
        return TrainingPlan(classNames: spec.classes, epochs: spec.schedule.epochs, stepsPerEpoch: spec.schedule.stepsPerEpoch,
                            batch: spec.patches.batch, learningRate: spec.schedule.learningRate, schedule: schedule,
                            patience: spec.earlyStopping?.patience, seed: spec.seed,
                            architecture: architecture.description + ", classes " + spec.classes.joined(separator: "/"))
    }

    func sampler() throws -> PatchSampler {
        try PatchSampler(scenes: training, size: spec.patches.size, mode: spec.patches.sampling == .classBalanced ? .classBalanced : .uniform,
                         augment: spec.patches.augmentation == .d4)
    }

    /// What the exported model says about its inputs: class and band names, the pipeline's
    /// normalization as mean/std (value * scale + offset == (value - mean) / std), the tile size.
    var exportMetadata: ONNXModelMetadata {
        let bands = bandNames.count
        var mean: [Double]?, std: [Double]?
        let scale = (0..<bands).map { Double(normalization.scale[normalization.scale.count == 1 ? 0 : $0]) }
        let offset = (0..<bands).map { Double(normalization.offset[normalization.offset.count == 1 ? 0 : $0]) }
        if normalization != .identity, !scale.contains(0) {
            std = scale.map { 1 / $0 }
            mean = zip(offset, scale).map { -$0 / $1 }
        }
        // The tile size inference starts from (automatic tiling widens it to the receptive field
        // when memory allows): the pipeline's when it sets one the model takes, else 256.
        let preferred = pipeline.tiling.tileSize ?? PipelineSpec.Defaults.tileSize
        let tile = preferred % architecture.sizeMultiple == 0 ? preferred : spec.patches.size
        return ONNXModelMetadata(classNames: spec.classes, inputBands: bandNames, normalizationMean: mean, normalizationStd: std, tileSize: tile)
    }
}
