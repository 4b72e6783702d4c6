//! Stale parents: a context that outlived its task, picked up by unrelated work.
//!
//! - An entry span (server, consumer) starts from its caller's context, so its parent is
//!   a client or producer span, or absent. A local entry span as its parent, or a local
//!   internal span as a server span's, means the context of earlier work was still
//!   attached (the Flask case).
//! - A span whose parent ended more than `stale_after` before it started, on the same
//!   thread of the same service: the thread was reused with the old context attached.

use super::super::finding::{Finding, Shape};
use super::super::fixes::fix;
use super::super::index::Index;
use super::super::span::Kind;
use super::super::Options;
use super::{human, label};

pub fn find(index: &Index, options: &Options, out: &mut Vec<Finding>) {
    for (i, child) in index.spans.iter().enumerate() {
        let Some(p) = index.parent(i) else {
            continue;
        };
        if let Some(evidence) = stale_evidence(index, options, p, i) {
            out.push(Finding {
                shape: Shape::StaleParent,
                span: i,
                related: Some(p),
                evidence,
                fix: fix(Shape::StaleParent, &child.language).to_owned(),
            });
        }
    }
}

/// Why parent `p` of `i` is stale, or `None` when it is not.
pub fn stale_evidence(index: &Index, options: &Options, p: usize, i: usize) -> Option<Vec<String>> {
    let (parent, child) = (&index.spans[p], &index.spans[i]);
    if parent.service != child.service {
        return None;
    }
    let gap = child.start_ns.saturating_sub(parent.end_ns);
    let mut evidence = Vec::new();
    // An entry span under another entry span, or a request under a local internal span:
    // a consumer under an internal span is left alone, since many publishers record
    // their send as an internal span.
    let leaked_entry = child.kind.is_entry()
        && (parent.kind.is_entry()
            || (child.kind == Kind::Server
                && matches!(parent.kind, Kind::Internal | Kind::Unspecified)));
    if leaked_entry {
        evidence.push(format!(
            "the {} span {} has the local {} span {} as its parent: an entry span starts \
             from its caller's context",
            child.kind.name(),
            label(child),
            parent.kind.name(),
            label(parent)
        ));
        if child.start_ns > parent.end_ns {
            evidence.push(format!("that parent had ended {} before", human(gap)));
        }
        return Some(evidence);
    }
    // An entry span under an exit span is a hop between processes (late or not); the
    // thread it ran on says nothing.
    let hop = child.kind.is_entry() && parent.kind.is_exit();
    let same_thread = matches!((parent.thread(), child.thread()), (Some(a), Some(b)) if a == b);
    if !hop && same_thread && child.start_ns > parent.end_ns && gap >= options.stale_after_ns {
        evidence.push(format!(
            "its parent {} ended {} before it started, on the same thread {:?}: the thread was \
             reused with that context still attached",
            label(parent),
            human(gap),
            child.thread().unwrap_or_default()
        ));
        return Some(evidence);
    }
    None
}
