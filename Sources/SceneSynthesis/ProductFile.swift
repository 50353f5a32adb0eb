import Raster
import Scene

/// One sensor product's GeoTIFF, created with the scene's georeferencing and band names.
struct ProductFile {
    let path: String
    let dataset: Dataset

    init(product: SensorProduct, path: String, synthesizer: SceneSynthesizer, crs: CRS) throws {
        let width = product.size(forFullResolution: synthesizer.width), height = product.size(forFullResolution: synthesizer.height)
        self.path = path
        dataset = try Dataset.create(path, width: width, height: height, bandCount: product.bandCount, pixelType: .uint16,
                                     options: GeoTIFFOptions(compression: .deflate, predictor: .horizontal))
        try dataset.setCRS(crs)
        try dataset.setGeoTransform(synthesizer.geoTransform(width: width, height: height))
        let colours: [ColorInterpretation] = product.name == "RGB" ? [.red, .green, .blue] : []
        for (i, name) in product.bandNames.enumerated() {
            let band = try dataset.band(i + 1)
            band.setName(name)
            if i < colours.count { try band.setColorInterpretation(colours[i]) }
        }
        try dataset.setMetadata("11", forKey: "NBITS_SOURCE")
        try dataset.setMetadata(String(synthesizer.seed), forKey: "SYNTH_SEED")
        try dataset.setMetadata("WorldView-3 \(product.name) (synthetic)", forKey: "SENSOR_PRODUCT")
    }
}
