// Training throughput of the Training module on random data, in the format of
// ops/bench/torch_train_reference.py (run both with ops/bench/training-vs-pytorch.sh).
//
// Usage: TrainingBenchmark [--base 16] [--depth 4] [--patch 128] [--batch 8] [--threads 1,2] [--steps 10]
import Foundation
import Training

var options = ["base": "16", "depth": "4", "patch": "128", "batch": "8", "threads": "1,2", "steps": "10"]
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    let key = String(flag.drop { $0 == "-" })
    guard options[key] != nil, let value = arguments.popFirst() else {
        FileHandle.standardError.write(Data("TrainingBenchmark: unknown option or missing value: \(flag)\n".utf8))
        exit(2)
    }
    options[key] = value
}
func integer(_ key: String, in options: [String: String]) -> Int {
    guard let value = Int(options[key]!), value > 0 else {
        FileHandle.standardError.write(Data("TrainingBenchmark: --\(key) must be a positive integer\n".utf8))
        exit(2)
    }
    return value
}
let (base, depth, patch, batch, steps) = (integer("base", in: options), integer("depth", in: options), integer("patch", in: options),
                                          integer("batch", in: options), integer("steps", in: options))
let threadCounts = options["threads"]!.split(separator: ",").compactMap { Int($0) }

print("# Training module; U-Net 20->10 base \(base) depth \(depth), patch \(patch), batch \(batch)")
print("threads  steps  median_ms_per_step  patches_per_s  cpu_ms_per_step")
for threads in threadCounts {
    do {
        let architecture = UNetArchitecture(inputBands: 20, classes: 10, depth: depth, baseFilters: base, batchNorm: true)
        let model = try UNetModel(architecture: architecture, seed: 0)
        let trainer = Trainer(model: model, loss: JaccardBCELoss(), optimizer: Adam(learningRate: 1e-3), threads: threads, seed: 0)
        var generator = BenchRandom(state: 42)
        let inputs = (0..<(batch * 20 * patch * patch)).map { _ in Float.random(in: 0..<1, using: &generator) }
        let targets = (0..<(batch * 10 * patch * patch)).map { _ in Float.random(in: 0..<1, using: &generator) > 0.8 ? Float(1) : 0 }
        var times: [Double] = []
        var cpu = 0.0
        for step in 0..<(steps + 2) {  // two warm-up steps
            let start = DispatchTime.now().uptimeNanoseconds, startCPU = processCPUSeconds()
            _ = try trainer.step(inputs: inputs, targets: targets, batch: batch, size: patch)
            if step >= 2 {
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                cpu += processCPUSeconds() - startCPU
            }
        }
        times.sort()
        let median = times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
        print(String(format: "%-8d %-6d %18.1f  %13.2f  %16.1f", threads, steps, median, Double(batch) * 1000 / median,
                     cpu * 1000 / Double(steps)))
    } catch {
        FileHandle.standardError.write(Data("TrainingBenchmark: \(error)\n".utf8))
        exit(1)
    }
}

/// CPU seconds used by this process (all threads): on a shared machine, wall time includes waiting.
func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// SplitMix64, so the random batch costs no system calls.
struct BenchRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
