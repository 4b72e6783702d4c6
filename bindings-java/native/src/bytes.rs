//! Reading Java `byte[]` arguments without allocating for the common sizes.

use jni::errors::Result;
use jni::objects::JByteArray;
use jni::Env;

/// Header values up to this size are copied onto the stack.
const INLINE: usize = 256;

/// Calls `work` with the first `len` bytes of `array` as text. Bytes that are not
/// UTF-8 reach `work` as `None`: no W3C header value is valid then.
pub fn with_text<R>(
    env: &Env<'_>,
    array: &JByteArray<'_>,
    len: i32,
    work: impl FnOnce(Option<&str>) -> R,
) -> Result<R> {
    with_bytes(env, array, len, |bytes| work(std::str::from_utf8(bytes).ok()))
}

/// Calls `work` with the first `len` bytes of `array`.
pub fn with_bytes<R>(
    env: &Env<'_>,
    array: &JByteArray<'_>,
    len: i32,
    work: impl FnOnce(&[u8]) -> R,
) -> Result<R> {
    let len = usize::try_from(len).unwrap_or(0);
    let mut inline = [0i8; INLINE];
    let mut heap = Vec::new();
    let buf: &mut [i8] = if len <= INLINE {
        &mut inline[..len]
    } else {
        heap.resize(len, 0);
        &mut heap
    };
    array.get_region(env, 0, buf)?;
    // SAFETY: i8 and u8 have the same size and alignment; only the sign differs.
    let bytes: &[u8] = unsafe { std::slice::from_raw_parts(buf.as_ptr().cast(), buf.len()) };
    Ok(work(bytes))
}

/// A Java `byte[]` holding `bytes`.
pub fn to_java<'local>(env: &mut Env<'local>, bytes: &[u8]) -> Result<JByteArray<'local>> {
    env.byte_array_from_slice(bytes)
}
