import Foundation

/// What the CPU running the engine can do, read once (Linux: /proc/cpuinfo).
public enum CPUFeatures {
    /// AVX-512 Foundation: the Winograd GEMM then runs on KernelsAVX512 instead of OpenBLAS.
    /// `PIPELINE_GEMM=openblas` turns it off (for comparisons, or to rule it out).
    public static let avx512: Bool = {
        if ProcessInfo.processInfo.environment["PIPELINE_GEMM"] == "openblas" { return false }
        #if arch(x86_64) && os(Linux)
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
        return flags.split(separator: " ").contains("avx512f")
        #else
        return false
        #endif
    }()
}
