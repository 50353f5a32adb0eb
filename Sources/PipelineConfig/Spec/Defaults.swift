extension PipelineSpec {
    /// The value of every optional setting that the YAML leaves out. Written down once: the spec
    /// initializers default to these and the YAML reader falls back on them.
    public enum Defaults {
        /// `scene.reference`: the first source defines the grid (CRS, geotransform, size).
        public static let reference = 0
        /// `resampling` of the reference source: it already lies on the grid, so nearest keeps its
        /// values exactly as stored.
        public static let referenceResampling = Resampling.nearest
        /// `resampling` of every other source: coarser products (multispectral, SWIR) are upsampled
        /// onto the reference grid, where bilinear avoids blocky edges without cubic's overshoot.
        public static let resampling = Resampling.bilinear
        /// `normalization.mode`: values go to the model as read.
        public static let normalization = Normalization.passThrough
        /// `normalization.scale` in mode `per_band`: one value for every band, so values are unchanged.
        public static let perBandScale: [Double] = [1]
        /// `normalization.offset` in mode `per_band`.
        public static let perBandOffset: [Double] = [0]
        /// `tiling.tile_size`, in pixels of the reference grid, for a run without a model to follow
        /// (the identity diagnostic); an ONNX model's runs choose it from the model.
        public static let tileSize = 256
        /// `tiling.overlap`, in pixels shared by neighbouring tiles (a quarter of the default tile),
        /// for a run without a model to follow.
        public static let overlap = 64
        /// `tiling.padding`: mirror the scene at its borders, as the U-Net saw real context in training.
        public static let padding = Padding.reflect
        /// `blending.window`.
        public static let blendWindow = BlendWindow.spline
        /// `model.tta` (onnx): all 8 dihedral variants of every tile.
        public static let testTimeAugmentation = TestTimeAugmentation.d4
        /// `model.merge` (onnx): how the 8 TTA predictions are combined.
        public static let merge = TTAMerge.mean
        /// `outputs.formats`.
        public static let outputFormats: [OutputFormat] = [.probabilities]

        /// `model.classes` of an identity model: `band_<i>` for stacked band `i` (1-based).
        public static func identityClassName(band: Int) -> String {
            "band_\(band)"
        }

        /// `name`: the pipeline file's name without its extension (`demo` for `pipelines/demo.yaml`).
        public static func name(forFile file: String) -> String {
            let fileName = file.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? file
            guard let dot = fileName.lastIndex(of: "."), dot != fileName.startIndex else { return fileName }
            return String(fileName[..<dot])
        }
    }
}
