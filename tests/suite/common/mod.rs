//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod cases;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The project's top folder.
pub fn project_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `testdata/<rel>`.
pub fn testdata(rel: &str) -> PathBuf {
    project_dir().join("testdata").join(rel)
}

/// The shared WiX schemas, when the project sits beside `shared/`; the copies in
/// `testdata/schemas` otherwise.
pub fn schema_path(name: &str) -> PathBuf {
    let shared = project_dir().join("../shared/schemas").join(name);
    if shared.exists() {
        shared
    } else {
        testdata("schemas").join(name)
    }
}

/// Runs the `heat` binary with `args` in `cwd`.
pub fn heat(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heat"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run heat")
}

/// Runs `heat` and panics with its stderr unless it succeeds.
pub fn heat_ok(cwd: &Path, args: &[&str]) -> Output {
    let out = heat(cwd, args);
    assert!(
        out.status.success(),
        "heat {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Whether the tests run in CI, where every external tool must be present.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Copies the tree at `from` into `to` (files only; folders as they come).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Makes a fixture tree from `testdata/trees/<name>` in `to`: its files, plus the empty folders
/// listed in `testdata/trees/<name>.empty` (git cannot store empty folders).
pub fn make_fixture(name: &str, to: &Path) {
    copy_tree(&testdata("trees").join(name), to);
    let list = testdata("trees").join(format!("{name}.empty"));
    if let Ok(text) = std::fs::read_to_string(list) {
        for line in text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            std::fs::create_dir_all(to.join(line)).unwrap();
        }
    }
}

/// Attributes of a document read from a file, which holds them all as text.
pub trait TextAttr {
    /// The text of attribute `name` of `node`, if set.
    fn text_attr(&self, node: heat::NodeId, name: &str) -> Option<&str>;
}

impl TextAttr for heat::Document {
    fn text_attr(&self, node: heat::NodeId, name: &str) -> Option<&str> {
        self.attr(node, name)
            .map(|v| v.as_text().expect("a document read from a file holds text"))
    }
}
