import Foundation
import Testing
@testable import Training

/// Every layer's backward pass against central differences of a Double reference forward pass:
/// for L = Σ g ⊙ f(x) with random upstream g, the layer's dL/dx and dL/dθ must match.
@Suite struct GradientCheckTests {
    static let tolerance = 2e-4

    @Test(arguments: [(3, 1, Conv2D.Algorithm.gemm), (3, 2, .gemm), (3, 1, .winograd), (3, 2, .winograd), (1, 1, .gemm), (1, 2, .gemm)])
    func convolution(kernel: Int, threads: Int, algorithm: Conv2D.Algorithm) {
        let (n, cin, cout, h, w) = (2, 3, 4, 5, 6)
        var random = TestRandom(UInt64(kernel * 10 + threads))
        let x = random.floats(n * cin * h * w), g = random.floats(n * cout * h * w)
        let weights = random.floats(cout * cin * kernel * kernel), bias = random.floats(cout)
        let conv = Conv2D(name: "c", inputChannels: cin, outputChannels: cout, kernel: kernel, bias: true, algorithm: algorithm)
        conv.weight.value.copy(from: weights)
        conv.bias!.value.copy(from: bias)
        let scratch = Scratch()
        scratch.reserve(floatsPerWorker: conv.scratchFloats(plane: h * w), workers: threads)
        let y = FloatBuffer(count: n * cout * h * w), dx = FloatBuffer(count: x.count)
        let xs = FloatBuffer(x), gs = FloatBuffer(g)
        conv.forward(xs.pointer, y.pointer, batch: n, height: h, width: w, scratch: scratch, threads: threads)
        conv.backward(input: xs.pointer, outputGradient: gs.pointer, inputGradient: dx.pointer, batch: n, height: h, width: w,
                      scratch: scratch, threads: threads)
        let xd = x.map(Double.init), wd = weights.map(Double.init), bd = bias.map(Double.init)
        let reference = Reference.conv(xd, wd, bd, n: n, cin: cin, cout: cout, h: h, wd: w, k: kernel)
        #expect(relativeError(y.array, reference) < 1e-5)
        let numericX = numericalGradient(xd) { dot(Reference.conv($0, wd, bd, n: n, cin: cin, cout: cout, h: h, wd: w, k: kernel), g) }
        let numericW = numericalGradient(wd) { dot(Reference.conv(xd, $0, bd, n: n, cin: cin, cout: cout, h: h, wd: w, k: kernel), g) }
        let numericB = numericalGradient(bd) { dot(Reference.conv(xd, wd, $0, n: n, cin: cin, cout: cout, h: h, wd: w, k: kernel), g) }
        #expect(relativeError(dx.array, numericX) < Self.tolerance)
        #expect(relativeError(conv.weight.gradient.array, numericW) < Self.tolerance)
        #expect(relativeError(conv.bias!.gradient.array, numericB) < Self.tolerance)
    }

    /// The Winograd weight gradient (batches of at least `winogradWeightGradientMinimumPixels`
    /// pixels) against central differences, with partial tiles at the right and bottom edges;
    /// the input gradient against the GEMM layer's.
    @Test(arguments: [1, 2])
    func winogradWeightGradient(threads: Int) {
        let (n, cin, cout, h, w) = (2, 3, 4, 18, 30)
        #expect(n * h * w >= Conv2D.winogradWeightGradientMinimumPixels)
        var random = TestRandom(UInt64(50 + threads))
        let x = random.floats(n * cin * h * w), g = random.floats(n * cout * h * w)
        let weights = random.floats(cout * cin * 9), bias = random.floats(cout)
        let xs = FloatBuffer(x), gs = FloatBuffer(g)
        var inputGradients: [[Float]] = []
        for algorithm in [Conv2D.Algorithm.winograd, .gemm] {
            let conv = Conv2D(name: "c", inputChannels: cin, outputChannels: cout, kernel: 3, bias: true, algorithm: algorithm)
            conv.weight.value.copy(from: weights)
            conv.bias!.value.copy(from: bias)
            let scratch = Scratch()
            scratch.reserve(floatsPerWorker: conv.scratchFloats(plane: h * w), workers: threads)
            let dx = FloatBuffer(count: x.count)
            conv.backward(input: xs.pointer, outputGradient: gs.pointer, inputGradient: dx.pointer, batch: n, height: h, width: w,
                          scratch: scratch, threads: threads)
            inputGradients.append(dx.array)
            guard algorithm == .winograd else { continue }
            let xd = x.map(Double.init), wd = weights.map(Double.init), bd = bias.map(Double.init)
            let numericW = numericalGradient(wd) { dot(Reference.conv(xd, $0, bd, n: n, cin: cin, cout: cout, h: h, wd: w, k: 3), g) }
            let numericB = numericalGradient(bd) { dot(Reference.conv(xd, wd, $0, n: n, cin: cin, cout: cout, h: h, wd: w, k: 3), g) }
            #expect(relativeError(conv.weight.gradient.array, numericW) < Self.tolerance)
            #expect(relativeError(conv.bias!.gradient.array, numericB) < Self.tolerance)
        }
        #expect(relativeError(inputGradients[0], inputGradients[1].map(Double.init)) < 1e-5)
    }

