//! The W3C codecs for `CtxbridgePropagator` and `W3cCodecs`. Header values come in as
//! bytes; what Java needs back is a number (a traceparent's flags, a tracestate's
//! verdict) or one packed `byte[]`. Explicit parses throw `IllegalArgumentException`
//! whose message starts with the rule id.

use ctxbridge_core::baggage::Property;
use ctxbridge_core::bridge::{
    self, limits::Limit, trace, trace::CheckedTrace, trace::TracestateVerdict,
};
use ctxbridge_core::{Baggage, TraceState};
use jni::errors::ThrowRuntimeExAndDefault;
use jni::objects::{JByteArray, JClass, JIntArray};
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

/// The shape of most exports here: the first `len` bytes of a `byte[]` in; the bytes `work`
/// makes out, or an `IllegalArgumentException` with its message.
pub(crate) fn reply_bytes<'local, T: AsRef<[u8]>>(
    mut env: EnvUnowned<'local>,
    input: JByteArray<'local>,
    len: jint,
    work: impl FnOnce(&[u8]) -> Result<T, String>,
) -> JByteArray<'local> {
    env.with_env(|env| -> jni::errors::Result<JByteArray<'local>> {
        let out = with_bytes(env, &input, len, work)?;
        reply(env, out)
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

/// [`reply_bytes`] for a UTF-8 header value (invalid bytes read as U+FFFD, which no rule
/// accepts).
fn reply_text<'local, T: AsRef<[u8]>>(
    env: EnvUnowned<'local>,
    input: JByteArray<'local>,
    len: jint,
    work: impl FnOnce(&str) -> Result<T, String>,
) -> JByteArray<'local> {
    reply_bytes(env, input, len, |bytes| work(&bytes::text_of(bytes)))
}

/// One of the codecs' numbers by the core's code ([`Limit`]: 0–2 how many bytes of a
/// traceparent, tracestate and baggage value decide it, 3 the longest tracestate sent, 4 the
/// flag bits kept), so Java keeps no copy of them; 0 for an unknown code.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_readLimit(
    _env: EnvUnowned<'_>,
    _class: JClass<'_>,
    code: jint,
) -> jint {
    catch(0, || {
        // Asked when the propagator loads: from then on, Java logs dropped headers itself.
        ctxbridge_core::dropped::set_host_reports();
        Limit::from_code(code).map_or(0, |limit| {
            jint::try_from(limit.value()).unwrap_or(jint::MAX)
        })
    })
}

/// Parses one traceparent for `W3cCodecs`: the core's packed check (flags kept, where the
/// trimmed value starts; see `checkTrace`), or `IllegalArgumentException` naming the rule.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_parseTraceparent<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    value: JByteArray<'local>,
    len: jint,
) -> jint {
    env.with_env(|env| -> jni::errors::Result<jint> {
        let parsed = with_text(env, &value, len, |text| {
            ctxbridge_core::parse_traceparent(text)
                .map_err(|e| e.to_string())
                .map(|_| trace::check_packed(text, None))
        })?;
        match parsed {
            Ok(checked) => Ok(checked),
            Err(message) => reply(env, Err::<&[u8], _>(message)).map(|_| -1),
        }
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

/// A traceparent and the tracestate that came with it, in one call and no strings: the
/// core's packed verdict ([`ctxbridge_core::bridge::trace::CheckedTrace::packed`]: -1 when
/// the traceparent is invalid, else `flags | verdict << 8 | start << 10`; verdict 0 when
/// `tracestate` is null), with the core's `DROP_PENDING` bit set when a dropped header
/// waits to be reported.
///
/// The propagator calls this on every extract without a tracestate, so it skips
/// `with_env` (whose attach bookkeeping costs more than the parse) and copies the bytes
/// with one raw JNI call each.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_checkTrace(
    env: *mut jni::sys::JNIEnv,
    _class: jni::sys::jclass,
    traceparent: jni::sys::jbyteArray,
    traceparent_len: jint,
    tracestate: jni::sys::jbyteArray,
    tracestate_len: jint,
) -> jint {
    catch(CheckedTrace::INVALID, || {
        let checked = bytes::with_raw_text(env, traceparent, traceparent_len, |parent| {
            if tracestate.is_null() {
                return Some(trace::check_packed_reporting(parent, None));
            }
            bytes::with_raw_text(env, tracestate, tracestate_len, |state| {
                trace::check_packed_reporting(parent, Some(state))
            })
        });
        checked.flatten().unwrap_or(CheckedTrace::INVALID)
    })
}

/// The core's tracestate verdict codes, in [`TracestateVerdict::ALL`] order (absent,
/// canonical, rewrite), so Java's constants are the core's own numbers.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_tracestateVerdicts<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
) -> JIntArray<'local> {
    env.with_env(|env| -> jni::errors::Result<JIntArray<'local>> {
        let codes: Vec<jint> = TracestateVerdict::ALL
            .iter()
            .map(|v| jint::try_from(v.code()).unwrap_or(-1))
            .collect();
        let array = env.new_int_array(codes.len())?;
        array.set_region(env, 0, &codes)?;
        Ok(array)
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

/// The canonical form of tracestate values joined by `,`; empty when invalid.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_canonicalTracestate<'local>(
    env: EnvUnowned<'local>,
    _class: JClass<'local>,
    value: JByteArray<'local>,
    len: jint,
) -> JByteArray<'local> {
    reply_text(env, value, len, |text| {
        Ok::<_, String>(TraceState::from_headers([text]).canonical())
    })
}

