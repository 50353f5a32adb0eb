import Inference
import Kernels
import Testing

/// Receptive fields of small hand-built graphs against values worked out by hand (in the comments:
/// the input interval output position p reads, for the phases that differ).
@Suite struct ReceptiveFieldTests {
    /// A graph builder over zero weights (only the geometry matters here).
    struct Builder {
        var graph = Graph(inputName: "x", inputChannels: 1)
        var count = 0

        mutating func conv(_ x: ValueID, k: Int = 3, stride: Int = 1, dilation: Int = 1, pads: (Int, Int, Int, Int)? = nil,
                           channels: Int = 1) -> ValueID {
            count += 1
            let p = pads ?? (dilation * (k - 1) / 2, dilation * (k - 1) / 2, dilation * (k - 1) / 2, dilation * (k - 1) / 2)
            let geometry = ConvGeometry(kernelH: k, kernelW: k, strideH: stride, strideW: stride, dilationH: dilation, dilationW: dilation,
                                        padTop: p.0, padLeft: p.1, padBottom: p.2, padRight: p.3)
            return graph.addNode("conv\(count)", .conv(ConvOp(weights: Tensor(zeros: TensorShape(n: 1, c: channels, h: k, w: k)), bias: [0],
                                                              geometry: geometry)), inputs: [x])
        }

        mutating func node(_ op: Op, _ inputs: [ValueID]) -> ValueID {
            count += 1
            return graph.addNode("\(op.name)\(count)", op, inputs: inputs)
        }

        mutating func maxPool(_ x: ValueID) -> ValueID {
            node(.pool(.max, PoolWindow(geometry: ConvGeometry(kernelH: 2, kernelW: 2, strideH: 2, strideW: 2))), [x])
        }

        mutating func upConv(_ x: ValueID) -> ValueID {
            node(.convTranspose(ConvTransposeOp(weights: Tensor(zeros: TensorShape(n: 1, c: 1, h: 2, w: 2)), bias: [0],
                                                geometry: ConvGeometry(kernelH: 2, kernelW: 2, strideH: 2, strideW: 2))), [x])
        }

        mutating func field(_ output: ValueID) throws -> ReceptiveField {
            graph.outputs = [("y", output)]
            return try graph.receptiveField()
        }
    }

    static func square(size: Int, before: Int, after: Int) -> ReceptiveField {
        ReceptiveField(height: .bounded(size: size, before: before, after: after), width: .bounded(size: size, before: before, after: after))
    }

    @Test func stackedConvolutionsAddTheirKernels() throws {
        var b = Builder()
        var x = b.graph.input
        for _ in 0..<3 { x = b.conv(x) }  // [p-3, p+3]
        let field = try b.field(x)
        #expect(field == Self.square(size: 7, before: 3, after: 3))
        #expect(field.radius == 3 && field.size == 7)
    }

    @Test func dilationWidensTheKernel() throws {
        var b = Builder()
        let x = b.conv(b.conv(b.graph.input, dilation: 2))  // 3x3 dilated by 2 spans 5: [p-2, p+2], then [p-3, p+3]
        #expect(try b.field(x) == Self.square(size: 7, before: 3, after: 3))
    }

    @Test func asymmetricPadsShiftTheField() throws {
        var b = Builder()
        let x = b.conv(b.graph.input, pads: (2, 1, 0, 1))  // rows [p-2, p], columns [p-1, p+1]
        let field = try b.field(x)
        #expect(field.height == .bounded(size: 3, before: 2, after: 0))
        #expect(field.width == .bounded(size: 3, before: 1, after: 1))
        #expect(field.radius == 2)
    }

    @Test func aStridedConvolutionCountsFromTheOutputFootprint() throws {
        var b = Builder()
        // conv s2 reads [2q-1, 2q+1]; the next conv reads q-1..q+1: [2q-3, 2q+3]; q covers [2q, 2q+1].
        let x = b.conv(b.conv(b.graph.input, stride: 2))
        #expect(try b.field(x) == Self.square(size: 7, before: 3, after: 2))
    }

    @Test func poolingThenNearestUpsampling() throws {
        var b = Builder()
        // conv [p-1, p+1]; pool [2q-1, 2q+2]; conv [2q-3, 2q+4]; nearest x2: even o [o-3, o+4], odd o [o-4, o+3];
        // conv: even o [o-5, o+4], odd o [o-4, o+5].
        let pooled = b.conv(b.maxPool(b.conv(b.graph.input)))
        let upsampled = b.node(.resize(ResizeOp(target: .scales(h: 2, w: 2), mode: .nearest(.floor), transform: .asymmetric)), [pooled])
        #expect(try b.field(b.conv(upsampled)) == Self.square(size: 10, before: 5, after: 5))
    }

    @Test func aUNetLevelTakesTheWidestBranchOfItsSkip() throws {
        var b = Builder()
        // encoder [p-2, p+2]; pool [2q-2, 2q+3]; bottleneck [2q-6, 2q+7]; ConvTranspose 2x2 s2: even o [o-6, o+7],
        // odd o [o-7, o+6]; the skip's [o-2, o+2] lies inside; two convs: even o [o-8, o+9], odd o [o-9, o+8].
        let skip = b.conv(b.conv(b.graph.input))
        let bottom = b.conv(b.conv(b.maxPool(skip)))
        let joined = b.node(.concat(axis: 1), [skip, b.upConv(bottom)])
        let head = b.conv(b.conv(b.conv(joined, channels: 2)), k: 1)
        #expect(try b.field(head) == Self.square(size: 18, before: 9, after: 9))
    }

    @Test func concatenatedBranchesTakeTheWidest() throws {
        var b = Builder()
        let narrow = b.conv(b.graph.input, k: 5)  // [p-2, p+2]
        let wide = b.conv(b.conv(b.graph.input, k: 1), dilation: 3)  // [p-3, p+3]
        let joined = b.node(.concat(axis: 1), [narrow, wide])
        #expect(try b.field(b.conv(joined, k: 1, channels: 2)) == Self.square(size: 7, before: 3, after: 3))
        let summed = b.node(.binary(.add), [narrow, wide])
        #expect(try b.field(summed).radius == 3)
    }

    @Test func globalPoolingReadsEverything() throws {
        var b = Builder()
        let x = b.conv(b.graph.input)
        let scaled = b.node(.binary(.multiply), [x, b.node(.globalAveragePool, [x])])
        let field = try b.field(scaled)
        #expect(field.height == .global && field.radius == nil)
        #expect(field.description.hasPrefix("global"))
    }

    @Test func aFieldWiderThanTheLargestInputIsAnError() throws {
        var b = Builder()
        var x = b.graph.input
        for _ in 0..<40 { x = b.conv(x) }  // radius 40: 64-pixel inputs have no interior, 128 do
        #expect(try b.field(x).radius == 40)
        b.graph.outputs = [("y", x)]
        #expect(throws: InferenceError.self) { try b.graph.receptiveField(largestInput: 64) }
    }
}
