/// 8-connected regions of one class within one strip of rows: classic two-pass labelling with a
/// union-find over provisional labels, then compact ids in order of each region's first pixel
/// (row-major), so labelling the same strip twice gives the same ids.
struct StripLabelling {
    /// Per pixel of the strip, the region id, or -1 where the class is absent.
    private(set) var labels: [Int32]
    /// Per region: its pixels and bounding box (rows counted from the strip's first).
    private(set) var extents: [RegionExtent]
    let width: Int
    let rowCount: Int

    init(_ words: [MaskWord], bit: MaskWord, width: Int, rowCount: Int) {
        self.width = width
        self.rowCount = rowCount
        var labels = [Int32](repeating: -1, count: width * rowCount)
        var parent: [Int32] = []

        func find(_ x: Int32) -> Int32 {
            var root = x
            while parent[Int(root)] != root { root = parent[Int(root)] }
            var node = x
            while parent[Int(node)] != root {
                let next = parent[Int(node)]
                parent[Int(node)] = root
                node = next
            }
            return root
        }
        func union(_ a: Int32, _ b: Int32) -> Int32 {
            let ra = find(a), rb = find(b)
            if ra == rb { return ra }
            // The smaller label becomes the root: keeps roots at each region's earliest label.
            if ra < rb { parent[Int(rb)] = ra; return ra }
            parent[Int(ra)] = rb
            return rb
        }

        for y in 0..<rowCount {
            let row = y * width
            for x in 0..<width where words[row + x] & bit != 0 {
                var label: Int32 = -1
                // Neighbours already visited: west, north-west, north, north-east.
                if x > 0, labels[row + x - 1] >= 0 { label = labels[row + x - 1] }
                if y > 0 {
                    let above = row - width
                    for nx in max(0, x - 1)...min(width - 1, x + 1) where labels[above + nx] >= 0 {
                        label = label < 0 ? labels[above + nx] : union(label, labels[above + nx])
                    }
                }
                if label < 0 {
                    label = Int32(parent.count)
                    parent.append(label)
                }
                labels[row + x] = label
            }
        }

        // Compact ids: provisional roots in increasing order are regions in first-pixel order.
        var compact = [Int32](repeating: -1, count: parent.count)
        var extents: [RegionExtent] = []
        for i in labels.indices where labels[i] >= 0 {
            let root = Int(find(labels[i]))
            let x = i % width, y = i / width
            if compact[root] < 0 {
                compact[root] = Int32(extents.count)
                extents.append(RegionExtent(x: x, y: y))
            } else {
                extents[Int(compact[root])].add(x: x, y: y)
            }
            labels[i] = compact[root]
        }
        self.labels = labels
        self.extents = extents
    }

    var regionCount: Int { extents.count }

    /// The region at (x, y) of the strip, or -1.
    func label(x: Int, y: Int) -> Int32 { labels[y * width + x] }
}

/// A region's size and bounding box, which is all the region rules look at.
struct RegionExtent {
    private(set) var pixels = 1
    private(set) var minX, maxX, minY, maxY: Int

    /// A region of the one pixel (x, y).
    init(x: Int, y: Int) {
        (minX, maxX, minY, maxY) = (x, x, y, y)
    }

    mutating func add(x: Int, y: Int) {
        pixels += 1
        (minX, maxX, minY, maxY) = (min(minX, x), max(maxX, x), min(minY, y), max(maxY, y))
    }

    mutating func merge(_ other: RegionExtent) {
        pixels += other.pixels
        (minX, maxX, minY, maxY) = (min(minX, other.minX), max(maxX, other.maxX), min(minY, other.minY), max(maxY, other.maxY))
    }

    /// The same region with its rows counted `rows` further down (strip rows to scene rows).
    func shifted(rows: Int) -> RegionExtent {
        var moved = self
        moved.minY += rows
        moved.maxY += rows
        return moved
    }

    /// Pixels over the square of the bounding box's longer side: 1 for a filled square, π/4 for a
    /// disc, near 0 for long or thin shapes in any direction.
    var compactness: Double {
        let side = Double(max(maxX - minX, maxY - minY) + 1)
        return Double(pixels) / (side * side)
    }
}

/// Regions that cross strip boundaries, joined over the whole scene: each region touching its
/// strip's first or last row gets a global id, and ids of regions that touch across a boundary
/// are united, their extents merged.
struct GlobalRegions {
    private var parent: [Int32] = []
    private var extent: [RegionExtent] = []

    mutating func add(_ region: RegionExtent) -> Int32 {
        let id = Int32(parent.count)
        parent.append(id)
        extent.append(region)
        return id
    }

    mutating func find(_ x: Int32) -> Int32 {
        var root = x
        while parent[Int(root)] != root { root = parent[Int(root)] }
        var node = x
        while parent[Int(node)] != root {
            let next = parent[Int(node)]
            parent[Int(node)] = root
            node = next
        }
        return root
    }

    mutating func union(_ a: Int32, _ b: Int32) {
        let ra = find(a), rb = find(b)
        guard ra != rb else { return }
        let (root, child) = extent[Int(ra)].pixels >= extent[Int(rb)].pixels ? (ra, rb) : (rb, ra)
        parent[Int(child)] = root
        extent[Int(root)].merge(extent[Int(child)])
    }

    /// Global ids allocated so far.
    var count: Int { parent.count }

    /// The whole extent of the scene-wide region `id` belongs to.
    mutating func totalExtent(_ id: Int32) -> RegionExtent { extent[Int(find(id))] }
}
