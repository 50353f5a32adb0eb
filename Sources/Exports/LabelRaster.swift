import Raster
import Scene

/// Resolves overlapping classes into one label per pixel: the present class with the highest
/// catalogue priority; among equal priorities, the one first in the model's order.
struct LabelRule {
    /// The label written where no class is present.
    static let none: UInt8 = 0
    /// The label written where the scene has no data (also the raster's nodata value).
    static let noData: UInt8 = 255

    /// (band index, label) in the order classes are tried.
    let order: [(band: Int, label: UInt8)]

    init(classes: ClassSet, location: String) throws {
        for sceneClass in classes.classes where !(1...254).contains(sceneClass.id) {
            throw ExportError(code: .classOutOfRange, message: "class '\(sceneClass.name)' has id \(sceneClass.id); the label raster holds ids 1-254 (0 = no class, 255 = nodata)", location: location)
        }
        order = classes.classes.enumerated()
            .sorted { a, b in a.element.priority != b.element.priority ? a.element.priority > b.element.priority : a.offset < b.offset }
            .map { (band: $0.offset, label: UInt8($0.element.id)) }
    }

    /// Labels for one band-sequential strip of decided masks with `pixelCount` pixels per band.
    func labels(_ values: [UInt8], pixelCount: Int) -> [UInt8] {
        var out = [UInt8](repeating: Self.none, count: pixelCount)
        values.withUnsafeBufferPointer { v in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<pixelCount {
                    var label = Self.none
                    var missing = false
                    for (band, id) in order {
                        let value = v[band * pixelCount + i]
                        if value == DecidedMasks.noData { missing = true; break }
                        if value == DecidedMasks.present && label == Self.none { label = id }
                    }
                    o[i] = missing ? Self.noData : label
                }
            }
        }
        return out
    }
}

/// Writes `classes.tif`: strips of labels go to a scratch GeoTIFF (created with its colour table,
/// category names and nodata), which `finish` copies into a COG.
final class LabelRasterWriter {
    let path: String
    private let scratchPath: String
    private let classes: ClassSet
    private let rule: LabelRule
    private var scratch: Dataset?

    init(path: String, scratchPath: String, masks: DecidedMasks) throws {
        self.path = path
        self.scratchPath = scratchPath
        classes = masks.classes
        rule = try LabelRule(classes: masks.classes, location: masks.path)
        let scratch = try Dataset.create(scratchPath, grid: masks.grid, bandCount: 1, pixelType: .uint8,
                                         options: GeoTIFFOptions(blockSize: 512, compression: .zstd, extra: ["ZSTD_LEVEL=1"]))
        // Described before any block is written: libtiff refuses palette tags once blocks are on
        // disk, which happens mid-scene when GDAL's block cache fills.
        let band = try scratch.band(1)
        band.setName("class")
        try band.setNoDataValue(Double(LabelRule.noData))
        try band.setColorInterpretation(.palette)
        try band.setColorTable(Self.palette(classes))
        try band.setCategoryNames(Self.categoryNames(classes))
        try scratch.setMetadata(classes.classes.map { "\($0.id):\($0.name)" }.joined(separator: ","), forKey: "CLASSES")
        self.scratch = scratch
    }

    func write(window: PixelWindow, values: [UInt8]) throws {
        try scratch?.write(rule.labels(values, pixelCount: window.pixelCount), window: window)
    }

    func finish() throws {
        guard let scratch else { return }
        // Mode keeps overviews categorical (an average of labels would be another class).
        try scratch.copyAsCOG(to: path, options: COGOptions(blockSize: 512, compression: .deflate, predictor: .none, overviewResampling: .mode))
        self.scratch = nil
        deleteDataset(scratchPath)
    }

    /// Entry i colours label i. TIFF palettes have no alpha, so "no class" (0) is a neutral light
    /// grey rather than transparent; nodata (255) is transparent in viewers through the nodata value.
    static func palette(_ classes: ClassSet) -> [RGBA] {
        let top = classes.classes.map(\.id).max() ?? 0
        var entries = [RGBA](repeating: RGBA(0, 0, 0, 0), count: top + 1)
        entries[0] = RGBA(235, 235, 235)
        for sceneClass in classes.classes { entries[sceneClass.id] = sceneClass.color }
        return entries
    }

    /// Entry i names label i: the class labels, "No class" for 0, "" for unused ids.
    static func categoryNames(_ classes: ClassSet) -> [String] {
        let top = classes.classes.map(\.id).max() ?? 0
        var names = [String](repeating: "", count: top + 1)
        names[0] = "No class"
        for sceneClass in classes.classes { names[sceneClass.id] = sceneClass.label }
        return names
    }
}
