// The post-processing benchmark's driver (ops/bench/postprocess.sh runs it):
//   PostProcessingBench prepare DIR SIZE      a synthetic scene's truth as a 10-class probability raster
//   PostProcessingBench run PROBABILITIES CATALOGUE RULES OUTPUT STRIP_HEIGHT
// `run` prints the rule set's time, what it decided and the process's peak RSS.
import Dispatch
import Foundation
import PipelineConfig
import PostProcessing
import Raster
import Scene
import SceneSynthesis

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(1)
}

func integer(_ text: String, _ name: String) -> Int {
    guard let value = Int(text), value > 0 else { fail("\(name) must be a positive integer, got '\(text)'") }
    return value
}

func resourceUsage() -> rusage {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage
}

func peakRSSMegabytes() -> Double {
    Double(resourceUsage().ru_maxrss) / 1024  // kilobytes on Linux
}

/// User + system CPU seconds so far (wall time on a shared machine says little).
func cpuSeconds() -> Double {
    let usage = resourceUsage()
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Probabilities from truth: 0.95 inside a class, 0.05 outside, plus deterministic speckle (1 pixel
/// in 50 flipped to 0.6) so thresholds, exclusions and minimum areas all have work.
func prepare(directory: String, size: Int) throws {
    let synthesizer = try SceneSynthesizer(size: size, seed: 1, sceneID: "bench")
    _ = try synthesizer.write(to: directory)
    let truth = try Dataset.open("\(directory)/bench_truth.tif")
    let grid = try truth.grid
    let output = try Dataset.create("\(directory)/probabilities.tif", width: grid.width, height: grid.height,
                                    bandCount: truth.bandCount, pixelType: .uint8)
    if let crs = grid.crs { try output.setCRS(crs) }
    try output.setGeoTransform(grid.geoTransform)
    let rows = 256
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    for start in stride(from: 0, to: grid.height, by: rows) {
        let window = PixelWindow(col: 0, row: start, width: grid.width, height: min(rows, grid.height - start))
        let mask = try truth.read(UInt8.self, window: window)
        let probabilities = mask.map { value -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            if (state >> 33) % 50 == 0 { return 152 }
            return value != 0 ? 241 : 13
        }
        try output.write(probabilities, window: window)
    }
    try output.flush()
}

let arguments = CommandLine.arguments
do {
    switch arguments.dropFirst().first {
    case "prepare" where arguments.count == 4:
        try prepare(directory: arguments[2], size: integer(arguments[3], "SIZE"))
    case "run" where arguments.count == 7:
        let classes = try ClassSet.load(path: arguments[3])
        let rules = try RuleSet.load(path: arguments[4], classNames: classes.names, bandNames: [])
        let grid = try Dataset.open(arguments[2]).grid
        let processor = PostProcessor(ruleSet: rules, classes: classes, grid: grid,
                                      stripHeight: integer(arguments[6], "STRIP_HEIGHT"))
        let start = DispatchTime.now().uptimeNanoseconds, startCPU = cpuSeconds()
        let summary = try processor.run(probabilities: arguments[2], output: arguments[5])
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, cpu = cpuSeconds() - startCPU
        print(String(format: "rules %@ on %dx%d, %d classes, strips of %@ rows: %.2f s wall, %.2f s CPU, peak RSS %.0f MB",
                     rules.name, grid.width, grid.height, classes.count, arguments[6], seconds, cpu, peakRSSMegabytes()))
        print("  \(summary.passes) passes over \(summary.strips) strips, \(summary.removedRegions) regions removed")
        print("  present pixels: " + summary.classes.map { "\($0.name) \($0.pixels)" }.joined(separator: ", "))
    default:
        fail("usage: PostProcessingBench prepare DIR SIZE | run PROBABILITIES CATALOGUE RULES OUTPUT STRIP_HEIGHT")
    }
} catch {
    fail("\(error)")
}
