/// Predicts a whole scene with a model that takes `size`-pixel patches: patches on a regular grid,
/// the last row and column moved back to end at the scene's edge, `batch` patches per call.
public enum SceneValidation {
    /// Patch corners along one side: 0, size, 2·size, … and `length - size` last.
    static func corners(length: Int, size: Int) -> [Int] {
        var corners = Array(stride(from: 0, to: length - size, by: size))
        corners.append(length - size)
        return corners
    }

    /// Class-sequential probabilities of the whole scene.
    public static func predict(_ scene: LabelledScene, size: Int, batch: Int, model: TrainableModel) throws -> [Float] {
        let placements = corners(length: scene.height, size: size).flatMap { y in corners(length: scene.width, size: size).map { (x: $0, y: y) } }
        let plane = size * size, scenePlane = scene.width * scene.height
        let bands = scene.bandCount, classes = scene.classCount
        var output = [Float](repeating: 0, count: classes * scenePlane)
        var start = 0
        while start < placements.count {
            let group = placements[start..<min(start + batch, placements.count)]
            var inputs = [Float](repeating: 0, count: group.count * bands * plane)
            for (n, corner) in group.enumerated() {
                for b in 0..<bands {
                    for row in 0..<size {
                        let from = b * scenePlane + (corner.y + row) * scene.width + corner.x
                        let to = ((n * bands + b) * size + row) * size
                        for col in 0..<size { inputs[to + col] = scene.inputs[from + col] }
                    }
                }
            }
            let predicted = try model.predict(inputs, batch: group.count, size: size)
            for (n, corner) in group.enumerated() {
                for c in 0..<classes {
                    for row in 0..<size {
                        let from = ((n * classes + c) * size + row) * size
                        let to = c * scenePlane + (corner.y + row) * scene.width + corner.x
                        for col in 0..<size { output[to + col] = predicted[from + col] }
                    }
                }
            }
            start += group.count
        }
        return output
    }
}
