/// What a model sees for one tile: normalized, padded pixels and which of them are real data.
public struct TileInput: Sendable {
    public let tile: Tile
    public let bandCount: Int
    public let size: Int
    /// Band-sequential, `bandCount * size * size`, NCHW for one image. Invalid and zero-padded
    /// pixels are 0 after normalization.
    public var values: [Float]
    /// `size * size`: 1 where the pixel is inside the scene and valid, 0 elsewhere (padding,
    /// nodata). The stitcher gives 0-pixels no weight.
    public var validity: [UInt8]

    public init(tile: Tile, bandCount: Int, size: Int, values: [Float], validity: [UInt8]) {
        precondition(values.count == bandCount * size * size && validity.count == size * size)
        self.tile = tile
        self.bandCount = bandCount
        self.size = size
        self.values = values
        self.validity = validity
    }
}

/// Per-band linear normalization applied to the stack before a model: value * scale + offset.
public struct Normalization: Sendable, Hashable {
    public var scale: [Float]
    public var offset: [Float]

    /// One entry applies to every band; otherwise one per stacked band.
    public init(scale: [Float] = [1], offset: [Float] = [0]) {
        self.scale = scale
        self.offset = offset
    }

    public static let identity = Normalization()

    @inline(__always)
    func apply(_ value: Float, band: Int) -> Float {
        value * scale[scale.count == 1 ? 0 : band] + offset[offset.count == 1 ? 0 : band]
    }
}
