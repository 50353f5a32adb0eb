/// The tile size and overlap a run uses, and how they were chosen (kept in the run report).
public struct TilingChoice: Codable, Sendable, Equatable {
    public var tileSize: Int
    public var overlap: Int
    /// True for a value the pipeline left out and the rule below chose.
    public var tileSizeAutomatic: Bool
    public var overlapAutomatic: Bool
    /// The model's receptive radius in pixels (nil: no model, or one whose field is global).
    public var receptiveRadius: Int?
    /// The smallest overlap whose margin covers that radius and keeps tiles on the model's
    /// pooling grid (a multiple of twice its alignment).
    public var neededOverlap: Int?
    /// Estimated memory of a run at this tiling (model buffers + tile rows), and the budget.
    public var estimatedMegabytes: Double?
    public var budgetMegabytes: Double
    /// One phrase saying why.
    public var reason: String

    /// Context each tile has around its core.
    public var margin: Int { overlap / 2 }
    public var automatic: Bool { tileSizeAutomatic || overlapAutomatic }
    /// Whether every kept pixel sees all of its receptive field inside its tile (nil when unknown).
    public var marginCoversField: Bool? { receptiveRadius.map { margin >= $0 } }
}

/// What a model tells the tiling rule.
public struct ModelTilingFacts {
    /// Pixels of context an output pixel needs on each side; nil when its field is the whole tile.
    public var receptiveRadius: Int?
    /// Tile sizes must be multiples of this (2^depth for a U-Net).
    public var alignment: Int
    /// The tile size the model was trained or exported at (its `tile_size` metadata).
    public var preferredTileSize: Int?
    /// Bytes the model needs for one tile of this size (its whole test-time-augmentation batch);
    /// nil when it does not take that size.
    public var bytesPerTile: (Int) -> Int?

    public init(receptiveRadius: Int?, alignment: Int, preferredTileSize: Int?, bytesPerTile: @escaping (Int) -> Int?) {
        (self.receptiveRadius, self.alignment, self.preferredTileSize) = (receptiveRadius, max(1, alignment), preferredTileSize)
        self.bytesPerTile = bytesPerTile
    }
}

