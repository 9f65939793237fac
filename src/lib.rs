//! heat-rs: a cross-platform, deterministic successor to WiX's `heat.exe`.
//!
//! The library owns the pieces of a harvest, each in its own module:
//! [`walk`] (the folder tree, in NTFS order), [`filter`] (`-include`/`-exclude` globs), [`ids`]
//! (heat's identifiers), [`guid`] (deterministic GUIDs), [`model`] (the WiX document), [`read`]
//! (reading `.wxs` back), [`harvest`] (the `dir`, `file`, `reg` and `payload` harvesters),
//! [`mutate`] (heat's standard mutators), [`patch`] (`-update`, `heat check` and the
//! 1600-components limit), [`write`](mod@write) (heat's bytes), [`xslt`] (`-t` transforms), and
//! [`tool`] (heat's command line). [`extension`] holds the traits every harvester and mutator
//! goes through, the built-in ones included; [`external`] runs programs as mutators (`-ext`).
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
pub mod external;
pub mod filter;
pub mod guid;
pub mod harvest;
pub mod ids;
pub mod model;
pub mod mutate;
pub mod patch;
pub mod read;
pub mod standard;
pub mod tool;
pub mod walk;
pub mod write;
pub mod xslt;

pub use error::{Error, Messages, Result, Warning, WarningPolicy};
pub use extension::{
    Context, Extension, HarvestType, Harvester, Mutator, OptionSpec, Options, Setup,
};
pub use external::ExternalExtension;
pub use harvest::{DirHarvester, FileHarvester};
pub use ids::IdScheme;
pub use model::{Document, NodeId, Schema, TextRef, Value};
pub use standard::StandardExtension;
pub use tool::Heat;

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
