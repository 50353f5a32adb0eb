import Kernels

/// Buffers for one input shape: every intermediate value gets a slot in an arena, reused as
/// soon as the values in it are dead, so a forward pass allocates nothing and a U-Net needs a
/// few activations' worth of memory rather than one buffer per layer.
final class ExecutionPlan {
    let inputShape: TensorShape
    /// Shape of every value (input, constants, node outputs).
    let shapes: [ValueID: TensorShape]
    /// Arena slot of each node output.
    let slotOf: [ValueID: Int]
    let slots: [UnsafeMutablePointer<Float>]
    let slotCapacities: [Int]
    let workspace = Workspace()

    init(graph: Graph, kernels: [PreparedKernel], inputShape: TensorShape, threads: Int) throws {
        self.inputShape = inputShape
        shapes = try graph.inferShapes(input: inputShape)
        let (slotOf, capacities) = ExecutionPlan.assignSlots(graph: graph, shapes: shapes)
        self.slotOf = slotOf
        slotCapacities = capacities
        slots = capacities.map { UnsafeMutablePointer<Float>.allocate(capacity: max($0, 1)) }

        var scratch = 0
        for (node, kernel) in zip(graph.nodes, kernels) {
            // (Shape inference has checked that the inputs join.)
            let input = graph.readShape(of: node, inputs: node.inputs.map { shapes[$0]! })!
            switch kernel {
            case .convolution(let conv): scratch = max(scratch, conv.workspaceFloats(for: input))
            case .transposed(let conv): scratch = max(scratch, conv.workspaceFloats(for: input))
            case .affine, .none: break
            }
        }
        workspace.reserve(floatsPerWorker: scratch, workers: threads)
    }

    /// Arena slots for every node output: each value gets a slot, reused once the values in it
    /// are dead. Returns the slot of each value and the capacity (floats) of each slot.
    static func assignSlots(graph: Graph, shapes: [ValueID: TensorShape]) -> (slotOf: [ValueID: Int], capacities: [Int]) {
        // Index of the last node reading each value; graph outputs stay alive to the end.
        var lastUse: [ValueID: Int] = [:]
        for (index, node) in graph.nodes.enumerated() { for input in node.inputs { lastUse[input] = index } }
        for output in graph.outputs { lastUse[output.value] = Int.max }

        var slotOf: [ValueID: Int] = [:], capacities: [Int] = [], free: [Int] = []
        for (index, node) in graph.nodes.enumerated() {
            let size = shapes[node.output]!.count
            // Best fit among free slots; otherwise grow the largest free one; otherwise a new slot.
            let fitting = free.filter { capacities[$0] >= size }.min { capacities[$0] < capacities[$1] }
            let slot: Int
            if let fitting {
                slot = fitting
            } else if let largest = free.max(by: { capacities[$0] < capacities[$1] }) {
                slot = largest
                capacities[slot] = size
            } else {
                slot = capacities.count
                capacities.append(size)
            }
            free.removeAll { $0 == slot }
            slotOf[node.output] = slot
            // Inputs whose last reader is this node free their slots only now, after the output
            // got its own, so no kernel ever reads and writes the same buffer.
            for input in Set(node.inputs) where lastUse[input] == index {
                if let s = slotOf[input] { free.append(s) }
            }
        }
        return (slotOf, capacities)
    }

    /// Bytes held by the arena and the workspace.
    var bytes: Int { (slotCapacities.reduce(0, +) + workspace.floatsPerWorker * workspace.workers) * 4 }

    deinit { for slot in slots { slot.deallocate() } }
}
