import FMCore
import FMRPC

/// The guardian operations' API (docs/rpc.md, "Guardian operations"):
///
/// - `meta` → the agreed federation meta `{revision, entries: [{key, value}]}` (public; clients take the one t
///   guardians serve).
/// - `operations` → the agreed meta, every guardian's open meta proposal, the agreed shutdown and open shutdown
///   requests (public).
/// - `meta_set {key, value}`, `meta_unset {key}` → the proposal this guardian submitted (admin).
/// - `schedule_shutdown {height}` → the request this guardian submitted (admin).
/// - `api_announcements` → the newest signed API URL announcement of every guardian that made one (public).
/// - `submit_api_announcement {announcement}` → the announcement, once it was found valid and newer and submitted (public: the
///   signature is the authority).
/// - `set_api_url {url}` → the announcement this guardian signed and submitted (admin).
enum OperationsAPI {
    static func register(into registry: inout RPCMethodRegistry, node: GuardianNode) {
        registry.register("meta", summary: "The federation meta the guardians agreed on, with its revision") {
            (_: NoParams, _) async throws -> FederationMeta in
            try await node.processor.operationsStatus().meta
        }
        registry.register("operations", summary: "Agreed meta and shutdown, and the guardians' open proposals") {
            (_: NoParams, _) async throws -> OperationsStatus in
            try await node.processor.operationsStatus()
        }
        registry.register("meta_set", summary: "Proposes the next meta revision with KEY set to VALUE", access: .admin) {
            (params: MetaSetParams, _) async throws -> FederationMeta in
            try await node.proposeMeta(key: params.key, value: params.value)
        }
        registry.register("meta_unset", summary: "Proposes the next meta revision without KEY", access: .admin) {
            (params: MetaUnsetParams, _) async throws -> FederationMeta in
            try await node.proposeMeta(key: params.key, value: nil)
        }
        registry.register(
            "schedule_shutdown", summary: "Asks every guardian to stop after block HEIGHT (t must ask)", access: .admin
        ) { (params: ScheduleShutdownParams, _) async throws -> ShutdownRequest in
            try await node.requestShutdown(atHeight: params.height)
        }
        registry.register("api_announcements", summary: "Every guardian's newest signed API URL announcement") {
            (_: NoParams, _) async throws -> APIAnnouncementsResult in
            APIAnnouncementsResult(announcements: try await node.processor.apiAnnouncements())
        }
        registry.register("submit_api_announcement", summary: "Passes on a guardian's signed API URL announcement") {
            (params: SubmitAPIAnnouncementParams, _) async throws -> APIAnnouncement in
            try await node.relayAPIAnnouncement(params.announcement)
            return params.announcement
        }
        registry.register("set_api_url", summary: "Signs and announces this guardian's new API URL", access: .admin) {
            (params: SetAPIURLParams, _) async throws -> APIAnnouncement in
            try await node.announceAPIURL(params.url)
        }
    }
}

public struct MetaSetParams: Codable, Sendable {
    public var key: String
    public var value: String
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

public struct MetaUnsetParams: Codable, Sendable {
    public var key: String
    public init(key: String) { self.key = key }
}

public struct ScheduleShutdownParams: Codable, Sendable {
    public var height: UInt64
    public init(height: UInt64) { self.height = height }
}

public struct APIAnnouncementsResult: Codable, Sendable, Equatable {
    public var announcements: [APIAnnouncement]
    public init(announcements: [APIAnnouncement]) { self.announcements = announcements }
}

public struct SubmitAPIAnnouncementParams: Codable, Sendable {
    public var announcement: APIAnnouncement
    public init(announcement: APIAnnouncement) { self.announcement = announcement }
}

public struct SetAPIURLParams: Codable, Sendable {
    public var url: String
    public init(url: String) { self.url = url }
}
