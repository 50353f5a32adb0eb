import Testing
import Yams

@testable import PipelineConfig

@Suite struct VersionTests {
    @Test func newerVersionIsUnsupportedAndNamesTheSupportedOnes() {
        expectParseError(
            """
            # from a future release
            version: 2
            scene: {sources: [{path: a.tif}]}
            model: {kind: identity, bands: [1]}
            """,
            .unsupportedVersion, line: 2, column: 1, path: "version",
            message: "unsupported version 2 (this build reads version 1); the file needs a newer release")
    }

    @Test func olderVersionWithoutUpgradeSaysHowToMoveOn() {
        expectParseError(
            """
            version: 0
            scene: {sources: [{path: a.tif}]}
            """,
            .unsupportedVersion, line: 1, path: "version",
            message: "unsupported version 0 (this build reads version 1); versions before 1 cannot be upgraded automatically: rewrite the file for version 1")
    }

    @Test func versionIsRequired() {
        expectParseError(
            """
            scene: {sources: [{path: a.tif}]}
            model: {kind: identity, bands: [1]}
            """,
            .missingKey, line: 1, column: 1, path: "version", message: "missing required key 'version'")
    }

    @Test func versionMustBeAnInteger() {
        expectParseError(
            """
            version: "1"
            scene: {sources: [{path: a.tif}]}
            """,
            .wrongType, line: 1, path: "version", message: "expected an integer, got the quoted string \"1\"")
    }

    @Test func versionIsCheckedBeforeKeys() {
        // A version-2 file may use keys version 1 does not know: the version error comes first.
        expectParseError(
            """
            version: 2
            tiles: {size: 512}
            """,
            .unsupportedVersion, line: 1, path: "version", message: "unsupported version 2")
    }

    @Test func supportedVersionsFormAChainEndingAtTheCurrentOne() {
        #expect(PipelineSpec.supportedVersions == [1])
        #expect(SchemaHistory.pipeline.isContiguous)
        #expect(SchemaHistory.pipeline.supportedVersions.last == PipelineSpec.currentVersion)
    }

    // The upgrade mechanism, on a made-up history (3 versions, no pipeline schema involved): each
    // step appends its marker to a `steps` list in the document.

    static func appendStep(_ name: String) -> @Sendable (inout Node) throws -> Void {
        { root in
            var steps = root["steps"]?.sequence ?? Node.Sequence()
            steps.append(Node(name))
            root["steps"] = .sequence(steps)
        }
    }

    static let threeVersions = SchemaHistory(
        current: 3,
        upgrades: [
            SchemaUpgrade(from: 1, upgrade: appendStep("1to2")),
            SchemaUpgrade(from: 2, upgrade: appendStep("2to3")),
        ])

    static func runUpgrades(_ yaml: String, history: SchemaHistory = threeVersions) throws -> [String] {
        var root = try #require(try Yams.compose(yaml: yaml))
        let context = ReadContext(file: testFile)
        try history.upgrade(&root, context: context, rootLocation: PipelineConfig.SourceLocation(file: testFile, line: 1, column: 1))
        return root["steps"]?.array().compactMap(\.string) ?? []
    }

    @Test func upgradesRunInOrderFromTheFilesVersion() throws {
        #expect(Self.threeVersions.supportedVersions == [1, 2, 3])
        #expect(try Self.runUpgrades("version: 1") == ["1to2", "2to3"])
        #expect(try Self.runUpgrades("version: 2") == ["2to3"])
        #expect(try Self.runUpgrades("version: 3") == [])
    }

    @Test func versionsOutsideTheChainAreUnsupported() {
        #expect {
            try Self.runUpgrades("version: 0")
        } throws: { error in
            (error as? ConfigError)?.message.hasPrefix("unsupported version 0 (this build reads versions 1, 2, 3)") == true
        }
        #expect {
            try Self.runUpgrades("version: 4")
        } throws: { error in
            (error as? ConfigError)?.code == .unsupportedVersion
        }
    }

    @Test func aFailingUpgradeReportsItsStepAtTheVersionLine() throws {
        struct Unconvertible: Error, CustomStringConvertible {
            var description: String { "'tiles' has no equivalent" }
        }
        let failing = SchemaHistory(
            current: 2, upgrades: [SchemaUpgrade(from: 1, upgrade: { _ in throw Unconvertible() })])
        do {
            _ = try Self.runUpgrades("# old\nversion: 1", history: failing)
            Issue.record("expected the upgrade to fail")
        } catch let error as ConfigError {
            #expect(error.code == .unsupportedVersion)
            #expect(error.line == 2)
            #expect(error.message == "cannot upgrade from version 1 to 2: 'tiles' has no equivalent")
        }
    }

    @Test func brokenChainsAreDetected() {
        let gap = SchemaHistory(
            current: 3, upgrades: [SchemaUpgrade(from: 1, upgrade: { _ in })])
        #expect(!gap.isContiguous)
        #expect(Self.threeVersions.isContiguous)
    }
}
