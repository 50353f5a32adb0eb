import Kernels

/// One of the 8 symmetries of a square (the dihedral group D4): an optional horizontal flip
/// (mirror of the W axis) followed by `rotations` quarter turns counter-clockwise, in the order
/// NumPy's `np.rot90(np.flip(x, W), k, axes=(H, W))` applies them (as ops/bench/onnxruntime_bench.py
/// builds its D4 batch).
public struct DihedralTransform: Hashable, Sendable, CustomStringConvertible {
    public let flipped: Bool
    /// Quarter turns counter-clockwise, 0...3.
    public let rotations: Int

    public init(flipped: Bool, rotations: Int) {
        precondition((0...3).contains(rotations), "rotations must be 0...3")
        (self.flipped, self.rotations) = (flipped, rotations)
    }

    /// Identity, the 3 rotations, then the flip and the flip followed by each rotation.
    public static let all: [DihedralTransform] =
        [false, true].flatMap { flip in (0..<4).map { DihedralTransform(flipped: flip, rotations: $0) } }

    /// The source of output pixel (i, j) as a flat index `origin + i * rowStep + j * columnStep`:
    /// every symmetry of the square is affine in (i, j), so planes are walked with two strides.
    /// One counter-clockwise turn reads out[i][j] = in[j][s-1-i]; turns compose, then the flip.
    func steps(size s: Int) -> (origin: Int, rowStep: Int, columnStep: Int) {
        // Source row r0 + i ri + j rj, source column c0 + i ci + j cj.
        let (r0, ri, rj, c0, ci, cj): (Int, Int, Int, Int, Int, Int) = switch rotations {
        case 0: (0, 1, 0, 0, 0, 1)
        case 1: (0, 0, 1, s - 1, -1, 0)
        case 2: (s - 1, -1, 0, s - 1, 0, -1)
        default: (s - 1, 0, -1, 0, 1, 0)
        }
        let (c0f, cif, cjf) = flipped ? (s - 1 - c0, -ci, -cj) : (c0, ci, cj)
        return (r0 * s + c0f, ri * s + cif, rj * s + cjf)
    }

    /// Writes the transform of one square plane of `source` into `target`.
    func apply(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, size s: Int) {
        let (origin, rowStep, columnStep) = steps(size: s)
        for i in 0..<s {
            let base = origin + i * rowStep, row = i * s
            for j in 0..<s { target[row + j] = source[base + j * columnStep] }
        }
    }

    /// Undoes the transform of `source` and folds it into `target` pixel by pixel with `combine`.
    @inline(__always)
    func accumulateInverse(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, size s: Int,
                           _ combine: (_ accumulated: Float, _ value: Float) -> Float) {
        let (origin, rowStep, columnStep) = steps(size: s)
        for i in 0..<s {
            let base = origin + i * rowStep, row = i * s
            for j in 0..<s {
                let k = base + j * columnStep
                target[k] = combine(target[k], source[row + j])
            }
        }
    }

    public var description: String { (flipped ? "flip+" : "") + "rot\(rotations * 90)" }
}
