//! Findings as JSON, for machines (`ctxbridge-doctor --json`, the bindings' helpers).

use serde_json::{json, Value};

use super::finding::Finding;
use super::span::{span_hex, trace_hex, Span};

/// `{"findings": [...], "spans": n, "traces": n}`; each finding names its shape, its
/// spans (trace id, span id, name, service) and carries its evidence and fix.
pub fn findings_json(spans: &[Span], findings: &[Finding]) -> String {
    let described = |i: usize| -> Value {
        let span = &spans[i];
        json!({
            "trace_id": trace_hex(span.trace_id),
            "span_id": span_hex(span.span_id),
            "parent_id": span.parent_id.map(span_hex),
            "name": span.name,
            "service": span.service,
            "kind": span.kind.name(),
            "error": span.error,
        })
    };
    let items: Vec<Value> = findings
        .iter()
        .map(|finding| {
            json!({
                "shape": finding.shape.id(),
                "title": finding.shape.title(),
                "span": described(finding.span),
                "related": finding.related.map(described),
                "evidence": finding.evidence,
                "fix": finding.fix,
                "language": spans[finding.span].language,
            })
        })
        .collect();
    let mut traces: Vec<u128> = spans.iter().map(|s| s.trace_id).collect();
    traces.sort_unstable();
    traces.dedup();
    json!({ "findings": items, "spans": spans.len(), "traces": traces.len() }).to_string()
}
