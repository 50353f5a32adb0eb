import Kernels
import Testing

@Suite struct TensorTests {
    @Test func elementOffsetIsNCHWWithWidthFastest() {
        let shape = TensorShape(n: 2, c: 3, h: 4, w: 5)
        #expect(shape.count == 120)
        #expect(shape.offset(n: 0, c: 0, h: 0, w: 1) == 1)
        #expect(shape.offset(n: 0, c: 0, h: 1, w: 0) == 5)  // W
        #expect(shape.offset(n: 0, c: 1, h: 0, w: 0) == 20)  // H*W
        #expect(shape.offset(n: 1, c: 0, h: 0, w: 0) == 60)  // C*H*W
        #expect(shape.offset(n: 1, c: 2, h: 3, w: 4) == 119)  // last element
    }

    @Test func subscriptReadsAndWritesTheDocumentedOffset() {
        let shape = TensorShape(n: 2, c: 3, h: 4, w: 5)
        var tensor = Tensor(shape: shape, storage: (0..<shape.count).map(Float.init))
        for n in 0..<2 {
            for c in 0..<3 {
                for h in 0..<4 {
                    for w in 0..<5 {
                        #expect(tensor[n, c, h, w] == Float(((n * 3 + c) * 4 + h) * 5 + w))
                    }
                }
            }
        }
        tensor[1, 0, 2, 3] = -1
        #expect(tensor.storage[((1 * 3 + 0) * 4 + 2) * 5 + 3] == -1)
    }

    @Test func initializersFillStorage() {
        let shape = TensorShape(n: 1, c: 2, h: 2, w: 2)
        #expect(Tensor(zeros: shape).storage == [Float](repeating: 0, count: 8))
        #expect(Tensor(shape: shape, filled: 1.5).storage == [Float](repeating: 1.5, count: 8))
    }
}
