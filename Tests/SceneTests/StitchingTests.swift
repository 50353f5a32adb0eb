import TestSupport
import Testing
import Raster
import Scene

@Suite struct StitchingTests {
    /// Identity stitching reproduces the normalized input within one quantization step, at every
    /// pixel including the edges, for random scene sizes, tile sizes, overlaps, windows and padding.
    @Test func identityStitchingReproducesTheInput() throws {
        var random = SeededGenerator(seed: 42)
        for trial in 0..<12 {
            let width = [1, 7, 33, 95, 130].randomElement(using: &random)!
            let height = [1, 5, 40, 77, 128].randomElement(using: &random)!
            let tileSize = [16, 24, 32, 64].randomElement(using: &random)!
            let overlap = 2 * Int.random(in: 0...(tileSize / 4), using: &random)
            let window = BlendWindow.allCases.randomElement(using: &random)!
            let padding = PaddingMode.allCases.randomElement(using: &random)!
            let seed = UInt64(trial)
            let path = "/vsimem/identity-\(trial).tif"
            defer { deleteDataset(path) }
            try TestScenes.write(path, width: width, height: height, bands: 2) { b, x, y in
                UInt16(truncatingIfNeeded: (Int(seed) * 131 + b * 977 + x * 37 + y * 101 + (x * y) % 17) % 2048)
            }
            let stack = try SceneStack(sources: [SceneSource(path: path)])
            let options = TilingOptions(tileSize: tileSize, overlap: overlap, padding: padding, window: window,
                                        normalization: Normalization(scale: [1 / 2047]))
            let model = try IdentityModel(bands: [1, 2])
            let stitched = try TestScenes.stitch(stack: stack, model: model, options: options)
            let input = try stack.read(window: .full(width: width, height: height))
            let expected = input.map { ProbabilityQuantization.quantize($0 / 2047) }
            let worst = zip(stitched, expected).map { abs(Int($0) - Int($1)) }.max()!
            #expect(worst <= 1, "trial \(trial): \(width)x\(height) tile \(tileSize) overlap \(overlap) \(window) \(padding): off by \(worst)")
        }
    }

    /// The same tiles committed in any order give the same bytes.
    @Test func arrivalOrderDoesNotChangeAByte() throws {
        let path = "/vsimem/order.tif"
        defer { deleteDataset(path) }
        try TestScenes.write(path, width: 90, height: 70, bands: 3) { b, x, y in UInt16((b * 300 + x * x + 7 * y) % 2048) }
        let stack = try SceneStack(sources: [SceneSource(path: path)])
        let options = TilingOptions(tileSize: 32, overlap: 12, window: .spline, normalization: Normalization(scale: [1 / 2047]))
        // A model whose tile outputs depend on the tile position, so blending really mixes values.
        let model = try IdentityModel(bands: [3, 1, 2])
        let inOrder = try TestScenes.stitch(stack: stack, model: model, options: options)
        var random = SeededGenerator(seed: 7)
        for _ in 0..<3 {
            let shuffled = try TestScenes.stitch(stack: stack, model: model, options: options) { $0.shuffle(using: &random) }
            #expect(shuffled == inOrder)
        }
        let reversed = try TestScenes.stitch(stack: stack, model: model, options: options) { $0.reverse() }
        #expect(reversed == inOrder)
    }

    /// Nodata in the input stays nodata in the output, however the tiles overlap it.
    @Test func nodataBordersStayNodata() throws {
        let path = "/vsimem/nodata.tif"
        defer { deleteDataset(path) }
        // A scene with a 9-pixel nodata frame and a nodata hole in the middle.
        func isNoData(_ x: Int, _ y: Int) -> Bool { x < 9 || y < 9 || x >= 71 || y >= 51 || (x / 10 == 4 && y / 10 == 3) }
        try TestScenes.write(path, width: 80, height: 60, bands: 1, noData: 0) { _, x, y in isNoData(x, y) ? 0 : UInt16(100 + x + y) }
        let stack = try SceneStack(sources: [SceneSource(path: path)])
        let stitched = try TestScenes.stitch(stack: stack, model: try IdentityModel(bands: [1]),
                                             options: TilingOptions(tileSize: 32, overlap: 16, normalization: Normalization(scale: [1 / 2047])))
        for y in 0..<60 {
            for x in 0..<80 {
                let value = stitched[y * 80 + x]
                if isNoData(x, y) {
                    #expect(value == ProbabilityQuantization.noData, "(\(x), \(y)) should be nodata")
                } else {
                    #expect(value == ProbabilityQuantization.quantize(Float(100 + x + y) / 2047), "(\(x), \(y))")
                }
            }
        }
    }

    @Test func aTileCannotBeCommittedTwice() throws {
        let grid = try TileGrid(width: 20, height: 20, tileSize: 16, overlap: 4)
        let sink = MemoryStripSink(width: 20, height: 20, classCount: 1)
        let stitcher = try Stitcher(grid: grid, classCount: 1, window: .hann, sink: sink)
        let tile = grid.tile(row: 0, col: 0)
        try stitcher.plan(tileRow: 0, tiles: grid.tiles(inRow: 0))
        let values = [UInt8](repeating: 100, count: 256), validity = [UInt8](repeating: 1, count: 256)
        try stitcher.commit(tile, probabilities: values, validity: validity)
        let error = #expect(throws: SceneError.self) { try stitcher.commit(tile, probabilities: values, validity: validity) }
        #expect(error?.code == .duplicateTile)
        #expect(throws: SceneError.self) { try stitcher.finish() }
    }
}
