import Foundation
import Testing

@testable import PipelineConfig

/// Class catalogue files: the shipped one, and bad entries with their line and column.
@Suite struct ClassCatalogueTests {
    static let file = "config/classes/test.yaml"

    static func error(_ yaml: String) -> ConfigError? {
        do {
            let catalogue = try ClassCatalogue.parse(yaml: yaml, file: file)
            Issue.record("expected a ConfigError, parsed \(catalogue)")
        } catch let error as ConfigError {
            return error
        } catch {
            Issue.record("expected a ConfigError, got \(error)")
        }
        return nil
    }

    @Test func theShippedCatalogueHasTheTenDSTLClasses() throws {
        let path = ShippedPipelineTests.pipelinesDirectory + "/../config/classes/dstl.yaml"
        let catalogue = try ClassCatalogue.load(path: path)
        #expect(catalogue.name == "dstl")
        #expect(catalogue.classes.map(\.id) == Array(1...10))
        #expect(catalogue.classes.map(\.name) == [
            "buildings", "structures", "road", "track", "trees", "crops", "waterway", "standing_water",
            "large_vehicle", "small_vehicle",
        ])
        #expect(catalogue.classes[0] == ClassEntry(id: 1, name: "buildings", label: "Buildings", color: [200, 60, 60, 255], threshold: 0.5, priority: 7))
        // Vehicles are drawn above roads, buildings above crops.
        let priority = Dictionary(uniqueKeysWithValues: catalogue.classes.map { ($0.name, $0.priority) })
        #expect(priority["small_vehicle"]! > priority["road"]! && priority["large_vehicle"]! > priority["track"]!)
        #expect(priority["buildings"]! > priority["crops"]!)
    }

    @Test func defaultsApplyToThresholdAndPriority() throws {
        let catalogue = try ClassCatalogue.parse(
            yaml: "version: 1\nclasses:\n  - {id: 3, name: road, label: Road, color: [1, 2, 3, 4]}\n", file: Self.file)
        #expect(catalogue.name == "test")
        #expect(catalogue.classes == [ClassEntry(id: 3, name: "road", label: "Road", color: [1, 2, 3, 4], threshold: 0.5, priority: 0)])
    }

    @Test func badEntriesNameTheirLine() {
        let head = "version: 1\nclasses:\n  - {id: 1, name: road, label: Road, color: [1, 2, 3]}\n"
        var error = Self.error(head + "  - {id: 1, name: track, label: Track, color: [1, 2, 3]}\n")
        #expect(error?.description == "config/classes/test.yaml:4:5: classes[1]: duplicate class id 1 (already at [0])")
        error = Self.error(head + "  - {id: 2, name: road, label: Track, color: [1, 2, 3]}\n")
        #expect(error?.line == 4)
        #expect(error?.message == "duplicate class name 'road' (already at [0])")
        error = Self.error(head + "  - {id: 2, name: track, label: Track, color: [1, 2, 300]}\n")
        #expect(error?.description == "config/classes/test.yaml:4:54: classes[1].color[2]: colour component 300 is out of range 0-255")
        error = Self.error(head + "  - {id: 2, name: Track, label: Track, color: [1, 2, 3]}\n")
        #expect(error?.code == .invalidValue)
        #expect(error?.fieldPath.description == "classes[1].name")
        error = Self.error(head + "  - {id: two, name: track, label: Track, color: [1, 2, 3]}\n")
        #expect(error?.description == "config/classes/test.yaml:4:6: classes[1].id: expected an integer, got 'two'")
        error = Self.error(head + "  - {id: 2, name: track, label: Track, colour: [1, 2, 3]}\n")
        #expect(error?.description == "config/classes/test.yaml:4:40: classes[1].colour: unknown key 'colour' (did you mean 'color'?)")
        error = Self.error(head + "  - {id: 2, name: track, label: Track, color: [1, 2, 3], threshold: 1.5}\n")
        #expect(error?.message == "threshold 1.5 is outside [0, 1]")
        error = Self.error(head + "  - {id: 255, name: track, label: Track, color: [1, 2, 3]}\n")
        #expect(error?.message.hasPrefix("class id 255 is out of range 1-254") == true)
    }

    @Test func versionIsRequiredAndChecked() {
        var error = Self.error("classes: []\n")
        #expect(error?.description == "config/classes/test.yaml:1:1: version: missing required key 'version' (the current version is 1)")
        error = Self.error("version: 2\nclasses: []\n")
        #expect(error?.code == .unsupportedVersion)
        error = Self.error("")
        #expect(error?.code == .missingKey)
    }
}
