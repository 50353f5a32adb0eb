import Foundation
import Raster
import Scene

/// What lets a killed coordinator resume without redoing a committed tile. In `OUT/.journal/`:
///
/// - `run.json`: what the run is (`RunIdentity`: everything that changes the stitched bytes); a
///   resume with anything else is refused, naming the setting.
/// - `tiles/<index>.bin`: each committed tile's quantized output and weight mask, written to a
///   temporary name and renamed (so a file is whole or absent), and deleted once every strip it
///   touches is written to the partial output file.
/// - `strips.log`: strips written (and flushed) to the partial output, one index per line.
/// - `committed.log`: every tile committed, one index per line (kept for the report and tests).
///
/// On resume, written strips are kept, journaled tiles are replayed into the stitcher, tiles whose
/// strips are all written are settled, and only the rest is sent to workers.
final class Journal {
    let directory: URL
    private let tilesDirectory: URL
    private let grid: TileGrid
    private var stripsLog: FileHandle
    private var committedLog: FileHandle
    private(set) var writtenStrips = Set<Int>()
    private(set) var committedBefore = Set<Int>()
    /// Journaled tiles whose strips are not all written yet.
    private var liveTiles = Set<Int>()

    /// Opens the journal for a new run (wiping any old one) or, with `resume`, continues one.
    init(outputDirectory: String, identity: RunIdentity, tiling: TileGrid, resume: Bool) throws {
        let directory = URL(fileURLWithPath: outputDirectory).appendingPathComponent(".journal")
        let tilesDirectory = directory.appendingPathComponent("tiles")
        self.directory = directory
        self.tilesDirectory = tilesDirectory
        grid = tiling
        let files = FileManager.default
        let identityURL = directory.appendingPathComponent("run.json")
        if resume {
            guard let data = try? Data(contentsOf: identityURL) else {
                throw DistributedError(code: .journal, message: "\(directory.path): no journal to resume from (run without --resume)")
            }
            guard let previous = try? JSONDecoder().decode(RunIdentity.self, from: data) else {
                throw DistributedError(code: .journal, message: "\(identityURL.path): the journal was written by another version of pipeline; run without --resume to start over")
            }
            if let difference = identity.difference(from: previous) {
                throw DistributedError(code: .journal, message: "cannot resume the run in \(outputDirectory): \(difference); run without --resume to start over")
            }
            writtenStrips = Set(try Journal.readLog(directory.appendingPathComponent("strips.log")))
            committedBefore = Set(try Journal.readLog(directory.appendingPathComponent("committed.log")))
            let names = (try? files.contentsOfDirectory(atPath: tilesDirectory.path)) ?? []
            liveTiles = Set(names.compactMap { $0.hasSuffix(".bin") ? Int($0.dropLast(4)) : nil })
            committedBefore.formUnion(liveTiles)
        } else {
            try? files.removeItem(at: directory)
            try Journal.step(tilesDirectory, "create the journal folder") {
                try files.createDirectory(at: tilesDirectory, withIntermediateDirectories: true)
            }
            try Journal.step(identityURL, "write the journal") { try JSONEncoder().encode(identity).write(to: identityURL) }
            for log in ["strips.log", "committed.log"] { files.createFile(atPath: directory.appendingPathComponent(log).path, contents: nil) }
        }
        stripsLog = try Journal.openLog(directory.appendingPathComponent("strips.log"))
        committedLog = try Journal.openLog(directory.appendingPathComponent("committed.log"))
    }

    private static func openLog(_ url: URL) throws -> FileHandle {
        try step(url, "open the journal log") {
            let handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
            return handle
        }
    }

    /// Runs one file operation, turning a Foundation error into one line naming the path.
    @discardableResult
    private static func step<T>(_ url: URL, _ doing: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DistributedError {
            throw error
        } catch {
            throw DistributedError(code: .journal, message: "\(url.path): cannot \(doing): \(FileErrorReason.describe(error))")
        }
    }

    /// True when a previous run committed `tile` and its output is on disk to replay.
    func hasOutput(of tile: Int) -> Bool { liveTiles.contains(tile) }

