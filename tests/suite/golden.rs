//! Golden outputs: fixture trees from testdata/trees harvested with many option sets, compared
//! byte for byte with testdata/golden. `SNAPSHOTS=overwrite cargo test --test suite golden`
//! rewrites them (review the diff before committing).

use std::path::{Path, PathBuf};

use kit::{make_fixture, testdata};

use crate::cases::{Case, CASES};
use crate::heat;

/// Harvests a case in a fresh temporary folder and returns the output bytes.
pub fn run_case(case: &Case) -> Vec<u8> {
    let tmp = tempfile::tempdir().unwrap();
    make_fixture(case.tree, &tmp.path().join(case.tree));
    heat().output_of(tmp.path(), &[case.args, &["-nologo"]].concat())
}

fn golden_path(name: &str) -> PathBuf {
    testdata("golden").join(format!("{name}.wxs"))
}

/// The expected files of this module, for the suite's check that every expected file is used.
pub fn expected_files() -> Vec<PathBuf> {
    CASES.iter().map(|c| golden_path(c.name)).collect()
}

#[test]
fn golden_outputs() {
    let failures: Vec<String> = CASES
        .iter()
        .filter_map(|case| {
            kit::check_snapshot(&golden_path(case.name), &run_case(case))
                .err()
                .map(|e| format!("{}: {e}", case.name))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_golden_file_has_a_case() {
    let dir = testdata("golden");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let stem = name.strip_suffix(".wxs").unwrap_or(&name);
        assert!(
            CASES.iter().any(|c| c.name == stem),
            "{} has no golden case: remove it or add the case",
            Path::new(&name).display()
        );
    }
}

#[test]
fn golden_bytes_are_heats() {
    for case in CASES {
        let bytes = std::fs::read(golden_path(case.name)).unwrap();
        assert!(
            bytes.starts_with(b"\xEF\xBB\xBF"),
            "{}: no byte-order mark",
            case.name
        );
        assert!(
            !bytes.ends_with(b"\n"),
            "{}: heat writes no line end after </Wix>",
            case.name
        );
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        let lf_only = case.args.contains(&"-lf");
        for (i, line) in text
            .split('\n')
            .enumerate()
            .take(text.split('\n').count() - 1)
        {
            assert_eq!(
                line.ends_with('\r'),
                !lf_only,
                "{}: line {} line end",
                case.name,
                i + 1
            );
        }
        let v3 = case.args.contains(&"-wix3");
        assert_eq!(
            text.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"),
            v3,
            "{}",
            case.name
        );
    }
}