    @Test(arguments: [1, 2])
    func transposedConvolution(threads: Int) {
        let (n, cin, cout, h, w) = (2, 3, 2, 3, 4)
        var random = TestRandom(20 + UInt64(threads))
        let x = random.floats(n * cin * h * w), g = random.floats(n * cout * 4 * h * w)
        let weights = random.floats(cin * cout * 4), bias = random.floats(cout)
        let layer = ConvTranspose2D(name: "u", inputChannels: cin, outputChannels: cout)
        layer.weight.value.copy(from: weights)
        layer.bias.value.copy(from: bias)
        let scratch = Scratch()
        scratch.reserve(floatsPerWorker: layer.scratchFloats(plane: h * w), workers: threads)
        let y = FloatBuffer(count: g.count), dx = FloatBuffer(count: x.count), xs = FloatBuffer(x), gs = FloatBuffer(g)
        layer.forward(xs.pointer, y.pointer, batch: n, height: h, width: w, scratch: scratch, threads: threads)
        layer.backward(input: xs.pointer, outputGradient: gs.pointer, inputGradient: dx.pointer, batch: n, height: h, width: w,
                       scratch: scratch, threads: threads)
        let xd = x.map(Double.init), wd = weights.map(Double.init), bd = bias.map(Double.init)
        #expect(relativeError(y.array, Reference.convTranspose(xd, wd, bd, n: n, cin: cin, cout: cout, h: h, wd: w)) < 1e-5)
        let numericX = numericalGradient(xd) { dot(Reference.convTranspose($0, wd, bd, n: n, cin: cin, cout: cout, h: h, wd: w), g) }
        let numericW = numericalGradient(wd) { dot(Reference.convTranspose(xd, $0, bd, n: n, cin: cin, cout: cout, h: h, wd: w), g) }
        let numericB = numericalGradient(bd) { dot(Reference.convTranspose(xd, wd, $0, n: n, cin: cin, cout: cout, h: h, wd: w), g) }
        #expect(relativeError(dx.array, numericX) < Self.tolerance)
        #expect(relativeError(layer.weight.gradient.array, numericW) < Self.tolerance)
        #expect(relativeError(layer.bias.gradient.array, numericB) < Self.tolerance)
    }

