import Foundation
import Observability
import TestSupport
import Testing

/// The HTTP endpoint: `/metrics` answers with the registry's text, other paths 404, and a port
/// in use is one error naming it.
@Suite struct MetricsEndpointTests {
    @Test func servesTheRegistryAtMetrics() throws {
        let metrics = PipelineMetrics(role: .coordinator)
        let endpoint = try MetricsEndpoint(port: 0, body: { metrics.exposition() })
        defer { endpoint.close() }
        #expect(endpoint.port > 0)
        metrics.sceneTiles(9)
        metrics.tileCommitted(latencySeconds: 0.2, modelSeconds: 0.1)
        let first = try #require(LocalHTTP.get(port: endpoint.port))
        #expect(first.status == 200)
        #expect(first.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(LocalHTTP.sample("pipeline_tiles_committed_total", in: first.body) == 1)
        #expect(LocalHTTP.sample("pipeline_scene_tiles", in: first.body) == 9)
        #expect(first.body.contains("pipeline_tile_latency_seconds_bucket{le=\"0.25\"} 1"))
        metrics.tileCommitted(latencySeconds: 3, modelSeconds: 0.1)
        let second = try #require(LocalHTTP.get(port: endpoint.port))
        #expect(LocalHTTP.sample("pipeline_tiles_committed_total", in: second.body) == 2)
        #expect(LocalHTTP.sample("pipeline_model_seconds_total", in: second.body) == 0.2)

        #expect(LocalHTTP.get(port: endpoint.port, path: "/")?.status == 404)
        #expect(LocalHTTP.get(port: endpoint.port, path: "/metrics", method: "POST")?.status == 405)
    }

    @Test func aPortInUseIsOneLineNamingIt() throws {
        let taken = try OccupiedPort()
        let error = #expect(throws: ObservabilityError.self) {
            try MetricsEndpoint(port: taken.port, body: { "" })
        }
        #expect(error?.code == .portInUse)
        #expect(error?.description == "--metrics-port \(taken.port): port \(taken.port) is in use by another process; choose another port (0 picks a free one)")
    }

    @Test func closingFreesThePort() throws {
        let endpoint = try MetricsEndpoint(port: 0, body: { "x" })
        let port = endpoint.port
        endpoint.close()
        #expect(LocalHTTP.get(port: port) == nil)
        let again = try MetricsEndpoint(port: port, body: { "y" })
        defer { again.close() }
        #expect(LocalHTTP.get(port: port)?.body == "y")
    }
}
