import ArgumentParser
import Dispatch
import Foundation
import Inference
import Kernels

/// `pipeline bench MODEL.onnx`: times forward passes on random tiles, like
/// ops/bench/onnxruntime_bench.py does for onnxruntime (median of timed runs after warm-up), with
/// the same table columns so the two can be read side by side.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the inference engine on random tiles: ms per tile and GFLOP/s.",
        discussion: "Batch 8 without --tta matches onnxruntime's D4 batch; --tta runs each of the --batch tiles as its 8 dihedral variants and merges them."
    )

    @Argument(help: "ONNX model path.")
    var model: String

    @Option(help: "Square tile size in pixels.")
    var tile = 256

    @Option(help: "Tiles per forward pass.")
    var batch = 1

    @Flag(help: "D4 test-time augmentation: 8 variants per tile in one batch, merged.")
    var tta = false

    @Option(help: "Timed runs (the median is reported).")
    var runs = 10

    @Option(help: "Untimed warm-up runs.")
    var warmup = 2

    @Flag(help: "Also print where the time goes: per operator type and the slowest nodes.")
    var profile = false

    @OptionGroup var engine: EngineOptionGroup

    func validate() throws {
        try CountOption.check(tile, "--tile", in: 1...65_536)
        try CountOption.check(batch, "--batch", in: 1...4096)
        try CountOption.check(runs, "--runs", in: 1...1_000_000)
        try CountOption.check(warmup, "--warmup", in: 0...1_000_000)
    }

    func run() throws {
        let graph = try loadModel(model, command: "bench")
        let bands = graph.expectedBandCount ?? 3
        let shape = TensorShape(n: batch, c: bands, h: tile, w: tile)
        // Deterministic values in [-1, 1] (a multiplicative hash of the index): cheap for large batches.
        let input = Tensor(shape: shape, storage: (0..<shape.count).map { Float(($0 &* 2_654_435_761) % 2001) / 1000 - 1 })
        let flopsPerPass = try graph.convolutionFLOPs(for: TensorShape(n: 1, c: bands, h: tile, w: tile))
        let runtime = Engine(graph: graph, options: engine.engineOptions)
        let augmentation = TestTimeAugmentation(enabled: tta)
        var times: [Double] = []
        for index in 0..<(warmup + runs) {
            runtime.profiling = profile && index >= warmup
            let start = DispatchTime.now().uptimeNanoseconds
            do {
                _ = try augmentation.predict(input, with: runtime)
            } catch let error as InferenceError {
                Console.error("bench: \(error)")
                throw ExitCode(1)
            }
            if index >= warmup { times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
        }
        let median = times.sorted()[times.count / 2]
        let passes = batch * (tta ? 8 : 1)
        Console.line("# engine: \(model), tile \(tile), threads \(engine.threads), batch \(batch), tta \(tta), "
                     + "winograd \(!engine.noWinograd), \(String(format: "%.3f", Double(flopsPerPass) / 1e9)) GFLOP/pass")
        Console.line("threads batch   runs  median_ms     min_ms    ms/tile   GFLOP/s")
        Console.line(String(format: "%-7d %-5d %6d %10.1f %10.1f %10.1f %9.2f", engine.threads, batch, runs, median * 1e3,
                            times.min()! * 1e3, median * 1e3 / Double(tta ? batch : passes),
                            Double(flopsPerPass * passes) / median / 1e9))
        if profile {
            let inputShape = TensorShape(n: tta ? batch * 8 : batch, c: bands, h: tile, w: tile)
            try printProfile(runtime, inputShape: inputShape, runs: runs)
        }
    }
}
