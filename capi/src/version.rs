//! The library's version, for C callers at compile time (the macros) and at run time
//! (`ctxbridge_version`), so a program can tell which library it was built against and
//! which one it loaded. The version lives once, in the workspace's Cargo.toml; the
//! numbers here are literals because cbindgen writes only literal constants, and a test
//! (`tests/version.rs`) checks they match it.

use std::ffi::c_char;

pub const CTXBRIDGE_VERSION_MAJOR: u32 = 0;
pub const CTXBRIDGE_VERSION_MINOR: u32 = 1;
pub const CTXBRIDGE_VERSION_PATCH: u32 = 0;

/// "MAJOR.MINOR.PATCH" of the loaded library, NUL-terminated, static: never free it.
#[no_mangle]
pub extern "C" fn ctxbridge_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
