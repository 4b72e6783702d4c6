//! Spans from the JSON the tools around OpenTelemetry write, told apart by shape:
//! OTLP JSON (the file and console exporters of the SDKs and the collector's file
//! exporter, one document or one per line), Jaeger's query API (`/api/traces`), and
//! Python's `ConsoleSpanExporter` (`ReadableSpan.to_json()`). Documents may follow one
//! another in one text, or stand in an array.

mod console;
mod jaeger;
mod otlp;
mod value;

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::value::RawValue;
use serde_json::Value;

use super::span::Span;

/// Why a text held no spans the doctor can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError(pub String);

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ReadError {}

/// Every span in `text`, whatever mix of the formats above it holds.
pub fn spans(text: &str) -> Result<Vec<Span>, ReadError> {
    let mut out = Vec::new();
    let stream = serde_json::Deserializer::from_str(text).into_iter::<&RawValue>();
    for (n, document) in stream.enumerate() {
        let document = document.map_err(|e| not_json(n, &e))?;
        read_document(document, &mut out).map_err(|e| not_json(n, &e))??;
    }
    Ok(out)
}

fn not_json(n: usize, error: &serde_json::Error) -> ReadError {
    ReadError(format!(
        "document {} is not JSON the doctor reads: {error}",
        n + 1
    ))
}

/// One document, told apart by its top-level keys (its values stay unparsed until the
/// format is known: OTLP is read typed, the rest as a JSON tree).
fn read_document(
    document: &RawValue,
    out: &mut Vec<Span>,
) -> Result<Result<(), ReadError>, serde_json::Error> {
    let text = document.get();
    match text.trim_start().as_bytes().first() {
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_str(text)?;
            for item in items {
                if let Err(error) = read_document(item, out)? {
                    return Ok(Err(error));
                }
            }
            return Ok(Ok(()));
        }
        Some(b'{') => {}
        _ => {
            return Ok(Err(ReadError(
                "a JSON document that is not an object or array".into(),
            )))
        }
    }
    let keys: BTreeMap<Cow<'_, str>, &RawValue> = serde_json::from_str(text)?;
    let has = |name: &str| keys.contains_key(name);
    if let Some(resources) = keys
        .get("resourceSpans")
        .or_else(|| keys.get("resource_spans"))
    {
        otlp::read_resources(resources, out)?;
    } else if has("scopeSpans") || has("scope_spans") || has("instrumentationLibrarySpans") {
        otlp::read_resource(text, out)?;
    } else if has("data") || (has("spans") && has("processes")) {
        let value: Value = serde_json::from_str(text)?;
        match value.get("data") {
            Some(Value::Array(traces)) => traces.iter().for_each(|t| jaeger::read_trace(t, out)),
            _ => jaeger::read_trace(&value, out),
        }
    } else if has("context") {
        let value: Value = serde_json::from_str(text)?;
        console::read_span(&value, out);
    } else {
        return Ok(Err(ReadError(
            "a JSON document that is neither OTLP (resourceSpans), Jaeger (data[].spans) nor \
             a Python console span (context.trace_id)"
                .into(),
        )));
    }
    Ok(Ok(()))
}

#[cfg(test)]
mod tests;
