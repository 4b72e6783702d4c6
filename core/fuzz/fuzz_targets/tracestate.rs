//! Any input split into headers: parse never panics; a valid tracestate encodes to at
//! most 512 characters that parse back to a prefix-preserving subset; a header is
//! canonical exactly when it parses and encodes to itself.
#![no_main]

use ctxbridge_core::TraceState;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    assert_eq!(
        ctxbridge_core::tracestate::is_canonical(text),
        TraceState::parse(text).is_ok_and(|state| state.header() == text),
        "canonical exactly when a parse encodes to itself"
    );
    let headers: Vec<&str> = text.split('\n').collect();
    if let Ok(state) = TraceState::parse_headers(headers.iter().copied()) {
        assert!(state.len() <= 32);
        let header = state.header();
        assert!(header.len() <= 512);
        let again = TraceState::parse(&header).expect("encoded tracestate parses");
        for (key, value) in again.iter() {
            assert_eq!(state.get(key), Some(value));
        }
    }
});
