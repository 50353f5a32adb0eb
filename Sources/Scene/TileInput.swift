/// What a model sees for one tile: normalized, padded pixels and which of them are real data.
public struct TileInput: Sendable {
    public let tile: Tile
    public let bandCount: Int
    public let size: Int
    /// Band-sequential, `bandCount * size * size`, NCHW for one image. Raw from the reader (NaN
    /// for invalid and zero-padded pixels); after `Normalization.prepare`, normalized with those
    /// pixels 0.
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

    /// Checks the lists against a stack of `bandCount` bands.
    public func check(bandCount: Int) throws {
        for list in [scale, offset] where list.count != 1 && list.count != bandCount {
            throw SceneError(code: .invalidArgument, message: "normalization has \(list.count) values for \(bandCount) stacked bands (give 1 or \(bandCount))")
        }
    }

    /// Normalizes a raw tile for a model: value * scale + offset per band, NaN (no data, zero
    /// padding) -> 0. The one place this happens, whether the model runs here or on a worker, so
    /// both give the same bits.
    public func prepare(_ input: TileInput) -> TileInput {
        var output = input
        apply(to: &output.values, bandCount: input.bandCount, plane: input.size * input.size)
        return output
    }

    /// Normalizes band-sequential raw values in place (`bandCount` planes of `plane` values):
    /// value * scale + offset, NaN -> 0. Training reads its scenes through this too, so a model
    /// sees the same numbers in training and in inference.
    public func apply(to values: inout [Float], bandCount: Int, plane: Int) {
        values.withUnsafeMutableBufferPointer { values in
            for band in 0..<bandCount {
                let s = scale[scale.count == 1 ? 0 : band], o = offset[offset.count == 1 ? 0 : band]
                for i in band * plane..<(band + 1) * plane {
                    let v = values[i]
                    values[i] = v.isNaN ? 0 : v * s + o
                }
            }
        }
    }
}
