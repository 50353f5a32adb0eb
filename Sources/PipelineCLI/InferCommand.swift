import ArgumentParser
import Foundation
import Inference
import Kernels
import Raster

/// `pipeline infer MODEL.onnx --input CHIP.tif --out OUT.tif`: runs a model on one chip and
/// writes its per-class Float32 probabilities with the chip's CRS and geotransform.
struct InferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "infer",
        abstract: "Run an ONNX model on one raster chip; write Float32 per-class probabilities, georeferenced like the chip."
    )

    enum Augmentation: String, ExpressibleByArgument, CaseIterable { case none, d4 }

    @Argument(help: "ONNX model path.")
    var model: String

    @Option(help: "Input chip (any GDAL raster; all bands, in model band order).")
    var input: String

    @Option(help: "Output GeoTIFF: one Float32 band per model output channel.")
    var out: String

    @Option(help: "Test-time augmentation: none or d4 (8 dihedral variants, square chips only).")
    var tta: Augmentation = .none

    @Option(help: "How D4 predictions are merged: mean, geometric-mean or max.")
    var merge: TestTimeAugmentation.Merge = .mean

    @OptionGroup var engine: EngineOptionGroup

    func run() throws {
        let graph = try loadModel(model, command: "infer")
        do {
            let chip = try Dataset.open(input)
            try graph.checkBandCount(chip.bandCount)
            // Band-sequential window buffers are CHW order: exactly one NCHW tile.
            var values = try chip.read(Float.self, window: PixelWindow(col: 0, row: 0, width: chip.width, height: chip.height))
            if let normalization = graph.metadata.normalization {
                let plane = chip.width * chip.height
                for i in values.indices {
                    let band = i / plane
                    values[i] = (values[i] - normalization.mean[band]) / normalization.std[band]
                }
            }
            let tensor = Tensor(shape: TensorShape(n: 1, c: chip.bandCount, h: chip.height, w: chip.width), storage: values)
            let runtime = Engine(graph: graph, options: engine.engineOptions)
            let result = try TestTimeAugmentation(merge: merge, enabled: tta == .d4).predict(tensor, with: runtime)
            guard result.shape.h == chip.height, result.shape.w == chip.width else {
                Console.error("infer: the model maps \(chip.width)x\(chip.height) to \(result.shape.w)x\(result.shape.h); expected the same size")
                throw ExitCode(1)
            }
            let output = try Dataset.create(out, width: chip.width, height: chip.height, bandCount: result.shape.c,
                                            pixelType: .float32, options: GeoTIFFOptions(predictor: .floatingPoint))
            if let crs = try chip.crs { try output.setCRS(crs) }
            if let transform = chip.geoTransform { try output.setGeoTransform(transform) }
            if let names = graph.metadata.classNames { try output.setMetadata(names.joined(separator: ","), forKey: "class_names") }
            try output.write(result.storage, window: PixelWindow(col: 0, row: 0, width: chip.width, height: chip.height))
            try output.flush()
            Console.line("infer: wrote \(result.shape.c) class bands (\(chip.width)x\(chip.height)) to \(out)")
        } catch let error as RasterError {
            Console.error("infer: \(error)")
            throw ExitCode(1)
        } catch let error as InferenceError {
            Console.error("infer: \(input): \(error)")
            throw ExitCode(1)
        }
    }
}

extension TestTimeAugmentation.Merge: ExpressibleByArgument {}
