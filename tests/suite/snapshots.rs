//! The snapshot folders hold only what the tests compare: every file in `testdata/golden`,
//! `testdata/update` and `testdata/reg` is an expected output that a test compares byte for
//! byte through [`kit::snapshot`], or is listed below as something else.
//!
//! The lists of expected files are the ones the comparing tests iterate over
//! (`golden::expected_files` and the like), so the check does not depend on those tests having
//! run first; libtest runs the tests of one binary in no set order. What `kit::snapshot`
//! recorded in this run is checked against the same lists.

use std::collections::BTreeSet;
use std::path::PathBuf;

use kit::testdata;

use crate::{golden, reg, update};

/// The folders of expected outputs, below `testdata/`.
const FOLDERS: &[&str] = &["golden", "update", "reg"];

/// Files in those folders that are not expected outputs, and what they are.
const NOT_EXPECTED_OUTPUTS: &[(&str, &str)] = &[
    ("reg/README.md", "how the expected files were made"),
    ("update/README.md", "what the expected files hold"),
    (
        "update/previous-v3.wxs",
        "the previous release that update::golden_update_with_leftovers updates",
    ),
];

/// Every expected file a test of the suite compares.
fn expected_files() -> BTreeSet<PathBuf> {
    [
        golden::expected_files(),
        update::expected_files(),
        reg::expected_files(),
    ]
    .concat()
    .into_iter()
    .collect()
}

#[test]
fn every_expected_file_is_compared() {
    let expected = expected_files();
    if !kit::overwriting() {
        for path in &expected {
            assert!(path.is_file(), "{} is missing", path.display());
        }
    }
    let mut known = expected.clone();
    for (rel, what) in NOT_EXPECTED_OUTPUTS {
        let path = testdata(rel);
        assert!(path.is_file(), "{rel} ({what}) is listed but missing");
        known.insert(path);
    }
    let folders: Vec<PathBuf> = FOLDERS.iter().map(|f| testdata(f)).collect();
    let unused = kit::unlisted_files(&folders, &known);
    assert!(
        unused.is_empty(),
        "no test compares these files: remove them, or compare them in a test and list them:\n{}",
        unused
            .iter()
            .map(|p| format!("  {}", p.display()))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let unlisted: Vec<PathBuf> = kit::compared_snapshots()
        .into_iter()
        .filter(|p| folders.iter().any(|f| p.starts_with(f)) && !expected.contains(p))
        .collect();
    assert!(
        unlisted.is_empty(),
        "compared, but not in the lists of expected files: {unlisted:?}"
    );
}
