/// Readers for the list shapes the schema uses more than once.
extension ValueReader {
    /// 1-based band indices (`bands: [1, 2, 3]`): at least one, each >= 1, no repeats.
    func bandIndices() throws -> [Int] {
        let elements = try nonEmptyList("needs at least one band index (leave 'bands' out to take them all)")
        let bands = try elements.map { element in
            let band = try element.integer()
            guard band >= 1 else {
                throw element.error(.invalidValue, "band index \(band) is invalid: bands are numbered from 1")
            }
            return band
        }
        try elements.checkNoDuplicates(bands) { "band \($0)" }
        return bands
    }

    /// Class names: at least one, none empty, no repeats (each names an output layer).
    func classNames() throws -> [String] {
        let elements = try nonEmptyList("needs at least one class name")
        let names = try elements.map { try $0.nonEmptyString() }
        try elements.checkNoDuplicates(names) { "class name '\($0)'" }
        return names
    }

    /// Stacked band names (`band_names: [coastal, blue]`): at least one, lower-case letters,
    /// digits and `_` starting with a letter (rules name them), no repeats.
    func bandNames() throws -> [String] {
        let elements = try nonEmptyList("needs at least one band name")
        let names = try elements.map { element in
            let name = try element.nonEmptyString()
            guard Identifier.isValid(name) else {
                throw element.error(.invalidValue, "band name '\(name)' must be lower-case letters, digits and '_', starting with a letter")
            }
            return name
        }
        try elements.checkNoDuplicates(names) { "band name '\($0)'" }
        return names
    }

    /// Finite numbers (`scale: [0.000488]`): at least one.
    func numbers() throws -> [Double] {
        try nonEmptyList("needs at least one number").map { try $0.number() }
    }
}
