//! The doctor over traces recorded from real runs of the seed's broken patterns in
//! Python, Node and Java (tests/doctor/record/), against the diagnosis written for each
//! in tests/doctor/expected.json. Each pair is checked by ids too: a broken hand-off's
//! spans are in two traces, a stale, late or baggage-losing span is its partner's child.

use std::path::PathBuf;

use ctxbridge_core::doctor::{diagnose, read, Options, Shape};
use serde_json::Value;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/doctor")
}

fn options(spec: &Value) -> Options {
    let mut options = Options::default();
    if let Some(late) = spec.pointer("/options/late_after").and_then(Value::as_str) {
        options.late_after_ns = late.trim_end_matches('s').parse::<u64>().unwrap() * 1_000_000_000;
    }
    for key in spec
        .pointer("/options/baggage_keys")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        options.baggage_keys.push(key.as_str().unwrap().to_owned());
    }
    options
}

#[test]
fn every_recording_gets_the_diagnosis_written_for_it() {
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join("expected.json")).unwrap())
            .unwrap();
    let expected = expected.as_object().unwrap();
    let mut files: Vec<String> = std::fs::read_dir(dir().join("recorded"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    let listed: Vec<&String> = expected.keys().filter(|k| !k.starts_with('_')).collect();
    assert_eq!(
        files.len(),
        listed.len(),
        "recordings {files:?} against expected {listed:?}"
    );
    for languages in ["python-", "node-", "java-"] {
        assert!(files
            .iter()
            .any(|f| f.starts_with(languages) && !f.contains("correct")));
        assert!(files
            .iter()
            .any(|f| f.starts_with(languages) && f.contains("correct")));
    }
    for file in &files {
        let spec = expected
            .get(file)
            .unwrap_or_else(|| panic!("{file} has no expected diagnosis"));
        let text = std::fs::read_to_string(dir().join("recorded").join(file)).unwrap();
        let spans = read::spans(&text).unwrap();
        assert!(!spans.is_empty(), "{file}");
        let findings = diagnose(&spans, &options(spec));
        let got: Vec<(String, String, Option<String>)> = findings
            .iter()
            .map(|f| {
                (
                    f.shape.id().to_owned(),
                    spans[f.span].name.clone(),
                    f.related.map(|r| spans[r].name.clone()),
                )
            })
            .collect();
        let want: Vec<(String, String, Option<String>)> = spec["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["shape"].as_str().unwrap().to_owned(),
                    f["span"].as_str().unwrap().to_owned(),
                    f["related"].as_str().map(str::to_owned),
                )
            })
            .collect();
        assert_eq!(got, want, "{file}");
        for finding in &findings {
            let span = &spans[finding.span];
            assert!(
                !finding.fix.is_empty() && !finding.evidence.is_empty(),
                "{file}"
            );
            let Some(related) = finding.related.map(|r| &spans[r]) else {
                continue;
            };
            match finding.shape {
                Shape::BrokenHandoff => assert_ne!(span.trace_id, related.trace_id, "{file}"),
                Shape::StaleParent | Shape::LateWork | Shape::LostBaggage => {
                    assert_eq!(span.trace_id, related.trace_id, "{file}");
                    assert_eq!(span.parent_id, Some(related.span_id), "{file}");
                }
                Shape::Orphan => {}
            }
            assert!(finding.fix.len() > 20, "{file}: {}", finding.fix);
        }
    }
}
