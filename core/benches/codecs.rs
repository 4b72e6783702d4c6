//! Codec benchmarks, each beside `opentelemetry_sdk`'s propagators on the same input.
//! `make bench` runs them and prints the ratios (scripts/bench_ratios.py).

use std::collections::HashMap;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use ctxbridge_core::bridge::trace::check_packed;
use ctxbridge_core::carrier::{
    extract_baggage, extract_span_context, inject_baggage, inject_span_context,
};
use ctxbridge_core::{format_traceparent, parse_traceparent, Baggage, TraceState};
use opentelemetry::propagation::{TextMapCompositePropagator, TextMapPropagator};
use opentelemetry::trace::TraceContextExt;
use opentelemetry::Context;
use opentelemetry_sdk::propagation::{BaggagePropagator, TraceContextPropagator};

const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const TRACESTATE: &str = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7,vendor@tenant=opaque-value-123";
const BAGGAGE: &str = "tenant.id=acme,user.id=alice,session=S%C3%A3o%20Paulo;ttl=60";

fn carrier(entries: &[(&str, &str)]) -> HashMap<String, String> {
    entries
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn traceparent(c: &mut Criterion) {
    let headers = carrier(&[("traceparent", TRACEPARENT)]);
    let otel = TraceContextPropagator::new();
    let mut group = c.benchmark_group("traceparent_extract");
    group.bench_function("ctxbridge", |b| {
        b.iter(|| extract_span_context(black_box(&headers)))
    });
    group.bench_function("opentelemetry", |b| {
        b.iter(|| otel.extract(black_box(&headers)))
    });
    group.finish();

    let ours = extract_span_context(&headers).unwrap();
    let theirs = otel.extract(&headers);
    let mut group = c.benchmark_group("traceparent_inject");
    group.bench_function("ctxbridge", |b| {
        b.iter(|| {
            let mut out = HashMap::new();
            inject_span_context(black_box(&ours), &mut out);
            out
        })
    });
    group.bench_function("opentelemetry", |b| {
        b.iter(|| {
            let mut out = HashMap::new();
            otel.inject_context(black_box(&theirs), &mut out);
            out
        })
    });
    group.finish();

    // The bare codecs, with no carrier around them: the tens-of-nanoseconds budget.
    let mut group = c.benchmark_group("traceparent_codec");
    group.bench_function("parse", |b| {
        b.iter(|| parse_traceparent(black_box(TRACEPARENT)))
    });
    group.bench_function("format", |b| {
        b.iter(|| {
            format_traceparent(
                black_box(ours.trace_id),
                black_box(ours.span_id),
                ours.flags,
            )
        })
    });
    group.finish();
    assert!(theirs.span().span_context().is_valid());
}

/// The bridge's one-call check of a received traceparent and tracestate, which every
/// binding's extract makes: what a host pays in Rust before it builds its span context.
fn bridge_check(c: &mut Criterion) {
    let mut group = c.benchmark_group("bridge_check");
    group.bench_function("traceparent", |b| {
        b.iter(|| check_packed(black_box(TRACEPARENT), None))
    });
    group.bench_function("traceparent+tracestate", |b| {
        b.iter(|| check_packed(black_box(TRACEPARENT), Some(black_box(TRACESTATE))))
    });
    group.finish();
}

fn tracestate(c: &mut Criterion) {
    let mut group = c.benchmark_group("tracestate_round_trip");
    group.bench_function("ctxbridge", |b| {
        b.iter(|| TraceState::parse(black_box(TRACESTATE)).unwrap().header())
    });
    group.bench_function("opentelemetry", |b| {
        b.iter(|| {
            black_box(TRACESTATE)
                .parse::<opentelemetry::trace::TraceState>()
                .unwrap()
                .header()
        })
    });
    group.finish();
}

fn baggage(c: &mut Criterion) {
    let headers = carrier(&[("baggage", BAGGAGE)]);
    let otel = BaggagePropagator::new();
    let mut group = c.benchmark_group("baggage_round_trip");
    group.bench_function("ctxbridge", |b| {
        b.iter(|| {
            let baggage: Baggage = extract_baggage(black_box(&headers));
            let mut out = HashMap::new();
            inject_baggage(&baggage, &mut out);
            out
        })
    });
    group.bench_function("opentelemetry", |b| {
        b.iter(|| {
            let cx = otel.extract(black_box(&headers));
            let mut out = HashMap::new();
            otel.inject_context(&cx, &mut out);
            out
        })
    });
    group.finish();
}

fn full_carrier(c: &mut Criterion) {
    let headers = carrier(&[
        ("traceparent", TRACEPARENT),
        ("tracestate", TRACESTATE),
        ("baggage", BAGGAGE),
        ("content-type", "application/json"),
    ]);
    let otel = TextMapCompositePropagator::new(vec![
        Box::new(TraceContextPropagator::new()),
        Box::new(BaggagePropagator::new()),
    ]);
    let mut group = c.benchmark_group("carrier_extract_inject");
    group.bench_function("ctxbridge", |b| {
        b.iter(|| {
            let snapshot = ctxbridge_core::extract(black_box(&headers));
            let mut out = HashMap::new();
            ctxbridge_core::inject(&snapshot, &mut out);
            out
        })
    });
    group.bench_function("opentelemetry", |b| {
        b.iter(|| {
            let cx: Context = otel.extract(black_box(&headers));
            let mut out = HashMap::new();
            otel.inject_context(&cx, &mut out);
            out
        })
    });
    group.finish();
}

/// A baggage header of about `size` bytes of short members.
fn small_members(size: usize) -> String {
    let mut joined = (0..size / 4)
        .map(|i| format!("k{i}=v"))
        .collect::<Vec<_>>()
        .join(",");
    joined.truncate(size);
    joined
}

/// What a header costs by its size: a 16 MB one must cost what a 16 kB one does, because
/// the codecs read no further than their limits.
fn header_sizes(c: &mut Criterion) {
    let mut group = c.benchmark_group("header_sizes");
    for size in [16usize << 10, 1 << 20, 16 << 20] {
        for (shape, baggage) in [
            ("one_long_member", format!("k={}", "v".repeat(size))),
            ("many_small_members", small_members(size)),
        ] {
            let headers = carrier(&[
                ("traceparent", TRACEPARENT),
                ("tracestate", &format!("a=1,{}", "x".repeat(size))),
                ("baggage", &baggage),
            ]);
            group.bench_function(format!("{shape}/{}kB", size >> 10), |b| {
                b.iter(|| ctxbridge_core::extract(black_box(&headers)))
            });
        }
    }
    group.finish();
}

criterion_group!(
    benches,
    traceparent,
    bridge_check,
    tracestate,
    baggage,
    full_carrier,
    header_sizes
);
criterion_main!(benches);
