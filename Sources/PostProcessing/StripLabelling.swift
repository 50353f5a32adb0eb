/// 8-connected regions of one class within one strip of rows: classic two-pass labelling with a
/// union-find over provisional labels, then compact ids in order of each region's first pixel
/// (row-major), so labelling the same strip twice gives the same ids.
struct StripLabelling {
    /// Per pixel of the strip, the region id, or -1 where the class is absent.
    private(set) var labels: [Int32]
    /// Pixels per region.
    private(set) var areas: [Int]
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
        var areas: [Int] = []
        for i in labels.indices where labels[i] >= 0 {
            let root = Int(find(labels[i]))
            if compact[root] < 0 {
                compact[root] = Int32(areas.count)
                areas.append(0)
            }
            let id = compact[root]
            labels[i] = id
            areas[Int(id)] += 1
        }
        self.labels = labels
        self.areas = areas
    }

    var regionCount: Int { areas.count }

    /// The region at (x, y) of the strip, or -1.
    func label(x: Int, y: Int) -> Int32 { labels[y * width + x] }
}

/// Regions that cross strip boundaries, joined over the whole scene: each region touching its
/// strip's first or last row gets a global id, and ids of regions that touch across a boundary
/// are united, their areas summed.
struct GlobalRegions {
    private var parent: [Int32] = []
    private var area: [Int] = []

    mutating func add(area pixels: Int) -> Int32 {
        let id = Int32(parent.count)
        parent.append(id)
        area.append(pixels)
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
        let (root, child) = area[Int(ra)] >= area[Int(rb)] ? (ra, rb) : (rb, ra)
        parent[Int(child)] = root
        area[Int(root)] += area[Int(child)]
    }

    /// Global ids allocated so far.
    var count: Int { parent.count }

    /// The total area of the scene-wide region `id` belongs to.
    mutating func totalArea(_ id: Int32) -> Int { area[Int(find(id))] }
}