/// Chooses the tiling a pipeline leaves out. Values the pipeline gives always win.
///
/// The rule, for a model with receptive radius r whose tiles must be multiples of a (2^depth):
/// - Overlap: the smallest multiple of 2a whose margin (overlap / 2) is at least r. A tile's kept
///   core then sees its whole receptive field, so its outputs equal whole-scene inference; the
///   multiple of 2a keeps every tile's origin on the model's pooling grid (a shifted grid changes
///   outputs even with an infinite margin).
/// - Tile: among multiples of a up to twice max(the model's `tile_size` (else 256), 4 x overlap),
///   and one tile covering the whole scene with its margins, those whose memory estimate (the
///   model's buffers for one tile, the test-time augmentation batch included, plus the tile rows
///   the reader and the stitcher hold across the scene's width) fits the budget, the one that
///   computes the fewest pixels for this scene while keeping that overlap, as long as it computes
///   no more than the old 256 / 64 default would (on large scenes: step / tile >= 3/4).
/// - When no tile can keep that overlap within the budget and that compute, the overlap shrinks
///   (by 2a) to the widest that can, and the choice's reason says the margin is below r.
/// Without a model (the identity diagnostic) or with a global field, the old defaults stay:
/// 256 / 64, or a quarter of a given tile as overlap; a given tile gets the overlap r needs, up to
/// half of it.
public enum AutomaticTiling {
    /// The memory budget when the run sets none.
    public static let defaultBudgetBytes = 1 << 30
    /// The largest tile considered (the pipeline's own limit).
    public static let largestTile = 8192
    /// - Parameters:
    ///   - fallback: the tiling without a receptive radius to follow (256 / 64); its tile also
    ///     stands for a model without `tile_size` metadata.
    ///   - sceneBufferBytes: bytes the reader and stitcher hold for tiles of a size (scene width x
    ///     tile rows x bands and classes): `sceneBufferBytes(width:bands:classes:)`.
    public static func choose(tileSize: Int?, overlap: Int?, model: ModelTilingFacts?, sceneWidth: Int, sceneHeight: Int,
                              budgetBytes: Int = defaultBudgetBytes, fallback: (tileSize: Int, overlap: Int),
                              sceneBufferBytes: (Int) -> Int) -> TilingChoice {
        let budget = Double(budgetBytes) / 1_048_576
        func estimate(_ tile: Int) -> Int? { model.map { $0.bytesPerTile(tile) }.map { ($0 ?? Int.max / 2) + sceneBufferBytes(tile) } }
        func choice(_ tile: Int, _ lap: Int, _ reason: String) -> TilingChoice {
            TilingChoice(tileSize: tile, overlap: lap, tileSizeAutomatic: tileSize == nil, overlapAutomatic: overlap == nil,
                         receptiveRadius: model?.receptiveRadius,
                         neededOverlap: model.flatMap { m in m.receptiveRadius.map { 2 * roundUp($0, m.alignment) } },
                         estimatedMegabytes: estimate(tile).map { Double($0) / 1_048_576 }, budgetMegabytes: budget, reason: reason)
        }
        if let tileSize, let overlap { return choice(tileSize, overlap, "given in the pipeline") }
        guard let model, let radius = model.receptiveRadius else {
            let tile = tileSize ?? roundUp(max(fallback.tileSize, 4 * (overlap ?? 0)), model?.alignment ?? 1)
            let lap = overlap ?? min(fallback.overlap, roundDown(tile / 4, 2 * (model?.alignment ?? 1)))
            return choice(tile, lap, model == nil ? "defaults (no receptive field to follow)" : "defaults (the model's receptive field is global)")
        }
        let a = model.alignment
        let needed = 2 * roundUp(radius, a)
        if let tileSize {
            let lap = min(needed, roundDown(tileSize / 2, 2 * a))
            return choice(tileSize, lap, lap >= needed ? "margin covers the receptive radius \(radius) px"
                                                       : "half the given tile: the margin is below the receptive radius \(radius) px")
        }
        let lap = overlap ?? needed
        let step = 2 * a
        // Pixels the model computes for the whole scene, and the same for the old 256 / 64 default.
        func computed(_ tile: Int, _ lap: Int) -> Int {
            let advance = tile - lap
            return ((sceneWidth + advance - 1) / advance) * ((sceneHeight + advance - 1) / advance) * tile * tile
        }
        let reference = computed(fallback.tileSize, fallback.overlap)
        let want = max(roundUp(model.preferredTileSize ?? fallback.tileSize, a), roundUp(4 * lap, a))
        let smallest = roundUp(max(lap + a, 32), a)
        // Candidate tiles: up to twice `want`, and one tile for the whole scene; memory grows with
        // the tile, so every tile up to the largest that fits fits.
        let single = roundUp(max(sceneWidth, sceneHeight) + lap, a)
        var candidates = Array(stride(from: smallest, through: min(largestTile, max(smallest, 2 * want)), by: a))
        if single > 2 * want && single <= largestTile { candidates.append(single) }
        guard let largest = candidates.reversed().first(where: { estimate($0).map { $0 <= budgetBytes } ?? false }) else {
            let fitted = overlap ?? min(lap, roundDown(smallest / 4, step))
            return choice(smallest, fitted, "the smallest tile, still over the \(Int(budget)) MB memory budget")
        }
        // The widest margin (up to `lap`) whose tiling computes no more pixels than 256 / 64 would,
        // then the fewest computed pixels, then the smaller tile.
        var best: (tile: Int, lap: Int, cost: Int)?
        for tile in candidates where tile <= largest {
            var fitted = overlap ?? min(lap, roundDown(tile - 1, step))
            if overlap == nil { while fitted > 0 && computed(tile, fitted) > reference { fitted -= step } }
            guard fitted < tile else { continue }
            let cost = computed(tile, fitted)
            if overlap == nil && cost > reference { continue }
            if let b = best, fitted < b.lap || (fitted == b.lap && cost >= b.cost) { continue }
            best = (tile, fitted, cost)
        }
        guard let best else {
            let fitted = overlap ?? min(lap, roundDown(largest / 4, step))
            return choice(largest, fitted, "the largest tile in the \(Int(budget)) MB memory budget")
        }
        let ratio = String(format: "%.2f computed px per scene px, 256 / 64: %.2f", Double(best.cost) / Double(sceneWidth * sceneHeight),
                           Double(reference) / Double(sceneWidth * sceneHeight))
        if overlap != nil { return choice(best.tile, best.lap, "fewest computed pixels for the given overlap (\(ratio))") }
        if best.lap / 2 >= radius { return choice(best.tile, best.lap, "margin \(best.lap / 2) px covers the receptive radius \(radius) px (\(ratio))") }
        return choice(best.tile, best.lap, "margin \(best.lap / 2) px, below the receptive radius \(radius) px, is the most that the "
                      + "\(Int(budget)) MB memory budget allows without computing more than 256 / 64 (\(ratio))")
    }

    /// Bytes the tile-row reader (every band, Float32, plus a validity byte) and the stitcher
    /// (a UInt32 sum per class and one for the weights, over about two tile rows) hold for
    /// `tile`-pixel tiles across a scene `width` pixels wide.
    public static func sceneBufferBytes(tile: Int, width: Int, bands: Int, classes: Int) -> Int {
        tile * width * (4 * bands + 1) + 2 * tile * width * 4 * (classes + 1)
    }

    public static func roundUp(_ value: Int, _ multiple: Int) -> Int { (value + multiple - 1) / multiple * multiple }
    public static func roundDown(_ value: Int, _ multiple: Int) -> Int { value / multiple * multiple }
}
