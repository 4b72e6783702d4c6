//! Scope benchmarks beside `opentelemetry::Context::attach` on the same thread, and the
//! same cycle on one and on two threads at once (per-operation cost must not grow with the
//! threads, as the host's does not).

use std::hint::black_box;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

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

/// Runs `work` `iters` times on each of `threads` threads started together; the slowest
/// thread's time, so the result is the per-operation cost with that many threads busy.
fn on_threads(threads: usize, iters: u64, work: fn()) -> Duration {
    let start = Arc::new(Barrier::new(threads));
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                work(); // the thread's first attach registers its counters: not timed
                start.wait();
                let began = Instant::now();
                for _ in 0..iters {
                    work();
                }
                began.elapsed()
            })
        })
        .collect();
    workers
        .into_iter()
        .map(|worker| worker.join().unwrap())
        .max()
        .unwrap_or_default()
}

fn ctxbridge_cycle() {
    let token = attach(black_box(Snapshot::new(None, Baggage::default())));
    detach(&token).unwrap();
}

fn opentelemetry_cycle() {
    drop(black_box(Context::new()).attach());
}

fn threads(c: &mut Criterion) {
    let mut group = c.benchmark_group("attach_detach_threads");
    for count in [1, 2] {
        group.bench_function(format!("ctxbridge/{count}"), |b| {
            b.iter_custom(|iters| on_threads(count, iters, ctxbridge_cycle))
        });
        group.bench_function(format!("opentelemetry/{count}"), |b| {
            b.iter_custom(|iters| on_threads(count, iters, opentelemetry_cycle))
        });
    }
    group.finish();
}

criterion_group!(benches, attach_detach, threads);
criterion_main!(benches);
