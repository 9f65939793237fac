//! The same tree, created in different orders, gives the same bytes.

mod common;

use std::path::Path;

use common::heat_ok;

/// Names chosen to sort differently by byte, by case and by NTFS's upper-cased order.
const NAMES: &[&str] = &[
    "alpha.txt",
    "Beta.txt",
    "beta2.txt",
    "_first.txt",
    "Zulu.txt",
    "zeta.txt",
    "ärger.txt",
    "Émile.txt",
    "emile.txt.bak",
    "10.txt",
    "9.txt",
    "~tilde.txt",
    "😀.txt",
    "ｆｕｌｌ.txt",
];
const FOLDERS: &[&str] = &[
    "lib", "Lib2", "bin", "Bin3", "_x", "ü", "deep/a/b", "deep/A2",
];

fn build(root: &Path, reverse: bool) {
    let mut steps: Vec<(String, bool)> = Vec::new();
    for f in FOLDERS {
        steps.push((f.to_string(), true));
        for n in NAMES {
            steps.push((format!("{f}/{n}"), false));
        }
    }
    for n in NAMES {
        steps.push((n.to_string(), false));
    }
    if reverse {
        // Files before their folders is impossible, so reverse within each level instead.
        steps.sort_by(|a, b| b.0.cmp(&a.0));
        steps.sort_by_key(|(p, _)| p.matches('/').count());
    }
    for (path, is_dir) in steps {
        let full = root.join(&path);
        if is_dir {
            std::fs::create_dir_all(&full).unwrap();
        } else {
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(&full, path.as_bytes()).unwrap();
        }
    }
}

fn raw_order(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect()
}

#[test]
fn creation_order_does_not_change_the_output() {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    build(&one.path().join("App"), false);
    build(&two.path().join("App"), true);
    if raw_order(&one.path().join("App")) == raw_order(&two.path().join("App")) {
        eprintln!("note: this filesystem lists both trees in the same order; the sort is still checked below");
    }
    for args in [
        &["-wix3"][..],
        &["-wix3", "-fips", "-sfrag", "-cg", "G"],
        &["-srd", "-cg", "G", "-gg"],
        &["-suid", "-ke"],
    ] {
        let mut all = vec!["dir", "App", "-o", "out.wxs"];
        all.extend(args);
        heat_ok(one.path(), &all);
        heat_ok(two.path(), &all);
        let a = std::fs::read(one.path().join("out.wxs")).unwrap();
        let b = std::fs::read(two.path().join("out.wxs")).unwrap();
        assert!(a == b, "{args:?}: outputs differ between creation orders");
    }
}

#[test]
fn entries_are_in_ntfs_order() {
    let tmp = tempfile::tempdir().unwrap();
    build(&tmp.path().join("App"), true);
    heat_ok(tmp.path(), &["dir", "App", "-sfrag", "-o", "out.wxs"]);
    let text = std::fs::read_to_string(tmp.path().join("out.wxs")).unwrap();
    let doc = heat::read::parse(text.as_bytes()).unwrap();
    let root = doc.elements_named("Directory").next().unwrap();
    let files: Vec<String> = doc
        .children_named(root, "Component")
        .map(|c| {
            let f = doc.children_named(c, "File").next().unwrap();
            doc.attr(f, "Source")
                .unwrap()
                .trim_start_matches("SourceDir\\")
                .to_owned()
        })
        .collect();
    // Upper-cased UTF-16 order: digits, letters, then "_", "~", "Ä" (C4), "É" (C9),
    // the emoji (surrogates D83D DE00) and full-width letters (FF..), as NTFS lists them.
    assert_eq!(
        files,
        [
            "10.txt",
            "9.txt",
            "alpha.txt",
            "Beta.txt",
            "beta2.txt",
            "emile.txt.bak",
            "zeta.txt",
            "Zulu.txt",
            "_first.txt",
            "~tilde.txt",
            "ärger.txt",
            "Émile.txt",
            "😀.txt",
            "ｆｕｌｌ.txt"
        ]
    );
}
