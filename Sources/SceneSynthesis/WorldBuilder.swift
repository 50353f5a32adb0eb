import Foundation

/// Plans a synthetic rural landscape from a seed: rivers, roads and tracks first (they shape the
/// rest), then ponds, then field parcels with their land use (crops, woodland, villages, meadows)
/// and hedgerows, then vehicles on the roads. Every draw comes from one generator in a fixed order,
/// so a seed and a size give the same world. Densities are per area, so large scenes are just more
/// of the same, and a few features are forced so that even a small scene shows every class.
struct WorldBuilder {
    /// The scene's ground in metres (x: east, y: south from the top-left corner).
    let width: Double
    let height: Double
    var rng: SplitMix64
    private(set) var features: [Feature] = []
    /// Road centre lines, kept to place vehicles along them.
    private(set) var roads: [(points: [Point], radius: Double)] = []
    /// Roads, rivers, tracks and ponds, indexed to keep buildings and trees off them.
    private(set) var obstacles: ObstacleMap

    init(width: Double, height: Double, seed: UInt64) {
        self.width = width
        self.height = height
        rng = SplitMix64(seed: seed)
        obstacles = ObstacleMap(width: width, height: height, features: [])
    }

    /// Counts that grow with the scene's side (rivers, roads): the side of a square of equal area,
    /// so a square scene gets exactly its side.
    var side: Double { (width * height).squareRoot() }

    static func build(width: Double, height: Double, seed: UInt64) -> World {
        var builder = WorldBuilder(width: width, height: height, seed: seed)
        let shadow = builder.planSun()
        builder.addRivers()
        builder.addRoads()
        builder.addTracks()
        builder.obstacles = ObstacleMap(width: width, height: height, features: builder.features)
        builder.addPonds()
        builder.obstacles = ObstacleMap(width: width, height: height, features: builder.features)
        builder.addParcels()
        builder.addRoadVehicles()
        return builder.finish(shadowDirection: shadow, seed: seed)
    }

    mutating func add(_ feature: Feature) {
        var feature = feature
        feature.tilt = Float(rng.uniform(-0.08, 0.08))
        features.append(feature)
    }

    private func finish(shadowDirection: Point, seed: UInt64) -> World {
        // Margin: the widest anti-aliasing footprint (a SWIR sample, ~1.3 m) plus soft shadow edges.
        let margin = 3.0
        let bounds = features.map { feature -> (min: Point, max: Point) in
            var b = feature.shape.bounds
            b.min -= margin
            b.max += margin
            if feature.height > 0 {
                let reach = shadowDirection * feature.height
                b.min = Point(min(b.min.x, b.min.x + reach.x), min(b.min.y, b.min.y + reach.y))
                b.max = Point(max(b.max.x, b.max.x + reach.x), max(b.max.y, b.max.y + reach.y))
            }
            return b
        }
        let index = SpatialIndex(width: width, height: height, cellSize: 12, inflatedBounds: bounds)
        return World(width: width, height: height, features: features, index: index, shadowDirection: shadowDirection, seed: seed)
    }

    /// Sun azimuth and elevation: shadows fall away from the sun, longer when it is low.
    private mutating func planSun() -> Point {
        let azimuth = rng.uniform(0, 2 * .pi)
        let lengthPerMetre = rng.uniform(0.5, 1.0)
        return Point(cos(azimuth), sin(azimuth)) * lengthPerMetre
    }

    // MARK: - Linear features

    private mutating func addRivers() {
        for _ in 0..<(1 + Int(side / 4000)) {
            let radius = min(rng.uniform(4, 11), max(2.5, side / 40))
            let path = meanderingLine(centralFraction: 0.6, amplitudeFraction: (0.05, 0.11), wavelength: (120, 320))
            addPolyline(path, radius: radius, kind: .waterway, material: .water, tint: Float(rng.uniform(0.9, 1.1)))
        }
    }

