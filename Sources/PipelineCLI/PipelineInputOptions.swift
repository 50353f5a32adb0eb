import ArgumentParser

/// What every command that runs a pipeline is told: the pipeline, the scene, where outputs go.
struct PipelineInputOptions: ParsableArguments {
    @Argument(help: "Pipeline definition (YAML), e.g. pipelines/demo.yaml.")
    var pipeline: String

    @Option(help: "Folder holding the scene's files (relative source paths are resolved against it).")
    var scene: String

    @Option(help: "Output folder (default: the pipeline's outputs.directory).")
    var out: String?

    @Option(name: .customLong("scene-id"), help: "Scene id substituted for {id} in source paths (default: the pipeline's scene.id).")
    var sceneID: String?
}