/// The header to send for a tracestate: at most 512 characters; empty when it is not W3C
/// tracestate ([`trace::outgoing_tracestate`]).
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_tracestateHeader<'local>(
    env: EnvUnowned<'local>,
    _class: JClass<'local>,
    value: JByteArray<'local>,
    len: jint,
) -> JByteArray<'local> {
    reply_text(env, value, len, |text| {
        Ok::<_, String>(trace::outgoing_tracestate(text))
    })
}

/// The tracestate header to send for packed `key, value` members of any `TraceState`, in
/// one call ([`trace::outgoing_of_members`]): members W3C cannot carry left out, at most
/// 512 characters.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_tracestateHeaderOf<'local>(
    env: EnvUnowned<'local>,
    _class: JClass<'local>,
    packed: JByteArray<'local>,
    len: jint,
) -> JByteArray<'local> {
    of_members(env, packed, len, |state| state.header())
}

/// The canonical tracestate of packed `key, value` members, in order, each checked alone
/// ([`trace::from_members`]): members W3C cannot carry left out, nothing truncated.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_canonicalOfMembers<'local>(
    env: EnvUnowned<'local>,
    _class: JClass<'local>,
    packed: JByteArray<'local>,
    len: jint,
) -> JByteArray<'local> {
    of_members(env, packed, len, |state| state.canonical())
}

/// Builds the tracestate of packed members and hands Java `text` of it.
fn of_members<'local>(
    env: EnvUnowned<'local>,
    packed: JByteArray<'local>,
    len: jint,
    text: impl FnOnce(&TraceState) -> String,
) -> JByteArray<'local> {
    reply_bytes(env, packed, len, |packed| {
        let fields = fields::read(packed).unwrap_or_default();
        Ok::<_, String>(text(&trace::from_members(
            fields.chunks_exact(2).map(|m| (m[0], m[1])),
        )))
    })
}

/// The `tracestate` header of packed `key, value` members for `W3cCodecs.encodeTracestate`
/// (the core's strict [`TraceState::from_members`], as every binding's explicit encode), or
/// `IllegalArgumentException` naming the rule a member breaks.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_encodeTracestate<'local>(
    env: EnvUnowned<'local>,
    _class: JClass<'local>,
    packed: JByteArray<'local>,
    len: jint,
) -> JByteArray<'local> {
    reply_bytes(env, packed, len, |packed| -> Result<String, String> {
        let fields = fields::read(packed).ok_or("malformed tracestate members")?;
        if fields.len() % 2 != 0 {
            return Err("malformed tracestate members".to_owned());
        }
        TraceState::from_members(fields.chunks_exact(2).map(|m| (m[0], m[1])))
            .map(|state| state.header())
            .map_err(|error| error.to_string())
    })
}

/// The members of a tracestate as packed `key, value` fields; none when invalid.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_parseTracestate<'local>(
    env: EnvUnowned<'local>,
    _class: JClass<'local>,
    value: JByteArray<'local>,
    len: jint,
) -> JByteArray<'local> {
    reply_text(env, value, len, |text| {
        let mut out = FieldWriter::default();
        for (key, value) in TraceState::parse(text).unwrap_or_default().iter() {
            out.push(key);
            out.push(value);
        }
        Ok::<_, String>(out.into_bytes())
    })
}

/// Applies packed ops to a canonical tracestate and returns the new canonical form.
/// Ops are `set, key, value` (the key moves to the front; past 32 members the
/// right-most is dropped) or `delete, key`. A broken rule throws and changes nothing,
/// unless `lenient`: then that op is skipped (OpenTelemetry's `TraceStateBuilder`).
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_editTracestate<'local>(
    env: EnvUnowned<'local>,
    _class: JClass<'local>,
    packed: JByteArray<'local>,
    len: jint,
    lenient: jboolean,
) -> JByteArray<'local> {
    reply_bytes(env, packed, len, |packed| -> Result<String, String> {
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
    })
}

