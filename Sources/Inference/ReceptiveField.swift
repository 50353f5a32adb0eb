import Kernels

/// Which input pixels an output pixel of a model depends on, along each spatial axis: what a tile
/// needs around the part of it that is kept (its margin) for its outputs to equal those of the
/// whole scene run at once.
///
/// Computed exactly by following every output position back through the graph (`Graph.receptiveField`),
/// not by the closed formula for a chain of layers: pooling followed by upsampling gives positions
/// of different phases different fields (a 2x2 pool and a stride-2 ConvTranspose make even and odd
/// outputs reach one pixel further on opposite sides), and a skip Concat joins fields of different
/// sizes. The values are the largest over the interior positions (border positions only see less).
public struct ReceptiveField: Sendable, Equatable, CustomStringConvertible {
    /// The field along one axis, in input pixels.
    public enum Axis: Sendable, Equatable {
        /// `size`: input pixels from the first to the last one an output pixel reads;
        /// `before` / `after`: how far they reach before (top, left) and after (bottom, right)
        /// the output pixel's own footprint on the input.
        case bounded(size: Int, before: Int, after: Int)
        /// The output depends on the whole input along this axis (global pooling, a spatial softmax).
        case global

        /// Pixels of context needed on each side; nil when global.
        public var radius: Int? {
            if case .bounded(_, let before, let after) = self { return max(before, after, 0) }
            return nil
        }

        public var size: Int? {
            if case .bounded(let size, _, _) = self { return size }
            return nil
        }
    }

    public var height: Axis
    public var width: Axis

    public init(height: Axis, width: Axis) { (self.height, self.width) = (height, width) }

    /// Context needed on every side of a kept pixel; nil when the output depends on the whole input.
    public var radius: Int? {
        guard let h = height.radius, let w = width.radius else { return nil }
        return max(h, w)
    }

    /// The larger of the two sizes; nil when global.
    public var size: Int? {
        guard let h = height.size, let w = width.size else { return nil }
        return max(h, w)
    }

    public var description: String {
        guard let size = height.size, let w = width.size, let radius else { return "global (every output pixel reads the whole input)" }
        let sizeText = size == w ? "\(size) px" : "\(size) x \(w) px"
        return "\(sizeText), radius \(radius) px"
    }
}

extension Graph {
    /// The receptive field of the graph's outputs (the largest over them), found by tracing every
    /// output position of a square input back to the input positions it reads.
    ///
    /// Traced on the smallest square input of 64 x 2^k pixels (up to `largestInput`) that the graph
    /// accepts and that leaves, per axis, enough output positions untouched by the borders to
    /// cover every phase of the model's strides. Throws when none does.
    public func receptiveField(largestInput: Int = 8192) throws -> ReceptiveField {
        let channels = probeChannels
        var size = 64
        var lastError: Error?
        while size <= largestInput {
            defer { size *= 2 }
            let shapes: [ValueID: TensorShape]
            do { shapes = try inferShapes(input: TensorShape(n: 1, c: channels, h: size, w: size)) } catch {
                lastError = error
                continue
            }
            if let height = fieldAxis(spatialAxis: 2, shapes: shapes), let width = fieldAxis(spatialAxis: 3, shapes: shapes) {
                return ReceptiveField(height: height, width: width)
            }
        }
        let reason = lastError.map { ": \($0)" } ?? ": its field is wider than the input"
        throw InferenceError(code: .invalidGraph, message: "cannot trace the receptive field on inputs up to \(largestInput) px\(reason)")
    }

    /// The field along H (`spatialAxis` 2) or W (3); nil when too few output positions are free of
    /// border effects to be sure every phase was seen (the caller then tries a larger input).
    private func fieldAxis(spatialAxis: Int, shapes: [ValueID: TensorShape]) -> ReceptiveField.Axis? {
        func length(_ id: ValueID) -> Int { spatialAxis == 2 ? shapes[id]!.h : shapes[id]!.w }
        let inputLength = length(input)
        var traces: [ValueID: Trace] = [input: Trace(identityOf: inputLength)]
        for id in constants.keys { traces[id] = Trace(constantOf: length(id)) }
        // The period of the stride pattern: positions of every phase must be seen.
        var period = 1
        for node in nodes {
            let inputs = node.inputs.map { traces[$0]! }
            let trace = Trace.through(node, inputs: inputs, outputLength: length(node.output), spatialAxis: spatialAxis)
            traces[node.output] = trace
            period = max(period, (inputLength + trace.count - 1) / max(trace.count, 1))
        }
        var size = 0, before = Int.min, after = Int.min, interior = 0
        for output in outputs {
            let trace = traces[output.value]!
            if trace.global { return .global }
            let scale = Double(inputLength) / Double(trace.count)
            for p in 0..<trace.count where !trace.clipped[p] {
                interior += 1
                guard trace.lo[p] <= trace.hi[p] else { continue }  // reads no input pixel
                // The output pixel's own footprint on the input.
                let first = Int((Double(p) * scale).rounded(.down)), last = Int((Double(p + 1) * scale).rounded(.up)) - 1
                size = max(size, trace.hi[p] - trace.lo[p] + 1)
                before = max(before, first - trace.lo[p])
                after = max(after, trace.hi[p] - max(last, first))
            }
        }
        guard interior >= 2 * period * outputs.count else { return nil }
        return .bounded(size: size, before: max(before, 0), after: max(after, 0))
    }
}

