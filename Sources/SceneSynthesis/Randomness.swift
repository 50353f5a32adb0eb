/// SplitMix64: a tiny, fast, well-mixed generator. Every random choice of the world plan comes from
/// one of these in a fixed order, so a seed gives the same world on every machine.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Hash.mix(state)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * unit() }

    mutating func int(_ range: Range<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }

    mutating func chance(_ probability: Double) -> Bool { unit() < probability }

    /// Approximately normal (sum of uniforms), mean 0, standard deviation 1.
    mutating func gaussian() -> Double { (unit() + unit() + unit() + unit() - 2) * 1.7320508 }

    /// An independent stream for a sub-task, so adding draws to one part does not shift the others.
    mutating func fork() -> SplitMix64 { SplitMix64(seed: next()) }
}

/// Stateless hashing for per-pixel values (noise, textures): the value at a place depends only on
/// the seed and the coordinates, never on the order in which windows are rendered.
enum Hash {
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    static func combine(_ a: UInt64, _ b: Int, _ c: Int) -> UInt64 {
        mix(a ^ mix(UInt64(bitPattern: Int64(b)) &+ 0x632B_E59B_D9B4_E019 &* UInt64(bitPattern: Int64(c))))
    }

    /// Uniform in [0, 1) for a lattice point.
    @inline(__always)
    static func unit(_ seed: UInt64, _ x: Int, _ y: Int) -> Float {
        Float(combine(seed, x, y) >> 40) * 0x1.0p-24
    }

    /// Approximately normal, mean 0, sd 1, for a lattice point.
    @inline(__always)
    static func gaussian(_ seed: UInt64, _ x: Int, _ y: Int) -> Float {
        let h = combine(seed, x, y)
        let a = Float(h & 0xFFFF), b = Float((h >> 16) & 0xFFFF), c = Float((h >> 32) & 0xFFFF), d = Float(h >> 48)
        return ((a + b + c + d) * (1.0 / 65536.0) - 2) * 1.7320508
    }
}

/// Smooth value noise in [0, 1]: random values on a lattice of spacing `scale` metres, blended with a
/// smoothstep. Used for soil moisture, canopy texture and within-class variation.
struct ValueNoise {
    let seed: UInt64

    func callAsFunction(_ x: Double, _ y: Double, scale: Double) -> Float {
        let fx = x / scale, fy = y / scale
        let ix = Int(fx.rounded(.down)), iy = Int(fy.rounded(.down))
        let tx = Float(fx - Double(ix)), ty = Float(fy - Double(iy))
        let sx = tx * tx * (3 - 2 * tx), sy = ty * ty * (3 - 2 * ty)
        let v00 = Hash.unit(seed, ix, iy), v10 = Hash.unit(seed, ix + 1, iy)
        let v01 = Hash.unit(seed, ix, iy + 1), v11 = Hash.unit(seed, ix + 1, iy + 1)
        let top = v00 + (v10 - v00) * sx, bottom = v01 + (v11 - v01) * sx
        return top + (bottom - top) * sy
    }
}
