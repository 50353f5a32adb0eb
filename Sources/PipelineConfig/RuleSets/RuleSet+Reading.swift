extension RuleSet {
    static let yamlKeys = ["version", "name", "thresholds", "rules"]

    /// Reads and checks the rule set at `path` against the class catalogue's names (`classNames`)
    /// and the stacked band names the pipeline declares (`bandNames`, for `index` rules). Errors
    /// name `path` as given, with line and column.
    public static func load(path: String, classNames: [String], bandNames: [String]) throws -> RuleSet {
        try parse(
            yaml: ConfigFile.readText(at: path, kind: "a rule set"), file: path, classNames: classNames,
            bandNames: bandNames)
    }

    public static func parse(yaml: String, file: String, classNames: [String], bandNames: [String]) throws -> RuleSet {
        let root = try ConfigFile.root(
            yaml: yaml, file: file, history: .ruleSet, keys: yamlKeys,
            emptyMessage: "the file holds no rule set (expected version, thresholds and rules)")
        let names = RuleNames(classes: classNames, bands: bandNames)
        _ = try root.required("version")
        let name = try root.optional("name")?.nonEmptyString() ?? PipelineSpec.Defaults.name(forFile: file)

        var thresholds: [String: Double] = [:]
        if let section = root.optional("thresholds") {
            let mapping = try section.mapping(keys: classNames, keyNoun: "class")
            for className in mapping.presentKeys {
                guard let field = mapping.optional(className) else { continue }
                let value = try field.number()
                guard (0...1).contains(value) else {
                    throw field.error(.invalidValue, "threshold \(value) is outside [0, 1]")
                }
                thresholds[className] = value
            }
        }
        let rules = try root.optional("rules")?.list().map { try Rule(reading: $0, names: names) } ?? []
        return RuleSet(name: name, thresholds: thresholds, rules: rules, locations: root.context.locations)
    }
}

/// The names a rule may use: the catalogue's classes and the pipeline's stacked bands.
private struct RuleNames {
    let classes: [String]
    let bands: [String]

    func className(_ field: ValueReader) throws -> String {
        let name = try field.nonEmptyString()
        guard classes.contains(name) else {
            throw field.error(.invalidValue, KeySuggestion.unknownKeyMessage(name, allowed: classes, noun: "class"))
        }
        return name
    }

    func bandName(_ field: ValueReader) throws -> String {
        let name = try field.nonEmptyString()
        guard bands.contains(name) else {
            if bands.isEmpty {
                throw field.error(
                    .invalidValue,
                    "unknown band '\(name)': the pipeline names no bands (add band_names to its scene.sources)")
            }
            throw field.error(.invalidValue, KeySuggestion.unknownKeyMessage(name, allowed: bands, noun: "band"))
        }
        return name
    }

    /// `all`, or a non-empty list of distinct class names.
    func selection(_ field: ValueReader) throws -> ClassSelection {
        if case .scalar = field.node, try field.string() == "all" { return .all }
        let elements = try field.nonEmptyList("needs at least one class name (or 'all')")
        let names = try elements.map(className)
        try elements.checkNoDuplicates(names) { "class '\($0)'" }
        return .classes(names)
    }
}

