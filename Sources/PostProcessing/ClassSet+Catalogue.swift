import PipelineConfig
import Raster
import Scene

// The one place where a class catalogue file (PipelineConfig's plain `ClassCatalogue`) becomes
// the domain's `ClassSet`. PipelineConfig stays free of domain types (it depends on Yams only) and
// Scene free of YAML; this module needs both anyway, since it runs the rules a catalogue names.

extension ClassSet {
    /// The classes of a checked catalogue, in the file's order.
    public init(catalogue: ClassCatalogue) {
        self.init(catalogue.classes.map { entry in
            let c = entry.color.map { UInt8($0) }
            return SceneClass(
                id: entry.id, name: entry.name, label: entry.label, color: RGBA(c[0], c[1], c[2], c[3]),
                threshold: entry.threshold, priority: entry.priority)
        })
    }

    /// Reads a class catalogue file (`config/classes/dstl.yaml`). Throws `ConfigError` with the
    /// file, line and column of a bad entry.
    public static func load(path: String) throws -> ClassSet {
        ClassSet(catalogue: try ClassCatalogue.load(path: path))
    }
}
