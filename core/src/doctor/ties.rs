//! What ties two spans of different traces together: an id-like attribute both carry
//! with one value, a messaging attribute of the same message, or a thread that says work
//! moved to a pool.

use super::span::Span;
use super::Options;

/// Attributes that name one piece of work (an order, a message, a job), so two spans
/// carrying the same value are about the same work: keys ending in `.id` or `_id`, and
/// messaging's message and conversation ids. Thread, process and other runtime ids are
/// not about the work.
pub fn is_correlation_key(key: &str) -> bool {
    if key.starts_with("thread.")
        || key.starts_with("process.")
        || key.starts_with("otel.")
        || key.starts_with("code.")
        || key.starts_with("host.")
        || key.starts_with("container.")
        || key.starts_with("k8s.")
        || key.starts_with("service.")
        || key.starts_with("telemetry.")
        || key.starts_with("network.")
    {
        return false;
    }
    key.ends_with(".id") || key.ends_with("_id") || key == "messaging.message.id"
}

/// The attributes `a` and `b` share with one value that name the same work. Baggage is
/// left out: a tenant or user in baggage is shared by many unrelated requests.
pub fn shared_correlation<'s>(a: &'s Span, b: &Span, options: &Options) -> Vec<(&'s str, &'s str)> {
    a.attributes
        .iter()
        .filter(|(key, value)| {
            is_correlation_key(key)
                && !options.is_baggage_key(key)
                && !value.is_empty()
                && b.attribute(key) == Some(value)
        })
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// A thread name a pool or a worker gives its threads: Java's `pool-N-thread-M` and
/// `ForkJoinPool…`, Python's `ThreadPoolExecutor-N_M` and `asyncio_N`, any `worker`.
pub fn is_worker_thread(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.starts_with("pool-") && lower.contains("-thread-"))
        || lower.starts_with("forkjoinpool")
        || lower.starts_with("threadpoolexecutor-")
        || lower.starts_with("asyncio_")
        || lower.contains("worker")
        || lower.contains("executor")
}

/// How strongly a root `root` is tied to span `open` of another trace, and why (score
/// 0: nothing but time ties them).
pub struct Tie {
    pub score: u32,
    /// An id-like attribute both carry.
    pub correlated: bool,
    pub evidence: Vec<String>,
}

pub fn tie(root: &Span, open: &Span, options: &Options) -> Tie {
    let mut score = 0;
    let mut evidence = Vec::new();
    for (key, value) in shared_correlation(root, open, options) {
        score += 4;
        evidence.push(format!("both carry {key}={value}"));
    }
    if let (Some(root_thread), Some(open_thread)) = (root.thread(), open.thread()) {
        if root_thread != open_thread {
            score += 1;
            if is_worker_thread(root_thread) {
                score += 1;
                evidence.push(format!(
                    "it ran on pool thread {root_thread:?}, handed off from thread {open_thread:?}"
                ));
            } else {
                evidence.push(format!(
                    "it ran on thread {root_thread:?}, the open span on {open_thread:?}"
                ));
            }
        }
    }
    Tie {
        score,
        correlated: score >= 4,
        evidence,
    }
}
