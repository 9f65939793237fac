//! `heat check` on two generated harvests (see `shared/tree.rs`), read as the command line
//! reads them, straight from their files: findings or an error, never a panic. The same two
//! texts read as documents are checked too.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "shared/tree.rs"]
mod tree;

fuzz_target!(|input: (tree::Wxs, tree::Wxs)| {
    let (old, new) = (input.0.bytes(), input.1.bytes());
    let dir = std::env::temp_dir().join(format!("heat-fuzz-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (old_path, new_path) = (dir.join("old.wxs"), dir.join("new.wxs"));
    std::fs::write(&old_path, &old).unwrap();
    std::fs::write(&new_path, &new).unwrap();
    if let Ok(report) = heat::patch::CheckReport::of_files(&old_path, &new_path) {
        let _ = report.to_json();
        let _ = report.summary();
        for f in &report.findings {
            let _ = f.to_string();
        }
    }
    if let (Ok(o), Ok(n)) = (heat::xml::parse(&old), heat::xml::parse(&new)) {
        let _ = heat::patch::check(&o, &n);
    }
});
