//! Snapshot files: expected outputs kept in the repository and compared byte for byte.
//! `SNAPSHOTS=overwrite` rewrites them from what the tests make (review the diff before
//! committing).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Every snapshot compared (or written) so far by this test process.
static COMPARED: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// Whether the snapshots are to be rewritten (`SNAPSHOTS=overwrite`).
pub fn overwriting() -> bool {
    std::env::var("SNAPSHOTS").is_ok_and(|v| v == "overwrite")
}

/// Compares `got` byte for byte with the snapshot at `path`, or rewrites the snapshot under
/// `SNAPSHOTS=overwrite`; records `path` as compared. Returns what differs, for a test that
/// gathers every difference before failing.
pub fn check_snapshot(path: &Path, got: &[u8]) -> Result<(), String> {
    COMPARED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(path.to_owned());
    if overwriting() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, got).unwrap();
        return Ok(());
    }
    let want = std::fs::read(path)
        .map_err(|e| format!("{}: {e} (SNAPSHOTS=overwrite creates it)", path.display()))?;
    if got == want {
        Ok(())
    } else {
        Err(format!(
            "the output differs from {} (SNAPSHOTS=overwrite rewrites it)\n--- got ---\n{}",
            path.display(),
            String::from_utf8_lossy(got)
        ))
    }
}

/// [`check_snapshot`], panicking when the output differs.
#[track_caller]
pub fn snapshot(path: &Path, got: &[u8]) {
    if let Err(e) = check_snapshot(path, got) {
        panic!("{e}");
    }
}

/// The snapshots compared so far by this test process.
pub fn compared_snapshots() -> BTreeSet<PathBuf> {
    COMPARED.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// The files of the folders `dirs` (sub-folders included) that `known` does not name: in a
/// snapshot folder, expected files that no test compares.
pub fn unlisted_files(dirs: &[PathBuf], known: &BTreeSet<PathBuf>) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    for dir in dirs {
        walk(dir, &mut files);
    }
    files.retain(|f| !known.contains(f));
    files
}
