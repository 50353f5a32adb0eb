/// How a tile is filled where it reaches past the scene's edges.
public enum PaddingMode: String, Sendable, Codable, CaseIterable {
    /// Mirror without repeating the edge pixel (numpy's and PyTorch's "reflect"): ... 2 1 | 0 1 2 ...
    case reflect
    /// Repeat the edge pixel: ... 0 0 | 0 1 2 ...
    case edge
    /// Zeros (after normalization).
    case zero

    /// The scene coordinate that padded coordinate `i` copies, for a scene `size` pixels long; nil
    /// for zero padding outside the scene.
    @inline(__always)
    public func source(_ i: Int, size: Int) -> Int? {
        if i >= 0 && i < size { return i }
        switch self {
        case .zero:
            return nil
        case .edge:
            return min(max(i, 0), size - 1)
        case .reflect:
            guard size > 1 else { return 0 }
            let period = 2 * (size - 1)
            var m = i % period
            if m < 0 { m += period }
            return m < size ? m : period - m
        }
    }
}
