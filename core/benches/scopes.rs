//! Scope benchmarks beside `opentelemetry::Context::attach` on the same thread.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use ctxbridge_core::{attach, capture, detach, run_in, Baggage, Snapshot};
use opentelemetry::baggage::BaggageExt;
use opentelemetry::{Context, KeyValue};

fn attach_detach(c: &mut Criterion) {
    let mut baggage = Baggage::default();
    baggage.insert("tenant.id", "acme").unwrap();
    let snapshot = Snapshot::new(None, baggage);
    let cx = Context::new().with_baggage(vec![KeyValue::new("tenant.id", "acme")]);

    let mut group = c.benchmark_group("attach_detach");
    group.bench_function("ctxbridge", |b| {
        b.iter(|| {
            let token = attach(black_box(snapshot.clone()));
            detach(&token)
        })
    });
    group.bench_function("opentelemetry", |b| {
        b.iter(|| drop(black_box(cx.clone()).attach()))
    });
    group.finish();

    // A hand-off as a worker sees it: capture at submit, run in the capture.
    let outer = attach(snapshot.clone());
    let _otel_outer = cx.clone().attach();
    let mut group = c.benchmark_group("capture_run");
    group.bench_function("ctxbridge", |b| {
        b.iter(|| {
            let captured = capture();
            run_in(&captured, || black_box(1))
        })
    });
    group.bench_function("opentelemetry", |b| {
        b.iter(|| {
            let captured = Context::current();
            let _guard = captured.attach();
            black_box(1)
        })
    });
    group.finish();
    detach(&outer).unwrap();
}

criterion_group!(benches, attach_detach);
criterion_main!(benches);
