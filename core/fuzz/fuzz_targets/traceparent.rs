//! Any input: parse never panics; what parses formats to a version-00 header that
//! parses back to the same fields.
#![no_main]

use ctxbridge_core::{format_traceparent, parse_traceparent};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(parsed) = parse_traceparent(text) {
        let formatted = format_traceparent(parsed.trace_id, parsed.parent_id, parsed.flags);
        assert!(formatted.as_str().starts_with("00-"));
        assert_eq!(parse_traceparent(formatted.as_str()), Ok(parsed));
    }
});
