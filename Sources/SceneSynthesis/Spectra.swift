/// Spectral signatures of the world's materials over the 20 bands of the WorldView-3 stack, in the
/// stack's order: R, G, B, P, then M1–M8 (coastal … NIR2), then SWIR A1–A8. Values are 11-bit
/// digital numbers. Reflectances are rough laboratory shapes (vegetation's red edge, water dark in
/// NIR and SWIR, soils rising towards SWIR, metal roofs bright in the visible and dark in SWIR) so
/// that the classes are separable with effort, as in real imagery, and not by one band.
enum Spectra {
    static let bandCount = 20

    /// Reflectance (0…1) at M1–M8 and A1–A8.
    private static func reflectance(_ material: Material) -> [Float] {
        switch material {
        case .soil:          [0.10, 0.12, 0.15, 0.18, 0.21, 0.24, 0.28, 0.30, 0.34, 0.38, 0.39, 0.40, 0.36, 0.35, 0.34, 0.33]
        case .grass:         [0.04, 0.05, 0.09, 0.07, 0.05, 0.20, 0.40, 0.42, 0.30, 0.22, 0.20, 0.18, 0.10, 0.09, 0.09, 0.08]
        case .cropGreen:     [0.03, 0.04, 0.11, 0.07, 0.04, 0.26, 0.50, 0.52, 0.34, 0.25, 0.23, 0.21, 0.11, 0.10, 0.10, 0.09]
        case .cropRipe:      [0.08, 0.10, 0.18, 0.24, 0.26, 0.30, 0.35, 0.36, 0.38, 0.36, 0.35, 0.34, 0.28, 0.27, 0.26, 0.25]
        case .ploughed:      [0.06, 0.07, 0.09, 0.11, 0.13, 0.15, 0.18, 0.20, 0.24, 0.28, 0.29, 0.30, 0.27, 0.26, 0.25, 0.24]
        case .tree:          [0.02, 0.03, 0.06, 0.04, 0.03, 0.15, 0.35, 0.37, 0.25, 0.16, 0.14, 0.12, 0.06, 0.05, 0.05, 0.05]
        case .water:         [0.07, 0.07, 0.06, 0.04, 0.03, 0.02, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.00, 0.00, 0.00, 0.00]
        case .turbidWater:   [0.08, 0.09, 0.11, 0.09, 0.07, 0.05, 0.03, 0.02, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.00, 0.00]
        case .asphalt:       [0.07, 0.08, 0.09, 0.10, 0.10, 0.11, 0.12, 0.13, 0.14, 0.15, 0.16, 0.16, 0.15, 0.15, 0.15, 0.15]
        case .dirt:          [0.12, 0.14, 0.18, 0.22, 0.25, 0.28, 0.31, 0.33, 0.37, 0.41, 0.42, 0.43, 0.40, 0.39, 0.38, 0.37]
        case .roofTile:      [0.06, 0.06, 0.08, 0.14, 0.25, 0.30, 0.33, 0.34, 0.38, 0.40, 0.41, 0.41, 0.38, 0.37, 0.36, 0.35]
        case .roofConcrete:  [0.20, 0.22, 0.24, 0.25, 0.26, 0.27, 0.28, 0.28, 0.30, 0.32, 0.33, 0.33, 0.31, 0.31, 0.30, 0.30]
        case .roofMetal:     [0.35, 0.37, 0.38, 0.38, 0.38, 0.37, 0.36, 0.36, 0.30, 0.25, 0.24, 0.23, 0.18, 0.17, 0.17, 0.16]
        case .concrete:      [0.25, 0.27, 0.29, 0.30, 0.31, 0.32, 0.33, 0.33, 0.35, 0.37, 0.38, 0.38, 0.36, 0.35, 0.35, 0.34]
        case .vehicleWhite:  [0.55, 0.58, 0.60, 0.60, 0.60, 0.59, 0.57, 0.56, 0.45, 0.35, 0.33, 0.32, 0.25, 0.24, 0.23, 0.22]
        case .vehicleRed:    [0.05, 0.05, 0.06, 0.15, 0.40, 0.45, 0.45, 0.44, 0.38, 0.30, 0.29, 0.28, 0.22, 0.21, 0.20, 0.20]
        case .vehicleBlue:   [0.12, 0.18, 0.10, 0.06, 0.05, 0.05, 0.10, 0.12, 0.15, 0.14, 0.13, 0.13, 0.10, 0.10, 0.09, 0.09]
        case .vehicleDark:   [0.04, 0.04, 0.04, 0.04, 0.04, 0.05, 0.05, 0.05, 0.06, 0.06, 0.06, 0.06, 0.05, 0.05, 0.05, 0.05]
        case .vehicleSilver: [0.30, 0.31, 0.32, 0.32, 0.32, 0.32, 0.31, 0.31, 0.28, 0.24, 0.23, 0.22, 0.18, 0.17, 0.17, 0.16]
        case .vehicleOrange: [0.06, 0.07, 0.15, 0.35, 0.45, 0.48, 0.47, 0.46, 0.40, 0.33, 0.31, 0.30, 0.24, 0.23, 0.22, 0.21]
        }
    }

    /// Digital numbers per material, `table[material.rawValue * bandCount + band]`.
    static let table: [Float] = Material.allCases.flatMap { material -> [Float] in
        let r = reflectance(material)
        let m = Array(r[0..<8]), a = Array(r[8..<16])
        let pan = m[1...6].reduce(0, +) / 6
        return ([m[4], m[2], m[1], pan] + m + a).map { 40 + $0 * 2600 }
    }

    /// Where each band sits in the spectrum, from 0 (coastal) to 1 (longest SWIR), for tilts.
    static let bandPosition: [Float] = {
        let m = (0..<8).map { Float($0) / 15 }, a = (8..<16).map { Float($0) / 15 }
        return [m[4], m[2], m[1], m[3]] + m + a
    }()
}
