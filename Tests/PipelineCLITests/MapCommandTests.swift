import TestSupport
import Foundation
import Testing

/// The map stages through the built binary: `run` with a catalogue and rules writes decided
/// masks and products, `export` redoes them without inference, `eval` scores them.
@Suite struct MapCommandTests {
    static let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("config").path
    static let classes = "buildings, structures, road, track, trees, crops, waterway, standing_water, large_vehicle, small_vehicle"

    let directory: TemporaryDirectory
    let scene: String
    let pipeline: String

    /// A 10-class identity "model" (stacked bands as class probabilities) with the DSTL catalogue.
    init() throws {
        directory = try TemporaryDirectory()
        scene = directory.file("scene")
        pipeline = directory.file("map.yaml")
        let synth = try PipelineBinary.run(["synth", "--out", scene, "--size", "200", "--seed", "4", "--id", "demo"])
        precondition(synth.status == 0, synth.errorOutput)
        try write(pipeline, rules: "\(Self.config)/postprocess/dstl-3rd.yaml", formats: "[probabilities, classes, masks, polygons]")
    }

    private func write(_ path: String, rules: String?, formats: String, classes: Bool = true) throws {
        try """
            version: 1
            scene:
              id: demo
              sources:
                - path: "{id}.tif"
                - path: "{id}_P.tif"
                - path: "{id}_M.tif"
                  resampling: bilinear
            normalization: {mode: per_band, scale: [0.00048852]}
            tiling: {tile_size: 96, overlap: 32}
            model: {kind: identity, bands: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], classes: [\(Self.classes)], tile_signature: true}
            \(classes ? "classes: \(Self.config)/classes/dstl.yaml" : "")
            \(rules.map { "rules: \($0)" } ?? "")
            outputs: {formats: \(formats)}
            """.write(toFile: path, atomically: true, encoding: .utf8)
    }

