//! Prints finished spans as a waterfall: one block per trace, the span tree indented,
//! ids, and a time bar per span on the trace's own time axis.

use std::collections::HashMap;
use std::time::SystemTime;

use opentelemetry::trace::SpanId;
use opentelemetry_sdk::trace::SpanData;

const BAR_WIDTH: usize = 40;

pub fn print(title: &str, spans: &[SpanData]) {
    println!("\n== {title} ==");
    let mut traces: Vec<Vec<&SpanData>> = Vec::new();
    for span in spans {
        let trace_id = span.span_context.trace_id();
        match traces
            .iter_mut()
            .find(|t| t[0].span_context.trace_id() == trace_id)
        {
            Some(trace) => trace.push(span),
            None => traces.push(vec![span]),
        }
    }
    traces.sort_by_key(|t| t.iter().map(|s| s.start_time).min());
    for trace in traces {
        print_trace(&trace);
    }
}

fn print_trace(spans: &[&SpanData]) {
    let start = spans
        .iter()
        .map(|s| s.start_time)
        .min()
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let end = spans.iter().map(|s| s.end_time).max().unwrap_or(start);
    let total = end
        .duration_since(start)
        .unwrap_or_default()
        .as_secs_f64()
        .max(1e-9);
    println!("trace {}", spans[0].span_context.trace_id());
    let ids: Vec<SpanId> = spans.iter().map(|s| s.span_context.span_id()).collect();
    let mut children: HashMap<SpanId, Vec<&SpanData>> = HashMap::new();
    let mut roots = Vec::new();
    for span in spans {
        if ids.contains(&span.parent_span_id) {
            children.entry(span.parent_span_id).or_default().push(span);
        } else {
            roots.push(*span);
        }
    }
    let mut stack: Vec<(&SpanData, usize)> = roots.into_iter().rev().map(|s| (s, 0)).collect();
    while let Some((span, depth)) = stack.pop() {
        let offset = span
            .start_time
            .duration_since(start)
            .unwrap_or_default()
            .as_secs_f64();
        let length = span
            .end_time
            .duration_since(span.start_time)
            .unwrap_or_default()
            .as_secs_f64();
        let from = ((offset / total) * BAR_WIDTH as f64).round() as usize;
        let width = (((length / total) * BAR_WIDTH as f64).round() as usize).max(1);
        let bar = format!(
            "{}{}",
            " ".repeat(from.min(BAR_WIDTH)),
            "█".repeat(width.min(BAR_WIDTH - from.min(BAR_WIDTH - 1)))
        );
        let parent = if span.parent_span_id == SpanId::INVALID {
            "root".to_owned()
        } else {
            format!("parent {}", span.parent_span_id)
        };
        let links = if span.links.is_empty() {
            String::new()
        } else {
            format!(
                " (linked to {})",
                span.links.links[0].span_context.trace_id()
            )
        };
        println!(
            "  {:<34} span {} {:<24} |{:<w$}| {:>6.1} ms{}",
            format!("{}{}", "  ".repeat(depth), span.name),
            span.span_context.span_id(),
            parent,
            bar,
            length * 1e3,
            links,
            w = BAR_WIDTH
        );
        let mut kids = children
            .remove(&span.span_context.span_id())
            .unwrap_or_default();
        kids.sort_by_key(|s| s.start_time);
        stack.extend(kids.into_iter().rev().map(|s| (s, depth + 1)));
    }
}
