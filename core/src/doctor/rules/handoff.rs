//! Broken hand-offs: a root that should have continued a trace that was open when it
//! started (the seed's "worker starts a fresh trace").
//!
//! A root inside a service (internal, client, producer) is tied to the spans of the same
//! service open when it started: by an id-like attribute both carry, by a move to a pool
//! thread, or by time alone when only one other trace was open. A root that is an entry
//! span (server, consumer) is a process hop whose context did not travel: it is tied to
//! a client or producer span of another trace that carries the same id-like attribute
//! and was open (or, for a message, had been sent) when it started.

use super::super::finding::{Finding, Shape};
use super::super::fixes::{fix, fix_process_hop};
use super::super::index::Index;
use super::super::span::{trace_hex, Kind};
use super::super::ties::{self, Tie};
use super::super::Options;
use super::{baggage, human, label};

pub fn find(index: &Index, options: &Options, out: &mut Vec<Finding>) {
    for (i, root) in index.spans.iter().enumerate() {
        if root.parent_id.is_some()
            || !root.links.is_empty()
            || options.expected_roots.contains(&root.name)
        {
            continue;
        }
        if root.kind.is_entry() {
            if let Some(finding) = process_hop(index, options, i) {
                out.push(finding);
            }
            continue;
        }
        let Some((open, tie)) = likely_origin(index, options, i) else {
            continue;
        };
        let opened = &index.spans[open];
        let (when, state) = if opened.end_ns >= root.start_ns {
            ("while", "was open")
        } else {
            ("just after", "ended")
        };
        let mut evidence = vec![format!(
            "it started a new trace {} {when} {} of trace {} {state} on {}",
            trace_hex(root.trace_id),
            label(opened),
            trace_hex(opened.trace_id),
            root.service
        )];
        evidence.extend(tie.evidence);
        if tie.score == 0 {
            evidence.push("no other trace was open on that service when it started".into());
        }
        evidence.extend(baggage::lost_between(index, options, open, i));
        out.push(Finding {
            shape: Shape::BrokenHandoff,
            span: i,
            related: Some(open),
            evidence,
            fix: fix(Shape::BrokenHandoff, &root.language).to_owned(),
        });
    }
}

/// How long before a root started the span that handed it off may have ended: work
/// is often submitted and left to run while the submitter returns.
const SUBMITTED_WITHIN_NS: u64 = 1_000_000_000;

/// The span of another trace that root (or orphan) `i` most likely came from: the
/// best-tied span of its service open when it started, or one that ended up to a
/// second before and carries the same id-like attribute; with nothing but time to go on,
/// the latest-started open span, when all open spans belong to one trace.
pub fn likely_origin(index: &Index, options: &Options, i: usize) -> Option<(usize, Tie)> {
    let span = &index.spans[i];
    let near = index.near(
        &span.service,
        span.start_ns,
        SUBMITTED_WITHIN_NS,
        span.trace_id,
    );
    let is_open = |c: usize| index.spans[c].end_ns >= span.start_ns;
    let mut best: Option<(usize, Tie)> = None;
    for &found in &near {
        // The same work (a span of the root's name) under a parent in the other trace:
        // that parent is what handed this root off too.
        let (candidate, twin) = match index.parent(found) {
            Some(parent) if same_work(&span.name, &index.spans[found].name) => {
                (parent, Some(found))
            }
            _ => (found, None),
        };
        let mut tie = ties::tie(span, &index.spans[candidate], options);
        if let Some(twin) = twin {
            let correlated = ties::tie(span, &index.spans[twin], options);
            tie.score += 2 + correlated.score;
            // The same work by name ties as an id both carry would.
            tie.correlated = true;
            for line in correlated.evidence {
                if !tie.evidence.contains(&line) {
                    tie.evidence.push(line);
                }
            }
            tie.evidence.push(format!(
                "the same work, {}, runs under it in that trace",
                label(&index.spans[twin])
            ));
        }
        if !is_open(candidate) {
            if !tie.correlated {
                continue; // ended before: only an id both carry ties them
            }
            tie.evidence.insert(
                0,
                format!(
                    "it started {} after that span ended: the work was handed off and left to run",
                    human(span.start_ns - index.spans[candidate].end_ns)
                ),
            );
        }
        let better = match &best {
            None => true,
            Some((current, current_tie)) => {
                tie.score > current_tie.score
                    || (tie.score == current_tie.score
                        && index.spans[candidate].start_ns > index.spans[*current].start_ns)
            }
        };
        if better {
            best = Some((candidate, tie));
        }
    }
    let (candidate, tie) = best?;
    if tie.score == 0 && !matches!(span.kind, Kind::Internal | Kind::Unspecified) {
        return None; // a client or producer root (a poller, a heartbeat) needs more than time
    }
    if tie.score == 0 {
        let trace = index.spans[candidate].trace_id;
        let open_traces_differ = near
            .iter()
            .any(|&o| is_open(o) && index.spans[o].trace_id != trace);
        if open_traces_differ {
            return None; // several traces open and nothing ties: a busy service, not a break
        }
    }
    Some((candidate, tie))
}

