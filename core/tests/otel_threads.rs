//! The seed scenario with the real `opentelemetry_sdk` and its `InMemorySpanExporter`:
//! work handed to other threads through ctxbridge starts its spans as children of the
//! span current at submit time. Also the seed's pitfalls and the queue decision.

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, SystemTime};

use ctxbridge_core::doctor::{self, sdk, Options, Shape};
use ctxbridge_core::{otel, queue, Snapshot};
use opentelemetry::baggage::BaggageExt;
use opentelemetry::trace::{SpanKind, TraceContextExt, Tracer, TracerProvider as _};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};

fn setup() -> (SdkTracerProvider, InMemorySpanExporter) {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    (provider, exporter)
}

fn span<'a>(spans: &'a [SpanData], name: &str) -> &'a SpanData {
    spans
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no span {name}"))
}

/// A tiny pooled executor: one worker thread that runs jobs in order, as a
/// `ThreadPoolExecutor(max_workers=1)` does. The worker thread outlives every job.
struct OneThreadPool {
    jobs: mpsc::Sender<Box<dyn FnOnce() + Send>>,
    worker: Option<thread::JoinHandle<()>>,
}

impl OneThreadPool {
    fn new() -> Self {
        let (jobs, queue) = mpsc::channel::<Box<dyn FnOnce() + Send>>();
        let worker = thread::spawn(move || {
            for job in queue {
                job();
            }
        });
        OneThreadPool {
            jobs,
            worker: Some(worker),
        }
    }

    fn submit(&self, job: impl FnOnce() + Send + 'static) {
        self.jobs.send(Box::new(job)).unwrap();
    }

    fn shutdown(mut self) {
        drop(self.jobs);
        self.worker.take().unwrap().join().unwrap();
    }
}

#[test]
fn work_spawned_on_a_thread_is_a_child_of_the_submitting_span() {
    let (provider, exporter) = setup();
    let tracer = provider.tracer("order-service");
    tracer.in_span("validate_payment", |cx| {
        cx.span().set_attribute(KeyValue::new("order.id", "o-42"));
        let tracer = provider.tracer("order-service");
        otel::spawn(move || {
            tracer.in_span("background_fulfillment", |_| {});
        })
        .join()
        .unwrap();
    });
    let spans = exporter.get_finished_spans().unwrap();
    let parent = span(&spans, "validate_payment");
    let child = span(&spans, "background_fulfillment");
    assert_eq!(
        child.span_context.trace_id(),
        parent.span_context.trace_id()
    );
    sdk::assert_unbroken(&spans, "order-service", &Options::default());
    assert_eq!(child.parent_span_id, parent.span_context.span_id());
    assert!(
        !child.parent_span_is_remote,
        "an in-process parent is not remote"
    );
}

#[test]
fn without_ctxbridge_the_worker_starts_an_orphan_trace() {
    // The failure the project exists for, shown with the same SDK: a plain spawn.
    let (provider, exporter) = setup();
    let tracer = provider.tracer("order-service");
    tracer.in_span("validate_payment", |_| {
        let tracer = provider.tracer("order-service");
        thread::spawn(move || tracer.in_span("background_fulfillment", |_| {}))
            .join()
            .unwrap();
    });
    let spans = exporter.get_finished_spans().unwrap();
    let parent = span(&spans, "validate_payment");
    let orphan = span(&spans, "background_fulfillment");
    assert_ne!(
        orphan.span_context.trace_id(),
        parent.span_context.trace_id()
    );
    assert_eq!(orphan.parent_span_id, opentelemetry::trace::SpanId::INVALID);
    // The doctor names the pair: the new root and the span open when it started.
    let ours = sdk::spans_of(&spans, "order-service");
    let findings = doctor::diagnose(&ours, &Options::default());
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].shape, Shape::BrokenHandoff);
    let (broken, open) = (&ours[findings[0].span], &ours[findings[0].related.unwrap()]);
    assert_eq!(
        broken.span_id.to_be_bytes(),
        orphan.span_context.span_id().to_bytes()
    );
    assert_eq!(
        open.span_id.to_be_bytes(),
        parent.span_context.span_id().to_bytes()
    );
    let panic = std::panic::catch_unwind(|| {
        sdk::assert_unbroken(&spans, "order-service", &Options::default())
    });
    let message = *panic.unwrap_err().downcast::<String>().unwrap();
    assert!(
        message.contains("broken hand-off: 'background_fulfillment'"),
        "{message}"
    );
}

#[test]
fn pooled_worker_does_not_carry_one_tasks_context_into_the_next() {
    let (provider, exporter) = setup();
    let tracer = provider.tracer("order-service");
    let pool = OneThreadPool::new();
    let (done, finished) = mpsc::channel();

    // Task 1 is submitted under order-1 and leaks an attach of its own context.
    tracer.in_span("order-1", |_| {
        let leaking = otel::wrap(|| {
            let token = ctxbridge_core::attach(ctxbridge_core::current());
            std::mem::forget(token);
        });
        pool.submit(leaking);
    });
    // Task 2 is submitted with no span current: its span must be a new root, not a
    // child of order-1 left behind on the pooled thread.
    let tracer2 = provider.tracer("order-service");
    let done2 = done.clone();
    let task2 = otel::wrap(move || {
        let stale = ctxbridge_core::current();
        tracer2.in_span("task-2", |_| {});
        done2.send(stale.is_empty()).unwrap();
    });
    pool.submit(task2);
    assert!(finished.recv().unwrap(), "task 2 saw task 1's context");
    pool.shutdown();

    let spans = exporter.get_finished_spans().unwrap();
    let order1 = span(&spans, "order-1");
    let task2 = span(&spans, "task-2");
    assert_ne!(
        task2.span_context.trace_id(),
        order1.span_context.trace_id()
    );
    assert_eq!(task2.parent_span_id, opentelemetry::trace::SpanId::INVALID);
}

