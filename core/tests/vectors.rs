//! Runs every codec case of `tests/vectors/` through the Rust API.

mod common;

use common::{name, strings, vectors};
use ctxbridge_core::baggage::{Member, Property};
use ctxbridge_core::carrier::{
    extract_baggage, extract_span_context, inject_baggage, inject_span_context,
};
use ctxbridge_core::{parse_traceparent, Baggage, TraceState};
use serde_json::Value;

const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

fn carrier(name: &str, values: &[String]) -> Vec<(String, String)> {
    values
        .iter()
        .map(|v| (name.to_owned(), v.clone()))
        .collect()
}

/// Looks a header up in an injected carrier; `""` when it was not written.
fn injected(carrier: &[(String, String)], header: &str) -> String {
    carrier
        .iter()
        .find(|(k, _)| k == header)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

#[test]
fn traceparent_vectors() {
    let file = vectors("traceparent.json");
    let cases = file["cases"].as_array().unwrap();
    assert!(cases.len() >= 40);
    for case in cases {
        let headers = strings(&case["headers"]);
        let valid = case["valid"].as_bool().unwrap();
        let extracted = extract_span_context(&carrier("traceparent", &headers));
        assert_eq!(extracted.is_some(), valid, "extract: {}", name(case));
        if let Some(span_context) = &extracted {
            assert_eq!(
                span_context.trace_id.to_hex(),
                case["trace_id"],
                "{}",
                name(case)
            );
            assert_eq!(
                span_context.span_id.to_hex(),
                case["parent_id"],
                "{}",
                name(case)
            );
            assert_eq!(
                format!("{:02x}", span_context.flags.0),
                case["flags"],
                "{}",
                name(case)
            );
            assert!(span_context.remote);
            let mut out = Vec::new();
            inject_span_context(span_context, &mut out);
            assert_eq!(
                injected(&out, "traceparent"),
                case["encoded"],
                "{}",
                name(case)
            );
        }
        if headers.len() == 1 {
            match parse_traceparent(&headers[0]) {
                Ok(parsed) => {
                    assert!(valid, "parse accepted: {}", name(case));
                    assert_eq!(parsed.trace_id.to_hex(), case["trace_id"]);
                }
                Err(error) => {
                    assert!(!valid, "parse rejected {}: {error}", name(case));
                    let rule = case["rule"].as_str().unwrap();
                    assert_eq!(error.rule().id(), rule, "{}", name(case));
                    assert!(error.to_string().starts_with(rule), "{error}");
                }
            }
        }
    }
}

fn members_json(state: &TraceState) -> Value {
    state.iter().map(|(k, v)| Value::from(vec![k, v])).collect()
}

#[test]
fn tracestate_vectors() {
    let file = vectors("tracestate.json");
    for case in file["cases"].as_array().unwrap() {
        let headers = strings(&case["headers"]);
        let mut source = carrier("tracestate", &headers);
        source.push((
            "traceparent".into(),
            case["traceparent"].as_str().unwrap().into(),
        ));
        let span_context = extract_span_context(&source).expect("traceparent is valid");
        assert_eq!(
            members_json(&span_context.trace_state),
            case["members"],
            "{}",
            name(case)
        );
        let mut out = Vec::new();
        inject_span_context(&span_context, &mut out);
        assert_eq!(
            injected(&out, "tracestate"),
            case["encoded"],
            "{}",
            name(case)
        );

        // A single header is canonical exactly when re-encoding it changes nothing.
        if let [header] = headers.as_slice() {
            let canonical = ctxbridge_core::tracestate::is_canonical(header);
            assert_eq!(
                canonical,
                case["valid"] == true && case["encoded"] == header.as_str(),
                "{}",
                name(case)
            );
        }
        let canonical = span_context.trace_state.canonical();
        assert_eq!(
            TraceState::parse(&canonical).unwrap(),
            span_context.trace_state,
            "{}",
            name(case)
        );
        let parsed = TraceState::parse_headers(headers.iter().map(String::as_str));
        match (parsed, case["valid"].as_bool().unwrap()) {
            (Ok(state), true) => assert_eq!(members_json(&state), case["members"]),
            (Err(error), false) => assert_eq!(error.rule().id(), case["rule"], "{}", name(case)),
            (other, _) => panic!("{}: {other:?}", name(case)),
        }
    }
    for case in file["ignored_without_traceparent"].as_array().unwrap() {
        let mut source = carrier("tracestate", &strings(&case["headers"]));
        source.push((
            "traceparent".into(),
            case["traceparent"].as_str().unwrap().into(),
        ));
        assert!(extract_span_context(&source).is_none(), "{}", name(case));
    }
    for case in file["encode"].as_array().unwrap() {
        let members = case["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m[0].as_str().unwrap(), m[1].as_str().unwrap()));
        let state = TraceState::from_members(members).expect("members are valid");
        assert_eq!(state.header(), case["encoded"], "{}", name(case));
        assert!(state.header().len() <= 512);
    }
    for case in file["mutations"].as_array().unwrap() {
        let mut state = TraceState::parse(case["start"].as_str().unwrap()).unwrap();
        for op in case["ops"].as_array().unwrap() {
            if let Some(set) = op.get("set") {
                let result = state.insert(set[0].as_str().unwrap(), set[1].as_str().unwrap());
                match op.get("rule") {
                    Some(rule) => assert_eq!(result.unwrap_err().rule().id(), rule),
                    None => result.expect("valid set"),
                }
            } else {
                state.remove(op["delete"].as_str().unwrap());
            }
        }
        assert_eq!(state.header(), case["encoded"], "{}", name(case));
    }
}

fn baggage_json(baggage: &Baggage) -> Value {
    baggage
        .iter()
        .map(|m| {
            let properties: Vec<Value> = m
                .properties
                .iter()
                .map(|p| Value::from(vec![Value::from(p.key.clone()), p.value.clone().into()]))
                .collect();
            serde_json::json!({"key": m.key, "value": m.value, "properties": properties})
        })
        .collect()
}

fn member_from_json(value: &Value) -> Member {
    Member {
        key: value["key"].as_str().unwrap().to_owned(),
        value: value["value"].as_str().unwrap().to_owned(),
        properties: value["properties"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| Property {
                key: p[0].as_str().unwrap().to_owned(),
                value: p[1].as_str().map(str::to_owned),
            })
            .collect(),
    }
}

#[test]
fn baggage_vectors() {
    let file = vectors("baggage.json");
    for case in file["cases"].as_array().unwrap() {
        let headers = strings(&case["headers"]);
        let baggage = extract_baggage(&carrier("baggage", &headers));
        assert_eq!(baggage_json(&baggage), case["members"], "{}", name(case));
        let mut out = Vec::new();
        inject_baggage(&baggage, &mut out);
        assert_eq!(injected(&out, "baggage"), case["encoded"], "{}", name(case));

        match case.get("strict_error") {
            Some(rule) => {
                let error = Baggage::parse(&headers[0]).expect_err(name(case));
                assert_eq!(error.rule().id(), rule, "{}", name(case));
            }
            None => {
                for header in &headers {
                    let strict =
                        Baggage::parse(header).unwrap_or_else(|e| panic!("{}: {e}", name(case)));
                    assert_eq!(strict, extract_baggage(&[("baggage", header.as_str())]));
                }
            }
        }
    }
    for case in file["encode"].as_array().unwrap() {
        let mut baggage = Baggage::default();
        let mut result = Ok(());
        for member in case["members"].as_array().unwrap() {
            let member = member_from_json(member);
            result = result.and(baggage.insert_with_properties(
                &member.key,
                &member.value,
                member.properties,
            ));
        }
        match case.get("rule") {
            Some(rule) => assert_eq!(result.unwrap_err().rule().id(), rule, "{}", name(case)),
            None => {
                result.unwrap_or_else(|e| panic!("{}: {e}", name(case)));
                assert_eq!(baggage.header(), case["encoded"], "{}", name(case));
                // What is written reads back as what was built.
                assert_eq!(Baggage::parse(&baggage.header()).unwrap(), baggage);
            }
        }
    }
}

#[test]
fn default_traceparent_is_valid() {
    assert!(parse_traceparent(TRACEPARENT).is_ok());
}
