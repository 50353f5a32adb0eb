/// One scene of a batch (`pipeline run --scenes LIST`): what it is called and where its files are.
public struct ListedScene: Sendable, Equatable {
    /// The scene's name: its output sub-folder (`OUT/ID/`), its row in the batch report, and the
    /// `{id}` of source paths.
    public var id: String
    public var location: SceneLocation
    /// Where the list names it, for messages: `scenes.txt:4`, `items.json: features[2]`.
    public var origin: String

    public init(id: String, location: SceneLocation, origin: String) {
        self.id = id
        self.location = location
        self.origin = origin
    }
}

/// Where a scene's files are.
public enum SceneLocation: Sendable, Equatable {
    /// A folder: source paths are relative to it, `{id}` is replaced by the id.
    case folder(String, id: String)
    /// An item of a STAC ItemCollection: `asset:` sources are its assets; `path:` sources are
    /// relative to the collection file's folder, with `{id}` replaced by the item's id.
    case stacItem(STACItem)

    /// The folder relative `path:` sources are resolved against.
    public var folder: String {
        switch self {
        case .folder(let folder, _): folder
        case .stacItem(let item): item.folder
        }
    }
}

/// A STAC item as a batch uses it: its id and its assets' files.
public struct STACItem: Sendable, Equatable {
    public var id: String
    /// Asset key → a path GDAL opens: hrefs relative to the collection file resolved against its
    /// folder; `http(s)://` as `/vsicurl/`, `s3://` as `/vsis3/`, `gs://` as `/vsigs/`.
    public var assets: [String: String]
    /// The collection file as the user named it.
    public var file: String
    /// The collection file's folder.
    public var folder: String

    public init(id: String, assets: [String: String], file: String, folder: String) {
        self.id = id
        self.assets = assets
        self.file = file
        self.folder = folder
    }
}
