extension ModelSpec {
    /// Keys of every kind; each kind rejects the others' (`reject(_:onlyValidFor:)`) so the user
    /// hears "only valid for model kind onnx" rather than "unknown key".
    static let yamlKeys = ["kind", "bands", "classes", "tile_signature", "path", "tta", "merge"]
    private static let identityOnlyKeys = ["bands", "tile_signature"]
    private static let onnxOnlyKeys = ["path", "tta", "merge"]

    /// `baseDirectory` is the YAML file's folder, against which a relative model path is resolved.
    init(reading section: MappingReader, baseDirectory: String) throws {
        let kind = try section.required("kind").oneOf(ModelKind.self)
        switch kind {
        case .identity:
            for key in Self.onnxOnlyKeys { try section.reject(key, onlyValidFor: "model kind onnx") }
            let bands = try section.required("bands").bandIndices()
            var classes: [String]?
            if let classesField = section.optional("classes") {
                let names = try classesField.classNames()
                guard names.count == bands.count else {
                    throw classesField.error(
                        .invalidValue,
                        "\(names.count) class names for \(bands.count) bands "
                            + "(an identity model needs one class name per band)")
                }
                classes = names
            }
            let signature = try section.optional("tile_signature")?.bool() ?? false
            self = .identity(IdentityModel(bands: bands, classes: classes, tileSignature: signature))

        case .onnx:
            for key in Self.identityOnlyKeys { try section.reject(key, onlyValidFor: "model kind identity") }
            let path = try section.required("path").nonEmptyString()
            self = .onnx(
                ONNXModel(
                    path: PathResolution.resolve(path, against: baseDirectory),
                    classes: try section.optional("classes")?.classNames(),
                    tta: try section.optional("tta")?.oneOf(TestTimeAugmentation.self)
                        ?? PipelineSpec.Defaults.testTimeAugmentation,
                    merge: try section.optional("merge")?.oneOf(TTAMerge.self) ?? PipelineSpec.Defaults.merge))
        }
    }
}
