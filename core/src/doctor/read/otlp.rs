//! OTLP JSON (`ExportTraceServiceRequest` / `TracesData`): resources, their scopes,
//! their spans. Ids are hex, times nanoseconds as strings, attribute values `AnyValue`.
//! Read into typed structs that borrow the text (no tree of values), since these files
//! run to hundreds of thousands of spans; both the camelCase names of the JSON mapping
//! and the snake_case of the proto are accepted.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::super::span::{parse_hex_id, Kind, Span};

#[derive(Deserialize)]
pub struct ResourceSpans<'a> {
    #[serde(borrow, default)]
    resource: Option<Resource<'a>>,
    #[serde(
        borrow,
        default,
        rename = "scopeSpans",
        alias = "scope_spans",
        alias = "instrumentationLibrarySpans"
    )]
    scope_spans: Vec<ScopeSpans<'a>>,
}

#[derive(Deserialize)]
struct Resource<'a> {
    #[serde(borrow, default)]
    attributes: Vec<KeyValue<'a>>,
}

#[derive(Deserialize)]
struct ScopeSpans<'a> {
    #[serde(borrow, default)]
    spans: Vec<OtlpSpan<'a>>,
}

#[derive(Deserialize)]
struct OtlpSpan<'a> {
    #[serde(borrow, default, rename = "traceId", alias = "trace_id")]
    trace_id: Cow<'a, str>,
    #[serde(borrow, default, rename = "spanId", alias = "span_id")]
    span_id: Cow<'a, str>,
    #[serde(borrow, default, rename = "parentSpanId", alias = "parent_span_id")]
    parent_span_id: Cow<'a, str>,
    #[serde(borrow, default)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    kind: Option<&'a RawValue>,
    #[serde(
        borrow,
        default,
        rename = "startTimeUnixNano",
        alias = "start_time_unix_nano"
    )]
    start: Option<&'a RawValue>,
    #[serde(
        borrow,
        default,
        rename = "endTimeUnixNano",
        alias = "end_time_unix_nano"
    )]
    end: Option<&'a RawValue>,
    #[serde(borrow, default)]
    attributes: Vec<KeyValue<'a>>,
    #[serde(borrow, default)]
    links: Vec<Link<'a>>,
    #[serde(borrow, default)]
    status: Option<Status<'a>>,
}

#[derive(Deserialize)]
struct Link<'a> {
    #[serde(borrow, default, rename = "traceId", alias = "trace_id")]
    trace_id: Cow<'a, str>,
    #[serde(borrow, default, rename = "spanId", alias = "span_id")]
    span_id: Cow<'a, str>,
}

#[derive(Deserialize)]
struct Status<'a> {
    #[serde(borrow, default)]
    code: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct KeyValue<'a> {
    #[serde(borrow, default)]
    key: Cow<'a, str>,
    #[serde(borrow, default)]
    value: Option<AnyValue<'a>>,
}

/// An `AnyValue`: one of its fields is set, named by the value's type.
#[derive(Deserialize, Default)]
#[serde(default)]
struct AnyValue<'a> {
    #[serde(borrow, rename = "stringValue", alias = "string_value")]
    string: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "arrayValue", alias = "array_value")]
    array: Option<ArrayValue<'a>>,
    #[serde(borrow, rename = "intValue", alias = "int_value")]
    int: Option<&'a RawValue>,
    #[serde(borrow, rename = "doubleValue", alias = "double_value")]
    double: Option<&'a RawValue>,
    #[serde(borrow, rename = "boolValue", alias = "bool_value")]
    boolean: Option<&'a RawValue>,
    #[serde(borrow, rename = "bytesValue", alias = "bytes_value")]
    bytes: Option<&'a RawValue>,
    #[serde(borrow, rename = "kvlistValue", alias = "kvlist_value")]
    kvlist: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct ArrayValue<'a> {
    #[serde(borrow, default)]
    values: Vec<AnyValue<'a>>,
}

/// Every span of a list of `ResourceSpans` (a `TracesData`'s `resourceSpans`).
pub fn read_resources(resources: &RawValue, out: &mut Vec<Span>) -> Result<(), serde_json::Error> {
    let resources: Vec<ResourceSpans<'_>> = serde_json::from_str(resources.get())?;
    for resource in &resources {
        push_resource(resource, out);
    }
    Ok(())
}

/// One `ResourceSpans` (what Java's `OtlpJsonLoggingSpanExporter` writes per line).
pub fn read_resource(document: &str, out: &mut Vec<Span>) -> Result<(), serde_json::Error> {
    let resource: ResourceSpans<'_> = serde_json::from_str(document)?;
    push_resource(&resource, out);
    Ok(())
}

fn push_resource(resource_spans: &ResourceSpans<'_>, out: &mut Vec<Span>) {
    let resource = resource_spans
        .resource
        .as_ref()
        .map_or(&[][..], |r| &r.attributes[..]);
    let lookup = |key: &str| {
        resource
            .iter()
            .find(|kv| kv.key == key)
            .and_then(|kv| kv.value.as_ref())
            .map(any_value)
            .unwrap_or_default()
    };
    let service = lookup("service.name");
    let language = lookup("telemetry.sdk.language");
    for scope in &resource_spans.scope_spans {
        out.extend(
            scope
                .spans
                .iter()
                .map(|span| convert(span, &service, &language)),
        );
    }
}

fn convert(span: &OtlpSpan<'_>, service: &str, language: &str) -> Span {
    let hex = |text: &str| parse_hex_id(text).unwrap_or(0);
    let parent = hex(&span.parent_span_id) as u64;
    Span {
        trace_id: hex(&span.trace_id),
        span_id: hex(&span.span_id) as u64,
        parent_id: (parent != 0).then_some(parent),
        name: span.name.clone().into_owned(),
        kind: span
            .kind
            .map_or(Kind::Unspecified, |raw| Kind::parse(unquoted(raw))),
        service: service.to_owned(),
        language: language.to_owned(),
        start_ns: span.start.map_or(0, number),
        end_ns: span.end.map_or(0, number),
        error: span
            .status
            .as_ref()
            .and_then(|s| s.code)
            .is_some_and(|code| matches!(unquoted(code), "2" | "STATUS_CODE_ERROR")),
        links: span
            .links
            .iter()
            .map(|link| (hex(&link.trace_id), hex(&link.span_id) as u64))
            .collect(),
        attributes: span
            .attributes
            .iter()
            .map(|kv| {
                let value = kv.value.as_ref().map(any_value).unwrap_or_default();
                (kv.key.clone().into_owned(), value)
            })
            .collect(),
    }
}

/// A JSON number or string's text, without quotes.
fn unquoted(raw: &RawValue) -> &str {
    raw.get().trim().trim_matches('"')
}

/// A number written as a number or a string (OTLP JSON writes 64-bit integers as strings).
fn number(raw: &RawValue) -> u64 {
    unquoted(raw).parse().unwrap_or(0)
}

/// An `AnyValue` as text: a string as it is, an array as `[a,b]`, the rest as their JSON.
fn any_value(value: &AnyValue<'_>) -> String {
    if let Some(text) = &value.string {
        return text.clone().into_owned();
    }
    if let Some(array) = &value.array {
        let items: Vec<String> = array.values.iter().map(any_value).collect();
        return format!("[{}]", items.join(","));
    }
    [
        value.int,
        value.double,
        value.boolean,
        value.bytes,
        value.kvlist,
    ]
    .into_iter()
    .flatten()
    .next()
    .map(|raw| unquoted(raw).to_owned())
    .unwrap_or_default()
}
