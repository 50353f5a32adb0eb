import Foundation
import Inference
import Kernels

/// `pipeline bench --profile`: where a forward pass spends its time, per operator type and for
/// the slowest nodes, from the engine's per-node wall times (averaged over the timed runs).
func printProfile(_ engine: Engine, inputShape: TensorShape, runs: Int) throws {
    let shapes = try engine.valueShapes(for: inputShape)
    let nodes = engine.graph.nodes, seconds = engine.nodeSeconds
    let total = seconds.reduce(0, +)
    guard total > 0 else { return }
    func milliseconds(_ s: Double) -> String { String(format: "%8.2f", s * 1e3 / Double(runs)) }
    func percent(_ s: Double) -> String { String(format: "%5.1f%%", 100 * s / total) }

    var byOp: [String: (seconds: Double, count: Int)] = [:]
    for (node, s) in zip(nodes, seconds) {
        let entry = byOp[node.op.name, default: (0, 0)]
        byOp[node.op.name] = (entry.seconds + s, entry.count + 1)
    }
    Console.line("# profile: ms per run by operator type")
    for (name, entry) in byOp.sorted(by: { $0.value.seconds > $1.value.seconds }) {
        Console.line("\(milliseconds(entry.seconds)) \(percent(entry.seconds))  \(name) x\(entry.count)")
    }
    Console.line("# profile: slowest nodes (ms per run, input -> output)")
    for index in seconds.indices.sorted(by: { seconds[$0] > seconds[$1] }).prefix(40) {
        let node = nodes[index]
        let input = node.inputs.map { shapes[$0].map { "\($0)" } ?? "?" }.joined(separator: " + ")
        let output = shapes[node.output].map { "\($0)" } ?? "?"
        Console.line("\(milliseconds(seconds[index])) \(percent(seconds[index]))  \(node.op.name) \(node.name)  \(input) -> \(output)")
    }
}
