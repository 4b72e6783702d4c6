//! Reading Java `byte[]` arguments without allocating for the common sizes.

use std::borrow::Cow;

use jni::errors::Result;
use jni::objects::JByteArray;
use jni::Env;

/// Header values up to this size are copied onto the stack.
const INLINE: usize = 256;

/// Calls `work` with the first `len` bytes of `array` as text. Bytes that are not
/// UTF-8 become U+FFFD, which no W3C header accepts, so the codecs reject them.
pub fn with_text<R>(
    env: &Env<'_>,
    array: &JByteArray<'_>,
    len: i32,
    work: impl FnOnce(&str) -> R,
) -> Result<R> {
    with_bytes(env, array, len, |bytes| work(&text_of(bytes)))
}

/// `bytes` as text, borrowed when they are UTF-8 (always, for what Java's `getBytes(UTF_8)`
/// makes); bytes that are not become U+FFFD. `str::from_utf8` goes first because its
/// ASCII fast path is several times quicker than `from_utf8_lossy`'s chunking (a third of
/// a traceparent extract's native time).
pub fn text_of(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// Calls `work` with the first `len` bytes of `array`.
pub fn with_bytes<R>(
    env: &Env<'_>,
    array: &JByteArray<'_>,
    len: i32,
    work: impl FnOnce(&[u8]) -> R,
) -> Result<R> {
    with_buffer(len, |buf| {
        array.get_region(env, 0, buf)?;
        Ok(work(as_bytes(buf)))
    })
}

/// [`with_text`] with a raw JNI environment, for the hottest export: one
/// `GetByteArrayRegion` call and no `Env` bookkeeping. `None` when the array is null
/// or the copy failed (an exception is then pending and Java sees it).
pub fn with_raw_text<R>(
    env: *mut jni::sys::JNIEnv,
    array: jni::sys::jbyteArray,
    len: i32,
    work: impl FnOnce(&str) -> R,
) -> Option<R> {
    if env.is_null() || array.is_null() {
        return None;
    }
    with_buffer(len, |buf| {
        // SAFETY: `env` is the JNIEnv the JVM passed to this native call, on its own
        // thread; `array` is a live local reference of that call; `buf` holds `len` bytes.
        unsafe {
            let interface = &**env;
            (interface.v1_1.GetByteArrayRegion)(env, array, 0, buf.len() as i32, buf.as_mut_ptr());
            if (interface.v1_2.ExceptionCheck)(env) {
                return None;
            }
        }
        Some(work(&text_of(as_bytes(buf))))
    })
}

/// A Java `byte[]` holding `bytes`.
pub fn to_java<'local>(env: &mut Env<'local>, bytes: &[u8]) -> Result<JByteArray<'local>> {
    env.byte_array_from_slice(bytes)
}

/// Calls `work` with a zeroed buffer of `len` bytes: on the stack up to [`INLINE`].
fn with_buffer<R>(len: i32, work: impl FnOnce(&mut [i8]) -> R) -> R {
    let len = usize::try_from(len).unwrap_or(0);
    if len <= INLINE {
        work(&mut [0i8; INLINE][..len])
    } else {
        work(&mut vec![0i8; len])
    }
}

fn as_bytes(buf: &[i8]) -> &[u8] {
    // SAFETY: i8 and u8 have the same size and alignment; only the sign differs.
    unsafe { std::slice::from_raw_parts(buf.as_ptr().cast(), buf.len()) }
}
