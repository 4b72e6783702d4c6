//! A received trace context, checked in one call; the tracestate to send.

use crate::traceparent::{self, Traceparent};
use crate::tracestate::{self, TraceState};

/// What a host does with the `tracestate` that came with a valid `traceparent`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TracestateVerdict {
    /// Absent, empty or invalid (an invalid tracestate is discarded whole): no tracestate.
    Absent = 0,
    /// One header already in canonical form: keep the host's own string as it is. The
    /// canonical form is the members as `key=value` joined by `,` and nothing else (no
    /// whitespace, no empty members, no repeated keys); since a key holds no `=` and a value
    /// no `,` or `=`, a host may split it on each `,` and the first `=` of each member
    /// without applying any rule.
    Canonical = 1,
    /// Valid but not canonical (whitespace, empty members, repeated keys, several
    /// headers): keep [`TraceState::canonical`] of it instead.
    Rewrite = 2,
}

impl TracestateVerdict {
    pub const ALL: [TracestateVerdict; 3] = [
        TracestateVerdict::Absent,
        TracestateVerdict::Canonical,
        TracestateVerdict::Rewrite,
    ];

    /// The name a host gives the constant (`CANONICAL`), for hosts that read the codes
    /// from the core when they load rather than copy them.
    pub fn name(self) -> &'static str {
        match self {
            TracestateVerdict::Absent => "ABSENT",
            TracestateVerdict::Canonical => "CANONICAL",
            TracestateVerdict::Rewrite => "REWRITE",
        }
    }

    /// The verdict on tracestate header values (combined in order).
    pub fn of_headers<'a, I>(values: I) -> Self
    where
        I: IntoIterator<Item = &'a str>,
        I::IntoIter: Clone,
    {
        let values = values.into_iter();
        let mut probe = values.clone();
        match (probe.next(), probe.next()) {
            (None, _) => TracestateVerdict::Absent,
            (Some(single), None) => Self::of(single),
            _ => Self::of_parsed(TraceState::parse_headers(values)),
        }
    }

    /// The verdict on one tracestate header value.
    pub fn of(value: &str) -> Self {
        if value.is_empty() {
            TracestateVerdict::Absent
        } else if tracestate::is_canonical(value) {
            TracestateVerdict::Canonical
        } else {
            Self::of_parsed(TraceState::parse(value))
        }
    }

    /// The verdict on a tracestate that was not canonical; an invalid one is dropped, and
    /// the drop counted.
    fn of_parsed(parsed: Result<TraceState, crate::ParseError>) -> Self {
        match parsed {
            Ok(state) if !state.is_empty() => TracestateVerdict::Rewrite,
            Ok(_) => TracestateVerdict::Absent,
            Err(error) => {
                crate::dropped::record_rule(error.rule());
                TracestateVerdict::Absent
            }
        }
    }

    pub fn code(self) -> u32 {
        self as u32
    }
}

/// A valid received `traceparent`, and the verdict on its `tracestate`.
///
/// A host whose ids are strings slices them out of its own string, so that only a number
/// crosses back ([`CheckedTrace::packed`]): the trace-id's 32 hex digits start at `start` +
/// [`TRACE_ID_AT`], the parent-id's 16 at `start` + [`SPAN_ID_AT`]. A host whose ids are
/// numbers (Python) takes them from `traceparent`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckedTrace {
    /// The parsed fields; the flags to keep have unknown bits zeroed.
    pub traceparent: Traceparent,
    pub tracestate: TracestateVerdict,
    /// Where the value starts once the SP and HTAB around it are trimmed (a valid value is
    /// ASCII, so this is an offset in bytes, UTF-16 units and characters alike).
    pub start: u16,
}

/// Where the trace-id starts in a trimmed traceparent.
pub const TRACE_ID_AT: usize = 3;
/// Where the parent-id starts in a trimmed traceparent.
pub const SPAN_ID_AT: usize = 36;

