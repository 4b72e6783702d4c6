//! The W3C codecs for `CtxbridgePropagator` and `W3cCodecs`. Header values come in as
//! bytes; what Java needs back is a number (a traceparent's flags, a tracestate's
//! verdict) or one packed `byte[]`. Explicit parses throw `IllegalArgumentException`
//! whose message starts with the rule id.

use ctxbridge_core::baggage::Property;
use ctxbridge_core::{tracestate, Baggage, ParseError, TraceState};
use jni::errors::ThrowRuntimeExAndDefault;
use jni::objects::{JByteArray, JClass};
use jni::sys::{jboolean, jint};
use jni::{jni_str, Env, EnvUnowned};

use crate::bytes::{self, with_bytes, with_text};
use crate::fields::{self, FieldWriter};
use crate::guard::catch;

/// Throws `IllegalArgumentException` naming the rule; Java sees it when the export returns.
pub(crate) fn throw_rule(env: &mut Env<'_>, error: &ParseError) -> jni::errors::Result<()> {
    throw_illegal(env, &error.to_string())
}

pub(crate) fn throw_illegal(env: &mut Env<'_>, message: &str) -> jni::errors::Result<()> {
    match env.throw_new(
        jni_str!("java/lang/IllegalArgumentException"),
        jni::strings::JNIString::from(message),
    ) {
        // Throwing reports the pending exception as an error; it is what we want.
        Ok(()) | Err(jni::errors::Error::JavaException) => Ok(()),
        Err(other) => Err(other),
    }
}

/// A traceparent's flags (only sampled and random survive), or -1 when it is invalid.
/// With `explain`, an invalid one throws naming the rule instead.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_checkTraceparent<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    value: JByteArray<'local>,
    len: jint,
    explain: jboolean,
) -> jint {
    env.with_env(|env| -> jni::errors::Result<jint> {
        let parsed = with_text(env, &value, len, |text| {
            text.map(ctxbridge_core::parse_traceparent)
        })?;
        match parsed {
            Some(Ok(parsed)) => Ok(jint::from(parsed.flags.0)),
            Some(Err(error)) if explain => throw_rule(env, &error).map(|()| -1),
            None if explain => throw_illegal(
                env,
                "traceparent.format: a traceparent is ASCII (got non-ASCII bytes)",
            )
            .map(|()| -1),
            _ => Ok(-1),
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
            text.and_then(|t| ctxbridge_core::parse_traceparent(t).ok())
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
fn tracestate_verdict(text: Option<&str>) -> jint {
    match text {
        Some("") | None => 0,
        Some(text) if tracestate::is_canonical(text) => 1,
        Some(text) => match TraceState::parse(text) {
            Ok(state) if !state.is_empty() => 2,
            _ => 0,
        },
    }
}

/// Tracestate values joined by `,`: 1 when already canonical (keep the caller's
/// string), 0 when empty or invalid (drop it), 2 otherwise (ask canonicalTracestate).
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_checkTracestate<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    value: JByteArray<'local>,
    len: jint,
) -> jint {
    env.with_env(|env| -> jni::errors::Result<jint> {
        with_text(env, &value, len, tracestate_verdict)
    })
    .resolve::<ThrowRuntimeExAndDefault>()
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
            text.map(|t| TraceState::from_headers([t]).canonical())
                .unwrap_or_default()
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
            text.and_then(|t| TraceState::parse(t).ok())
                .map(|s| s.header())
                .unwrap_or_default()
        })?;
        bytes::to_java(env, header.as_bytes())
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

/// Tracestate values joined by `,` as packed `key, value` fields. `strict` throws
/// naming the rule when they are invalid; otherwise an invalid tracestate is empty.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_parseTracestate<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    value: JByteArray<'local>,
    len: jint,
    strict: jboolean,
) -> JByteArray<'local> {
    env.with_env(|env| -> jni::errors::Result<JByteArray<'local>> {
        let parsed = with_text(env, &value, len, |text| {
            TraceState::parse(text.unwrap_or("\u{0}"))
        })?;
        let state = match parsed {
            Ok(state) => state,
            Err(error) if strict => {
                throw_rule(env, &error)?;
                return Ok(JByteArray::default());
            }
            Err(_) => TraceState::default(),
        };
        let mut out = FieldWriter::default();
        for (key, value) in state.iter() {
            out.push(key);
            out.push(value);
        }
        bytes::to_java(env, &out.into_bytes())
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
        match edited {
            Ok(canonical) => bytes::to_java(env, canonical.as_bytes()),
            Err(message) => {
                throw_illegal(env, &message)?;
                Ok(JByteArray::default())
            }
        }
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
        let parsed = with_text(env, &value, len, |text| match text {
            Some(text) if strict => Baggage::parse(text),
            Some(text) => Ok(Baggage::from_headers([text])),
            None if strict => Baggage::parse("\u{0}"),
            None => Ok(Baggage::default()),
        })?;
        let baggage = match parsed {
            Ok(baggage) => baggage,
            Err(error) => {
                throw_rule(env, &error)?;
                return Ok(JByteArray::default());
            }
        };
        bytes::to_java(env, &pack_baggage(&baggage))
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
        for (index, property) in member.properties.iter().enumerate() {
            if index > 0 {
                metadata.push(';');
            }
            metadata.push_str(&property.key);
            if let Some(value) = &property.value {
                metadata.push('=');
                metadata.push_str(value);
            }
        }
        out.push(&metadata);
    }
}

fn pack_baggage(baggage: &Baggage) -> Vec<u8> {
    let mut out = FieldWriter::default();
    pack_baggage_into(baggage, &mut out);
    out.into_bytes()
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
                let inserted = baggage.insert_with_properties(key, value, properties(metadata));
                if let Err(error) = inserted {
                    if strict {
                        return Err(error.to_string());
                    }
                }
            }
            Ok(baggage.header())
        })?;
        match encoded {
            Ok(header) => bytes::to_java(env, header.as_bytes()),
            Err(message) => {
                throw_illegal(env, &message)?;
                Ok(JByteArray::default())
            }
        }
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

/// OpenTelemetry Java keeps a member's properties as one metadata string
/// (`a=1;b`); the core keeps them as a list.
fn properties(metadata: &str) -> Vec<Property> {
    metadata
        .split(';')
        .map(|p| p.trim_matches([' ', '\t']))
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((key, value)) => Property {
                key: key.trim_matches([' ', '\t']).to_owned(),
                value: Some(value.trim_matches([' ', '\t']).to_owned()),
            },
            None => Property {
                key: p.to_owned(),
                value: None,
            },
        })
        .collect()
}