#[test]
fn capture_inside_the_worker_captures_nothing() {
    // Pitfall 1 of the seed: capturing in the worker instead of at submit time.
    let (provider, _exporter) = setup();
    let tracer = provider.tracer("order-service");
    let captured_in_worker = tracer.in_span("validate_payment", |_| {
        thread::spawn(otel::capture).join().unwrap()
    });
    assert!(captured_in_worker.span_context().is_none());
}

#[test]
fn baggage_crosses_the_thread_boundary() {
    let cx = Context::current().with_baggage(vec![KeyValue::new("tenant.id", "acme corp")]);
    let _guard = cx.attach();
    let seen = otel::spawn(|| {
        Context::map_current(|cx| cx.baggage().get("tenant.id").map(|v| v.to_string()))
    })
    .join()
    .unwrap();
    assert_eq!(seen.as_deref(), Some("acme corp"));
}

#[test]
fn snapshot_round_trips_through_an_opentelemetry_context() {
    let (provider, _exporter) = setup();
    let tracer = provider.tracer("t");
    tracer.in_span("s", |cx| {
        let snapshot = Snapshot::from_otel(&cx);
        let sc = snapshot.span_context().unwrap();
        assert_eq!(
            sc.trace_id.0,
            cx.span().span_context().trace_id().to_bytes()
        );
        let back = snapshot.to_otel();
        assert_eq!(
            back.span().span_context().span_id(),
            cx.span().span_context().span_id()
        );
    });
}

/// Produces a message carrier from inside a producer span.
fn produce(tracer: &opentelemetry_sdk::trace::SdkTracer, baggage: &str) -> Vec<(String, String)> {
    let mut carrier = Vec::new();
    let cx = Context::current().with_baggage(vec![KeyValue::new("tenant.id", baggage.to_owned())]);
    let _g = cx.attach();
    tracer.in_span("publish order", |cx| {
        ctxbridge_core::inject(&Snapshot::from_otel(&cx), &mut carrier);
    });
    carrier
}

#[test]
fn queue_resume_child_when_fresh_root_with_link_when_old() {
    let (provider, exporter) = setup();
    let tracer = provider.tracer("order-service");
    let carrier = produce(&tracer, "acme");
    let max_age = Duration::from_secs(60);
    let now = SystemTime::now();

    for (name, enqueued_at) in [
        ("fresh", now - Duration::from_secs(1)),
        ("old", now - Duration::from_secs(3600)),
    ] {
        let decision = queue::resume_at(&carrier, enqueued_at, max_age, now);
        assert_eq!(decision.baggage.get("tenant.id"), Some("acme"), "{name}");
        let builder = tracer
            .span_builder(format!("process {name}"))
            .with_kind(SpanKind::Consumer);
        let span = match &decision.parent {
            queue::Parent::ChildOf(parent) => {
                let cx = Context::new().with_remote_span_context(parent.to_otel());
                tracer.build_with_context(builder, &cx)
            }
            queue::Parent::RootWithLink(linked) => tracer.build_with_context(
                builder.with_links(vec![opentelemetry::trace::Link::with_context(
                    linked.to_otel(),
                )]),
                &Context::new(),
            ),
            queue::Parent::Root => panic!("the message carries a traceparent"),
        };
        drop(span);
    }
    let spans = exporter.get_finished_spans().unwrap();
    let producer = span(&spans, "publish order");
    let fresh = span(&spans, "process fresh");
    let old = span(&spans, "process old");
    assert_eq!(
        fresh.span_context.trace_id(),
        producer.span_context.trace_id()
    );
    assert_eq!(fresh.parent_span_id, producer.span_context.span_id());
    assert!(fresh.parent_span_is_remote);
    assert_ne!(
        old.span_context.trace_id(),
        producer.span_context.trace_id()
    );
    assert_eq!(old.parent_span_id, opentelemetry::trace::SpanId::INVALID);
    let link = old
        .links
        .iter()
        .next()
        .expect("old message links to the producer");
    assert_eq!(
        link.span_context.trace_id(),
        producer.span_context.trace_id()
    );
    assert_eq!(link.span_context.span_id(), producer.span_context.span_id());
}

#[test]
fn queue_resume_without_traceparent_is_a_root_and_keeps_baggage() {
    let carrier = [("baggage", "tenant.id=acme"), ("traceparent", "garbage")];
    let decision = queue::resume(&carrier[..], SystemTime::now(), Duration::from_secs(5));
    assert_eq!(decision.parent, queue::Parent::Root);
    assert_eq!(decision.baggage.get("tenant.id"), Some("acme"));
}
