// The column layout of a 3x3 pad-1 convolution as a GEMM, and its adjoint for input gradients.

/// cols[(c·9 + ky·3 + kx) x (y·W + x)] = x[c, y + ky - 1, x + kx - 1], zero outside the image.
func im2col3x3(_ source: UnsafePointer<Float>, channels: Int, height: Int, width: Int, into cols: UnsafeMutablePointer<Float>) {
    let plane = height * width
    for c in 0..<channels {
        let image = source + c * plane
        for ky in 0..<3 {
            for kx in 0..<3 {
                let row = cols + ((c * 3 + ky) * 3 + kx) * plane
                let shift = kx - 1
                for y in 0..<height {
                    let out = row + y * width
                    let iy = y + ky - 1
                    guard iy >= 0 && iy < height else {
                        out.update(repeating: 0, count: width)
                        continue
                    }
                    let line = image + iy * width
                    switch shift {
                    case -1:
                        out[0] = 0
                        (out + 1).update(from: line, count: width - 1)
                    case 1:
                        out.update(from: line + 1, count: width - 1)
                        out[width - 1] = 0
                    default:
                        out.update(from: line, count: width)
                    }
                }
            }
        }
    }
}

/// The adjoint of `im2col3x3`: x[c, iy, ix] = Σ over taps of cols at the output pixels reading it.
func col2im3x3(_ cols: UnsafePointer<Float>, channels: Int, height: Int, width: Int, into target: UnsafeMutablePointer<Float>) {
    let plane = height * width
    target.update(repeating: 0, count: channels * plane)
    for c in 0..<channels {
        let image = target + c * plane
        for ky in 0..<3 {
            for kx in 0..<3 {
                let row = cols + ((c * 3 + ky) * 3 + kx) * plane
                for y in 0..<height {
                    let iy = y + ky - 1
                    guard iy >= 0 && iy < height else { continue }
                    let from = row + y * width, line = image + iy * width
                    switch kx {
                    case 0: for x in 1..<width { line[x - 1] += from[x] }
                    case 2: for x in 0..<(width - 1) { line[x + 1] += from[x] }
                    default: for x in 0..<width { line[x] += from[x] }
                    }
                }
            }
        }
    }
}
