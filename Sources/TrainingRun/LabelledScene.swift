import Raster
import Scene

/// One scene held in memory for training: its stacked bands, normalized exactly as inference
/// normalizes tiles (`Normalization.apply`), and its 0/1 truth, one plane per class.
///
/// Memory: width * height * (4 * bands + classes) bytes; a 1,024² scene of 20 bands and 10
/// classes takes 94 MB, a 2,048² one 377 MB.
public struct LabelledScene: Sendable {
    /// How messages name the scene (its folder).
    public let name: String
    public let width: Int
    public let height: Int
    public let bandCount: Int
    public let classCount: Int
    /// Band-sequential (CHW), normalized; pixels without data are 0.
    public let inputs: [Float]
    /// Class-sequential 0/1.
    public let truth: [UInt8]

    public init(name: String, width: Int, height: Int, bandCount: Int, classCount: Int, inputs: [Float], truth: [UInt8]) {
        precondition(inputs.count == width * height * bandCount && truth.count == width * height * classCount)
        self.name = name
        self.width = width
        self.height = height
        self.bandCount = bandCount
        self.classCount = classCount
        self.inputs = inputs
        self.truth = truth
    }

    /// Reads the whole stack once and normalizes it.
    public init(name: String, stack: SceneStack, normalization: Normalization, truth: [UInt8], classCount: Int) throws {
        let grid = stack.grid
        var values = try stack.read(window: PixelWindow(col: 0, row: 0, width: grid.width, height: grid.height))
        normalization.apply(to: &values, bandCount: stack.bandCount, plane: grid.width * grid.height)
        self.init(name: name, width: grid.width, height: grid.height, bandCount: stack.bandCount, classCount: classCount,
                  inputs: values, truth: truth)
    }

    /// Truth pixels per class.
    public var classPixelCounts: [Int] {
        let plane = width * height
        return (0..<classCount).map { c in truth[c * plane..<(c + 1) * plane].reduce(0) { $0 + Int($1) } }
    }

    /// Bytes held.
    public var memoryBytes: Int { inputs.count * 4 + truth.count }
}
