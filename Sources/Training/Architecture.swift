import Foundation

/// How convolution weights are drawn (biases start at zero, batch norm at scale 1, shift 0).
public enum WeightInitialization: String, Codable, Sendable, CaseIterable {
    /// U(±sqrt(6 / fan_in)): Keras `he_uniform`, identical to PyTorch
    /// `kaiming_uniform_(w, a=0, nonlinearity="relu")`.
    case heUniform = "he_uniform"
    /// U(±sqrt(6 / (fan_in + fan_out))): Keras `glorot_uniform`, PyTorch `xavier_uniform_`.
    case glorotUniform = "glorot_uniform"

    /// The bound of the uniform distribution for a kernel with these fans.
    func bound(fanIn: Int, fanOut: Int) -> Double {
        switch self {
        case .heUniform: (6.0 / Double(fanIn)).squareRoot()
        case .glorotUniform: (6.0 / Double(fanIn + fanOut)).squareRoot()
        }
    }
}

/// The U-Net family of the DSTL workflow: per level two [3x3 conv → batch norm (if on) → ReLU]
/// blocks, 2x2 max pool down; a bottleneck block; per level a 2x2 stride-2 transposed convolution
/// up, concatenation with the skip, two conv blocks; a 1x1 head and a sigmoid. Filters are
/// `baseFilters * 2^level`; `depth` is the number of poolings.
public struct UNetArchitecture: Codable, Equatable, Sendable, CustomStringConvertible {
    public var inputBands: Int
    public var classes: Int
    public var depth: Int
    public var baseFilters: Int
    public var batchNorm: Bool
    /// Dropout probability after the bottleneck block (training only); 0 = none.
    public var dropout: Double
    public var initialization: WeightInitialization

    public init(inputBands: Int, classes: Int, depth: Int = 4, baseFilters: Int = 16, batchNorm: Bool = true,
                dropout: Double = 0, initialization: WeightInitialization = .heUniform) {
        self.inputBands = inputBands
        self.classes = classes
        self.depth = depth
        self.baseFilters = baseFilters
        self.batchNorm = batchNorm
        self.dropout = dropout
        self.initialization = initialization
    }

    /// Filters at each level, 0 ... depth (the last is the bottleneck).
    var widths: [Int] { (0...depth).map { baseFilters << $0 } }

    /// Patch sizes must be divisible by this.
    public var sizeMultiple: Int { 1 << depth }

    public var description: String {
        "U-Net \(inputBands) bands -> \(classes) classes, depth \(depth), base \(baseFilters), "
            + "batch norm \(batchNorm ? "on" : "off"), dropout \(dropout)"
    }

    /// Throws one line naming the first field out of range.
    public func validate() throws {
        func fail(_ message: String) -> TrainingError { TrainingError(code: .invalidArchitecture, message: "architecture: \(message)") }
        guard inputBands >= 1 else { throw fail("input bands must be at least 1, got \(inputBands)") }
        guard classes >= 1 else { throw fail("classes must be at least 1, got \(classes)") }
        guard (1...8).contains(depth) else { throw fail("depth must be 1 to 8, got \(depth)") }
        guard baseFilters >= 1, baseFilters << depth <= 65_536 else {
            throw fail("base filters must be at least 1 and base * 2^depth at most 65536, got \(baseFilters) at depth \(depth)")
        }
        guard dropout >= 0, dropout < 1 else { throw fail("dropout must be in [0, 1), got \(dropout)") }
    }

    /// Equal for checkpoints: everything but how the weights were first drawn.
    func sameShapeAndTraining(as other: UNetArchitecture) -> Bool {
        var a = self, b = other
        a.initialization = .heUniform
        b.initialization = .heUniform
        return a == b
    }
}
