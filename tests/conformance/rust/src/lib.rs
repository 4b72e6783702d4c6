//! The W3C trace-context test-harness service (DESIGN section 7), on ctxbridge-core.
//!
//! On `POST /test` with a JSON array of `{"url", "arguments"}`, it POSTs each
//! `arguments` to its `url`, carrying a `traceparent` (and `tracestate` when not
//! empty) derived from the incoming headers with a new parent-id per call, and answers
//! 200 once every call is made.

pub mod http;
mod ids;

use std::net::{TcpListener, TcpStream};

use ctxbridge_core::carrier::{extract_span_context, inject_span_context};
use ctxbridge_core::{SpanContext, TraceFlags, TraceState};

/// Serves until the listener fails, one thread per connection.
pub fn serve(listener: TcpListener) {
    for stream in listener.incoming().flatten() {
        std::thread::spawn(move || {
            let _ = handle(&stream);
        });
    }
}

fn handle(stream: &TcpStream) -> std::io::Result<()> {
    let request = http::read_request(stream)?;
    if request.method != "POST" || request.path != "/test" {
        return http::respond(stream, "404 Not Found");
    }
    let Ok(serde_json::Value::Array(calls)) = serde_json::from_slice(&request.body) else {
        return http::respond(stream, "400 Bad Request");
    };
    for call in &calls {
        let Some(url) = call["url"].as_str() else {
            continue;
        };
        let headers = outgoing_headers(&request.headers);
        let body = serde_json::to_vec(&call["arguments"]).unwrap_or_default();
        let _ = http::post_json(url, &headers, &body);
    }
    http::respond(stream, "200 OK")
}

/// The headers of one outgoing call: the incoming trace continued under a new span id,
/// or a new trace when the incoming traceparent is missing, invalid or repeated.
pub fn outgoing_headers(incoming: &[(String, String)]) -> Vec<(String, String)> {
    let span_context = match extract_span_context(incoming) {
        Some(parent) => SpanContext {
            span_id: ids::new_span_id(),
            remote: false,
            ..parent
        },
        None => SpanContext {
            trace_id: ids::new_trace_id(),
            span_id: ids::new_span_id(),
            flags: TraceFlags(TraceFlags::SAMPLED.0 | TraceFlags::RANDOM.0),
            remote: false,
            trace_state: TraceState::default(),
        },
    };
    let mut out = Vec::new();
    inject_span_context(&span_context, &mut out);
    out
}
