//! Runs `tests/vectors/interop.json` through the core's bridge layer, the calls every
//! binding makes for its propagator.

mod common;

use common::{name, strings, vectors};
use ctxbridge_core::bridge::baggage::{entries, header_of};
use ctxbridge_core::bridge::trace::outgoing_tracestate;
use ctxbridge_core::Baggage;

fn text<'a>(case: &'a serde_json::Value, field: &str) -> &'a str {
    case[field]
        .as_str()
        .unwrap_or_else(|| panic!("{}: {field}", name(case)))
}

#[test]
fn values_are_sent_as_every_stock_decoder_reads_them() {
    let file = vectors("interop.json");
    for case in file["values"].as_array().unwrap() {
        let header = header_of([("k", text(case, "value"), "")]);
        assert_eq!(header, text(case, "encoded"), "{}", name(case));
        let back = Baggage::from_headers([header.as_str()]);
        assert_eq!(back.get("k"), Some(text(case, "value")), "{}", name(case));
    }
}

#[test]
fn what_stock_sdks_write_is_read_by_w3c_rules() {
    let file = vectors("interop.json");
    for case in file["stock"].as_array().unwrap() {
        let baggage = Baggage::from_headers([text(case, "header")]);
        assert_eq!(
            baggage.get("k"),
            Some(text(case, "reads")),
            "{}",
            name(case)
        );
    }
}

#[test]
fn properties_survive_both_ways() {
    let file = vectors("interop.json");
    for case in file["properties"].as_array().unwrap() {
        let headers = strings(&case["headers"]);
        let baggage = Baggage::from_headers(headers.iter().map(String::as_str));
        let all: Vec<_> = entries(&baggage).collect();
        let (_, value, metadata) = all
            .iter()
            .find(|(key, _, _)| *key == text(case, "key"))
            .unwrap_or_else(|| panic!("{}: key", name(case)));
        assert_eq!(*value, text(case, "value"), "{}", name(case));
        assert_eq!(metadata, text(case, "metadata"), "{}", name(case));
        let sent = header_of(all.iter().map(|(k, v, m)| (*k, *v, m.as_str())));
        assert_eq!(sent, text(case, "encoded"), "{}", name(case));
    }
}

#[test]
fn bad_metadata_is_never_sent() {
    let file = vectors("interop.json");
    for case in file["bad_metadata"].as_array().unwrap() {
        let sent = header_of([(
            text(case, "key"),
            text(case, "value"),
            text(case, "metadata"),
        )]);
        assert_eq!(sent, text(case, "encoded"), "{}", name(case));
    }
}

#[test]
fn bad_tracestate_is_never_sent() {
    let file = vectors("interop.json");
    for case in file["bad_tracestate"].as_array().unwrap() {
        assert_eq!(
            outgoing_tracestate(text(case, "serialized")),
            "",
            "{}",
            name(case)
        );
    }
}
