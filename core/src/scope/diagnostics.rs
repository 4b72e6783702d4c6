//! Counters and modes for misuse of tokens (DESIGN section 4, rule 8).
//!
//! Every misuse is counted whatever the mode. The mode decides what else happens:
//! `off` nothing, `warn` one log line per call site, `strict` an error at the misuse.
//! A report names where the misuse was noticed and, when attach sites are recorded
//! (`sites`), the attach that was left open.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

use super::sites::{take_left_open, LeftOpen};

/// A way of getting capture → attach → detach wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Misuse {
    /// Detached a live token that was not the latest attach in its scope.
    OutOfOrder,
    /// Detached a token that was already detached.
    DoubleDetach,
    /// Detached a token in another scope than the one it was attached in.
    WrongScope,
    /// A task returned with attaches still live; the wrapper detached them.
    Leaked,
}

impl Misuse {
    /// Every misuse, in counter order.
    pub const ALL: [Misuse; 4] = [
        Misuse::OutOfOrder,
        Misuse::DoubleDetach,
        Misuse::WrongScope,
        Misuse::Leaked,
    ];

    /// The misuse named `id` (`"out_of_order"`), as a binding receives it.
    pub fn from_id(id: &str) -> Option<Misuse> {
        Misuse::ALL.into_iter().find(|m| m.id() == id)
    }

    /// The name of the counter and of the diagnostic, as in `tests/vectors/scopes.json`.
    pub fn id(self) -> &'static str {
        self.id_const()
    }

    /// [`Misuse::id`] where a constant is needed.
    pub const fn id_const(self) -> &'static str {
        match self {
            Misuse::OutOfOrder => "out_of_order",
            Misuse::DoubleDetach => "double_detach",
            Misuse::WrongScope => "wrong_scope",
            Misuse::Leaked => "leaked",
        }
    }

    fn explanation(self) -> &'static str {
        match self {
            Misuse::OutOfOrder => {
                "detached a token that is not the latest live attach in this scope; \
                 what was current before its attach is current again, and the attaches \
                 made after it ended with it (counted as leaked)"
            }
            Misuse::DoubleDetach => "detached a token that was already detached; nothing changed",
            Misuse::WrongScope => {
                "detached a token in another thread, task or worker than the one that \
                 attached it; nothing changed"
            }
            Misuse::Leaked => {
                "a task returned without detaching what it attached; the wrapper detached it"
            }
        }
    }
}

/// What happens at a misuse, besides counting it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Mode {
    Off,
    /// Log once per call site (the default).
    #[default]
    Warn,
    /// Raise at the misuse.
    Strict,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Off, Mode::Warn, Mode::Strict];

    /// The mode of a number from [`Mode::code`] (0 off, 1 warn, 2 strict).
    pub fn from_code(code: u8) -> Option<Mode> {
        Mode::ALL.into_iter().find(|mode| mode.code() == code)
    }

    /// The mode as a number for a boundary.
    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn id(self) -> &'static str {
        match self {
            Mode::Off => "off",
            Mode::Warn => "warn",
            Mode::Strict => "strict",
        }
    }
}

impl FromStr for Mode {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "off" => Ok(Mode::Off),
            "warn" => Ok(Mode::Warn),
            "strict" => Ok(Mode::Strict),
            other => Err(format!(
                "unknown diagnostics mode {other:?}: expected off, warn or strict"
            )),
        }
    }
}

/// A misuse, as raised in strict mode or logged in warn mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MisuseError {
    pub misuse: Misuse,
    /// Where it happened, as the binding describes its caller (file:line).
    pub site: String,
    /// For `out_of_order` and `leaked`, when attach sites are recorded: the attach that was
    /// left open (the first one, when the misuse ended several).
    pub left_open: Option<LeftOpen>,
}

impl fmt::Display for MisuseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ctxbridge {}: {}",
            self.misuse.id(),
            self.misuse.explanation()
        )?;
        match (&self.site, &self.left_open) {
            (site, None) if site.is_empty() => Ok(()),
            (site, None) => write!(f, " (at {site})"),
            (site, Some(open)) => {
                if !site.is_empty() {
                    write!(f, " (at {site}; ")?;
                } else {
                    write!(f, " (")?;
                }
                write!(f, "left open by the attach at {}", open.site)?;
                match open.others {
                    0 => write!(f, ")"),
                    1 => write!(f, " and 1 attach after it)"),
                    n => write!(f, " and {n} attaches after it)"),
                }
            }
        }
    }
}

