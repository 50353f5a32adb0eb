import Foundation

/// Field parcels: a jittered grid of convex quadrilaterals, each given a land use. Hedgerows run
/// along some parcel edges.
extension WorldBuilder {
    enum LandUse { case crops, meadow, woodland, village }

    struct Parcel {
        let corners: [Point]  // clockwise on screen: top-left, top-right, bottom-right, bottom-left
        var shape: Shape { .quad(corners[0], corners[1], corners[2], corners[3]) }
        var centroid: Point { corners.reduce(Point(0, 0), +) / 4 }
        /// Unit vector along the parcel's top edge: fields are ploughed and villages laid out along it.
        var axis: Point {
            let edge = corners[1] - corners[0]
            return edge / length(edge)
        }
        func contains(_ p: Point, margin: Double = 0) -> Bool { shape.signedDistance(p) <= -margin }
    }

    mutating func addParcels() {
        let cell = rng.uniform(80, 110)
        let nx = Int((width / cell).rounded(.up)) + 2, ny = Int((height / cell).rounded(.up)) + 2
        var grid: [Point] = []
        for j in 0...ny {
            for i in 0...nx {
                let jitter = Point(rng.uniform(-0.18, 0.18), rng.uniform(-0.18, 0.18)) * cell
                grid.append(Point(Double(i) * cell - cell / 2, Double(j) * cell - cell / 2) + jitter)
            }
        }
        let corner = { (i: Int, j: Int) in grid[j * (nx + 1) + i] }
        var parcels: [Parcel] = []
        for j in 0..<ny {
            for i in 0..<nx {
                let parcel = Parcel(corners: [corner(i, j), corner(i + 1, j), corner(i + 1, j + 1), corner(i, j + 1)])
                let c = parcel.centroid
                if c.x > -cell / 2 && c.y > -cell / 2 && c.x < width + cell / 2 && c.y < height + cell / 2 { parcels.append(parcel) }
            }
        }
        let uses = assignLandUse(parcels)
        for (parcel, use) in zip(parcels, uses) {
            switch use {
            case .crops: addField(parcel)
            case .woodland: addWoodland(parcel)
            case .village: addVillage(parcel)
            case .meadow: addMeadow(parcel)
            }
            addHedgerows(parcel, use: use)
        }
    }

    /// Random land use by share of area, except that the parcels nearest the scene centre that are
    /// clear of roads and water get a village, a field and a wood, so a small scene has them all.
    private mutating func assignLandUse(_ parcels: [Parcel]) -> [LandUse] {
        var uses = parcels.map { _ -> LandUse in
            let r = rng.unit()
            return r < 0.42 ? .crops : r < 0.67 ? .meadow : r < 0.80 ? .woodland : .village
        }
        let centre = Point(width / 2, height / 2)
        let clear = parcels.indices.sorted { a, b in
            let sa = obstacles.clearance(parcels[a].centroid) - 0.3 * length(parcels[a].centroid - centre)
            let sb = obstacles.clearance(parcels[b].centroid) - 0.3 * length(parcels[b].centroid - centre)
            return sa != sb ? sa > sb : a < b
        }
        for (slot, use) in zip(clear, [LandUse.village, .crops, .woodland]) { uses[slot] = use }
        return uses
    }

    private mutating func addField(_ parcel: Parcel) {
        let margin = rng.uniform(2, 5)
        let c = parcel.centroid
        let inset = parcel.corners.map { v -> Point in
            let d = v - c
            return c + d * max(0.2, 1 - margin * 1.4 / length(d))
        }
        // Growth stage: bare ploughed land, young, green or ripe crop between soil rows.
        let stages: [(Material, Material, Float)] = [(.ploughed, .ploughed, 0), (.soil, .cropGreen, 0.35),
                                                     (.soil, .cropGreen, 0.8), (.soil, .cropRipe, 0.85)]
        let stage = stages[rng.int(0..<stages.count)]
        var axis = parcel.axis
        if rng.chance(0.5) { axis = Point(-axis.y, axis.x) }
        var field = Feature(shape: .quad(inset[0], inset[1], inset[2], inset[3]), kind: .crops, material: stage.0,
                            tint: Float(rng.uniform(0.88, 1.12)))
        field.secondMaterial = stage.1
        field.canopy = stage.2
        field.rowAxis = axis
        field.rowPeriod = rng.uniform(0.7, 1.6)
        add(field)
    }

    private mutating func addWoodland(_ parcel: Parcel) {
        let spacing = rng.uniform(5.5, 8)
        let b = parcel.shape.bounds
        for y in stride(from: b.min.y, through: b.max.y, by: spacing) {
            for x in stride(from: b.min.x, through: b.max.x, by: spacing) {
                let p = Point(x, y) + Point(rng.uniform(-0.35, 0.35), rng.uniform(-0.35, 0.35)) * spacing
                let radius = rng.uniform(2.5, 4.8)
                guard !rng.chance(0.12), parcel.contains(p, margin: radius * 0.3), inScene(p, margin: radius) else { continue }
                addTree(at: p, radius: radius, height: rng.uniform(8, 18))
            }
        }
    }

    private mutating func addMeadow(_ parcel: Parcel) {
        for _ in 0..<rng.int(0..<3) {
            let p = randomPoint(in: parcel)
            addTree(at: p, radius: rng.uniform(3, 6), height: rng.uniform(8, 15))
        }
        if rng.chance(0.3) {
            let p = randomPoint(in: parcel)
            let radius = rng.uniform(2, 4)
            if obstacles.clearance(p) > radius + 2 {  // a silo or tank
                add(Feature(shape: .circle(center: p, radius: radius), kind: .structures, material: .concrete,
                            tint: Float(rng.uniform(0.9, 1.1)), height: rng.uniform(4, 10)))
            }
        }
    }

    private mutating func addHedgerows(_ parcel: Parcel, use: LandUse) {
        guard use != .woodland else { return }
        // Only the top and left edges: every edge is shared by two parcels and is visited once.
        for (a, b) in [(parcel.corners[0], parcel.corners[1]), (parcel.corners[3], parcel.corners[0])] where rng.chance(0.3) {
            let edgeLength = length(b - a), along = (b - a) / edgeLength
            var s = rng.uniform(0, 3)
            while s < edgeLength {
                let p = a + along * s + Point(-along.y, along.x) * rng.uniform(-0.8, 0.8)
                addTree(at: p, radius: rng.uniform(1.8, 3.2), height: rng.uniform(4, 9))
                s += rng.uniform(3.5, 5.5)
            }
        }
    }

    /// Adds a tree crown unless it would stand on a road, track or water, or outside the scene.
    mutating func addTree(at p: Point, radius: Double, height: Double) {
        guard inScene(p, margin: radius), obstacles.clearance(p) > radius + 1 else { return }
        add(Feature(shape: .circle(center: p, radius: radius), kind: .trees, material: .tree,
                    tint: Float(rng.uniform(0.82, 1.18)), height: height))
    }

    func inScene(_ p: Point, margin: Double) -> Bool {
        p.x > -margin && p.y > -margin && p.x < width + margin && p.y < height + margin
    }

    mutating func randomPoint(in parcel: Parcel) -> Point {
        let b = parcel.shape.bounds
        for _ in 0..<20 {
            let p = Point(rng.uniform(b.min.x, b.max.x), rng.uniform(b.min.y, b.max.y))
            if parcel.contains(p, margin: 3) { return p }
        }
        return parcel.centroid
    }
}
