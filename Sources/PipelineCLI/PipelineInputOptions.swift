import ArgumentParser

/// What every command that runs a pipeline is told: the pipeline, the scene (or a list of scenes),
/// where outputs go.
struct PipelineInputOptions: ParsableArguments {
    @Argument(help: "Pipeline definition (YAML), e.g. pipelines/demo.yaml.")
    var pipeline: String

    @Option(help: "Folder holding the scene's files (relative source paths are resolved against it); with --scenes, the folder of every listed scene id.")
    var scene: String?

    @Option(help: "A batch of scenes: a text file of scene folders (or of scene ids, with --scene) or a STAC ItemCollection (JSON); each scene's outputs go to OUT/ID/.")
    var scenes: String?

    @Option(help: "Output folder (default: the pipeline's outputs.directory).")
    var out: String?

    @Option(name: .customLong("scene-id"), help: "Scene id substituted for {id} in source paths (default: the pipeline's scene.id).")
    var sceneID: String?

    func validate() throws {
        if scene == nil && scenes == nil { throw ValidationError("Missing expected argument '--scene <scene>' (or --scenes LIST for a batch)") }
        if scenes != nil && sceneID != nil { throw ValidationError("--scene-id names the scene of a single run; a batch takes its ids from --scenes") }
    }

    /// The scene folder of a single run (present whenever --scenes is not: see `validate`).
    var sceneFolder: String { scene ?? "." }
}
