//! The W3C codecs for `CtxbridgePropagator` and `W3cCodecs`. Header values come in as
//! bytes; what Java needs back is a number (a traceparent's flags, a tracestate's
//! verdict) or one packed `byte[]`. Explicit parses throw `IllegalArgumentException`
//! whose message starts with the rule id.

use ctxbridge_core::baggage::Property;
use ctxbridge_core::{tracestate, Baggage, TraceState};
use jni::errors::ThrowRuntimeExAndDefault;
use jni::objects::{JByteArray, JClass};
use jni::sys::{jboolean, jint};
use jni::{jni_str, Env, EnvUnowned};

use crate::bytes::{self, with_bytes, with_text};
use crate::fields::{self, FieldWriter};
use crate::guard::catch;

/// Hands Java the bytes of `Ok`; for `Err`, throws `IllegalArgumentException` with the
/// message (for a broken rule it starts with the rule id) and returns null.
pub(crate) fn reply<'local>(
    env: &mut Env<'local>,
    result: Result<impl AsRef<[u8]>, String>,
) -> jni::errors::Result<JByteArray<'local>> {
    match result {
        Ok(bytes) => bytes::to_java(env, bytes.as_ref()),
        Err(message) => match env.throw_new(
            jni_str!("java/lang/IllegalArgumentException"),
            jni::strings::JNIString::from(message),
        ) {
            // Throwing reports the pending exception as an error; it is what we want.
            Ok(()) | Err(jni::errors::Error::JavaException) => Ok(JByteArray::default()),
            Err(other) => Err(other),
        },
    }
}

/// How many bytes of a header value decide it (0 traceparent, 1 tracestate, 2 baggage;
/// the core's `MAX_READ`s), so that Java copies no more of a header than can matter.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_readLimit(
    _env: EnvUnowned<'_>,
    _class: JClass<'_>,
    header: jint,
) -> jint {
    catch(0, || {
        let limit = match header {
            0 => ctxbridge_core::traceparent::MAX_READ,
            1 => tracestate::MAX_READ,
            2 => ctxbridge_core::baggage::MAX_READ,
            _ => return 0,
        };
        jint::try_from(limit).unwrap_or(jint::MAX)
    })
}

