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
        #expect(Self.choose(overlap: 128, model: nil).tileSize == 512, "four times a given overlap")
    }

    @Test func theMarginCoversTheRadiusOnTheModelsGridAtTodaysOverhead() {
        let choice = Self.choose(model: Self.unet())
        // Margin 107 rounded up to a multiple of 16 = 112. On 20,000^2, 256 / 64 computes 105^2 tiles
        // of 256^2 = 722.5 M px; with overlap 224 the largest tile in 1 GB (1024^2 x 1000 bytes)
        // computes the fewest: 25^2 tiles of 1024^2 = 655 M px.
        #expect(choice.overlap == 224 && choice.tileSize == 1024, "\(choice)")
        #expect(choice.marginCoversField == true && choice.reason.contains("covers"))
    }

    @Test func oneTileForASmallScene() {
        let choice = Self.choose(model: Self.unet(bytesPerPixel: 100), scene: 1000)
        #expect(choice.tileSize == 1232 && choice.overlap == 224, "1000 + 224 rounded up to 16: \(choice)")
        // Without room for it, 2 x 2 tiles with steps of at least 500 px: 736 (2.17 M px, 256 / 64: 2.36 M).
        let overBudget = Self.choose(model: Self.unet(bytesPerPixel: 1000), scene: 1000)
        #expect(overBudget.tileSize == 736 && overBudget.overlap == 224, "\(overBudget)")
    }

    @Test func theBudgetShrinksTheTileThenTheOverlap() {
        let budget = 300 * 1000 * 1000
        let roomy = Self.choose(model: Self.unet(bytesPerPixel: 400), budget: budget)
        // 896^2 x 400 + 896 x 1000 bytes > 300 MB; 864 fits, but with overlap 224 it computes more
        // than 256 / 64 (32^2 tiles of 864^2 = 764 M px > 722.5 M): overlap 192 (30^2 tiles, 672 M).
        #expect(roomy.tileSize == 864 && roomy.overlap == 192, "\(roomy)")
        #expect(roomy.marginCoversField == false && roomy.reason.contains("budget"))
        let tight = Self.choose(model: Self.unet(bytesPerPixel: 4000), budget: budget)
        #expect(tight.tileSize * tight.tileSize * 4000 + tight.tileSize * 1000 <= budget)
        #expect(tight.tileSize == 272 && tight.overlap == 64, "\(tight)")
    }

    @Test func aGivenTileGetsAtMostHalfOfItAsOverlap() {
        #expect(Self.choose(tile: 1024, model: Self.unet()).overlap == 224)
        let small = Self.choose(tile: 256, model: Self.unet())
        #expect(small.overlap == 128 && small.marginCoversField == false)
        let given = Self.choose(overlap: 64, model: Self.unet())
        // The fewest computed pixels for overlap 64 among tiles up to 2 x 256: 512 (45^2 tiles).
        #expect(given.overlap == 64 && given.tileSize == 512 && given.tileSizeAutomatic && !given.overlapAutomatic, "\(given)")
    }
}
