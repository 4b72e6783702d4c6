//! Bytes the library holds on the native heap, so tests can show that a million
//! attach/close cycles leave it flat: the core's counting allocator
//! (`ctxbridge_core::live_bytes`), installed here in every build.

use ctxbridge_core::live_bytes::{live_bytes, CountingAllocator};
use jni::objects::JClass;
use jni::sys::jlong;
use jni::EnvUnowned;

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Bytes allocated by the library and not yet freed.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_liveBytes(
    _env: EnvUnowned<'_>,
    _class: JClass<'_>,
) -> jlong {
    live_bytes()
}
