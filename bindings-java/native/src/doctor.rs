//! The doctor for Java: `io.ctxbridge.Doctor` packs the OTLP JSON of the SDK's finished
//! spans and its options (as the command line's flags, so they are parsed once, in the
//! core) into one `byte[]`; the findings and the report come back packed.

use ctxbridge_core::doctor::{self, cli, read, span_hex, trace_hex};
use jni::objects::{JByteArray, JClass};
use jni::sys::jint;
use jni::EnvUnowned;

use crate::codecs::reply_bytes;
use crate::fields::{self, FieldWriter};
use crate::guard::catch;

/// Fields in: the spans' text, then the options as flags. Fields out: the report, then
/// per finding: shape, trace id, span id, name, service, the related span's trace id, span
/// id, name and service (nulls when there is none), the fix, the evidence (one per line).
/// `IllegalArgumentException` "doctor: ..." for text or options it cannot take.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_doctorDiagnose<'local>(
    env: EnvUnowned<'local>,
    _class: JClass<'local>,
    packed: JByteArray<'local>,
    len: jint,
) -> JByteArray<'local> {
    reply_bytes(env, packed, len, |bytes| {
        let input = fields::read(bytes).ok_or("doctor: malformed input")?;
        let (text, flags) = input.split_first().ok_or("doctor: no spans given")?;
        let flags: Vec<String> = flags.iter().map(|f| (*f).to_owned()).collect();
        let (options, all_traces) = cli::options(&flags).map_err(|e| format!("doctor: {e}"))?;
        let spans = read::spans(text).map_err(|e| format!("doctor: {e}"))?;
        let findings = doctor::diagnose(&spans, &options);
        let mut out = FieldWriter::default();
        out.push(&doctor::report::render(&spans, &findings, all_traces));
        for finding in &findings {
            let span = &spans[finding.span];
            out.push(finding.shape.id());
            out.push(&trace_hex(span.trace_id));
            out.push(&span_hex(span.span_id));
            out.push(&span.name);
            out.push(&span.service);
            match finding.related.map(|r| &spans[r]) {
                Some(related) => {
                    out.push(&trace_hex(related.trace_id));
                    out.push(&span_hex(related.span_id));
                    out.push(&related.name);
                    out.push(&related.service);
                }
                None => (0..4).for_each(|_| out.push_null()),
            }
            out.push(&finding.fix);
            out.push(&finding.evidence.join("\n"));
        }
        Ok::<_, String>(out.into_bytes())
    })
}

/// Runs `ctxbridge-doctor` with the packed arguments on the process's stdout and stderr;
/// its exit status (2 for malformed input).
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_doctorMain<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    packed: JByteArray<'local>,
    len: jint,
) -> jint {
    env.with_env(|env| -> jni::errors::Result<jint> {
        crate::bytes::with_bytes(env, &packed, len, |bytes| {
            let Some(args) = fields::read(bytes) else {
                return 2;
            };
            let args: Vec<String> = args.into_iter().map(str::to_owned).collect();
            catch(2, || {
                cli::run(&args, &mut std::io::stdout(), &mut std::io::stderr())
            })
        })
    })
    .resolve::<jni::errors::ThrowRuntimeExAndDefault>()
}