    func wasCommitted(_ tile: Int) -> Bool { committedBefore.contains(tile) }

    /// Records a committed tile's output before it is stitched.
    func recordCommit(tile: Int, probabilities: [UInt8], validity: [UInt8]) throws {
        let file = tilesDirectory.appendingPathComponent("\(tile).bin"), partial = tilesDirectory.appendingPathComponent("\(tile).bin.tmp")
        var data = Data(capacity: 8 + probabilities.count + validity.count)
        withUnsafeBytes(of: UInt64(probabilities.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: probabilities)
        data.append(contentsOf: validity)
        try Journal.step(partial, "write the journal entry") { try data.write(to: partial) }
        // rename(2) replaces atomically: a crash leaves the old state or the new, never half a file.
        guard rename(partial.path, file.path) == 0 else {
            throw DistributedError(code: .journal, message: "\(file.path): cannot write the journal entry (errno \(errno))")
        }
        liveTiles.insert(tile)
        try Journal.step(directory.appendingPathComponent("committed.log"), "append to the journal log") {
            try committedLog.write(contentsOf: Data("\(tile)\n".utf8))
        }
    }

    /// A journaled tile's output: (probabilities, validity).
    func output(of tile: Int) throws -> ([UInt8], [UInt8]) {
        let url = tilesDirectory.appendingPathComponent("\(tile).bin")
        let data = try Journal.step(url, "read the journal entry") { try Data(contentsOf: url) }
        guard data.count >= 8 else { throw DistributedError(code: .journal, message: "journal entry of tile \(tile) is truncated") }
        let count = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian })
        guard count <= data.count - 8 else { throw DistributedError(code: .journal, message: "journal entry of tile \(tile) is truncated") }
        return (Array(data[8..<8 + count]), Array(data[(8 + count)...]))
    }

    /// Records a strip as written (after the output file was flushed), and forgets tiles whose
    /// strips are now all written.
    func recordStrip(_ strip: Int) throws {
        writtenStrips.insert(strip)
        try Journal.step(directory.appendingPathComponent("strips.log"), "append to the journal log") {
            try stripsLog.write(contentsOf: Data("\(strip)\n".utf8))
        }
        for tile in liveTiles {
            let row = grid.tile(index: tile).row
            if grid.strips(touchedByTileRow: row).allSatisfy(writtenStrips.contains) {
                try? FileManager.default.removeItem(at: tilesDirectory.appendingPathComponent("\(tile).bin"))
                liveTiles.remove(tile)
            }
        }
    }

    /// Forces the logs to disk (a run stopping early; tile files are whole by rename already).
    func flush() throws {
        for (handle, name) in [(stripsLog, "strips.log"), (committedLog, "committed.log")] {
            try Journal.step(directory.appendingPathComponent(name), "flush the journal log") { try handle.synchronize() }
        }
    }

    /// The run finished: the journal is no longer needed.
    func remove() {
        try? stripsLog.close()
        try? committedLog.close()
        try? FileManager.default.removeItem(at: directory)
    }

    private static func readLog(_ url: URL) throws -> [Int] {
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        // A line cut short by a crash has no newline: ignore it.
        let complete = text.hasSuffix("\n") ? text : String(text[..<(text.lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex)])
        return complete.split(separator: "\n").compactMap { Int($0) }
    }
}

/// Writes strips to the output and records them in the journal once they are on disk.
final class JournalingSink: StripSink {
    private let writer: ProbabilityRasterWriter
    private let journal: Journal
    private let step: Int
    private let height: Int

    init(writer: ProbabilityRasterWriter, journal: Journal, step: Int, height: Int) {
        self.writer = writer
        self.journal = journal
        self.step = step
        self.height = height
    }

    /// A strip comes in chunks of rows: it is journaled once its last chunk is on disk.
    func write(window: PixelWindow, values: [UInt8]) throws {
        try writer.write(window: window, values: values)
        let end = window.row + window.height
        guard end % step == 0 || end == height else { return }
        try writer.flush()
        try journal.recordStrip((end - 1) / step)
    }
}
