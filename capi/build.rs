//! Gives the shared library a SONAME, so programs linked against it find it by that
//! name at run time (the install tree symlinks it to the versioned file). ctxbridge is
//! 0.x: a new minor version may change the ABI, so the SONAME carries major.minor.
fn main() {
    let target = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target == "linux" {
        let major = env!("CARGO_PKG_VERSION_MAJOR");
        let minor = env!("CARGO_PKG_VERSION_MINOR");
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libctxbridge.so.{major}.{minor}");
    }
}
