//! The doctor's rules, one failure shape at a time, on traces built as each SDK records
//! them (recorded traces from real runs are in tests/doctor/, run by tests/doctor_recorded.rs).

use ctxbridge_core::doctor::{diagnose, Finding, Kind, Options, Shape, Span};

const MS: u64 = 1_000_000;

fn span(
    trace: u128,
    id: u64,
    parent: Option<u64>,
    name: &str,
    kind: Kind,
    start: u64,
    end: u64,
) -> Span {
    Span {
        trace_id: trace,
        span_id: id,
        parent_id: parent,
        name: name.into(),
        kind,
        service: "orders".into(),
        language: "java".into(),
        start_ns: start * MS,
        end_ns: end * MS,
        ..Span::default()
    }
}

fn with(mut span: Span, key: &str, value: &str) -> Span {
    span.attributes.push((key.into(), value.into()));
    span
}

fn pairs(spans: &[Span], findings: &[Finding]) -> Vec<(Shape, u64, Option<u64>)> {
    findings
        .iter()
        .map(|f| {
            (
                f.shape,
                spans[f.span].span_id,
                f.related.map(|r| spans[r].span_id),
            )
        })
        .collect()
}

/// The seed's request: a server span, a child that submits work, on thread "http-1".
fn request(trace: u128) -> Vec<Span> {
    vec![
        with(
            span(trace, 1, None, "POST /orders", Kind::Server, 0, 100),
            "thread.name",
            "http-1",
        ),
        with(
            with(
                span(
                    trace,
                    2,
                    Some(1),
                    "validate_payment",
                    Kind::Internal,
                    10,
                    40,
                ),
                "thread.name",
                "http-1",
            ),
            "order.id",
            "o-1",
        ),
    ]
}

#[test]
fn a_pool_task_that_started_a_trace_is_a_broken_handoff_of_the_span_that_submitted_it() {
    let mut spans = request(1);
    spans.push(with(
        with(
            span(2, 3, None, "background_fulfillment", Kind::Internal, 20, 60),
            "thread.name",
            "pool-1-thread-1",
        ),
        "order.id",
        "o-1",
    ));
    let findings = diagnose(&spans, &Options::default());
    assert_eq!(
        pairs(&spans, &findings),
        vec![(Shape::BrokenHandoff, 3, Some(2))]
    );
    let evidence = findings[0].evidence.join("\n");
    assert!(evidence.contains("order.id=o-1"), "{evidence}");
    assert!(evidence.contains("pool-1-thread-1"), "{evidence}");
    assert!(
        findings[0].fix.contains("ContextExecutors.wrap"),
        "{}",
        findings[0].fix
    );
}

#[test]
fn with_nothing_but_time_the_one_open_trace_is_named() {
    let mut spans = request(1);
    spans.push(span(
        2,
        3,
        None,
        "background_fulfillment",
        Kind::Internal,
        20,
        60,
    ));
    let findings = diagnose(&spans, &Options::default());
    // validate_payment (10–40) is the latest-started span open at 20.
    assert_eq!(
        pairs(&spans, &findings),
        vec![(Shape::BrokenHandoff, 3, Some(2))]
    );
}

#[test]
fn a_root_in_a_busy_service_with_nothing_to_tie_it_is_not_a_finding() {
    let mut spans = request(1);
    spans.extend(request(3).into_iter().map(|mut s| {
        s.span_id += 10;
        s.parent_id = s.parent_id.map(|p| p + 10);
        s.attributes.retain(|(k, _)| k != "order.id");
        s
    }));
    spans.push(span(2, 3, None, "cache_refresh", Kind::Internal, 20, 60));
    assert_eq!(
        pairs(&spans, &diagnose(&spans, &Options::default())),
        vec![]
    );
}

#[test]
fn expected_roots_and_linked_roots_are_not_findings() {
    let mut spans = request(1);
    spans.push(span(2, 3, None, "nightly", Kind::Internal, 20, 60));
    let mut linked = span(4, 5, None, "replay", Kind::Consumer, 20, 60);
    linked.links.push((1, 2));
    spans.push(linked);
    let options = Options {
        expected_roots: vec!["nightly".into()],
        ..Options::default()
    };
    assert_eq!(pairs(&spans, &diagnose(&spans, &options)), vec![]);
}

