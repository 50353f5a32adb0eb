import PipelineConfig
import PostProcessing
import Scene
import TestSupport
import Testing

/// Each rule kind on hand-made rasters, with the exact pixels expected.
@Suite struct RuleTests {
    let ab = Fixture.classes(["a", "b"])

    @Test func thresholdsOverrideTheCatalogueOnlyForTheClassesListed() throws {
        // Probabilities 0.2, 0.4, 0.6, 0.8 in both classes; a's catalogue threshold 0.5 is
        // overridden to 0.3, b keeps its catalogue threshold 0.7.
        let classes = Fixture.classes(["a", "b"], thresholds: ["a": 0.5, "b": 0.7])
        let masks = try Fixture.run("thresholds: {a: 0.3}\n", classes: classes, planes: [["2468"], ["2468"]])
        #expect(masks == [[".###"], ["...#"]])
    }

    @Test func aThresholdIsInclusiveOnTheQuantizedProbability() throws {
        // 0.3 · 254 = 76.2: 76/254 is below 0.3, 77/254 is not.
        let directory = try TemporaryDirectory()
        let input = directory.file("probabilities.tif"), output = directory.file("masks.tif")
        let grid = Fixture.grid(width: 3, height: 1)
        try Fixture.writeProbabilities(input, grid: grid, values: [76, 77, 254], classCount: 1)
        let classes = Fixture.classes(["a"], thresholds: ["a": 0.3])
        try PostProcessor(ruleSet: RuleSet(name: "none"), classes: classes, grid: grid).run(probabilities: input, output: output)
        #expect(try Fixture.readMasks(output) == [[".##"]])
    }

    @Test func exclusionClearsTheListedClassesOrAllOthers() throws {
        let abc = Fixture.classes(["a", "b", "c"])
        let planes = [["##..", "...."], ["#.#.", "#..."], ["####", "...."]]
        let listed = try Fixture.run("rules:\n  - exclude: {where: a, clear: [b]}\n", classes: abc, planes: planes)
        #expect(listed == [["##..", "...."], ["..#.", "#..."], ["####", "...."]])
        let all = try Fixture.run("rules:\n  - exclude: {where: a, clear: all}\n", classes: abc, planes: planes)
        #expect(all == [["##..", "...."], ["..#.", "#..."], ["..##", "...."]])
    }

