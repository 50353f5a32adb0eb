/// An error of the observability layer, one line naming what failed (e.g. the metrics port).
public struct ObservabilityError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable {
        case portInUse
        case portDenied
        case endpoint
    }

    public let code: Code
    public let message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
