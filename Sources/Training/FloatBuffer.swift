import Kernels

/// A fixed-size, zero-initialised block of floats owned by a layer or model (activations,
/// gradients, parameters). Raw memory so hot loops pay no copy-on-write or exclusivity checks.
final class FloatBuffer {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { pointer.deallocate() }

    var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    func zero() { pointer.update(repeating: 0, count: count) }

    func copy(from values: [Float]) {
        precondition(values.count == count, "\(values.count) values for a buffer of \(count)")
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: count) }
    }
}

/// A trainable tensor: its values and the gradient of the loss with respect to them.
final class Parameter {
    let name: String
    let shape: [Int]
    let value: FloatBuffer
    let gradient: FloatBuffer

    init(name: String, shape: [Int]) {
        self.name = name
        self.shape = shape
        let count = shape.reduce(1, *)
        value = FloatBuffer(count: count)
        gradient = FloatBuffer(count: count)
    }
}

/// Per-worker scratch memory that only grows: sized once for the largest layer of a batch shape,
/// so steps allocate nothing.
final class Scratch {
    private(set) var regions: [FloatBuffer] = []
    /// The Kernels' Winograd workspace, shared by every convolution of a model (grows to the largest).
    let winograd = Workspace()
    private(set) var floatsPerWorker = 0

    func reserve(floatsPerWorker floats: Int, workers: Int) {
        guard floats > floatsPerWorker || workers > regions.count else { return }
        floatsPerWorker = max(floats, floatsPerWorker)
        regions = (0..<max(workers, regions.count)).map { _ in FloatBuffer(count: floatsPerWorker) }
    }

    func region(_ worker: Int) -> UnsafeMutablePointer<Float> { regions[worker].pointer }
}
