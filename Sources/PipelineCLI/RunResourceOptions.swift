import ArgumentParser
import Distributed
import Scene

extension TileData: ExpressibleByArgument {}

/// `--memory-budget` and `--data`, shared by `run` and `coordinator`.
struct RunResourceOptions: ParsableArguments {
    @Option(name: .customLong("memory-budget"),
            help: "Peak memory of this process, local workers excluded: e.g. 1G, 1.5GB, 800M (default 1G). Too small to run at all is an error naming the minimum.")
    var memoryBudget: String = "1G"

    @Option(help: "What a job carries: 'pixels' (cut here and sent) or 'shared' (only the tile's window: workers open the scene's files themselves, through the same paths or GDAL URLs).")
    var data: TileData = .pixels

    func validate() throws {
        do { _ = try MemoryBudget(parsing: memoryBudget) } catch let error as SceneError { throw ValidationError(error.message) }
    }

    var budget: MemoryBudget { (try? MemoryBudget(parsing: memoryBudget)) ?? .default }
}
