//! The C version macros are literals in capi/src/version.rs; they must match Cargo's.
use std::ffi::CStr;

#[test]
fn version_macros_and_function_match_the_workspace_version() {
    let expected = [
        env!("CARGO_PKG_VERSION_MAJOR"),
        env!("CARGO_PKG_VERSION_MINOR"),
        env!("CARGO_PKG_VERSION_PATCH"),
    ];
    let macros = [
        ctxbridge::CTXBRIDGE_VERSION_MAJOR,
        ctxbridge::CTXBRIDGE_VERSION_MINOR,
        ctxbridge::CTXBRIDGE_VERSION_PATCH,
    ]
    .map(|n| n.to_string());
    assert_eq!(macros.to_vec(), expected.to_vec());
    // SAFETY: ctxbridge_version returns a static NUL-terminated string.
    let loaded = unsafe { CStr::from_ptr(ctxbridge::ctxbridge_version()) };
    assert_eq!(loaded.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
}
