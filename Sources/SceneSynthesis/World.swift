/// What a feature is. Raw values are DSTL class indices (0-based: class id - 1), so a feature's
/// kind is directly the ground-truth band it belongs to.
enum FeatureKind: Int, CaseIterable {
    case buildings = 0, structures, road, track, trees, crops, waterway, standingWater, largeVehicle, smallVehicle
}

/// A surface material with a spectral signature (see `Spectra`).
enum Material: Int, CaseIterable {
    case soil, grass, cropGreen, cropRipe, ploughed, tree, water, turbidWater, asphalt, dirt
    case roofTile, roofConcrete, roofMetal, concrete
    case vehicleWhite, vehicleRed, vehicleBlue, vehicleDark, vehicleSilver, vehicleOrange
}

/// One object of the synthetic world.
struct Feature {
    var shape: Shape
    var kind: FeatureKind
    var material: Material
    /// Brightness factor of this object (within-class variation), around 1.
    var tint: Float = 1
    /// Spectral tilt of this object: its signature is scaled by (1 + tilt * band position), so two
    /// roofs of one material differ in colour as well as brightness.
    var tilt: Float = 0
    /// Height in metres for shadow casting; 0 casts none.
    var height: Double = 0
    /// For crop fields: unit vector along the rows, the row period in metres, and the crop's share
    /// of the surface between rows (the rest is soil).
    var rowAxis = Point(1, 0)
    var rowPeriod = 1.0
    var canopy: Float = 0.5
    /// For crop fields: the crop material (the row texture mixes it with soil).
    var secondMaterial: Material = .soil
}

/// A whole synthetic world: objects in scene metres, a spatial index over them, and the light.
struct World {
    /// The scene's ground in metres (east, south).
    let width: Double
    let height: Double
    let features: [Feature]
    let index: SpatialIndex
    /// Where shadows fall, per metre of object height (points away from the sun).
    let shadowDirection: Point
    let seed: UInt64
}
