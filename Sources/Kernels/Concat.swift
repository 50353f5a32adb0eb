/// Concatenates NCHW tensors along `axis` (0...3); all other extents must agree.
public func concatenate(_ inputs: [(pointer: UnsafePointer<Float>, shape: TensorShape)], axis: Int,
                        into output: UnsafeMutablePointer<Float>) {
    func extents(_ s: TensorShape) -> [Int] { [s.n, s.c, s.h, s.w] }
    guard let first = inputs.first else { return }
    let outer = extents(first.shape)[..<axis].reduce(1, *)
    // Each input contributes one contiguous run of (its extent along axis) x (inner size) per outer index.
    let runs = inputs.map { extents($0.shape)[axis...].reduce(1, *) }
    let total = runs.reduce(0, +)
    for o in 0..<outer {
        var offset = o * total
        for (input, run) in zip(inputs, runs) {
            (output + offset).update(from: input.pointer + o * run, count: run)
            offset += run
        }
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
