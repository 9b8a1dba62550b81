/// A WGS84 point.
public struct Coordinate: Hashable, Sendable, Codable {
    public var latitude: Double
    public var longitude: Double

    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }

    /// Whether the values are a point on Earth; NaN and out-of-range values are not.
    public var isValid: Bool {
        latitude.isFinite && longitude.isFinite && (-90...90).contains(latitude) && (-180...180).contains(longitude)
    }
}

/// A simple polygon (a grid boundary). Grids are a few hundred metres across, so planar
/// ray casting on degrees is accurate enough and keeps the domain free of projections.
public struct GeoPolygon: Hashable, Sendable, Codable {
    /// Vertices in order; the ring closes implicitly.
    public var vertices: [Coordinate]

    public init(vertices: [Coordinate]) { self.vertices = vertices }

    /// Even–odd rule ray casting. Points exactly on an edge may fall either side; adjacent grids
    /// then disagree only on a line of zero width.
    public func contains(_ point: Coordinate) -> Bool {
        guard vertices.count >= 3 else { return false }
        var inside = false
        var j = vertices.count - 1
        for i in vertices.indices {
            let a = vertices[i]
            let b = vertices[j]
            if (a.latitude > point.latitude) != (b.latitude > point.latitude) {
                let crossing = (b.longitude - a.longitude) * (point.latitude - a.latitude) / (b.latitude - a.latitude) + a.longitude
                if point.longitude < crossing { inside.toggle() }
            }
            j = i
        }
        return inside
    }
}