    @Test(arguments: [false, true])
    func batchNorm(relu: Bool) {
        let (n, c, plane) = (3, 2, 5)
        var random = TestRandom(relu ? 31 : 30)
        let x = random.floats(n * c * plane, -2, 2), g = random.floats(n * c * plane)
        let gamma = random.floats(c, 0.5, 1.5), beta = random.floats(c, -0.3, 0.3)
        let norm = BatchNorm(name: "bn", channels: c)
        norm.scale.value.copy(from: gamma)
        norm.shift.value.copy(from: beta)
        let xs = FloatBuffer(x), y = FloatBuffer(count: x.count), gs = FloatBuffer(g), dx = FloatBuffer(count: x.count)
        norm.forwardTrain(xs.pointer, y.pointer, batch: n, plane: plane, relu: relu, threads: 2)
        norm.backward(input: xs.pointer, output: y.pointer, outputGradient: gs.pointer, inputGradient: dx.pointer,
                      batch: n, plane: plane, relu: relu, threads: 2)
        let xd = x.map(Double.init), gd = gamma.map(Double.init), bd = beta.map(Double.init)
        func f(_ x: [Double], _ gm: [Double], _ bt: [Double]) -> [Double] {
            Reference.batchNorm(x, gamma: gm, beta: bt, n: n, c: c, plane: plane, relu: relu)
        }
        #expect(relativeError(y.array, f(xd, gd, bd)) < 1e-5)
        #expect(relativeError(dx.array, numericalGradient(xd) { dot(f($0, gd, bd), g) }) < Self.tolerance)
        #expect(relativeError(norm.scale.gradient.array, numericalGradient(gd) { dot(f(xd, $0, bd), g) }) < Self.tolerance)
        #expect(relativeError(norm.shift.gradient.array, numericalGradient(bd) { dot(f(xd, gd, $0), g) }) < Self.tolerance)
        // Running statistics: 0.9 · initial + 0.1 · batch (unbiased variance), as PyTorch.
        for ch in 0..<c {
            let values = (0..<n).flatMap { i in (0..<plane).map { xd[(i * c + ch) * plane + $0] } }
            let mean = values.reduce(0, +) / Double(values.count)
            let unbiased = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
            #expect(abs(Double(norm.runningMean.pointer[ch]) - 0.1 * mean) < 1e-6)
            #expect(abs(Double(norm.runningVariance.pointer[ch]) - (0.9 + 0.1 * unbiased)) < 1e-6)
        }
        // Evaluation uses the running statistics.
        norm.forwardEval(xs.pointer, y.pointer, batch: n, plane: plane, relu: false, threads: 1)
        let expected = (x[0] - norm.runningMean.pointer[0]) / (norm.runningVariance.pointer[0] + 1e-5).squareRoot() * gamma[0] + beta[0]
        #expect(abs(y.pointer[0] - expected) < 1e-6)
    }

    @Test func maxPool() {
        let (planes, h, w) = (3, 4, 6)
        var random = TestRandom(40)
        let x = random.floats(planes * h * w), g = random.floats(planes * h * w / 4)
        let xs = FloatBuffer(x), y = FloatBuffer(count: g.count), gs = FloatBuffer(g), dx = FloatBuffer(count: x.count)
        MaxPool2.forward(xs.pointer, y.pointer, planes: planes, height: h, width: w, threads: 2)
        MaxPool2.backwardAdding(input: xs.pointer, outputGradient: gs.pointer, inputGradient: dx.pointer, planes: planes, height: h, width: w, threads: 2)
        let xd = x.map(Double.init)
        #expect(relativeError(y.array, Reference.maxPool(xd, planes: planes, h: h, w: w)) == 0)
        #expect(relativeError(dx.array, numericalGradient(xd) { dot(Reference.maxPool($0, planes: planes, h: h, w: w), g) }) < Self.tolerance)
        // Ties go to the first maximum in row-major order, as in PyTorch.
        let tie = FloatBuffer([1, 1, 1, 1]), one = FloatBuffer([1]), routed = FloatBuffer(count: 4)
        MaxPool2.backwardAdding(input: tie.pointer, outputGradient: one.pointer, inputGradient: routed.pointer, planes: 1, height: 2, width: 2, threads: 1)
        #expect(routed.array == [1, 0, 0, 0])
    }

