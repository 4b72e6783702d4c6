//! Attach sites: where each attach was made, recorded only when asked for, so that a
//! misuse report can name the attach that was left open, not only where it was noticed.
//!
//! Off by default: the binding checks [`recording`] (one relaxed load) and only then
//! works out its caller's file and line, which costs a stack walk in every host. When on,
//! each frame keeps a small number naming its site in the table here (sites are code
//! locations, so the table stays as small as the program), and an out-of-order detach or
//! a task's end tells the report that follows it, on the same thread, which attach it
//! found left open.
//!
//! ```
//! use ctxbridge_core::scope::{self, ThreadSlot, ThreadState};
//!
//! thread_local!(static STATE: ThreadState<&'static str> = ThreadState::new());
//! let slot = ThreadSlot::new(&STATE);
//! scope::set_recording_attach_sites(true);
//! let outer = scope::attach(&slot, "outer");
//! let inner = scope::attach(&slot, "inner");
//! scope::note_attach_site(&inner, "app.rs:7");
//! // Detaching `outer` first leaves `inner` open: the report names where it was made.
//! let misuse = scope::detach(&slot, &outer).unwrap_err();
//! let mut message = String::new();
//! scope::report_with(misuse, "app.rs:9", |error| message = error.to_string()).unwrap();
//! assert!(message.contains("(at app.rs:9; left open by the attach at app.rs:7)"), "{message}");
//! # drop(inner);
//! ```

use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use super::frame::Frame;
use super::rules::Token;

/// The environment variable every binding reads when it loads: `1`/`true`/`on`/`yes`
/// records attach sites, `0`/`false`/`off`/`no` (or unset) does not.
pub const ATTACH_SITES_ENV: &str = "CTXBRIDGE_ATTACH_SITES";

/// How many distinct sites the table keeps; later ones share one name. A program has as
/// many attach sites as lines that attach, far fewer than this; the bound only keeps a
/// host that builds a new site string per call (a generated file name, say) from growing
/// the table forever.
pub const MAX_ATTACH_SITES: usize = 4096;

/// The name given to sites beyond [`MAX_ATTACH_SITES`].
const OVERFLOW: &str = "<an attach site beyond the 4096 ctxbridge keeps>";

static RECORDING: AtomicBool = AtomicBool::new(false);

/// Site names by number (number 0 is "none"), and numbers by name (a `BTreeMap`, whose
/// nodes a leak checker sees as reachable from this static, unlike a hash table's).
struct Table {
    names: Vec<Arc<str>>,
    numbers: BTreeMap<Arc<str>, u32>,
}

static TABLE: RwLock<Option<Table>> = RwLock::new(None);

thread_local! {
    /// What the latest out-of-order detach or task end on this thread found left open:
    /// the site number of the lowest frame it ended that has one, and how many it ended.
    /// Taken by the report that follows it.
    static LEFT_OPEN: Cell<(u32, u64)> = const { Cell::new((0, 0)) };
}

/// Whether attach sites are being recorded. Bindings ask before they work out a site.
#[inline]
pub fn recording() -> bool {
    RECORDING.load(Ordering::Relaxed)
}

/// Starts or stops recording attach sites (process-wide). Frames attached while it was
/// off have no site; a report then names only where the misuse was noticed.
pub fn set_recording(on: bool) {
    RECORDING.store(on, Ordering::Relaxed);
}

/// Reads a switch as [`ATTACH_SITES_ENV`] takes it.
pub fn parse_switch(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "on" | "yes" => Ok(true),
        "" | "0" | "false" | "off" | "no" => Ok(false),
        _ => Err(format!(
            "{ATTACH_SITES_ENV}={text:?} is not a switch: expected 1, true, on or yes \
             (or 0, false, off, no); the setting stays as it was"
        )),
    }
}

/// Records `site` (the host's `file:line` of the code that made the attach) as where
/// `token`'s attach was made. Call it right after the attach, when [`recording`].
pub fn note_attach_site<V>(token: &Token<V>, site: &str) {
    note_frame_site(token.frame(), site);
}

/// [`note_attach_site`] for bindings that hold frames rather than tokens.
pub fn note_frame_site<V>(frame: &Frame<V>, site: &str) {
    frame.set_site(number_of(site));
}

/// The site recorded for `frame`, if any.
pub fn site_of<V>(frame: &Frame<V>) -> Option<Arc<str>> {
    name_of(frame.site())
}

fn number_of(site: &str) -> u32 {
    if let Ok(table) = TABLE.read() {
        if let Some(number) = table.as_ref().and_then(|t| t.numbers.get(site)) {
            return *number;
        }
    }
    let Ok(mut table) = TABLE.write() else {
        return 0;
    };
    let table = table.get_or_insert_with(|| Table {
        names: vec![Arc::from("")],
        numbers: BTreeMap::new(),
    });
    if let Some(number) = table.numbers.get(site) {
        return *number;
    }
    let name: Arc<str> = if table.names.len() > MAX_ATTACH_SITES {
        match table.numbers.get(OVERFLOW) {
            Some(number) => return *number,
            None => Arc::from(OVERFLOW),
        }
    } else {
        Arc::from(site)
    };
    let number = table.names.len() as u32;
    table.names.push(Arc::clone(&name));
    table.numbers.insert(name, number);
    number
}

fn name_of(number: u32) -> Option<Arc<str>> {
    if number == 0 {
        return None;
    }
    let table = TABLE.read().ok()?;
    table.as_ref()?.names.get(number as usize).cloned()
}

/// Tallies the frames one detection ends, from the top down: the lowest with a site is
/// the first attach that was left open.
#[derive(Default)]
pub(crate) struct LeftOpenTally {
    site: u32,
    ended: u64,
}

impl LeftOpenTally {
    pub(crate) fn ended<V>(&mut self, frame: &Frame<V>) {
        self.ended += 1;
        let site = frame.site();
        if site != 0 {
            self.site = site;
        }
    }

    pub(crate) fn count(&self) -> u64 {
        self.ended
    }

    /// Hands the tally to the report that follows on this thread (replacing any older one).
    pub(crate) fn publish(self) {
        let _ = LEFT_OPEN.try_with(|left| left.set((self.site, self.ended)));
    }
}

/// The attach a report names as left open: where it was made, and how many other attaches
/// the same detection ended with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeftOpen {
    pub site: Arc<str>,
    pub others: u64,
}

/// Takes what the latest detection on this thread found left open (once).
pub(crate) fn take_left_open() -> Option<LeftOpen> {
    let (site, ended) = LEFT_OPEN.try_with(|left| left.replace((0, 0))).ok()?;
    name_of(site).map(|site| LeftOpen {
        site,
        others: ended.saturating_sub(1),
    })
}
