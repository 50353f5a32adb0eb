import PipelineConfig

/// A spectral index rule with its band roles in a fixed order, ready to evaluate per pixel.
struct IndexEvaluation {
    let index: SpectralIndex
    /// The stacked band of each role, in `index.roles` order.
    let bandNames: [String]
    let comparison: IndexComparison
    let combine: IndexCombination

    init(_ rule: IndexRule) {
        index = rule.index
        bandNames = rule.index.roles.map { rule.bands[$0]! }
        comparison = rule.comparison
        combine = rule.combine
    }

    /// The index of pixel `i` from the role bands' values (NaN when undefined: a band without data,
    /// or 0/0).
    func value(_ inputs: [[Float]], at i: Int) -> Double {
        func normalizedDifference(_ a: Float, _ b: Float) -> Double {
            let sum = Double(a) + Double(b)
            return sum == 0 ? .nan : (Double(a) - Double(b)) / sum
        }
        switch index {
        case .ndvi, .ndwi, .normalizedDifference:
            return normalizedDifference(inputs[0][i], inputs[1][i])
        case .ccci:
            // roles: nir, red_edge, red; the DSTL 3rd-place product NDRE · NDVI.
            return normalizedDifference(inputs[0][i], inputs[1][i]) * normalizedDifference(inputs[0][i], inputs[2][i])
        }
    }

    /// Whether the index says the class is there (false where it is undefined).
    func holds(_ inputs: [[Float]], at i: Int) -> Bool {
        let v = value(inputs, at: i)
        switch comparison {
        case .above(let t): return v > t
        case .below(let t): return v < t
        }
    }
}