#[test]
fn a_server_root_tied_to_an_open_client_span_is_a_broken_process_hop() {
    let client = with(
        span(1, 1, None, "POST billing", Kind::Client, 0, 50),
        "order.id",
        "o-9",
    );
    let mut server = with(
        span(2, 2, None, "POST /charge", Kind::Server, 5, 45),
        "order.id",
        "o-9",
    );
    server.service = "billing".into();
    server.language = "python".into();
    let spans = vec![client, server];
    let findings = diagnose(&spans, &Options::default());
    assert_eq!(
        pairs(&spans, &findings),
        vec![(Shape::BrokenHandoff, 2, Some(1))]
    );
    assert!(
        findings[0].fix.contains("in the sender"),
        "{}",
        findings[0].fix
    );
    assert!(findings[0]
        .evidence
        .join(" ")
        .contains("from orders to billing"));
}

#[test]
fn orphans_name_the_trace_that_holds_their_parent() {
    let mut spans = request(1);
    // The parent id travelled, the trace id did not.
    spans.push(span(2, 7, Some(2), "charge", Kind::Internal, 20, 30));
    // The parent is nowhere.
    spans.push(span(3, 8, Some(99), "audit", Kind::Internal, 50, 60));
    // An entry span whose caller is outside the data is not an orphan of this data.
    spans.push(span(4, 9, Some(98), "GET /health", Kind::Server, 0, 1));
    let findings = diagnose(&spans, &Options::default());
    assert_eq!(
        pairs(&spans, &findings),
        vec![(Shape::Orphan, 7, Some(2)), (Shape::Orphan, 8, Some(1))]
    );
    assert!(findings[0].evidence.join(" ").contains("trace id changed"));
}

#[test]
fn an_entry_span_under_a_local_span_and_a_reused_thread_are_stale_parents() {
    let mut spans = request(1);
    // Request 2 came in 5 s later and found request 1's validate_payment still attached.
    spans.push(with(
        span(1, 5, Some(2), "POST /orders", Kind::Server, 5_000, 5_050),
        "thread.name",
        "http-1",
    ));
    // A task on the same pool thread, 3 s after its parent ended.
    let first = with(
        span(7, 10, None, "job", Kind::Internal, 0, 10),
        "thread.name",
        "pool-2-thread-1",
    );
    let second = with(
        span(7, 11, Some(10), "step", Kind::Internal, 3_010, 3_020),
        "thread.name",
        "pool-2-thread-1",
    );
    spans.extend([first, second]);
    let findings = diagnose(&spans, &Options::default());
    assert_eq!(
        pairs(&spans, &findings),
        vec![
            (Shape::StaleParent, 11, Some(10)),
            (Shape::StaleParent, 5, Some(2))
        ]
    );
    assert!(findings[1].fix.contains("try-with-resources"));
}

#[test]
fn a_child_long_after_its_parent_is_late_work() {
    let producer = span(1, 1, None, "publish order.created", Kind::Producer, 0, 3);
    let mut consumer = span(
        1,
        2,
        Some(1),
        "consume order.created",
        Kind::Consumer,
        2 * 3_600_000,
        2 * 3_600_000 + 5,
    );
    consumer.service = "billing".into();
    let quick = span(1, 3, Some(1), "consume now", Kind::Consumer, 10, 15);
    let spans = vec![producer, consumer, quick];
    let findings = diagnose(&spans, &Options::default());
    assert_eq!(
        pairs(&spans, &findings),
        vec![(Shape::LateWork, 2, Some(1))]
    );
    assert!(
        findings[0].evidence[0].contains("1h 59m"),
        "{:?}",
        findings[0].evidence
    );
}

#[test]
fn baggage_missing_across_a_hop_is_lost() {
    let producer = with(
        span(1, 1, None, "publish", Kind::Producer, 0, 3),
        "baggage.tenant.id",
        "acme",
    );
    let mut consumer = span(1, 2, Some(1), "consume", Kind::Consumer, 5, 9);
    consumer.service = "billing".into();
    // billing records baggage where it has some.
    let mut other = with(
        span(5, 9, None, "consume", Kind::Consumer, 50, 60),
        "baggage.tenant.id",
        "beta",
    );
    other.service = "billing".into();
    let spans = vec![producer, consumer, other];
    let findings = diagnose(&spans, &Options::default());
    assert_eq!(
        pairs(&spans, &findings),
        vec![(Shape::LostBaggage, 2, Some(1))]
    );
    // A service that never records baggage shows none, lost or not.
    let spans = &spans[..2];
    assert_eq!(pairs(spans, &diagnose(spans, &Options::default())), vec![]);
}

