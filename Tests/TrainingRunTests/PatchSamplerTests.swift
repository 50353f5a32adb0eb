import Testing

@testable import TrainingRun

@Suite struct PatchSamplerTests {
    /// 64 x 64, 1 band holding x, 2 classes: class 0 everywhere but one pixel, class 1 that pixel.
    static func scene(name: String = "scene", size: Int = 64, rare: (x: Int, y: Int) = (50, 10)) -> LabelledScene {
        let plane = size * size
        let inputs = (0..<plane).map { Float($0 % size) }
        var truth = [UInt8](repeating: 1, count: 2 * plane)
        truth[plane..<2 * plane].withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        truth[rare.y * size + rare.x] = 0
        truth[plane + rare.y * size + rare.x] = 1
        return LabelledScene(name: name, width: size, height: size, bandCount: 1, classCount: 2, inputs: inputs, truth: truth)
    }

    @Test func classBalancedSamplingShowsTheRarePixelInHalfThePatches() throws {
        let sampler = try PatchSampler(scenes: [Self.scene()], size: 16, mode: .classBalanced, augment: false)
        var random = TrainingRandom(seed: 7)
        var withRare = 0
        for _ in 0..<400 {
            let p = sampler.place(&random)
            if (p.x..<p.x + 16).contains(50) && (p.y..<p.y + 16).contains(10) { withRare += 1 }
        }
        // Half the draws pick class 1 (always in the patch); uniform placement would give ~6%.
        #expect(withRare > 170 && withRare < 260, "\(withRare)")
    }

    @Test func batchesCarryInputsAndTargetsOfTheSamePlaceAndTransform() throws {
        let sampler = try PatchSampler(scenes: [Self.scene()], size: 16, mode: .uniform, augment: true)
        var random = TrainingRandom(seed: 3)
        var replay = random
        let batch = sampler.batch(4, random: &random)
        #expect(batch.inputs.count == 4 * 256 && batch.targets.count == 4 * 2 * 256)
        for n in 0..<4 {
            let p = sampler.place(&replay)
            // Input value is the scene column, and every pixel of class 0 or 1 is labelled once.
            let patch = Array(batch.inputs[n * 256..<(n + 1) * 256])
            #expect(Set(patch) == Set((p.x..<p.x + 16).map(Float.init)) || Set(patch).count == 1)
            for i in 0..<256 { #expect(batch.targets[n * 512 + i] + batch.targets[n * 512 + 256 + i] == 1) }
        }
        #expect(random == replay, "a batch draws exactly what its placements draw")
    }

    @Test func theSameSeedDrawsTheSameBatches() throws {
        let sampler = try PatchSampler(scenes: [Self.scene(), Self.scene(name: "b", rare: (3, 60))], size: 16, mode: .classBalanced, augment: true)
        var a = TrainingRandom(seed: 11), b = TrainingRandom(seed: 11)
        #expect(sampler.batch(3, random: &a).inputs == sampler.batch(3, random: &b).inputs)
    }

    @Test func aPatchLargerThanASceneIsOneLine() {
        #expect(throws: TrainingRunError.self) { try PatchSampler(scenes: [Self.scene(name: "data/tiny")], size: 128, mode: .uniform, augment: false) }
        do {
            _ = try PatchSampler(scenes: [Self.scene(name: "data/tiny")], size: 128, mode: .uniform, augment: false)
        } catch {
            #expect("\(error)" == "data/tiny: the scene is 64 x 64 px, smaller than the 128-px patches (patches.size)")
        }
    }

    @Test func truthWithoutAnyClassPixelIsRefused() {
        let plane = 32 * 32
        let empty = LabelledScene(name: "empty", width: 32, height: 32, bandCount: 1, classCount: 1,
                                  inputs: [Float](repeating: 0, count: plane), truth: [UInt8](repeating: 0, count: plane))
        #expect(throws: TrainingRunError.self) { try PatchSampler(scenes: [empty], size: 16, mode: .classBalanced, augment: false) }
    }
}
