internal import HummingbirdWSClient
import FMNetwork

extension NetworkFailure {
    /// Classifies an error of the WebSocket client (an endpoint that is not an fm API), then NIO's.
    init(webSocket error: any Error) {
        self.init(error) { error in
            guard let webSocket = error as? WebSocketClientError else { return nil }
            if webSocket == .webSocketUpgradeFailed { return "not an fm API endpoint (the WebSocket upgrade was refused)" }
            if webSocket == .invalidURL { return "invalid API URL" }
            return "WebSocket protocol error"
        }
    }
}
