import Dispatch
import Raster
import Scene

/// Writes a synthetic DSTL-like scene in the WorldView-3 layout: `<id>.tif` (RGB), `<id>_P.tif`,
/// `<id>_M.tif`, `<id>_A.tif` (UInt16, 11-bit), the ground truth as a 10-band UInt8 mask
/// `<id>_truth.tif` on the full-resolution grid, and as polygons with a class attribute in
/// `<id>_truth.gpkg`. All in a UTM CRS, all products covering the same ground.
///
/// Rasters are rendered in strips of `stripRows` rows and written as they finish, so memory depends
/// on the scene's width, not its area. Rows render in parallel; every value depends only on the
/// seed and its position, so the files are byte-identical for a seed and size on any thread count.
public struct SceneSynthesizer: Sendable {
    /// Full-resolution pixels (0.31 m each) across and down.
    public let width: Int
    public let height: Int
    public let seed: UInt64
    public let sceneID: String
    public var stripRows = 256
    public static let classes = ClassSet.dstl
    /// UTM zone 31N (WGS 84), where DSTL's imagery lies.
    public static let crsEPSG = 32631

    let world: World

    /// A square scene of `size` x `size` pixels.
    public init(size: Int, seed: UInt64, sceneID: String? = nil) throws {
        try self.init(width: size, height: size, seed: seed, sceneID: sceneID)
    }

    /// A `width` x `height` scene; a square one is the same as `init(size:)`'s, byte for byte.
    public init(width: Int, height: Int, seed: UInt64, sceneID: String? = nil) throws {
        for (name, value) in [("width", width), ("height", height)] where !(16...200_000).contains(value) {
            let what = width == height ? "scene size" : "scene \(name)"
            throw RasterError(code: .invalidArgument, message: "\(what) \(value) must be between 16 and 200000 pixels")
        }
        self.width = width
        self.height = height
        self.seed = seed
        self.sceneID = sceneID ?? "synth_\(seed)"
        world = WorldBuilder.build(width: Double(width) * WorldView3.fullResolutionMetres,
                                   height: Double(height) * WorldView3.fullResolutionMetres, seed: seed)
    }

    /// Scene extent in metres, east-west and north-south.
    public var extent: (width: Double, height: Double) { (world.width, world.height) }

    /// Number of objects of each class in the planned world (some may lie partly outside it).
    public var featureCounts: [ClassCount] {
        FeatureKind.allCases.map { kind in
            ClassCount(sceneClass: Self.classes.classes[kind.rawValue], count: world.features.filter { $0.kind == kind }.count)
        }
    }

    /// The georeferencing of a product of `width` x `height` pixels: same top-left corner and extent
    /// for every product, pixel size = extent / pixels (each way).
    public func geoTransform(width: Int, height: Int) -> GeoTransform {
        // A seed-dependent origin inside UTM 31N, on whole metres, so scenes of different seeds do
        // not sit on top of each other.
        let originX = 300_000 + Double(seed % 400) * 1000, originY = 5_700_000 - Double((seed / 400) % 400) * 1000
        return .northUp(originX: originX, originY: originY, pixelWidth: world.width / Double(width), pixelHeight: world.height / Double(height))
    }

