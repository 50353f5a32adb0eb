import Foundation

/// Villages and farmyards: buildings of varied size on a slightly irregular grid aligned with the
/// parcel, sheds and walls (misc. structures) beside them, parked cars and yard trees.
extension WorldBuilder {
    mutating func addVillage(_ parcel: Parcel) {
        let industrial = rng.chance(0.15)
        let (su, sv) = industrial ? (rng.uniform(45, 60), rng.uniform(35, 45)) : (rng.uniform(20, 30), rng.uniform(18, 26))
        let u = parcel.axis, v = Point(-u.y, u.x)
        let c = parcel.centroid
        let reach = Int(60 / min(su, sv)) + 1
        var buildings: [(Point, Double)] = []
        for j in -reach...reach {
            for i in -reach...reach {
                let slot = c + u * (Double(i) * su + rng.uniform(-2, 2)) + v * (Double(j) * sv + rng.uniform(-2, 2))
                let halfLength = rng.uniform(0.18, 0.4) * su, halfWidth = rng.uniform(0.14, 0.3) * sv
                let angle = rng.gaussian() * 0.04
                let axis = Point(u.x * cos(angle) - u.y * sin(angle), u.x * sin(angle) + u.y * cos(angle))
                let shape = Shape.box(center: slot, axis: axis, halfLength: halfLength, halfWidth: halfWidth)
                let halfDiagonal = (halfLength * halfLength + halfWidth * halfWidth).squareRoot()
                guard rng.chance(0.85), parcel.contains(slot, margin: halfDiagonal + 1.5),
                      inScene(slot, margin: 0), obstacles.clearance(slot) > halfDiagonal + 2.5 else { continue }
                let roofs: [Material] = industrial ? [.roofMetal, .roofMetal, .roofConcrete] : [.roofTile, .roofTile, .roofConcrete, .roofMetal]
                add(Feature(shape: shape, kind: .buildings, material: roofs[rng.int(0..<roofs.count)],
                            tint: Float(rng.uniform(0.85, 1.15)), height: industrial ? rng.uniform(6, 12) : rng.uniform(3, 8)))
                buildings.append((slot, halfDiagonal))
                addYard(around: slot, axis: axis, halfLength: halfLength, halfWidth: halfWidth, parcel: parcel, industrial: industrial)
            }
        }
        for _ in 0..<rng.int(2..<7) {
            let p = randomPoint(in: parcel)
            let radius = rng.uniform(2, 4.5)
            if buildings.allSatisfy({ length($0.0 - p) > $0.1 + radius + 1 }) {
                addTree(at: p, radius: radius, height: rng.uniform(5, 12))
            }
        }
    }

    /// A shed or wall beside a building, and a vehicle parked on the other side.
    private mutating func addYard(around centre: Point, axis: Point, halfLength: Double, halfWidth: Double,
                                  parcel: Parcel, industrial: Bool) {
        let across = Point(-axis.y, axis.x)
        if rng.chance(0.35) {
            let shedHalf = Point(rng.uniform(1, 2.5), rng.uniform(0.8, 1.8))
            let p = centre + across * (halfWidth + shedHalf.y + 1.5) + axis * rng.uniform(-halfLength, halfLength) * 0.6
            if parcel.contains(p, margin: 3), obstacles.clearance(p) > 4 {
                add(Feature(shape: .box(center: p, axis: axis, halfLength: shedHalf.x, halfWidth: shedHalf.y), kind: .structures,
                            material: rng.chance(0.5) ? .concrete : .roofMetal, tint: Float(rng.uniform(0.85, 1.15)), height: rng.uniform(2, 3)))
            }
        } else if rng.chance(0.2) {
            let p = centre + across * (halfWidth + 3)
            if parcel.contains(p, margin: halfLength), obstacles.clearance(p) > halfLength + 1 {
                add(Feature(shape: .box(center: p, axis: axis, halfLength: halfLength, halfWidth: 0.3), kind: .structures,
                            material: .concrete, tint: Float(rng.uniform(0.9, 1.1)), height: 1.5))
            }
        }
        if rng.chance(industrial ? 0.5 : 0.35) {
            let p = centre - across * (halfWidth + 2.8) + axis * rng.uniform(-halfLength, halfLength) * 0.5
            if parcel.contains(p, margin: 3), obstacles.clearance(p) > 3 {
                add(vehicle(at: p, axis: rng.chance(0.7) ? axis : across, large: industrial && rng.chance(0.5)))
            }
        }
    }
}
