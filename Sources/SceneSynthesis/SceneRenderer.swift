/// Renders the world at any point and resolution: the nearest feature of every class (signed
/// distances, hence exact ground truth and anti-aliased edges), then the surface radiance by
/// painting layers bottom-up (ground, fields, water, tracks, roads, shadows, trees, structures,
/// buildings, vehicles), each blended by its coverage so edge pixels are true mixtures.
struct SceneRenderer {
    let world: World
    private let soilNoise: ValueNoise
    private let grassNoise: ValueNoise
    private let textureNoise: ValueNoise
    static let classCount = FeatureKind.allCases.count
    /// Classes that a crop field does not cover where they cross it.
    static let fieldExclusions = [FeatureKind.road, .track, .waterway, .standingWater, .buildings, .structures].map(\.rawValue)

    init(world: World) {
        self.world = world
        soilNoise = ValueNoise(seed: Hash.mix(world.seed ^ 0x5011))
        grassNoise = ValueNoise(seed: Hash.mix(world.seed ^ 0x6A55))
        textureNoise = ValueNoise(seed: Hash.mix(world.seed ^ 0x7E47))
    }

    /// Per-sample scratch space, allocated once per row.
    struct Scratch {
        var distance = [Double](repeating: .infinity, count: SceneRenderer.classCount)
        var nearest = [Int](repeating: -1, count: SceneRenderer.classCount)
        var shadowDistance = Double.infinity
        var coverage = [Float](repeating: 0, count: SceneRenderer.classCount)

        mutating func reset() {
            for k in 0..<SceneRenderer.classCount {
                distance[k] = .infinity
                nearest[k] = -1
            }
            shadowDistance = .infinity
        }
    }

    /// Finds the nearest feature of each class and the shadow distance at `p`.
    func locate(_ p: Point, _ s: inout Scratch) {
        s.reset()
        let features = world.features, shadow = world.shadowDirection
        world.index.forEachCandidate(at: p) { i in
            let feature = features[i]
            let d = feature.shape.signedDistance(p)
            let k = feature.kind.rawValue
            if d < s.distance[k] { s.distance[k] = d; s.nearest[k] = i }
            // A point is shadowed when the caster, slid towards the sun, still covers it.
            if feature.height > 0 && d > 0 && s.shadowDistance > -1 {
                for t in [0.35, 0.7, 1.0] {
                    s.shadowDistance = min(s.shadowDistance, feature.shape.signedDistance(p - shadow * (feature.height * t)))
                }
            }
        }
    }

    /// Ground truth at `p` for the ten classes (after `locate`): inside means distance <= 0. Crops
    /// exclude roads, tracks, water and structures crossing a field, as DSTL's labels do.
    func truth(_ s: Scratch, into mask: UnsafeMutablePointer<UInt8>, stride: Int) {
        for k in 0..<SceneRenderer.classCount { mask[k * stride] = s.distance[k] <= 0 ? 1 : 0 }
        let crops = FeatureKind.crops.rawValue
        if mask[crops * stride] == 1 && SceneRenderer.fieldExclusions.contains(where: { s.distance[$0] <= 0 }) {
            mask[crops * stride] = 0
        }
    }