    private func data(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// The map stages take their strips from what `--memory-budget` leaves: on a 2,000-px-wide
    /// scene, 260 MB leaves 4 MB, 49 rows of ten classes (84,000 bytes a row) instead of 256. The
    /// products are the same bytes (decided.tif's pixels too, which the products come from; its
    /// file layout follows the strips).
    @Test func aTightBudgetNarrowsTheRulesStripsAndChangesNoByte() throws {
        let wide = directory.file("wide")
        let synth = try PipelineBinary.run(["synth", "--out", wide, "--width", "2000", "--height", "200", "--seed", "4", "--id", "demo"])
        #expect(synth.status == 0, "\(synth.errorOutput)")
        var rows: [Int] = []
        for (name, budget) in [("roomy", "64G"), ("tight", "260M")] {
            let run = try PipelineBinary.run(["run", pipeline, "--scene", wide, "--out", directory.file(name), "--workers", "0", "--memory-budget", budget])
            #expect(run.status == 0, "\(run.errorOutput)")
            let report = try JSONSerialization.jsonObject(with: data(directory.file("\(name)/run-report.json"))) as? [String: Any]
            rows.append((report?["maps"] as? [String: Any])?["ruleStripRows"] as? Int ?? 0)
        }
        #expect(rows == [256, 49])
        for file in ["classes.tif", "masks/buildings.tif", "masks/trees.tif", "masks/road.tif"] {
            #expect(try data(directory.file("tight/\(file)")) == data(directory.file("roomy/\(file)")), "\(file)")
        }
    }

    @Test func runWritesTheMapAndWorkersGiveTheSameBytes() throws {
        let local = try PipelineBinary.run(["run", pipeline, "--scene", scene, "--out", directory.file("local"), "--workers", "0"])
        #expect(local.status == 0, "\(local.errorOutput)")
        #expect(local.output.contains("rules 'dstl-3rd' applied"))
        for file in ["decided.tif", "classes.tif", "masks/buildings.tif", "polygons.gpkg"] {
            #expect(FileManager.default.fileExists(atPath: directory.file("local/\(file)")), "\(file)")
        }
        let report = try JSONSerialization.jsonObject(with: data(directory.file("local/run-report.json"))) as? [String: Any]
        let maps = report?["maps"] as? [String: Any]
        #expect(maps?["ruleSet"] as? String == "dstl-3rd")
        let areas = ((maps?["exports"] as? [String: Any])?["classAreas"] as? [String: Any])?["classes"] as? [[String: Any]]
        #expect(areas?.count == 10)
        #expect((report?["source"] as? [String: Any])?["pipeline"] as? String == pipeline)

        let workers = try PipelineBinary.run(["run", pipeline, "--scene", scene, "--out", directory.file("workers"), "--workers", "2"])
        #expect(workers.status == 0, "\(workers.errorOutput)")
        for file in ["probabilities.tif", "decided.tif", "classes.tif", "masks/road.tif"] {
            #expect(try data(directory.file("local/\(file)")) == data(directory.file("workers/\(file)")), "\(file)")
        }
    }

    @Test func exportRedoesTheRulesWithoutInferenceAndEvalScoresBothTruthForms() throws {
        let out = directory.file("out")
        #expect(try PipelineBinary.run(["run", pipeline, "--scene", scene, "--out", out, "--workers", "0"]).status == 0)
        let probabilities = try data("\(out)/probabilities.tif"), decided = try data("\(out)/decided.tif")
        // Thresholds only: fewer rules, other decided masks, the same probabilities.
        let thresholds = directory.file("thresholds.yaml")
        try "version: 1\nname: thresholds-only\nthresholds: {trees: 0.2}\nrules: []\n".write(toFile: thresholds, atomically: true, encoding: .utf8)
        let export = try PipelineBinary.run(["export", out, "--rules", thresholds, "--formats", "classes"])
        #expect(export.status == 0, "\(export.errorOutput)")
        #expect(try data("\(out)/probabilities.tif") == probabilities)
        #expect(try data("\(out)/decided.tif") != decided)
        let report = try JSONSerialization.jsonObject(with: data("\(out)/run-report.json")) as? [String: Any]
        #expect((report?["maps"] as? [String: Any])?["ruleSet"] as? String == "thresholds-only")

        let byMask = try PipelineBinary.run(["eval", out, "--truth", "\(scene)/demo_truth.tif", "--json"])
        let byPolygons = try PipelineBinary.run(["eval", out, "--truth", "\(scene)/demo_truth.gpkg", "--json"])
        #expect(byMask.status == 0 && byPolygons.status == 0, "\(byMask.errorOutput) \(byPolygons.errorOutput)")
        func scores(_ text: String) throws -> [Int] {
            let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            return (json?["classes"] as? [[String: Any]] ?? []).flatMap { [$0["truthPixels"] as? Int ?? -1, $0["intersection"] as? Int ?? -1] }
        }
        #expect(try scores(byMask.output) == scores(byPolygons.output))
        #expect(try scores(byMask.output).count == 20)
        let table = try PipelineBinary.run(["eval", out, "--truth", "\(scene)/demo_truth.gpkg"])
        #expect(table.output.contains("mean Jaccard over the"))
        #expect(FileManager.default.fileExists(atPath: "\(out)/evaluation.json"))
    }

    @Test func badInputsAreOneLineAndLoseNothing() throws {
        let out = directory.file("out")
        #expect(try PipelineBinary.run(["run", pipeline, "--scene", scene, "--out", out, "--workers", "0"]).status == 0)
        let decided = try data("\(out)/decided.tif")
        func failsInOneLine(_ arguments: [String], mentioning needle: String) throws {
            let result = try PipelineBinary.run(arguments)
            #expect(result.status != 0)
            #expect(result.errorOutput.split(separator: "\n").count == 1, "\(result.errorOutput)")
            #expect(result.errorOutput.contains(needle), "\(result.errorOutput)")
        }
        try failsInOneLine(["export", out, "--formats", "classes,bogus"], mentioning: "unknown format 'bogus'")
        let badRules = directory.file("bad-rules.yaml")
        try "version: 1\nname: bad\nrules:\n  - exclude: {where: lava, clear: all}\n".write(toFile: badRules, atomically: true, encoding: .utf8)
        try failsInOneLine(["export", out, "--rules", badRules], mentioning: "bad-rules.yaml:4")
        try failsInOneLine(["export", directory.file("nowhere")], mentioning: "not the output folder of a finished run")
        try failsInOneLine(["eval", out, "--truth", directory.file("missing.tif")], mentioning: "missing.tif")
        #expect(try data("\(out)/decided.tif") == decided)

        // Products that need classes, from a pipeline without a catalogue: named at its line.
        let noCatalogue = directory.file("no-catalogue.yaml")
        try write(noCatalogue, rules: nil, formats: "[probabilities, classes]", classes: false)
        try failsInOneLine(["run", noCatalogue, "--scene", scene, "--out", directory.file("x")], mentioning: "needs a class catalogue")
        // A model class the catalogue lacks.
        let unknownClass = directory.file("unknown-class.yaml")
        try write(unknownClass, rules: nil, formats: "[classes]")
        let text = try String(contentsOfFile: unknownClass, encoding: .utf8).replacingOccurrences(of: "small_vehicle]", with: "spaceship]")
        try text.write(toFile: unknownClass, atomically: true, encoding: .utf8)
        try failsInOneLine(["run", unknownClass, "--scene", scene, "--out", directory.file("y")], mentioning: "'spaceship' is not in")
    }
}
