import Testing

@testable import PipelineConfig

@Suite struct SourcePathTests {
    static let yaml = """
        version: 1
        scene:
          id: 6120_2_2
          sources:
            - path: "three_band/{id}.tif"
            - path: "./sixteen_band/../sixteen_band/{id}_P.tif"
            - path: /data/dem.tif
            - path: "/vsicurl/https://example.org/scenes/{id}_M.tif"
        model: {kind: identity, bands: [1]}
        """

    @Test func substitutesTheSceneIDAndResolvesRelativePaths() throws {
        let paths = try parse(Self.yaml).resolvedSourcePaths(sceneDirectory: "/scenes/DSTL/", sceneID: nil)
        #expect(
            paths == [
                "/scenes/DSTL/three_band/6120_2_2.tif",
                "/scenes/DSTL/sixteen_band/6120_2_2_P.tif",
                "/data/dem.tif",
                "/vsicurl/https://example.org/scenes/6120_2_2_M.tif",
            ])
    }

    @Test func unquotedIDsStayStrings() throws {
        // YAML 1.1 would read 6120_2_2 as the integer 612022; the id must stay as written.
        #expect(try parse(Self.yaml).scene.id == "6120_2_2")
    }

    @Test func callersIDWinsOverTheSpecs() throws {
        let paths = try parse(Self.yaml).resolvedSourcePaths(sceneDirectory: "DSTL", sceneID: "6010_1_2")
        #expect(paths[0] == "DSTL/three_band/6010_1_2.tif")
        #expect(paths[1] == "DSTL/sixteen_band/6010_1_2_P.tif")
    }

    @Test func emptyCallerIDFallsBackToTheSpecs() throws {
        let paths = try parse(Self.yaml).resolvedSourcePaths(sceneDirectory: ".", sceneID: "")
        #expect(paths[0] == "three_band/6120_2_2.tif")
    }

    @Test func virtualSceneFolderIsJoinedAsIs() throws {
        let paths = try parse(Self.yaml).resolvedSourcePaths(
            sceneDirectory: "/vsis3/bucket/dstl", sceneID: nil)
        #expect(paths[0] == "/vsis3/bucket/dstl/three_band/6120_2_2.tif")
    }

    @Test func idPlaceholderWithoutAnyIDPointsAtThePath() throws {
        let spec = try parse(
            """
            version: 1
            scene:
              sources:
                - path: fixed.tif
                - path: "sixteen_band/{id}_M.tif"
            model: {kind: identity, bands: [1]}
            """)
        do {
            _ = try spec.resolvedSourcePaths(sceneDirectory: "/scenes", sceneID: nil)
            Issue.record("expected a missing scene id")
        } catch let error as ConfigError {
            expectError(
                error, .missingSceneID, line: 5, column: 7, path: "scene.sources[1].path",
                message: "'sixteen_band/{id}_M.tif' contains {id}, but no scene id is known (pass --scene-id or set scene.id)")
        }
    }

    @Test func pathsWithoutPlaceholderNeedNoID() throws {
        let spec = try parse(
            """
            version: 1
            scene: {sources: [{path: a.tif}]}
            model: {kind: identity, bands: [1]}
            """)
        #expect(try spec.resolvedSourcePaths(sceneDirectory: "/s", sceneID: nil) == ["/s/a.tif"])
    }
}
