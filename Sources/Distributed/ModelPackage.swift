import Checksum
import Foundation
import Scene

/// Everything a worker needs to run the pipeline's model: the model itself (bytes of an ONNX file,
/// or the identity model's settings), its class names, the normalization of the stacked bands and
/// model options — shipped by the coordinator, so a worker needs only the binary and an address.
public struct ModelPackage: Sendable, Equatable {
    /// "identity" or "onnx".
    public var kind: String
    public var bytes: [UInt8]
    public var classNames: [String]
    public var normalization: Normalization
    /// Model options as JSON (e.g. TTA settings for ONNX models).
    public var options: String
    /// SHA-256 of `bytes`; a worker refuses a package whose bytes do not match.
    public var sha256: [UInt8]

    public init(kind: String, bytes: [UInt8], classNames: [String], normalization: Normalization, options: String = "{}",
                sha256: [UInt8]? = nil) {
        self.kind = kind
        self.bytes = bytes
        self.classNames = classNames
        self.normalization = normalization
        self.options = options
        self.sha256 = sha256 ?? SHA256.hash(bytes)
    }

    public var digest: String { SHA256.hexString(sha256) }

    /// True when the bytes arrived intact.
    public var isIntact: Bool { SHA256.hash(bytes) == sha256 }

    /// The identity model's package.
    public static func identity(_ model: IdentityModel, normalization: Normalization) throws -> ModelPackage {
        let settings = IdentitySettings(bands: model.bands, classNames: model.classNames, tileSignature: model.tileSignature ? true : nil)
        // Sorted keys: the same settings must give the same bytes (and digest) in every process.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return ModelPackage(kind: "identity", bytes: Array(try encoder.encode(settings)), classNames: model.classNames,
                            normalization: normalization)
    }

    struct IdentitySettings: Codable {
        var bands: [Int]
        var classNames: [String]
        /// Absent unless set, so the usual identity package keeps its bytes and digest.
        var tileSignature: Bool?
    }
}

/// Builds the model a package describes. The identity model is built here; other kinds come from
/// the builder the caller passes (the command-line tool knows the ONNX engine).
public struct ModelFactory: Sendable {
    public typealias Builder = @Sendable (ModelPackage) throws -> TileModel
    let builders: [String: Builder]

    public init(extra: [String: Builder] = [:]) {
        var builders = extra
        builders["identity"] = { package in
            let settings = try JSONDecoder().decode(ModelPackage.IdentitySettings.self, from: Data(package.bytes))
            return try IdentityModel(bands: settings.bands, classNames: settings.classNames, tileSignature: settings.tileSignature ?? false)
        }
        self.builders = builders
    }

    public func make(_ package: ModelPackage) throws -> TileModel {
        guard package.isIntact else {
            throw DistributedError(code: .modelMismatch, message: "model package fails its SHA-256 check (expected \(package.digest))")
        }
        guard let builder = builders[package.kind] else {
            throw DistributedError(code: .modelMismatch, message: "this worker cannot run models of kind '\(package.kind)'")
        }
        return try builder(package)
    }
}

/// An error of the distributed runtime, one line.
public struct DistributedError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        public static let modelMismatch = Code(name: "modelMismatch")
        public static let quarantined = Code(name: "quarantined")
        public static let journal = Code(name: "journal")
        public static let protocolError = Code(name: "protocolError")
        public static let interrupted = Code(name: "interrupted")
        /// A shared-storage worker cannot open the scene's files.
        public static let sceneUnreadable = Code(name: "sceneUnreadable")
        /// A worker's handshake with its coordinator failed (a refused key, a wrong server key).
        public static let handshakeFailed = Code(name: "handshakeFailed")
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
