//! Helpers shared by the core's integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::Value;

/// Reads `tests/vectors/<name>` from the repository root.
pub fn vectors(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).expect("vectors are JSON")
}

pub fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|v| v.as_str().expect("a string").to_owned())
        .collect()
}

pub fn name(case: &Value) -> &str {
    case["name"].as_str().unwrap_or("?")
}
