/// Concatenates NCHW tensors along `axis` (0...3); all other extents must agree.
/// Large copies are cut into pieces shared among `threads` workers (a U-Net's skip concatenations
/// move tens of MB per tile: memory-bound, but one core does not saturate the memory system).
public func concatenate(_ inputs: [(pointer: UnsafePointer<Float>, shape: TensorShape)], axis: Int,
                        into output: UnsafeMutablePointer<Float>, threads: Int = 1) {
    func extents(_ s: TensorShape) -> [Int] { [s.n, s.c, s.h, s.w] }
    guard let first = inputs.first else { return }
    let outer = extents(first.shape)[..<axis].reduce(1, *)
    // Each input contributes one contiguous run of (its extent along axis) x (inner size) per outer index.
    let runs = inputs.map { extents($0.shape)[axis...].reduce(1, *) }
    let total = runs.reduce(0, +)
    let pieceFloats = 1 << 16
    var pieces: [(target: UnsafeMutablePointer<Float>, source: UnsafePointer<Float>, count: Int)] = []
    for o in 0..<outer {
        var offset = o * total
        for (input, run) in zip(inputs, runs) {
            for start in stride(from: 0, to: run, by: pieceFloats) {
                pieces.append((output + offset + start, input.pointer + o * run + start, min(pieceFloats, run - start)))
            }
            offset += run
        }
    }
    parallelFor(pieces.count, threads: threads) { index, _ in
        let piece = pieces[index]
        piece.target.update(from: piece.source, count: piece.count)
    }
}

public func concatenatedShape(_ shapes: [TensorShape], axis: Int) -> TensorShape? {
    guard var result = shapes.first.map({ [$0.n, $0.c, $0.h, $0.w] }) else { return nil }
    for s in shapes.dropFirst() {
        let e = [s.n, s.c, s.h, s.w]
        for a in 0..<4 where a != axis && e[a] != result[a] { return nil }
        result[axis] += e[axis]
    }
    return TensorShape(n: result[0], c: result[1], h: result[2], w: result[3])
}
