import CGDAL

/// Resampling kernels for reads at another size and for overviews.
public enum Resampling: String, CaseIterable, Sendable {
    case nearest, bilinear, cubic, average, mode

    var rasterIO: GDALRIOResampleAlg {
        switch self {
        case .nearest: GRIORA_NearestNeighbour
        case .bilinear: GRIORA_Bilinear
        case .cubic: GRIORA_Cubic
        case .average: GRIORA_Average
        case .mode: GRIORA_Mode
        }
    }

    /// The name GDALBuildOverviews and the COG driver's OVERVIEW_RESAMPLING expect.
    var overviewName: String {
        switch self {
        case .nearest: "NEAREST"
        case .bilinear: "BILINEAR"
        case .cubic: "CUBIC"
        case .average: "AVERAGE"
        case .mode: "MODE"
        }
    }
}
