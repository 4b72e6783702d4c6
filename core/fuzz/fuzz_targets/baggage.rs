//! Any input: lenient parse never panics, stays within the limits, and what it encodes
//! parses strictly back to the same baggage.
#![no_main]

use ctxbridge_core::Baggage;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let baggage = Baggage::from_headers(text.split('\n'));
    assert!(baggage.len() <= 64);
    let header = baggage.header();
    assert!(header.len() <= 8192);
    assert_eq!(Baggage::parse(&header).expect("encoded baggage parses"), baggage);
    let _ = Baggage::parse(text);
});
