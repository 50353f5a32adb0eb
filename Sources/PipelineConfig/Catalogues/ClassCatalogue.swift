/// A class catalogue file (`config/classes/*.yaml`) as written: the classes a model may output,
/// with what maps and rules need to know about each.
///
/// Plain values only: PipelineConfig knows no domain types. The one type the rest of the program
/// uses is Scene's `ClassSet`; `PostProcessing` builds it from this (`ClassSet.load(path:)`), in
/// one place, so this struct is only the file's checked contents.
public struct ClassCatalogue: Equatable, Sendable {
    public var version: Int
    public var name: String
    /// Never empty; ids and names unique.
    public var classes: [ClassEntry]
    /// Where each setting was written: `classes[2].name` → `config/classes/dstl.yaml:20:11`.
    @NotCompared public var locations: SpecLocations = SpecLocations()

    public init(name: String, classes: [ClassEntry], locations: SpecLocations = SpecLocations()) {
        self.version = ClassCatalogue.currentVersion
        self.name = name
        self.classes = classes
        self.locations = locations
    }

    /// The schema version this build reads natively.
    public static var currentVersion: Int { SchemaHistory.classCatalogue.current }
}

/// One `classes[i]` entry of a catalogue.
public struct ClassEntry: Equatable, Sendable {
    /// 1 to 254: the class's value in a label raster, where 0 is "no class" and 255 nodata.
    public var id: Int
    /// Lower-case letters, digits and `_`, starting with a letter: used in file and layer names
    /// and matched against a model's `class_names`.
    public var name: String
    /// What people read in legends ("Misc. manmade structures").
    public var label: String
    /// Red, green, blue, alpha, each 0-255 (alpha defaults to 255).
    public var color: [Int]
    /// Probability at or above which the class is present, in [0, 1]; a rule set may override it.
    public var threshold: Double
    /// Where classes overlap in the label raster, the present class with the highest priority wins.
    public var priority: Int

    public init(id: Int, name: String, label: String, color: [Int], threshold: Double, priority: Int) {
        self.id = id
        self.name = name
        self.label = label
        self.color = color
        self.threshold = threshold
        self.priority = priority
    }
}
