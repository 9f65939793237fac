//! `-include`, `-exclude` and `-globcase` on real trees.

use std::collections::BTreeMap;
use std::path::Path;

use kit::TextAttr;

use crate::heat;

/// A build output with the files heat users always want to leave out.
fn build_tree(root: &Path) {
    kit::write_files(
        root,
        &[
            "bin/App.exe",
            "bin/App.pdb",
            "bin/Core.dll",
            "bin/Core.xml",
            "bin/Core.PDB.config",
            "bin/de/App.resources.dll",
            "bin/de/App.resources.XML",
            "bin/obj/Debug/tmp.dll",
            "bin/obj/Debug/tmp.pdb",
            "docs/guide.xml",
            "docs/README.md",
            "symbols/x64/App.PDB",
            "LICENSE.txt",
        ],
    );
    std::fs::create_dir_all(root.join("empty")).unwrap();
}

/// Runs heat and returns the output's files: `Source` → (file id, component id, directory id).
fn harvest(dir: &Path, extra: &[&str]) -> BTreeMap<String, (String, String, String)> {
    let out = dir.join("out.wxs");
    let mut args = vec!["dir", "Out", "-sfrag", "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    heat().ok(dir, &args);
    let doc = heat::xml::read_file(&out).unwrap();
    let mut files = BTreeMap::new();
    for f in doc.elements_named("File") {
        let component = doc.parent(f).unwrap();
        let directory = doc.parent(component).unwrap();
        files.insert(
            doc.text_attr(f, "Source").unwrap().to_owned(),
            (
                doc.text_attr(f, "Id").unwrap().to_owned(),
                doc.text_attr(component, "Id").unwrap().to_owned(),
                doc.text_attr(directory, "Id").unwrap().to_owned(),
            ),
        );
    }
    files
}

fn directories(dir: &Path, extra: &[&str]) -> Vec<String> {
    let out = dir.join("dirs.wxs");
    let mut args = vec!["dir", "Out", "-sfrag", "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    heat().ok(dir, &args);
    let doc = heat::xml::read_file(&out).unwrap();
    doc.elements_named("Directory")
        .map(|d| doc.text_attr(d, "Name").unwrap().to_owned())
        .collect()
}

fn sources(files: &BTreeMap<String, (String, String, String)>) -> Vec<&str> {
    files.keys().map(String::as_str).collect()
}

#[test]
fn exclude_pdb_and_xml_keeps_exactly_the_rest_with_the_same_ids() {
    let tmp = tempfile::tempdir().unwrap();
    build_tree(&tmp.path().join("Out"));
    let all = harvest(tmp.path(), &[]);
    let kept = harvest(
        tmp.path(),
        &["-exclude", "**/*.pdb", "-exclude", "**/*.xml"],
    );
    assert_eq!(
        sources(&kept),
        [
            "SourceDir\\LICENSE.txt",
            "SourceDir\\bin\\App.exe",
            "SourceDir\\bin\\Core.PDB.config",
            "SourceDir\\bin\\Core.dll",
            "SourceDir\\bin\\de\\App.resources.dll",
            "SourceDir\\bin\\obj\\Debug\\tmp.dll",
            "SourceDir\\docs\\README.md",
        ]
    );
    // Leaving files out changes no other id: file, component and directory ids are those of
    // the unfiltered harvest.
    for (source, ids) in &kept {
        assert_eq!(Some(ids), all.get(source), "{source}");
    }
    // symbols/ held only a .pdb, so it goes; empty/ was empty on disk, and goes as ever
    // without -ke.
    let dirs = directories(
        tmp.path(),
        &["-exclude", "**/*.pdb", "-exclude", "**/*.xml"],
    );
    assert!(
        !dirs
            .iter()
            .any(|d| d == "symbols" || d == "x64" || d == "empty"),
        "{dirs:?}"
    );
    assert!(dirs.iter().any(|d| d == "docs"));
}

#[test]
fn include_dll_keeps_only_dlls() {
    let tmp = tempfile::tempdir().unwrap();
    build_tree(&tmp.path().join("Out"));
    let all = harvest(tmp.path(), &[]);
    let kept = harvest(tmp.path(), &["-include", "**/*.dll"]);
    assert_eq!(
        sources(&kept),
        [
            "SourceDir\\bin\\Core.dll",
            "SourceDir\\bin\\de\\App.resources.dll",
            "SourceDir\\bin\\obj\\Debug\\tmp.dll",
        ]
    );
    for (source, ids) in &kept {
        assert_eq!(Some(ids), all.get(source), "{source}");
    }
    // Folders the filter emptied are left out, even with -ke; a folder empty on disk is kept.
    let dirs = directories(tmp.path(), &["-include", "**/*.dll", "-ke"]);
    assert_eq!(dirs, ["Out", "bin", "de", "obj", "Debug", "empty"]);
}

#[test]
fn includes_and_excludes_combine() {
    let tmp = tempfile::tempdir().unwrap();
    build_tree(&tmp.path().join("Out"));
    let kept = harvest(
        tmp.path(),
        &[
            "-include",
            "**/*.{dll,exe}",
            "-exclude",
            "**/obj/**",
            "-exclude",
            "bin/de",
        ],
    );
    assert_eq!(
        sources(&kept),
        ["SourceDir\\bin\\App.exe", "SourceDir\\bin\\Core.dll"]
    );
    // A top-level pattern without ** stays at the top, as * does not cross folders.
    let kept = harvest(tmp.path(), &["-include", "*.txt"]);
    assert_eq!(sources(&kept), ["SourceDir\\LICENSE.txt"]);
    // ? and [..]
    let kept = harvest(tmp.path(), &["-include", "docs/[A-R]?????.*"]);
    assert_eq!(sources(&kept), ["SourceDir\\docs\\README.md"]);
}

#[test]
fn matching_ignores_case_unless_globcase() {
    let tmp = tempfile::tempdir().unwrap();
    build_tree(&tmp.path().join("Out"));
    let kept = harvest(tmp.path(), &["-exclude", "**/*.pdb"]);
    assert!(!kept.keys().any(|s| s.to_lowercase().ends_with(".pdb")));
    let kept = harvest(tmp.path(), &["-exclude", "**/*.pdb", "-globcase"]);
    let pdbs: Vec<_> = kept
        .keys()
        .filter(|s| s.to_lowercase().ends_with(".pdb"))
        .collect();
    assert_eq!(pdbs, ["SourceDir\\symbols\\x64\\App.PDB"]);
}

#[test]
fn an_excluded_folder_is_not_walked() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("Out");
    build_tree(&root);
    // A name Windows cannot hold is an error wherever the walk meets it…
    let modules = root.join("node_modules/pkg");
    std::fs::create_dir_all(&modules).unwrap();
    std::fs::write(modules.join("aux.js"), "x").unwrap();
    let out = heat().run(tmp.path(), &["dir", "Out", "-o", "x.wxs"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("aux.js"));
    // …so harvesting past it proves the excluded folder was never read, in both spellings.
    for pattern in ["**/node_modules", "**\\node_modules\\**", "node_modules/"] {
        let kept = harvest(tmp.path(), &["-exclude", pattern]);
        assert!(
            kept.keys().all(|s| !s.contains("node_modules")),
            "{pattern}"
        );
        assert_eq!(kept.len(), 13, "{pattern}");
    }
    // An excluded file is not even looked at: its bad name does not matter either.
    std::fs::remove_dir_all(root.join("node_modules")).unwrap();
    std::fs::write(root.join("bin/con.pdb"), "x").unwrap();
    assert!(!heat()
        .run(tmp.path(), &["dir", "Out", "-o", "x.wxs"])
        .status
        .success());
    let kept = harvest(tmp.path(), &["-exclude", "**/*.pdb"]);
    assert_eq!(kept.len(), 10);
}

#[test]
fn an_invalid_glob_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    build_tree(&tmp.path().join("Out"));
    let out = heat().run(
        tmp.path(),
        &["dir", "Out", "-exclude", "**/*.{pdb", "-o", "out.wxs"],
    );
    // A command-line error: exit code 2.
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("HEAT8100"), "{err}");
    assert!(err.contains("-exclude pattern '**/*.{pdb'"), "{err}");
    assert!(!tmp.path().join("out.wxs").exists());
}

#[test]
fn payloads_are_filtered_too() {
    let tmp = tempfile::tempdir().unwrap();
    build_tree(&tmp.path().join("Out"));
    let out = tmp.path().join("p.wxs");
    heat().ok(
        tmp.path(),
        &[
            "payload",
            "Out",
            "-include",
            "bin/*.dll",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    let doc = heat::xml::read_file(&out).unwrap();
    let payloads: Vec<_> = doc
        .elements_named("Payload")
        .map(|p| doc.text_attr(p, "SourceFile").unwrap().to_owned())
        .collect();
    assert_eq!(payloads, ["SourceDir\\bin\\Core.dll"]);
}
