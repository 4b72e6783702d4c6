//! The doctor's report as text: each trace as a waterfall (the demos' layout), every
//! span a finding involves marked with the finding's number, then the findings with
//! their evidence and fix.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write;

use super::finding::Finding;
use super::span::{span_hex, trace_hex, Span};

/// Width of a waterfall's time axis, in characters.
const BAR: usize = 40;

/// The report over `spans` and their `findings`: the waterfalls of the traces the
/// findings involve (every trace when `all_traces`), then the findings.
pub fn render(spans: &[Span], findings: &[Finding], all_traces: bool) -> String {
    let mut marks: HashMap<usize, Vec<String>> = HashMap::new();
    let mut traces_involved = HashSet::new();
    for (n, finding) in findings.iter().enumerate() {
        let number = n + 1;
        marks
            .entry(finding.span)
            .or_default()
            .push(format!("✗ [{number}] {}", finding.shape.title()));
        traces_involved.insert(spans[finding.span].trace_id);
        if let Some(related) = finding.related {
            marks
                .entry(related)
                .or_default()
                .push(format!("← [{number}]"));
            traces_involved.insert(spans[related].trace_id);
        }
    }
    // Traces in the order they started.
    let mut traces: BTreeMap<(u64, u128), Vec<usize>> = BTreeMap::new();
    let mut first_start: HashMap<u128, u64> = HashMap::new();
    for span in spans {
        let start = first_start.entry(span.trace_id).or_insert(span.start_ns);
        *start = (*start).min(span.start_ns);
    }
    for (i, span) in spans.iter().enumerate() {
        if all_traces || traces_involved.contains(&span.trace_id) {
            traces
                .entry((first_start[&span.trace_id], span.trace_id))
                .or_default()
                .push(i);
        }
    }
    // One time axis for every trace printed, so a root that started while another
    // trace's span was open shows under it.
    let printed = || traces.values().flatten().map(|&i| &spans[i]);
    let axis = (
        printed().map(|s| s.start_ns).min().unwrap_or(0),
        printed().map(|s| s.end_ns).max().unwrap_or(0),
    );
    let mut out = String::new();
    for ((_, trace_id), members) in &traces {
        waterfall(&mut out, spans, *trace_id, members, &marks, axis);
    }
    if findings.is_empty() {
        out.push_str("\nno broken hand-off found\n");
        return out;
    }
    let _ = writeln!(out);
    for (n, finding) in findings.iter().enumerate() {
        let span = &spans[finding.span];
        let _ = write!(
            out,
            "[{}] {}: '{}' (span {}, {})",
            n + 1,
            finding.shape.title(),
            span.name,
            span_hex(span.span_id),
            span.service
        );
        if let Some(related) = finding.related {
            let other = &spans[related];
            let _ = write!(
                out,
                " and '{}' (span {}, {})",
                other.name,
                span_hex(other.span_id),
                other.service
            );
        }
        let _ = writeln!(out);
        for line in &finding.evidence {
            let _ = writeln!(out, "    - {line}");
        }
        let language = if span.language.is_empty() {
            "any language"
        } else {
            span.language.as_str()
        };
        let _ = writeln!(out, "    fix ({language}): {}", finding.fix);
    }
    let _ = writeln!(out, "\n{} broken hand-off(s) found", findings.len());
    out
}

fn waterfall(
    out: &mut String,
    spans: &[Span],
    trace_id: u128,
    members: &[usize],
    marks: &HashMap<usize, Vec<String>>,
    (start, end): (u64, u64),
) {
    let total = end.saturating_sub(start).max(1);
    let ids: HashSet<u64> = members.iter().map(|&i| spans[i].span_id).collect();
    let mut children: HashMap<Option<u64>, Vec<usize>> = HashMap::new();
    for &i in members {
        let parent = spans[i].parent_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(i);
    }
    for list in children.values_mut() {
        list.sort_by_key(|&i| spans[i].start_ns);
    }
    let _ = writeln!(out, "trace {}", trace_hex(trace_id));
    // Roots, and spans whose parent is not in this trace, start a tree each.
    let mut stack: Vec<(usize, usize)> = children
        .get(&None)
        .into_iter()
        .flatten()
        .rev()
        .map(|&i| (i, 0))
        .collect();
    while let Some((i, depth)) = stack.pop() {
        let span = &spans[i];
        let offset =
            (span.start_ns.saturating_sub(start) as u128 * BAR as u128 / total as u128) as usize;
        let width = ((span.duration_ns() as u128 * BAR as u128 / total as u128) as usize).max(1);
        let bar: String = " "
            .repeat(offset.min(BAR))
            .chars()
            .chain("█".repeat(width).chars())
            .take(BAR)
            .collect();
        let label = format!("{}{}", "  ".repeat(depth.min(12)), span.name);
        let parent = match span.parent_id {
            Some(p) if !ids.contains(&p) => format!("parent {} (absent)", span_hex(p)),
            Some(p) => format!("parent {}", span_hex(p)),
            None => "root".to_owned(),
        };
        let mut mark = marks.get(&i).map(|m| m.join(" ")).unwrap_or_default();
        if span.error {
            mark.insert_str(0, "(error) ");
        }
        let _ = writeln!(
            out,
            "  {label:<34} span {} {:<8} {parent:<33} |{bar:<BAR$}| {:>9.1} ms  {} {mark}",
            span_hex(span.span_id),
            span.kind.name(),
            span.duration_ns() as f64 / 1e6,
            span.service,
        );
        if let Some(kids) = children.get(&Some(span.span_id)) {
            for &kid in kids.iter().rev() {
                stack.push((kid, depth + 1));
            }
        }
    }
}
