import Foundation
import Testing

@testable import PipelineConfig

/// Scene lists of a batch (`run --scenes LIST`): text lists of folders or ids, STAC ItemCollections,
/// and `asset:` sources.
@Suite struct SceneListTests {
    /// A fresh folder with `files` (relative path → contents; a trailing `/` makes a folder).
    static func folder(_ files: [String: String]) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("scene-list-\(UUID().uuidString)").path
        for (name, contents) in files {
            let path = "\(root)/\(name)"
            if name.hasSuffix("/") {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } else {
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try contents.write(toFile: path, atomically: true, encoding: .utf8)
            }
        }
        return root
    }

    static func problems(_ body: () throws -> Any) -> [String] {
        do {
            _ = try body()
            Issue.record("expected a SceneListError")
        } catch let error as SceneListError {
            return error.problems.map(\.description)
        } catch {
            Issue.record("expected a SceneListError, got \(error)")
        }
        return []
    }

    @Test func aTextListNamesFoldersRelativeToItselfSkippingCommentsAndBlanks() throws {
        let root = try Self.folder(["data/a/": "", "data/b/": "", "lists/batch.txt": "# scenes\n\n../data/a\n  ../data/b  \n\(NSTemporaryDirectory())\n"])
        let scenes = try SceneList.read(path: "\(root)/lists/batch.txt")
        #expect(scenes.map(\.id) == ["a", "b", URL(fileURLWithPath: NSTemporaryDirectory()).lastPathComponent])
        #expect(scenes[0].location == .folder("\(root)/data/a", id: "a"))
        #expect(scenes[1].origin == "\(root)/lists/batch.txt:4")
    }

    @Test func everyMissingFolderIsOneLineWithTheListsFileAndLine() throws {
        let root = try Self.folder(["a/": "", "file": "x", "list.txt": "a\nmissing\n# note\nfile\n"])
        let lines = Self.problems { try SceneList.read(path: "\(root)/list.txt") }
        #expect(lines == ["\(root)/list.txt:2: scene folder 'missing' (\(root)/missing) does not exist",
                          "\(root)/list.txt:4: 'file' (\(root)/file) is a file, not a scene folder"])
    }

    @Test func withABaseFolderEachLineIsASceneID() throws {
        let root = try Self.folder(["flat/": "", "ids.txt": "6120_2_2\n6010_1_2\nsub/dir\n"])
        #expect(Self.problems { try SceneList.read(path: "\(root)/ids.txt", baseFolder: "\(root)/flat") }.first?.hasPrefix("\(root)/ids.txt:3: 'sub/dir' is not a scene id") == true)
        let root2 = try Self.folder(["flat/": "", "ids.txt": "6120_2_2\n6010_1_2\n"])
        let scenes = try SceneList.read(path: "\(root2)/ids.txt", baseFolder: "\(root2)/flat")
        #expect(scenes.map(\.location) == [.folder("\(root2)/flat", id: "6120_2_2"), .folder("\(root2)/flat", id: "6010_1_2")])
    }

    @Test func twoScenesOfOneIDAreRefused() throws {
        let root = try Self.folder(["x/a/": "", "y/a/": "", "list.txt": "x/a\ny/a\n"])
        #expect(Self.problems { try SceneList.read(path: "\(root)/list.txt") }
                == ["\(root)/list.txt: scene id 'a' of \(root)/list.txt:2 is already used by \(root)/list.txt:1 (each scene writes OUT/ID/)"])
    }

    @Test func anEmptyOrUnreadableListIsOneLine() throws {
        let root = try Self.folder(["empty.txt": "# nothing\n\n"])
        #expect(Self.problems { try SceneList.read(path: "\(root)/empty.txt") } == ["\(root)/empty.txt: the scene list names no scene"])
        #expect(Self.problems { try SceneList.read(path: "\(root)/absent.txt") }.first?.hasPrefix("\(root)/absent.txt: cannot read the scene list: ") == true)
    }

    @Test func aSTACItemCollectionResolvesHrefsAgainstItsFile() throws {
        let json = """
            {"type": "FeatureCollection", "features": [
              {"type": "Feature", "id": "s1", "assets": {"pan": {"href": "s1/pan.tif"}, "ms": {"href": "/data/s1_ms.tif"}}},
              {"type": "Feature", "id": "s2", "assets": {"pan": {"href": "https://example.com/s2/pan.tif"}, "ms": {"href": "s3://bucket/s2/ms.tif"}}}
            ]}
            """
        let root = try Self.folder(["stac/items.json": json])
        let scenes = try SceneList.read(path: "\(root)/stac/items.json")
        #expect(scenes.map(\.id) == ["s1", "s2"])
        guard case .stacItem(let first) = scenes[0].location, case .stacItem(let second) = scenes[1].location else {
            Issue.record("expected STAC items")
            return
        }
        #expect(first.assets == ["pan": "\(root)/stac/s1/pan.tif", "ms": "/data/s1_ms.tif"])
        #expect(second.assets == ["pan": "/vsicurl/https://example.com/s2/pan.tif", "ms": "/vsis3/bucket/s2/ms.tif"])
        #expect(scenes[1].origin == "\(root)/stac/items.json: features[1] (item 's2')")
    }

    @Test func badSTACFilesAreOneLineEach() throws {
        let root = try Self.folder([
            "broken.json": #"{"type": "FeatureCollection", "features": ["#,
            "kind.json": #"{"type": "Catalog", "id": "c"}"#,
            "items.json": #"{"type": "FeatureCollection", "features": [{"id": "a", "assets": {}}, {"assets": {"x": {"href": "x.tif"}}}]}"#,
        ])
        #expect(Self.problems { try SceneList.read(path: "\(root)/broken.json") }.first?.hasPrefix("\(root)/broken.json: not valid JSON") == true)
        #expect(Self.problems { try SceneList.read(path: "\(root)/kind.json") }
                == ["\(root)/kind.json: not a STAC ItemCollection: 'type' is 'Catalog' (expected FeatureCollection, or Feature for one item)"])
        #expect(Self.problems { try SceneList.read(path: "\(root)/items.json") }
                == ["\(root)/items.json: features[0]: item 'a' has no 'assets'", "\(root)/items.json: features[1]: a STAC item needs an 'id' (a non-empty string)"])
    }

    // MARK: asset: sources

    static let assetPipeline = """
        version: 1
        scene:
          sources:
            - asset: pan
            - path: "{id}_M.tif"
        model: {kind: identity, bands: [1]}
        """

    @Test func assetSourcesTakeTheItemsFilesAndPathsResolveAgainstTheCollection() throws {
        let spec = try parse(Self.assetPipeline)
        #expect(spec.scene.sources[0].asset == "pan" && spec.scene.sources[1].asset == nil)
        let item = STACItem(id: "s1", assets: ["pan": "/data/s1/pan.tif"], file: "/stac/items.json", folder: "/stac")
        #expect(try spec.resolvedSourcePaths(at: .stacItem(item)) == ["/data/s1/pan.tif", "/stac/s1_M.tif"])
    }

    @Test func anAssetTheItemLacksIsAnErrorAtItsLine() throws {
        let spec = try parse(Self.assetPipeline)
        let item = STACItem(id: "s1", assets: ["ms": "/data/ms.tif", "visual": "/data/v.tif"], file: "/stac/items.json", folder: "/stac")
        #expect(throws: ConfigError.self) { try spec.resolvedSourcePaths(at: .stacItem(item)) }
        do { _ = try spec.resolvedSourcePaths(at: .stacItem(item)) } catch let error as ConfigError {
            #expect(error.description == "\(testFile):4:7: scene.sources[0].asset: item 's1' of /stac/items.json has no asset 'pan' (it has ms, visual)")
        }
        do { _ = try spec.resolvedSourcePaths(sceneDirectory: "/scenes/a", sceneID: "a") } catch let error as ConfigError {
            #expect(error.description.contains("'pan' is a STAC asset key: list the scenes in a STAC ItemCollection"))
        }
    }

    @Test func aSourceTakesAPathOrAnAssetNotBoth() {
        expectParseError(
            """
            version: 1
            scene:
              sources:
                - {path: a.tif, asset: pan}
            model: {kind: identity, bands: [1]}
            """,
            .conflictingKey, line: 4, path: "scene.sources[0].path", message: "give 'path' (a file) or 'asset' (a STAC asset key), not both")
    }
}
