//! Misuse as metrics in Rust (issue 19): opentelemetry_sdk's in-memory exporter sees the
//! counts a test provokes, misuse by kind.
#![cfg(feature = "otel")]

use std::collections::HashMap;

use ctxbridge_core::scope::{self, Mode};
use ctxbridge_core::{attach, detach, Snapshot};
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData};
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, SdkMeterProvider};

/// Every u64 sum data point the exporter got: `name|kind` to value.
fn points(exporter: &InMemoryMetricExporter) -> HashMap<String, u64> {
    let mut out = HashMap::new();
    for resource in exporter.get_finished_metrics().unwrap() {
        for scope_metrics in resource.scope_metrics() {
            assert_eq!(scope_metrics.scope().name(), "ctxbridge");
            for metric in scope_metrics.metrics() {
                let AggregatedMetrics::U64(MetricData::Sum(sum)) = metric.data() else {
                    panic!("{} is not a u64 sum", metric.name());
                };
                assert!(sum.is_monotonic(), "{} is a counter", metric.name());
                for point in sum.data_points() {
                    let kind = point
                        .attributes()
                        .find(|kv| kv.key.as_str() == "ctxbridge.misuse.kind")
                        .map(|kv| kv.value.to_string())
                        .unwrap_or_default();
                    out.insert(format!("{}|{kind}", metric.name()), point.value());
                }
            }
        }
    }
    out
}

#[test]
fn the_sdk_reader_sees_every_counter_and_misuse_by_kind() {
    let exporter = InMemoryMetricExporter::default();
    let provider = SdkMeterProvider::builder()
        .with_periodic_exporter(exporter.clone())
        .build();
    ctxbridge_core::otel_metrics::register(&provider);

    scope::set_mode(Mode::Off);
    scope::reset_stats();
    let outer = attach(Snapshot::default());
    let _inner = attach(Snapshot::default());
    assert!(detach(&outer).is_ok()); // out of order: the inner one ends as leaked
    assert!(detach(&outer).is_ok()); // double detach
    scope::set_mode(Mode::Warn);

    provider.force_flush().unwrap();
    let seen = points(&exporter);
    assert_eq!(seen["ctxbridge.context.attached|"], 2, "{seen:?}");
    assert_eq!(seen["ctxbridge.context.detached|"], 1, "{seen:?}");
    assert_eq!(seen["ctxbridge.context.misuse|out_of_order"], 1, "{seen:?}");
    assert_eq!(
        seen["ctxbridge.context.misuse|double_detach"], 1,
        "{seen:?}"
    );
    assert_eq!(seen["ctxbridge.context.misuse|leaked"], 1, "{seen:?}");
    assert_eq!(seen["ctxbridge.context.misuse|wrong_scope"], 0, "{seen:?}");
}
