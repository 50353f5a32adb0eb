import TestSupport
import Foundation
import Testing
import Raster
import Scene

/// Reading in column blocks, one tile's window at a time, and stitching in scratch files give the
/// bytes of full-width reading and in-memory stitching, on wide and tall scenes whose sources are
/// resampled (bilinear, cubic) and reprojected; and the budget's plan and errors.
@Suite struct MemoryBudgetTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory() }

    /// Full resolution, a 1/4-resolution source shifted by half a pixel (bilinear), and that source
    /// reprojected to Web Mercator (cubic), with a nodata hole: `width` x `height` pixels.
    private func stack(width: Int, height: Int) throws -> SceneStack {
        let name = "\(width)x\(height)"
        let full = directory.file("\(name)-full.tif"), coarse = directory.file("\(name)-coarse.tif"), projected = directory.file("\(name)-3857.tif")
        try TestScenes.write(full, width: width, height: height, bands: 2, pixel: 0.5, noData: 0) { b, x, y in
            (x - width / 3) * (x - width / 3) + (y - height / 2) * (y - height / 2) < 64 ? 0 : UInt16(1 + (b * 500 + x * 3 + y * 5) % 2000)
        }
        try TestScenes.write(coarse, width: width / 4 + 1, height: height / 4 + 1, bands: 3, origin: (500_000 - 1, 5_700_000 + 1), pixel: 2) { b, x, y in
            UInt16(1000 + b * 100 + (x * 13 + y * 29) % 97)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/gdalwarp")
        process.arguments = ["-q", "-t_srs", "EPSG:3857", "-r", "near", coarse, projected]
        try process.run()
        process.waitUntilExit()
        return try SceneStack(sources: [SceneSource(path: full), SceneSource(path: coarse, bands: [3, 1], resampling: .bilinear),
                                        SceneSource(path: projected, bands: [2], resampling: .cubic)])
    }

    private func bits(_ input: TileInput) -> [UInt32] { input.values.map(\.bitPattern) }

    @Test(arguments: [(300, 70), (70, 300)])
    func everyWayOfReadingATileGivesTheSameBits(width: Int, height: Int) throws {
        let stack = try stack(width: width, height: height)
        let grid = try TileGrid(width: width, height: height, tileSize: 32, overlap: 8)
        for padding in [PaddingMode.reflect, .zero] {
            let whole = try TileRowReader(stack: stack, grid: grid, padding: padding)
            let blocked = try TileRowReader(stack: stack, grid: grid, padding: padding, maxBufferBytes: 40_000)
            #expect(whole.blockTileColumns == grid.columns)
            #expect(blocked.blockTileColumns < grid.columns || grid.columns == 1)
            for row in 0..<grid.rows {
                try whole.load(tileRow: row)
                try blocked.load(tileRow: row)
                for tile in grid.tiles(inRow: row) {
                    let reference = try whole.input(for: tile)
                    let (alone, hasData) = try TileRowReader.readTile(tile, stack: stack, grid: grid, padding: padding)
                    #expect(bits(try blocked.input(for: tile)) == bits(reference), "tile \(tile.index), blocks")
                    #expect(bits(alone) == bits(reference) && alone.validity == reference.validity, "tile \(tile.index), alone")
                    #expect(try blocked.coreHasData(tile) == whole.coreHasData(tile) && hasData == (try whole.coreHasData(tile)))
                }
            }
        }
    }

    /// Stitches with the tile signature (a tile in the wrong place changes the bytes).
    private func stitch(_ stack: SceneStack, blocks: Int?, scratch: String?) throws -> [UInt8] {
        let options = TilingOptions(tileSize: 32, overlap: 8, normalization: Normalization(scale: [1 / 2047]))
        let model = try IdentityModel(bands: [1, 3, 5], classNames: ["a", "b", "c"], tileSignature: true)
        let grid = try TileGrid(width: stack.grid.width, height: stack.grid.height, tileSize: 32, overlap: 8)
        let sink = MemoryStripSink(width: grid.width, height: grid.height, classCount: 3)
        let reader = try TileRowReader(stack: stack, grid: grid, padding: options.padding, maxBufferBytes: blocks)
        let feeder = TileFeeder(reader: reader, grid: grid)
        let stitcher = try Stitcher(grid: grid, classCount: 3, window: options.window, sink: sink, scratchDirectory: scratch)
        // Commit a row behind, so that several strips are open at once.
        var waiting: [TileInput] = []
        func commitOne() throws {
            let input = waiting.removeFirst()
            try stitcher.commit(input.tile, probabilities: ProbabilityQuantization.quantize(model.predict(options.normalization.prepare(input))),
                                validity: input.validity)
        }
        while let (_, input) = try feeder.next(plan: { try stitcher.plan(tileRow: $0, tiles: $1) }, skip: { try stitcher.withdraw($0) }) {
            waiting.append(input)
            if waiting.count > grid.columns + 1 { try commitOne() }
        }
        while !waiting.isEmpty { try commitOne() }
        try stitcher.finish()
        #expect(sink.writtenRows == grid.height)
        return sink.values
    }

    @Test(arguments: [(300, 70), (70, 300)])
    func aWideAndATallSceneStitchToTheSameBytesWithinABudget(width: Int, height: Int) throws {
        let stack = try stack(width: width, height: height)
        let reference = try stitch(stack, blocks: nil, scratch: nil)
        #expect(reference.contains(ProbabilityQuantization.noData), "the nodata hole is in the output")
        let scratch = directory.file("scratch-\(width)x\(height)")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        #expect(try stitch(stack, blocks: 40_000, scratch: scratch) == reference)
        #expect(try stitch(stack, blocks: 0, scratch: nil) == reference)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).isEmpty, "scratch files are removed")
    }

    @Test func budgetsParseAndPlanAndATooSmallOneSaysTheMinimum() throws {
        #expect(try MemoryBudget(parsing: "1G").bytes == 1 << 30)
        #expect(try MemoryBudget(parsing: "1.5GB").bytes == 3 << 29)
        #expect(try MemoryBudget(parsing: "800M").bytes == 800 << 20)
        #expect(try MemoryBudget(parsing: "512").bytes == 512 << 20)
        #expect(throws: SceneError.self) { try MemoryBudget(parsing: "lots") }
        #expect(throws: SceneError.self) { try MemoryBudget(parsing: "-1G") }

        let square = try TileGrid(width: 10_000, height: 10_000, tileSize: 256, overlap: 64)
        let wide = try TileGrid(width: 40_000, height: 2_500, tileSize: 256, overlap: 64)
        let plan = try MemoryBudget.default.plan(grid: square, bandCount: 20, classCount: 10)
        #expect(plan.readerBytes == 32 << 20 && plan.stitchOnDisk)
        #expect(plan.maxTilesInHand * MemoryBudget.tileBytes(grid: square, bandCount: 20) <= MemoryBudget.default.bytes / 32)
        #expect(try MemoryBudget.default.plan(grid: wide, bandCount: 20, classCount: 10).readerBytes == plan.readerBytes)
        let small = try TileGrid(width: 500, height: 400, tileSize: 64, overlap: 16)
        #expect(try !MemoryBudget.default.plan(grid: small, bandCount: 3, classCount: 2).stitchOnDisk)

        let error = #expect(throws: SceneError.self) { try MemoryBudget(bytes: 200 << 20).plan(grid: square, bandCount: 20, classCount: 10) }
        #expect(error?.code == .memoryBudget)
        #expect(error?.description.hasPrefix("--memory-budget 200 MB is too small for this run: it needs at least 282 MB (256 MB for the process") == true,
                "\(error.map { "\($0)" } ?? "")")
        #expect(error?.description.contains("\n") == false)
    }
}
