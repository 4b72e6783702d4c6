//! Panics stop at the export that caught them.

use std::panic::{catch_unwind, UnwindSafe};

/// Runs an export that does not touch the JVM, returning `on_panic` if it panics.
/// (Exports that use the JVM get the same from `EnvUnowned::with_env`.)
pub fn catch<T>(on_panic: T, work: impl FnOnce() -> T + UnwindSafe) -> T {
    catch_unwind(work).unwrap_or(on_panic)
}
