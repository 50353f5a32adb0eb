/// A rectangle of pixels in a raster, in pixel (not map) coordinates: column `col` and row `row` of
/// its top-left pixel, counted from the raster's top-left corner, and its size in pixels.
public struct PixelWindow: Hashable, Sendable, Codable, CustomStringConvertible {
    public var col: Int
    public var row: Int
    public var width: Int
    public var height: Int

    public init(col: Int, row: Int, width: Int, height: Int) {
        self.col = col
        self.row = row
        self.width = width
        self.height = height
    }

    /// The whole raster of the given size.
    public static func full(width: Int, height: Int) -> PixelWindow {
        PixelWindow(col: 0, row: 0, width: width, height: height)
    }

    public var pixelCount: Int { width * height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }

    /// True when the window lies wholly inside a raster of the given size.
    public func fits(width rasterWidth: Int, height rasterHeight: Int) -> Bool {
        !isEmpty && col >= 0 && row >= 0 && col + width <= rasterWidth && row + height <= rasterHeight
    }

    /// The part of this window inside a raster of the given size (empty when they do not meet).
    public func clipped(width rasterWidth: Int, height rasterHeight: Int) -> PixelWindow {
        let left = max(col, 0), top = max(row, 0)
        let right = min(col + width, rasterWidth), bottom = min(row + height, rasterHeight)
        return PixelWindow(col: left, row: top, width: max(0, right - left), height: max(0, bottom - top))
    }

    public var description: String { "\(width)x\(height)+\(col)+\(row)" }
}
