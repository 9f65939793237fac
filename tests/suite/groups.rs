//! Windows Installer's 1600 components per feature (ICE47): the warning, and `-cgsplit`.

use std::collections::BTreeMap;
use std::path::Path;

use heat::xml::read_file;
use kit::{stderr, TextAttr};

use crate::heat;

fn make_files(root: &Path, from: usize, to: usize) {
    for i in from..to {
        let folder = root.join(format!("d{}", i % 10));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join(format!("f{i:05}.txt")), "x").unwrap();
    }
}

/// Component id → the group holding it.
fn membership(path: &Path) -> BTreeMap<String, String> {
    let doc = read_file(path).unwrap();
    let mut out = BTreeMap::new();
    for g in doc.elements_named("ComponentGroup") {
        let gid = doc.text_attr(g, "Id").unwrap().to_owned();
        for c in doc.children(g) {
            if matches!(doc.name(*c), "Component" | "ComponentRef") {
                let id = doc.text_attr(*c, "Id").unwrap().to_owned();
                assert!(out.insert(id, gid.clone()).is_none(), "in two groups");
            }
        }
    }
    out
}

#[test]
fn more_than_1600_components_in_a_group_draw_the_warning() {
    let tmp = tempfile::tempdir().unwrap();
    make_files(&tmp.path().join("Big"), 0, 1700);
    let out = heat().ok(tmp.path(), &["dir", "Big", "-cg", "App", "-o", "big.wxs"]);
    let err = stderr(&out);
    assert!(
        err.contains("warning HEAT8202: The ComponentGroup 'App' holds 1700 components; Windows Installer refuses more than 1600 components in one feature (ICE47)."),
        "{err}"
    );
    assert_eq!(err.matches("HEAT8202").count(), 1);
    for suppress in ["-sw8202", "-sw"] {
        let out = heat().ok(
            tmp.path(),
            &["dir", "Big", "-cg", "App", suppress, "-o", "big.wxs"],
        );
        assert!(!stderr(&out).contains("HEAT8202"), "{suppress}");
    }
    // -wx8202: an error, and no output.
    let out = heat().run(
        tmp.path(),
        &["dir", "Big", "-cg", "App", "-wx8202", "-o", "strict.wxs"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("error HEAT8202"));
    assert!(!tmp.path().join("strict.wxs").exists());
    // No group, no warning; a product's feature holding the group is counted too.
    let out = heat().ok(tmp.path(), &["dir", "Big", "-o", "nogroup.wxs"]);
    assert!(!stderr(&out).contains("HEAT8202"));
    let out = heat().ok(
        tmp.path(),
        &[
            "dir",
            "Big",
            "-cg",
            "App",
            "-template",
            "product",
            "-o",
            "p.wxs",
        ],
    );
    let err = stderr(&out);
    assert!(err.contains("The ComponentGroup 'App' holds 1700"), "{err}");
    assert!(
        err.contains("The Feature 'ProductFeature' holds 1700"),
        "{err}"
    );
}

#[test]
fn exactly_1600_is_fine() {
    let tmp = tempfile::tempdir().unwrap();
    make_files(&tmp.path().join("Big"), 0, 1600);
    let out = heat().ok(tmp.path(), &["dir", "Big", "-cg", "App", "-o", "big.wxs"]);
    assert!(!stderr(&out).contains("HEAT8202"), "{}", stderr(&out));
}

#[test]
fn split_groups_are_stable_as_files_come_and_go() {
    let tmp = tempfile::tempdir().unwrap();
    let big = tmp.path().join("Big");
    make_files(&big, 0, 1700);
    for sfrag in [false, true] {
        let mut args = vec!["dir", "Big", "-cg", "App", "-cgsplit", "3", "-o", "r1.wxs"];
        if sfrag {
            args.push("-sfrag");
        }
        let out = heat().ok(tmp.path(), &args);
        assert!(!stderr(&out).contains("HEAT8202"), "{}", stderr(&out));
        let r1 = membership(&tmp.path().join("r1.wxs"));
        assert_eq!(r1.len(), 1700);
        let mut sizes = BTreeMap::new();
        for g in r1.values() {
            *sizes.entry(g.clone()).or_insert(0) += 1;
        }
        assert_eq!(
            sizes.keys().collect::<Vec<_>>(),
            ["App_1", "App_2", "App_3"]
        );
        assert!(sizes.values().all(|n| (450..=700).contains(n)), "{sizes:?}");

        // The next release: 300 more files, 50 fewer. No component changes part.
        make_files(&big, 1700, 2000);
        for i in (0..500).step_by(10) {
            std::fs::remove_file(big.join(format!("d{}/f{i:05}.txt", i % 10))).unwrap();
        }
        args[7] = "r2.wxs";
        heat().ok(tmp.path(), &args);
        let r2 = membership(&tmp.path().join("r2.wxs"));
        assert_eq!(r2.len(), 1950);
        let mut still = 0;
        for (id, group) in &r1 {
            if let Some(now) = r2.get(id) {
                assert_eq!(now, group, "{id} moved");
                still += 1;
            }
        }
        assert_eq!(still, 1650);
        // Back to the first tree for the other layout.
        for i in 1700..2000 {
            std::fs::remove_file(big.join(format!("d{}/f{i:05}.txt", i % 10))).unwrap();
        }
        make_files(&big, 0, 500);
    }
}

#[test]
#[cfg_attr(
    not(has_tool_xmllint),
    ignore = "needs xmllint (Debian libxml2-utils; .ci/run installs it)"
)]
fn split_parts_are_referenced_from_templates_and_valid() {
    kit::require_tool("xmllint");
    let tmp = tempfile::tempdir().unwrap();
    make_files(&tmp.path().join("App"), 0, 40);
    for (schema, xsd) in [("-wix3", "wix3.xsd"), ("-wix4", "wix4.xsd")] {
        let out_name = format!("p{schema}.wxs");
        heat().ok(
            tmp.path(),
            &[
                "dir",
                "App",
                "-cg",
                "G",
                "-cgsplit",
                "4",
                "-template",
                "product",
                schema,
                "-o",
                &out_name,
            ],
        );
        let doc = read_file(&tmp.path().join(&out_name)).unwrap();
        let refs: Vec<&str> = doc
            .elements_named("ComponentGroupRef")
            .map(|r| doc.text_attr(r, "Id").unwrap())
            .collect();
        assert_eq!(refs, ["G_1", "G_2", "G_3", "G_4"]);
        let groups: Vec<&str> = doc
            .elements_named("ComponentGroup")
            .map(|r| doc.text_attr(r, "Id").unwrap())
            .collect();
        assert_eq!(groups, ["G_1", "G_2", "G_3", "G_4"]);
        kit::validate(&tmp.path().join(&out_name), xsd);
    }
}

