/// Draws training batches from scenes held in memory: where each patch lies, then its inputs and
/// targets (with a random dihedral transform when augmenting). All randomness comes from the
/// `TrainingRandom` passed in, so a resumed run draws the same batches.
public struct PatchSampler: Sendable {
    public enum Mode: Sendable {
        /// Pick a class uniformly among the classes with truth pixels, then one of its pixels
        /// (over all scenes), and place the patch so it holds that pixel at a random position.
        case classBalanced
        /// Pick a patch corner uniformly (scenes in proportion to their number of corners).
        case uniform
    }

    public let scenes: [LabelledScene]
    public let size: Int
    public let mode: Mode
    public let augment: Bool
    /// For each class: the scenes' truth pixel positions (y * width + x) of that class, and the
    /// running totals used to pick one uniformly over all scenes.
    private let positives: [[[Int32]]]
    private let positiveTotals: [[Int]]
    /// The classes that have at least one truth pixel.
    public let sampledClasses: [Int]

    public var bandCount: Int { scenes[0].bandCount }
    public var classCount: Int { scenes[0].classCount }

    /// Scenes must share band and class counts and each be at least `size` on both sides.
    public init(scenes: [LabelledScene], size: Int, mode: Mode, augment: Bool) throws {
        precondition(!scenes.isEmpty)
        for scene in scenes where scene.width < size || scene.height < size {
            throw TrainingRunError(
                code: .sceneTooSmall,
                message: "the scene is \(scene.width) x \(scene.height) px, smaller than the \(size)-px patches (patches.size)",
                location: scene.name)
        }
        self.scenes = scenes
        self.size = size
        self.mode = mode
        self.augment = augment
        let classCount = scenes[0].classCount
        var positives: [[[Int32]]] = []
        var totals: [[Int]] = []
        for c in 0..<classCount {
            var perScene: [[Int32]] = []
            var running: [Int] = []
            var total = 0
            for scene in scenes {
                let plane = scene.width * scene.height
                var list: [Int32] = []
                if mode == .classBalanced {
                    scene.truth.withUnsafeBufferPointer { truth in
                        for i in 0..<plane where truth[c * plane + i] != 0 { list.append(Int32(i)) }
                    }
                }
                total += list.count
                running.append(total)
                perScene.append(list)
            }
            positives.append(perScene)
            totals.append(running)
        }
        self.positives = positives
        positiveTotals = totals
        sampledClasses = (0..<classCount).filter { (totals[$0].last ?? 0) > 0 }
        if mode == .classBalanced && sampledClasses.isEmpty {
            throw TrainingRunError(code: .noLabels, message: "the training truth has no pixel of any class: nothing to learn",
                                location: scenes.map(\.name).joined(separator: ", "))
        }
    }

    /// Where a patch is: scene index and top-left corner.
    public struct Placement: Equatable, Sendable {
        public var scene: Int
        public var x: Int
        public var y: Int
        /// Dihedral transform 0..<8 (0: as is).
        public var transform: Int
    }

    public func place(_ random: inout TrainingRandom) -> Placement {
        var placement: Placement
        switch mode {
        case .uniform:
            let corners = scenes.map { ($0.width - size + 1) * ($0.height - size + 1) }
            var pick = random.below(corners.reduce(0, +))
            var index = 0
            while pick >= corners[index] { pick -= corners[index]; index += 1 }
            let columns = scenes[index].width - size + 1
            placement = Placement(scene: index, x: pick % columns, y: pick / columns, transform: 0)
        case .classBalanced:
            let c = sampledClasses[random.below(sampledClasses.count)]
            let pick = random.below(positiveTotals[c].last!)
            let index = positiveTotals[c].firstIndex { pick < $0 }!
            let offset = pick - (index == 0 ? 0 : positiveTotals[c][index - 1])
            let scene = scenes[index]
            let position = Int(positives[c][index][offset])
            // The pixel lands anywhere in the patch, not always in its centre.
            let x = position % scene.width - random.below(size), y = position / scene.width - random.below(size)
            placement = Placement(scene: index, x: min(max(x, 0), scene.width - size), y: min(max(y, 0), scene.height - size),
                                  transform: 0)
        }
        if augment { placement.transform = random.below(8) }
        return placement
    }

    /// A batch: inputs NCHW (`batch * bands * size²`) and 0/1 targets NCHW (`batch * classes * size²`).
    public func batch(_ count: Int, random: inout TrainingRandom) -> (inputs: [Float], targets: [Float]) {
        let plane = size * size
        var inputs = [Float](repeating: 0, count: count * bandCount * plane)
        var targets = [Float](repeating: 0, count: count * classCount * plane)
        var inputPatch = [Float](repeating: 0, count: bandCount * plane)
        var targetPatch = [Float](repeating: 0, count: classCount * plane)
        for n in 0..<count {
            let placement = place(&random)
            let scene = scenes[placement.scene]
            cut(scene.inputs, planes: bandCount, scene: scene, at: placement, into: &inputPatch) { $0 }
            cut(scene.truth, planes: classCount, scene: scene, at: placement, into: &targetPatch) { Float($0) }
            inputPatch.withUnsafeBufferPointer { source in
                inputs.withUnsafeMutableBufferPointer { target in
                    Dihedral.transform(placement.transform, size: size, planes: bandCount, from: source.baseAddress!,
                                       to: target.baseAddress! + n * bandCount * plane)
                }
            }
            targetPatch.withUnsafeBufferPointer { source in
                targets.withUnsafeMutableBufferPointer { target in
                    Dihedral.transform(placement.transform, size: size, planes: classCount, from: source.baseAddress!,
                                       to: target.baseAddress! + n * classCount * plane)
                }
            }
        }
        return (inputs, targets)
    }

    private func cut<T>(_ values: [T], planes: Int, scene: LabelledScene, at placement: Placement, into patch: inout [Float],
                        convert: (T) -> Float) {
        let scenePlane = scene.width * scene.height
        values.withUnsafeBufferPointer { source in
            patch.withUnsafeMutableBufferPointer { target in
                for p in 0..<planes {
                    for row in 0..<size {
                        let from = p * scenePlane + (placement.y + row) * scene.width + placement.x
                        let to = (p * size + row) * size
                        for col in 0..<size { target[to + col] = convert(source[from + col]) }
                    }
                }
            }
        }
    }
}
