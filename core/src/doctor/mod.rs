//! The doctor: reads a set of finished spans and names each place a trace broke, with
//! the spans involved, the evidence and a one-line fix in the language of the service
//! that broke it. Pure Rust over [`Span`]s, no I/O; readers for OTLP JSON, Jaeger's
//! query API and Python's console exporter are in [`read`] (feature `doctor`), the
//! waterfall report in [`report`], the command line every front end runs in `cli`.
//!
//! ```
//! use ctxbridge_core::doctor::{diagnose, Kind, Options, Shape, Span};
//!
//! let ms = 1_000_000;
//! let request = Span { trace_id: 1, span_id: 10, name: "POST /orders".into(), kind: Kind::Server,
//!     service: "orders".into(), language: "python".into(), start_ns: 0, end_ns: 50 * ms, ..Span::default() };
//! // Work handed to a pool without the context: a fresh trace, started while the request was open.
//! let task = Span { trace_id: 2, span_id: 20, name: "fulfil".into(), kind: Kind::Internal,
//!     service: "orders".into(), language: "python".into(), start_ns: 10 * ms, end_ns: 30 * ms, ..Span::default() };
//! let spans = [request, task];
//! let findings = diagnose(&spans, &Options::default());
//! assert_eq!(findings.len(), 1);
//! assert_eq!(findings[0].shape, Shape::BrokenHandoff);
//! assert_eq!((findings[0].span, findings[0].related), (1, Some(0)));
//! ```

mod finding;
mod fixes;
mod index;
pub mod report;
mod rules;
mod span;
mod ties;

#[cfg(feature = "doctor")]
pub mod cli;
#[cfg(feature = "doctor")]
pub mod json;
#[cfg(feature = "doctor")]
pub mod read;
#[cfg(feature = "doctor-sdk")]
pub mod sdk;

pub use finding::{Finding, Shape};
pub use fixes::{fix, fix_process_hop};
pub use span::{parse_hex_id, span_hex, trace_hex, Kind, Span};

/// What the rules take as given.
#[derive(Clone, Debug)]
pub struct Options {
    /// A child starting this long after its parent ended is late work (default 60 s).
    pub late_after_ns: u64,
    /// A child starting this long after its parent ended on the same thread got a stale
    /// context (default 1 s).
    pub stale_after_ns: u64,
    /// Attribute keys a baggage span processor copied from baggage (keys starting with
    /// `baggage.` count too).
    pub baggage_keys: Vec<String>,
    /// Span names that start traces by design (a cron job, a scheduler tick).
    pub expected_roots: Vec<String>,
    /// Report server and consumer spans whose remote parent is not in the data (off by
    /// default: their caller is often outside the data).
    pub entry_orphans: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            late_after_ns: 60_000_000_000,
            stale_after_ns: 1_000_000_000,
            baggage_keys: Vec::new(),
            expected_roots: Vec::new(),
            entry_orphans: false,
        }
    }
}

impl Options {
    /// Whether attribute `key` is one a baggage span processor copied.
    pub fn is_baggage_key(&self, key: &str) -> bool {
        key.starts_with("baggage.") || self.baggage_keys.iter().any(|k| k == key)
    }
}

/// Every finding over `spans`, in the order their spans started.
pub fn diagnose(spans: &[Span], options: &Options) -> Vec<Finding> {
    let index = index::Index::new(spans, |key| options.is_baggage_key(key));
    let mut findings = Vec::new();
    rules::orphan::find(&index, options, &mut findings);
    rules::handoff::find(&index, options, &mut findings);
    rules::stale::find(&index, options, &mut findings);
    rules::late::find(&index, options, &mut findings);
    rules::baggage::find(&index, options, &mut findings);
    findings.sort_by_key(|f| (spans[f.span].start_ns, f.span, f.shape));
    findings
}
