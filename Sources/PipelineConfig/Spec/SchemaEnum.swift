/// A setting whose YAML value is one word out of a fixed set; `rawValue` is the YAML spelling.
///
/// The cases of each conforming enum are the one place that lists the allowed values: the reader
/// checks against `allCases` and names them in its errors, so adding a case is all a new value needs.
public protocol SchemaEnum: RawRepresentable<String>, CaseIterable, Codable, Hashable, Sendable {
    /// How messages name the setting: `unknown resampling 'bicubic' (expected one of …)`.
    static var settingName: String { get }
}

extension SchemaEnum {
    /// `nearest, bilinear, cubic, average`, in declaration order.
    static var allowedValuesList: String {
        allCases.map(\.rawValue).joined(separator: ", ")
    }
}
