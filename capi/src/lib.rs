//! The C ABI of ctxbridge (`include/ctxbridge.h`).
//!
//! Every export is prefixed `ctxbridge_`, takes borrowed `(ptr, len)` strings, returns a
//! [`ctxbridge_status`], and runs inside [`guard::ffi_guard`] so that no panic unwinds
//! into C. Handles returned to C are owned by the caller and freed with their `_free`.
#![allow(non_camel_case_types)]
// The exports check their pointers; making each `unsafe fn` would add nothing for C callers.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

mod carrier;
mod codecs;
mod guard;
mod scope;
mod snapshot;
mod types;
mod version;

pub use carrier::*;
pub use codecs::*;
pub use scope::*;
pub use snapshot::*;
pub use types::*;
pub use version::*;
