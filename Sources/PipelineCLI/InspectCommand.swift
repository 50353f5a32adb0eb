import ArgumentParser
import Foundation
import Raster

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Describe rasters: driver, size, bands, types, nodata, pixel size, CRS and extent.",
        discussion: "Takes any GDAL path (files, /vsimem/, /vsicurl/, /vsizip/...). Exits non-zero if any path cannot be read as a raster."
    )

    @Argument(help: "Raster paths.")
    var paths: [String]

    func run() throws {
        var failures = 0
        for (n, path) in paths.enumerated() {
            if n > 0 { Console.line("") }
            do {
                Console.line(try RasterSummary(dataset: Dataset.open(path)).text)
            } catch let error as RasterError {
                failures += 1
                Console.error("inspect: \(error)")
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}

