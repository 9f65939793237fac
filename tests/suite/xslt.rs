//! `-t <file.xsl>`: the transforms heat users write, run as heat runs them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use kit::{testdata, TextAttr};

use crate::heat;

fn xsl(name: &str) -> String {
    testdata("xslt").join(name).to_str().unwrap().to_owned()
}

/// A build output with debug symbols beside the binaries, at several depths and in both
/// cases, and names that only look like symbols.
fn build_tree(root: &Path) {
    kit::write_files(
        root,
        &[
            "App.exe",
            "App.pdb",
            "Core.dll",
            "Core.PDB",
            "pdb.txt",
            "notes.pdbx",
            "plugins/Plugin.dll",
            "plugins/Plugin.pdb",
            "plugins/pdb/readme.txt",
            "tools/x64/Tool.exe",
            "tools/x64/Tool.Pdb",
        ],
    );
}

struct Harvest {
    components: BTreeSet<String>,
    refs: BTreeSet<String>,
    sources: BTreeSet<String>,
}

fn harvest(bytes: &[u8]) -> Harvest {
    let doc = heat::xml::parse(bytes).unwrap();
    let ids = |name: &str| -> BTreeSet<String> {
        doc.elements_named(name)
            .map(|e| doc.text_attr(e, "Id").unwrap().to_owned())
            .collect()
    };
    Harvest {
        components: ids("Component"),
        refs: ids("ComponentRef"),
        sources: doc
            .elements_named("File")
            .map(|f| doc.text_attr(f, "Source").unwrap().to_owned())
            .collect(),
    }
}

fn is_pdb(source: &str) -> bool {
    source.to_lowercase().ends_with(".pdb")
}

