//! Jaeger's query API (`GET /api/traces`, `/api/traces/{id}`): traces of spans with
//! `references` (the first `CHILD_OF` in the span's own trace is its parent, the rest
//! are links), times in microseconds, `tags`, and a `processes` table per trace.

use std::collections::HashMap;

use serde_json::Value;

use super::super::span::{parse_hex_id, Kind, Span};
use super::value::{as_text, get, number, text};

pub fn read_trace(trace: &Value, out: &mut Vec<Span>) {
    // processID → (service, language)
    let mut processes: HashMap<&str, (String, String)> = HashMap::new();
    if let Some(table) = get(trace, &["processes"]).and_then(Value::as_object) {
        for (id, process) in table {
            let tags = tags(process);
            let language = tags
                .iter()
                .find(|(k, _)| k == "telemetry.sdk.language")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            processes.insert(id, (text(process, &["serviceName"]).to_owned(), language));
        }
    }
    for span in get(trace, &["spans"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let trace_id = parse_hex_id(text(span, &["traceID"])).unwrap_or(0);
        let mut parent_id = None;
        let mut links = Vec::new();
        for reference in get(span, &["references"])
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let ref_trace = parse_hex_id(text(reference, &["traceID"])).unwrap_or(0);
            let ref_span = parse_hex_id(text(reference, &["spanID"])).unwrap_or(0) as u64;
            if parent_id.is_none()
                && ref_trace == trace_id
                && text(reference, &["refType"]) == "CHILD_OF"
            {
                parent_id = Some(ref_span);
            } else {
                links.push((ref_trace, ref_span));
            }
        }
        let tags = tags(span);
        let tag = |key: &str| tags.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        let (service, language) = processes
            .get(text(span, &["processID"]))
            .cloned()
            .unwrap_or_default();
        let start_us = number(span, &["startTime"]);
        let error = tag("otel.status_code") == Some("ERROR") || tag("error") == Some("true");
        out.push(Span {
            trace_id,
            span_id: parse_hex_id(text(span, &["spanID"])).unwrap_or(0) as u64,
            parent_id,
            name: text(span, &["operationName"]).to_owned(),
            kind: tag("span.kind").map(Kind::parse).unwrap_or_default(),
            service,
            language,
            start_ns: start_us.saturating_mul(1000),
            end_ns: start_us
                .saturating_add(number(span, &["duration"]))
                .saturating_mul(1000),
            error,
            links,
            attributes: tags
                .iter()
                .filter(|(k, _)| k != "span.kind" && !k.starts_with("otel."))
                .cloned()
                .collect(),
        });
    }
}

/// A `tags` list (`{key, type, value}`) as (key, text) pairs.
fn tags(holder: &Value) -> Vec<(String, String)> {
    get(holder, &["tags"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|tag| {
            (
                text(tag, &["key"]).to_owned(),
                get(tag, &["value"]).map(as_text).unwrap_or_default(),
            )
        })
        .collect()
}
