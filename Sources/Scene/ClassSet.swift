import Raster

/// One output class of a segmentation model.
public struct SceneClass: Hashable, Sendable {
    /// The class's id as users know it (DSTL numbers its classes from 1).
    public let id: Int
    /// A short machine-friendly name, used for layer and file names ("large_vehicle").
    public let name: String
    /// A human label ("Large vehicle").
    public let label: String
    /// The colour used for this class in label rasters and previews.
    public let color: RGBA
    /// Default decision threshold on the class's probability (a rule set may override it).
    public let threshold: Double
    /// Drawing priority in the single-band label raster, where classes overlap (a car on a road):
    /// the present class with the highest priority gets the pixel.
    public let priority: Int

    public init(id: Int, name: String, label: String, color: RGBA, threshold: Double = 0.5, priority: Int = 0) {
        self.id = id
        self.name = name
        self.label = label
        self.color = color
        self.threshold = threshold
        self.priority = priority
    }
}

/// An ordered set of classes; the order is the order of model outputs and mask bands.
///
/// A class catalogue file (`config/classes/*.yaml`) loads into one of these
/// (`ClassSet.load(path:)`, in PostProcessing); `resolve(modelClassNames:)` then picks and orders
/// the catalogue's classes as a model outputs them.
public struct ClassSet: Hashable, Sendable {
    public let classes: [SceneClass]

    public init(_ classes: [SceneClass]) { self.classes = classes }

    public var count: Int { classes.count }

    public func byID(_ id: Int) -> SceneClass? { classes.first { $0.id == id } }

    public func byName(_ name: String) -> SceneClass? { classes.first { $0.name == name } }

    public var names: [String] { classes.map(\.name) }

    /// The catalogue's classes in the model's output order: `modelClassNames[i]` must be the
    /// `name` of a class here. The model may output a subset of the catalogue, not a class it
    /// lacks. `catalogue` names this set in the error (its file).
    public func resolve(modelClassNames: [String], catalogue: String = "the class catalogue") throws -> ClassSet {
        var seen = Set<String>()
        return ClassSet(try modelClassNames.enumerated().map { index, name in
            guard let match = byName(name) else {
                throw SceneError(
                    code: .unknownClass,
                    message: "the model's class \(index + 1) '\(name)' is not in \(catalogue) (it has \(names.joined(separator: ", ")))")
            }
            guard seen.insert(name).inserted else {
                throw SceneError(code: .unknownClass, message: "the model names class '\(name)' twice")
            }
            return match
        })
    }

    /// The ten classes of the DSTL Satellite Imagery Feature Detection competition. Classes may
    /// overlap (a car on a road), so models over them are multi-label.
    /// Equal to `config/classes/dstl.yaml` (a test checks it); that file explains the priorities.
    public static let dstl = ClassSet([
        SceneClass(id: 1, name: "buildings", label: "Buildings", color: RGBA(200, 60, 60), priority: 7),
        SceneClass(id: 2, name: "structures", label: "Misc. manmade structures", color: RGBA(150, 150, 150), priority: 8),
        SceneClass(id: 3, name: "road", label: "Road", color: RGBA(60, 60, 60), priority: 6),
        SceneClass(id: 4, name: "track", label: "Track", color: RGBA(180, 140, 90), priority: 5),
        SceneClass(id: 5, name: "trees", label: "Trees", color: RGBA(20, 110, 30), priority: 2),
        SceneClass(id: 6, name: "crops", label: "Crops", color: RGBA(210, 200, 70), priority: 1),
        SceneClass(id: 7, name: "waterway", label: "Waterway", color: RGBA(40, 90, 220), priority: 3),
        SceneClass(id: 8, name: "standing_water", label: "Standing water", color: RGBA(90, 180, 230), priority: 4),
        SceneClass(id: 9, name: "large_vehicle", label: "Vehicle Large", color: RGBA(240, 130, 20), priority: 9),
        SceneClass(id: 10, name: "small_vehicle", label: "Vehicle Small", color: RGBA(250, 230, 40), priority: 10),
    ])
}
