import Exports
import Raster
import Scene
import TestSupport
import Testing

@Suite struct LabelRasterTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory() }

    /// 4 x 2 pixels: the car (priority 9) beats buildings (5) beats road (1); nodata in any band
    /// makes the pixel nodata; no class present gives 0.
    func overlappingMasks() throws -> DecidedMasks {
        let bands: [[String]] = [
            ["##.x", "#..."],   // buildings
            ["###x", ".#.."],   // road
            [".#.x", "..#."],   // car
        ]
        return try DecidedFixtures.write(directory.file("decided.tif"), width: 4, height: 2, classes: DecidedFixtures.three) { k, r, c in
            DecidedFixtures.parse(bands[k])(r, c)
        }
    }

    @Test func labelsFollowPriorityAndKeepNodata() throws {
        let masks = try overlappingMasks()
        let report = try Exporter(masks: masks, directory: directory.file("out"), options: ExportOptions(formats: [.classes])).run()
        #expect(report.files == [directory.file("out/classes.tif")])
        let classes = try Dataset.open(directory.file("out/classes.tif"))
        #expect(classes.bandCount == 1)
        #expect(try classes.read(UInt8.self, window: .full(width: 4, height: 2)) == [1, 9, 3, 255,
                                                                                 1, 3, 9, 0])
        let band = try classes.band(1)
        #expect(band.noDataValue == 255)
        #expect(band.colorInterpretation == .palette)
        let table = band.colorTable
        #expect(table.count >= 10)
        #expect(table[1] == RGBA(200, 60, 60) && table[3] == RGBA(60, 60, 60) && table[9] == RGBA(240, 130, 20))
        #expect(table[0] == RGBA(235, 235, 235))
        let names = band.categoryNames
        #expect(names.count == 10)
        #expect(names[0] == "No class" && names[1] == "Buildings" && names[3] == "Road" && names[9] == "Car" && names[2] == "")
        #expect(try classes.crs?.isEquivalent(to: masks.grid.crs!) == true)
        #expect(classes.geoTransform == masks.grid.geoTransform)
    }

    @Test func equalPrioritiesFallBackToModelOrder() throws {
        let classes = ClassSet([SceneClass(id: 4, name: "a", label: "A", color: RGBA(1, 2, 3)),
                                SceneClass(id: 2, name: "b", label: "B", color: RGBA(4, 5, 6))])
        let masks = try DecidedFixtures.write(directory.file("tie.tif"), width: 3, height: 1, classes: classes) { k, _, c in
            k == 0 ? (c == 0 ? 1 : 0) : 1
        }
        _ = try Exporter(masks: masks, directory: directory.path, options: ExportOptions(formats: [.classes])).run()
        #expect(try Dataset.open(directory.file("classes.tif")).read(UInt8.self, window: .full(width: 3, height: 1)) == [4, 2, 2])
    }

    @Test func masksAreOneBinaryCOGPerClass() throws {
        let masks = try overlappingMasks()
        let report = try Exporter(masks: masks, directory: directory.path, options: ExportOptions(formats: [.masks])).run()
        #expect(report.files == ["buildings", "road", "car"].map { directory.file("masks/\($0).tif") })
        for (k, name) in ["buildings", "road", "car"].enumerated() {
            let mask = try Dataset.open(directory.file("masks/\(name).tif"))
            #expect(mask.bandCount == 1)
            #expect(try mask.read(UInt8.self, window: .full(width: 4, height: 2)) == masks.dataset.read(UInt8.self, bands: [k + 1], window: .full(width: 4, height: 2)))
            #expect(try mask.band(1).noDataValue == 255)
            #expect(try mask.band(1).name == name)
            #expect(mask.geoTransform == masks.grid.geoTransform)
            #expect(try mask.crs?.epsg == 32631)
        }
    }

    @Test func classAreasCountPixelsAndSquareMetres() throws {
        let masks = try overlappingMasks()
        let report = try Exporter(masks: masks, directory: directory.path, options: ExportOptions(formats: [])).run()
        #expect(report.files.isEmpty)
        let areas = report.classAreas
        #expect(areas.pixelAreaM2 == 4)
        #expect(areas.noDataPixels == 1)
        #expect(areas.classes.map(\.pixels) == [3, 4, 2])
        #expect(areas.classes.map(\.areaM2) == [12, 16, 8])
        #expect(areas.classes.map(\.id) == [1, 3, 9])
        #expect(try ClassAreas.measure(masks) == areas)
    }

    @Test func aClassIdTheLabelRasterCannotHoldIsOneError() throws {
        let classes = ClassSet([SceneClass(id: 300, name: "big", label: "Big", color: RGBA(1, 1, 1))])
        let masks = try DecidedFixtures.write(directory.file("big.tif"), width: 2, height: 2, classes: classes) { _, _, _ in 1 }
        #expect {
            try Exporter(masks: masks, directory: directory.path, options: ExportOptions(formats: [.classes])).run()
        } throws: { error in
            "\(error)".contains("big.tif") && "\(error)".contains("class 'big' has id 300")
        }
    }

    @Test func decidedMasksWithTheWrongBandCountAreOneError() throws {
        try DecidedFixtures.write(directory.file("two.tif"), width: 2, height: 2, classes: ClassSet(Array(DecidedFixtures.three.classes.prefix(2)))) { _, _, _ in 0 }
        #expect {
            try DecidedMasks(path: directory.file("two.tif"), classes: DecidedFixtures.three)
        } throws: { error in
            "\(error)" == "\(directory.file("two.tif")): has 2 bands; the run has 3 classes (one band per class)"
        }
    }
}
