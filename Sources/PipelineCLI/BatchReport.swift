import Foundation

/// What a batch did (`OUT/batch-report.json`, and the table printed at its end): one row per
/// listed scene, in the list's order.
struct BatchReport: Codable {
    enum Status: String, Codable {
        /// Run to the end: outputs and `run-report.json` in `outputs`.
        case done
        /// Finished by an earlier run of the batch (`--resume`): left as it was.
        case finishedBefore = "finished before"
        case failed
        /// Stopped by a signal with its journal kept: `--resume` continues it.
        case interrupted
        /// Not started: the batch was stopped first.
        case notStarted = "not started"
    }

    struct Scene: Codable {
        var id: String
        /// Where the list names it (`scenes.txt:3`, `items.json: features[1] (item 'x')`).
        var origin: String
        var status: Status
        /// Tiles committed (resumed ones included).
        var tiles: Int?
        /// From opening the scene to its report written.
        var seconds: Double?
        /// The scene's output folder.
        var outputs: String?
        /// The one-line error of a failed or interrupted scene.
        var error: String?
        /// Seconds from the batch's start to when the scene's tiles began to be handed out, and to
        /// when its last tile was in.
        var tilesStartedAt: Double?
        var tilesDoneAt: Double?
        /// `tilesStartedAt` minus the previous scene's `tilesDoneAt`: negative when this scene's
        /// tiles were handed out while the scene before still had tiles on workers.
        var handoverSeconds: Double?
    }

    var pipeline: String
    var scenes: String
    var outputs: String
    var seconds: Double
    var results: [Scene]

    var failed: Int { results.filter { $0.status == .failed }.count }

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw ValidationFailure(message: "\(path): cannot write the batch report: \(error.localizedDescription)")
        }
    }

    /// The table printed at the end: scene, status, tiles, seconds, outputs folder or the error.
    var table: [String] {
        let header = ["scene", "status", "tiles", "seconds", "outputs or error"]
        let rows = results.map { scene in
            [scene.id, scene.status.rawValue, scene.tiles.map(String.init) ?? "-", scene.seconds.map { String(format: "%.1f", $0) } ?? "-",
             scene.error ?? scene.outputs ?? "-"]
        }
        let widths = (0..<4).map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            (0..<4).map { column in
                let cell = cells[column], pad = String(repeating: " ", count: widths[column] - cell.count)
                return column >= 2 ? pad + cell : cell + pad
            }.joined(separator: "  ") + "  " + cells[4]
        }
        return [line(header)] + rows.map(line)
    }
}
