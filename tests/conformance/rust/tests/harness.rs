//! Drives the service as the W3C test harness does: a `POST /test` carrying trace
//! headers, and a receiver that records what the service sends back.

use std::net::TcpListener;
use std::sync::mpsc;
use std::thread;

use ctxbridge_conformance::http;
use ctxbridge_core::parse_traceparent;

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/// Starts the service on an ephemeral port; returns its base URL.
fn start_service() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    thread::spawn(move || ctxbridge_conformance::serve(listener));
    url
}

/// What the receiver saw of one call: its headers and body.
type Received = (Vec<(String, String)>, Vec<u8>);

/// A harness endpoint that records `expected` requests (headers, body) and answers 200.
fn start_receiver(expected: usize) -> (String, mpsc::Receiver<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/callback", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for stream in listener.incoming().take(expected).flatten() {
            let request = http::read_request(&stream).unwrap();
            // Recorded before the answer: once the service has its 200 (and so answers the
            // harness), what it sent is already in the channel, however loaded the machine.
            tx.send((request.headers, request.body)).unwrap();
            http::respond(&stream, "200 OK").unwrap();
        }
    });
    (url, rx)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

fn run(incoming: &[(&str, &str)], calls: usize) -> Vec<Vec<(String, String)>> {
    let service = start_service();
    let (callback, received) = start_receiver(calls);
    let body: Vec<serde_json::Value> = (0..calls)
        .map(|i| serde_json::json!({"url": callback, "arguments": [{"call": i}]}))
        .collect();
    let headers: Vec<(String, String)> = incoming
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let status = http::post_json(
        &format!("{service}/test"),
        &headers,
        &serde_json::to_vec(&body).unwrap(),
    )
    .unwrap();
    assert_eq!(status, "HTTP/1.1 200 OK");
    // Every call was made before the service answered.
    (0..calls)
        .map(|i| {
            let (headers, body) = received.try_recv().expect("call made before the 200");
            let arguments: serde_json::Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(arguments[0]["call"], i as u64);
            headers
        })
        .collect()
}

#[test]
fn continues_the_trace_with_a_new_parent_id_per_call() {
    let calls = run(
        &[
            ("TraceParent", TRACEPARENT),
            ("tracestate", "foo=1"),
            ("TRACESTATE", "bar=2"),
        ],
        2,
    );
    let mut parent_ids = Vec::new();
    for headers in &calls {
        let traceparent = header(headers, "traceparent");
        assert_eq!(traceparent.len(), 1);
        let parsed = parse_traceparent(traceparent[0]).unwrap();
        assert_eq!(parsed.trace_id.to_hex(), TRACE_ID);
        assert_ne!(parsed.parent_id.to_hex(), "00f067aa0ba902b7");
        assert!(parsed.flags.is_sampled());
        assert_eq!(header(headers, "tracestate"), ["foo=1,bar=2"]);
        parent_ids.push(parsed.parent_id);
    }
    assert_ne!(parent_ids[0], parent_ids[1]);
}

#[test]
fn invalid_or_repeated_traceparent_starts_a_new_trace() {
    for incoming in [
        vec![
            (
                "traceparent",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            ),
            ("tracestate", "foo=1"),
        ],
        vec![
            ("traceparent", TRACEPARENT),
            ("traceparent", TRACEPARENT),
            ("tracestate", "foo=1"),
        ],
        vec![("tracestate", "foo=1")],
    ] {
        let calls = run(&incoming, 1);
        let parsed = parse_traceparent(header(&calls[0], "traceparent")[0]).unwrap();
        assert_ne!(parsed.trace_id.to_hex(), TRACE_ID);
        assert!(
            header(&calls[0], "tracestate").is_empty(),
            "tracestate of a trace not continued"
        );
    }
}

#[test]
fn future_version_is_continued_as_version_00() {
    let calls = run(
        &[(
            "traceparent",
            "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09-extra",
        )],
        1,
    );
    let traceparent = header(&calls[0], "traceparent")[0];
    assert!(traceparent.starts_with(&format!("00-{TRACE_ID}-")));
    assert!(
        traceparent.ends_with("-01"),
        "unknown flag bits are zeroed: {traceparent}"
    );
}

#[test]
fn invalid_tracestate_is_dropped_but_the_trace_continues() {
    let calls = run(
        &[("traceparent", TRACEPARENT), ("tracestate", "foo=1,Bad=2")],
        1,
    );
    let parsed = parse_traceparent(header(&calls[0], "traceparent")[0]).unwrap();
    assert_eq!(parsed.trace_id.to_hex(), TRACE_ID);
    assert!(header(&calls[0], "tracestate").is_empty());
}
