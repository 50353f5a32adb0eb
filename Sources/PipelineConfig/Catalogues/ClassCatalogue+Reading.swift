extension ClassCatalogue {
    static let yamlKeys = ["version", "name", "classes"]
    static let classYAMLKeys = ["id", "name", "label", "color", "threshold", "priority"]
    /// A class's threshold when its entry gives none.
    public static let defaultThreshold = 0.5
    /// A class's priority when its entry gives none.
    public static let defaultPriority = 0

    /// Reads and checks the catalogue at `path`; errors name `path` as given, with line and column.
    public static func load(path: String) throws -> ClassCatalogue {
        try parse(yaml: ConfigFile.readText(at: path, kind: "a class catalogue"), file: path)
    }

    /// `file` names the catalogue in errors and gives the default `name`.
    public static func parse(yaml: String, file: String) throws -> ClassCatalogue {
        let root = try ConfigFile.root(
            yaml: yaml, file: file, history: .classCatalogue, keys: yamlKeys,
            emptyMessage: "the file holds no class catalogue (expected version and classes)")
        _ = try root.required("version")
        let name = try root.optional("name")?.nonEmptyString() ?? PipelineSpec.Defaults.name(forFile: file)
        let items = try root.required("classes").nonEmptyList("needs at least one class")
        let classes = try items.map(ClassEntry.init(reading:))
        try items.checkNoDuplicates(classes.map(\.id)) { "class id \($0)" }
        try items.checkNoDuplicates(classes.map(\.name)) { "class name '\($0)'" }
        return ClassCatalogue(name: name, classes: classes, locations: root.context.locations)
    }
}

extension ClassEntry {
    init(reading item: ValueReader) throws {
        let entry = try item.mapping(keys: ClassCatalogue.classYAMLKeys)
        let idField = try entry.required("id")
        id = try idField.integer()
        guard (1...254).contains(id) else {
            throw idField.error(.invalidValue, "class id \(id) is out of range 1-254 (0 means no class and 255 nodata in label rasters)")
        }
        let nameField = try entry.required("name")
        name = try nameField.nonEmptyString()
        guard Identifier.isValid(name) else {
            throw nameField.error(
                .invalidValue,
                "class name '\(name)' must be lower-case letters, digits and '_', starting with a letter (it names files and layers)")
        }
        label = try entry.required("label").nonEmptyString()
        color = try entry.required("color").color()
        if let field = entry.optional("threshold") {
            threshold = try field.number()
            guard (0...1).contains(threshold) else {
                throw field.error(.invalidValue, "threshold \(threshold) is outside [0, 1]")
            }
        } else {
            threshold = ClassCatalogue.defaultThreshold
        }
        priority = try entry.optional("priority")?.integer() ?? ClassCatalogue.defaultPriority
    }

}

/// Class and band names: lower-case letters, digits and `_`, starting with a letter, so that they
/// work unquoted in YAML, as file and layer names, and in messages.
enum Identifier {
    static func isValid(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}

extension ValueReader {
    /// `[r, g, b]` or `[r, g, b, a]`, each an integer 0-255; alpha defaults to 255.
    func color() throws -> [Int] {
        let elements = try list()
        guard elements.count == 3 || elements.count == 4 else {
            throw error(.invalidValue, "a colour is [red, green, blue] or [red, green, blue, alpha], got \(elements.count) values")
        }
        let values = try elements.map { element in
            let value = try element.integer()
            guard (0...255).contains(value) else {
                throw element.error(.invalidValue, "colour component \(value) is out of range 0-255")
            }
            return value
        }
        return values.count == 4 ? values : values + [255]
    }
}
