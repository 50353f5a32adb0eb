/// The spatial hyper-parameters of a 2-D convolution, pooling or transposed convolution window.
///
/// Pads are in pixels on each side (ONNX order for 2-D: top, left, bottom, right). `groups`
/// splits input and output channels into that many independent convolutions (depthwise when it
/// equals the input channel count).
public struct ConvGeometry: Hashable, Sendable, CustomStringConvertible {
    public var kernelH: Int, kernelW: Int
    public var strideH: Int, strideW: Int
    public var dilationH: Int, dilationW: Int
    public var padTop: Int, padLeft: Int, padBottom: Int, padRight: Int
    public var groups: Int

    public init(kernelH: Int, kernelW: Int, strideH: Int = 1, strideW: Int = 1, dilationH: Int = 1,
                dilationW: Int = 1, padTop: Int = 0, padLeft: Int = 0, padBottom: Int = 0, padRight: Int = 0,
                groups: Int = 1) {
        precondition(kernelH > 0 && kernelW > 0 && strideH > 0 && strideW > 0 && dilationH > 0 && dilationW > 0
                     && groups > 0, "kernel, strides, dilations and groups must be positive")
        (self.kernelH, self.kernelW, self.strideH, self.strideW) = (kernelH, kernelW, strideH, strideW)
        (self.dilationH, self.dilationW, self.groups) = (dilationH, dilationW, groups)
        (self.padTop, self.padLeft, self.padBottom, self.padRight) = (padTop, padLeft, padBottom, padRight)
    }

    /// Output extent of a convolution (floor division, as ONNX Conv).
    public func convOutput(h: Int, w: Int) -> (h: Int, w: Int) {
        let effH = dilationH * (kernelH - 1) + 1, effW = dilationW * (kernelW - 1) + 1
        return ((h + padTop + padBottom - effH) / strideH + 1, (w + padLeft + padRight - effW) / strideW + 1)
    }

    /// Output extent of a transposed convolution before `outputPadding` is added.
    public func transposedOutput(h: Int, w: Int) -> (h: Int, w: Int) {
        (strideH * (h - 1) + dilationH * (kernelH - 1) + 1 - padTop - padBottom,
         strideW * (w - 1) + dilationW * (kernelW - 1) + 1 - padLeft - padRight)
    }

    public var description: String {
        "k\(kernelH)x\(kernelW) s\(strideH)x\(strideW) d\(dilationH)x\(dilationW) "
            + "p\(padTop),\(padLeft),\(padBottom),\(padRight) g\(groups)"
    }
}
