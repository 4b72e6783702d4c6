//! The two diagnostics settings a user can give without code, read the same way by every
//! binding when it loads: [`MODE_ENV`] (`off`, `warn` or `strict`) and
//! [`ATTACH_SITES_ENV`] (record where each attach was made, for reports that name the
//! attach left open).
//!
//! A bad value never stops the host: the setting stays as it was, and the message naming
//! the variable and the values it takes is for the binding to log.

use super::diagnostics::{set_mode, Mode};
use super::sites::{self, ATTACH_SITES_ENV};

/// The environment variable naming the diagnostics mode.
pub const MODE_ENV: &str = "CTXBRIDGE_MODE";

/// Applies a mode given as text (`CTXBRIDGE_MODE`, Java's `-Dctxbridge.mode`); blank
/// text changes nothing.
pub fn apply_mode_setting(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Ok(());
    }
    let mode = text
        .trim()
        .to_ascii_lowercase()
        .parse::<Mode>()
        .map_err(|_| format!("{MODE_ENV}={text:?} is not a mode: expected off, warn or strict; the mode stays as it was"))?;
    set_mode(mode);
    Ok(())
}

/// Applies the attach-site switch given as text (`CTXBRIDGE_ATTACH_SITES`, Java's
/// `-Dctxbridge.attachSites`).
pub fn apply_attach_sites_setting(text: &str) -> Result<(), String> {
    sites::set_recording(sites::parse_switch(text)?);
    Ok(())
}

/// Applies both variables from the environment; one message per bad value.
pub fn configure_from_env() -> Vec<String> {
    let mut problems = Vec::new();
    if let Ok(text) = std::env::var(MODE_ENV) {
        problems.extend(apply_mode_setting(&text).err());
    }
    if let Ok(text) = std::env::var(ATTACH_SITES_ENV) {
        problems.extend(apply_attach_sites_setting(&text).err());
    }
    problems
}