#[test]
fn a_correct_trace_has_no_finding() {
    let mut spans = request(1);
    spans.push(with(
        with(
            span(
                1,
                3,
                Some(2),
                "background_fulfillment",
                Kind::Internal,
                20,
                60,
            ),
            "thread.name",
            "pool-1-thread-1",
        ),
        "order.id",
        "o-1",
    ));
    let mut consumer = span(1, 4, Some(2), "consume", Kind::Consumer, 30, 35);
    consumer.service = "billing".into();
    let producer = span(1, 5, Some(2), "publish", Kind::Producer, 25, 28);
    consumer.parent_id = Some(5);
    spans.extend([producer, consumer]);
    assert_eq!(
        pairs(&spans, &diagnose(&spans, &Options::default())),
        vec![]
    );
}

#[test]
fn work_left_to_run_after_its_submitter_ended_is_tied_by_an_id_only() {
    let mut spans = request(1);
    // validate_payment ended at 40; the task started at 45 with the same order, and
    // another at 46 with nothing to tie it.
    spans.push(with(
        span(2, 3, None, "background_fulfillment", Kind::Internal, 45, 60),
        "order.id",
        "o-1",
    ));
    spans.push(span(3, 4, None, "unrelated", Kind::Internal, 46, 60));
    let findings = diagnose(&spans, &Options::default());
    // `unrelated` started while two other traces were open (POST /orders, and the task):
    // time alone cannot say which, so it is not named.
    assert_eq!(
        pairs(&spans, &findings),
        vec![(Shape::BrokenHandoff, 3, Some(2))]
    );
    assert!(findings[0]
        .evidence
        .join(" ")
        .contains("handed off and left to run"));
    // A baggage key is not an id of the work.
    let options = Options {
        baggage_keys: vec!["order.id".into()],
        ..Options::default()
    };
    let mut late = request(1);
    late[0].end_ns = 40 * MS;
    late.push(with(
        span(2, 3, None, "background_fulfillment", Kind::Internal, 45, 60),
        "order.id",
        "o-1",
    ));
    assert_eq!(pairs(&late, &diagnose(&late, &options)), vec![]);
}

#[test]
fn a_root_named_as_work_under_a_parent_elsewhere_is_tied_to_that_parent() {
    let mut spans = request(1);
    // The same work, done right once, under validate_payment…
    spans.push(with(
        span(1, 3, Some(2), "fulfil", Kind::Internal, 20, 30),
        "order.id",
        "o-1",
    ));
    // …and once more from a worker without the context, after everything ended.
    spans.push(span(
        2,
        4,
        None,
        "fulfil (worker)",
        Kind::Internal,
        150,
        160,
    ));
    let findings = diagnose(&spans, &Options::default());
    assert_eq!(
        pairs(&spans, &findings),
        vec![(Shape::BrokenHandoff, 4, Some(2))]
    );
    assert!(findings[0].evidence.join(" ").contains("the same work"));
}

#[test]
fn a_consumer_under_a_publish_recorded_as_internal_is_not_stale() {
    // Many publishers record their send as an internal span; the consumer that resumed
    // its headers is its child, correctly.
    let publish = span(1, 1, None, "publish order.created", Kind::Internal, 0, 3);
    let consume = span(1, 2, Some(1), "consume order.created", Kind::Consumer, 4, 9);
    let spans = vec![publish, consume];
    assert_eq!(
        pairs(&spans, &diagnose(&spans, &Options::default())),
        vec![]
    );
    // A request under that internal span is a leak.
    let mut leaked = spans.clone();
    leaked.push(span(1, 3, Some(1), "GET /next", Kind::Server, 10, 12));
    assert_eq!(
        pairs(&leaked, &diagnose(&leaked, &Options::default())),
        vec![(Shape::StaleParent, 3, Some(1))]
    );
}
