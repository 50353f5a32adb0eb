/// What a post-processing run decided: per class, the pixels present and their ground area.
public struct PostProcessingSummary: Equatable, Sendable {
    public struct ClassArea: Equatable, Sendable {
        public var name: String
        public var pixels: Int
        /// `pixels` times the pixel area of the grid's geotransform (CRS units squared).
        public var squareMetres: Double
    }

    /// The rule set's `name`.
    public var ruleSet: String
    /// In class (band) order.
    public var classes: [ClassArea]
    /// Regions cleared by `min_area` rules, over all classes.
    public var removedRegions: Int
    /// Regions moved to another class by `relabel` rules.
    public var relabelledRegions: Int
    /// Strips per pass and passes over the scene (reads of the whole input), for reports.
    public var strips: Int
    public var passes: Int
}
