//! The typed error an explicit parse returns. Its message starts with the id of the
//! rule that was broken (for example `traceparent.version_ff`), the same id the shared
//! vectors in `tests/vectors/` name, so every binding can show and test it.

use std::fmt;

/// One rule of W3C Trace Context or W3C Baggage that an input can break.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// traceparent: version `ff` is forbidden.
    TraceparentVersionFf,
    /// traceparent: version `00` is exactly 55 characters; later versions at least 55.
    TraceparentLength,
    /// traceparent: fields are separated by `-` at offsets 2, 35 and 52 (and 55 when longer).
    TraceparentDelimiter,
    /// traceparent: version, trace-id, parent-id and flags are lowercase hex.
    TraceparentLowercaseHex,
    /// traceparent: the trace-id is not all zeros.
    TraceparentZeroTraceId,
    /// traceparent: the parent-id is not all zeros.
    TraceparentZeroParentId,
    /// tracestate: a member is `key=value`.
    TracestateMember,
    /// tracestate: a key is `[a-z0-9][a-z0-9_\-*/@]{0,255}`.
    TracestateKey,
    /// tracestate: a value is 1–256 printable ASCII characters but `,` and `=`, not ending in a space.
    TracestateValue,
    /// tracestate: at most 32 members.
    TracestateTooManyMembers,
    /// tracestate: a member (with the whitespace around it) fits in 529 bytes, and the
    /// combined headers in 32 × 530; longer ones are not read.
    TracestateTooLarge,
    /// baggage: a member is `key=value` followed by optional `;property`s.
    BaggageMember,
    /// baggage: a key is an RFC 7230 token.
    BaggageKey,
    /// baggage: a value is made of baggage-octets.
    BaggageValue,
    /// baggage: a property is `key` or `key=value`.
    BaggageProperty,
    /// baggage: a member fits in 8192 bytes, the most a header propagates; a longer one
    /// is not read.
    BaggageMemberTooLarge,
}

impl Rule {
    /// The stable id of the rule, as used in messages and in `tests/vectors/`.
    pub fn id(self) -> &'static str {
        without_nul(self.id_with_nul())
    }

    /// What the rule asks for, in words.
    pub fn description(self) -> &'static str {
        without_nul(self.description_with_nul())
    }

    /// [`Rule::id`] followed by a NUL, for C callers that need a C string.
    pub fn id_with_nul(self) -> &'static str {
        match self {
            Rule::TraceparentVersionFf => "traceparent.version_ff\0",
            Rule::TraceparentLength => "traceparent.length\0",
            Rule::TraceparentDelimiter => "traceparent.delimiter\0",
            Rule::TraceparentLowercaseHex => "traceparent.lowercase_hex\0",
            Rule::TraceparentZeroTraceId => "traceparent.zero_trace_id\0",
            Rule::TraceparentZeroParentId => "traceparent.zero_parent_id\0",
            Rule::TracestateMember => "tracestate.member\0",
            Rule::TracestateKey => "tracestate.key\0",
            Rule::TracestateValue => "tracestate.value\0",
            Rule::TracestateTooManyMembers => "tracestate.too_many_members\0",
            Rule::TracestateTooLarge => "tracestate.too_large\0",
            Rule::BaggageMember => "baggage.member\0",
            Rule::BaggageKey => "baggage.key\0",
            Rule::BaggageValue => "baggage.value\0",
            Rule::BaggageProperty => "baggage.property\0",
            Rule::BaggageMemberTooLarge => "baggage.member_too_large\0",
        }
    }

    /// [`Rule::description`] followed by a NUL, for C callers.
    pub fn description_with_nul(self) -> &'static str {
        match self {
            Rule::TraceparentVersionFf => "version ff is forbidden\0",
            Rule::TraceparentLength => {
                "version 00 is exactly 55 characters, later versions at least 55\0"
            }
            Rule::TraceparentDelimiter => "fields are separated by '-' at offsets 2, 35 and 52\0",
            Rule::TraceparentLowercaseHex => "fields are lowercase hex\0",
            Rule::TraceparentZeroTraceId => "trace-id must not be all zeros\0",
            Rule::TraceparentZeroParentId => "parent-id must not be all zeros\0",
            Rule::TracestateMember => "a list member is key=value\0",
            Rule::TracestateKey => "a key is [a-z0-9][a-z0-9_-*/@]{0,255}\0",
            Rule::TracestateValue => {
                "a value is 1-256 printable ASCII characters except ',' and '=', not ending in a space\0"
            }
            Rule::TracestateTooManyMembers => "at most 32 list members\0",
            Rule::TracestateTooLarge => {
                "a list member fits in 529 bytes with its whitespace, and the header in 16960 (longer ones are not read)\0"
            }
            Rule::BaggageMember => "a list member is key=value[;property]*\0",
            Rule::BaggageKey => "a key is an RFC 7230 token\0",
            Rule::BaggageValue => "a value is made of baggage-octets (percent-encode the rest)\0",
            Rule::BaggageProperty => "a property is key or key=value\0",
            Rule::BaggageMemberTooLarge => {
                "a list member fits in 8192 bytes, the most a header propagates (longer ones are not read)\0"
            }
        }
    }
}

fn without_nul(text: &'static str) -> &'static str {
    text.strip_suffix('\0').unwrap_or(text)
}

/// An explicit parse failed: which rule, and a short excerpt of what broke it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    rule: Rule,
    detail: String,
}

impl ParseError {
    pub(crate) fn new(rule: Rule, detail: impl Into<String>) -> Self {
        ParseError {
            rule,
            detail: detail.into(),
        }
    }

    /// The rule that was broken.
    pub fn rule(&self) -> Rule {
        self.rule
    }

    /// The offending part of the input, shortened to at most 64 characters.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.rule.id(), self.rule.description())?;
        if !self.detail.is_empty() {
            write!(f, " (got {:?})", self.detail)?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

/// Shortens an excerpt for an error message, on a character boundary.
pub(crate) fn excerpt(text: &str) -> String {
    match text.char_indices().nth(64) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}
