import Foundation
import Raster
import Scene

/// Scores decided masks against ground truth with the Jaccard index pooled over the whole scene,
/// as the DSTL competition did: per class, the sum of intersections over the sum of unions of all
/// pixels (not a mean of per-tile or per-object scores); the score is the mean over the classes
/// present in the truth.
///
/// Pixels where the run has no data (255 in any decided band) or the truth has none (its nodata
/// value, or outside a raster truth's footprint) are left out of every count. Both rasters are read
/// strip by strip; polygon truth is first rasterized onto the run's grid (pixel centres inside a
/// polygon), in a scratch file removed afterwards.
public struct Evaluator {
    public let masks: DecidedMasks
    public let truth: GroundTruth

    public init(masks: DecidedMasks, truth: GroundTruth) {
        self.masks = masks
        self.truth = truth
    }

    public func run() throws -> EvaluationReport {
        let files = FileManager.default
        let scratch = files.temporaryDirectory.appendingPathComponent("pipeline-eval-\(UUID().uuidString)").path
        try files.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? files.removeItem(atPath: scratch) }
        return try score(TruthRaster(truth, masks: masks, scratchDirectory: scratch))
    }

    private func score(_ truthRaster: TruthRaster) throws -> EvaluationReport {
        let classCount = masks.classes.count
        var counts = [PixelCounts](repeating: PixelCounts(), count: classCount)
        var evaluated = 0, excluded = 0
        try masks.forEachStrip(rows: masks.stripRows(budgetBytes: 16 << 20)) { window, predicted in
            let n = window.pixelCount
            let truthStrip = try truthRaster.read(window)
            let present = truthStrip.present
            var valid = truthStrip.valid
            for k in 0..<classCount {
                for i in 0..<n where predicted[k * n + i] == DecidedMasks.noData { valid[i] = 0 }
            }
            let validCount = valid.reduce(0) { $0 + Int($1) }
            evaluated += validCount
            excluded += n - validCount
            predicted.withUnsafeBufferPointer { p in
                present.withUnsafeBufferPointer { t in
                    valid.withUnsafeBufferPointer { v in
                        for k in 0..<classCount {
                            var truth = 0, predictedCount = 0, both = 0
                            for i in 0..<n where v[i] != 0 {
                                let isPredicted = p[k * n + i] == DecidedMasks.present ? 1 : 0, isTrue = Int(t[k * n + i])
                                truth += isTrue
                                predictedCount += isPredicted
                                both += isPredicted & isTrue
                            }
                            counts[k].add(PixelCounts(truth: truth, predicted: predictedCount, intersection: both,
                                                      union: truth + predictedCount - both))
                        }
                    }
                }
            }
        }
        let scores = zip(masks.classes.classes, counts).map { sceneClass, c in
            EvaluationReport.ClassScore(id: sceneClass.id, name: sceneClass.name, truthPixels: c.truth, predictedPixels: c.predicted,
                                        intersection: c.intersection, union: c.union,
                                        jaccard: c.union > 0 ? Double(c.intersection) / Double(c.union) : nil)
        }
        let inTruth = scores.filter { $0.truthPixels > 0 }.compactMap(\.jaccard)
        return EvaluationReport(run: masks.path, truth: truth.path, matchedBy: truthRaster.matchedBy, evaluatedPixels: evaluated,
                                excludedPixels: excluded, classes: scores,
                                meanJaccard: inTruth.isEmpty ? nil : inTruth.reduce(0, +) / Double(inTruth.count))
    }
}

private struct PixelCounts {
    var truth = 0, predicted = 0, intersection = 0, union = 0

    mutating func add(_ other: PixelCounts) {
        truth += other.truth
        predicted += other.predicted
        intersection += other.intersection
        union += other.union
    }
}
