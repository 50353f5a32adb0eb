import PipelineConfig
import Raster
import Scene

/// A rule set resolved against a class set and grid: class names become bits, areas become pixel
/// counts, and the rules are grouped into passes over the scene.
///
/// Pixel-local rules (exclusions, indices) run inside the pass before them; each neighbourhood
/// rule (morphology, minimum area) needs a pass of its own. Consecutive `min_area` rules on
/// different classes do not affect each other and share one.
struct RulePlan {
    /// Per class, the smallest quantized probability (0-254) at which it is present.
    let minimumQuantized: [UInt8]
    /// Applied while the probabilities are decided, before any step.
    let leading: [PointRule]
    let steps: [Step]

    struct Step {
        let operation: NeighbourhoodOperation
        /// Pixel-local rules applied to the step's output, in the same pass.
        let trailing: [PointRule]
    }

    /// `pixelArea` in square CRS units converts `m2` minimums; `hasBands` are the band names the
    /// band source gives (nil: none).
    init(ruleSet: RuleSet, classes: ClassSet, pixelArea: Double, hasBands: Set<String>?) throws {
        let count = classes.count
        guard count <= MaskBits.maximumClasses else {
            throw PostProcessingError(
                code: .tooManyClasses, message: "\(count) classes; post-processing handles up to \(MaskBits.maximumClasses)")
        }
        let names = classes.names
        func index(of name: String, at path: FieldPath) throws -> Int {
            guard let i = names.firstIndex(of: name) else {
                throw PostProcessingError(
                    code: .invalidRule,
                    message: "class '\(name)' is not among the model's classes (\(names.joined(separator: ", ")))",
                    location: Self.place(path, in: ruleSet))
            }
            return i
        }
        func bits(_ selection: ClassSelection, at path: FieldPath) throws -> MaskWord {
            switch selection {
            case .all: return MaskBits.all(count)
            case .classes(let list): return try list.reduce(0) { $0 | MaskBits.bit(try index(of: $1, at: path)) }
            }
        }

        var thresholds = classes.classes.map(\.threshold)
        for (name, value) in ruleSet.thresholds.sorted(by: { $0.key < $1.key }) {
            let path = FieldPath.root.key("thresholds").key(name)
            guard (0...1).contains(value) else {
                throw PostProcessingError(code: .invalidRule, message: "threshold \(value) is outside [0, 1]", location: Self.place(path, in: ruleSet))
            }
            thresholds[try index(of: name, at: path)] = value
        }
        minimumQuantized = thresholds.map(Self.minimumQuantized(threshold:))

        var leading: [PointRule] = []
        var steps: [(operation: NeighbourhoodOperation, trailing: [PointRule])] = []
        func addPoint(_ rule: PointRule) {
            if steps.isEmpty { leading.append(rule) } else { steps[steps.count - 1].trailing.append(rule) }
        }
        for (position, rule) in ruleSet.rules.enumerated() {
            let path = FieldPath.root.key("rules").index(position).key(rule.kind)
            switch rule {
            case .exclude(let exclusion):
                let present = MaskBits.bit(try index(of: exclusion.present, at: path))
                addPoint(.exclude(present: present, clear: try bits(exclusion.clear, at: path) & ~present))
            case .index(let indexRule):
                guard Set(indexRule.bands.keys) == Set(indexRule.index.roles) else {
                    throw PostProcessingError(
                        code: .invalidRule,
                        message: "index \(indexRule.index.rawValue) needs bands for exactly \(indexRule.index.roles.joined(separator: ", "))",
                        location: Self.place(path, in: ruleSet))
                }
                for band in indexRule.index.roles.map({ indexRule.bands[$0]! }) where !(hasBands?.contains(band) ?? false) {
                    throw PostProcessingError(
                        code: .invalidRule,
                        message: hasBands == nil
                            ? "reads band '\(band)', but no scene bands were given to post-processing"
                            : "reads band '\(band)', which the scene does not give",
                        location: Self.place(path, in: ruleSet))
                }
                addPoint(.index(bit: MaskBits.bit(try index(of: indexRule.className, at: path)), rule: IndexEvaluation(indexRule)))
            case .open(let morphology), .close(let morphology):
                guard (1...MorphologyRule.maximumRadius).contains(morphology.radius) else {
                    throw PostProcessingError(
                        code: .invalidRule, message: "radius \(morphology.radius) is out of range 1-\(MorphologyRule.maximumRadius) pixels",
                        location: Self.place(path, in: ruleSet))
                }
                let operation = MorphologyOperation(
                    bits: try bits(morphology.classes, at: path), radius: morphology.radius, shape: morphology.shape,
                    opening: { if case .open = rule { true } else { false } }())
                steps.append((.morphology(operation), []))
            case .minimumArea(let area):
                let selected = try bits(area.classes, at: path)
                let limit = AreaLimit(area.minimum, pixelArea: pixelArea)
                let additions = (0..<count).filter { selected & MaskBits.bit($0) != 0 }.map {
                    RegionAction(classIndex: $0, below: limit, minimumCompactness: 0, target: nil)
                }
                if case .regions(let existing)? = steps.last?.operation, steps.last!.trailing.isEmpty, existing.allSatisfy({ $0.target == nil }),
                   Set(existing.map(\.classIndex)).isDisjoint(with: additions.map(\.classIndex)) {
                    steps[steps.count - 1].operation = .regions(existing + additions)
                } else {
                    steps.append((.regions(additions), []))
                }
            case .relabel(let relabel):
                // A pass of its own: the class it adds to must not be measured while it adds.
                let action = RegionAction(classIndex: try index(of: relabel.from, at: path), below: AreaLimit(relabel.maximum, pixelArea: pixelArea),
                                          minimumCompactness: relabel.minimumCompactness, target: try index(of: relabel.to, at: path))
                steps.append((.regions([action]), []))
            }
        }
        self.leading = leading
        self.steps = steps.map { Step(operation: $0.operation, trailing: $0.trailing) }
    }