    private mutating func addRoads() {
        for n in 0..<(1 + Int(side / 1500)) {
            let radius = rng.uniform(3, 5)
            let path = meanderingLine(centralFraction: n == 0 ? 0.3 : 0.9, amplitudeFraction: (0.005, 0.03), wavelength: (300, 900))
            addPolyline(path, radius: radius, kind: .road, material: .asphalt, tint: Float(rng.uniform(0.85, 1.15)))
            roads.append((path, radius))
        }
    }

    private mutating func addTracks() {
        for _ in 0..<(2 + Int(width * height / 250_000)) {
            var p = Point(rng.uniform(0, width), rng.uniform(0, height))
            var heading = rng.uniform(0, 2 * .pi)
            let steps = Int(rng.uniform(80, 350) / 3)
            var path = [p]
            for _ in 0..<steps {
                heading += rng.gaussian() * 0.06
                p += Point(cos(heading), sin(heading)) * 3
                path.append(p)
            }
            addPolyline(path, radius: rng.uniform(1.2, 2.0), kind: .track, material: .dirt, tint: Float(rng.uniform(0.85, 1.15)))
        }
    }

    /// A line crossing the whole scene through a point in its central part, displaced sideways by
    /// two sine waves (meanders for rivers, gentle bends for roads). Only the part over the scene
    /// (plus a margin) is kept.
    private mutating func meanderingLine(centralFraction: Double, amplitudeFraction: (Double, Double),
                                         wavelength: (Double, Double)) -> [Point] {
        let loX = width * (1 - centralFraction) / 2, loY = height * (1 - centralFraction) / 2
        let through = Point(rng.uniform(loX, width - loX), rng.uniform(loY, height - loY))
        let angle = rng.uniform(0, .pi)
        let direction = Point(cos(angle), sin(angle)), normal = Point(-direction.y, direction.x)
        let waves = (0..<2).map { _ -> (Double, Double, Double) in
            let lambda = rng.uniform(wavelength.0, wavelength.1)
            return (lambda * rng.uniform(amplitudeFraction.0, amplitudeFraction.1), lambda, rng.uniform(0, 2 * .pi))
        }
        let half = max(width, height) * 1.5, margin = 40.0
        var points: [Point] = []
        for s in stride(from: -half, through: half, by: 4.0) {
            let offset = waves.reduce(0) { $0 + $1.0 * sin(2 * .pi * s / $1.1 + $1.2) }
            let p = through + direction * s + normal * offset
            if p.x > -margin && p.y > -margin && p.x < width + margin && p.y < height + margin { points.append(p) }
        }
        return points
    }

    private mutating func addPolyline(_ points: [Point], radius: Double, kind: FeatureKind, material: Material, tint: Float) {
        for (a, b) in zip(points, points.dropFirst()) {
            add(Feature(shape: .capsule(a: a, b: b, radius: radius), kind: kind, material: material, tint: tint))
        }
    }

    // MARK: - Ponds

    private mutating func addPonds() {
        var placed: [(Point, Double)] = []
        for n in 0..<(1 + Int(width * height / 500_000)) {
            var radius = min(rng.uniform(6, 20), min(width, height) / 12)
            for attempt in 0..<80 {
                if n == 0 && attempt == 40 { radius /= 2 }  // the one pond every scene has must fit
                let c = Point(rng.uniform(radius + 4, width - radius - 4), rng.uniform(radius + 4, height - radius - 4))
                guard obstacles.clearance(c) > radius * 1.3 + 4,
                      placed.allSatisfy({ length($0.0 - c) > $0.1 + radius + 10 }) else { continue }
                let wobble = SIMD4(rng.uniform(0, 0.14), rng.uniform(0, 6.28), rng.uniform(0, 0.09), rng.uniform(0, 6.28))
                let material: Material = rng.chance(0.35) ? .turbidWater : .water
                add(Feature(shape: .blob(center: c, radius: radius, wobble: wobble), kind: .standingWater,
                            material: material, tint: Float(rng.uniform(0.9, 1.1))))
                placed.append((c, radius))
                break
            }
        }
    }

    // MARK: - Vehicles on roads

