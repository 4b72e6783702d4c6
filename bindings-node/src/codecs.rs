//! Explicit parses that throw an `Error` whose message starts with the rule id
//! (e.g. `traceparent.version_ff: ...`), and formatting.

use ctxbridge_core::{
    format_traceparent as core_format, Baggage, ParseError, SpanId, TraceFlags, TraceId, TraceState,
};
use napi::{Error, Result, Status};
use napi_derive::napi;

pub(crate) fn rule_error(error: ParseError) -> Error {
    Error::new(Status::InvalidArg, error.to_string())
}

/// A traceparent's fields, ids as lowercase hex as OpenTelemetry JS keeps them.
#[napi(object)]
pub struct Traceparent {
    pub trace_id: String,
    pub span_id: String,
    /// Only the sampled (1) and random (2) bits survive parsing.
    pub trace_flags: u32,
}

/// One baggage member: the decoded value and the properties as written.
#[napi(object)]
pub struct BaggageMember {
    pub key: String,
    pub value: String,
    /// `[key, value]` pairs; `value` is `null` for a bare `;key`.
    pub properties: Vec<Vec<Option<String>>>,
}

/// Parses one traceparent; throws naming the rule broken.
#[napi]
pub fn parse_traceparent(value: String) -> Result<Traceparent> {
    let parsed = ctxbridge_core::parse_traceparent(&value).map_err(rule_error)?;
    Ok(Traceparent {
        trace_id: parsed.trace_id.to_hex(),
        span_id: parsed.parent_id.to_hex(),
        trace_flags: u32::from(parsed.flags.0),
    })
}

/// Formats a version-00 traceparent from hex ids; unknown flag bits are zeroed.
#[napi]
pub fn format_traceparent(trace_id: String, span_id: String, trace_flags: u32) -> Result<String> {
    let trace = TraceId::from_hex(&trace_id).ok_or_else(|| {
        Error::new(
            Status::InvalidArg,
            format!("traceId must be 32 lowercase hex characters, got {trace_id:?}"),
        )
    })?;
    let span = SpanId::from_hex(&span_id).ok_or_else(|| {
        Error::new(
            Status::InvalidArg,
            format!("spanId must be 16 lowercase hex characters, got {span_id:?}"),
        )
    })?;
    Ok(
        core_format(trace, span, TraceFlags((trace_flags & 0xff) as u8))
            .as_str()
            .to_owned(),
    )
}

/// Parses tracestate header values (combined in order) into `[key, value]` pairs.
#[napi]
pub fn parse_tracestate(values: Vec<String>) -> Result<Vec<Vec<String>>> {
    let state = TraceState::parse_headers(values.iter().map(String::as_str)).map_err(rule_error)?;
    Ok(state
        .iter()
        .map(|(k, v)| vec![k.to_owned(), v.to_owned()])
        .collect())
}

/// Encodes `[key, value]` pairs as a tracestate header of at most 512 characters.
#[napi]
pub fn encode_tracestate(members: Vec<Vec<String>>) -> Result<String> {
    let pairs = members.iter().map(|m| {
        (
            m.first().map(String::as_str).unwrap_or(""),
            m.get(1).map(String::as_str).unwrap_or(""),
        )
    });
    Ok(TraceState::from_members(pairs)
        .map_err(rule_error)?
        .header())
}

/// Sets a key in a tracestate (it moves to the front; past 32 members the right-most
/// is dropped) and returns the members.
#[napi]
pub fn tracestate_set(
    members: Vec<Vec<String>>,
    key: String,
    value: String,
) -> Result<Vec<Vec<String>>> {
    let mut state = state_of(&members)?;
    state.insert(&key, &value).map_err(rule_error)?;
    Ok(pairs_of(&state))
}

/// Removes a key from a tracestate and returns the members.
#[napi]
pub fn tracestate_delete(members: Vec<Vec<String>>, key: String) -> Result<Vec<Vec<String>>> {
    let mut state = state_of(&members)?;
    state.remove(&key);
    Ok(pairs_of(&state))
}

fn state_of(members: &[Vec<String>]) -> Result<TraceState> {
    TraceState::from_members(members.iter().map(|m| {
        (
            m.first().map(String::as_str).unwrap_or(""),
            m.get(1).map(String::as_str).unwrap_or(""),
        )
    }))
    .map_err(rule_error)
}

fn pairs_of(state: &TraceState) -> Vec<Vec<String>> {
    state
        .iter()
        .map(|(k, v)| vec![k.to_owned(), v.to_owned()])
        .collect()
}

pub(crate) fn members_of(baggage: &Baggage) -> Vec<BaggageMember> {
    baggage
        .iter()
        .map(|m| BaggageMember {
            key: m.key.clone(),
            value: m.value.clone(),
            properties: m
                .properties
                .iter()
                .map(|p| vec![Some(p.key.clone()), p.value.clone()])
                .collect(),
        })
        .collect()
}

/// Parses one baggage header strictly: the first malformed member throws.
#[napi]
pub fn parse_baggage(value: String) -> Result<Vec<BaggageMember>> {
    Ok(members_of(&Baggage::parse(&value).map_err(rule_error)?))
}

/// Parses baggage header values leniently (malformed members dropped), as a propagator does.
#[napi]
pub fn extract_baggage(values: Vec<String>) -> Vec<BaggageMember> {
    members_of(&Baggage::from_headers(values.iter().map(String::as_str)))
}

/// Encodes members as a baggage header; throws for a key W3C Baggage cannot carry.
#[napi]
pub fn encode_baggage(members: Vec<BaggageMember>) -> Result<String> {
    let mut baggage = Baggage::default();
    for member in members {
        let properties = member
            .properties
            .into_iter()
            .map(|p| ctxbridge_core::baggage::Property {
                key: p.first().cloned().flatten().unwrap_or_default(),
                value: p.get(1).cloned().flatten(),
            })
            .collect();
        baggage
            .insert_with_properties(&member.key, &member.value, properties)
            .map_err(rule_error)?;
    }
    Ok(baggage.header())
}
