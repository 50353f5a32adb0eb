/// Anything that turns a tile's input into per-class probabilities: the U-Net engine, or the
/// identity diagnostic below.
public protocol TileModel {
    var classNames: [String] { get }
    /// Stacked bands the model expects, when it knows (checked against the scene at start-up).
    var inputBandCount: Int? { get }
    /// Returns `classNames.count * size * size` probabilities in [0, 1], band-sequential.
    func predict(_ input: TileInput) throws -> [Float]
}

/// A diagnostic "model" whose outputs are chosen input bands, after normalization, clamped to
/// [0, 1]. It drives the whole pipeline without a network, and makes stitching checkable: the
/// output must reproduce the (normalized) input.
public struct IdentityModel: TileModel {
    /// 1-based indices into the stacked bands.
    public let bands: [Int]
    public let classNames: [String]
    /// Adds `signature(of:)` of the tile to every output: the output then depends on where the
    /// tile lies, so stitching drills can tell a misplaced or wrongly weighted tile.
    public let tileSignature: Bool
    public var inputBandCount: Int? { nil }

    public init(bands: [Int], classNames: [String]? = nil, tileSignature: Bool = false) throws {
        guard !bands.isEmpty else { throw SceneError(code: .invalidArgument, message: "the identity model needs at least one band") }
        if let classNames, classNames.count != bands.count {
            throw SceneError(code: .invalidArgument, message: "the identity model has \(bands.count) bands but \(classNames.count) class names")
        }
        self.bands = bands
        self.classNames = classNames ?? bands.map { "band_\($0)" }
        self.tileSignature = tileSignature
    }

    /// 0 ... 0.2 in steps of 0.02, different for neighbouring tiles in every direction.
    public static func signature(of tile: Tile) -> Float {
        Float((tile.row * 7 + tile.col * 3) % 11) * 0.02
    }

    /// Checks the bands against a stack of `count` bands.
    public func check(stackBandCount count: Int) throws {
        for band in bands where !(1...count).contains(band) {
            throw SceneError(code: .badBand, message: "identity model band \(band) does not exist (the scene stacks \(count) bands)")
        }
    }

    public func predict(_ input: TileInput) throws -> [Float] {
        let plane = input.size * input.size
        var out = [Float](repeating: 0, count: bands.count * plane)
        let offset = tileSignature ? IdentityModel.signature(of: input.tile) : 0
        for (c, band) in bands.enumerated() {
            for i in 0..<plane { out[c * plane + i] = min(max(input.values[(band - 1) * plane + i] + offset, 0), 1) }
        }
        return out
    }
}
