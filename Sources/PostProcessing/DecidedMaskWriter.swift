import Foundation
import Raster

/// Writes the decided masks: a tiled, DEFLATE-compressed UInt8 GeoTIFF, one band per class in
/// class-set order, 1 = present, 0 = absent, 255 = nodata, on the run's grid. Band names are the
/// class names. Written to a hidden file beside `path` and renamed over it only when complete, so
/// a failed run leaves an earlier result in place.
final class DecidedMaskWriter: WordSink {
    static let present: UInt8 = 1
    static let absent: UInt8 = 0
    static let noData: UInt8 = 255

    let path: String
    let partialPath: String
    private var dataset: Dataset?
    private let width: Int
    private let classCount: Int
    /// Present pixels per class, counted as strips are written.
    private(set) var presentPixels: [Int]

    init(path: String, grid: RasterGrid, classNames: [String], ruleSetName: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        partialPath = url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + ".partial.tif").path
        width = grid.width
        classCount = classNames.count
        presentPixels = Array(repeating: 0, count: classNames.count)
        deleteDataset(partialPath)
        let dataset = try Dataset.create(
            partialPath, width: grid.width, height: grid.height, bandCount: classNames.count, pixelType: .uint8,
            options: GeoTIFFOptions(tiled: true, blockSize: 256, compression: .deflate, interleavePixels: false))
        if let crs = grid.crs { try dataset.setCRS(crs) }
        try dataset.setGeoTransform(grid.geoTransform)
        try dataset.setMetadata(ruleSetName, forKey: "POSTPROCESS_RULE_SET")
        for (i, name) in classNames.enumerated() {
            let band = try dataset.band(i + 1)
            band.setName(name)
            try band.setNoDataValue(Double(Self.noData))
            // Classes are not colours: keep readers from taking 3 or 4 bands as RGB(A).
            try band.setColorInterpretation(i == 0 ? .gray : .undefined)
        }
        self.dataset = dataset
    }

    func write(rows: Range<Int>, _ words: [MaskWord]) throws {
        guard let dataset else { preconditionFailure("writer already finished") }
        let plane = rows.count * width
        var values = [UInt8](repeating: Self.absent, count: plane * classCount)
        for c in 0..<classCount {
            let bit = MaskBits.bit(c), band = c * plane
            var count = 0
            for i in 0..<plane {
                let word = words[i]
                if word & MaskBits.noData != 0 {
                    values[band + i] = Self.noData
                } else if word & bit != 0 {
                    values[band + i] = Self.present
                    count += 1
                }
            }
            presentPixels[c] += count
        }
        try dataset.write(values, window: PixelWindow(col: 0, row: rows.lowerBound, width: width, height: rows.count))
    }

    /// Closes the file and moves it to `path`.
    func finish() throws {
        try dataset?.flush()
        dataset = nil  // closed here, so the TIFF's directory is on disk before the rename
        deleteDataset(path)
        guard rename(partialPath, path) == 0 else {
            throw PostProcessingError(code: .io, message: "cannot move the finished masks into place", location: path)
        }
    }

    deinit {
        if dataset != nil {
            dataset = nil
            deleteDataset(partialPath)
        }
    }
}
