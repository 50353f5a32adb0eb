import Foundation

/// Softmax of NCHW data along `axis` (0...3). With `flattenTrailing` (ONNX opset < 13), the
/// softmax runs over all axes from `axis` on, flattened, as those opsets define it.
public func softmax(input: UnsafePointer<Float>, shape s: TensorShape, output: UnsafeMutablePointer<Float>,
                    axis: Int, flattenTrailing: Bool) {
    let extents = [s.n, s.c, s.h, s.w]
    let outer = extents[..<axis].reduce(1, *)
    let length = flattenTrailing ? extents[axis...].reduce(1, *) : extents[axis]
    let inner = flattenTrailing ? 1 : extents[(axis + 1)...].reduce(1, *)
    for o in 0..<outer {
        for i in 0..<inner {
            let base = o * length * inner + i
            var peak = -Float.infinity
            for k in 0..<length { peak = max(peak, input[base + k * inner]) }
            var sum: Float = 0
            for k in 0..<length {
                let e = Foundation.exp(input[base + k * inner] - peak)
                output[base + k * inner] = e
                sum += e
            }
            for k in 0..<length { output[base + k * inner] /= sum }
        }
    }
}
