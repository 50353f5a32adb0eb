import Inference
import Kernels
import PipelineConfig
import Scene

/// The tiling of a run: the pipeline's values, and what `AutomaticTiling` chooses for those it
/// leaves out, from what the model says (receptive field, accepted sizes, `tile_size`, memory).
enum ModelTiling {
    /// `graph`: nil for the identity model. `tta`: D4 runs every tile as a batch of 8.
    static func choose(spec: PipelineSpec, graph: Graph?, stack: SceneStack, tta: Bool, budgetBytes: Int) -> TilingChoice {
        let modelFacts = graph.map { Self.facts(for: $0, batch: tta ? 8 : 1) }
        let classes = graph.flatMap(outputChannels) ?? 1
        return AutomaticTiling.choose(
            tileSize: spec.tiling.tileSize, overlap: spec.tiling.overlap, model: modelFacts,
            sceneWidth: stack.grid.width, sceneHeight: stack.grid.height, budgetBytes: budgetBytes,
            fallback: (PipelineSpec.Defaults.tileSize, PipelineSpec.Defaults.overlap),
            sceneBufferBytes: { AutomaticTiling.sceneBufferBytes(tile: $0, width: stack.grid.width, bands: stack.bandCount, classes: classes) })
    }

    static func facts(for graph: Graph, batch: Int) -> ModelTilingFacts {
        let memory = TileMemoryEstimate(graph: graph)
        // A field that cannot be traced (global, or wider than any tile) leaves the defaults.
        let radius = (try? graph.receptiveField())?.radius
        return ModelTilingFacts(receptiveRadius: radius, alignment: graph.tileAlignment ?? 1,
                                preferredTileSize: graph.metadata.recommendedTileSize,
                                bytesPerTile: { tile in graph.acceptsTile(tile) ? try? memory.bytes(tile: tile, batch: batch) : nil })
    }

    private static func outputChannels(_ graph: Graph) -> Int? {
        let size = 64 * (graph.tileAlignment ?? 1)
        guard let shapes = try? graph.inferShapes(input: TensorShape(n: 1, c: graph.probeChannels, h: size, w: size)) else { return nil }
        return graph.outputs.reduce(0) { $0 + shapes[$1.value]!.c }
    }

    /// One line when a tiling value the pipeline gives leaves tiles a margin below the model's
    /// receptive radius (their outputs then differ from whole-scene inference near tile seams).
    static func warning(_ choice: TilingChoice, spec: PipelineSpec) -> String? {
        guard let radius = choice.receptiveRadius, let needed = choice.neededOverlap, choice.marginCoversField == false,
              !choice.overlapAutomatic || !choice.tileSizeAutomatic else { return nil }
        let field = choice.overlapAutomatic ? "tile_size" : "overlap"
        let place = spec.locations.describe(FieldPath.root.key("tiling").key(field))
        let given = choice.overlapAutomatic ? "tile size \(choice.tileSize) leaves room for" : "overlap \(choice.overlap) gives"
        return "warning: \(place): \(given) a margin of \(choice.margin) px, less than the model's receptive radius of \(radius) px; "
            + "an overlap of \(needed) or more would make tiles equal whole-scene inference"
    }
}