/// For every position of a value along one axis: the first and last input position it reads
/// (`lo > hi` when it reads none), and whether a border took part (padding, clamping, a partial
/// window), which makes its field smaller than an interior position's.
private struct Trace {
    var lo: [Int]
    var hi: [Int]
    var clipped: [Bool]
    /// Depends on the whole input along the axis.
    var global = false

    var count: Int { lo.count }

    init(identityOf length: Int) {
        lo = Array(0..<length)
        hi = lo
        clipped = Array(repeating: false, count: length)
    }

    init(constantOf length: Int) {
        lo = Array(repeating: Int.max, count: length)
        hi = Array(repeating: Int.min, count: length)
        clipped = Array(repeating: false, count: length)
    }

    /// Position `p` reads position `q` of `source` (clipped when `q` is outside it).
    mutating func read(_ p: Int, from source: Trace, at q: Int) {
        guard q >= 0 && q < source.count else {
            clipped[p] = true
            return
        }
        lo[p] = min(lo[p], source.lo[q])
        hi[p] = max(hi[p], source.hi[q])
        if source.clipped[q] { clipped[p] = true }
    }

    static func through(_ node: Node, inputs: [Trace], outputLength: Int, spatialAxis: Int) -> Trace {
        var out = Trace(constantOf: outputLength)
        out.global = inputs.contains { $0.global }
        let horizontal = spatialAxis == 3
        // (kernel, stride, dilation, pad before) of a window along this axis.
        func window(_ g: ConvGeometry) -> (Int, Int, Int, Int) {
            horizontal ? (g.kernelW, g.strideW, g.dilationW, g.padLeft) : (g.kernelH, g.strideH, g.dilationH, g.padTop)
        }
        func sliding(_ g: ConvGeometry, _ sources: [Trace]) {
            let (k, s, d, pad) = window(g)
            for o in 0..<outputLength {
                for t in 0..<k {
                    for source in sources { out.read(o, from: source, at: o * s - pad + t * d) }
                }
            }
        }
        func pointwise() {
            for o in 0..<outputLength {
                for source in inputs { out.read(o, from: source, at: source.count == 1 ? 0 : o) }
            }
        }
        switch node.op {
        case .conv(let conv):
            sliding(conv.geometry, inputs)  // several inputs: a fused channel Concat
        case .pool(_, let poolWindow):
            sliding(poolWindow.geometry, [inputs[0]])
        case .convTranspose(let conv):
            // Output o receives input i through tap t when o = i * s - pad + t * d.
            let (k, s, d, pad) = window(conv.geometry)
            for o in 0..<outputLength {
                var taps = 0
                for t in 0..<k {
                    let n = o + pad - t * d
                    guard n >= 0, n % s == 0 else { continue }
                    out.read(o, from: inputs[0], at: n / s)
                    taps += 1
                }
                if taps == 0 { out.clipped[o] = true }  // output padding: reads nothing but the bias
            }
        case .resize(let resize):
            let source = inputs[0]
            let scale = horizontal ? resize.output(h: 1, w: source.count).scaleW : resize.output(h: source.count, w: 1).scaleH
            let inLength = source.count
            for o in 0..<outputLength {
                let x = resize.transform.source(o, scale: scale, inLength: inLength, outLength: outputLength)
                switch resize.mode {
                case .nearest(let rounding):
                    out.read(o, from: source, at: rounding.index(x))
                case .linear:
                    let i0 = Int(x.rounded(.down))
                    if x < 0 || x > Double(inLength - 1) { out.clipped[o] = true }  // clamped at the border
                    out.read(o, from: source, at: min(max(i0, 0), inLength - 1))
                    if x != Double(i0) { out.read(o, from: source, at: min(max(i0 + 1, 0), inLength - 1)) }
                }
            }
        case .pad(let begin, _, _):
            // Padded positions (any mode) are border effects; the rest shift.
            for o in 0..<outputLength { out.read(o, from: inputs[0], at: o - begin[spatialAxis]) }
        case .concat(let axis) where axis == spatialAxis:
            var offset = 0
            for source in inputs {
                for q in 0..<source.count { out.read(offset + q, from: source, at: q) }
                offset += source.count
            }
        case .globalAveragePool:
            out.global = true
        case .softmax(let axis, let flattenTrailing):
            let axis = axis < 0 ? axis + 4 : axis
            if axis == spatialAxis || (flattenTrailing && axis <= spatialAxis) { out.global = true } else { pointwise() }
        case .concat, .binary, .batchNorm, .activation, .identity, .dropout:
            pointwise()
        }
        if out.global {
            // Every position reads every input pixel: no interior position exists.
            out.clipped = Array(repeating: true, count: outputLength)
        }
        return out
    }
}
