import Raster
import Scene

/// Each class's extent in a decided map: pixels and m², for the run report.
public struct ClassAreas: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        public var id: Int
        public var name: String
        public var pixels: Int
        /// nil when the grid's CRS is geographic or missing (a pixel has no fixed area in m²).
        public var areaM2: Double?
    }

    /// The area of one pixel in m² (nil as above).
    public var pixelAreaM2: Double?
    /// Pixels where the scene has no data (255 in the decided masks).
    public var noDataPixels: Int
    public var classes: [Entry]

    /// Counts from a single pass over the decided masks (what `Exporter` also does on its way).
    public static func measure(_ masks: DecidedMasks, stripBudgetBytes: Int = 32 << 20) throws -> ClassAreas {
        var counter = ClassAreaCounter(classCount: masks.classes.count)
        try masks.forEachStrip(rows: masks.stripRows(budgetBytes: stripBudgetBytes)) { window, values in
            counter.add(values, pixelCount: window.pixelCount)
        }
        return counter.areas(classes: masks.classes, grid: masks.grid)
    }
}

/// Accumulates present and nodata pixels strip by strip.
struct ClassAreaCounter {
    private(set) var present: [Int]
    private(set) var noData = 0

    init(classCount: Int) { present = [Int](repeating: 0, count: classCount) }

    /// `values`: band-sequential strip of the decided masks. A pixel is nodata when any class band
    /// says so (the rules engine writes 255 into every band at once).
    mutating func add(_ values: [UInt8], pixelCount: Int) {
        values.withUnsafeBufferPointer { v in
            for k in 0..<present.count {
                var count = 0
                for i in k * pixelCount..<(k + 1) * pixelCount where v[i] == DecidedMasks.present { count += 1 }
                present[k] += count
            }
            var missing = 0
            for i in 0..<pixelCount {
                for k in 0..<present.count where v[k * pixelCount + i] == DecidedMasks.noData {
                    missing += 1
                    break
                }
            }
            noData += missing
        }
    }

    func areas(classes: ClassSet, grid: RasterGrid) -> ClassAreas {
        let pixelArea = grid.pixelAreaSquareMetres
        return ClassAreas(pixelAreaM2: pixelArea, noDataPixels: noData, classes: zip(classes.classes, present).map { sceneClass, pixels in
            ClassAreas.Entry(id: sceneClass.id, name: sceneClass.name, pixels: pixels, areaM2: pixelArea.map { Double(pixels) * $0 })
        })
    }
}
