import Foundation
import PipelineConfig
import PostProcessing
import Raster
import Scene
import TestSupport

/// Small probability rasters drawn as text, and the decided masks read back as text.
///
/// A class plane is a list of rows; in each row `#` is probability 1 (254), `.` is 0, `x` nodata
/// (255), and a digit d is probability d/10 (rounded to the 1/254 steps the stitcher writes).
enum Fixture {
    static let crs = try! CRS(epsg: 32631)

    /// `pixel` metres per pixel, north-up, in UTM 31N.
    static func grid(width: Int, height: Int, pixel: Double = 1) -> RasterGrid {
        RasterGrid(crs: crs, geoTransform: .northUp(originX: 500_000, originY: 5_700_000, pixelWidth: pixel, pixelHeight: pixel),
                   width: width, height: height)
    }

    /// Classes `a`, `b`, `c`, … with the given default thresholds (0.5 unless said).
    static func classes(_ names: [String], thresholds: [String: Double] = [:]) -> ClassSet {
        ClassSet(names.enumerated().map { i, name in
            SceneClass(id: i + 1, name: name, label: name, color: RGBA(0, 0, 0), threshold: thresholds[name] ?? 0.5)
        })
    }

    static func quantized(_ character: Character) -> UInt8 {
        switch character {
        case "#": 254
        case ".": 0
        case "x": 255
        default: UInt8((Double(character.wholeNumberValue!) / 10 * 254).rounded())
        }
    }

    /// Writes the probabilities raster (one plane per class, all the same size) and returns its grid.
    @discardableResult
    static func writeProbabilities(_ path: String, planes: [[String]], pixel: Double = 1) throws -> RasterGrid {
        let height = planes[0].count, width = planes[0][0].count
        let grid = grid(width: width, height: height, pixel: pixel)
        try writeProbabilities(path, grid: grid, values: planes.flatMap { $0.flatMap { $0.map(quantized) } }, classCount: planes.count)
        return grid
    }

    static func writeProbabilities(_ path: String, grid: RasterGrid, values: [UInt8], classCount: Int) throws {
        let dataset = try Dataset.create(path, width: grid.width, height: grid.height, bandCount: classCount, pixelType: .uint8,
                                         options: GeoTIFFOptions(blockSize: 16, compression: .none))
        try dataset.setCRS(grid.crs!)
        try dataset.setGeoTransform(grid.geoTransform)
        try dataset.write(values, window: .full(width: grid.width, height: grid.height))
        try dataset.flush()
    }

    /// The decided masks as text planes: `#` 1, `.` 0, `x` 255.
    static func readMasks(_ path: String) throws -> [[String]] {
        let dataset = try Dataset.open(path)
        let values = try dataset.read(UInt8.self, window: .full(width: dataset.width, height: dataset.height))
        let w = dataset.width, h = dataset.height
        return (0..<dataset.bandCount).map { b in
            (0..<h).map { y in
                String((0..<w).map { x -> Character in
                    switch values[(b * h + y) * w + x] {
                    case 1: "#"
                    case 0: "."
                    case 255: "x"
                    default: "?"
                    }
                })
            }
        }
    }

    /// Runs `rules` (YAML after `version: 1`) on `planes` with classes named `names`, and returns
    /// the masks as text.
    static func run(
        _ rulesYAML: String, classes: ClassSet, planes: [[String]], pixel: Double = 1, stripHeight: Int = 256,
        bands: BandStripSource? = nil, bandNames: [String] = []
    ) throws -> [[String]] {
        let directory = try TemporaryDirectory()
        let input = directory.file("probabilities.tif"), output = directory.file("masks.tif")
        let grid = try writeProbabilities(input, planes: planes, pixel: pixel)
        let ruleSet = try RuleSet.parse(yaml: "version: 1\n" + rulesYAML, file: "rules.yaml", classNames: classes.names, bandNames: bandNames)
        try PostProcessor(ruleSet: ruleSet, classes: classes, grid: grid, bands: bands, stripHeight: stripHeight)
            .run(probabilities: input, output: output)
        return try readMasks(output)
    }
}
