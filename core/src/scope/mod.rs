//! Execution scopes and the capture → attach → detach token rules (DESIGN section 4).
//!
//! The rules are written once, generic over the value that is current ([`Frame`]'s
//! `V`) and over where "current" lives ([`Slot`]): a thread-local for Rust, C and
//! Java; a `ContextVar` for Python; an `AsyncLocalStorage` store for Node. Because the
//! current value is a persistent stack of frames, a slot whose contents are copied
//! (as `contextvars` and ALS copy theirs into new tasks) still follows the rules.

mod diagnostics;
mod frame;
mod rules;
mod settings;
mod sites;
mod thread_slot;

pub use diagnostics::{
    mode, record, report, report_with, reset_stats, set_mode, stats, Misuse, MisuseError, Mode,
    Stats,
};
pub use frame::{Frame, FrameState};
pub use rules::{
    attach, current, detach, enter_task, enter_task_over, exit_task, find_frame, Detached, Slot,
    TaskMark, Token,
};
pub use settings::{apply_attach_sites_setting, apply_mode_setting, configure_from_env, MODE_ENV};
pub use sites::{
    note_attach_site, note_frame_site, parse_switch as parse_attach_sites_switch,
    recording as recording_attach_sites, set_recording as set_recording_attach_sites, site_of,
    LeftOpen, ATTACH_SITES_ENV, MAX_ATTACH_SITES,
};
pub use thread_slot::{detach_id, is_token, IdSlot, ThreadSlot, ThreadState};