    /// Writes every file into `directory` (which must exist) and reports what was written.
    public func write(to directory: String, progress: (String) -> Void = { _ in }) throws -> SynthesisReport {
        let crs = try CRS(epsg: Self.crsEPSG)
        func path(_ suffix: String) -> String { "\(directory)/\(sceneID)\(suffix).tif" }
        var report = SynthesisReport(sceneID: sceneID, directory: directory)

        // Full resolution: RGB and panchromatic share samples with the ground truth.
        let rgb = try ProductFile(product: WorldView3.rgb, path: path(""), synthesizer: self, crs: crs)
        let pan = try ProductFile(product: WorldView3.panchromatic, path: path("_P"), synthesizer: self, crs: crs)
        let truthPath = path("_truth")
        let truth = try makeTruthDataset(truthPath, crs: crs)
        var classPixels = [Int](repeating: 0, count: Self.classes.count)
        try render(width: width, height: height, bands: 0..<4, supersampling: 1, truth: true) { window, values, mask in
            let plane = window.pixelCount
            try rgb.dataset.write(Array(values[0..<3 * plane]), window: window)
            try pan.dataset.write(Array(values[3 * plane..<4 * plane]), window: window)
            try truth.write(mask, window: window)
            for k in 0..<Self.classes.count {
                classPixels[k] += mask[k * plane..<(k + 1) * plane].reduce(0) { $0 + Int($1) }
            }
        }
        try rgb.dataset.flush()
        try pan.dataset.flush()
        try truth.flush()
        report.files += [rgb.path, pan.path, truthPath]
        report.classPixels = zip(Self.classes.classes, classPixels).map { ClassCount(sceneClass: $0, count: $1) }
        progress("wrote \(rgb.path), \(pan.path) and \(truthPath) (\(width) x \(height))")

        // Lower resolutions: each pixel averages k x k samples of its footprint, so edges mix.
        for (product, bands, supersampling) in [(WorldView3.multispectral, 4..<12, 3), (WorldView3.swir, 12..<20, 6)] {
            let file = try ProductFile(product: product, path: path(product.fileSuffix), synthesizer: self, crs: crs)
            try render(width: product.size(forFullResolution: width), height: product.size(forFullResolution: height), bands: bands, supersampling: supersampling, truth: false) { window, values, _ in
                try file.dataset.write(values, window: window)
            }
            try file.dataset.flush()
            report.files.append(file.path)
            progress("wrote \(file.path) (\(file.dataset.width) x \(file.dataset.height))")
        }

        let polygonsPath = "\(directory)/\(sceneID)_truth.gpkg"
        report.classPolygons = try TruthPolygons.write(from: truth, to: polygonsPath, classes: Self.classes, crs: crs)
        report.files.append(polygonsPath)
        progress("wrote \(polygonsPath) (\(report.classPolygons.reduce(0) { $0 + $1.count }) polygons)")
        return report
    }

    private func makeTruthDataset(_ path: String, crs: CRS) throws -> Dataset {
        let dataset = try Dataset.create(path, width: width, height: height, bandCount: Self.classes.count, pixelType: .uint8,
                                         options: GeoTIFFOptions(compression: .deflate, predictor: .none))
        try dataset.setCRS(crs)
        try dataset.setGeoTransform(geoTransform(width: width, height: height))
        for (i, sceneClass) in Self.classes.classes.enumerated() {
            try dataset.band(i + 1).setName(sceneClass.name)
        }
        try dataset.setMetadata(Self.classes.classes.map { "\($0.id):\($0.name)" }.joined(separator: ","), forKey: "CLASSES")
        return dataset
    }

    /// Renders a `width` x `height` product strip by strip and hands each strip to `sink` as
    /// band-sequential UInt16 values (and, with `truth`, the 10-band mask).
    private func render(width: Int, height: Int, bands: Range<Int>, supersampling k: Int, truth: Bool,
                        sink: (PixelWindow, [UInt16], [UInt8]) throws -> Void) throws {
        let renderer = SceneRenderer(world: world)
        let pixel = (x: world.width / Double(width), y: world.height / Double(height))
        for top in stride(from: 0, to: height, by: stripRows) {
            let window = PixelWindow(col: 0, row: top, width: width, height: min(stripRows, height - top))
            var values = [UInt16](repeating: 0, count: window.pixelCount * bands.count)
            var mask = [UInt8](repeating: 0, count: truth ? window.pixelCount * Self.classes.count : 0)
            values.withUnsafeMutableBufferPointer { valueBuffer in
                mask.withUnsafeMutableBufferPointer { maskBuffer in
                    let out = SharedBuffers(values: valueBuffer, mask: maskBuffer)
                    DispatchQueue.concurrentPerform(iterations: window.height) { r in
                        RowRenderer(renderer: renderer, seed: seed, pixel: pixel, supersampling: k, bands: bands)
                            .render(row: top + r, width: width, into: out.values.baseAddress! + r * width,
                                    bandStride: window.pixelCount,
                                    mask: truth ? out.mask.baseAddress! + r * width : nil)
                    }
                }
            }
            try sink(window, values, mask)
        }
    }
}

/// Disjoint rows of these buffers are written from different threads; no two threads touch the
/// same element, which is what makes sharing them safe.
private struct SharedBuffers: @unchecked Sendable {
    let values: UnsafeMutableBufferPointer<UInt16>
    let mask: UnsafeMutableBufferPointer<UInt8>
}

/// A number per class: objects, pixels or polygons, as the field that holds it says.
public struct ClassCount: Sendable {
    public let sceneClass: SceneClass
    public let count: Int
}

/// What a synthesis wrote.
public struct SynthesisReport: Sendable {
    public let sceneID: String
    public let directory: String
    public var files: [String] = []
    /// Ground-truth pixels per class on the full-resolution grid.
    public var classPixels: [ClassCount] = []
    /// Ground-truth polygons per class in the GeoPackage.
    public var classPolygons: [ClassCount] = []
}
