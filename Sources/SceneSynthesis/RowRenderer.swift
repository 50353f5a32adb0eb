/// Renders one row of a product: k x k samples per pixel, averaged, plus sensor noise, quantized to
/// 11-bit digital numbers. Noise comes from a hash of (seed, band, pixel), never from shared state.
struct RowRenderer {
    let renderer: SceneRenderer
    let seed: UInt64
    /// Pixel size of the product in metres (across, down: equal unless a side does not divide).
    let pixel: (x: Double, y: Double)
    let supersampling: Int
    let bands: Range<Int>

    func render(row: Int, width: Int, into out: UnsafeMutablePointer<UInt16>, bandStride: Int,
                mask: UnsafeMutablePointer<UInt8>?) {
        var scratch = SceneRenderer.Scratch()
        let k = supersampling, footprint = max(pixel.x, pixel.y) / Double(k)
        let sum = UnsafeMutablePointer<Float>.allocate(capacity: bands.count)
        defer { sum.deallocate() }
        let noiseSeeds = bands.map { Hash.mix(seed ^ (UInt64($0 + 1) &* 0xA24B_AED4_963E_E407)) }
        for col in 0..<width {
            sum.update(repeating: 0, count: bands.count)
            for sy in 0..<k {
                for sx in 0..<k {
                    let p = Point((Double(col) + (Double(sx) + 0.5) / Double(k)) * pixel.x,
                                  (Double(row) + (Double(sy) + 0.5) / Double(k)) * pixel.y)
                    renderer.locate(p, &scratch)
                    if let mask { renderer.truth(scratch, into: mask + col, stride: bandStride) }
                    renderer.accumulateRadiance(p, footprint: footprint, bands: bands, &scratch, into: sum)
                }
            }
            for j in 0..<bands.count {
                let signal = sum[j] / Float(k * k)
                let noisy = signal + Hash.gaussian(noiseSeeds[j], col, row) * (3 + 0.012 * signal)
                out[j * bandStride + col] = UInt16(min(max(noisy.rounded(), 0), 2047))
            }
        }
    }
}
