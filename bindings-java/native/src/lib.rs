//! The JNI library of ctxbridge for Java (`io.ctxbridge.internal.Native`).
//!
//! Every export follows one shape: `long` ids, primitives and `byte[]` in; primitives
//! or one `byte[]` out (several strings are packed as length-prefixed fields, see
//! [`fields`]). `Context` objects never cross: Java keeps them beside the ids. No
//! panic crosses the boundary: exports that touch the JVM run in `with_env`, the
//! others in [`guard::catch`].
// JNI exports take raw handles the Java side owns; making each `unsafe` adds nothing.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

mod bytes;
mod codecs;
mod diagnostics;
mod doctor;
mod fields;
mod guard;
mod memory;
mod queue;
mod scope;
