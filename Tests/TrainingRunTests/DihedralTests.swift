import Testing

@testable import TrainingRun

@Suite struct DihedralTests {
    func apply(_ k: Int, _ values: [Int], size: Int, planes: Int = 1) -> [Int] {
        var out = [Int](repeating: -1, count: values.count)
        values.withUnsafeBufferPointer { s in out.withUnsafeMutableBufferPointer { t in
            Dihedral.transform(k, size: size, planes: planes, from: s.baseAddress!, to: t.baseAddress!) } }
        return out
    }

    @Test func theEightTransformsAreDistinctPermutations() {
        let patch = Array(0..<9)
        let results = (0..<8).map { apply($0, patch, size: 3) }
        #expect(results[0] == patch)
        #expect(Set(results.map { $0.description }).count == 8)
        for result in results { #expect(result.sorted() == patch) }
        // A quarter turn: the top row becomes the right column, read top to bottom... of the source's left column.
        #expect(results[1] == [2, 5, 8, 1, 4, 7, 0, 3, 6])
        #expect(results[4] == [2, 1, 0, 5, 4, 3, 8, 7, 6], "k = 4 mirrors left-right")
    }

    @Test func everyPlaneMovesAlike() {
        let two = Array(0..<8)
        let out = apply(3, two, size: 2, planes: 2)
        #expect(Array(out[4...]) == apply(3, Array(4..<8), size: 2))
        #expect(Array(out[..<4]) == apply(3, Array(0..<4), size: 2))
    }
}
