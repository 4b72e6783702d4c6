//! The seed scenario in Rust: an order service whose HTTP handler validates a payment
//! and hands fulfilment to a thread pool, then publishes a message that a consumer picks
//! up now (a child span) and again two hours later (a new trace with a link).
//!
//! Run with `make demo`. The same scenario runs first without ctxbridge, to show the
//! orphaned span it exists to prevent.

mod waterfall;

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, SystemTime};

use ctxbridge_core::queue::{self, Parent};
use ctxbridge_core::{doctor, otel, Snapshot};
use opentelemetry::baggage::BaggageExt;
use opentelemetry::trace::{Link, SpanKind, TraceContextExt, Tracer, TracerProvider as _};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracer, SdkTracerProvider};

type Job = Box<dyn FnOnce() + Send>;

/// A fixed pool of worker threads fed from one queue, like a `ThreadPoolExecutor`.
struct ThreadPool {
    jobs: Option<mpsc::Sender<Job>>,
    workers: Vec<thread::JoinHandle<()>>,
}

impl ThreadPool {
    fn new(size: usize) -> Self {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = std::sync::Arc::new(std::sync::Mutex::new(queue));
        let workers = (0..size)
            .map(|_| {
                let queue = queue.clone();
                thread::spawn(move || loop {
                    let job = queue.lock().unwrap().recv();
                    match job {
                        Ok(job) => job(),
                        Err(_) => break,
                    }
                })
            })
            .collect();
        ThreadPool {
            jobs: Some(jobs),
            workers,
        }
    }

    fn submit(&self, job: impl FnOnce() + Send + 'static) {
        self.jobs.as_ref().unwrap().send(Box::new(job)).unwrap();
    }

    fn shutdown(mut self) {
        self.jobs.take();
        for worker in self.workers.drain(..) {
            worker.join().unwrap();
        }
    }
}

fn fulfill(tracer: &SdkTracer, order_id: &str) {
    let tenant = Context::map_current(|cx| cx.baggage().get("tenant.id").map(|v| v.to_string()));
    let mut span = tracer
        .span_builder("background_fulfillment")
        .with_attributes(vec![
            KeyValue::new("order.id", order_id.to_owned()),
            KeyValue::new("messaging.operation", "process"),
            KeyValue::new("tenant.id", tenant.unwrap_or_else(|| "<lost>".into())),
        ])
        .start(tracer);
    thread::sleep(Duration::from_millis(25));
    opentelemetry::trace::Span::end(&mut span);
}

/// The HTTP handler: validate_payment, then fulfilment on the pool.
fn process_order(
    tracer: &SdkTracer,
    pool: &ThreadPool,
    order_id: &'static str,
    use_ctxbridge: bool,
) {
    let cx = Context::current().with_baggage(vec![KeyValue::new("tenant.id", "acme")]);
    let _baggage = cx.attach();
    tracer.in_span("POST /orders", |_| {
        tracer.in_span("validate_payment", |cx| {
            cx.span().set_attribute(KeyValue::new("order.id", order_id));
            thread::sleep(Duration::from_millis(10));
            let worker_tracer = tracer.clone();
            let work = move || fulfill(&worker_tracer, order_id);
            if use_ctxbridge {
                // Capture here, at submit time; the worker runs in the capture.
                pool.submit(otel::wrap(work));
            } else {
                pool.submit(work);
            }
        });
    });
}

fn consume(tracer: &SdkTracer, carrier: &[(String, String)], enqueued_at: SystemTime, name: &str) {
    let decision = queue::resume(carrier, enqueued_at, Duration::from_secs(60));
    let builder = tracer
        .span_builder(name.to_owned())
        .with_kind(SpanKind::Consumer)
        .with_attributes(vec![KeyValue::new(
            "tenant.id",
            decision
                .baggage
                .get("tenant.id")
                .unwrap_or("<lost>")
                .to_owned(),
        )]);
    let span = match decision.parent {
        Parent::ChildOf(parent) => tracer.build_with_context(
            builder,
            &Context::new().with_remote_span_context(parent.to_otel()),
        ),
        Parent::RootWithLink(linked) => tracer.build_with_context(
            builder.with_links(vec![Link::with_context(linked.to_otel())]),
            &Context::new(),
        ),
        Parent::Root => tracer.build_with_context(builder, &Context::new()),
    };
    thread::sleep(Duration::from_millis(5));
    drop(span);
}

fn main() {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let tracer = provider.tracer("order-service");

    let pool = ThreadPool::new(2);
    process_order(&tracer, &pool, "o-1001", false);
    pool.shutdown();
    let broken = exporter.get_finished_spans().unwrap();
    waterfall::print(
        "without ctxbridge: background_fulfillment is an orphan in a trace of its own",
        &broken,
    );
    let spans = doctor::sdk::spans_of(&broken, "order-service");
    let findings = doctor::diagnose(&spans, &doctor::Options::default());
    println!("\n-- ctxbridge doctor, on the run without ctxbridge --");
    println!("{}", doctor::report::render(&spans, &findings, false));
    exporter.reset();

    let pool = ThreadPool::new(2);
    process_order(&tracer, &pool, "o-1002", true);
    pool.shutdown();

    // Publish a message from inside a span, then consume it twice.
    let mut carrier = Vec::new();
    let cx = Context::current().with_baggage(vec![KeyValue::new("tenant.id", "acme")]);
    let _baggage = cx.attach();
    tracer.in_span("publish order.created", |cx| {
        ctxbridge_core::inject(&Snapshot::from_otel(&cx), &mut carrier);
        thread::sleep(Duration::from_millis(3));
    });
    consume(
        &tracer,
        &carrier,
        SystemTime::now(),
        "consume order.created",
    );
    let two_hours_ago = SystemTime::now() - Duration::from_secs(2 * 3600);
    consume(
        &tracer,
        &carrier,
        two_hours_ago,
        "nightly replay order.created",
    );

    let spans = exporter.get_finished_spans().unwrap();
    waterfall::print(
        "with ctxbridge: fulfilment under validate_payment; a late message links back",
        &spans,
    );

    // The seed's check, on the spans just printed.
    let find = |name: &str| spans.iter().find(|s| s.name == name).unwrap();
    let (parent, child) = (find("validate_payment"), find("background_fulfillment"));
    let ok = child.span_context.trace_id() == parent.span_context.trace_id()
        && child.parent_span_id == parent.span_context.span_id();
    println!(
        "\ncheck: background_fulfillment.trace_id == validate_payment.trace_id and its parent is validate_payment: {}",
        if ok { "yes" } else { "NO" }
    );
    let ours = doctor::sdk::spans_of(&spans, "order-service");
    let clean = doctor::diagnose(&ours, &doctor::Options::default()).is_empty();
    println!(
        "check: the doctor finds no broken hand-off in the run with ctxbridge: {}",
        if clean { "yes" } else { "NO" }
    );
    let stats = ctxbridge_core::scope::stats();
    println!(
        "ctxbridge stats: attached {}, detached {}, leaked {}, misuse {}",
        stats.attached,
        stats.detached,
        stats.leaked,
        stats.out_of_order + stats.double_detach + stats.wrong_scope
    );
    if !(ok && clean) {
        std::process::exit(1);
    }
}
