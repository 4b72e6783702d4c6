//! Lookups the rules share over one set of spans, built once per diagnosis.

use std::collections::HashMap;

use super::span::Span;

pub struct Index<'a> {
    pub spans: &'a [Span],
    /// (trace id, span id) → the span.
    by_id: HashMap<(u128, u64), usize>,
    /// span id → the spans with it, in any trace (to find a parent whose trace changed).
    by_span_id: HashMap<u64, Vec<usize>>,
    /// service → its spans by start time, and the longest of them (so a search for the
    /// spans open at an instant looks back no further than that).
    by_service: HashMap<&'a str, Service>,
    /// Services some span of which carries a baggage key.
    pub services_with_baggage: Vec<&'a str>,
    /// (key, value) of an id-like attribute → the client and producer spans carrying it,
    /// so a server or consumer root finds its sender without a scan of every span.
    exits_by_correlation: HashMap<(&'a str, &'a str), Vec<usize>>,
}

pub struct Service {
    pub by_start: Vec<usize>,
    pub longest_ns: u64,
}

impl<'a> Index<'a> {
    pub fn new(spans: &'a [Span], is_baggage_key: impl Fn(&str) -> bool) -> Self {
        let mut by_id = HashMap::with_capacity(spans.len());
        let mut by_span_id: HashMap<u64, Vec<usize>> = HashMap::with_capacity(spans.len());
        let mut by_service: HashMap<&str, Service> = HashMap::new();
        let mut services_with_baggage = Vec::new();
        let mut exits_by_correlation: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (i, span) in spans.iter().enumerate() {
            if span.kind.is_exit() {
                for (key, value) in &span.attributes {
                    if super::ties::is_correlation_key(key) && !value.is_empty() {
                        exits_by_correlation
                            .entry((key.as_str(), value.as_str()))
                            .or_default()
                            .push(i);
                    }
                }
            }
            by_id.entry((span.trace_id, span.span_id)).or_insert(i);
            by_span_id.entry(span.span_id).or_default().push(i);
            let service = by_service.entry(&span.service).or_insert(Service {
                by_start: Vec::new(),
                longest_ns: 0,
            });
            service.by_start.push(i);
            service.longest_ns = service.longest_ns.max(span.duration_ns());
            if !services_with_baggage.contains(&span.service.as_str())
                && span.attributes.iter().any(|(k, _)| is_baggage_key(k))
            {
                services_with_baggage.push(&span.service);
            }
        }
        for service in by_service.values_mut() {
            service.by_start.sort_by_key(|&i| spans[i].start_ns);
        }
        Index {
            spans,
            by_id,
            by_span_id,
            by_service,
            services_with_baggage,
            exits_by_correlation,
        }
    }

    /// Client and producer spans that carry the id-like attribute `key`=`value`.
    pub fn exits_with(&self, key: &'a str, value: &'a str) -> &[usize] {
        self.exits_by_correlation
            .get(&(key, value))
            .map_or(&[], Vec::as_slice)
    }

    /// The span `span_id` of trace `trace_id`.
    pub fn get(&self, trace_id: u128, span_id: u64) -> Option<usize> {
        self.by_id.get(&(trace_id, span_id)).copied()
    }

    /// The parent of span `i` when its trace holds it.
    pub fn parent(&self, i: usize) -> Option<usize> {
        let span = &self.spans[i];
        self.get(span.trace_id, span.parent_id?)
    }

    /// Spans with this id in a trace other than `trace_id`.
    pub fn elsewhere(&self, trace_id: u128, span_id: u64) -> impl Iterator<Item = usize> + '_ {
        self.by_span_id
            .get(&span_id)
            .into_iter()
            .flatten()
            .copied()
            .filter(move |&i| self.spans[i].trace_id != trace_id)
    }

    /// Spans of `service` in another trace than `trace_id` that started before `at` and
    /// had not ended more than `window` before it (`window` 0: the spans open at `at`).
    pub fn near(&self, service: &str, at: u64, window: u64, trace_id: u128) -> Vec<usize> {
        let Some(entry) = self.by_service.get(service) else {
            return Vec::new();
        };
        let spans = self.spans;
        let end = entry.by_start.partition_point(|&i| spans[i].start_ns < at);
        let earliest = at.saturating_sub(entry.longest_ns.saturating_add(window));
        entry.by_start[..end]
            .iter()
            .rev()
            .take_while(|&&i| spans[i].start_ns >= earliest)
            .copied()
            .filter(|&i| {
                spans[i].end_ns.saturating_add(window) >= at && spans[i].trace_id != trace_id
            })
            .collect()
    }
}
