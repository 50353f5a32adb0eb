import Foundation
import Inference
import Kernels
import Scene

/// What `pipeline inspect MODEL.onnx` prints: the model's metadata, shapes, size, cost per tile,
/// receptive field, and the tiling a pipeline would get by default.
struct ModelSummary {
    let text: String

    /// Files named *.onnx, or whose first byte is an ONNX ModelProto's (field 1, ir_version, as a
    /// varint: 0x08); GDAL paths (/vsi...) are rasters.
    static func looksLikeModel(_ path: String) -> Bool {
        if path.lowercased().hasSuffix(".onnx") { return true }
        guard !path.hasPrefix("/vsi"), let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 1)) == Data([0x08])
    }

    init(path: String, graph: Graph) {
        let m = graph.metadata
        var lines = [path, "  format     ONNX model, \(graph.nodes.count) nodes"]
        let bands = graph.probeChannels
        let tile = m.recommendedTileSize ?? 256
        let inputName = graph.valueNames[graph.input.index]
        lines.append("  input      \(inputName): N x \(graph.expectedBandCount.map(String.init) ?? "?") x H x W"
                     + (m.inputBands.map { " (\($0.joined(separator: ", ")))" } ?? ""))
        let shapes = try? graph.inferShapes(input: TensorShape(n: 1, c: bands, h: tile, w: tile))
        for output in graph.outputs {
            let shape = shapes.map { s in "\(s[output.value]!.c) x \(s[output.value]!.h) x \(s[output.value]!.w) for a \(tile)-px tile" }
            lines.append("  output     \(output.name): " + (shape ?? "none for a \(tile)-px tile (the model does not take it)"))
        }
        lines.append("  classes    " + (m.classNames?.joined(separator: ", ") ?? "not in the metadata"))
        lines.append("  normalize  " + (m.normalization.map { "mean [\(Self.list($0.mean))], std [\(Self.list($0.std))]" } ?? "not in the metadata"))
        lines.append("  tile size  " + (m.recommendedTileSize.map { "\($0) px (metadata)" } ?? "not in the metadata")
                     + (graph.tileAlignment.map { "; takes multiples of \($0) px" } ?? "; takes no tile size that is a multiple of a power of two up to 256"))
        lines.append("  parameters \(Self.grouped(graph.parameterCount))")
        if let flops = try? graph.convolutionFLOPs(for: TensorShape(n: 1, c: bands, h: tile, w: tile)) {
            let (value, unit) = flops >= 1_000_000_000 ? (Double(flops) / 1e9, "GFLOP") : (Double(flops) / 1e6, "MFLOP")
            lines.append(String(format: "  FLOPs      %.2f %@ per %d-px tile (convolutions, 2 x multiply-adds)", value, unit as NSString, tile))
        }
        do {
            let field = try graph.receptiveField()
            lines.append("  receptive  \(field)")
            let facts = ModelTiling.facts(for: graph, batch: 8)
            if let radius = field.radius, let alignment = graph.tileAlignment {
                let overlap = 2 * AutomaticTiling.roundUp(radius, alignment)
                let d4 = facts.bytesPerTile(tile).map { String(format: "; %.0f MB per %d-px tile with D4", Double($0) / 1_048_576, tile) } ?? ""
                lines.append("  tiling     margin >= \(radius) px: overlap \(overlap) or more (multiple of \(2 * alignment))\(d4)")
            }
        } catch {
            lines.append("  receptive  unknown: \(error)")
        }
        text = lines.joined(separator: "\n")
    }

    private static func list(_ values: [Float]) -> String {
        values.map { String(format: "%g", $0) }.joined(separator: ", ")
    }

    private static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        return digits.enumerated().map { i, d in (i > 0 && (digits.count - i) % 3 == 0 ? "," : "") + String(d) }.joined()
    }
}
