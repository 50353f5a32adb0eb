import Inference
import Kernels
import Testing

@Suite struct TestTimeAugmentationTests {
    static func random(_ shape: TensorShape, seed: UInt64) -> Tensor {
        var state = seed
        return Tensor(shape: shape, storage: (0..<shape.count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(state >> 40) / Float(1 << 24) * 2 - 1
        })
    }

    /// 3x3 conv with D4-symmetric kernels ([[a b a] [b c b] [a b a]]), ReLU, 1x1 conv, sigmoid:
    /// commutes with every rotation and flip, so augmentation must not change its output.
    static func equivariantGraph() -> Graph {
        var graph = Graph(inputName: "x", inputChannels: 2)
        let base = random(TensorShape(n: 3, c: 2, h: 1, w: 3), seed: 5).storage
        var kernel = [Float]()
        for i in 0..<6 {
            let (a, b, c) = (base[i * 3], base[i * 3 + 1], base[i * 3 + 2])
            kernel += [a, b, a, b, c, b, a, b, a]
        }
        let square = ConvGeometry(kernelH: 3, kernelW: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)
        var x = graph.addNode("conv", .conv(ConvOp(weights: Tensor(shape: TensorShape(n: 3, c: 2, h: 3, w: 3), storage: kernel),
                                                   bias: [0.1, -0.2, 0], geometry: square)), inputs: [graph.input])
        x = graph.addNode("relu", .activation(.relu), inputs: [x])
        x = graph.addNode("head", .conv(ConvOp(weights: random(TensorShape(n: 2, c: 3, h: 1, w: 1), seed: 6), bias: [0, 0.5],
                                               geometry: ConvGeometry(kernelH: 1, kernelW: 1))), inputs: [x])
        x = graph.addNode("sigmoid", .activation(.sigmoid), inputs: [x])
        graph.outputs = [("y", x)]
        return graph
    }

    @Test(arguments: TestTimeAugmentation.Merge.allCases)
    func equivariantModelIsUnchanged(_ merge: TestTimeAugmentation.Merge) throws {
        let engine = Engine(graph: Self.equivariantGraph())
        let input = Self.random(TensorShape(n: 2, c: 2, h: 12, w: 12), seed: 7)
        let plain = try engine(input)
        let augmented = try TestTimeAugmentation(merge: merge).predict(input, with: engine)
        #expect(augmented.shape == plain.shape)
        #expect(maxAbsDifference(plain, augmented) <= 1e-5)
    }

    @Test(arguments: TestTimeAugmentation.Merge.allCases)
    func transformsAreUndone(_ merge: TestTimeAugmentation.Merge) {
        let tta = TestTimeAugmentation(merge: merge)
        let input = Self.random(TensorShape(n: 2, c: 3, h: 5, w: 5), seed: 8).storage.map { abs($0) + 0.01 }
        let tile = Tensor(shape: TensorShape(n: 2, c: 3, h: 5, w: 5), storage: input)
        let batch = tta.augmentedBatch(tile)
        #expect(batch.shape.n == 16)
        #expect(maxAbsDifference(tta.merged(batch, tiles: 2), tile) <= 1e-6)
    }

    @Test func variantOrderFollowsNumPy() {
        // np.rot90([[1, 2], [3, 4]]) == [[2, 4], [1, 3]]; flipped first: [[2, 1], [4, 3]] -> rot90 -> [[1, 3], [2, 4]].
        let tile = Tensor(shape: TensorShape(n: 1, c: 1, h: 2, w: 2), storage: [1, 2, 3, 4])
        let batch = TestTimeAugmentation().augmentedBatch(tile).storage
        #expect(Array(batch[4..<8]) == [2, 4, 1, 3])
        #expect(Array(batch[16..<20]) == [2, 1, 4, 3])
        #expect(Array(batch[20..<24]) == [1, 3, 2, 4])
    }

    @Test func offSwitchRunsOnce() throws {
        let engine = Engine(graph: Self.equivariantGraph())
        let input = Self.random(TensorShape(n: 1, c: 2, h: 6, w: 6), seed: 9)
        #expect(try TestTimeAugmentation(enabled: false).predict(input, with: engine) == engine(input))
    }

    @Test func nonSquareTileIsAnError() {
        let engine = Engine(graph: Self.equivariantGraph())
        let error = #expect(throws: InferenceError.self) {
            try TestTimeAugmentation().predict(Tensor(zeros: TensorShape(n: 1, c: 2, h: 8, w: 6)), with: engine)
        }
        #expect(error?.code == .nonSquareTile)
        #expect(error?.description.contains("8 x 6") == true)
    }
}
