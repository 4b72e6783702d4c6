//! Orphans: a span whose parent id is not in its trace.

use super::super::finding::{Finding, Shape};
use super::super::fixes::fix;
use super::super::index::Index;
use super::super::span::{span_hex, trace_hex};
use super::super::Options;
use super::{handoff, label};

pub fn find(index: &Index, options: &Options, out: &mut Vec<Finding>) {
    for (i, span) in index.spans.iter().enumerate() {
        let Some(parent_id) = span.parent_id else {
            continue;
        };
        if index.get(span.trace_id, parent_id).is_some() {
            continue;
        }
        let mut evidence = vec![format!(
            "its parent {} is not in trace {}",
            span_hex(parent_id),
            trace_hex(span.trace_id)
        )];
        // The parent itself, in another trace: the trace id changed across the hop.
        if let Some(holder) = index.elsewhere(span.trace_id, parent_id).next() {
            let parent = &index.spans[holder];
            evidence.push(format!(
                "{} is in trace {}: the trace id changed across the hop",
                label(parent),
                trace_hex(parent.trace_id)
            ));
            out.push(Finding {
                shape: Shape::Orphan,
                span: i,
                related: Some(holder),
                evidence,
                fix: fix(Shape::Orphan, &span.language).to_owned(),
            });
            continue;
        }
        // An entry span's parent is its caller's, in another process: one that is not
        // in the data is not a break of this data.
        if span.kind.is_entry() && !options.entry_orphans {
            continue;
        }
        let likely = handoff::likely_origin(index, options, i);
        if let Some((holder, tie)) = &likely {
            evidence.push(format!(
                "the trace most likely to hold it is {}: {} was open when it started",
                trace_hex(index.spans[*holder].trace_id),
                label(&index.spans[*holder])
            ));
            evidence.extend(tie.evidence.iter().cloned());
        }
        out.push(Finding {
            shape: Shape::Orphan,
            span: i,
            related: likely.map(|(holder, _)| holder),
            evidence,
            fix: fix(Shape::Orphan, &span.language).to_owned(),
        });
    }
}
