import Foundation

/// How much memory a run's coordinator may use (`--memory-budget`), and how a run spends it so that
/// its peak stays under the budget whatever the scene's shape or the number of workers:
///
/// - fixed: the process itself (code, libraries, GDAL drivers, ZeroMQ) and GDAL's block cache;
/// - the row reader: blocks of tile columns whose rows take at most 1/32 of the budget, so a wide
///   scene is read in blocks rather than full-width rows (`TileRowReader`), and scenes of any
///   shape wider than a block hold the same;
/// - tiles in hand (cut by the reading thread ahead of demand, or queued for a worker): at most
///   1/32, so that many workers do not hold many tiles' pixels at once (`TileReadAhead` counts
///   them until they are sent);
/// - the stitcher's open strips: in memory when three full-width strips take at most 1/64 (small
///   scenes), otherwise in scratch files (`DiskStripSums`), which keep next to nothing in memory,
///   so that scenes of any shape take about the same;
/// - output written in chunks of about 16 MB.
///
/// The same bytes come out whichever way the memory is spent (tested).
public struct MemoryBudget: Sendable, Hashable, CustomStringConvertible {
    public static let `default` = MemoryBudget(bytes: 1 << 30)
    /// This process before any scene work: measured 60-75 MB for `pipeline run`, with headroom.
    public static let processBytes = 96 << 20
    /// GDAL's block cache, set to 128 MB for every command (see `Raster`).
    public static let gdalCacheBytes = 128 << 20
    /// The output chunk the stitcher writes at once, and its slack.
    public static let outputBytes = 32 << 20

    /// The part every run holds whatever its scene: the process, GDAL's block cache, output chunks.
    public static let fixedBytes = processBytes + gdalCacheBytes + outputBytes

    public let bytes: Int

    public init(bytes: Int) { self.bytes = bytes }

    /// What the map stages after the tile run (rules, exports) may hold in their strips: the budget
    /// less its fixed part, since the tile run's reader, tiles and stitcher are gone by then.
    public var mapStageBytes: Int { max(1 << 20, bytes - MemoryBudget.fixedBytes) }

    /// "1G", "1.5GB", "800M", "800MB", "2048" (MB without a unit); binary units (1G = 1024 MB).
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        var number = Substring(trimmed), scale = 1.0 * Double(1 << 20)
        for (suffix, factor) in [("GB", 1 << 30), ("G", 1 << 30), ("MB", 1 << 20), ("M", 1 << 20)] where trimmed.hasSuffix(suffix) {
            number = trimmed.dropLast(suffix.count)
            scale = Double(factor)
            break
        }
        guard let value = Double(number.trimmingCharacters(in: .whitespaces)), value.isFinite, value > 0 else {
            throw SceneError(code: .invalidArgument, message: "--memory-budget \(text): expected a size such as 1G, 1.5GB or 800M")
        }
        bytes = Int(value * scale)
    }

    public var description: String { MemoryBudget.megabytes(bytes) }

    static func megabytes(_ bytes: Int) -> String { "\((bytes + (1 << 20) - 1) >> 20) MB" }

    /// How a run of `grid` with `bandCount` stacked bands and `classCount` classes spends the budget.
    public struct Plan: Sendable, Hashable {
        /// The most the row reader may hold (`TileRowReader`'s `maxBufferBytes`).
        public var readerBytes: Int
        /// Tiles cut and held at once (waiting for a worker, or kept for a retry).
        public var maxTilesInHand: Int
        /// True: open strips accumulate in scratch files.
        public var stitchOnDisk: Bool
        /// The least budget this run needs.
        public var minimumBytes: Int
    }

    /// Bytes one cut tile holds: its raw values and validity.
    public static func tileBytes(grid: TileGrid, bandCount: Int) -> Int {
        grid.tileSize * grid.tileSize * (bandCount * MemoryLayout<Float>.size + 1)
    }

    /// The plan, or an error saying what minimum the run needs when the budget is below it.
    public func plan(grid: TileGrid, bandCount: Int, classCount: Int) throws -> Plan {
        let fixed = MemoryBudget.fixedBytes
        let oneColumn = TileRowReader.bufferBytes(grid: grid, bands: bandCount, blockTileColumns: 1)
        let tile = MemoryBudget.tileBytes(grid: grid, bandCount: bandCount)
        // One tile column to read, two tiles in hand, one tile being re-read for a retry or sent.
        let minimum = fixed + oneColumn + 4 * tile
        guard bytes >= minimum else {
            throw SceneError(code: .memoryBudget, message: "--memory-budget \(self) is too small for this run: it needs at least \(MemoryBudget.megabytes(minimum)) "
                             + "(\(MemoryBudget.megabytes(fixed)) for the process, GDAL's block cache and output chunks, "
                             + "\(MemoryBudget.megabytes(oneColumn + 4 * tile)) for one column of \(grid.tileSize)-pixel tiles of \(bandCount) bands)")
        }
        let spare = bytes - minimum
        let strips = 3 * grid.step * grid.width * (classCount + 1) * MemoryLayout<UInt32>.size
        return Plan(readerBytes: max(oneColumn, bytes / 32),
                    maxTilesInHand: max(2, min(spare, bytes / 32) / tile),
                    stitchOnDisk: strips > bytes / 64,
                    minimumBytes: minimum)
    }
}