impl CheckedTrace {
    /// What an invalid traceparent packs as.
    pub const INVALID: i32 = -1;

    /// One number for a boundary, never negative: `flags | verdict << 8 | start << 10`
    /// (flags in bits 0–7, the verdict in 8–9, the start from bit 10).
    pub fn packed(self) -> i32 {
        i32::from(self.traceparent.flags.0)
            | (self.tracestate.code() as i32) << 8
            | i32::from(self.start) << 10
    }
}

/// Checks one `traceparent` value and, when it is valid, the `tracestate` values that came
/// with it (a tracestate is only read when the traceparent is valid). `None`: no parent.
///
/// ```
/// use ctxbridge_core::bridge::trace::{check, TracestateVerdict};
///
/// let checked = check("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", ["a=1"]).unwrap();
/// assert_eq!(checked.traceparent.flags.0, 1);
/// assert_eq!(checked.tracestate, TracestateVerdict::Canonical);
/// assert!(check("00-00000000000000000000000000000000-00f067aa0ba902b7-01", ["a=1"]).is_none());
/// ```
pub fn check<'a, I>(traceparent: &str, tracestate: I) -> Option<CheckedTrace>
where
    I: IntoIterator<Item = &'a str>,
    I::IntoIter: Clone,
{
    let (parsed, start) = traceparent::parse_fields(traceparent).ok()?;
    // The parse refused values longer than traceparent::MAX_LEN (512), so this fits.
    Some(CheckedTrace {
        traceparent: parsed,
        tracestate: TracestateVerdict::of_headers(tracestate),
        start: u16::try_from(start).ok()?,
    })
}

/// [`check`] packed for a boundary ([`CheckedTrace::packed`], or
/// [`CheckedTrace::INVALID`]).
pub fn check_packed<'a, I>(traceparent: &str, tracestate: I) -> i32
where
    I: IntoIterator<Item = &'a str>,
    I::IntoIter: Clone,
{
    check(traceparent, tracestate).map_or(CheckedTrace::INVALID, CheckedTrace::packed)
}

/// Set in a packed answer (never in [`CheckedTrace::INVALID`]) when a header dropped by an
/// extract, this one or another, waits to be reported: the host then logs
/// [`crate::dropped::take_reports`]. Mask it off before reading the start (`start` is
/// at most 512: bits 10–19).
pub const DROP_PENDING: i32 = 1 << 30;

/// The mask of a packed answer's start, once shifted right by 10.
pub const START_MASK: i32 = 0x3ff;

/// [`check_packed`], with [`DROP_PENDING`] set when a drop waits to be reported (one
/// relaxed load), so a host learns it from the answer it already gets.
pub fn check_packed_reporting<'a, I>(traceparent: &str, tracestate: I) -> i32
where
    I: IntoIterator<Item = &'a str>,
    I::IntoIter: Clone,
{
    with_drop_pending(check_packed(traceparent, tracestate))
}

/// `answer` (a packed check or a verdict code, never negative when it carries news) with
/// [`DROP_PENDING`] set when a dropped header waits to be reported (one relaxed load).
pub fn with_drop_pending(answer: i32) -> i32 {
    if answer >= 0 && crate::dropped::pending() {
        answer | DROP_PENDING
    } else {
        answer
    }
}

/// The `tracestate` header to send for a host's serialized tracestate: itself when it is
/// canonical and short enough to send whole, else re-encoded (at most 512 characters,
/// whole members dropped); `""` when it is not valid W3C tracestate, so nothing a host
/// let through (a CR or LF, say) reaches a carrier.
pub fn outgoing_tracestate(serialized: &str) -> String {
    if serialized.len() <= tracestate::MAX_ENCODED_LEN && tracestate::is_canonical(serialized) {
        return serialized.to_owned();
    }
    TraceState::parse(serialized)
        .map(|state| state.header())
        .unwrap_or_default()
}

