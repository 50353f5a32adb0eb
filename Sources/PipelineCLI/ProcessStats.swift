import Foundation

enum ProcessStats {
    /// Peak resident set size of this process so far, in MB (Linux reports ru_maxrss in KiB).
    static var peakResidentMegabytes: Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// CPU time of this process so far (user + system), in seconds; worker processes excluded.
    static var cpuSeconds: Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// One malloc arena for a coordinating process (`run` with workers, `coordinator`): its reading
    /// thread allocates tiles that the socket loop frees, and with an arena per thread glibc kept
    /// the freed tiles' memory in the reading thread's arena (an 8,192² run with 64 workers peaked
    /// at 420 MB instead of 337 MB, outside what the memory budget counts). Such a process does
    /// little allocation otherwise, so one arena costs no measurable time; processes running the
    /// model keep glibc's default.
    static func useOneMallocArena() {
        // glibc's mallopt(M_ARENA_MAX, 1); <malloc.h> is not part of Swift's Glibc module.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let arenaMax: Int32 = -8  // M_ARENA_MAX
        guard let symbol = dlsym(nil, "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(arenaMax, 1)
    }
}
