/// How values outside the input are filled (ONNX Pad mode).
public enum PadMode: Hashable, Sendable {
    case constant(Float)
    /// Mirror without repeating the edge: [a b c] -> b | a b c | b.
    case reflect
    /// Repeat the edge value.
    case edge
}

/// Pads (or, with negative amounts, crops) all four NCHW axes. `begin`/`end` are [N, C, H, W] amounts.
public func pad(input: UnsafePointer<Float>, shape s: TensorShape, output: UnsafeMutablePointer<Float>,
                begin: [Int], end: [Int], mode: PadMode) {
    let out = paddedShape(s, begin: begin, end: end)
    let extents = [s.n, s.c, s.h, s.w]
    // Source index along one axis, or nil for a constant fill.
    func source(_ o: Int, _ axis: Int) -> Int? {
        let size = extents[axis]
        var i = o - begin[axis]
        if i >= 0 && i < size { return i }
        switch mode {
        case .constant: return nil
        case .edge: return Swift.min(Swift.max(i, 0), size - 1)
        case .reflect:
            guard size > 1 else { return 0 }
            let period = 2 * (size - 1)
            i = ((i % period) + period) % period
            return i < size ? i : period - i
        }
    }
    let fill: Float = if case .constant(let value) = mode { value } else { 0 }
    let columns = (0..<out.w).map { source($0, 3) }
    var index = 0
    for n in 0..<out.n {
        let sn = source(n, 0)
        for c in 0..<out.c {
            let sc = source(c, 1)
            for y in 0..<out.h {
                let sy = source(y, 2)
                guard let sn, let sc, let sy else {
                    for _ in 0..<out.w { output[index] = fill; index += 1 }
                    continue
                }
                let line = input + ((sn * s.c + sc) * s.h + sy) * s.w
                for x in 0..<out.w {
                    output[index] = columns[x].map { line[$0] } ?? fill
                    index += 1
                }
            }
        }
    }
}

public func paddedShape(_ s: TensorShape, begin: [Int], end: [Int]) -> TensorShape {
    TensorShape(n: s.n + begin[0] + end[0], c: s.c + begin[1] + end[1],
                h: s.h + begin[2] + end[2], w: s.w + begin[3] + end[3])
}
