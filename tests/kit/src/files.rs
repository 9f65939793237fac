//! Fixture trees.

use std::path::Path;

use crate::testdata;

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

/// Writes `contents` to `path`, making the folders it needs.
pub fn write_file(path: &Path, contents: impl AsRef<[u8]>) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

/// Writes each file of `files` (paths relative to `root`, `/`-separated) below `root`, holding
/// its own relative path as text.
pub fn write_files(root: &Path, files: &[&str]) {
    for f in files {
        write_file(&root.join(f), f);
    }
}

/// Writes each `(relative path, contents)` of `tree` below `root`.
pub fn write_tree(root: &Path, tree: &[(&str, &str)]) {
    for (path, contents) in tree {
        write_file(&root.join(path), contents);
    }
}
