import Foundation

/// A citizen request logged by a hotline operator (12345 or the street's own number).
///
/// Open311 GeoReport v2 fields are the base, so requests can be exchanged with Open311 systems;
/// caller contact and an optional grid code are Gridwatch's additions. `description` omits the
/// caller: it is personal data.
public struct HotlineRequest: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Open311 `status`.
    public enum Status: String, CaseIterable, Hashable, Sendable, Codable { case open, closed }

    /// Open311 `service_request_id`: unique per hotline, so a redelivery is recognised.
    public var serviceRequestID: String
    public var status: Status
    /// Open311 `service_code`: selects the category.
    public var serviceCode: String
    public var requestedAt: Date
    public var text: String?
    public var coordinate: Coordinate?
    public var addressString: String?
    public var addressID: String?
    public var mediaURL: String?
    public var callerName: String?
    public var callerPhone: String?
    /// When the operator already knows the grid.
    public var gridCode: GridCode?

    public init(
        serviceRequestID: String, status: Status = .open, serviceCode: String, requestedAt: Date, text: String? = nil,
        coordinate: Coordinate? = nil, addressString: String? = nil, addressID: String? = nil, mediaURL: String? = nil,
        callerName: String? = nil, callerPhone: String? = nil, gridCode: GridCode? = nil
    ) {
        self.serviceRequestID = serviceRequestID
        self.status = status
        self.serviceCode = serviceCode
        self.requestedAt = requestedAt
        self.text = text
        self.coordinate = coordinate
        self.addressString = addressString
        self.addressID = addressID
        self.mediaURL = mediaURL
        self.callerName = callerName
        self.callerPhone = callerPhone
        self.gridCode = gridCode
    }

    public var description: String { "HotlineRequest(\(serviceRequestID), \(serviceCode))" }
}
