import CoreMetrics
import Prometheus

/// Process-wide metrics setup for a host (fm-node): one Prometheus registry behind swift-metrics.
public enum RPCMetricsBootstrap {
    /// Creates a Prometheus registry, makes it the backend of `MetricsSystem`, and returns it for
    /// ``RPCServer/init(registry:configuration:statusPage:prometheus:metricsFactory:logger:)``.
    ///
    /// - Important: `MetricsSystem` can be bootstrapped once per process; call this once, from the
    ///   executable's entry point, never from library code or tests (tests pass a factory instead).
    public static func bootstrapPrometheus() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }

    /// A metrics factory writing into `registry`, for hosts and tests that do not bootstrap the
    /// process-wide system.
    public static func factory(for registry: PrometheusCollectorRegistry) -> any MetricsFactory {
        PrometheusMetricsFactory(registry: registry)
    }
}