impl std::error::Error for MisuseError {}

/// A copy of the counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub attached: u64,
    pub detached: u64,
    pub out_of_order: u64,
    pub double_detach: u64,
    pub wrong_scope: u64,
    pub leaked: u64,
}

impl Stats {
    /// The counters by name, in a fixed order, for bindings that build a dict or map.
    pub fn entries(&self) -> [(&'static str, u64); 6] {
        [
            ("attached", self.attached),
            ("detached", self.detached),
            ("out_of_order", self.out_of_order),
            ("double_detach", self.double_detach),
            ("wrong_scope", self.wrong_scope),
            ("leaked", self.leaked),
        ]
    }
}

/// The misuse counters: process-wide atomics (a misuse is rare, so sharing costs nothing).
struct Counters {
    out_of_order: AtomicU64,
    double_detach: AtomicU64,
    wrong_scope: AtomicU64,
    leaked: AtomicU64,
}

static COUNTERS: Counters = Counters {
    out_of_order: AtomicU64::new(0),
    double_detach: AtomicU64::new(0),
    wrong_scope: AtomicU64::new(0),
    leaked: AtomicU64::new(0),
};

static MODE: AtomicU8 = AtomicU8::new(Mode::Warn as u8);

/// A warning as warn mode tells them apart: the misuse, where it was noticed, and the
/// attach site left open (when recorded).
type Warned = (Misuse, String, Option<Arc<str>>);

/// The warnings already logged in warn mode.
static WARNED: Mutex<BTreeSet<Warned>> = Mutex::new(BTreeSet::new());

/// One thread's attach and detach counts. Only its own thread writes them, with a plain
/// load and store (no locked instruction, no cache line shared with other threads), so the
/// hot path costs the same on every core; [`stats`] reads them from any thread.
#[derive(Default)]
struct ThreadCounts {
    attached: AtomicU64,
    detached: AtomicU64,
}

/// The counts of every live thread, and what exited threads counted.
struct AllThreads {
    live: Vec<Arc<ThreadCounts>>,
    retired_attached: u64,
    retired_detached: u64,
}

static THREADS: Mutex<AllThreads> = Mutex::new(AllThreads {
    live: Vec::new(),
    retired_attached: 0,
    retired_detached: 0,
});

/// What [`reset_stats`] subtracts: the attach and detach totals when it was last called
/// (threads keep counting up; a reset never writes another thread's counts).
static BASE_ATTACHED: AtomicU64 = AtomicU64::new(0);
static BASE_DETACHED: AtomicU64 = AtomicU64::new(0);

/// A thread's entry in [`THREADS`]; its counts are folded into the retired totals when
/// the thread exits.
struct Registered(Arc<ThreadCounts>);

impl Registered {
    fn new() -> Self {
        let counts = Arc::new(ThreadCounts::default());
        if let Ok(mut all) = THREADS.lock() {
            all.live.push(Arc::clone(&counts));
        }
        Registered(counts)
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        if let Ok(mut all) = THREADS.lock() {
            all.retired_attached += self.0.attached.load(Ordering::Relaxed);
            all.retired_detached += self.0.detached.load(Ordering::Relaxed);
            all.live.retain(|counts| !Arc::ptr_eq(counts, &self.0));
        }
    }
}

thread_local! {
    static THREAD_COUNTS: Registered = Registered::new();
}

/// Adds one to a count only this thread writes.
fn bump(count: &AtomicU64) {
    count.store(count.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
}

/// Adds one to this thread's `pick` count (to the retired total while the thread's
/// locals are being destroyed).
fn count_here(pick: fn(&ThreadCounts) -> &AtomicU64, retired: fn(&mut AllThreads) -> &mut u64) {
    if THREAD_COUNTS
        .try_with(|registered| bump(pick(&registered.0)))
        .is_err()
    {
        if let Ok(mut all) = THREADS.lock() {
            *retired(&mut all) += 1;
        }
    }
}

pub(crate) fn count_attached() {
    count_here(|c| &c.attached, |all| &mut all.retired_attached);
}

pub(crate) fn count_detached() {
    count_here(|c| &c.detached, |all| &mut all.retired_detached);
}

/// The attach and detach totals of every thread, live and exited.
fn thread_totals() -> (u64, u64) {
    let Ok(all) = THREADS.lock() else {
        return (0, 0);
    };
    all.live.iter().fold(
        (all.retired_attached, all.retired_detached),
        |(attached, detached), counts| {
            (
                attached + counts.attached.load(Ordering::Relaxed),
                detached + counts.detached.load(Ordering::Relaxed),
            )
        },
    )
}

/// Counts `count` occurrences of `misuse`. The rules count what they detect; bindings
/// call this only for misuse they detect themselves (an unknown token id, say).
pub fn record(misuse: Misuse, count: u64) {
    let counter = match misuse {
        Misuse::OutOfOrder => &COUNTERS.out_of_order,
        Misuse::DoubleDetach => &COUNTERS.double_detach,
        Misuse::WrongScope => &COUNTERS.wrong_scope,
        Misuse::Leaked => &COUNTERS.leaked,
    };
    counter.fetch_add(count, Ordering::Relaxed);
}

/// The counters now.
pub fn stats() -> Stats {
    let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
    let (attached, detached) = thread_totals();
    Stats {
        attached: attached.saturating_sub(load(&BASE_ATTACHED)),
        detached: detached.saturating_sub(load(&BASE_DETACHED)),
        out_of_order: load(&COUNTERS.out_of_order),
        double_detach: load(&COUNTERS.double_detach),
        wrong_scope: load(&COUNTERS.wrong_scope),
        leaked: load(&COUNTERS.leaked),
    }
}

/// Sets every counter to zero and forgets which sites were warned about (the counts of
/// dropped headers too, each rule reported again at its next drop).
pub fn reset_stats() {
    let (attached, detached) = thread_totals();
    BASE_ATTACHED.store(attached, Ordering::Relaxed);
    BASE_DETACHED.store(detached, Ordering::Relaxed);
    for counter in [
        &COUNTERS.out_of_order,
        &COUNTERS.double_detach,
        &COUNTERS.wrong_scope,
        &COUNTERS.leaked,
    ] {
        counter.store(0, Ordering::Relaxed);
    }
    if let Ok(mut warned) = WARNED.lock() {
        warned.clear();
    }
    crate::dropped::reset();
}

pub fn mode() -> Mode {
    Mode::from_code(MODE.load(Ordering::Relaxed)).unwrap_or_default()
}

pub fn set_mode(mode: Mode) {
    MODE.store(mode.code(), Ordering::Relaxed);
}

/// Applies the mode to a misuse (already counted) at `site`: `Err` in strict mode;
/// in warn mode, `Ok` after logging through `log::warn!` the first time for this
/// site. `warn_with` lets a binding log through its own language's logger instead.
pub fn report(misuse: Misuse, site: &str) -> Result<(), MisuseError> {
    report_with(misuse, site, |error| log::warn!("{error}"))
}

/// [`report`], logging the warning with `warn_with` (called at most once per site).
pub fn report_with(
    misuse: Misuse,
    site: &str,
    warn_with: impl FnOnce(&MisuseError),
) -> Result<(), MisuseError> {
    // Taken whatever the misuse, so no later report names a stale one.
    let left_open =
        take_left_open().filter(|_| matches!(misuse, Misuse::OutOfOrder | Misuse::Leaked));
    let error = |left_open| MisuseError {
        misuse,
        site: site.to_owned(),
        left_open,
    };
    match mode() {
        Mode::Off => Ok(()),
        Mode::Strict => Err(error(left_open)),
        Mode::Warn => {
            if first_at_site(misuse, site, left_open.as_ref()) {
                warn_with(&error(left_open));
            }
            Ok(())
        }
    }
}

fn first_at_site(misuse: Misuse, site: &str, left_open: Option<&LeftOpen>) -> bool {
    let Ok(mut warned) = WARNED.lock() else {
        return false;
    };
    warned.insert((
        misuse,
        site.to_owned(),
        left_open.map(|open| Arc::clone(&open.site)),
    ))
}
