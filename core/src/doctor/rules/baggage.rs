//! Lost baggage: keys present upstream and absent downstream across a hop.
//!
//! Baggage shows in spans where a baggage span processor copies it into attributes.
//! A key counts as baggage when it is one of `Options::baggage_keys` or starts with
//! `baggage.`. A hop is a parent and child in different services or on different
//! threads, or an entry span under its caller. A key is lost when the parent has it and
//! the child does not, and the child's service records baggage on some span (a service
//! without a baggage processor shows none, lost or not).

use super::super::finding::{Finding, Shape};
use super::super::fixes::fix;
use super::super::index::Index;
use super::super::Options;
use super::label;

pub fn find(index: &Index, options: &Options, out: &mut Vec<Finding>) {
    for (i, child) in index.spans.iter().enumerate() {
        let Some(p) = index.parent(i) else {
            continue;
        };
        let parent = &index.spans[p];
        let threads_differ =
            matches!((parent.thread(), child.thread()), (Some(a), Some(b)) if a != b);
        let hop = parent.service != child.service || threads_differ || child.kind.is_entry();
        if !hop {
            continue;
        }
        let evidence = lost_between(index, options, p, i);
        if evidence.is_empty() {
            continue;
        }
        out.push(Finding {
            shape: Shape::LostBaggage,
            span: i,
            related: Some(p),
            evidence,
            fix: fix(Shape::LostBaggage, &parent.language).to_owned(),
        });
    }
}

/// One line naming the baggage keys `from` carries and `to` lacks, or nothing.
pub fn lost_between(index: &Index, options: &Options, from: usize, to: usize) -> Vec<String> {
    let (upstream, downstream) = (&index.spans[from], &index.spans[to]);
    if !index
        .services_with_baggage
        .contains(&downstream.service.as_str())
    {
        return Vec::new();
    }
    let lost: Vec<&str> = upstream
        .attributes
        .iter()
        .map(|(key, _)| key.as_str())
        .filter(|key| options.is_baggage_key(key) && downstream.attribute(key).is_none())
        .collect();
    if lost.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "baggage {} on {} is missing on {}",
        lost.join(", "),
        label(upstream),
        label(downstream)
    )]
}
