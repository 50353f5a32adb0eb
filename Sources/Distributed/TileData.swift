/// What a JOB carries (`--data`): the tile's pixels, cut by the coordinator, or only its window,
/// for workers that open the scene themselves from shared storage (NFS, `/vsis3/`, `/vsicurl/`)
/// so that the coordinator only schedules and stitches.
public enum TileData: String, Sendable, CaseIterable, Codable {
    case pixels
    case shared
}