    private mutating func addRoadVehicles() {
        for (n, road) in roads.enumerated() {
            var placedLarge = false, placedSmall = false
            var nextAt = rng.uniform(5, 40), travelled = 0.0
            for (a, b) in zip(road.points, road.points.dropFirst()) {
                let step = length(b - a)
                while nextAt < travelled + step {
                    let p = a + (b - a) * ((nextAt - travelled) / step)
                    let large = rng.chance(0.18)
                    if addVehicle(at: p, along: (b - a) / step, roadRadius: road.radius, large: large) {
                        if large { placedLarge = true } else { placedSmall = true }
                    }
                    nextAt += -log(max(rng.unit(), 1e-9)) * 45 + 6
                }
                travelled += step
            }
            // The main road always carries at least one vehicle of each size, near the centre.
            if n == 0 {
                let (p, direction) = pointNearCentre(road.points)
                if !placedLarge { _ = addVehicle(at: p + direction * 9, along: direction, roadRadius: road.radius, large: true) }
                if !placedSmall { _ = addVehicle(at: p - direction * 9, along: direction, roadRadius: road.radius, large: false) }
            }
        }
    }

    private func pointNearCentre(_ points: [Point]) -> (Point, Point) {
        let centre = Point(width / 2, height / 2)
        var best = 0
        for i in points.indices.dropLast() where length(points[i] - centre) < length(points[best] - centre) { best = i }
        let direction = points[best + 1] - points[best]
        return (points[best], direction / length(direction))
    }

    /// Places a vehicle in a lane of the road; false when it would be outside the scene.
    private mutating func addVehicle(at p: Point, along direction: Point, roadRadius: Double, large: Bool) -> Bool {
        let side: Double = rng.chance(0.5) ? 1 : -1
        let centre = p + Point(-direction.y, direction.x) * (side * roadRadius * 0.45)
        guard centre.x > 2, centre.y > 2, centre.x < width - 2, centre.y < height - 2 else { return false }
        add(vehicle(at: centre, axis: direction, large: large))
        return true
    }

    mutating func vehicle(at centre: Point, axis: Point, large: Bool) -> Feature {
        if large {
            let colours: [Material] = [.vehicleWhite, .vehicleOrange, .vehicleSilver, .vehicleBlue]
            return Feature(shape: .box(center: centre, axis: axis, halfLength: rng.uniform(4.5, 8), halfWidth: rng.uniform(1.15, 1.3)),
                           kind: .largeVehicle, material: colours[rng.int(0..<colours.count)],
                           tint: Float(rng.uniform(0.9, 1.1)), height: rng.uniform(3, 4))
        }
        let colours: [Material] = [.vehicleWhite, .vehicleRed, .vehicleBlue, .vehicleDark, .vehicleSilver]
        return Feature(shape: .box(center: centre, axis: axis, halfLength: rng.uniform(2.0, 2.4), halfWidth: rng.uniform(0.85, 0.95)),
                       kind: .smallVehicle, material: colours[rng.int(0..<colours.count)],
                       tint: Float(rng.uniform(0.9, 1.1)), height: 1.5)
    }
}

/// Distance from a point to the nearest road, river, track or pond (capped at `reach`), for keeping
/// buildings and trees off them.
struct ObstacleMap {
    static let reach = 40.0
    private let shapes: [Shape]
    private let index: SpatialIndex

    init(width: Double, height: Double, features: [Feature]) {
        let obstacleKinds: Set<FeatureKind> = [.road, .track, .waterway, .standingWater]
        shapes = features.filter { obstacleKinds.contains($0.kind) }.map(\.shape)
        index = SpatialIndex(width: width, height: height, cellSize: 20, inflatedBounds: shapes.map {
            let b = $0.bounds
            return (b.min - ObstacleMap.reach, b.max + ObstacleMap.reach)
        })
    }

    func clearance(_ p: Point) -> Double {
        var nearest = ObstacleMap.reach
        index.forEachCandidate(at: p) { nearest = min(nearest, shapes[$0].signedDistance(p)) }
        return nearest
    }
}