    @Test func reluSigmoidDropoutConcat() {
        var random = TestRandom(50)
        let x = random.floats(40, -3, 3), g = random.floats(40)
        let xs = FloatBuffer(x), y = FloatBuffer(count: 40), gs = FloatBuffer(g), dx = FloatBuffer(count: 40)
        let xd = x.map(Double.init)
        ReLU.forward(xs.pointer, y.pointer, count: 40)
        ReLU.backward(output: y.pointer, outputGradient: gs.pointer, inputGradient: dx.pointer, count: 40)
        #expect(relativeError(dx.array, numericalGradient(xd) { dot($0.map { max($0, 0) }, g) }) < Self.tolerance)
        Sigmoid.forward(xs.pointer, y.pointer, count: 40)
        Sigmoid.backward(output: y.pointer, outputGradient: gs.pointer, inputGradient: dx.pointer, count: 40)
        #expect(relativeError(y.array, xd.map { 1 / (1 + exp(-$0)) }) < 1e-6)
        #expect(relativeError(dx.array, numericalGradient(xd) { dot($0.map { 1 / (1 + exp(-$0)) }, g) }) < Self.tolerance)
        // Dropout: a seeded mask of 0 or 1 / (1 - p), applied forward and backward alike.
        var generator = SplitMix64(seed: 3)
        let mask = FloatBuffer(count: 4000)
        Dropout.makeMask(mask.pointer, count: 4000, probability: 0.25, random: &generator)
        let dropped = mask.array.filter { $0 == 0 }.count
        #expect(Set(mask.array) == [0, Float(1 / 0.75)])
        #expect(abs(Double(dropped) / 4000 - 0.25) < 0.03)
        var again = SplitMix64(seed: 3)
        let mask2 = FloatBuffer(count: 4000)
        Dropout.makeMask(mask2.pointer, count: 4000, probability: 0.25, random: &again)
        #expect(mask.array == mask2.array)
        let m = Array(mask.array.prefix(40)), maskBuffer = FloatBuffer(m)
        Dropout.apply(gs.pointer, mask: maskBuffer.pointer, dx.pointer, count: 40)
        #expect(relativeError(dx.array, numericalGradient(xd) { x in dot(zip(x, m).map { $0 * Double($1) }, g) }) < Self.tolerance)
        // Concat [a, b] per image and its split.
        let a = FloatBuffer([1, 2, 3, 4]), b = FloatBuffer([5, 6]), joined = FloatBuffer(count: 6)
        Concat.forward(a.pointer, channelsA: 2, b.pointer, channelsB: 1, into: joined.pointer, batch: 2, plane: 1)
        #expect(joined.array == [1, 2, 5, 3, 4, 6])
        let da = FloatBuffer(count: 4), db = FloatBuffer(count: 2)
        Concat.backward(joined.pointer, into: da.pointer, channelsA: 2, db.pointer, channelsB: 1, batch: 2, plane: 1)
        #expect(da.array == a.array && db.array == b.array)
    }

    @Test(arguments: [nil, [2.0, 0.5, 1.0] as [Float]])
    func loss(weights: [Float]?) throws {
        let (n, classes, plane) = (2, 3, 6)
        var random = TestRandom(60)
        let z = random.floats(n * classes * plane, -3, 3)
        let t = random.floats(n * classes * plane, 0, 1).map { $0 > 0.6 ? Float(1) : 0 }
        let loss = JaccardBCELoss(classWeights: weights)
        let zs = FloatBuffer(z), ts = FloatBuffer(t), p = FloatBuffer(count: z.count), dz = FloatBuffer(count: z.count)
        let value = loss.evaluate(logits: zs.pointer, targets: ts.pointer, probabilities: p.pointer, gradient: dz.pointer,
                                  batch: n, classes: classes, plane: plane)
        let wd = weights?.map(Double.init)
        let reference = Reference.loss(z.map(Double.init), t, n: n, classes: classes, plane: plane, weights: wd)
        #expect(abs(Double(value) - reference) < 1e-5 * max(1, abs(reference)))
        #expect(abs(Double(try loss.value(probabilities: p.array, targets: t, batch: n, classes: classes)) - reference) < 1e-4)
        let numeric = numericalGradient(z.map(Double.init)) { Reference.loss($0, t, n: n, classes: classes, plane: plane, weights: wd) }
        #expect(relativeError(dz.array, numeric, floor: 1e-3) < Self.tolerance)
    }

    @Test func badClassWeightsAreOneLine() {
        #expect(throws: TrainingError.self) {
            try JaccardBCELoss(classWeights: [1, 2]).value(probabilities: [0.5, 0.5, 0.5], targets: [1, 0, 1], batch: 1, classes: 3)
        }
        #expect(throws: TrainingError.self) {
            try JaccardBCELoss(classWeights: [0, 0, 0]).value(probabilities: [0.5, 0.5, 0.5], targets: [1, 0, 1], batch: 1, classes: 3)
        }
    }
}
