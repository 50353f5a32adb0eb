/// One image product of a multi-resolution scene: a file holding some bands at one resolution.
public struct SensorProduct: Sendable {
    /// Short name as in DSTL's file names: "RGB" (no suffix), "P", "M", "A".
    public let name: String
    /// File-name suffix after the scene id ("" for the 3-band RGB product, "_P", "_M", "_A").
    public let fileSuffix: String
    public let bandNames: [String]
    /// How many of this product's pixels span one full-resolution pixel's width, nominally (1/4 for
    /// M). Actual sizes are rounded so every product covers the same ground extent.
    public let resolutionRatio: Double

    public init(name: String, fileSuffix: String, bandNames: [String], resolutionRatio: Double) {
        self.name = name
        self.fileSuffix = fileSuffix
        self.bandNames = bandNames
        self.resolutionRatio = resolutionRatio
    }

    public var bandCount: Int { bandNames.count }

    /// This product's pixel count along an axis of `fullResolution` pixels (at least 1).
    public func size(forFullResolution fullResolution: Int) -> Int {
        max(1, Int((Double(fullResolution) * resolutionRatio).rounded()))
    }
}

/// The WorldView-3 layout of the DSTL competition: 20 bands in four products. The RGB and
/// panchromatic products are at full resolution (~0.31 m), multispectral M at 1/4 (~1.24 m), and
/// SWIR A at about 1/24 (~7.5 m); DSTL's files are ~3348, 837 and 134 pixels wide.
public enum WorldView3 {
    public static let rgb = SensorProduct(name: "RGB", fileSuffix: "", bandNames: ["Red", "Green", "Blue"], resolutionRatio: 1)
    public static let panchromatic = SensorProduct(name: "P", fileSuffix: "_P", bandNames: ["Panchromatic"], resolutionRatio: 1)
    public static let multispectral = SensorProduct(
        name: "M", fileSuffix: "_M",
        bandNames: ["Coastal", "Blue", "Green", "Yellow", "Red", "Red Edge", "NIR1", "NIR2"],
        resolutionRatio: 1.0 / 4.0)
    public static let swir = SensorProduct(
        name: "A", fileSuffix: "_A", bandNames: (1...8).map { "SWIR-\($0)" }, resolutionRatio: 1.0 / 24.0)

    /// All products in the order their bands form the 20-band stack.
    public static let products = [rgb, panchromatic, multispectral, swir]

    /// Full-resolution ground sample distance in metres (WorldView-3 panchromatic).
    public static let fullResolutionMetres = 0.31

    /// Radiometric depth of the DSTL imagery: 11-bit values stored as UInt16.
    public static let maxDigitalNumber = 2047
}
