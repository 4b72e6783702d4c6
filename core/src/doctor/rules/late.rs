//! Late work without a link: a child that started long after its parent ended (a
//! message consumed hours later, a retry the next night). Its latency is measured from
//! the parent, and its trace stays open for hours; it should be a new root with a span
//! link to the parent.

use super::super::finding::{Finding, Shape};
use super::super::fixes::fix;
use super::super::index::Index;
use super::super::Options;
use super::{human, label, stale};

pub fn find(index: &Index, options: &Options, out: &mut Vec<Finding>) {
    for (i, child) in index.spans.iter().enumerate() {
        let Some(p) = index.parent(i) else {
            continue;
        };
        let parent = &index.spans[p];
        let gap = child.start_ns.saturating_sub(parent.end_ns);
        if child.start_ns <= parent.end_ns || gap < options.late_after_ns {
            continue;
        }
        if stale::stale_evidence(index, options, p, i).is_some() {
            continue; // a leak, named as such
        }
        out.push(Finding {
            shape: Shape::LateWork,
            span: i,
            related: Some(p),
            evidence: vec![format!(
                "it started {} after its parent {} ended (late_after is {})",
                human(gap),
                label(parent),
                human(options.late_after_ns)
            )],
            fix: fix(Shape::LateWork, &child.language).to_owned(),
        });
    }
}
