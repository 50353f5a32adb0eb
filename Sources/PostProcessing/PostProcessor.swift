import Foundation
import PipelineConfig
import Raster
import Scene

/// Runs a rule set on a run's stitched probabilities and writes the decided masks.
///
/// Input: the probabilities COG as `pipeline run` writes it (one UInt8 band per class in class-set
/// order, probability · 254, 255 nodata). Output: the decided masks (see `DecidedMaskWriter`): one
/// UInt8 band per class, 1 present, 0 absent, 255 nodata, same size, CRS and geotransform.
///
/// The scene is processed in strips of `stripHeight` full-width rows, so memory is bounded by a
/// strip (plus its halo) whatever the scene's size. Thresholds and pixel-local rules run in the
/// pass that reads the probabilities or the pass before them; each morphology rule is a pass
/// reading its strip with a halo of twice its radius; each run of `min_area` rules is two passes
/// (measure, then clear), so regions crossing strips are kept or removed whole. Between passes
/// the state lives in a temporary raw file beside the output (2 bytes a pixel for up to 15
/// classes), removed at the end.
public struct PostProcessor {
    public let ruleSet: RuleSet
    public let classes: ClassSet
    public let grid: RasterGrid
    public let bands: BandStripSource?
    /// Rows per strip; the result does not depend on it (tests force small strips). By default
    /// `stripHeight(width:classCount:)`: fewer rows only for very wide scenes.
    public let stripHeight: Int

    public static let defaultStripHeight = 256

    /// Bytes a strip may take, for `stripHeight(width:classCount:)`.
    public static let defaultStripBudgetBytes = 256 << 20

    /// Rows per strip so that a strip of a scene `width` pixels wide stays within `budgetBytes`:
    /// `defaultStripHeight` unless the scene is so wide that fewer rows must do (at least one).
    /// A pass holds, per pixel, the class bytes it reads, its mask words, region labels and the
    /// labelling's union-find: about classes + 32 bytes.
    public static func stripHeight(width: Int, classCount: Int, budgetBytes: Int = defaultStripBudgetBytes) -> Int {
        let bytesPerRow = max(1, width) * (classCount + 32)
        return max(1, min(defaultStripHeight, budgetBytes / bytesPerRow))
    }

    public init(ruleSet: RuleSet, classes: ClassSet, grid: RasterGrid, bands: BandStripSource? = nil, stripHeight: Int? = nil) {
        let stripHeight = stripHeight ?? Self.stripHeight(width: grid.width, classCount: classes.count)
        precondition(stripHeight > 0, "strips need at least one row")
        self.ruleSet = ruleSet
        self.classes = classes
        self.grid = grid
        self.bands = bands
        self.stripHeight = stripHeight
    }

    /// Reads `probabilities`, writes the decided masks to `output` (replaced only on success).
    @discardableResult
    public func run(probabilities: String, output: String) throws -> PostProcessingSummary {
        let plan = try RulePlan(ruleSet: ruleSet, classes: classes, pixelArea: grid.pixelArea, hasBands: bands.map { Set($0.bandNames) })
        let input = try Dataset.open(probabilities)
        guard input.bandCount == classes.count else {
            throw PostProcessingError(
                code: .inputMismatch,
                message: "has \(input.bandCount) bands, but there are \(classes.count) classes (\(classes.names.joined(separator: ", ")))",
                location: probabilities)
        }
        guard input.width == grid.width, input.height == grid.height else {
            throw PostProcessingError(
                code: .inputMismatch,
                message: "is \(input.width)x\(input.height) pixels, but the grid is \(grid.width)x\(grid.height)",
                location: probabilities)
        }
        // `pipeline run` names each band after its class: a file from a model with other classes,
        // or another order, is caught here rather than mapped silently.
        for (index, band) in try input.bands.enumerated() where !band.name.isEmpty && band.name != classes.classes[index].name {
            throw PostProcessingError(
                code: .inputMismatch,
                message: "band \(index + 1) is class '\(band.name)', but class \(index + 1) is '\(classes.classes[index].name)'",
                location: probabilities)
        }

        let decision = ProbabilityDecision(dataset: input, minimumQuantized: plan.minimumQuantized, leading: plan.leading, bands: bands)
        let writer = try DecidedMaskWriter(path: output, grid: grid, classNames: classes.names, ruleSetName: ruleSet.name)
        let temporaries = try (0..<min(2, max(0, plan.steps.count - 1))).map {
            try WordFile(path: Self.temporaryPath(beside: output, index: $0), width: grid.width, classCount: classes.count)
        }

        var removedRegions = 0, relabelledRegions = 0
        var passes = 0
        if plan.steps.isEmpty {
            try forEachStrip { rows in try writer.write(rows: rows, decision.read(rows: rows)) }
            passes = 1
        }
        var source: WordSource = decision
        for (k, step) in plan.steps.enumerated() {
            let sink: WordSink = k == plan.steps.count - 1 ? writer : temporaries[k % 2]
            switch step.operation {
            case .morphology(let morphology):
                try forEachStrip { rows in
                    let context = max(0, rows.lowerBound - morphology.halo)..<min(grid.height, rows.upperBound + morphology.halo)
                    var words = morphology.apply(
                        try source.read(rows: context), inputRows: context, output: rows, width: grid.width, height: grid.height)
                    for rule in step.trailing { try rule.apply(to: &words, rows: rows, width: grid.width, bands: bands) }
                    try sink.write(rows: rows, words)
                }
                passes += 1
            case .regions(let actions):
                var pass = RegionPass(classes: actions, width: grid.width, height: grid.height, stripHeight: stripHeight)
                try pass.run(from: source, to: sink, trailing: step.trailing, bands: bands)
                removedRegions += pass.removedRegions
                relabelledRegions += pass.relabelledRegions
                passes += 2
            }
            if let file = sink as? WordFile { source = file }
        }
        try writer.finish()

        let pixelArea = grid.pixelArea
        return PostProcessingSummary(
            ruleSet: ruleSet.name,
            classes: zip(classes.names, writer.presentPixels).map {
                PostProcessingSummary.ClassArea(name: $0, pixels: $1, squareMetres: Double($1) * pixelArea)
            },
            removedRegions: removedRegions, relabelledRegions: relabelledRegions, strips: (grid.height + stripHeight - 1) / stripHeight, passes: passes)
    }

    /// Checks, before any work, that `ruleSet` fits `classes` (the model's, in its order) and that
    /// its index rules read only `bandNames`: the errors `run` would give, at setup time.
    public static func check(ruleSet: RuleSet, classes: ClassSet, bandNames: [String]) throws {
        _ = try RulePlan(ruleSet: ruleSet, classes: classes, pixelArea: 1, hasBands: Set(bandNames))
    }

    private func forEachStrip(_ body: (Range<Int>) throws -> Void) throws {
        for start in stride(from: 0, to: grid.height, by: stripHeight) {
            try body(start..<min(grid.height, start + stripHeight))
        }
    }

    /// `.masks.tif.rules-0.tmp` beside `masks.tif`.
    static func temporaryPath(beside output: String, index: Int) -> String {
        let url = URL(fileURLWithPath: output)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).rules-\(index).tmp").path
    }
}