    @Test func minimumAreaInPixelsClearsSmallEightConnectedRegions() throws {
        // Regions: a diagonal pair (2 px, one region under 8-connectivity), an L of 3, a single.
        let plane = [
            "#.....#",
            ".#....#",
            "......#",
            "##.....",
            "#.....#",
        ]
        let masks = try Fixture.run("rules:\n  - min_area: {classes: [a], pixels: 3}\n", classes: ab, planes: [plane, plane])
        #expect(masks[0] == [
            "......#",
            "......#",
            "......#",
            "##.....",
            "#......",
        ])
        #expect(masks[1] == plane)  // b is not listed
    }

    @Test func minimumAreaInSquareMetresUsesThePixelSizeOfTheGeotransform() throws {
        // 0.5 m pixels: 0.25 m² each, so 1 m² is 4 pixels. The 3-pixel region goes, the 4-pixel stays.
        let plane = ["###..", ".....", "..##.", "..##."]
        let small = try Fixture.run("rules:\n  - min_area: {classes: [a], m2: 1}\n", classes: ab, planes: [plane, plane], pixel: 0.5)
        #expect(small[0] == [".....", ".....", "..##.", "..##."])
        // 2 m pixels: 4 m² each; 1 m² keeps everything.
        let large = try Fixture.run("rules:\n  - min_area: {classes: [a], m2: 1}\n", classes: ab, planes: [plane, plane], pixel: 2)
        #expect(large[0] == plane)
    }

    @Test func relabelMovesSmallCompactRegionsWholeAndLeavesLongOrLargeOnes() throws {
        // Class a: a 3x3 blob (9 px, compactness 1), a 7-px bar (7/49 = 0.14) and a 4x4 block
        // (16 px). Class b already has one pixel under the blob, which stays b.
        let a = [
            "###.....",
            "###..###",
            "###.....",
            "........",
            "#######.",
            "........",
            "....####",
            "....####",
            "....####",
            "....####",
        ]
        let b = [
            "........",
            ".#......",
            "........",
            "........",
            "........",
            "........",
            "........",
            "........",
            "........",
            "#.......",
        ]
        for stripHeight in [1, 4, 256] {
            // Below 10 px and at least 0.5 compact: the blob moves; the 3-px dash (3/9 = 0.33) and
            // the bar are too long, the block too large.
            let masks = try Fixture.run("rules:\n  - relabel: {from: a, to: b, max_pixels: 10, min_compactness: 0.5}\n",
                                        classes: ab, planes: [a, b], stripHeight: stripHeight)
            #expect(masks[0] == [
                "........",
                ".....###",
                "........",
                "........",
                "#######.",
                "........",
                "....####",
                "....####",
                "....####",
                "....####",
            ], "strip height \(stripHeight)")
            #expect(masks[1] == [
                "###.....",
                "###.....",
                "###.....",
                "........",
                "........",
                "........",
                "........",
                "........",
                "........",
                "#.......",
            ], "strip height \(stripHeight)")
        }
        // By area alone (compactness 0, the default), the dash and the bar move too; the block
        // (16 px, not below 10) stays.
        let byArea = try Fixture.run("rules:\n  - relabel: {from: a, to: b, max_pixels: 10}\n", classes: ab, planes: [a, b])
        #expect(byArea[0] == ["........", "........", "........", "........", "........", "........",
                              "....####", "....####", "....####", "....####"])
    }

    @Test func aRelabelledRegionIsMeasuredByTheRulesAfterIt() throws {
        // Two 2-px pieces of a join b's 1-px piece into one 5-px region of b, which a min_area of
        // 5 on b then keeps; without the relabel, b's piece alone would go.
        let a = ["##.##", ".....", "....."]
        let b = ["..#..", ".....", "....."]
        let rules = "  - min_area: {classes: [b], pixels: 5}\n"
        let kept = try Fixture.run("rules:\n  - relabel: {from: a, to: b, max_pixels: 3}\n" + rules, classes: ab, planes: [a, b])
        #expect(kept[1] == ["#####", ".....", "....."])
        let alone = try Fixture.run("rules:\n" + rules, classes: ab, planes: [a, b])
        #expect(alone[1] == [".....", ".....", "....."])
    }

    @Test func openingWithADiskRemovesSpecksAndThinLinesAndRoundsCorners() throws {
        let plane = [
            "........",
            ".###....",
            ".###..#.",
            ".###....",
            "........",
            "#######.",
        ]
        let disk = try Fixture.run("rules:\n  - open: {classes: [a], radius: 1, shape: disk}\n", classes: ab, planes: [plane, plane])
        #expect(disk[0] == [
            "........",
            "..#.....",
            ".###....",
            "..#.....",
            "........",
            "........",
        ])
        let square = try Fixture.run("rules:\n  - open: {classes: [a], radius: 1, shape: square}\n", classes: ab, planes: [plane, plane])
        #expect(square[0] == [
            "........",
            ".###....",
            ".###....",
            ".###....",
            "........",
            "........",
        ])
        #expect(disk[1] == plane)
    }

    @Test func closingFillsHolesAndTheSceneEdgeDoesNotErode() throws {
        // The block touches the scene's left and top edges: closing keeps them (the structuring
        // element is clipped to the scene), and fills the one-pixel hole.
        let plane = [
            "####...",
            "#.##...",
            "####...",
            ".......",
            ".......",
        ]
        let masks = try Fixture.run("rules:\n  - close: {classes: all, radius: 1, shape: square}\n", classes: ab, planes: [plane, plane])
        #expect(masks[0] == ["####...", "####...", "####...", ".......", "......."])
    }

    @Test func indexRulesComputeCCCIAsTheProductAndCombine() throws {
        // nir 0.8 everywhere; red_edge and red vary. CCCI = (nir−re)/(nir+re) · (nir−r)/(nir+r).
        //   px0: re 0.2, r 0.1: 0.6 · 0.777… = 0.467 > 0.11
        //   px1: re 0.6, r 0.4: 0.142… · 0.333… = 0.048
        //   px2: re 0.5, r 0.2: 0.230… · 0.6 = 0.138 > 0.11
        //   px3: nodata in red (NaN): undefined, never "above"
        //   px4: all zero: 0/0, undefined
        let bands = InMemoryBandStripSource(width: 5, bands: [
            "nir2": [0.8, 0.8, 0.8, 0.8, 0],
            "red_edge": [0.2, 0.6, 0.5, 0.5, 0],
            "red": [0.1, 0.4, 0.2, .nan, 0],
        ])
        func run(_ combine: String) throws -> String {
            let rule = "rules:\n  - index: {class: a, index: ccci, bands: {nir: nir2, red_edge: red_edge, red: red}, above: 0.11, combine: \(combine)}\n"
            return try Fixture.run(rule, classes: ab, planes: [["##.##"], ["....."]],
                            bands: bands, bandNames: ["nir2", "red_edge", "red"])[0][0]
        }
        #expect(try run("union") == "#####")
        #expect(try run("replace") == "#.#..")
        #expect(try run("intersect") == "#....")
    }

    @Test func ndwiBelowAThreshold() throws {
        // NDWI = (green − nir)/(green + nir): 0.6, −0.6, 0.
        let bands = InMemoryBandStripSource(width: 3, bands: ["green": [0.8, 0.2, 0.5], "nir": [0.2, 0.8, 0.5]])
        let masks = try Fixture.run(
            "rules:\n  - index: {class: b, index: ndwi, bands: {green: green, nir: nir}, below: 0.1, combine: replace}\n",
            classes: ab, planes: [["..."], ["#.."]], bands: bands, bandNames: ["green", "nir"])
        #expect(masks[1] == [".##"])
    }

    @Test func rulesApplyInTheListedOrder() throws {
        // b has 6 pixels, 2 of them under a. Excluding first leaves 4 (< 5: removed); measuring
        // first keeps all 6, then the exclusion clears 2.
        let planes = [["##....", "......"], ["######", "......"]]
        let excludeFirst = try Fixture.run(
            "rules:\n  - exclude: {where: a, clear: [b]}\n  - min_area: {classes: [b], pixels: 5}\n", classes: ab, planes: planes)
        #expect(excludeFirst[1] == ["......", "......"])
        let measureFirst = try Fixture.run(
            "rules:\n  - min_area: {classes: [b], pixels: 5}\n  - exclude: {where: a, clear: [b]}\n", classes: ab, planes: planes)
        #expect(measureFirst[1] == ["..####", "......"])
    }

    @Test func classesPastTheEighthSurvivePassesThroughTemporaryFiles() throws {
        // Ten classes: the state between passes takes two bytes a pixel; class 10 lives in the second.
        let names = (1...10).map { "c\($0)" }
        var planes = Array(repeating: ["......", "......", "......", "......"], count: 10)
        planes[9] = ["###..#", "###...", "###..x", "......"]
        planes[8] = ["......", "....##", "......", "......"]
        let masks = try Fixture.run(
            "rules:\n  - open: {classes: [c10], radius: 1, shape: square}\n  - close: {classes: [c9], radius: 1}\n  - min_area: {classes: all, pixels: 2}\n",
            classes: Fixture.classes(names), planes: planes, stripHeight: 2)
        #expect(masks[9] == ["###...", "###...", "###..x", "......"])
        // Closing fills the corner pixel: its only neighbours with data inside the scene are present.
        #expect(masks[8] == [".....#", "....##", ".....x", "......"])
        #expect(masks[0] == ["......", "......", ".....x", "......"])
    }

    @Test func nodataStaysNodataThroughEveryRule() throws {
        let plane = ["#x#", "#x#", "..."]
        let masks = try Fixture.run(
            """
            rules:
              - close: {classes: all, radius: 1}
              - exclude: {where: a, clear: all}
              - min_area: {classes: [b], pixels: 100}
            """, classes: ab, planes: [plane, ["...", "..x", "#.."]])
        // A pixel is nodata where any class band is nodata.
        #expect(masks[0] == ["#x#", "#xx", "..."])
        #expect(masks[1] == [".x.", ".xx", "..."])
    }
}
