// Benchmark driver for ops/bench/exports.sh: times every export and the evaluation of a decided
// raster, and reports the process's peak RSS. Two modes, run as separate processes so the scene
// synthesis does not count in the exports' peak memory:
//   ExportsBench synth DIR SIZE SEED        writes a synthetic scene (its truth is the decided raster)
//   ExportsBench export DECIDED.tif OUT_DIR TRUTH.gpkg [TOLERANCE]
import Evaluation
import Exports
import Foundation
import Scene
import SceneSynthesis

func peakRSSMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
    return kb / 1024
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = Date()
    try body()
    return Date().timeIntervalSince(start)
}

let arguments = CommandLine.arguments
do {
    switch arguments.dropFirst().first {
    case "synth" where arguments.count == 5:
        try FileManager.default.createDirectory(atPath: arguments[2], withIntermediateDirectories: true)
        let synthesizer = try SceneSynthesizer(size: Int(arguments[3])!, seed: UInt64(arguments[4])!)
        let report = try synthesizer.write(to: arguments[2])
        print(report.files.first { $0.hasSuffix("_truth.tif") }!)
    case "export" where arguments.count >= 5:
        let masks = try DecidedMasks(path: arguments[2], classes: SceneSynthesizer.classes)
        let tolerance = arguments.count > 5 ? Double(arguments[5])! : 0
        print(String(format: "peak RSS at start: %.0f MB", peakRSSMegabytes()))
        let measureTime = try seconds { _ = try ClassAreas.measure(masks) }
        print(String(format: "class areas alone (one read of the masks): %.2f s, peak RSS %.0f MB", measureTime, peakRSSMegabytes()))
        var report: ExportReport?
        let total = try seconds {
            report = try Exporter(masks: masks, directory: arguments[3],
                                  options: ExportOptions(formats: Set(ExportFormat.allCases), simplifyTolerance: tolerance)).run {
                print(String(format: "  %@ (peak RSS so far %.0f MB)", $0, peakRSSMegabytes()))
            }
        }
        let stages = report!.seconds.sorted { $0.key < $1.key }.map { String(format: "%@ %.2f s", $0.key, $0.value) }.joined(separator: ", ")
        print(String(format: "exports (classes, masks, polygons, geojson) of %d x %d x %d classes: %.2f s (%@); %d polygons",
                     masks.grid.width, masks.grid.height, masks.classes.count, total, stages, report!.polygons!.values.reduce(0, +)))
        print(String(format: "peak RSS after exports: %.0f MB", peakRSSMegabytes()))
        for truth in [GroundTruth.detect(path: arguments[2]), GroundTruth.detect(path: arguments[4])] {
            var scores: EvaluationReport?
            let time = try seconds { scores = try Evaluator(masks: masks, truth: truth).run() }
            print(String(format: "eval against %@ (%@): %.2f s, mean Jaccard %.4f", truth.path, scores!.matchedBy, time, scores!.meanJaccard ?? .nan))
        }
        print(String(format: "peak RSS after exports and eval: %.0f MB", peakRSSMegabytes()))
    default:
        FileHandle.standardError.write(Data("usage: ExportsBench synth DIR SIZE SEED | export DECIDED.tif OUT_DIR TRUTH.gpkg [TOLERANCE]\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("ExportsBench: \(error)\n".utf8))
    exit(1)
}