#[test]
fn the_pdb_stylesheet_drops_exactly_the_pdb_components_and_their_refs() {
    let tmp = tempfile::tempdir().unwrap();
    build_tree(&tmp.path().join("Out"));
    let base = [
        "dir",
        "Out",
        "-wix3",
        "-sfrag",
        "-cg",
        "App",
        "-srd",
        "-dr",
        "INSTALLFOLDER",
    ];
    let plain = harvest(&heat().output_of(tmp.path(), &base));
    assert_eq!(plain.components.len(), 11);
    assert_eq!(plain.refs, plain.components);

    let stylesheet = xsl("drop-pdb.xsl");
    let mut args = base.to_vec();
    args.extend(["-t", &stylesheet]);
    let bytes = heat().output_of(tmp.path(), &args);
    let after = harvest(&bytes);

    let pdb_components: BTreeSet<String> = {
        let doc = heat::xml::parse(&heat().output_of(tmp.path(), &base)).unwrap();
        doc.elements_named("File")
            .filter(|f| is_pdb(doc.text_attr(*f, "Source").unwrap()))
            .map(|f| {
                doc.text_attr(doc.parent(f).unwrap(), "Id")
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(pdb_components.len(), 4);
    let expected: BTreeSet<String> = plain
        .components
        .difference(&pdb_components)
        .cloned()
        .collect();
    assert_eq!(after.components, expected);
    assert_eq!(after.refs, expected);
    let kept: BTreeSet<String> = plain
        .sources
        .iter()
        .filter(|s| !is_pdb(s))
        .cloned()
        .collect();
    assert_eq!(after.sources, kept);
    assert!(after.sources.contains("SourceDir\\pdb.txt"));
    assert!(after.sources.contains("SourceDir\\notes.pdbx"));

    // Written as heat writes: mark, v3 declaration, CRLF, the wix: prefix not in the output.
    assert!(bytes.starts_with(
        b"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<Wix xmlns=\"http://schemas.microsoft.com/wix/2006/wi\">\r\n"
    ));
    let text = String::from_utf8(bytes).unwrap();
    assert!(!text.contains("wix:") && !text.contains("xmlns:wix"));
    assert!(!text.replace("\r\n", "").contains('\n'));
}

#[test]
fn the_contains_form_on_a_plain_tree() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("Out");
    kit::write_files(&root, &["a.dll", "a.pdb", "sub/b.exe", "sub/b.pdb"]);
    let stylesheet = xsl("drop-pdb-contains.xsl");
    let bytes = heat().output_of(
        tmp.path(),
        &[
            "dir",
            "Out",
            "-wix3",
            "-sfrag",
            "-cg",
            "App",
            "-t",
            &stylesheet,
        ],
    );
    let h = harvest(&bytes);
    assert_eq!(
        h.sources.iter().map(String::as_str).collect::<Vec<_>>(),
        ["SourceDir\\a.dll", "SourceDir\\sub\\b.exe"]
    );
    assert_eq!(h.refs, h.components);
    assert_eq!(h.components.len(), 2);
}

#[test]
fn msxsl_node_set_from_stylesheets_written_for_dotnet() {
    let tmp = tempfile::tempdir().unwrap();
    build_tree(&tmp.path().join("Out"));
    std::fs::write(tmp.path().join("Out/App.XML"), "x").unwrap();
    let stylesheet = xsl("msxsl-node-set.xsl");
    let h = harvest(&heat().output_of(
        tmp.path(),
        &["dir", "Out", "-wix3", "-sfrag", "-t", &stylesheet],
    ));
    let kept: Vec<_> = h.sources.iter().map(String::as_str).collect();
    assert_eq!(
        kept,
        [
            "SourceDir\\App.exe",
            "SourceDir\\Core.dll",
            "SourceDir\\notes.pdbx",
            "SourceDir\\pdb.txt",
            "SourceDir\\plugins\\Plugin.dll",
            "SourceDir\\plugins\\pdb\\readme.txt",
            "SourceDir\\tools\\x64\\Tool.exe",
        ]
    );
}

#[test]
fn identity_transforms_give_heats_bytes_back() {
    // Copying white space (the usual identity) keeps the harvest's layout, and stripping it
    // lets heat's writer indent afresh: both are the untransformed bytes.
    let tmp = tempfile::tempdir().unwrap();
    build_tree(&tmp.path().join("Out"));
    for extra in [&["-wix3"][..], &["-lf"], &["-cg", "App", "-gg"]] {
        let mut args = vec!["dir", "Out"];
        args.extend_from_slice(extra);
        let plain = heat().output_of(tmp.path(), &args);
        for stylesheet in ["identity.xsl", "identity-strip-space.xsl"] {
            let path = xsl(stylesheet);
            let mut t = args.clone();
            t.extend(["-t", &path]);
            assert_eq!(
                String::from_utf8(heat().output_of(tmp.path(), &t)).unwrap(),
                String::from_utf8(plain.clone()).unwrap(),
                "{stylesheet} {extra:?}"
            );
        }
    }
}

#[test]
fn a_removed_element_leaves_its_white_space_as_in_heat() {
    // heat's .NET transform keeps the input's white space text; its writer stops indenting in
    // an element once it holds text: the line a dropped component stood on stays, blank.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("Out");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("a.pdb"), "x").unwrap();
    std::fs::write(root.join("b.dll"), "x").unwrap();
    let stylesheet = xsl("drop-pdb.xsl");
    let text = String::from_utf8(heat().output_of(
        tmp.path(),
        &[
            "dir",
            "Out",
            "-wix3",
            "-sfrag",
            "-srd",
            "-lf",
            "-t",
            &stylesheet,
        ],
    ))
    .unwrap();
    assert!(
        text.contains("<DirectoryRef Id=\"TARGETDIR\">\n            \n            <Component"),
        "{text}"
    );
}

#[test]
fn transforms_run_in_the_order_given() {
    let tmp = tempfile::tempdir().unwrap();
    build_tree(&tmp.path().join("Out"));
    let (one, two) = (xsl("stage1.xsl"), xsl("stage2.xsl"));
    let group = |first: &str, second: &str| {
        let bytes = heat().output_of(
            tmp.path(),
            &[
                "dir", "Out", "-wix3", "-cg", "App", "-t", first, "-t", second,
            ],
        );
        let doc = heat::xml::parse(&bytes).unwrap();
        let g = doc.elements_named("ComponentGroup").next().unwrap();
        doc.text_attr(g, "Id").unwrap().to_owned()
    };
    assert_eq!(group(&one, &two), "Stage2");
    assert_eq!(group(&two, &one), "Stage1");
}

#[test]
fn heats_own_example_on_heats_reg_output() {
    // The stylesheet from heat's tests, on heat's reg harvest: one value changes, every other
    // line is heat's expected output.
    let tmp = tempfile::tempdir().unwrap();
    let dir = testdata("vectors/heat-v4/reg");
    let input = dir.join("input.reg");
    let stylesheet = dir.join("input.xslt");
    let bytes = heat().output_of(
        tmp.path(),
        &[
            "reg",
            input.to_str().unwrap(),
            "-t",
            stylesheet.to_str().unwrap(),
        ],
    );
    let out = String::from_utf8(bytes).unwrap();
    let expected = std::fs::read_to_string(dir.join("Expected.wxs")).unwrap();
    let expected = expected.trim_end().replace(
        r"%ServiceBasePath%\Sensors\service.jvm.web-standalone.jar",
        r"[DIR_JVM]service.jvm.web-standalone.jar",
    );
    assert_eq!(out, format!("\u{FEFF}{}", expected.replace('\n', "\r\n")));
}

#[test]
fn stylesheets_using_much_of_xslt_give_libxslts_bytes() {
    // The expected files are what heat-rs wrote with libxslt 1.1.35 (the `system-libxslt`
    // feature): both processors must give the same bytes.
    let tmp = tempfile::tempdir().unwrap();
    build_tree(&tmp.path().join("Out"));
    let cases: [(&str, &[&str]); 3] = [
        (
            "features-copy",
            &["dir", "Out", "-wix3", "-cg", "App", "-sfrag", "-srd"],
        ),
        (
            "features-strip",
            &["dir", "Out", "-wix3", "-cg", "App", "-sfrag", "-srd"],
        ),
        ("features-report", &["dir", "Out", "-wix3", "-cg", "App"]),
    ];
    for (name, args) in cases {
        let stylesheet = xsl(&format!("{name}.xsl"));
        let mut all = args.to_vec();
        all.extend(["-t", &stylesheet]);
        let expected =
            std::fs::read(testdata("xslt/expected").join(format!("{name}.wxs"))).unwrap();
        assert_eq!(
            String::from_utf8(heat().output_of(tmp.path(), &all)).unwrap(),
            String::from_utf8(expected).unwrap(),
            "{name}"
        );
    }
}

fn stylesheet_error(stylesheet: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    build_tree(&tmp.path().join("Out"));
    let out = tmp.path().join("out.wxs");
    std::fs::write(&out, "earlier output").unwrap();
    let path = xsl(stylesheet);
    let result = heat().run(
        tmp.path(),
        &[
            "dir",
            "Out",
            "-wix3",
            "-t",
            &path,
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(result.status.code(), Some(1));
    // The earlier file is neither replaced nor left half-written.
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "earlier output");
    let err = String::from_utf8_lossy(&result.stderr).into_owned();
    assert!(err.contains("error HEAT5055"), "{err}");
    assert!(err.contains(&format!("transform {path}")), "{err}");
    err
}

#[test]
fn errors_name_the_stylesheet_and_the_line() {
    let err = stylesheet_error("broken.xsl");
    assert!(err.contains("line 5"), "{err}");
    let err = stylesheet_error("not-xml.xsl");
    assert!(err.contains("not-xml.xsl:4"), "{err}");
    let err = stylesheet_error("terminate.xsl");
    assert!(err.contains("a .pdb is in the harvest"), "{err}");
    assert!(err.contains("line 6"), "{err}");
}

#[test]
fn messages_are_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    build_tree(&tmp.path().join("Out"));
    let stylesheet = xsl("message.xsl");
    let out = heat().ok(
        tmp.path(),
        &["dir", "Out", "-wix3", "-t", &stylesheet, "-o", "out.wxs"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning HEAT8107"), "{err}");
    assert!(err.contains("files: 11"), "{err}");
    let out = heat().run(
        tmp.path(),
        &[
            "dir",
            "Out",
            "-wix3",
            "-t",
            &stylesheet,
            "-wx8107",
            "-o",
            "x.wxs",
        ],
    );
    assert!(!out.status.success());
}

#[test]
fn a_missing_stylesheet_is_named_before_anything_is_harvested() {
    let tmp = tempfile::tempdir().unwrap();
    let missing: PathBuf = tmp.path().join("nope.xsl");
    let out = heat().run(
        tmp.path(),
        &[
            "dir",
            "does-not-exist",
            "-t",
            missing.to_str().unwrap(),
            "-o",
            "x.wxs",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("HEAT5059") && err.contains("nope.xsl"),
        "{err}"
    );
}
