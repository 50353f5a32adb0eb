import Scene
import Testing

/// The rule that completes a pipeline's tiling from the model (see `AutomaticTiling`).
@Suite struct AutomaticTilingTests {
    /// The reference U-Net's facts: radius 107 px, multiples of 16; memory grows with the tile's area.
    static func unet(preferred: Int? = nil, bytesPerPixel: Int = 1000) -> ModelTilingFacts {
        ModelTilingFacts(receptiveRadius: 107, alignment: 16, preferredTileSize: preferred,
                         bytesPerTile: { $0.isMultiple(of: 16) ? $0 * $0 * bytesPerPixel : nil })
    }

    static func choose(tile: Int? = nil, overlap: Int? = nil, model: ModelTilingFacts?, scene: Int = 20_000,
                       budget: Int = AutomaticTiling.defaultBudgetBytes) -> TilingChoice {
        AutomaticTiling.choose(tileSize: tile, overlap: overlap, model: model, sceneWidth: scene, sceneHeight: scene,
                               budgetBytes: budget, fallback: (256, 64), sceneBufferBytes: { $0 * 1000 })
    }

    @Test func givenValuesWin() {
        let choice = Self.choose(tile: 256, overlap: 64, model: Self.unet())
        #expect(choice.tileSize == 256 && choice.overlap == 64 && !choice.automatic)
        #expect(choice.marginCoversField == false && choice.neededOverlap == 224)
    }

    @Test func withoutAModelTodaysDefaultsStay() {
        let choice = Self.choose(model: nil)
        #expect(choice.tileSize == 256 && choice.overlap == 64 && choice.tileSizeAutomatic && choice.overlapAutomatic)
        #expect(choice.receptiveRadius == nil && choice.marginCoversField == nil)
        #expect(Self.choose(tile: 64, model: nil).overlap == 16, "a quarter of a given tile")
    }

    @Test func theMarginCoversTheRadiusOnTheModelsGridAtTodaysOverhead() {
        let choice = Self.choose(model: Self.unet())
        // Margin 107 rounded up to a multiple of 16 = 112; tile 4 x 224 = 896 (step / tile = 3/4).
        #expect(choice.overlap == 224 && choice.tileSize == 896)
        #expect(choice.marginCoversField == true)
        #expect(Self.choose(model: Self.unet(preferred: 1024)).tileSize == 1024, "the model's own tile when larger")
    }

    @Test func oneTileForASmallScene() {
        let choice = Self.choose(model: Self.unet(bytesPerPixel: 100), scene: 1000)
        #expect(choice.tileSize == 1232 && choice.overlap == 224, "1000 + 224 rounded up to 16")
        #expect(choice.reason.contains("one tile"))
        let overBudget = Self.choose(model: Self.unet(bytesPerPixel: 1000), scene: 1000)
        #expect(overBudget.tileSize == 896 && overBudget.overlap == 224, "the one tile does not fit 1 GB: \(overBudget)")
    }

    @Test func theBudgetShrinksTheTileThenTheOverlap() {
        let budget = 300 * 1000 * 1000
        let roomy = Self.choose(model: Self.unet(bytesPerPixel: 400), budget: budget)
        // 896^2 x 400 + 896 x 1000 bytes > 300 MB; 864 fits, and the overlap falls to a quarter of
        // it on the 32-px grid (216 -> 192).
        #expect(roomy.tileSize == 864 && roomy.overlap == 192, "\(roomy)")
        #expect(roomy.marginCoversField == false && roomy.reason.contains("budget"))
        let tight = Self.choose(model: Self.unet(bytesPerPixel: 4000), budget: budget)
        #expect(tight.tileSize * tight.tileSize * 4000 + tight.tileSize * 1000 <= budget)
        #expect(tight.overlap <= tight.tileSize / 4 && tight.overlap.isMultiple(of: 32))
    }

    @Test func aGivenTileGetsAtMostHalfOfItAsOverlap() {
        #expect(Self.choose(tile: 1024, model: Self.unet()).overlap == 224)
        let small = Self.choose(tile: 256, model: Self.unet())
        #expect(small.overlap == 128 && small.marginCoversField == false)
        let given = Self.choose(overlap: 64, model: Self.unet())
        #expect(given.overlap == 64 && given.tileSize == 256 && given.tileSizeAutomatic && !given.overlapAutomatic)
    }
}
