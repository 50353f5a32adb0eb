import Distributed
import PipelineConfig
import Scene

/// What every command that runs a pipeline needs, built from the YAML and the scene folder, with
/// every check that can fail done before any work starts.
struct PipelineSetup {
    let spec: PipelineSpec
    let stack: SceneStack
    let options: TilingOptions
    let model: TileModel
    let package: ModelPackage

    init(pipeline: String, scene: String, sceneID: String?) throws {
        spec = try PipelineSpec.load(path: pipeline)
        stack = try SceneStack(sources: spec.sceneSources(sceneDirectory: scene, sceneID: sceneID), reference: spec.scene.reference)
        try spec.validateStackedBandCount(stack.bandCount)
        options = try spec.tilingOptions(stackBandCount: stack.bandCount)
        try options.normalization.check(bandCount: stack.bandCount)
        model = try spec.tileModel(stackBandCount: stack.bandCount)
        guard let identity = model as? Scene.IdentityModel else {
            throw ValidationFailure(message: "\(pipeline): only the identity model can be shipped to workers in this build")
        }
        package = try ModelPackage.identity(identity, normalization: options.normalization)
    }

    func outputDirectory(_ out: String?, pipeline: String) throws -> String {
        guard let directory = out ?? spec.outputs.directory else {
            throw ValidationFailure(message: "\(pipeline): no output folder: pass --out or set outputs.directory")
        }
        return directory
    }

    var summary: String {
        "\(spec.name): \(stack.grid.width) x \(stack.grid.height) px, \(stack.bandCount) bands, CRS \(stack.grid.crs?.description ?? "none"); "
            + "tiles \(options.tileSize) px, overlap \(options.overlap), \(model.classNames.count) classes"
    }
}
