import Foundation
import Raster
import Scene

/// Writes the map products of a run from its decided masks, on the masks' grid (CRS and
/// geotransform kept): the label raster, per-class mask COGs, polygons, and each class's area.
///
/// One pass reads the decided masks strip by strip (memory: a strip of every class, bounded by
/// `options.stripBudgetBytes`), feeding the label raster, a band-interleaved scratch copy (for
/// masks and polygons) and the area counts; then each product is finished by GDAL (COG copies and
/// polygonization stream from disk).
/// Scratch files live in `DIRECTORY/.exports-scratch` and are removed at the end, even on failure.
public struct Exporter {
    public let masks: DecidedMasks
    public let directory: String
    public let options: ExportOptions

    public init(masks: DecidedMasks, directory: String, options: ExportOptions) {
        self.masks = masks
        self.directory = directory
        self.options = options
    }

    public func run(progress: (String) -> Void = { _ in }) throws -> ExportReport {
        guard options.simplifyTolerance >= 0, options.simplifyTolerance.isFinite else {
            throw ExportError(code: .invalidArgument, message: "simplification tolerance \(options.simplifyTolerance) must be 0 or more (map units)", location: directory)
        }
        let files = FileManager.default
        try files.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let scratchDirectory = "\(directory)/.exports-scratch"
        try? files.removeItem(atPath: scratchDirectory)
        try files.createDirectory(atPath: scratchDirectory, withIntermediateDirectories: true)
        defer { try? files.removeItem(atPath: scratchDirectory) }

        var report = ExportReport(files: [], classAreas: ClassAreas(pixelAreaM2: nil, noDataPixels: 0, classes: []),
                                  polygons: nil, simplifyTolerance: options.simplifyTolerance, seconds: [:])
        func timed<T>(_ stage: String, _ body: () throws -> T) rethrows -> T {
            let start = Date()
            defer { report.seconds[stage] = Date().timeIntervalSince(start) }
            return try body()
        }

        let wantsPolygons = options.formats.contains(.polygons) || options.formats.contains(.geojson)
        let labels = try options.formats.contains(.classes)
            ? LabelRasterWriter(path: "\(directory)/classes.tif", scratchPath: "\(scratchDirectory)/classes.tif", masks: masks) : nil
        let byBand = try wantsPolygons || options.formats.contains(.masks) ? BandScratch(masks: masks, scratchDirectory: scratchDirectory) : nil

        var counter = ClassAreaCounter(classCount: masks.classes.count)
        try timed("strips") {
            try masks.forEachStrip(rows: masks.stripRows(budgetBytes: options.stripBudgetBytes)) { window, values in
                counter.add(values, pixelCount: window.pixelCount)
                try labels?.write(window: window, values: values)
                try byBand?.write(window: window, values: values)
            }
        }
        report.classAreas = counter.areas(classes: masks.classes, grid: masks.grid)
        progress("read the decided masks (\(masks.grid.width) x \(masks.grid.height), \(masks.classes.count) classes)")

        if let labels {
            try timed("classes") { try labels.finish() }
            report.files.append(labels.path)
            progress("wrote \(labels.path)")
        }
        if let byBand, options.formats.contains(.masks) {
            let maskDirectory = "\(directory)/masks"
            try files.createDirectory(atPath: maskDirectory, withIntermediateDirectories: true)
            report.files += try timed("masks") { try MaskRasters.write(masks, source: byBand.dataset, directory: maskDirectory) }
            progress("wrote \(masks.classes.count) class masks in \(maskDirectory)")
        }
        if let byBand, wantsPolygons {
            let polygons = PolygonExport(masks: masks, source: byBand.dataset, scratchDirectory: scratchDirectory)
            let gpkgPath = options.formats.contains(.polygons) ? "\(directory)/polygons.gpkg" : nil
            let geojsonDirectory = options.formats.contains(.geojson) ? "\(directory)/polygons" : nil
            if let geojsonDirectory { try files.createDirectory(atPath: geojsonDirectory, withIntermediateDirectories: true) }
            let counts = try timed("polygons") {
                try polygons.finish(gpkgPath: gpkgPath, geojsonDirectory: geojsonDirectory, tolerance: options.simplifyTolerance)
            }
            report.polygons = Dictionary(uniqueKeysWithValues: zip(masks.classes.classes.map(\.name), counts))
            if let gpkgPath { report.files.append(gpkgPath) }
            if let geojsonDirectory { report.files += masks.classes.classes.map { "\(geojsonDirectory)/\($0.name).geojson" } }
            progress("wrote \(counts.reduce(0, +)) polygons")
        }
        return report
    }
}

/// What `Exporter.run` wrote, for the run report.
public struct ExportReport: Codable, Sendable {
    /// Paths of the files written, in the order written.
    public var files: [String]
    /// Pixels and m² of each class in the decided masks.
    public var classAreas: ClassAreas
    /// Polygons per class name, when polygons were written.
    public var polygons: [String: Int]?
    public var simplifyTolerance: Double
    /// Seconds per stage: strips (the pass over the masks), classes, masks, polygons.
    public var seconds: [String: Double]
}
