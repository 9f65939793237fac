//! Inputs that try to make heat write what no XML reader reads, or to run away: every output
//! is well-formed XML (a `.reg` value or an `-ext` program's output holding a character XML
//! 1.0 cannot carry is refused with its file and line), the document model takes any number
//! of names, and `-t` stylesheets cannot write files, read the network, recurse without end,
//! run forever or make anything but WiX.

use std::path::Path;

use kit::{stderr, testdata};

use crate::heat;

const OLD: &[u8] = b"earlier output";

/// A folder `App` with one file, and an earlier `out.wxs`.
fn setup() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    kit::write_files(&tmp.path().join("App"), &["a.txt", "bin/b.dll"]);
    std::fs::write(tmp.path().join("out.wxs"), OLD).unwrap();
    tmp
}

/// Runs heat with `args` and `-o out.wxs` in `dir`, checks that it fails with exit code 1 and
/// message `code`, that the earlier `out.wxs` is as it was and that no temporary file is
/// left, and returns its standard error.
#[track_caller]
fn refused(dir: &Path, args: &[&str], code: &str) -> String {
    let mut all = args.to_vec();
    if args[0] != "check" {
        all.extend(["-o", "out.wxs"]);
    }
    let out = heat().run(dir, &all);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
    assert!(err.contains(code), "{args:?}: expected {code}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(std::fs::read(dir.join("out.wxs")).unwrap(), OLD, "{args:?}");
    let left: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    err
}

#[test]
fn a_reg_value_xml_cannot_carry_is_refused_with_its_line() {
    let tmp = setup();
    for (line, expect) in [
        ("\"name\"=\"bell\u{7}\"", "U+0007"),
        ("\"esc\u{1b}\"=\"x\"", "U+001B"),
        ("@=hex(2):41,00,01,00,00,00", "U+0001"),
        ("\"m\"=hex(7):41,00,00,00,0c,00,00,00,00,00", "U+000C"),
    ] {
        let reg = format!("Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\App]\r\n\"ok\"=\"fine\"\r\n{line}\r\n");
        std::fs::write(tmp.path().join("bad.reg"), reg).unwrap();
        let err = refused(tmp.path(), &["reg", "bad.reg"], "HEAT8108");
        assert!(
            err.contains("bad.reg(5)") && err.contains(expect),
            "{line}: {err}"
        );
        // The message shows the character escaped, not as it is.
        assert!(!err.contains(['\u{7}', '\u{1b}']), "{err:?}");
    }
    let reg = "REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\Software\\A\u{2}pp]\r\n";
    std::fs::write(tmp.path().join("bad.reg"), reg).unwrap();
    let err = refused(tmp.path(), &["reg", "bad.reg"], "HEAT8108");
    assert!(
        err.contains("bad.reg(3)") && err.contains("U+0002"),
        "{err}"
    );
}

/// `-ext` running `testdata/ext/emit.py` on `file`: the program writes that file.
fn emit(file: &Path) -> String {
    format!(
        "python3 \"{}\" \"{}\"",
        testdata("ext/emit.py").display(),
        file.display()
    )
}

#[test]
#[cfg_attr(
    not(has_tool_python3),
    ignore = "needs python3 (Debian python3; .ci/run installs it)"
)]
fn ext_output_with_a_character_xml_cannot_carry_is_refused() {
    kit::require_tool("python3");
    let tmp = setup();
    let v4 = "http://wixtoolset.org/schemas/v4/wxs";
    for (body, expect) in [
        ("<Fragment Id=\"a&#1;b\" />", "U+0001"),
        ("<Fragment>a&#x1F;b</Fragment>", "U+001F"),
        ("<Fragment Id=\"a\u{1}b\">c</Fragment>", "U+0001"),
        ("<Fragment Id=\"&#xFFFE;\" />", "U+FFFE"),
        ("<!-- \u{8} --><Fragment />", "U+0008"),
    ] {
        let output = tmp.path().join("program-output.xml");
        std::fs::write(&output, format!("<Wix xmlns=\"{v4}\">\n\n{body}\n</Wix>")).unwrap();
        let err = refused(
            tmp.path(),
            &["dir", "App", "-ext", &emit(&output)],
            "HEAT8301",
        );
        assert!(
            err.contains(expect) && err.contains("line 3"),
            "{body}: {err}"
        );
    }
}

