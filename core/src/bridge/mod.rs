//! The operations a binding performs per call, written once for every binding.
//!
//! A binding's Rust crate (PyO3, napi-rs, JNI, the C ABI) converts its host's types into
//! these calls and their answers back; it decides nothing. Each answer has one encoding for
//! crossing a boundary — numbers where a number will do, strings only where the host needs
//! text — and a typed form in Rust:
//!
//! - [`trace`]: a received `traceparent` (and the `tracestate` that came with it) checked in
//!   one call that builds no strings ([`trace::check`]); the tracestate header to send for
//!   a host's tracestate ([`trace::outgoing_tracestate`]).
//! - [`baggage`]: baggage members as OpenTelemetry Java and JS keep them, the properties as
//!   one metadata string (`p1;p2=x`), both ways.
//! - [`codes`]: the numbers a detach, a misuse and a queue decision cross as.
//! - [`limits`]: the codecs' numbers a host side needs (read limits, the known flags).
//! - [`metrics`]: the OpenTelemetry instruments the counters are published as.
//!
//! The contract bindings rely on:
//! - extract never fails: a bad header is "absent", and the host returns the context it
//!   was given;
//! - a host constant that mirrors one of these codes is checked against the core by a
//!   test in that binding (or read from the core when the module loads);
//! - limits (how much of a header can matter, how many members propagate) live in the
//!   codecs; a binding that copies strings across its boundary may cut a header at the
//!   codec's `MAX_READ`, which changes no outcome;
//! - the scope stack is the core's alone: a host keeps only the host objects its API
//!   hands back, and learns from each answer which one is current. Java keeps its
//!   `Context`s by frame depth ([`codes::detach_answer`], [`codes::exit_answer`]); Node's
//!   frames keep, as their value ([`crate::scope::Frame::value`]), the store each was
//!   attached over, which a detach hands back; Python's and C's frames hold the context
//!   itself (in the `ContextVar`, in the core's thread slot).

pub mod baggage;
pub mod codes;
pub mod limits;
pub mod metrics;
pub mod trace;
