// Naive convolutions: direct loops with Double accumulation, the ground truth the fast kernels
// (im2col + GEMM, depthwise, Winograd, GEMM + col2im) are tested against.

/// Convolution. `input` is N x Cin x H x W; `weights` is Cout x (Cin / groups) x kH x kW (ONNX
/// layout, stored as a `Tensor` with n = Cout, c = Cin / groups, h = kH, w = kW); `bias` has Cout
/// values or is empty. Returns N x Cout x Hout x Wout.
public func referenceConv2D(
    _ input: Tensor, weights: Tensor, bias: [Float] = [], geometry g: ConvGeometry, activation: Activation? = nil
) -> Tensor {
    let s = input.shape, cout = weights.shape.n
    let cinPerGroup = s.c / g.groups, coutPerGroup = cout / g.groups
    precondition(s.c % g.groups == 0 && cout % g.groups == 0 && weights.shape.c == cinPerGroup,
                 "weights \(weights.shape) do not fit input \(s) with \(g.groups) groups")
    precondition(weights.shape.h == g.kernelH && weights.shape.w == g.kernelW, "kernel size mismatch")
    let (oh, ow) = g.convOutput(h: s.h, w: s.w)
    var out = Tensor(zeros: TensorShape(n: s.n, c: cout, h: max(oh, 0), w: max(ow, 0)))
    for n in 0..<s.n {
        for co in 0..<cout {
            let group = co / coutPerGroup
            for y in 0..<out.shape.h {
                for x in 0..<out.shape.w {
                    var sum = bias.isEmpty ? 0.0 : Double(bias[co])
                    for ci in 0..<cinPerGroup {
                        for ky in 0..<g.kernelH {
                            let iy = y * g.strideH - g.padTop + ky * g.dilationH
                            guard iy >= 0 && iy < s.h else { continue }
                            for kx in 0..<g.kernelW {
                                let ix = x * g.strideW - g.padLeft + kx * g.dilationW
                                guard ix >= 0 && ix < s.w else { continue }
                                sum += Double(input[n, group * cinPerGroup + ci, iy, ix]) * Double(weights[co, ci, ky, kx])
                            }
                        }
                    }
                    let value = Float(sum)
                    out[n, co, y, x] = activation?.apply(value) ?? value
                }
            }
        }
    }
    return out
}

/// Transposed convolution (ONNX ConvTranspose). `weights` is Cin x (Cout / groups) x kH x kW.
/// The output is N x Cout x (transposedOutput + outputPadding).
public func referenceConvTranspose2D(
    _ input: Tensor, weights: Tensor, bias: [Float] = [], geometry g: ConvGeometry,
    outputPadding: (h: Int, w: Int) = (0, 0), activation: Activation? = nil
) -> Tensor {
    let s = input.shape
    let cinPerGroup = s.c / g.groups, coutPerGroup = weights.shape.c, cout = coutPerGroup * g.groups
    precondition(weights.shape.n == s.c && s.c % g.groups == 0, "weights \(weights.shape) do not fit input \(s)")
    let base = g.transposedOutput(h: s.h, w: s.w)
    let shape = TensorShape(n: s.n, c: cout, h: base.h + outputPadding.h, w: base.w + outputPadding.w)
    var sums = [Double](repeating: 0, count: shape.count)
    for n in 0..<s.n {
        for ci in 0..<s.c {
            let group = ci / cinPerGroup
            for iy in 0..<s.h {
                for ix in 0..<s.w {
                    let value = Double(input[n, ci, iy, ix])
                    for cog in 0..<coutPerGroup {
                        let co = group * coutPerGroup + cog
                        for ky in 0..<g.kernelH {
                            let oy = iy * g.strideH - g.padTop + ky * g.dilationH
                            guard oy >= 0 && oy < shape.h else { continue }
                            for kx in 0..<g.kernelW {
                                let ox = ix * g.strideW - g.padLeft + kx * g.dilationW
                                guard ox >= 0 && ox < shape.w else { continue }
                                sums[((n * cout + co) * shape.h + oy) * shape.w + ox] += value * Double(weights[ci, cog, ky, kx])
                            }
                        }
                    }
                }
            }
        }
    }
    let plane = shape.h * shape.w
    return Tensor(shape: shape, storage: sums.enumerated().map { index, sum in
        let value = Float(sum + (bias.isEmpty ? 0 : Double(bias[(index / plane) % cout])))
        return activation?.apply(value) ?? value
    })
}
