//! The counters as opentelemetry-rust metrics: the instruments of [`crate::bridge::metrics`]
//! (asynchronous counters, read when the SDK collects, so attach and detach pay nothing)
//! registered with a `MeterProvider`, as every binding registers them with its language's.
//!
//! ```
//! use opentelemetry_sdk::metrics::{InMemoryMetricExporter, SdkMeterProvider};
//!
//! let exporter = InMemoryMetricExporter::default();
//! let provider = SdkMeterProvider::builder().with_periodic_exporter(exporter.clone()).build();
//! ctxbridge_core::otel_metrics::register(&provider);
//! provider.force_flush().unwrap();
//! let names: Vec<String> = exporter.get_finished_metrics().unwrap()[0]
//!     .scope_metrics()
//!     .flat_map(|scope| scope.metrics().map(|m| m.name().to_owned()))
//!     .collect();
//! assert!(names.contains(&"ctxbridge.context.misuse".to_owned()));
//! ```

use opentelemetry::metrics::MeterProvider;
use opentelemetry::KeyValue;

use crate::bridge::metrics::{INSTRUMENTS, KIND, METER};
use crate::scope;

/// Registers the instruments with `provider` (`&opentelemetry::global::meter_provider()`
/// for the global one). Call it once per provider; the SDK keeps the callbacks for the
/// provider's life. The values are the process's cumulative counts.
pub fn register<P: MeterProvider + ?Sized>(provider: &P) {
    let meter = provider.meter(METER);
    for instrument in INSTRUMENTS {
        let counters = instrument.counters;
        let _counter = meter
            .u64_observable_counter(instrument.name)
            .with_unit(instrument.unit)
            .with_description(instrument.description)
            .with_callback(move |observer| {
                for (name, value) in scope::stats().entries() {
                    if !counters.contains(&name) {
                        continue;
                    }
                    if counters.len() == 1 {
                        observer.observe(value, &[]);
                    } else {
                        observer.observe(value, &[KeyValue::new(KIND, name)]);
                    }
                }
            })
            .build();
    }
}
