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
    with_bytes(env, array, len, |bytes| {
        work(std::str::from_utf8(bytes).ok())
    })
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

/// [`with_text`] with a raw JNI environment, for the hottest export: one
/// `GetByteArrayRegion` call and no `Env` bookkeeping. `None` when the array is null
/// or the copy failed (an exception is then pending and Java sees it).
pub fn with_raw_text<R>(
    env: *mut jni::sys::JNIEnv,
    array: jni::sys::jbyteArray,
    len: i32,
    work: impl FnOnce(Option<&str>) -> R,
) -> Option<R> {
    if env.is_null() || array.is_null() {
        return None;
    }
    let len = usize::try_from(len).unwrap_or(0);
    let mut inline = [0i8; INLINE];
    let mut heap = Vec::new();
    let buf: &mut [i8] = if len <= INLINE {
        &mut inline[..len]
    } else {
        heap.resize(len, 0);
        &mut heap
    };
    // SAFETY: `env` is the JNIEnv the JVM passed to this native call, on its own thread;
    // `array` is a live local reference of that call; `buf` holds `len` bytes.
    unsafe {
        let interface = &**env;
        (interface.v1_1.GetByteArrayRegion)(env, array, 0, len as i32, buf.as_mut_ptr());
        if (interface.v1_2.ExceptionCheck)(env) {
            return None;
        }
    }
    // SAFETY: i8 and u8 have the same size and alignment; only the sign differs.
    let bytes: &[u8] = unsafe { std::slice::from_raw_parts(buf.as_ptr().cast(), buf.len()) };
    Some(work(std::str::from_utf8(bytes).ok()))
}
