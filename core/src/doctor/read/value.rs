//! Reading loosely typed JSON: the same field under its camelCase and snake_case names,
//! numbers written as strings, values of any type as text.

use serde_json::{Map, Value};

/// The first of `names` the object has.
pub fn field<'v>(object: &'v Map<String, Value>, names: &[&str]) -> Option<&'v Value> {
    names.iter().find_map(|name| object.get(*name))
}

/// `value[name]` for any of `names`, on an object.
pub fn get<'v>(value: &'v Value, names: &[&str]) -> Option<&'v Value> {
    value.as_object().and_then(|object| field(object, names))
}

/// A string field, or "".
pub fn text<'v>(value: &'v Value, names: &[&str]) -> &'v str {
    get(value, names).and_then(Value::as_str).unwrap_or("")
}

/// A number written as a number or a string (OTLP JSON writes 64-bit integers as
/// strings); 0 when absent or not a number.
pub fn number(value: &Value, names: &[&str]) -> u64 {
    match get(value, names) {
        Some(Value::Number(n)) => n
            .as_u64()
            .or_else(|| n.as_f64().map(|f| f as u64))
            .unwrap_or(0),
        Some(Value::String(s)) => s.trim().parse().unwrap_or(0),
        _ => 0,
    }
}

/// Any JSON value as attribute text: strings as they are, the rest as JSON.
pub fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}
