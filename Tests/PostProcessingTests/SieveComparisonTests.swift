import PipelineConfig
import PostProcessing
import Raster
import Scene
import TestSupport
import Testing

/// `min_area` against GDAL's sieve filter. The sieve merges a small region into its largest
/// neighbour: in a 0/1 mask a small region of 1s becomes 0, and a small hole of 0s becomes 1.
/// `min_area` clears small regions and leaves holes alone, so it must equal "sieve AND mask".
@Suite struct SieveComparisonTests {
    @Test(arguments: [3, 10, 30])
    func minimumAreaEqualsGDALsSieveWithHolesKept(threshold: Int) throws {
        let width = 64, height = 48
        var generator = SeededGenerator(seed: UInt64(threshold))
        var mask = [UInt8](repeating: 0, count: width * height)
        for _ in 0..<60 {
            // Rectangles and single specks of every size around the threshold.
            let x0 = Int.random(in: 0..<width, using: &generator), y0 = Int.random(in: 0..<height, using: &generator)
            let w = Int.random(in: 1...6, using: &generator), h = Int.random(in: 1...6, using: &generator)
            for y in y0..<min(height, y0 + h) { for x in x0..<min(width, x0 + w) { mask[y * width + x] = 1 } }
        }

        let directory = try TemporaryDirectory()
        let grid = Fixture.grid(width: width, height: height)
        let input = directory.file("p.tif"), output = directory.file("m.tif")
        try Fixture.writeProbabilities(input, grid: grid, values: mask.map { $0 * 254 }, classCount: 1)
        let ruleSet = RuleSet(name: "min", rules: [.minimumArea(MinimumAreaRule(classes: .all, minimum: .pixels(threshold)))])
        let summary = try PostProcessor(ruleSet: ruleSet, classes: Fixture.classes(["a"]), grid: grid, stripHeight: 7)
            .run(probabilities: input, output: output)
        let ours = try Dataset.open(output).read(UInt8.self, window: .full(width: width, height: height))

        let gdal = try Dataset.create("sieve", width: width, height: height, bandCount: 2, pixelType: .uint8, driver: "MEM")
        try gdal.write(mask, bands: [1], window: .full(width: width, height: height))
        try gdal.band(1).sieve(threshold: threshold, eightConnected: true, into: try gdal.band(2))
        let sieved = try gdal.read(UInt8.self, bands: [2], window: .full(width: width, height: height))

        #expect(ours == zip(mask, sieved).map { $0 & $1 })
        #expect(summary.removedRegions > 0)
        #expect(ours.contains(1))
    }
}
