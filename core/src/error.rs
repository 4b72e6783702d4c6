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
    /// baggage: a member is `key=value` followed by optional `;property`s.
    BaggageMember,
    /// baggage: a key is an RFC 7230 token.
    BaggageKey,
    /// baggage: a value is made of baggage-octets.
    BaggageValue,
    /// baggage: a property is `key` or `key=value`.
    BaggageProperty,
}

impl Rule {
    /// The stable id of the rule, as used in messages and in `tests/vectors/`.
    pub fn id(self) -> &'static str {
        match self {
            Rule::TraceparentVersionFf => "traceparent.version_ff",
            Rule::TraceparentLength => "traceparent.length",
            Rule::TraceparentDelimiter => "traceparent.delimiter",
            Rule::TraceparentLowercaseHex => "traceparent.lowercase_hex",
            Rule::TraceparentZeroTraceId => "traceparent.zero_trace_id",
            Rule::TraceparentZeroParentId => "traceparent.zero_parent_id",
            Rule::TracestateMember => "tracestate.member",
            Rule::TracestateKey => "tracestate.key",
            Rule::TracestateValue => "tracestate.value",
            Rule::TracestateTooManyMembers => "tracestate.too_many_members",
            Rule::BaggageMember => "baggage.member",
            Rule::BaggageKey => "baggage.key",
            Rule::BaggageValue => "baggage.value",
            Rule::BaggageProperty => "baggage.property",
        }
    }

    /// What the rule asks for, in words.
    pub fn description(self) -> &'static str {
        match self {
            Rule::TraceparentVersionFf => "version ff is forbidden",
            Rule::TraceparentLength => {
                "version 00 is exactly 55 characters, later versions at least 55"
            }
            Rule::TraceparentDelimiter => "fields are separated by '-' at offsets 2, 35 and 52",
            Rule::TraceparentLowercaseHex => "fields are lowercase hex",
            Rule::TraceparentZeroTraceId => "trace-id must not be all zeros",
            Rule::TraceparentZeroParentId => "parent-id must not be all zeros",
            Rule::TracestateMember => "a list member is key=value",
            Rule::TracestateKey => "a key is [a-z0-9][a-z0-9_-*/@]{0,255}",
            Rule::TracestateValue => {
                "a value is 1-256 printable ASCII characters except ',' and '=', not ending in a space"
            }
            Rule::TracestateTooManyMembers => "at most 32 list members",
            Rule::BaggageMember => "a list member is key=value[;property]*",
            Rule::BaggageKey => "a key is an RFC 7230 token",
            Rule::BaggageValue => "a value is made of baggage-octets (percent-encode the rest)",
            Rule::BaggageProperty => "a property is key or key=value",
        }
    }
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
