//! What the heat-rs tests share: where the project's files are, running a binary under test,
//! the external tools some tests need, fixture trees, validation against the WiX schemas, and
//! snapshot files compared byte for byte.
//!
//! The integration tests are one binary, `tests/suite`; the extension crates' tests use this
//! kit too.
//!
//! # Tests that need a tool
//!
//! The root `build.rs` looks for the tools on the PATH (`xmllint`, `wixl`, `msiextract`,
//! `msiinfo`, `python3`, `script`, `xbuild`) and sets `has_tool_<name>` for each one it finds,
//! and for all of them in CI (`CI=true` or `CI=1`). A test that needs a tool is ignored with
//! the reason when the tool is missing, and calls [`require_tool`] first:
//!
//! ```ignore
//! #[test]
//! #[cfg_attr(not(has_tool_xmllint), ignore = "needs xmllint (Debian libxml2-utils; .ci/run installs it)")]
//! fn validates() {
//!     kit::require_tool("xmllint");
//!     // ...
//! }
//! ```
//!
//! A test that needs two tools names the second only when the first is there (two `ignore`
//! attributes on one test draw an `unused_attributes` warning):
//! `#[cfg_attr(all(has_tool_wixl, not(has_tool_msiextract)), ignore = "needs msiextract …")]`.

mod files;
// Shared with the root build.rs, which marks the tests that need a missing tool: the file lives
// beside it, in the package heat-rs publishes.
#[path = "../../../build/find_tool.rs"]
mod find_tool;
mod rng;
mod snapshot;
mod tool;
mod wix;

use std::path::{Path, PathBuf};

pub use files::{copy_tree, make_fixture, write_file, write_files, write_tree};
pub use find_tool::find_tool;
pub use rng::Rng;
pub use snapshot::{check_snapshot, compared_snapshots, overwriting, snapshot, unlisted_files};
pub use tool::{stderr, stdout, Tool};
pub use wix::{validate, wix_lines, xsd_for, TextAttr};

/// The project's top folder (the repository).
pub fn project_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the kit is tests/kit in the project")
        .to_owned()
}

/// `testdata/<rel>`.
pub fn testdata(rel: &str) -> PathBuf {
    project_dir().join("testdata").join(rel)
}

/// The WiX schema `name` (`wix3.xsd` or `wix4.xsd`): the shared copy when the project sits
/// beside `shared/` (`../shared/schemas`), the one in `testdata/schemas` otherwise.
pub fn schema_path(name: &str) -> PathBuf {
    let shared = project_dir().join("../shared/schemas").join(name);
    if shared.exists() {
        shared
    } else {
        testdata("schemas").join(name)
    }
}

/// Whether the tests run in CI (`CI` is `true` or `1`), where every external tool must be
/// present and no test may be skipped.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Panics, saying what to do, unless `tool` is on the PATH. A test that needs a tool calls this
/// first; it is ignored (`has_tool_<name>` unset) when the build found no such tool, so this
/// fails only in CI, under `--ignored`, or when the PATH lost the tool since the build.
#[track_caller]
pub fn require_tool(tool: &str) {
    if find_tool(tool).is_some() {
        return;
    }
    let why = if in_ci() {
        "CI runs every test: install it (.ci/run does)"
    } else {
        "install it (.ci/run lists the packages); without it the test is ignored, unless it is \
         run with --ignored or the PATH changed since the tests were built"
    };
    panic!("{tool} is not on the PATH, and this test needs it: {why}");
}