#[test]
fn split_with_update_keeps_the_previous_groups() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("App");
    make_files(&app, 0, 30);
    // Release 1 had one group; release 2 splits it: the old components stay in "G".
    heat().ok(
        tmp.path(),
        &["dir", "App", "-cg", "G", "-gg", "-o", "r1.wxs"],
    );
    make_files(&app, 30, 60);
    heat().ok(
        tmp.path(),
        &[
            "dir", "App", "-cg", "G", "-cgsplit", "2", "-gg", "-update", "r1.wxs", "-o", "r2.wxs",
        ],
    );
    let r1 = membership(&tmp.path().join("r1.wxs"));
    let r2 = membership(&tmp.path().join("r2.wxs"));
    for id in r1.keys() {
        assert_eq!(r2[id], "G");
    }
    let new: Vec<&String> = r2
        .iter()
        .filter(|(id, _)| !r1.contains_key(*id))
        .map(|(_, g)| g)
        .collect();
    assert_eq!(new.len(), 30);
    assert!(new.iter().all(|g| *g == "G_1" || *g == "G_2"));
    let out = heat().run(tmp.path(), &["check", "r1.wxs", "r2.wxs"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn split_needs_a_group_and_a_count() {
    let tmp = tempfile::tempdir().unwrap();
    make_files(&tmp.path().join("App"), 0, 3);
    for (args, needle) in [
        (&["dir", "App", "-cgsplit", "2", "-o", "x.wxs"][..], "-cg"),
        (
            &["dir", "App", "-cg", "G", "-cgsplit", "0", "-o", "x.wxs"][..],
            "'0'",
        ),
        (
            &["dir", "App", "-cg", "G", "-cgsplit", "many", "-o", "x.wxs"][..],
            "'many'",
        ),
    ] {
        let out = heat().run(tmp.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(needle), "{}", stderr(&out));
        assert!(!tmp.path().join("x.wxs").exists());
    }
}

/// A component's part depends on its install location alone: with `-gg` (where the parts come
/// from the GUIDs heat's main mutator made) it is the same as without, whatever the names,
/// the schema, `-srd`, `-sfrag` or `-ke`.
#[test]
fn parts_are_the_same_with_and_without_gg() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("App");
    make_files(&app, 0, 300);
    for name in [
        "$(env.HOME)",
        "Ünïcode dir/Ärger.TXT",
        "a$b/c!(wix.X).dll",
        "K\u{212A}/k",
    ] {
        let path = app.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "x").unwrap();
    }
    std::fs::create_dir_all(app.join("empty/inner")).unwrap();
    for extra in [
        &[][..],
        &["-srd"][..],
        &["-sfrag", "-ke"][..],
        &["-wix3", "-dr", "INSTALLFOLDER"][..],
        &["-wix3", "-srd", "-ke", "-sfrag"][..],
    ] {
        let mut parts = Vec::new();
        for gg in [false, true] {
            let mut args = vec!["dir", "App", "-cg", "G", "-cgsplit", "7", "-o", "out.wxs"];
            args.extend_from_slice(extra);
            if gg {
                args.push("-gg");
            }
            heat().ok(tmp.path(), &args);
            parts.push(membership(&tmp.path().join("out.wxs")));
        }
        assert!(parts[0].len() > 300, "{extra:?}: {}", parts[0].len());
        assert_eq!(parts[0], parts[1], "{extra:?}");
    }
}