/// Whether two span names are the same work (`fulfil` and `fulfil (worker)`).
fn same_work(a: &str, b: &str) -> bool {
    let stem = |name: &str| name.split(" (").next().unwrap_or(name).trim().to_owned();
    !a.is_empty() && stem(a) == stem(b)
}

/// An entry root tied to a client or producer span of another trace by an id-like
/// attribute: the hop between two processes lost the context.
fn process_hop<'a>(index: &Index<'a>, options: &Options, i: usize) -> Option<Finding> {
    let spans: &'a [super::super::span::Span] = index.spans;
    let root = &spans[i];
    let mut best: Option<(usize, Vec<(&str, &str)>)> = None;
    let mut candidates: Vec<usize> = root
        .attributes
        .iter()
        .filter(|(key, value)| {
            ties::is_correlation_key(key) && !options.is_baggage_key(key) && !value.is_empty()
        })
        .flat_map(|(key, value)| index.exits_with(key, value).iter().copied())
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    for j in candidates {
        let sender = &index.spans[j];
        if sender.trace_id == root.trace_id {
            continue;
        }
        let in_time = match root.kind {
            // A request is served while its client waits.
            Kind::Server => sender.start_ns <= root.start_ns && root.start_ns <= sender.end_ns,
            // A message is consumed after it was sent; past late_after it should be a
            // linked root, which the late-work rule names when it is a child.
            _ => {
                sender.start_ns <= root.start_ns
                    && root.start_ns.saturating_sub(sender.end_ns) < options.late_after_ns
            }
        };
        if !in_time {
            continue;
        }
        let shared = ties::shared_correlation(root, sender, options);
        if shared.is_empty() {
            continue;
        }
        let better = match &best {
            None => true,
            Some((current, current_shared)) => {
                shared.len() > current_shared.len()
                    || (shared.len() == current_shared.len()
                        && sender.start_ns > index.spans[*current].start_ns)
            }
        };
        if better {
            best = Some((j, shared));
        }
    }
    let (j, shared) = best?;
    let sender = &index.spans[j];
    let mut evidence = vec![format!(
        "the {} span started a new trace {} {} after {} of trace {} {}",
        root.kind.name(),
        trace_hex(root.trace_id),
        human(root.start_ns.saturating_sub(sender.start_ns)),
        label(sender),
        trace_hex(sender.trace_id),
        if root.kind == Kind::Server {
            "sent the request"
        } else {
            "sent the message"
        }
    )];
    for (key, value) in shared {
        evidence.push(format!("both carry {key}={value}"));
    }
    evidence.push(format!(
        "the context did not cross from {} to {}",
        sender.service, root.service
    ));
    evidence.extend(baggage::lost_between(index, options, j, i));
    Some(Finding {
        shape: Shape::BrokenHandoff,
        span: i,
        related: Some(j),
        evidence,
        fix: fix_process_hop(&sender.language, &root.language),
    })
}
