//! One file per failure shape; each adds its findings to the list.

pub mod baggage;
pub mod handoff;
pub mod late;
pub mod orphan;
pub mod stale;

use super::span::Span;

/// A duration for evidence: `2h 0m`, `3.2 s`, `12.5 ms`.
pub fn human(ns: u64) -> String {
    let s = ns as f64 / 1e9;
    if s >= 3600.0 {
        format!(
            "{}h {}m",
            ns / 3_600_000_000_000,
            (ns / 60_000_000_000) % 60
        )
    } else if s >= 60.0 {
        format!("{}m {}s", ns / 60_000_000_000, (ns / 1_000_000_000) % 60)
    } else if s >= 1.0 {
        format!("{s:.1} s")
    } else {
        format!("{:.1} ms", ns as f64 / 1e6)
    }
}

/// `'name' (span <id>, service)` for evidence.
pub fn label(span: &Span) -> String {
    format!(
        "'{}' (span {}, {})",
        span.name,
        super::span::span_hex(span.span_id),
        span.service
    )
}
