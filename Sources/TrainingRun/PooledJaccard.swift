/// Per-class Jaccard index pooled over all validation pixels: intersections and unions are summed
/// over every scene before dividing (as the DSTL competition scored), so a small scene does not
/// weigh as much as a large one.
public struct PooledJaccard: Sendable, Equatable {
    public private(set) var intersection: [Int]
    public private(set) var union: [Int]
    /// Truth pixels per class: a class is scored only where the truth has it.
    public private(set) var truthPixels: [Int]

    public init(classCount: Int) {
        intersection = Array(repeating: 0, count: classCount)
        union = intersection
        truthPixels = intersection
    }

    /// Adds one class plane: predicted probabilities, thresholded at `threshold`, against 0/1 truth.
    public mutating func add(classIndex c: Int, probabilities: UnsafeBufferPointer<Float>, truth: UnsafeBufferPointer<UInt8>,
                             threshold: Float = 0.5) {
        var both = 0, either = 0, positives = 0
        for i in 0..<truth.count {
            let predicted = probabilities[i] > threshold, actual = truth[i] != 0
            if predicted && actual { both += 1 }
            if predicted || actual { either += 1 }
            if actual { positives += 1 }
        }
        intersection[c] += both
        union[c] += either
        truthPixels[c] += positives
    }

    /// Jaccard of each class, nil for classes absent from the truth.
    public var perClass: [Double?] {
        intersection.indices.map { c in truthPixels[c] == 0 ? nil : Double(intersection[c]) / Double(union[c]) }
    }

    /// Mean over the classes present in the truth (0 when none is).
    public var mean: Double {
        let present = perClass.compactMap { $0 }
        return present.isEmpty ? 0 : present.reduce(0, +) / Double(present.count)
    }
}