extension Rule {
    fileprivate init(reading item: ValueReader, names: RuleNames) throws {
        let entry = try item.mapping(keys: Rule.kinds, keyNoun: "rule kind")
        let kinds = entry.presentKeys
        guard let kind = kinds.first else {
            throw item.error(.missingKey, "a rule needs one of \(Rule.kinds.joined(separator: ", "))")
        }
        if kinds.count > 1, let second = entry.keyLocation(kinds[1]) {
            throw entry.context.error(
                .conflictingKey, at: second, path: item.path.key(kinds[1]),
                "one rule per list entry ('\(kind)' and '\(kinds[1])' given together): start '\(kinds[1])' on its own '- ' line")
        }
        let field = try entry.required(kind)
        switch kind {
        case "exclude":
            let rule = try field.mapping(keys: ["where", "clear"])
            let presentField = try rule.required("where")
            let present = try names.className(presentField)
            let clearField = try rule.required("clear")
            let clear = try names.selection(clearField)
            if case .classes(let cleared) = clear, cleared.contains(present) {
                throw clearField.error(.invalidValue, "'\(present)' cannot clear itself")
            }
            self = .exclude(ExclusionRule(present: present, clear: clear))
        case "min_area":
            let rule = try field.mapping(keys: ["classes", "m2", "pixels"])
            let classes = try names.selection(rule.required("classes"))
            self = .minimumArea(MinimumAreaRule(classes: classes, minimum: try AreaMeasure(reading: rule, in: field, prefix: "", noun: "minimum")))
        case "relabel":
            let rule = try field.mapping(keys: ["from", "to", "max_m2", "max_pixels", "min_compactness"])
            let from = try names.className(rule.required("from"))
            let toField = try rule.required("to")
            let to = try names.className(toField)
            guard to != from else { throw toField.error(.invalidValue, "'\(from)' cannot be relabelled to itself") }
            let maximum = try AreaMeasure(reading: rule, in: field, prefix: "max_", noun: "maximum")
            var compactness = 0.0
            if let compactnessField = rule.optional("min_compactness") {
                compactness = try compactnessField.number()
                guard (0...1).contains(compactness) else {
                    throw compactnessField.error(.invalidValue, "a compactness is in [0, 1] (π/4 ≈ 0.79 for a disc), got \(compactness)")
                }
            }
            self = .relabel(RelabelRule(from: from, to: to, maximum: maximum, minimumCompactness: compactness))
        case "open", "close":
            let rule = try field.mapping(keys: ["classes", "radius", "shape"])
            let classes = try names.selection(rule.required("classes"))
            let radiusField = try rule.required("radius")
            let radius = try radiusField.integer()
            guard (1...MorphologyRule.maximumRadius).contains(radius) else {
                throw radiusField.error(.invalidValue, "radius \(radius) is out of range 1-\(MorphologyRule.maximumRadius) pixels")
            }
            let shape = try rule.optional("shape")?.oneOf(StructuringShape.self) ?? .disk
            let morphology = MorphologyRule(classes: classes, radius: radius, shape: shape)
            self = kind == "open" ? .open(morphology) : .close(morphology)
        default:
            self = .index(try IndexRule(reading: field, names: names))
        }
    }
}

extension AreaMeasure {
    /// `PREFIXm2: 5` (square metres) or `PREFIXpixels: 20`, exactly one of them.
    fileprivate init(reading rule: MappingReader, in field: ValueReader, prefix: String, noun: String) throws {
        switch (rule.optional("\(prefix)m2"), rule.optional("\(prefix)pixels")) {
        case (let m2?, nil):
            let value = try m2.number()
            guard value > 0 else { throw m2.error(.invalidValue, "a \(noun) area must be positive, got \(value)") }
            self = .squareMetres(value)
        case (nil, let pixels?):
            let value = try pixels.integer()
            guard value >= 1 else { throw pixels.error(.invalidValue, "a \(noun) area must be at least 1 pixel, got \(value)") }
            self = .pixels(value)
        case (.some, .some(let pixels)):
            throw pixels.error(.conflictingKey, "give the \(noun) area in '\(prefix)m2' or in '\(prefix)pixels', not both")
        case (nil, nil):
            throw field.error(.missingKey, "a \(noun) area needs '\(prefix)m2' (square metres) or '\(prefix)pixels'")
        }
    }
}

extension IndexRule {
    fileprivate init(reading field: ValueReader, names: RuleNames) throws {
        let rule = try field.mapping(keys: ["class", "index", "bands", "above", "below", "combine"])
        className = try names.className(rule.required("class"))
        index = try rule.required("index").oneOf(SpectralIndex.self)
        let bandsField = try rule.required("bands")
        let roles = try bandsField.mapping(keys: index.roles, keyNoun: "band role of index \(index.rawValue)")
        var bands: [String: String] = [:]
        for role in index.roles {
            guard let bandField = roles.optional(role) else {
                throw bandsField.error(
                    .missingKey,
                    "index \(index.rawValue) needs bands for \(index.roles.joined(separator: ", ")); '\(role)' is missing")
            }
            bands[role] = try names.bandName(bandField)
        }
        self.bands = bands
        switch (rule.optional("above"), rule.optional("below")) {
        case (let above?, nil): comparison = .above(try above.number())
        case (nil, let below?): comparison = .below(try below.number())
        case (.some, .some(let below)):
            throw below.error(.conflictingKey, "give 'above' or 'below', not both")
        case (nil, nil):
            throw field.error(.missingKey, "an index rule needs 'above: value' or 'below: value'")
        }
        combine = try rule.optional("combine")?.oneOf(IndexCombination.self) ?? .union
    }
}
