/// The 8 symmetries of the square (4 rotations by 90°, each with or without a mirror), applied to
/// a patch's inputs and targets alike, so a model learns that a field seen upside down is still a
/// field (as the D4 test-time augmentation assumes).
public enum Dihedral {
    /// Copies `source` (planes of `size` x `size`, plane-sequential) into `target` under transform
    /// `k` in 0..<8: the target pixel (y, x) takes the source pixel `sourcePosition(k, y, x)`.
    public static func transform<T>(
        _ k: Int, size: Int, planes: Int, from source: UnsafePointer<T>, to target: UnsafeMutablePointer<T>
    ) {
        let plane = size * size
        for y in 0..<size {
            for x in 0..<size {
                let (sy, sx) = sourcePosition(k, y: y, x: x, size: size)
                let from = sy * size + sx, to = y * size + x
                for p in 0..<planes { target[p * plane + to] = source[p * plane + from] }
            }
        }
    }

    /// k & 3 quarter turns, then a left-right mirror when k >= 4.
    static func sourcePosition(_ k: Int, y: Int, x: Int, size: Int) -> (Int, Int) {
        let n = size - 1
        let x = k >= 4 ? n - x : x
        switch k & 3 {
        case 0: return (y, x)
        case 1: return (x, n - y)
        case 2: return (n - y, n - x)
        default: return (n - x, y)
        }
    }
}
