import ArgumentParser
import Foundation
import ONNX
import Raster

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Describe rasters (driver, size, bands, types, nodata, pixel size, CRS, extent) and ONNX models.",
        discussion: """
            Takes any GDAL path (files, /vsimem/, /vsicurl/, /vsizip/...). An ONNX model (*.onnx, or a \
            file that starts like one) is described by its metadata, input and output shapes, parameter \
            count, FLOPs per tile (at its tile_size metadata, else 256), receptive field and the overlap \
            that field needs. Exits non-zero if any path cannot be read.
            """
    )

    @Argument(help: "Raster or ONNX model paths.")
    var paths: [String]

    func run() throws {
        var failures = 0
        for (n, path) in paths.enumerated() {
            if n > 0 { Console.line("") }
            do {
                if ModelSummary.looksLikeModel(path) {
                    let graph = try ONNXImporter().importModel(at: URL(fileURLWithPath: path))
                    Console.line(ModelSummary(path: path, graph: graph).text)
                } else {
                    Console.line(try RasterSummary(dataset: Dataset.open(path)).text)
                }
            } catch let error as RasterError {
                failures += 1
                Console.error("inspect: \(error)")
            } catch let error as ONNXError {
                failures += 1
                Console.error("inspect: \(error)")
            } catch {
                failures += 1
                Console.error("inspect: \(path): \(error)")
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}

