//! W3C codecs for Python: explicit parses raise `ValueError` whose message starts with
//! the rule id (e.g. `traceparent.version_ff: ...`).

use ctxbridge_core::baggage::{Member, Property};
use ctxbridge_core::{
    format_traceparent, parse_traceparent as core_parse, Baggage, ParseError, SpanId, TraceFlags,
    TraceId, TraceState,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

pub(crate) fn value_error(error: ParseError) -> PyErr {
    PyValueError::new_err(error.to_string())
}

use crate::args;
pub(crate) use crate::args::PyMember;

pub(crate) fn member_to_py(member: &Member) -> PyMember {
    let properties = member
        .properties
        .iter()
        .map(|p| (p.key.clone(), p.value.clone()))
        .collect();
    (member.key.clone(), member.value.clone(), properties)
}

/// Parses one traceparent: (trace_id, span_id, flags) as ints, flags masked to the
/// known bits. Raises ValueError naming the rule.
#[pyfunction]
fn parse_traceparent(value: &Bound<'_, PyAny>) -> PyResult<(u128, u64, u8)> {
    let value = args::text(value, "parse_traceparent", "value")?;
    let parsed = core_parse(&value).map_err(value_error)?;
    Ok((
        parsed.trace_id.to_u128(),
        parsed.parent_id.to_u64(),
        parsed.flags.0,
    ))
}

/// Formats a version-00 traceparent; unknown flag bits are zeroed.
#[pyfunction(name = "format_traceparent")]
fn format(
    trace_id: &Bound<'_, PyAny>,
    span_id: &Bound<'_, PyAny>,
    flags: &Bound<'_, PyAny>,
) -> PyResult<String> {
    const F: &str = "format_traceparent";
    let trace_id: u128 = args::int(trace_id, F, "trace_id", "0..2**128")?;
    let span_id: u64 = args::int(span_id, F, "span_id", "0..2**64")?;
    let flags: u8 = args::int(flags, F, "flags", "0..256")?;
    Ok(format_traceparent(
        TraceId::from_u128(trace_id),
        SpanId::from_u64(span_id),
        TraceFlags(flags),
    )
    .as_str()
    .to_owned())
}

/// Parses tracestate header values (combined in order) into (key, value) pairs.
#[pyfunction]
fn parse_tracestate(values: &Bound<'_, PyAny>) -> PyResult<Vec<(String, String)>> {
    let values = args::texts(values, "parse_tracestate", "values")?;
    let state =
        TraceState::parse_headers(values.iter().map(String::as_str)).map_err(value_error)?;
    Ok(state
        .iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect())
}

/// Encodes (key, value) pairs as a tracestate header of at most 512 characters.
/// Raises ValueError for an invalid key or value.
#[pyfunction]
fn encode_tracestate(members: &Bound<'_, PyAny>) -> PyResult<String> {
    let members = args::pairs(members, "encode_tracestate", "members")?;
    Ok(TraceState::from_members(members)
        .map_err(value_error)?
        .header())
}

/// Parses one baggage header strictly: the first malformed member raises ValueError.
#[pyfunction]
fn parse_baggage(value: &Bound<'_, PyAny>) -> PyResult<Vec<PyMember>> {
    let value = args::text(value, "parse_baggage", "value")?;
    Ok(Baggage::parse(&value)
        .map_err(value_error)?
        .iter()
        .map(member_to_py)
        .collect())
}

/// Parses baggage header values leniently (malformed members dropped), as a propagator does.
#[pyfunction]
fn extract_baggage(values: &Bound<'_, PyAny>) -> PyResult<Vec<PyMember>> {
    let values = args::texts(values, "extract_baggage", "values")?;
    Ok(Baggage::from_headers(values.iter().map(String::as_str))
        .iter()
        .map(member_to_py)
        .collect())
}

/// Encodes members as a baggage header (values percent-encoded, limits applied).
/// Raises ValueError for a key or property that W3C Baggage cannot carry.
#[pyfunction]
pub(crate) fn encode_baggage(members: &Bound<'_, PyAny>) -> PyResult<String> {
    encode_members(args::members(members, "encode_baggage", "members")?)
}

/// The baggage header of `members` (values percent-encoded, limits applied).
pub(crate) fn encode_members(members: Vec<PyMember>) -> PyResult<String> {
    let mut baggage = Baggage::default();
    for (key, value, properties) in members {
        let properties = properties
            .into_iter()
            .map(|(key, value)| Property { key, value })
            .collect();
        baggage
            .insert_with_properties(&key, &value, properties)
            .map_err(value_error)?;
    }
    Ok(baggage.header())
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(parse_traceparent, m)?)?;
    m.add_function(wrap_pyfunction!(format, m)?)?;
    m.add_function(wrap_pyfunction!(parse_tracestate, m)?)?;
    m.add_function(wrap_pyfunction!(encode_tracestate, m)?)?;
    m.add_function(wrap_pyfunction!(parse_baggage, m)?)?;
    m.add_function(wrap_pyfunction!(extract_baggage, m)?)?;
    m.add_function(wrap_pyfunction!(encode_baggage, m)?)?;
    Ok(())
}
