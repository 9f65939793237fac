//! `heat payload` and `heat dir -generate payloadgroup`, against heat v4's own expected
//! outputs (WiX's `DirectoryToPayloadGroupFixture`, compared there line by line with double
//! quotes turned into single ones).

use std::path::Path;

use crate::heat;

/// Both spellings give the same output.
fn both(dir: &Path, source: &str, extra: &[&str]) -> Vec<String> {
    let mut outputs = Vec::new();
    for command in [
        &["payload", source][..],
        &["dir", source, "-generate", "payloadgroup"],
    ] {
        let out = dir.join("out.wxs");
        let mut args = command.to_vec();
        args.extend_from_slice(extra);
        args.extend(["-o", out.to_str().unwrap()]);
        heat().ok(dir, &args);
        outputs.push(kit::wix_lines(&std::fs::read(&out).unwrap()));
    }
    assert_eq!(outputs[0], outputs[1]);
    outputs.pop().unwrap()
}

#[test]
fn single_file() {
    let tmp = tempfile::tempdir().unwrap();
    kit::write_files(&tmp.path().join("SingleFile"), &["a.txt"]);
    assert_eq!(
        both(tmp.path(), "SingleFile", &[]),
        [
            "<Wix xmlns='http://wixtoolset.org/schemas/v4/wxs'>",
            "    <Fragment>",
            "        <PayloadGroup Id='TARGETDIR'>",
            "            <Payload SourceFile='SourceDir\\a.txt' />",
            "        </PayloadGroup>",
            "    </Fragment>",
            "</Wix>",
        ]
    );
}

#[test]
fn source_dir_substitution() {
    let tmp = tempfile::tempdir().unwrap();
    kit::write_files(&tmp.path().join("SingleFile"), &["a.txt"]);
    assert_eq!(
        both(tmp.path(), "SingleFile", &["-var", "var.RootDir"]),
        [
            "<Wix xmlns='http://wixtoolset.org/schemas/v4/wxs'>",
            "    <Fragment>",
            "        <PayloadGroup Id='TARGETDIR'>",
            "            <Payload SourceFile='$(var.RootDir)\\a.txt' />",
            "        </PayloadGroup>",
            "    </Fragment>",
            "</Wix>",
        ]
    );
}

#[test]
fn nested_files() {
    let tmp = tempfile::tempdir().unwrap();
    kit::write_files(&tmp.path().join("NestedFiles"), &["Nested/c.txt", "b.txt"]);
    assert_eq!(
        both(tmp.path(), "NestedFiles", &[]),
        [
            "<Wix xmlns='http://wixtoolset.org/schemas/v4/wxs'>",
            "    <Fragment>",
            "        <PayloadGroup Id='TARGETDIR'>",
            "            <Payload SourceFile='SourceDir\\Nested\\c.txt' Name='Nested\\c.txt' />",
            "            <Payload SourceFile='SourceDir\\b.txt' />",
            "        </PayloadGroup>",
            "    </Fragment>",
            "</Wix>",
        ]
    );
}

#[test]
#[cfg_attr(
    not(has_tool_xmllint),
    ignore = "needs xmllint (Debian libxml2-utils; .ci/run installs it)"
)]
fn group_id_variables_separators_and_v3() {
    kit::require_tool("xmllint");
    let tmp = tempfile::tempdir().unwrap();
    kit::write_files(
        &tmp.path().join("Redist"),
        &["x64/vc_redist.exe", "x86/vc_redist.exe", "b$1.txt"],
    );
    let out = both(
        tmp.path(),
        "Redist",
        &[
            "-dr",
            "Redists",
            "-var",
            "wix.Redist",
            "-pathsep",
            "/",
            "-wix3",
            "-lf",
        ],
    );
    assert_eq!(
        out,
        [
            "<?xml version='1.0' encoding='utf-8'?>",
            "<Wix xmlns='http://schemas.microsoft.com/wix/2006/wi'>",
            "    <Fragment>",
            "        <PayloadGroup Id='Redists'>",
            "            <Payload SourceFile='!(wix.Redist)/x64/vc_redist.exe' Name='x64\\vc_redist.exe' />",
            "            <Payload SourceFile='!(wix.Redist)/x86/vc_redist.exe' Name='x86\\vc_redist.exe' />",
            "            <Payload SourceFile='!(wix.Redist)/b$$1.txt' />",
            "        </PayloadGroup>",
            "    </Fragment>",
            "</Wix>",
        ]
    );
    kit::validate(&tmp.path().join("out.wxs"), "wix3.xsd");
}

#[test]
fn an_empty_folder_is_an_empty_group() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("Nothing")).unwrap();
    assert_eq!(
        both(tmp.path(), "Nothing", &[]),
        [
            "<Wix xmlns='http://wixtoolset.org/schemas/v4/wxs'>",
            "    <Fragment>",
            "        <PayloadGroup Id='TARGETDIR' />",
            "    </Fragment>",
            "</Wix>",
        ]
    );
}

#[test]
fn refusals() {
    let tmp = tempfile::tempdir().unwrap();
    kit::write_files(tmp.path(), &["setup.exe"]);
    let out = heat().run(tmp.path(), &["payload", "setup.exe", "-o", "p.wxs"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("HEAT8105") && err.contains("setup.exe"),
        "{err}"
    );
    let out = heat().run(
        tmp.path(),
        &["dir", ".", "-generate", "container", "-o", "p.wxs"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("HEAT5310") && err.contains("Invalid generated type: container"),
        "{err}"
    );
    assert!(!tmp.path().join("p.wxs").exists());
}