    /// `config/postprocess/x.yaml:4:5: rules[0].index`, compiler style, or just the path for a rule
    /// set built in code.
    static func place(_ path: FieldPath, in ruleSet: RuleSet) -> String {
        guard let location = ruleSet.locations[path] else { return path.description }
        return "\(location.file):\(location.line):\(location.column): \(path)"
    }

    /// The smallest q in 0...254 with q / 254 >= threshold (255 when none is: never present).
    static func minimumQuantized(threshold: Double) -> UInt8 {
        var q = max(0, Int((threshold * 254).rounded(.down)) - 1)
        while q <= 254 && Double(q) / 254 < threshold { q += 1 }
        return UInt8(min(q, 255))
    }
}

/// A rule that looks at a pixel's neighbours, so it needs a pass of its own.
enum NeighbourhoodOperation {
    case morphology(MorphologyOperation)
    /// `min_area` and `relabel`: each class with its own action; classes distinct.
    case regions([RegionAction])
}

/// An area in square CRS units (`pixels * pixelArea`) that regions are compared with.
struct AreaLimit {
    let limit: Double
    let pixelArea: Double

    /// `pixelArea` converts `m2`; a limit in pixels is compared with the pixel count.
    init(_ measure: AreaMeasure, pixelArea: Double) {
        switch measure {
        case .pixels(let pixels): (limit, self.pixelArea) = (Double(pixels), 1)
        case .squareMetres(let m2): (limit, self.pixelArea) = (m2, pixelArea)
        }
    }

    func isAbove(pixels: Int) -> Bool { Double(pixels) * pixelArea >= limit }
}

/// What a region pass does to one class's regions: those below `below` (and at least
/// `minimumCompactness` compact) are cleared (`min_area`), or moved to `target` (`relabel`).
struct RegionAction {
    let classIndex: Int
    let below: AreaLimit
    let minimumCompactness: Double
    let target: Int?

    func selects(_ region: RegionExtent) -> Bool {
        !below.isAbove(pixels: region.pixels) && region.compactness >= minimumCompactness
    }
}

extension RasterGrid {
    /// The area of one pixel in square CRS units (metres for a projected CRS), from the geotransform.
    var pixelArea: Double {
        abs(geoTransform.pixelWidth * geoTransform.pixelHeight - geoTransform.rowRotation * geoTransform.colRotation)
    }
}
