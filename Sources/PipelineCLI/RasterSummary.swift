import Foundation
import Raster

/// A gdalinfo-like summary of one raster, as `pipeline inspect` prints it.
struct RasterSummary {
    let text: String

    init(dataset: Dataset) throws {
        var lines = [dataset.path]
        lines.append("  driver     \(dataset.driverName) (\(dataset.driverLongName))")
        lines.append("  size       \(dataset.width) x \(dataset.height) px, \(dataset.bandCount) band\(dataset.bandCount == 1 ? "" : "s")")
        let crs = try dataset.crs
        let unit = crs.map { " \($0.unitName)" } ?? ""
        if let transform = dataset.geoTransform {
            lines.append(String(format: "  pixel      %.6g x %.6g%@%@", transform.pixelWidth, abs(transform.pixelHeight), unit,
                                transform.isNorthUp ? "" : ", rotated"))
            let e = transform.extent(width: dataset.width, height: dataset.height)
            lines.append(String(format: "  extent     x %.3f .. %.3f, y %.3f .. %.3f", e.minX, e.maxX, e.minY, e.maxY))
        } else {
            lines.append("  pixel      no geotransform")
        }
        lines.append("  CRS        \(crs.map { $0.epsg != nil ? "EPSG:\($0.epsg!) (\($0.name))" : $0.name } ?? "none")")
        let first = try dataset.band(1)
        let block = first.blockSize
        lines.append("  blocks     \(block.width) x \(block.height), \(first.overviewCount) overview\(first.overviewCount == 1 ? "" : "s")"
                     + first.overviewSizes.map { " \($0.width)x\($0.height)" }.joined())
        for band in try dataset.bands {
            let nodata = band.noDataValue.map { "nodata \(Self.format($0))" } ?? "no nodata"
            let name = band.name.isEmpty ? "" : "  \(band.name)"
            lines.append(String(format: "  band %-4d  %-8@ %@%@", band.index, band.pixelTypeName as NSString, nodata as NSString, name as NSString))
        }
        text = lines.joined(separator: "\n")
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
