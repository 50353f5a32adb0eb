import TestSupport
import Foundation
import Testing

@Suite struct CommandTests {
    @Test func helpListsTheCommands() throws {
        let result = try PipelineBinary.run(["--help"])
        #expect(result.status == 0)
        #expect(result.output.contains("synth") && result.output.contains("inspect"))
        for command in ["synth", "inspect"] {
            #expect(try PipelineBinary.run([command, "--help"]).status == 0)
        }
    }

    @Test func synthThenInspect() throws {
        let directory = try TemporaryDirectory()
        let synth = try PipelineBinary.run(["synth", "--out", directory.path, "--size", "96", "--seed", "4", "--id", "tiny"])
        #expect(synth.status == 0, "\(synth.errorOutput)")
        #expect(synth.output.contains("outputs in \(directory.path)"))
        let files = ["tiny.tif", "tiny_P.tif", "tiny_M.tif", "tiny_A.tif", "tiny_truth.tif"].map(directory.file)
        let inspect = try PipelineBinary.run(["inspect"] + files)
        #expect(inspect.status == 0, "\(inspect.errorOutput)")
        #expect(inspect.output.contains("EPSG:32631 (WGS 84 / UTM zone 31N)"))
        #expect(inspect.output.contains("96 x 96 px, 3 bands"))
        #expect(inspect.output.contains("24 x 24 px, 8 bands"))
        #expect(inspect.output.contains("pixel      0.31 x 0.31 metre"))
        #expect(inspect.output.contains("UInt16") && inspect.output.contains("NIR2") && inspect.output.contains("small_vehicle"))
    }

    @Test func inspectReportsEveryBadPathOnOneLineAndFails() throws {
        let directory = try TemporaryDirectory()
        let text = directory.file("readme.tif")
        try "hello".write(toFile: text, atomically: true, encoding: .utf8)
        let missing = directory.file("missing.tif")
        let result = try PipelineBinary.run(["inspect", missing, text])
        #expect(result.status == 1)
        let lines = result.errorOutput.split(separator: "\n")
        #expect(lines.count == 2, "\(result.errorOutput)")
        #expect(lines.first?.contains(missing) == true)
        #expect(lines.last?.contains(text) == true)
    }

    @Test func synthRejectsABadSize() throws {
        let directory = try TemporaryDirectory()
        let result = try PipelineBinary.run(["synth", "--out", directory.path, "--size", "3"])
        #expect(result.status != 0)
        #expect(result.errorOutput.contains("scene size 3"))
        #expect(result.errorOutput.split(separator: "\n").count == 1, "\(result.errorOutput)")
    }

    @Test func aWorkerWithoutACoordinatorGivesUpWithOneLine() throws {
        let result = try PipelineBinary.run(["worker", "--connect", "tcp://127.0.0.1:9", "--give-up", "1"])
        #expect(result.status != 0)
        #expect(result.errorOutput.contains("no coordinator at tcp://127.0.0.1:9"), "\(result.errorOutput)")
        let bad = try PipelineBinary.run(["worker", "--connect", "tcp//nowhere"])
        #expect(bad.status != 0 && bad.errorOutput.split(separator: "\n").count == 1, "\(bad.errorOutput)")
    }
}
