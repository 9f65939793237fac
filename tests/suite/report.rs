//! The numbers `Heat::run` reports are those of the elements it wrote, whether the document is
//! written straight away or through a text mutator (`-t`) first.

use std::path::Path;

use heat::Heat;

fn count(text: &str, element: &str) -> usize {
    text.matches(&format!("<{element} ")).count() + text.matches(&format!("<{element}>")).count()
}

fn harvest(tree: &Path, out: &Path, extra: &[String]) -> (heat::HarvestReport, String) {
    let mut args: Vec<String> = vec![
        "dir".into(),
        tree.to_string_lossy().into_owned(),
        "-wix3".into(),
        "-sfrag".into(),
        "-cg".into(),
        "AppFiles".into(),
        "-nologo".into(),
        "-o".into(),
        out.to_string_lossy().into_owned(),
    ];
    args.extend_from_slice(extra);
    let heat::Outcome::Harvest(report) = Heat::new().run(&args).unwrap() else {
        panic!("a harvest")
    };
    (report, std::fs::read_to_string(out).unwrap())
}

/// Five files in three folders, two of them `.pdb` files.
fn app_tree(dir: &Path) -> std::path::PathBuf {
    let tree = dir.join("App");
    kit::write_files(
        &tree,
        &[
            "app.exe",
            "app.pdb",
            "bin/lib.dll",
            "bin/lib.pdb",
            "bin/x/y.txt",
        ],
    );
    tree
}

#[test]
fn reported_numbers_are_those_written() {
    let tmp = tempfile::tempdir().unwrap();
    let tree = app_tree(tmp.path());
    let out = tmp.path().join("out.wxs");
    let (report, text) = harvest(&tree, &out, &[]);
    assert_eq!(
        (report.files, report.directories, report.components),
        (5, 3, 5)
    );
    assert_eq!(report.files, count(&text, "File"));
    assert_eq!(report.directories, count(&text, "Directory"));
    assert_eq!(report.components, count(&text, "Component"));
}

/// A stylesheet that drops the .pdb files: the numbers are those of what was written, not
/// those of the document before the transform.
#[cfg(feature = "xslt")]
#[test]
fn reported_numbers_after_a_transform_are_those_written() {
    let tmp = tempfile::tempdir().unwrap();
    let tree = app_tree(tmp.path());
    let out = tmp.path().join("out.wxs");
    let xsl = kit::testdata("xslt/drop-pdb.xsl");
    let (after, text) = harvest(&tree, &out, &["-t".into(), xsl.to_string_lossy().into()]);
    assert_eq!((after.files, after.components), (3, 3), "{text}");
    assert_eq!(after.files, count(&text, "File"));
    assert_eq!(after.components, count(&text, "Component"));
}
