import Kernels

/// One of the 8 symmetries of a square (the dihedral group D4): an optional horizontal flip
/// (mirror of the W axis) followed by `rotations` quarter turns counter-clockwise, in the order
/// NumPy's `np.rot90(np.flip(x, W), k, axes=(H, W))` applies them (as /work/shared/bench does).
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

    /// Where output pixel (row, column) of a `size` x `size` plane is read from in the input.
    @inline(__always)
    func source(row i: Int, column j: Int, size s: Int) -> (row: Int, column: Int) {
        // One counter-clockwise turn: out[i][j] = in[j][s-1-i]; compose the turns, then the flip.
        let (r, c): (Int, Int) = switch rotations {
        case 0: (i, j)
        case 1: (j, s - 1 - i)
        case 2: (s - 1 - i, s - 1 - j)
        default: (s - 1 - j, i)
        }
        return flipped ? (r, s - 1 - c) : (r, c)
    }

    /// Writes the transform of one square plane of `source` into `target` (forward), or undoes it
    /// (`inverse`: `target` is the plane the transform of which `source` is).
    func apply(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, size s: Int, inverse: Bool) {
        for i in 0..<s {
            for j in 0..<s {
                let (r, c) = self.source(row: i, column: j, size: s)
                if inverse { target[r * s + c] = source[i * s + j] } else { target[i * s + j] = source[r * s + c] }
            }
        }
    }

    public var description: String { (flipped ? "flip+" : "") + "rot\(rotations * 90)" }
}
