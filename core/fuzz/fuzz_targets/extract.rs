//! Any carrier: extract never panics, and inject then extract gives the same ids,
//! flags and baggage (tracestate may lose members to the 512-character limit).
#![no_main]

use ctxbridge_core::{extract, inject};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Lines of `name:value`, so names repeat and vary in case.
    let carrier: Vec<(&str, &str)> = text
        .lines()
        .filter_map(|line| line.split_once(':'))
        .collect();
    let snapshot = extract(&carrier);
    let mut out: Vec<(String, String)> = Vec::new();
    inject(&snapshot, &mut out);
    let again = extract(&out);
    match (snapshot.span_context(), again.span_context()) {
        (Some(first), Some(second)) => {
            assert_eq!((first.trace_id, first.span_id, first.flags), (second.trace_id, second.span_id, second.flags));
            for (key, value) in second.trace_state.iter() {
                assert_eq!(first.trace_state.get(key), Some(value));
            }
        }
        (None, None) => {}
        other => panic!("span context changed across inject/extract: {other:?}"),
    }
    assert_eq!(again.baggage(), snapshot.baggage());
});