    /// Adds the radiance of `bands` at `p` to `out[band - bands.lowerBound]` (after `locate`), for a
    /// sample that stands for a footprint of `footprint` metres.
    func accumulateRadiance(_ p: Point, footprint: Double, bands: Range<Int>, _ s: inout Scratch,
                            into out: UnsafeMutablePointer<Float>) {
        for k in 0..<SceneRenderer.classCount {
            s.coverage[k] = Float(min(max(0.5 - s.distance[k] / footprint, 0), 1))
        }
        let table = Spectra.table, n = Spectra.bandCount, position = Spectra.bandPosition
        let features = world.features
        // Ground: soil and grass in patches, moisture darkening.
        let grass = min(max(grassNoise(p.x, p.y, scale: 45) * 1.6 - 0.3, 0), 1)
        let moisture = 0.85 + 0.3 * soilNoise(p.x, p.y, scale: 18)
        let soil = Material.soil.rawValue * n, meadow = Material.grass.rawValue * n
        // Stack scratch: this runs for every sample of every product, so no heap allocation here.
        withUnsafeTemporaryAllocation(of: Float.self, capacity: bands.count) { value in
            for (j, b) in bands.enumerated() {
                value[j] = (table[soil + b] + (table[meadow + b] - table[soil + b]) * grass) * moisture
            }

            func paint(_ kind: FeatureKind, coverage: Float, texture: (Feature) -> Float = { _ in 1 }) {
                guard coverage > 0, s.nearest[kind.rawValue] >= 0 else { return }
                let f = features[s.nearest[kind.rawValue]]
                let base = f.material.rawValue * n, brightness = f.tint * texture(f)
                for (j, b) in bands.enumerated() {
                    let target = table[base + b] * brightness * (1 + f.tilt * (position[b] - 0.5))
                    value[j] += (target - value[j]) * coverage
                }
            }

            // Fields: crop rows alternate with soil; rows finer than the footprint blur to their mean.
            let excluded = SceneRenderer.fieldExclusions.reduce(Float(0)) { max($0, s.coverage[$1]) }
            let fieldCoverage = s.coverage[FeatureKind.crops.rawValue] * (1 - excluded)
            if fieldCoverage > 0, s.nearest[FeatureKind.crops.rawValue] >= 0 {
                let f = features[s.nearest[FeatureKind.crops.rawValue]]
                let contrast = Float(max(0, 1 - footprint / f.rowPeriod)) * 0.45
                let phase = 2 * Double.pi * dot(p, f.rowAxis) / f.rowPeriod
                let crop = min(max(f.canopy + contrast * Float(sinApprox(phase)) * (f.canopy > 0 ? 1 : 0.4), 0), 1)
                let soilBase = f.material.rawValue * n, cropBase = f.secondMaterial.rawValue * n
                let patchy = 0.92 + 0.16 * textureNoise(p.x, p.y, scale: 9)
                for (j, b) in bands.enumerated() {
                    let target = (table[soilBase + b] + (table[cropBase + b] - table[soilBase + b]) * crop) * f.tint * patchy
                    value[j] += (target - value[j]) * fieldCoverage
                }
            }
            let waterway = s.coverage[FeatureKind.waterway.rawValue], pond = s.coverage[FeatureKind.standingWater.rawValue]
            let ripple: (Feature) -> Float = { _ in 0.94 + 0.12 * self.textureNoise(p.x, p.y, scale: 6) }
            if waterway >= pond { paint(.waterway, coverage: waterway, texture: ripple) } else { paint(.standingWater, coverage: pond, texture: ripple) }
            paint(.track, coverage: s.coverage[FeatureKind.track.rawValue], texture: { _ in 0.9 + 0.2 * self.textureNoise(p.x, p.y, scale: 2.5) })
            paint(.road, coverage: s.coverage[FeatureKind.road.rawValue])

            // Soft shadows darken everything painted so far (the ground), not the casters themselves.
            let shadow = Float(min(max(0.5 - s.shadowDistance / (footprint + 0.8), 0), 1))
            if shadow > 0 { for j in value.indices { value[j] *= 1 - 0.55 * shadow } }

            paint(.trees, coverage: s.coverage[FeatureKind.trees.rawValue], texture: { _ in 0.72 + 0.5 * self.textureNoise(p.x, p.y, scale: 1.4) })
            paint(.structures, coverage: s.coverage[FeatureKind.structures.rawValue])
            paint(.buildings, coverage: s.coverage[FeatureKind.buildings.rawValue], texture: { f in
                // Pitched roofs: the two halves either side of the ridge catch the light differently.
                guard case let .box(center, axis, _, _) = f.shape else { return 1 }
                return (p - center).x * -axis.y + (p - center).y * axis.x > 0 ? 1.08 : 0.92
            })
            paint(.largeVehicle, coverage: s.coverage[FeatureKind.largeVehicle.rawValue])
            paint(.smallVehicle, coverage: s.coverage[FeatureKind.smallVehicle.rawValue])
            for j in value.indices { out[j] += value[j] }
        }
    }
}
