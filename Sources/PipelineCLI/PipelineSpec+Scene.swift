import Inference
import PipelineConfig
import Raster
import Scene

// The pipeline schema (PipelineConfig) and the domain (Scene, Raster) each have their own
// vocabulary; this file is the one place that maps one onto the other.

extension PipelineSpec {
    /// The scene's sources, resolved against the scene folder, with the YAML line of each.
    func sceneSources(sceneDirectory: String, sceneID: String?) throws -> [SceneSource] {
        sceneSources(paths: try resolvedSourcePaths(sceneDirectory: sceneDirectory, sceneID: sceneID))
    }

    /// The sources of a scene of a batch (a folder or a STAC item).
    func sceneSources(at location: SceneLocation) throws -> [SceneSource] {
        sceneSources(paths: try resolvedSourcePaths(at: location))
    }

    private func sceneSources(paths: [String]) -> [SceneSource] {
        zip(scene.sources.indices, paths).map { index, path in
            let source = scene.sources[index]
            let origin = locations.describe(FieldPath.root.key("scene").key("sources").index(index))
            return SceneSource(path: path, bands: source.bands, resampling: source.resampling.raster, noData: source.nodata, origin: origin)
        }
    }

    /// `modelNormalization`: the model's metadata (mean, std), for `normalization: {mode: model}`;
    /// `tiling`: the pipeline's tile size and overlap, completed for the model.
    func tilingOptions(stackBandCount: Int, modelNormalization: ModelMetadata.Normalization?, tiling chosen: TilingChoice) throws -> TilingOptions {
        TilingOptions(tileSize: chosen.tileSize, overlap: chosen.overlap, padding: tiling.padding.scene,
                      window: blending.window.scene, normalization: try normalization(modelNormalization: modelNormalization))
    }

    /// The stack's normalization: the pipeline's, or the model's metadata with `mode: model`.
    /// Training and inference both take it from here, so a model sees bands as it was trained.
    func normalization(modelNormalization: ModelMetadata.Normalization?) throws -> Scene.Normalization {
        let normalization: Scene.Normalization
        switch self.normalization {
        case .passThrough:
            normalization = .identity
        case .perBand(let perBand):
            normalization = Scene.Normalization(scale: perBand.scale.map { Float($0) }, offset: perBand.offset.map { Float($0) })
        case .fromModel:
            guard let model = modelNormalization else {
                throw ValidationFailure(message: "\(locations.describe(FieldPath.root.key("normalization").key("mode"))): normalization 'model' needs an ONNX model with normalization_mean and normalization_std metadata")
            }
            // (value - mean) / std == value * (1 / std) + (-mean / std)
            normalization = Scene.Normalization(scale: model.std.map { 1 / $0 }, offset: zip(model.mean, model.std).map { -$0 / $1 })
        }
        return normalization
    }

    func identityModel(stackBandCount: Int) throws -> Scene.IdentityModel {
        guard case .identity(let identity) = model else { preconditionFailure("not an identity model") }
        let model = try Scene.IdentityModel(bands: identity.bands, classNames: identity.classes, tileSignature: identity.tileSignature)
        try model.check(stackBandCount: stackBandCount)
        return model
    }
}

/// A check on the pipeline that failed once the scene was open; one line.
struct ValidationFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

extension PipelineConfig.Resampling {
    var raster: Raster.Resampling {
        switch self {
        case .nearest: .nearest
        case .bilinear: .bilinear
        case .cubic: .cubic
        case .average: .average
        }
    }
}

extension PipelineConfig.Padding {
    var scene: PaddingMode {
        switch self {
        case .reflect: .reflect
        case .zero: .zero
        case .edge: .edge
        }
    }
}

extension PipelineConfig.BlendWindow {
    var scene: Scene.BlendWindow {
        switch self {
        case .spline: .spline
        case .hann: .hann
        case .triangular: .triangular
        case .centreCrop: .none
        }
    }
}
