//! The counters and the mode, shared with every binding loaded in the process.

use ctxbridge_core::bridge::codes::misuse_of_code;
use ctxbridge_core::scope::{self, Misuse, Mode};
use jni::errors::ThrowRuntimeExAndDefault;
use jni::objects::{JByteArray, JClass, JLongArray};
use jni::sys::{jint, jlong};
use jni::EnvUnowned;

use crate::bytes;
use crate::guard::catch;

/// The counters in `Stats::entries` order: attached, detached, out_of_order,
/// double_detach, wrong_scope, leaked.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_stats<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
) -> JLongArray<'local> {
    env.with_env(|env| -> jni::errors::Result<JLongArray<'local>> {
        let values = scope::stats()
            .entries()
            .map(|(_, value)| jlong::try_from(value).unwrap_or(jlong::MAX));
        let array = env.new_long_array(values.len())?;
        array.set_region(env, 0, &values)?;
        Ok(array)
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_resetStats(
    _env: EnvUnowned<'_>,
    _class: JClass<'_>,
) {
    catch((), scope::reset_stats)
}

/// The mode as the core's code (0 off, 1 warn, 2 strict; `Mode::code`).
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_mode(
    _env: EnvUnowned<'_>,
    _class: JClass<'_>,
) -> jint {
    catch(jint::from(Mode::Warn.code()), || {
        jint::from(scope::mode().code())
    })
}

/// Sets the mode by the core's code; an unknown code is warn, the default.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_setMode(
    _env: EnvUnowned<'_>,
    _class: JClass<'_>,
    mode: jint,
) {
    catch((), || {
        let mode = u8::try_from(mode).ok().and_then(Mode::from_code);
        scope::set_mode(mode.unwrap_or_default())
    })
}

/// The core's id of a code (`kind` 0: a misuse, 1–4; 1: a mode, 0–2), `""` for none, so a
/// test can check Java's `Misuse` and `Mode` enums against the core's tables.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_codeId<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    kind: jint,
    code: jint,
) -> JByteArray<'local> {
    env.with_env(|env| -> jni::errors::Result<JByteArray<'local>> {
        let id = match kind {
            0 => misuse_of_code(code).map(Misuse::id),
            1 => u8::try_from(code)
                .ok()
                .and_then(Mode::from_code)
                .map(Mode::id),
            _ => None,
        };
        bytes::to_java(env, id.unwrap_or("").as_bytes())
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

/// The OpenTelemetry instruments the counters are published as (the core's
/// `bridge::metrics`), packed: the meter name, the misuse-kind attribute, then for each
/// instrument its name, unit and description, each counter it reports as its id and its
/// index in `Native.stats()` (decimal), and a null.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_metricTable<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
) -> JByteArray<'local> {
    env.with_env(|env| -> jni::errors::Result<JByteArray<'local>> {
        use ctxbridge_core::bridge::metrics;
        let names: Vec<&str> = scope::Stats::default()
            .entries()
            .iter()
            .map(|(name, _)| *name)
            .collect();
        let mut out = crate::fields::FieldWriter::default();
        out.push(metrics::METER);
        out.push(metrics::KIND);
        for instrument in metrics::INSTRUMENTS {
            out.push(instrument.name);
            out.push(instrument.unit);
            out.push(instrument.description);
            for counter in instrument.counters {
                out.push(counter);
                let index = names.iter().position(|name| name == counter).unwrap_or(0);
                out.push(&index.to_string());
            }
            out.push_null();
        }
        crate::bytes::to_java(env, &out.into_bytes())
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

/// Starts or stops recording where each attach is made (process-wide).
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_setAttachSites(
    _env: EnvUnowned<'_>,
    _class: JClass<'_>,
    on: jni::sys::jboolean,
) {
    catch((), || scope::set_recording_attach_sites(on))
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_attachSites(
    _env: EnvUnowned<'_>,
    _class: JClass<'_>,
) -> jni::sys::jboolean {
    catch(false, scope::recording_attach_sites)
}

/// Applies a setting given as text (`which` 0: the mode, 1: the attach-site switch), as
/// `CTXBRIDGE_MODE`/`-Dctxbridge.mode` and `CTXBRIDGE_ATTACH_SITES`/`-Dctxbridge.attachSites`
/// give them: `null` when applied, else the core's message naming the bad value (the
/// setting unchanged), which Java logs.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_applySetting<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    which: jint,
    text: JByteArray<'local>,
    len: jint,
) -> JByteArray<'local> {
    env.with_env(|env| -> jni::errors::Result<JByteArray<'local>> {
        let applied = bytes::with_text(env, &text, len, |text| match which {
            0 => scope::apply_mode_setting(text),
            1 => scope::apply_attach_sites_setting(text),
            _ => Err(format!("unknown setting {which}")),
        })?;
        match applied {
            Ok(()) => Ok(JByteArray::default()),
            Err(message) => bytes::to_java(env, message.as_bytes()),
        }
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

/// Whether a dropped header waits to be reported (after a baggage extract, whose answer has
/// no packed number to carry the bit `checkTrace` sets).
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_dropsPending(
    _env: EnvUnowned<'_>,
    _class: JClass<'_>,
) -> jni::sys::jboolean {
    catch(false, ctxbridge_core::dropped::pending)
}

/// The reports of headers dropped for a rule not reported before (taken), packed as
/// fields, for Java to log.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_takeDropReports<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
) -> JByteArray<'local> {
    env.with_env(|env| -> jni::errors::Result<JByteArray<'local>> {
        let mut out = crate::fields::FieldWriter::default();
        for report in ctxbridge_core::dropped::take_reports() {
            out.push(&report);
        }
        bytes::to_java(env, &out.into_bytes())
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

/// How many drops each rule counted (the rules that counted any), packed as fields: the
/// rule's id, then the count in decimal.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_droppedCounts<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
) -> JByteArray<'local> {
    env.with_env(|env| -> jni::errors::Result<JByteArray<'local>> {
        let mut out = crate::fields::FieldWriter::default();
        for (id, count) in ctxbridge_core::dropped::counts() {
            out.push(id);
            out.push(&count.to_string());
        }
        bytes::to_java(env, &out.into_bytes())
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}
