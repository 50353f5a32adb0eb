import Foundation
import Exports
import Raster
import Scene
import TestSupport
import Testing

@Suite struct PolygonTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory() }

    /// Blobs of random squares (some overlapping, some touching at a corner) for each class.
    func blobs(width: Int, height: Int, seed: UInt64) throws -> DecidedMasks {
        var generator = SeededGenerator(seed: seed)
        var planes = [[UInt8]](repeating: [UInt8](repeating: 0, count: width * height), count: 3)
        for k in 0..<3 {
            for _ in 0..<12 {
                let size = Int.random(in: 1...9, using: &generator)
                let top = Int.random(in: 0..<height - size, using: &generator), left = Int.random(in: 0..<width - size, using: &generator)
                for r in top..<top + size { for c in left..<left + size { planes[k][r * width + c] = 1 } }
            }
            // A 3 x 3 hole in the middle of a ring.
            for r in 20..<29 { for c in 40..<49 { planes[k][r * width + c] = (r >= 23 && r < 26 && c >= 43 && c < 46) ? 0 : 1 } }
        }
        return try DecidedFixtures.write(directory.file("blobs.tif"), width: width, height: height, classes: DecidedFixtures.three) { k, r, c in
            planes[k][r * width + c]
        }
    }

    struct Polygon {
        let values: [String]
        let geometry: Geometry
    }

    func polygons(_ layer: VectorLayer) throws -> [Polygon] {
        var geometries: [Geometry] = []
        try layer.forEachGeometry { geometries.append($0) }
        return zip(layer.rows(), geometries).map { Polygon(values: $0, geometry: $1) }
    }

    @Test func polygonAreasEqualTheirMasksPixelAreas() throws {
        let masks = try blobs(width: 64, height: 48, seed: 5)
        let report = try Exporter(masks: masks, directory: directory.path, options: ExportOptions(formats: [.polygons])).run()
        let gpkg = try VectorDataset.open(directory.file("polygons.gpkg"))
        #expect(Set(gpkg.layerNames) == ["buildings", "road", "car"])
        for (k, entry) in report.classAreas.classes.enumerated() {
            let layer = try gpkg.layer(named: entry.name)
            #expect(layer.fieldNames == ["class_id", "class_name", "area_m2", "pixels"])
            #expect(try layer.crs?.isEquivalent(to: masks.grid.crs!) == true)
            let features = try polygons(layer)
            #expect(features.count == report.polygons?[entry.name])
            #expect(features.count > 1)
            var totalPixels = 0, totalArea = 0.0
            for feature in features {
                let pixels = Int(feature.values[3])!, area = Double(feature.values[2])!
                #expect(feature.values[0] == String(entry.id) && feature.values[1] == entry.name)
                #expect(area == Double(pixels) * 4, "area \(area) m² for \(pixels) pixels")
                #expect(abs(feature.geometry.area - Double(pixels) * 4) < 1e-6)
                totalPixels += pixels
                totalArea += area
            }
            let maskPixels = try masks.dataset.read(UInt8.self, bands: [k + 1], window: .full(width: 64, height: 48)).filter { $0 == 1 }.count
            #expect(totalPixels == maskPixels)
            #expect(totalPixels == entry.pixels)
            #expect(totalArea == entry.areaM2)
        }
    }

    /// A U shape 40 rows tall, two squares linked only by a corner, read in 4-row strips: each is
    /// one polygon, as in the whole mask (8-connected), not one piece per strip.
    @Test func aRegionSpanningManyStripsIsOnePolygon() throws {
        let rows = (0..<40).map { r -> String in
            let u = r < 36 ? "##......##" : "##########"
            let corner = r < 3 ? "###..." : (r < 6 ? "...###" : "......")
            return u + "...." + corner
        }
        let masks = try DecidedFixtures.write(directory.file("u.tif"), width: 20, height: 40, classes: ClassSet([DecidedFixtures.three.classes[0]])) { _, r, c in
            DecidedFixtures.parse(rows)(r, c)
        }
        let options = ExportOptions(formats: [.polygons], stripBudgetBytes: 4 * 20)
        #expect(masks.stripRows(budgetBytes: options.stripBudgetBytes) == 4)
        let report = try Exporter(masks: masks, directory: directory.path, options: options).run()
        #expect(report.polygons == ["buildings": 2])
        let features = try polygons(VectorDataset.open(directory.file("polygons.gpkg")).layer(named: "buildings"))
        #expect(Set(features.map { Int($0.values[3])! }) == [36 * 4 + 4 * 10, 18])
    }

    /// Nodata (255) regions are not polygons, even where they touch a class region.
    @Test func nodataIsNeverAPolygon() throws {
        let rows = ["##xx.", "#.xx#", "....#"]
        let masks = try DecidedFixtures.write(directory.file("nodata.tif"), width: 5, height: 3, classes: ClassSet([DecidedFixtures.three.classes[0]])) { _, r, c in
            DecidedFixtures.parse(rows)(r, c)
        }
        let report = try Exporter(masks: masks, directory: directory.path, options: ExportOptions(formats: [.polygons])).run()
        #expect(report.polygons == ["buildings": 2])
        let features = try polygons(VectorDataset.open(directory.file("polygons.gpkg")).layer(named: "buildings"))
        #expect(features.map { Int($0.values[3])! }.sorted() == [2, 3])
        #expect(report.classAreas.noDataPixels == 4)
    }

    @Test func geoJSONIsOneFilePerClassWithTheSameFeatures() throws {
        let masks = try blobs(width: 64, height: 48, seed: 9)
        let report = try Exporter(masks: masks, directory: directory.path, options: ExportOptions(formats: [.polygons, .geojson])).run()
        let gpkg = try VectorDataset.open(directory.file("polygons.gpkg"))
        for sceneClass in masks.classes.classes {
            let geojson = try VectorDataset.open(directory.file("polygons/\(sceneClass.name).geojson")).onlyLayer()
            let fromGeoJSON = try polygons(geojson), fromGeoPackage = try polygons(gpkg.layer(named: sceneClass.name))
            #expect(fromGeoJSON.count == fromGeoPackage.count)
            #expect(fromGeoJSON.map(\.values) == fromGeoPackage.map(\.values))
            #expect(try geojson.crs?.epsg == 32631)
        }
        #expect(report.files.count == 4)
    }

    @Test func simplificationKeepsPolygonsValidAndPixelCounts() throws {
        let masks = try blobs(width: 64, height: 48, seed: 5)
        _ = try Exporter(masks: masks, directory: directory.file("exact"), options: ExportOptions(formats: [.polygons])).run()
        _ = try Exporter(masks: masks, directory: directory.file("simple"), options: ExportOptions(formats: [.polygons], simplifyTolerance: 3)).run()
        let exact = try polygons(VectorDataset.open(directory.file("exact/polygons.gpkg")).layer(named: "road"))
        let simple = try polygons(VectorDataset.open(directory.file("simple/polygons.gpkg")).layer(named: "road"))
        #expect(exact.count == simple.count)
        #expect(simple.map { $0.values[3] } == exact.map { $0.values[3] })
        #expect(simple.map(\.geometry.pointCount).reduce(0, +) < exact.map(\.geometry.pointCount).reduce(0, +))
        for (a, b) in zip(exact, simple) where a.geometry.isValid {
            #expect(b.geometry.isValid, "\(b.geometry.wkt)")
            #expect(b.geometry.typeName == "POLYGON")
            #expect(abs(Double(b.values[2])! - b.geometry.area) < 1e-6)
        }
    }

    @Test func aNegativeToleranceIsOneError() throws {
        let masks = try blobs(width: 64, height: 48, seed: 5)
        #expect {
            try Exporter(masks: masks, directory: directory.path, options: ExportOptions(formats: [.polygons], simplifyTolerance: -1)).run()
        } throws: { "\($0)".contains("tolerance -1.0 must be 0 or more") }
    }
}
