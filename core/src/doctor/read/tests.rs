//! Each format read from a document written as its producer writes it.

use super::spans;
use crate::doctor::Kind;

#[test]
fn otlp_json_lines_and_collector_documents() {
    let line = r#"{"resourceSpans":[{"resource":{"attributes":[
        {"key":"service.name","value":{"stringValue":"orders"}},
        {"key":"telemetry.sdk.language","value":{"stringValue":"java"}}]},
      "scopeSpans":[{"scope":{"name":"t"},"spans":[
        {"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7",
         "parentSpanId":"","name":"GET /","kind":2,"startTimeUnixNano":"1000",
         "endTimeUnixNano":"2000","attributes":[{"key":"order.id","value":{"intValue":"7"}}],
         "links":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331"}],
         "status":{"code":2}}]}]}]}"#;
    let text = format!("{line}\n{line}\n");
    let read = spans(&text).unwrap();
    assert_eq!(read.len(), 2);
    let span = &read[0];
    assert_eq!(span.trace_id, 0x4bf92f3577b34da6a3ce929d0e0e4736);
    assert_eq!(span.span_id, 0x00f067aa0ba902b7);
    assert_eq!(span.parent_id, None);
    assert_eq!(span.kind, Kind::Server);
    assert_eq!(
        (span.service.as_str(), span.language.as_str()),
        ("orders", "java")
    );
    assert_eq!((span.start_ns, span.end_ns), (1000, 2000));
    assert_eq!(span.attribute("order.id"), Some("7"));
    assert_eq!(
        span.links,
        vec![(0x0af7651916cd43dd8448eb211c80319c, 0xb7ad6b7169203331)]
    );
    assert!(span.error);
}

#[test]
fn jaeger_query_api() {
    let text = r#"{"data":[{"traceID":"4bf92f3577b34da6a3ce929d0e0e4736","spans":[
        {"traceID":"4bf92f3577b34da6a3ce929d0e0e4736","spanID":"00f067aa0ba902b7",
         "operationName":"consume","references":[
           {"refType":"CHILD_OF","traceID":"4bf92f3577b34da6a3ce929d0e0e4736","spanID":"b7ad6b7169203331"},
           {"refType":"FOLLOWS_FROM","traceID":"0af7651916cd43dd8448eb211c80319c","spanID":"b7ad6b7169203331"}],
         "startTime":5,"duration":3,"tags":[{"key":"span.kind","type":"string","value":"consumer"},
           {"key":"thread.name","type":"string","value":"pool-1-thread-1"}],
         "processID":"p1"}],
      "processes":{"p1":{"serviceName":"billing","tags":[
        {"key":"telemetry.sdk.language","type":"string","value":"python"}]}}}]}"#;
    let read = spans(text).unwrap();
    assert_eq!(read.len(), 1);
    let span = &read[0];
    assert_eq!(span.parent_id, Some(0xb7ad6b7169203331));
    assert_eq!(
        span.links,
        vec![(0x0af7651916cd43dd8448eb211c80319c, 0xb7ad6b7169203331)]
    );
    assert_eq!(span.kind, Kind::Consumer);
    assert_eq!((span.start_ns, span.end_ns), (5_000, 8_000));
    assert_eq!(
        (span.service.as_str(), span.language.as_str()),
        ("billing", "python")
    );
    assert_eq!(span.thread(), Some("pool-1-thread-1"));
}

#[test]
fn python_console_spans() {
    let text = r#"{"name": "fulfil", "context": {"trace_id": "0x4bf92f3577b34da6a3ce929d0e0e4736",
      "span_id": "0x00f067aa0ba902b7", "trace_state": "[]"}, "kind": "SpanKind.INTERNAL",
      "parent_id": null, "start_time": "1970-01-01T00:00:01.000002Z",
      "end_time": "1970-01-01T00:00:02.000000Z", "status": {"status_code": "UNSET"},
      "attributes": {"order.id": "o-1"}, "events": [], "links": [],
      "resource": {"attributes": {"service.name": "orders", "telemetry.sdk.language": "python"},
      "schema_url": ""}}"#;
    let read = spans(text).unwrap();
    assert_eq!(read[0].kind, Kind::Internal);
    assert_eq!(read[0].parent_id, None);
    assert_eq!(read[0].start_ns, 1_000_002_000);
    assert_eq!(read[0].attribute("order.id"), Some("o-1"));
}

#[test]
fn other_documents_are_refused_by_name() {
    assert!(spans("{\"x\": 1}").unwrap_err().0.contains("neither OTLP"));
    assert!(spans("{").unwrap_err().0.contains("not JSON"));
    assert_eq!(spans("").unwrap(), vec![]);
}
