// Reductions with eight independent SIMD lanes: a plain `sum += x[i]` loop stays scalar because
// floating-point addition may not be reordered, and these sums run over whole activation planes.

typealias Float8 = SIMD8<Float>

@inline(__always)
func load8(_ p: UnsafePointer<Float>) -> Float8 { UnsafeRawPointer(p).loadUnaligned(as: Float8.self) }

@inline(__always)
func store8(_ value: Float8, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: value, as: Float8.self) }

/// Σ x[i] for i < count.
func vectorSum(_ x: UnsafePointer<Float>, count: Int) -> Float {
    var lanes = Float8(), i = 0
    while i + 8 <= count { lanes += load8(x + i); i += 8 }
    var sum = lanes.sum()
    while i < count { sum += x[i]; i += 1 }
    return sum
}

/// Σ (x[i] − mean)² for i < count.
func vectorSquaredDeviations(_ x: UnsafePointer<Float>, count: Int, mean: Float) -> Float {
    var lanes = Float8(), i = 0
    let m = Float8(repeating: mean)
    while i + 8 <= count { let d = load8(x + i) - m; lanes += d * d; i += 8 }
    var sum = lanes.sum()
    while i < count { let d = x[i] - mean; sum += d * d; i += 1 }
    return sum
}