/// Baggage values joined by `,` as packed `key, value, metadata` fields (values
/// percent-decoded, metadata the properties as written). `strict` throws at the first
/// malformed member; otherwise malformed members are dropped alone.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_parseBaggage<'local>(
    env: EnvUnowned<'local>,
    _class: JClass<'local>,
    value: JByteArray<'local>,
    len: jint,
    strict: jboolean,
) -> JByteArray<'local> {
    parse_baggage_packed(env, value, len, strict, pack_baggage_into)
}

/// One baggage value as `W3cCodecs` returns its members: for each member its key and
/// value (percent-decoded), then each property as its key and value (null for a bare
/// `;key`), then a null field. `strict` as for `parseBaggage`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_parseBaggageMembers<'local>(
    env: EnvUnowned<'local>,
    _class: JClass<'local>,
    value: JByteArray<'local>,
    len: jint,
    strict: jboolean,
) -> JByteArray<'local> {
    parse_baggage_packed(env, value, len, strict, |baggage, out| {
        for member in baggage.iter() {
            out.push(&member.key);
            out.push(&member.value);
            for property in &member.properties {
                out.push(&property.key);
                match &property.value {
                    Some(value) => out.push(value),
                    None => out.push_null(),
                }
            }
            out.push_null();
        }
    })
}

/// Parses a baggage value (strictly, or as a propagator does) and packs it with `pack`.
fn parse_baggage_packed<'local>(
    env: EnvUnowned<'local>,
    value: JByteArray<'local>,
    len: jint,
    strict: jboolean,
    pack: impl FnOnce(&Baggage, &mut FieldWriter),
) -> JByteArray<'local> {
    reply_text(env, value, len, |text| {
        let baggage = if strict {
            Baggage::parse(text).map_err(|e| e.to_string())?
        } else {
            Baggage::from_headers([text])
        };
        let mut out = FieldWriter::default();
        pack(&baggage, &mut out);
        Ok(out.into_bytes())
    })
}

/// Baggage as packed `key, value, metadata` fields.
pub(crate) fn pack_baggage_into(baggage: &Baggage, out: &mut FieldWriter) {
    for (key, value, metadata) in bridge::baggage::entries(baggage) {
        out.push(key);
        out.push(value);
        out.push(&metadata);
    }
}

/// The `baggage` header of members packed as `W3cCodecs` packs them
/// ([`fields::read_members`]), for `W3cCodecs.encodeBaggage`; `IllegalArgumentException`
/// naming the rule a key or property breaks.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_encodeBaggageMembers<'local>(
    env: EnvUnowned<'local>,
    _class: JClass<'local>,
    packed: JByteArray<'local>,
    len: jint,
) -> JByteArray<'local> {
    reply_bytes(env, packed, len, |packed| -> Result<String, String> {
        let members = fields::read_members(packed).ok_or("malformed baggage members")?;
        let mut baggage = Baggage::default();
        for (key, value, properties) in members {
            let properties = properties
                .into_iter()
                .map(|(key, value)| Property {
                    key: key.to_owned(),
                    value: value.map(str::to_owned),
                })
                .collect();
            baggage
                .insert_with_properties(key, value, properties)
                .map_err(|error| error.to_string())?;
        }
        Ok(baggage.header())
    })
}

/// The metadata string OpenTelemetry Java keeps for properties packed as key, value-or-null
/// pairs (`a=1;b`), as the core writes it.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_metadataOf<'local>(
    env: EnvUnowned<'local>,
    _class: JClass<'local>,
    packed: JByteArray<'local>,
    len: jint,
) -> JByteArray<'local> {
    reply_bytes(env, packed, len, |packed| -> Result<String, String> {
        let fields = fields::read_nullable(packed).ok_or("malformed properties")?;
        let properties: Vec<Property> = fields
            .chunks(2)
            .filter_map(|pair| {
                Some(Property {
                    key: (*pair.first()?)?.to_owned(),
                    value: pair.get(1).copied().flatten().map(str::to_owned),
                })
            })
            .collect();
        let mut metadata = String::new();
        Property::write_list(&properties, &mut metadata);
        Ok(metadata)
    })
}

/// Packed `key, value, metadata` fields as a baggage header (values percent-encoded,
/// limits applied). `strict` throws for a member W3C Baggage cannot carry; otherwise
/// such members are skipped.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_encodeBaggage<'local>(
    env: EnvUnowned<'local>,
    _class: JClass<'local>,
    packed: JByteArray<'local>,
    len: jint,
    strict: jboolean,
) -> JByteArray<'local> {
    reply_bytes(env, packed, len, |packed| -> Result<String, String> {
        let fields = fields::read(packed).ok_or("malformed baggage members")?;
        if fields.len() % 3 != 0 {
            return Err("malformed baggage members".to_owned());
        }
        let entries = fields.chunks_exact(3).map(|m| (m[0], m[1], m[2]));
        bridge::baggage::from_entries(entries, strict)
            .map(|baggage| baggage.header())
            .map_err(|error| error.to_string())
    })
}