/// A tracestate of a host's members, in order, built as OpenTelemetry's builders build
/// one: a member W3C cannot carry is left out (the others stay), a repeated key keeps its
/// first value, past 32 members the right-most go. Members are checked one by one, so a
/// value cannot smuggle in another member (`("a", "b,c=d")` is refused, not split).
pub fn from_members<'a, I>(members: I) -> TraceState
where
    I: IntoIterator<Item = (&'a str, &'a str)>,
    I::IntoIter: DoubleEndedIterator,
{
    let mut state = TraceState::default();
    // Each insert moves its key to the front: insert from the last member.
    for (key, value) in members.into_iter().rev() {
        let _ = state.insert(key, value);
    }
    state
}

/// The `tracestate` header to send for a host's members ([`from_members`]), at most 512
/// characters.
pub fn outgoing_of_members<'a, I>(members: I) -> String
where
    I: IntoIterator<Item = (&'a str, &'a str)>,
    I::IntoIter: DoubleEndedIterator,
{
    from_members(members).header()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn verdicts() {
        assert_eq!(TracestateVerdict::of_headers([]), TracestateVerdict::Absent);
        assert_eq!(
            TracestateVerdict::of_headers([""]),
            TracestateVerdict::Absent
        );
        assert_eq!(
            TracestateVerdict::of_headers(["a=1,b=2"]),
            TracestateVerdict::Canonical
        );
        assert_eq!(
            TracestateVerdict::of_headers([" a=1 "]),
            TracestateVerdict::Rewrite
        );
        assert_eq!(
            TracestateVerdict::of_headers(["a=1", "b=2"]),
            TracestateVerdict::Rewrite
        );
        assert_eq!(
            TracestateVerdict::of_headers(["A=1"]),
            TracestateVerdict::Absent
        );
    }

    #[test]
    fn packs_the_layout_hosts_read() {
        let checked = check(PARENT, [" a=1"]).unwrap();
        assert_eq!(checked.packed(), 1 | 2 << 8);
        let padded = format!(" \t{PARENT} ");
        let checked = check(&padded, None).unwrap();
        assert_eq!(checked.start, 2);
        assert_eq!(
            &padded[2 + TRACE_ID_AT..][..32],
            "4bf92f3577b34da6a3ce929d0e0e4736"
        );
        assert_eq!(&padded[2 + SPAN_ID_AT..][..16], "00f067aa0ba902b7");
        // The packed layout the hosts read: flags 0-7, verdict 8-9, start from bit 10.
        assert_eq!(checked.packed(), 1 | 2 << 10);
        assert_eq!(checked.packed() & 0xff, 1);
        assert_eq!(checked.packed() >> 8 & 0b11, 0);
        assert_eq!(checked.packed() >> 10, 2);
        assert_eq!(check_packed("junk", ["a=1"]), CheckedTrace::INVALID);
    }

    #[test]
    fn outgoing_of_members_keeps_order_and_drops_what_w3c_refuses() {
        let members = [
            ("a", "1"),
            ("Bad", "x"),
            ("b", "2"),
            ("a", "3"),
            ("c", "bad\n"),
        ];
        assert_eq!(outgoing_of_members(members), "a=1,b=2");
        assert_eq!(
            from_members([("a", "b,c=d"), ("e", "f")]).canonical(),
            "e=f"
        );
    }

    #[test]
    fn outgoing_never_carries_what_is_not_tracestate() {
        assert_eq!(outgoing_tracestate("a=b"), "a=b");
        assert_eq!(outgoing_tracestate(" a=b ,, c=d"), "a=b,c=d");
        assert_eq!(outgoing_tracestate("a=b\r\nEvil: 1"), "");
        let long = (0..40)
            .map(|i| format!("k{i}={}", "v".repeat(20)))
            .collect::<Vec<_>>();
        assert_eq!(outgoing_tracestate(&long.join(",")), "");
        let fits = long[..30].join(",");
        assert!(outgoing_tracestate(&fits).len() <= 512);
    }
}
