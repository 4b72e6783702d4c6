//! The one-line fix for each shape, in the language of the service where the context
//! was lost (the resource's `telemetry.sdk.language`). One table, used by every front end.

use super::finding::Shape;

/// The fix for `shape` in a service written in `language`.
pub fn fix(shape: Shape, language: &str) -> &'static str {
    match (shape, language) {
        (Shape::BrokenHandoff | Shape::Orphan, "python") => {
            "submit through ctxbridge.ThreadPoolExecutor (or ctxbridge.wrap(fn) / \
             ctxbridge.run_in_executor), or carry the context with ctxbridge.inject and \
             ctxbridge.resume across a queue"
        }
        (Shape::BrokenHandoff | Shape::Orphan, "nodejs" | "webjs") => {
            "hand work to a worker with ctxbridge's runWorker/onMessage (or carry/inject + \
             resume for a queue), and register CtxbridgeContextManager so callbacks keep \
             their context"
        }
        (Shape::BrokenHandoff | Shape::Orphan, "java") => {
            "wrap the executor with io.ctxbridge.ContextExecutors.wrap(executor) (or \
             Context.current().wrap(task)), or Queues.inject and Queues.resume across a queue"
        }
        (Shape::BrokenHandoff | Shape::Orphan, "rust") => {
            "spawn with ctxbridge_core::spawn (or wrap the closure with ctxbridge_core::wrap) \
             so the task runs in the captured context"
        }
        (Shape::BrokenHandoff | Shape::Orphan, "cpp" | "c") => {
            "capture with ctxbridge_capture before the hand-off and run the work between \
             ctxbridge_attach and ctxbridge_detach"
        }
        (Shape::BrokenHandoff | Shape::Orphan, _) => {
            "capture the context before the hand-off and attach it around the work \
             (capture -> attach -> detach), or inject it into the message and extract it \
             in the consumer"
        }
        (Shape::StaleParent, "python") => {
            "detach every context.attach in a finally block (ctxbridge names the attach \
             left open: set_attach_sites(True) or CTXBRIDGE_ATTACH_SITES=1)"
        }
        (Shape::StaleParent, "nodejs" | "webjs") => {
            "dispose every attach before the task ends (ctxbridge names the attach left open: \
             setAttachSites(true) or CTXBRIDGE_ATTACH_SITES=1)"
        }
        (Shape::StaleParent, "java") => {
            "close every Scope in try-with-resources (ctxbridge names the makeCurrent left \
             open: -Dctxbridge.attachSites=true)"
        }
        (Shape::StaleParent, _) => {
            "detach every attach before the task ends, in reverse order, so a reused thread \
             starts clean (CTXBRIDGE_ATTACH_SITES=1 names the attach left open)"
        }
        (Shape::LateWork, "python") => {
            "resume the message with ctxbridge.resume(headers, enqueued_at=..., max_age=...): \
             late work becomes a new root linked to the producer"
        }
        (Shape::LateWork, "nodejs" | "webjs") => {
            "resume the message with ctxbridge's resume(headers, { enqueuedAt, maxAge }): late \
             work becomes a new root linked to the producer"
        }
        (Shape::LateWork, "java") => {
            "resume the message with io.ctxbridge.Queues.resume(headers, enqueuedAt, maxAge): \
             late work becomes a new root linked to the producer"
        }
        (Shape::LateWork, _) => {
            "start late work as a new root with a span link to the producer (ctxbridge's \
             queue resume does this past max_age)"
        }
        (Shape::LostBaggage, "python") => {
            "inject with ctxbridge.inject (or a propagator list that includes baggage, as \
             CtxbridgePropagator does) so the baggage header travels with the traceparent"
        }
        (Shape::LostBaggage, "java") => {
            "inject with io.ctxbridge.CtxbridgePropagator (or add W3CBaggagePropagator to \
             the propagators) so the baggage header travels with the traceparent"
        }
        (Shape::LostBaggage, _) => {
            "propagate baggage with the trace context (ctxbridge's propagator carries both \
             traceparent and baggage; a traceparent-only propagator drops it)"
        }
    }
}

/// The fix for a process hop whose context did not travel: the sender (in
/// `sender_language`) must inject it, the receiver (in `receiver_language`) extract it.
pub fn fix_process_hop(sender_language: &str, receiver_language: &str) -> String {
    format!(
        "send the context with the request or message: {}; and start the receiver's span \
         from it: {}",
        inject_with(sender_language),
        extract_with(receiver_language)
    )
}

fn inject_with(language: &str) -> &'static str {
    match language {
        "python" => "ctxbridge.inject(headers) in the sender",
        "nodejs" | "webjs" => {
            "propagation.inject(context.active(), headers) with \
                               CtxbridgePropagator registered, in the sender"
        }
        "java" => "Queues.inject(headers) or CtxbridgePropagator's inject, in the sender",
        "rust" => "ctxbridge_core::inject(&ctxbridge_core::current(), &mut headers) in the sender",
        "cpp" | "c" => "ctxbridge_inject in the sender",
        _ => "inject traceparent (and baggage) into the headers in the sender",
    }
}

fn extract_with(language: &str) -> &'static str {
    match language {
        "python" => {
            "ctxbridge.resume(headers, ...) or opentelemetry.propagate.extract in the receiver"
        }
        "nodejs" | "webjs" => "resume(headers, ...) or propagation.extract in the receiver",
        "java" => "Queues.resume(headers, ...) or the propagator's extract in the receiver",
        "rust" => "ctxbridge_core::extract(&headers) in the receiver",
        "cpp" | "c" => "ctxbridge_extract in the receiver",
        _ => "extract the headers in the receiver and start its span from them",
    }
}