#[test]
#[cfg_attr(
    not(has_tool_python3),
    ignore = "needs python3 (Debian python3; .ci/run installs it)"
)]
fn many_names_and_namespaces_read_without_a_limit() {
    // 70,000 distinct element names and as many attribute names (more than 16 bits number),
    // and 20,000 namespace prefixes over 50,000 elements (read in time linear in the file).
    kit::require_tool("python3");
    let tmp = setup();
    let v4 = "http://wixtoolset.org/schemas/v4/wxs";
    let mut names = format!("<Wix xmlns=\"{v4}\"><Fragment>");
    for i in 0..70_000 {
        names.push_str(&format!("<e{i} a{i}=\"v\" />"));
    }
    names.push_str("</Fragment></Wix>");
    std::fs::write(tmp.path().join("names.wxs"), &names).unwrap();
    let out = heat().ok(
        tmp.path(),
        &[
            "dir",
            "App",
            "-ext",
            &emit(&tmp.path().join("names.wxs")),
            "-o",
            "n.wxs",
        ],
    );
    assert!(!stderr(&out).contains("panicked"));
    let written = std::fs::read_to_string(tmp.path().join("n.wxs")).unwrap();
    assert!(written.contains("<e69999 a69999=\"v\" />"));
    // The same file as a previous harvest and in heat check.
    let out = heat().run(tmp.path(), &["check", "names.wxs", "names.wxs"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = heat().run(
        tmp.path(),
        &["dir", "App", "-update", "names.wxs", "-o", "u.wxs"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let mut prefixes = format!("<Wix xmlns=\"{v4}\"");
    for i in 0..20_000 {
        prefixes.push_str(&format!(" xmlns:p{i}=\"urn:p{i}\""));
    }
    prefixes.push('>');
    for _ in 0..50_000 {
        prefixes.push_str("<Fragment />");
    }
    prefixes.push_str("</Wix>");
    std::fs::write(tmp.path().join("prefixes.wxs"), &prefixes).unwrap();
    heat().ok(
        tmp.path(),
        &[
            "dir",
            "App",
            "-ext",
            &emit(&tmp.path().join("prefixes.wxs")),
            "-o",
            "p.wxs",
        ],
    );
    // An element with more attributes than WiX could have is refused, with its line.
    let attrs: String = (0..70_000).map(|i| format!(" a{i}=\"\"")).collect();
    std::fs::write(
        tmp.path().join("attrs.wxs"),
        format!("<Wix xmlns=\"{v4}\">\n<Fragment{attrs} /></Wix>"),
    )
    .unwrap();
    let err = refused(tmp.path(), &["check", "attrs.wxs", "attrs.wxs"], "HEAT8013");
    assert!(
        err.contains("more than 65535 attributes") && err.contains("line 2"),
        "{err}"
    );
}

/// Writes stylesheet `xsl` as `t.xsl` in `dir`, an XSLT `version` one, where `exsl:` is
/// EXSLT's extension elements' prefix and `wix:` the v4 namespace's.
#[cfg(feature = "xslt")]
fn stylesheet_of(dir: &Path, version: &str, xsl: &str) {
    std::fs::write(
        dir.join("t.xsl"),
        format!(
            "<xsl:stylesheet version=\"{version}\" xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\" \
             xmlns:wix=\"http://wixtoolset.org/schemas/v4/wxs\" xmlns:exsl=\"http://exslt.org/common\" \
             extension-element-prefixes=\"exsl\">\n{xsl}\n</xsl:stylesheet>"
        ),
    )
    .unwrap();
}

/// [`stylesheet_of`] of XSLT 1.0.
#[cfg(feature = "xslt")]
fn stylesheet(dir: &Path, xsl: &str) {
    stylesheet_of(dir, "1.0", xsl);
}

/// The identity template, which the stylesheets below add to.
#[cfg(feature = "xslt")]
const IDENTITY: &str = "<xsl:template match=\"@*|node()\"><xsl:copy><xsl:apply-templates select=\"@*|node()\"/></xsl:copy></xsl:template>";

#[test]
#[cfg(feature = "xslt")]
fn stylesheets_cannot_write_files() {
    let tmp = setup();
    let target = tmp.path().join("written.txt");
    let target = target.display();
    // EXSLT's exsl:document, and XSLT 1.1's xsl:document (in a stylesheet of a later version,
    // which XSLT 1.0 processors run in forwards-compatible mode).
    for (version, xsl) in [
        ("1.0", format!("{IDENTITY}<xsl:template match=\"/\"><exsl:document href=\"{target}\" method=\"text\">pwned</exsl:document><xsl:apply-templates/></xsl:template>")),
        ("2.0", format!("{IDENTITY}<xsl:template match=\"/\"><xsl:document href=\"{target}\"><x/></xsl:document><xsl:apply-templates/></xsl:template>")),
    ] {
        stylesheet_of(tmp.path(), version, &xsl);
        let err = refused(tmp.path(), &["dir", "App", "-t", "t.xsl"], "HEAT5055");
        assert!(err.contains("document"), "{err}");
        assert!(!tmp.path().join("written.txt").exists(), "{err}");
    }
}

#[test]
#[cfg(feature = "xslt")]
fn stylesheets_read_local_files_only() {
    let tmp = setup();
    for href in ["http://127.0.0.1:9/x.xml", "ftp://127.0.0.1:9/x.xml"] {
        stylesheet(
            tmp.path(),
            &format!("{IDENTITY}<xsl:template match=\"/\"><xsl:copy-of select=\"document('{href}')\"/><xsl:apply-templates/></xsl:template>"),
        );
        let err = refused(tmp.path(), &["dir", "App", "-t", "t.xsl"], "HEAT5055");
        assert!(err.contains(href), "{err}");
    }
    // A local document is read.
    std::fs::write(tmp.path().join("extra.xml"), "<x n=\"local\"/>").unwrap();
    stylesheet(
        tmp.path(),
        &format!("{IDENTITY}<xsl:template match=\"wix:Fragment[1]\"><xsl:copy><xsl:attribute name=\"Id\"><xsl:value-of select=\"document('extra.xml')/x/@n\"/></xsl:attribute><xsl:apply-templates select=\"node()\"/></xsl:copy></xsl:template>"),
    );
    let text =
        String::from_utf8(heat().output_of(tmp.path(), &["dir", "App", "-t", "t.xsl"])).unwrap();
    assert!(text.contains("<Fragment Id=\"local\">"), "{text}");
}

#[test]
#[cfg(feature = "xslt")]
fn a_result_that_is_not_wix_is_not_written() {
    let tmp = setup();
    for (xsl, expect) in [
        ("<xsl:template match=\"/\"><html><body>hi</body></html></xsl:template>", "'html', not 'Wix'"),
        (
            "<xsl:template match=\"/\"><Wix xmlns=\"http://schemas.microsoft.com/wix/2006/wi\"/></xsl:template>",
            "WiX v3's Wix element, where the output is WiX v4's",
        ),
        ("<xsl:output method=\"text\"/><xsl:template match=\"/\">just text</xsl:template>", "text outside"),
    ] {
        stylesheet(tmp.path(), xsl);
        let err = refused(tmp.path(), &["dir", "App", "-t", "t.xsl"], "HEAT5055");
        assert!(err.contains(expect), "{xsl}: {err}");
    }
}

#[test]
#[cfg(feature = "xslt")]
fn runaway_stylesheets_stop_with_an_error() {
    let tmp = setup();
    let deep_expression = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
    let long_expression = vec!["1"; 100_000].join("+");
    for (xsl, expect) in [
        // Infinite recursion: libxslt's words, and heat-rs's processor's.
        (
            "<xsl:template match=\"/\"><xsl:call-template name=\"r\"/></xsl:template><xsl:template name=\"r\"><xsl:call-template name=\"r\"/></xsl:template>".to_owned(),
            "recursion|deep",
        ),
        (
            "<xsl:template match=\"/\"><xsl:apply-templates select=\".\"/></xsl:template>".to_owned(),
            "recursion|deep",
        ),
        (
            format!("<xsl:template match=\"/\"><xsl:value-of select=\"{deep_expression}\"/></xsl:template>"),
            "expression",
        ),
        (
            format!("<xsl:template match=\"/\"><xsl:value-of select=\"{long_expression}\"/></xsl:template>"),
            "expression|XPath",
        ),
    ] {
        stylesheet(tmp.path(), &xsl);
        let err = refused(tmp.path(), &["dir", "App", "-t", "t.xsl"], "HEAT5055");
        assert!(
            expect.split('|').any(|e| err.contains(e)),
            "expected {expect}: {}",
            &err[..err.len().min(2000)]
        );
    }
}

#[test]
#[cfg(feature = "xslt")]
fn a_stylesheet_that_runs_too_long_is_stopped() {
    // 2^60 template calls: never ends.
    let tmp = setup();
    stylesheet(
        tmp.path(),
        "<xsl:template match=\"/\"><xsl:call-template name=\"r\"><xsl:with-param name=\"n\" select=\"60\"/></xsl:call-template></xsl:template>
<xsl:template name=\"r\"><xsl:param name=\"n\"/><xsl:if test=\"$n &gt; 0\"><xsl:call-template name=\"r\"><xsl:with-param name=\"n\" select=\"$n - 1\"/></xsl:call-template><xsl:call-template name=\"r\"><xsl:with-param name=\"n\" select=\"$n - 1\"/></xsl:call-template></xsl:if></xsl:template>",
    );
    let err = refused(
        tmp.path(),
        &["dir", "App", "-t", "t.xsl", "-xslttimeout", "1"],
        "HEAT5055",
    );
    assert!(err.contains("did not finish within 1 s"), "{err}");
    let out = heat().run(
        tmp.path(),
        &[
            "dir",
            "App",
            "-t",
            "t.xsl",
            "-xslttimeout",
            "soon",
            "-o",
            "out.wxs",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
#[cfg(all(feature = "xslt", not(feature = "system-libxslt")))]
fn documents_too_deep_to_walk_are_refused() {
    // libxml2 refuses more than 256 levels itself; heat-rs's processor, more than 10,000.
    let tmp = setup();
    std::fs::write(
        tmp.path().join("deep.xml"),
        format!("{}{}", "<a>".repeat(100_000), "</a>".repeat(100_000)),
    )
    .unwrap();
    stylesheet(
        tmp.path(),
        "<xsl:template match=\"/\"><wix:Wix><xsl:copy-of select=\"document('deep.xml')\"/></wix:Wix></xsl:template>",
    );
    let err = refused(tmp.path(), &["dir", "App", "-t", "t.xsl"], "HEAT5055");
    assert!(
        err.contains("deep.xml:1") && err.contains("deeper than 10000 levels"),
        "{err}"
    );
    // A tree the stylesheet builds: each call nests 4 more elements.
    stylesheet(
        tmp.path(),
        "<xsl:template match=\"/\"><wix:Wix><xsl:call-template name=\"r\"><xsl:with-param name=\"n\" select=\"2900\"/></xsl:call-template></wix:Wix></xsl:template>
<xsl:template name=\"r\"><xsl:param name=\"n\"/><a><b><c><d><xsl:if test=\"$n &gt; 0\"><xsl:call-template name=\"r\"><xsl:with-param name=\"n\" select=\"$n - 1\"/></xsl:call-template></xsl:if></d></c></b></a></xsl:template>",
    );
    let err = refused(tmp.path(), &["dir", "App", "-t", "t.xsl"], "HEAT5055");
    assert!(err.contains("deeper than 10000 levels"), "{err}");
}

#[test]
#[cfg(all(feature = "xslt", not(feature = "system-libxslt")))]
fn attribute_sets_that_use_themselves_stop() {
    let tmp = setup();
    stylesheet(
        tmp.path(),
        "<xsl:attribute-set name=\"a\" use-attribute-sets=\"b\"/><xsl:attribute-set name=\"b\" use-attribute-sets=\"a\"/>
<xsl:template match=\"/\"><wix:Wix xsl:use-attribute-sets=\"a\"/></xsl:template>",
    );
    let err = refused(tmp.path(), &["dir", "App", "-t", "t.xsl"], "HEAT5055");
    assert!(err.contains("attribute set"), "{err}");
}