/// Parses one traceparent for `W3cCodecs`: its flags (only sampled and random
/// survive), or `IllegalArgumentException` naming the rule.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_parseTraceparent<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    value: JByteArray<'local>,
    len: jint,
) -> jint {
    env.with_env(|env| -> jni::errors::Result<jint> {
        let parsed = with_text(env, &value, len, |text| {
            ctxbridge_core::parse_traceparent(text).map_err(|e| e.to_string())
        })?;
        match parsed {
            Ok(parsed) => Ok(jint::from(parsed.flags.0)),
            Err(message) => reply(env, Err::<&[u8], _>(message)).map(|_| -1),
        }
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

/// A traceparent and the tracestate that came with it, in one call and no strings:
/// -1 when the traceparent is invalid, else `flags | verdict << 8` with the verdict of
/// [`tracestate_verdict`] (0 when `tracestate` is null).
///
/// The propagator calls this on every extract, so it skips `with_env` (whose attach
/// bookkeeping costs more than the parse) and copies the bytes with one raw JNI call each.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_checkTrace(
    env: *mut jni::sys::JNIEnv,
    _class: jni::sys::jclass,
    traceparent: jni::sys::jbyteArray,
    traceparent_len: jint,
    tracestate: jni::sys::jbyteArray,
    tracestate_len: jint,
) -> jint {
    catch(-1, || {
        let flags = bytes::with_raw_text(env, traceparent, traceparent_len, |text| {
            ctxbridge_core::parse_traceparent(text)
                .ok()
                .map(|parsed| jint::from(parsed.flags.0))
        });
        let Some(Some(flags)) = flags else {
            return -1;
        };
        if tracestate.is_null() {
            return flags;
        }
        match bytes::with_raw_text(env, tracestate, tracestate_len, tracestate_verdict) {
            Some(verdict) => flags | verdict << 8,
            None => -1,
        }
    })
}

/// 1 when a tracestate is already canonical, 0 when empty or invalid, 2 otherwise.
fn tracestate_verdict(text: &str) -> jint {
    match text {
        "" => 0,
        text if tracestate::is_canonical(text) => 1,
        text => match TraceState::parse(text) {
            Ok(state) if !state.is_empty() => 2,
            _ => 0,
        },
    }
}

/// The canonical form of tracestate values joined by `,`; empty when invalid.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_canonicalTracestate<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    value: JByteArray<'local>,
    len: jint,
) -> JByteArray<'local> {
    env.with_env(|env| -> jni::errors::Result<JByteArray<'local>> {
        let canonical = with_text(env, &value, len, |text| {
            TraceState::from_headers([text]).canonical()
        })?;
        bytes::to_java(env, canonical.as_bytes())
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

/// The header to send for a canonical tracestate: at most 512 characters.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_tracestateHeader<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    value: JByteArray<'local>,
    len: jint,
) -> JByteArray<'local> {
    env.with_env(|env| -> jni::errors::Result<JByteArray<'local>> {
        let header = with_text(env, &value, len, |text| {
            TraceState::parse(text)
                .map(|s| s.header())
                .unwrap_or_default()
        })?;
        bytes::to_java(env, header.as_bytes())
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

/// The members of a tracestate as packed `key, value` fields; none when invalid.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_parseTracestate<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    value: JByteArray<'local>,
    len: jint,
) -> JByteArray<'local> {
    env.with_env(|env| -> jni::errors::Result<JByteArray<'local>> {
        let packed = with_text(env, &value, len, |text| {
            let mut out = FieldWriter::default();
            for (key, value) in TraceState::parse(text).unwrap_or_default().iter() {
                out.push(key);
                out.push(value);
            }
            out.into_bytes()
        })?;
        bytes::to_java(env, &packed)
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

/// Applies packed ops to a canonical tracestate and returns the new canonical form.
/// Ops are `set, key, value` (the key moves to the front; past 32 members the
/// right-most is dropped) or `delete, key`. A broken rule throws and changes nothing,
/// unless `lenient`: then that op is skipped (OpenTelemetry's `TraceStateBuilder`).
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_editTracestate<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    packed: JByteArray<'local>,
    len: jint,
    lenient: jboolean,
) -> JByteArray<'local> {
    env.with_env(|env| -> jni::errors::Result<JByteArray<'local>> {
        let edited = with_bytes(env, &packed, len, |packed| -> Result<String, String> {
            let fields = fields::read(packed).ok_or("malformed tracestate edit")?;
            let (start, mut ops) = fields.split_first().ok_or("malformed tracestate edit")?;
            let mut state = TraceState::parse(start).map_err(|e| e.to_string())?;
            while let Some((op, rest)) = ops.split_first() {
                match (*op, rest) {
                    ("set", [key, value, rest @ ..]) => {
                        match state.insert(key, value) {
                            Err(error) if !lenient => return Err(error.to_string()),
                            _ => {}
                        }
                        ops = rest;
                    }
                    ("delete", [key, rest @ ..]) => {
                        state.remove(key);
                        ops = rest;
                    }
                    _ => return Err("malformed tracestate edit".to_owned()),
                }
            }
            Ok(state.canonical())
        })?;
        reply(env, edited)
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

/// Baggage values joined by `,` as packed `key, value, metadata` fields (values
/// percent-decoded, metadata the properties as written). `strict` throws at the first
/// malformed member; otherwise malformed members are dropped alone.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_parseBaggage<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    value: JByteArray<'local>,
    len: jint,
    strict: jboolean,
) -> JByteArray<'local> {
    env.with_env(|env| -> jni::errors::Result<JByteArray<'local>> {
        let packed = with_text(env, &value, len, |text| {
            let baggage = if strict {
                Baggage::parse(text).map_err(|e| e.to_string())?
            } else {
                Baggage::from_headers([text])
            };
            let mut out = FieldWriter::default();
            pack_baggage_into(&baggage, &mut out);
            Ok(out.into_bytes())
        })?;
        reply(env, packed)
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

/// Baggage as packed `key, value, metadata` fields.
pub(crate) fn pack_baggage_into(baggage: &Baggage, out: &mut FieldWriter) {
    let mut metadata = String::new();
    for member in baggage.iter() {
        out.push(&member.key);
        out.push(&member.value);
        metadata.clear();
        Property::write_list(&member.properties, &mut metadata);
        out.push(&metadata);
    }
}

/// Packed `key, value, metadata` fields as a baggage header (values percent-encoded,
/// limits applied). `strict` throws for a member W3C Baggage cannot carry; otherwise
/// such members are skipped.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_encodeBaggage<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    packed: JByteArray<'local>,
    len: jint,
    strict: jboolean,
) -> JByteArray<'local> {
    env.with_env(|env| -> jni::errors::Result<JByteArray<'local>> {
        let encoded = with_bytes(env, &packed, len, |packed| -> Result<String, String> {
            let fields = fields::read(packed).ok_or("malformed baggage members")?;
            let mut baggage = Baggage::default();
            for member in fields.chunks(3) {
                let [key, value, metadata] = member else {
                    return Err("malformed baggage members".to_owned());
                };
                let properties = Property::split_list(metadata);
                let inserted = baggage.insert_with_properties(key, value, properties);
                if let Err(error) = inserted {
                    if strict {
                        return Err(error.to_string());
                    }
                }
            }
            Ok(baggage.header())
        })?;
        reply(env, encoded)
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}
