/// `out[n, c, y, x] = in[n, c, y, x] * scale[c] + shift[c]`: inference-time BatchNormalization
/// when it cannot be folded into a preceding convolution.
public func channelAffine(input: UnsafePointer<Float>, shape s: TensorShape, output: UnsafeMutablePointer<Float>,
                          scale: [Float], shift: [Float]) {
    let plane = s.h * s.w
    for index in 0..<(s.n * s.c) {
        let c = index % s.c, k = scale[c], b = shift[c]
        let source = input + index * plane, target = output + index * plane
        for i in 0..<plane { target[i] = source[i] * k + b }
    }
}

/// Per-channel scale and shift of BatchNormalization in inference mode:
/// `scale = gamma / sqrt(var + epsilon)`, `shift = beta - mean * scale` (computed in Double).
public func batchNormAffine(gamma: [Float], beta: [Float], mean: [Float], variance: [Float], epsilon: Float)
    -> (scale: [Float], shift: [Float]) {
    let scale = zip(gamma, variance).map { Float(Double($0) / (Double($1) + Double(epsilon)).squareRoot()) }
    let shift = (0..<beta.count).map { Float(Double(beta[$0]) - Double(mean[$0]) * Double(scale[$0])) }
    return (scale, shift)
}
