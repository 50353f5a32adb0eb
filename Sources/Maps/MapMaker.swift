import Exports
import Foundation
import PipelineConfig
import PostProcessing
import Raster
import Scene

/// What a map is made of, beyond the stitched probabilities: the classes (from a catalogue, in the
/// model's order), the rule set, and the products to write.
public struct MapSettings: Sendable {
    public var classes: ClassSet
    /// The catalogue file the classes come from (recorded, so `eval` and `export` find it again).
    public var catalogue: String
    public var ruleSet: RuleSet
    /// The rule set's file; nil for the catalogue's thresholds alone.
    public var ruleSetFile: String?
    public var formats: Set<ExportFormat>
    /// Polygon simplification in map units; 0 keeps pixel outlines.
    public var simplifyTolerance: Double
    /// The run's `--memory-budget`: the stages' strips then take at most what it leaves
    /// (`MemoryBudget.mapStageBytes`); nil, their own defaults (256 MB for the rules, 32 MB for
    /// the exports), as for `pipeline export`.
    public var memoryBudget: MemoryBudget?

    public init(classes: ClassSet, catalogue: String, ruleSet: RuleSet, ruleSetFile: String?, formats: Set<ExportFormat>,
                simplifyTolerance: Double = 0) {
        self.classes = classes
        self.catalogue = catalogue
        self.ruleSet = ruleSet
        self.ruleSetFile = ruleSetFile
        self.formats = formats
        self.simplifyTolerance = simplifyTolerance
    }
}

/// What the map stages did, for the run report.
public struct MapReport: Codable, Sendable {
    public var catalogue: String
    public var ruleSet: String
    public var ruleSetFile: String?
    public var formats: [String]
    /// The decided masks (one 0/1 band per class) in the run folder: what `eval` scores and the
    /// products come from.
    public var decidedMasks: String
    public var regionsRemoved: Int
    /// Regions moved to another class by `relabel` rules (absent in reports written before them).
    public var regionsRelabelled: Int?
    public var postProcessingSeconds: Double
    /// Rows per strip the rules worked in: 256, fewer for a very wide scene or a tight
    /// `--memory-budget` (absent in reports written before it was recorded).
    public var ruleStripRows: Int?
    public var exports: ExportReport
    /// The process's peak resident memory once the map stages are done (set by the caller; the
    /// tile run's own peak is in the report's `run` section).
    public var peakResidentMegabytes: Double?

    /// Seconds of the rules and every export.
    public var totalSeconds: Double { postProcessingSeconds + exports.seconds.values.reduce(0, +) }
}

/// Turns a run folder's stitched probabilities into a map: the rule set writes the decided masks
/// (`decided.tif`), then the exports write the products beside them. Written once for every run
/// (any executor) and for `pipeline export`; never needs inference, and runs strip by strip.
public enum MapMaker {
    public static func make(runDirectory: String, settings: MapSettings, bands: BandStripSource?,
                            progress: (String) -> Void = { _ in }) throws -> MapReport {
        let probabilities = "\(runDirectory)/probabilities.tif"
        guard FileManager.default.fileExists(atPath: probabilities) else {
            throw MapError(message: "no probabilities.tif: not the output folder of a finished run", location: runDirectory)
        }
        let grid = try Dataset.open(probabilities).grid
        if settings.ruleSet.readsBands && bands == nil {
            throw MapError(message: "rule set '\(settings.ruleSet.name)' reads scene bands, but the scene is not open", location: settings.ruleSetFile ?? runDirectory)
        }
        let decided = "\(runDirectory)/decided.tif"
        let clock = ContinuousClock(), start = clock.now
        let stripBytes = settings.memoryBudget?.mapStageBytes ?? .max
        let rows = PostProcessor.stripHeight(width: grid.width, classCount: settings.classes.count,
                                             budgetBytes: min(PostProcessor.defaultStripBudgetBytes, stripBytes))
        let summary = try PostProcessor(ruleSet: settings.ruleSet, classes: settings.classes, grid: grid, bands: bands, stripHeight: rows)
            .run(probabilities: probabilities, output: decided)
        let postProcessing = clock.now - start
        progress("rules '\(settings.ruleSet.name)' applied: \(summary.removedRegions) small regions removed"
                 + (summary.relabelledRegions > 0 ? ", \(summary.relabelledRegions) relabelled" : ""))
        let exports = try Exporter(masks: DecidedMasks(path: decided, classes: settings.classes), directory: runDirectory,
                                   options: ExportOptions(formats: settings.formats, simplifyTolerance: settings.simplifyTolerance,
                                                          stripBudgetBytes: min(ExportOptions.defaultStripBudgetBytes, stripBytes)))
            .run(progress: progress)
        return MapReport(catalogue: settings.catalogue, ruleSet: settings.ruleSet.name, ruleSetFile: settings.ruleSetFile,
                         formats: ExportFormat.allCases.filter(settings.formats.contains).map(\.rawValue), decidedMasks: "decided.tif",
                         regionsRemoved: summary.removedRegions, regionsRelabelled: summary.relabelledRegions,
                         postProcessingSeconds: postProcessing.seconds, ruleStripRows: rows,
                         exports: exports)
    }
}

/// A map stage that cannot run: what and where, one line.
public struct MapError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var location: String

    public init(message: String, location: String) {
        self.message = message
        self.location = location
    }

    public var description: String { "\(location): \(message)" }
}
