//! The counters and the mode, shared with every binding loaded in the process.

use ctxbridge_core::scope::{self, Mode};
use jni::errors::ThrowRuntimeExAndDefault;
use jni::objects::{JClass, JLongArray};
use jni::sys::{jint, jlong};
use jni::EnvUnowned;

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

/// The mode as 0 off, 1 warn, 2 strict.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_mode(
    _env: EnvUnowned<'_>,
    _class: JClass<'_>,
) -> jint {
    catch(1, || match scope::mode() {
        Mode::Off => 0,
        Mode::Warn => 1,
        Mode::Strict => 2,
    })
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_setMode(
    _env: EnvUnowned<'_>,
    _class: JClass<'_>,
    mode: jint,
) {
    catch((), || {
        scope::set_mode(match mode {
            0 => Mode::Off,
            2 => Mode::Strict,
            _ => Mode::Warn,
        })
    })
}
