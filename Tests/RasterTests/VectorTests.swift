import Foundation
import TestSupport
import Testing
import Raster

@Suite struct VectorTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory() }

    let grid = RasterGrid(crs: try! CRS(epsg: 32631), geoTransform: .northUp(originX: 1000, originY: 2000, pixelWidth: 2, pixelHeight: 2),
                          width: 6, height: 4)

    /// GeoTIFF has no tag for category names: GDAL keeps them in the `.aux.xml` side file, which a
    /// COG copy writes too.
    @Test func categoryNamesSurviveACOGCopy() throws {
        let path = directory.file("labels.tif")
        let dataset = try Dataset.create(directory.file("scratch.tif"), grid: grid, bandCount: 1, pixelType: .uint8)
        try dataset.band(1).setCategoryNames(["none", "", "water"])
        #expect(try dataset.band(1).categoryNames == ["none", "", "water"])
        do { _ = try dataset.copyAsCOG(to: path) }  // the side file is written when the copy closes
        let copy = try Dataset.open(path)
        let names = try copy.band(1).categoryNames
        #expect(names == ["none", "", "water"])
        #expect(try copy.grid == grid)
        #expect(FileManager.default.fileExists(atPath: path + ".aux.xml"))
    }

    @Test func pixelAreasFollowTheCRSUnits() throws {
        #expect(grid.pixelArea == 4)
        #expect(grid.pixelAreaSquareMetres == 4)
        var feet = grid
        feet.crs = try CRS(epsg: 2277)  // Texas Central, US survey feet
        #expect(abs(feet.pixelAreaSquareMetres! - 4 * 0.3048006096 * 0.3048006096) < 1e-9)
        var degrees = grid
        degrees.crs = try CRS(epsg: 4326)
        #expect(degrees.pixelAreaSquareMetres == nil)
        #expect(grid.isSameGrid(as: grid) && !grid.isSameGrid(as: degrees))
    }

    @Test func bandViewSelectsOneBandWithNodata() throws {
        let dataset = try Dataset.create(directory.file("two.tif"), grid: grid, bandCount: 2, pixelType: .uint8)
        try dataset.write([UInt8](repeating: 1, count: 24) + [UInt8](repeating: 7, count: 24), window: .full(width: 6, height: 4))
        let view = try dataset.bandView(2, noData: 255)
        #expect(view.bandCount == 1)
        #expect(try view.band(1).noDataValue == 255)
        #expect(try view.read(UInt8.self, window: .full(width: 6, height: 4)) == [UInt8](repeating: 7, count: 24))
        #expect(throws: RasterError.self) { try dataset.bandView(3) }
    }

    /// Two polygons of different classes: each burns its band where pixel centres are inside.
    @Test func rasterizeBurnsFilteredFeaturesOntoTheGrid() throws {
        let vector = try VectorDataset.createGeoPackage(directory.file("shapes.gpkg"))
        let layer = try vector.createLayer("shapes", crs: grid.crs, fields: [FieldDefinition("class_id", .integer)], geometry: .polygon)
        // Columns 1-2, rows 0-1 (x 1002..1006, y 1996..2000); and a triangle covering few centres.
        try layer.addFeature(geometry: Geometry(wkt: "POLYGON ((1002 2000, 1006 2000, 1006 1996, 1002 1996, 1002 2000))"), values: [.integer(1)])
        try layer.addFeature(geometry: Geometry(wkt: "POLYGON ((1000 1992, 1012 1992, 1000 2000, 1000 1992))"), values: [.integer(2)])
        #expect(layer.fieldNames == ["class_id"])
        #expect(try layer.crs?.epsg == 32631)
        #expect(layer.extent == MapBounds(minX: 1000, minY: 1992, maxX: 1012, maxY: 2000))
        let raster = try Dataset.rasterize(layer, onto: grid, path: directory.file("burnt.tif"), bandCount: 2,
                                           burns: [Burn(band: 1, filter: "class_id = 1"), Burn(band: 2, value: 5, filter: "class_id = 2")])
        let values = try raster.read(UInt8.self, window: .full(width: 6, height: 4))
        #expect(Array(values[0..<24]) == [0, 1, 1, 0, 0, 0,
                                          0, 1, 1, 0, 0, 0,
                                          0, 0, 0, 0, 0, 0,
                                          0, 0, 0, 0, 0, 0])
        // Triangle (1000,1992)-(1012,1992)-(1000,2000): centre (x, y) inside when y < 2000 - 8(x-1000)/12 ... the lower-left half.
        #expect(Array(values[24..<48]) == [5, 0, 0, 0, 0, 0,
                                           5, 5, 0, 0, 0, 0,
                                           5, 5, 5, 5, 0, 0,
                                           5, 5, 5, 5, 5, 0])
        #expect(try raster.grid == grid)
    }

    @Test func topologyPreservingSimplificationKeepsAPolygonValid() throws {
        // A square with a zig-zag edge and a hole near it.
        let zigzag = (0...20).map { "\(Double($0) * 0.5) \($0 % 2 == 0 ? 10.0 : 10.3)" }.joined(separator: ", ")
        let polygon = try Geometry(wkt: "POLYGON ((0 0, 10 0, \(zigzag.split(separator: ",").reversed().joined(separator: ",")), 0 0), (4 8, 6 8, 6 9.5, 4 9.5, 4 8))")
        #expect(polygon.isValid)
        let simple = try polygon.simplifiedPreservingTopology(tolerance: 1)
        #expect(simple.isValid)
        #expect(simple.typeName == "POLYGON")
        #expect(simple.pointCount < polygon.pointCount)
        #expect(simple.wkt.contains("(4 8"), "the hole is kept: \(simple.wkt)")
    }
}
