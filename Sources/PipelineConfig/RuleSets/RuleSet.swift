/// A post-processing rule set (`config/postprocess/*.yaml`) as written: per-class thresholds that
/// turn probabilities into masks, then rules applied in the listed order, each on the result of
/// the one before. Class and band names are checked against the catalogue and the pipeline's band
/// names when the file is read; `PostProcessing` runs it.
public struct RuleSet: Equatable, Sendable {
    public var version: Int
    public var name: String
    /// Class name → threshold in [0, 1]; classes not listed keep their catalogue threshold.
    public var thresholds: [String: Double]
    /// Applied in order after thresholding.
    public var rules: [Rule]
    /// Where each setting was written (`rules[3].min_area.m2` → line and column).
    @NotCompared public var locations: SpecLocations = SpecLocations()

    public init(name: String, thresholds: [String: Double] = [:], rules: [Rule] = [], locations: SpecLocations = SpecLocations()) {
        self.version = RuleSet.currentVersion
        self.name = name
        self.thresholds = thresholds
        self.rules = rules
        self.locations = locations
    }

    public static var currentVersion: Int { SchemaHistory.ruleSet.current }

    /// Whether any rule reads the scene's bands (an `index` rule): exporting then needs the scene.
    public var readsBands: Bool {
        rules.contains { if case .index = $0 { true } else { false } }
    }
}

/// One entry of `rules:`; the YAML key of the entry names its kind.
public enum Rule: Equatable, Sendable {
    /// `exclude`: where one class is present, clear others.
    case exclude(ExclusionRule)
    /// `min_area`: clear connected regions smaller than a minimum.
    case minimumArea(MinimumAreaRule)
    /// `open`: erosion then dilation (removes specks and thin bridges).
    case open(MorphologyRule)
    /// `close`: dilation then erosion (fills small gaps and holes).
    case close(MorphologyRule)
    /// `index`: a class from a spectral index of the stacked bands.
    case index(IndexRule)
    /// `relabel`: small, compact regions of one class become another (ponds out of waterway).
    case relabel(RelabelRule)

    /// The YAML key of each kind, in the order the schema lists them.
    public static let kinds = ["exclude", "min_area", "open", "close", "index", "relabel"]

    public var kind: String {
        switch self {
        case .exclude: "exclude"
        case .minimumArea: "min_area"
        case .open: "open"
        case .close: "close"
        case .index: "index"
        case .relabel: "relabel"
        }
    }
}

/// Classes a rule acts on: `all`, or a list of names.
public enum ClassSelection: Equatable, Sendable {
    case all
    case classes([String])
}

/// `exclude: {where: A, clear: B}`: wherever A is present, B is cleared. `clear: all` clears every
/// class but A.
public struct ExclusionRule: Equatable, Sendable {
    public var present: String
    public var clear: ClassSelection

    public init(present: String, clear: ClassSelection) {
        self.present = present
        self.clear = clear
    }
}

/// A region size limit, in square metres of the grid's CRS units or in pixels.
public enum AreaMeasure: Equatable, Sendable {
    case squareMetres(Double)
    case pixels(Int)
}

/// `min_area: {classes: [...], m2: 5}` or `pixels: 20`: 8-connected regions of each class smaller
/// than the minimum are cleared (not merged into a neighbour).
public struct MinimumAreaRule: Equatable, Sendable {
    public var classes: ClassSelection
    public var minimum: AreaMeasure

    public init(classes: ClassSelection, minimum: AreaMeasure) {
        self.classes = classes
        self.minimum = minimum
    }
}

/// `relabel: {from: waterway, to: standing_water, max_m2: 2000, min_compactness: 0.3}`: each
/// 8-connected region of `from` whose area is below the maximum and whose compactness is at least
/// the minimum moves, whole, to `to` — what tells a pond from a stretch of river when a model
/// sees the same water in both. Compactness is the region's area over the square of its bounding
/// box's longer side: π/4 ≈ 0.79 for a disc, 1 for a filled square, near 0 for a long or thin
/// shape, whatever its direction.
public struct RelabelRule: Equatable, Sendable {
    public var from: String
    public var to: String
    public var maximum: AreaMeasure
    /// In [0, 1]; 0 (the default) relabels by area alone.
    public var minimumCompactness: Double

    public init(from: String, to: String, maximum: AreaMeasure, minimumCompactness: Double = 0) {
        self.from = from
        self.to = to
        self.maximum = maximum
        self.minimumCompactness = minimumCompactness
    }
}

/// The structuring element of `open` and `close`.
public enum StructuringShape: String, SchemaEnum {
    /// Pixels within `radius` of the centre (dx² + dy² <= radius²).
    case disk
    /// A (2·radius + 1)² square.
    case square

    public static let settingName = "shape"
}

/// `open:` / `close: {classes: [...], radius: 1, shape: disk}`.
public struct MorphologyRule: Equatable, Sendable {
    public var classes: ClassSelection
    /// In pixels, 1 to `maximumRadius`.
    public var radius: Int
    public var shape: StructuringShape

    public static let maximumRadius = 32

    public init(classes: ClassSelection, radius: Int, shape: StructuringShape = .disk) {
        self.classes = classes
        self.radius = radius
        self.shape = shape
    }
}

/// The spectral indices an `index` rule can compute, each from named roles bound to stacked bands.
/// A fixed set rather than an expression language: these cover the DSTL rules (water from CCCI or
/// NDWI, vegetation from NDVI) and each is one line to read and to check.
public enum SpectralIndex: String, SchemaEnum {
    /// (nir − red) / (nir + red).
    case ndvi
    /// (green − nir) / (green + nir) (McFeeters).
    case ndwi
    /// (nir − red_edge)/(nir + red_edge) · (nir − red)/(nir + red): the product, as the DSTL
    /// 3rd-place code computes it (the textbook CCCI divides NDRE by NDVI).
    case ccci
    /// (a − b) / (a + b) for any two bands.
    case normalizedDifference = "normalized_difference"

    public static let settingName = "index"

    /// The band roles the index needs, as keys of the rule's `bands:` mapping.
    public var roles: [String] {
        switch self {
        case .ndvi: ["nir", "red"]
        case .ndwi: ["green", "nir"]
        case .ccci: ["nir", "red_edge", "red"]
        case .normalizedDifference: ["a", "b"]
        }
    }
}

/// `above: t` or `below: t` (strict).
public enum IndexComparison: Equatable, Sendable {
    case above(Double)
    case below(Double)
}

/// How an index's result combines with the class's mask so far.
public enum IndexCombination: String, SchemaEnum {
    /// Present where the mask was, or the index says so.
    case union
    /// Present only where the index says so.
    case replace
    /// Present where the mask was and the index says so.
    case intersect

    public static let settingName = "combine"
}

/// `index: {class: waterway, index: ccci, bands: {nir: nir2, red_edge: red_edge, red: red},
/// above: 0.11, combine: union}`. Pixels where a band is nodata or the index is undefined (0/0)
/// count as "the index does not say so".
public struct IndexRule: Equatable, Sendable {
    public var className: String
    public var index: SpectralIndex
    /// Role (`nir`) → stacked band name (`nir2`), one per role of `index`.
    public var bands: [String: String]
    public var comparison: IndexComparison
    public var combine: IndexCombination

    public init(className: String, index: SpectralIndex, bands: [String: String], comparison: IndexComparison,
                combine: IndexCombination = .union) {
        self.className = className
        self.index = index
        self.bands = bands
        self.comparison = comparison
        self.combine = combine
    }
}
