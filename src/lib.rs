//! heat-rs: a cross-platform, deterministic successor to WiX's `heat.exe`.
//!
//! The library is built in layers, each using only those below it (see `ARCHITECTURE.md`):
//!
//! 1. [`wix`]: the WiX [`Document`], its schemas and vocabulary, heat's ids and GUIDs;
//! 2. [`xml`]: reading `.wxs` back (one streaming reader) and writing heat's bytes;
//! 3. the run's stages, whose traits [`extension`] re-exports: harvester, mutators, text
//!    mutators and the context they share;
//! 4. [`harvest`]: the ordered walk, heat's tree of folders and files, the built-in
//!    harvesters;
//! 5. [`mutate`]: heat's own mutators, XSLT transforms (`-t`) and external programs (`-ext`);
//! 6. [`patch`]: `-update`, `heat check` and the 1600-component limit;
//! 7. [`extension`]: the [`Extension`] trait, typed options and heat's standard extension;
//! 8. the command line, [`Heat`]: the only part that parses arguments, prints and chooses
//!    exit codes.
//!
//! ```
//! # let tmp = tempfile::tempdir().unwrap();
//! # let src = tmp.path().join("App");
//! # std::fs::create_dir(&src).unwrap();
//! # std::fs::write(src.join("a.txt"), "a").unwrap();
//! # let out = tmp.path().join("app.wxs");
//! let args = ["dir", src.to_str().unwrap(), "-cg", "App", "-wix3", "-o", out.to_str().unwrap()];
//! let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
//! heat::Heat::new().run(&args).unwrap();
//! assert!(std::fs::read_to_string(&out).unwrap().contains(r#"<ComponentGroup Id="App">"#));
//! ```

#![deny(missing_docs)]

pub mod error;
pub mod extension;
pub mod harvest;
pub mod mutate;
pub mod patch;
pub mod wix;
pub mod xml;

mod cli;
mod pipeline;

pub use cli::{
    CheckOutcome, HarvestReport, Heat, Outcome, EXIT_ERROR, EXIT_FILES_REMOVED, EXIT_USAGE,
};
pub use error::{Error, Messages, Result, Warning, WarningPolicy};
pub use extension::Extension;
pub use wix::ids::IdScheme;
pub use wix::{Document, NodeId, Schema, Value};

/// The Rust examples of the README, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// Hands memory the process has freed back to the system, where the allocator keeps it
/// otherwise (glibc keeps freed small blocks for reuse): called after a large structure is
/// dropped, so that the peak resident memory of the phases after it does not include it.
pub(crate) fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_trim(pad: usize) -> std::ffi::c_int;
        }
        // SAFETY: malloc_trim only returns free memory to the system; it is safe to call at
        // any time from any thread.
        unsafe {
            malloc_trim(0);
        }
    }
}
