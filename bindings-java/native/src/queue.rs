//! The queue decision of DESIGN section 5, for `io.ctxbridge.Queues.resume`.

use std::time::{Duration, UNIX_EPOCH};

use ctxbridge_core::bridge::codes::ResumeKind;
use ctxbridge_core::queue::{resume_at, Parent};
use jni::errors::ThrowRuntimeExAndDefault;
use jni::objects::{JByteArray, JClass};
use jni::sys::{jint, jlong};
use jni::EnvUnowned;

use crate::bytes::{self, with_bytes};
use crate::codecs;
use crate::fields::{self, FieldWriter};

/// Decides how a consumer resumes a message. `headers` packs `name, value` fields
/// (a repeated header appears several times); times are epoch milliseconds. Returns
/// packed fields: kind (`child`, `root_with_link`, `root`), trace id, span id, flags
/// (two hex digits), canonical tracestate, then `key, value, metadata` per baggage
/// member. Malformed input resumes as a root.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_resume<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    headers: JByteArray<'local>,
    len: jint,
    enqueued_at_ms: jlong,
    max_age_ms: jlong,
    now_ms: jlong,
) -> JByteArray<'local> {
    env.with_env(|env| -> jni::errors::Result<JByteArray<'local>> {
        let at = |ms: jlong| UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64);
        let packed = with_bytes(env, &headers, len, |packed| {
            let fields = fields::read(packed).unwrap_or_default();
            let carrier: Vec<(&str, &str)> = fields
                .chunks_exact(2)
                .map(|pair| (pair[0], pair[1]))
                .collect();
            let decision = resume_at(
                &carrier,
                at(enqueued_at_ms),
                Duration::from_millis(max_age_ms.max(0) as u64),
                at(now_ms),
            );
            let mut out = FieldWriter::default();
            let span_context = match &decision.parent {
                Parent::ChildOf(sc) | Parent::RootWithLink(sc) => Some(sc),
                Parent::Root => None,
            };
            out.push(ResumeKind::of(&decision.parent).id());
            match span_context {
                Some(sc) => {
                    out.push(&sc.trace_id.to_hex());
                    out.push(&sc.span_id.to_hex());
                    out.push(&format!("{:02x}", sc.flags.0));
                    out.push(&sc.trace_state.canonical());
                }
                None => ["", "", "00", ""].iter().for_each(|f| out.push(f)),
            }
            codecs::pack_baggage_into(&decision.baggage, &mut out);
            out.into_bytes()
        })?;
        bytes::to_java(env, &packed)
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}
