/// A 2-D point or vector in scene metres: x grows east (to the right), y grows south (down the
/// image), measured from the scene's top-left corner.
typealias Point = SIMD2<Double>

@inline(__always) func dot(_ a: Point, _ b: Point) -> Double { a.x * b.x + a.y * b.y }
@inline(__always) func length(_ a: Point) -> Double { (a.x * a.x + a.y * a.y).squareRoot() }

/// The shapes the synthetic world is drawn with. Each has a signed distance function (negative
/// inside, in metres), which gives exact ground truth (inside = distance <= 0) and anti-aliased,
/// mixed edge pixels at any resolution (coverage from the distance in pixel units).
enum Shape {
    case circle(center: Point, radius: Double)
    /// A segment a→b thickened by `radius` (roads, rivers and tracks are chains of these).
    case capsule(a: Point, b: Point, radius: Double)
    /// A rectangle of half-sizes (halfLength along `axis`, halfWidth across) centred on `center`;
    /// `axis` is a unit vector.
    case box(center: Point, axis: Point, halfLength: Double, halfWidth: Double)
    /// A convex quadrilateral (field parcels), vertices clockwise on screen.
    case quad(Point, Point, Point, Point)
    /// A wobbly disc: radius varies with angle by two harmonics (ponds).
    case blob(center: Point, radius: Double, wobble: SIMD4<Double>)

    func signedDistance(_ p: Point) -> Double {
        switch self {
        case let .circle(center, radius):
            return length(p - center) - radius
        case let .capsule(a, b, radius):
            let pa = p - a, ba = b - a
            let h = min(max(dot(pa, ba) / max(dot(ba, ba), 1e-12), 0), 1)
            return length(pa - ba * h) - radius
        case let .box(center, axis, halfLength, halfWidth):
            let d = p - center
            let qx = abs(dot(d, axis)) - halfLength
            let qy = abs(d.x * -axis.y + d.y * axis.x) - halfWidth
            let outside = length(Point(max(qx, 0), max(qy, 0)))
            return outside + min(max(qx, qy), 0)
        case let .quad(a, b, c, d):
            // Exact inside; outside it is the largest edge-line distance, a lower bound of the true
            // distance that is exact near edges, which is all anti-aliasing needs.
            return max(max(Shape.edgeDistance(p, a, b), Shape.edgeDistance(p, b, c)),
                       max(Shape.edgeDistance(p, c, d), Shape.edgeDistance(p, d, a)))
        case let .blob(center, radius, wobble):
            let d = p - center
            let angle = atan2Approx(d.y, d.x)
            let r = radius * (1 + wobble.x * sinApprox(2 * angle + wobble.y) + wobble.z * sinApprox(3 * angle + wobble.w))
            return length(d) - r
        }
    }

    /// Signed distance from the line through a→b, positive on the outer side of a clockwise
    /// (on screen, y down) polygon.
    @inline(__always)
    static func edgeDistance(_ p: Point, _ a: Point, _ b: Point) -> Double {
        let edge = b - a
        let normal = Point(edge.y, -edge.x) / max(length(edge), 1e-12)
        return dot(p - a, normal)
    }

    /// Axis-aligned bounds, in metres.
    var bounds: (min: Point, max: Point) {
        switch self {
        case let .circle(center, radius):
            return (center - radius, center + radius)
        case let .capsule(a, b, radius):
            return (Point(min(a.x, b.x), min(a.y, b.y)) - radius, Point(max(a.x, b.x), max(a.y, b.y)) + radius)
        case let .box(center, axis, halfLength, halfWidth):
            let ex = abs(axis.x) * halfLength + abs(axis.y) * halfWidth
            let ey = abs(axis.y) * halfLength + abs(axis.x) * halfWidth
            return (center - Point(ex, ey), center + Point(ex, ey))
        case let .quad(a, b, c, d):
            return (Point(min(a.x, b.x, c.x, d.x), min(a.y, b.y, c.y, d.y)),
                    Point(max(a.x, b.x, c.x, d.x), max(a.y, b.y, c.y, d.y)))
        case let .blob(center, radius, wobble):
            let r = radius * (1 + abs(wobble.x) + abs(wobble.z))
            return (center - r, center + r)
        }
    }

    var center: Point {
        let b = bounds
        return (b.min + b.max) / 2
    }
}

// Foundation-free, deterministic trigonometry for the few places that need it per pixel. Exactness
// does not matter (ponds only need a smooth wobble); the same result on every platform does.
@inline(__always)
func sinApprox(_ x: Double) -> Double {
    let twoPi = 6.283185307179586
    var t = x - twoPi * (x / twoPi).rounded(.down)  // [0, 2π)
    if t > .pi { t -= twoPi }                         // (-π, π]
    let b = 4 / Double.pi, c = -4 / (Double.pi * Double.pi)
    let y = b * t + c * t * abs(t)
    return 0.225 * (y * abs(y) - y) + y
}

@inline(__always)
func atan2Approx(_ y: Double, _ x: Double) -> Double {
    let ax = abs(x), ay = abs(y)
    let a = min(ax, ay) / max(max(ax, ay), 1e-300)
    let s = a * a
    var r = ((-0.0464964749 * s + 0.15931422) * s - 0.327622764) * s * a + a
    if ay > ax { r = Double.pi / 2 - r }
    if x < 0 { r = Double.pi - r }
    return y < 0 ? -r : r
}
