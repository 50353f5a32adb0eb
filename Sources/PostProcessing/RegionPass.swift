/// `min_area` and `relabel` over the whole scene in two passes of strips, in memory bounded by a
/// strip:
///
/// 1. Label each class's 8-connected regions strip by strip. Regions touching a strip's first or
///    last row get global ids; where such regions touch across a boundary their ids are united
///    (union-find) and their extents merged, so every region crossing strips is measured whole.
/// 2. Label each strip again (labelling is deterministic, so ids come out the same) and clear or
///    move each region its class's action selects.
///
/// Only regions on strip boundaries are remembered between strips; a region inside one strip is
/// measured and decided within it.
struct RegionPass {
    let classes: [RegionAction]
    let width: Int
    let height: Int
    let stripHeight: Int

    /// Regions cleared, and regions moved to another class (a region spanning several strips
    /// counts once).
    private(set) var removedRegions = 0
    private(set) var relabelledRegions = 0

    /// Per class: the scene-wide regions, and the first global id each strip allocated.
    private var globals: [GlobalRegions] = []
    private var stripBases: [[Int32]] = []

    /// `classes`: distinct classes; a class one action moves regions to must not be labelled in
    /// the same pass (`RulePlan` gives each `relabel` a pass of its own).
    init(classes: [RegionAction], width: Int, height: Int, stripHeight: Int) {
        self.classes = classes
        self.width = width
        self.height = height
        self.stripHeight = stripHeight
    }

    private var strips: [Range<Int>] {
        stride(from: 0, to: height, by: stripHeight).map { $0..<min(height, $0 + stripHeight) }
    }

    mutating func run(from source: WordSource, to sink: WordSink, trailing: [PointRule], bands: BandStripSource?) throws {
        try measure(source)
        try clear(source, sink, trailing: trailing, bands: bands)
    }

    /// Pass 1.
    private mutating func measure(_ source: WordSource) throws {
        globals = Array(repeating: GlobalRegions(), count: classes.count)
        stripBases = Array(repeating: [], count: classes.count)
        var previousBottom = Array(repeating: [Int32](), count: classes.count)
        for rows in strips {
            let words = try source.read(rows: rows)
            for (k, entry) in classes.enumerated() {
                let labelling = StripLabelling(words, bit: MaskBits.bit(entry.classIndex), width: width, rowCount: rows.count)
                stripBases[k].append(Int32(globals[k].count))
                let global = globalIDs(labelling, rows: rows, base: Int32(globals[k].count))
                for region in 0..<labelling.regionCount where global[region] >= 0 {
                    _ = globals[k].add(labelling.extents[region].shifted(rows: rows.lowerBound))
                }
                if rows.lowerBound > 0 {
                    for x in 0..<width {
                        let region = labelling.label(x: x, y: 0)
                        guard region >= 0 else { continue }
                        for nx in max(0, x - 1)...min(width - 1, x + 1) where previousBottom[k][nx] >= 0 {
                            globals[k].union(global[Int(region)], previousBottom[k][nx])
                        }
                    }
                }
                previousBottom[k] = (0..<width).map { x in
                    let region = labelling.label(x: x, y: rows.count - 1)
                    return region >= 0 ? global[Int(region)] : -1
                }
            }
        }
    }

    /// Pass 2.
    private mutating func clear(_ source: WordSource, _ sink: WordSink, trailing: [PointRule], bands: BandStripSource?) throws {
        var decidedGlobal = Array(repeating: Set<Int32>(), count: classes.count)
        for (s, rows) in strips.enumerated() {
            var words = try source.read(rows: rows)
            for (k, action) in classes.enumerated() {
                let bit = MaskBits.bit(action.classIndex)
                let labelling = StripLabelling(words, bit: bit, width: width, rowCount: rows.count)
                let global = globalIDs(labelling, rows: rows, base: stripBases[k][s])
                var selected = [Bool](repeating: false, count: labelling.regionCount)
                var count = 0
                for region in 0..<labelling.regionCount {
                    if global[region] >= 0 {
                        let root = globals[k].find(global[region])
                        selected[region] = action.selects(globals[k].totalExtent(root))
                        if selected[region] && decidedGlobal[k].insert(root).inserted { count += 1 }
                    } else {
                        selected[region] = action.selects(labelling.extents[region])
                        if selected[region] { count += 1 }
                    }
                }
                if action.target == nil { removedRegions += count } else { relabelledRegions += count }
                let cleared = ~bit, added = action.target.map(MaskBits.bit) ?? 0
                for y in 0..<rows.count {
                    for x in 0..<width {
                        let region = labelling.label(x: x, y: y)
                        if region >= 0 && selected[Int(region)] { words[y * width + x] = words[y * width + x] & cleared | added }
                    }
                }
            }
            for rule in trailing { try rule.apply(to: &words, rows: rows, width: width, bands: bands) }
            try sink.write(rows: rows, words)
        }
    }

    /// Global ids, allocated from `base` in region order, of the regions touching a strip boundary
    /// inside the scene (the strip's first row unless it starts the scene, its last unless it ends
    /// it); -1 for the others. Pass 1 and pass 2 get the same ids for the same strip.
    private func globalIDs(_ labelling: StripLabelling, rows: Range<Int>, base: Int32) -> [Int32] {
        var touches = [Bool](repeating: false, count: labelling.regionCount)
        var boundaryRows: [Int] = []
        if rows.lowerBound > 0 { boundaryRows.append(0) }
        if rows.upperBound < height { boundaryRows.append(rows.count - 1) }
        for y in boundaryRows {
            for x in 0..<width {
                let region = labelling.label(x: x, y: y)
                if region >= 0 { touches[Int(region)] = true }
            }
        }
        var next = base
        return touches.map { touching in
            guard touching else { return -1 }
            defer { next += 1 }
            return next
        }
    }
}
