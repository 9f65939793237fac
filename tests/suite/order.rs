//! The same tree, created in different orders, gives the same bytes.

use std::path::Path;

use kit::TextAttr;

use crate::heat;

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
        heat().ok(one.path(), &all);
        heat().ok(two.path(), &all);
        let a = std::fs::read(one.path().join("out.wxs")).unwrap();
        let b = std::fs::read(two.path().join("out.wxs")).unwrap();
        assert!(a == b, "{args:?}: outputs differ between creation orders");
    }
}

#[test]
fn entries_are_in_ntfs_order() {
    let tmp = tempfile::tempdir().unwrap();
    build(&tmp.path().join("App"), true);
    heat().ok(tmp.path(), &["dir", "App", "-sfrag", "-o", "out.wxs"]);
    let text = std::fs::read_to_string(tmp.path().join("out.wxs")).unwrap();
    let doc = heat::xml::parse(text.as_bytes()).unwrap();
    let root = doc.elements_named("Directory").next().unwrap();
    let files: Vec<String> = doc
        .children_named(root, "Component")
        .map(|c| {
            let f = doc.children_named(c, "File").next().unwrap();
            doc.text_attr(f, "Source")
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

/// The files below `dir` in the order heat lists their components: a folder's own files (in
/// the order of `files`), then each sub-folder's, recursively, sub-folders in NTFS order (here
/// the test's names, which sort the same by byte once upper-cased).
fn heat_component_order(dir: &Path, rel: &str, out: &mut Vec<String>) {
    let mut files = Vec::new();
    let mut folders = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().into_string().unwrap();
        if e.file_type().unwrap().is_dir() {
            folders.push(name);
        } else {
            files.push(name);
        }
    }
    let key = |n: &String| (n.to_uppercase(), n.clone());
    files.sort_by_key(key);
    folders.sort_by_key(key);
    for f in files {
        out.push(format!("{rel}{f}"));
    }
    for f in folders {
        heat_component_order(&dir.join(&f), &format!("{rel}{f}\\"), out);
    }
}

/// heat's main mutator lists components as its index of the document meets them, and heat's
/// serializer keeps a folder's components before its sub-folders (wix.xsd names `Component`
/// before `Directory` in a folder's content): so a `ComponentGroup` holds a folder's own
/// components before those of its sub-folders, recursively, with or without `-sfrag`, in v3
/// and in v4.
#[test]
fn component_groups_list_a_folders_own_components_first() {
    let tmp = tempfile::tempdir().unwrap();
    for (dir, files) in [
        ("App", &["z.txt", "a.txt"][..]),
        ("App/B", &["b.txt"]),
        ("App/a", &["x.txt", "c.txt"]),
        ("App/a/deep", &["d.txt"]),
        ("App/a/Deeper", &["e.txt"]),
    ] {
        std::fs::create_dir_all(tmp.path().join(dir)).unwrap();
        for f in files {
            std::fs::write(tmp.path().join(dir).join(f), f).unwrap();
        }
    }
    let mut want = Vec::new();
    heat_component_order(&tmp.path().join("App"), "", &mut want);
    assert_eq!(
        want,
        [
            "a.txt",
            "z.txt",
            "a\\c.txt",
            "a\\x.txt",
            "a\\deep\\d.txt",
            "a\\Deeper\\e.txt",
            "B\\b.txt"
        ]
    );
    for schema in ["-wix3", "-wix4"] {
        for sfrag in [false, true] {
            let mut args = vec!["dir", "App", "-cg", "G", schema, "-o", "out.wxs"];
            if sfrag {
                args.push("-sfrag");
            }
            heat().ok(tmp.path(), &args);
            let text = std::fs::read_to_string(tmp.path().join("out.wxs")).unwrap();
            let doc = heat::xml::parse(text.as_bytes()).unwrap();
            let source_of = |c| {
                let f = doc.children_named(c, "File").next().unwrap();
                doc.text_attr(f, "Source").unwrap()["SourceDir\\".len()..].to_owned()
            };
            let components: Vec<_> = doc.elements_named("Component").collect();
            let group = doc.elements_named("ComponentGroup").next().unwrap();
            let listed: Vec<String> = doc
                .children(group)
                .iter()
                .map(|&member| match doc.name(member) {
                    "Component" => source_of(member),
                    _ => {
                        let id = doc.text_attr(member, "Id").unwrap();
                        let c = components
                            .iter()
                            .find(|&&c| doc.text_attr(c, "Id") == Some(id))
                            .unwrap();
                        source_of(*c)
                    }
                })
                .collect();
            assert_eq!(listed, want, "{args:?}");
        }
    }
}
