import Foundation

enum ProcessStats {
    /// Peak resident set size of this process so far, in MB (Linux reports ru_maxrss in KiB).
    static var peakResidentMegabytes: Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
