//! `heat reg`: heat's real v4 outputs, the v3 shape, every value type and the refusals.

use std::path::PathBuf;

use kit::{testdata, wix_lines, TextAttr};

use crate::heat;

fn vector(name: &str) -> PathBuf {
    testdata("vectors/heat-v4/reg").join(name)
}

#[test]
fn heat_v4_expected() {
    let tmp = tempfile::tempdir().unwrap();
    let input = vector("input.reg");
    let bytes = heat().output_of(tmp.path(), &["reg", input.to_str().unwrap()]);
    let expected = std::fs::read(vector("Expected.wxs")).unwrap();
    assert_eq!(wix_lines(&bytes), wix_lines(&expected));
    // And in heat's bytes: mark, CRLF, no line end after </Wix>.
    assert!(bytes.starts_with(b"\xEF\xBB\xBF<Wix xmlns="));
    assert!(bytes.ends_with(b"</Fragment>\r\n</Wix>"));
    assert!(!bytes.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r'));
}

#[test]
fn heat_v4_expected_with_component_group() {
    let tmp = tempfile::tempdir().unwrap();
    let input = vector("input.reg");
    let bytes = heat().output_of(tmp.path(), &["reg", input.to_str().unwrap(), "-cg", "CG1"]);
    let expected = std::fs::read(vector("ExpectedWithComponentGroup.wxs")).unwrap();
    assert_eq!(wix_lines(&bytes), wix_lines(&expected));
}

/// `heat_v3_shape`'s expected files in `testdata/reg`, and the options each adds to
/// `heat reg input.reg -wix3`.
const V3_SHAPES: [(&str, &[&str]); 2] = [("v3.wxs", &[]), ("v3-cg.wxs", &["-cg", "CG1"])];

/// The expected files of this module, for the suite's check that every expected file is used.
pub fn expected_files() -> Vec<PathBuf> {
    V3_SHAPES
        .map(|(name, _)| testdata("reg").join(name))
        .to_vec()
}

#[test]
fn heat_v3_shape() {
    // heat v3 puts the components in a Directory TARGETDIR; its main mutator then drops that
    // directory and its fragment and moves every component to a fragment of its own.
    let tmp = tempfile::tempdir().unwrap();
    let input = vector("input.reg");
    let mut bytes = Vec::new();
    for (name, extra) in V3_SHAPES {
        let mut args = vec!["reg", input.to_str().unwrap(), "-wix3"];
        args.extend_from_slice(extra);
        bytes = heat().output_of(tmp.path(), &args);
        kit::snapshot(&testdata("reg").join(name), &bytes);
    }

    // The golden files' ids are heat v3's: "cmp" and the MD5 of the key path in UTF-16LE.
    use md5::{Digest, Md5};
    let key = r"SOFTWARE\Wow6432Node\Apache Software Foundation\Procrun 2.0\service.jvm.web";
    let utf16: Vec<u8> = key.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let hex: String = Md5::digest(&utf16)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains(&format!(
        "<Component Id=\"cmp{hex}\" Directory=\"TARGETDIR\""
    )));
    // v3 writes a multi-string's parts as text.
    assert!(text.contains("<MultiStringValue>--store-path</MultiStringValue>"));
}

/// A file with every kind of value regedit writes, in regedit's own UTF-16LE.
const ALL_TYPES: &str = "Windows Registry Editor Version 5.00\r
\r
; exported for the tests\r
[HKEY_CURRENT_USER\\Software\\Contoso\\App]\r
@=\"default [value]\"\r
\"Path\"=\"C:\\\\Program Files\\\\App\\\\\"\r
\"Quote\"=\"say \\\"hi\\\" for $5\"\r
\"Count\"=dword:0000002a\r
\"Minus\"=dword:ffffffff\r
\"Blob\"=hex:de,ad,be,ef\r
\"Expand\"=hex(2):25,00,54,00,45,00,4d,00,50,00,25,00,5c,00,78,00,00,00\r
\"Multi\"=hex(7):6f,00,6e,00,65,00,00,00,74,00,77,00,6f,00,00,00,\\\r
  00,00\r
\"Big\"=hex(b):01,00,00,00,00,00,00,00\r
\"After\"=\"kept\"\r
\"a\\\\b \\\"c\\\"\"=\"name escapes\"\r
\r
[HKEY_CURRENT_USER\\Software\\Contoso\\App\\Empty]\r
\r
[HKEY_CURRENT_CONFIG\\Software\\Contoso]\r
\"Ignored\"=\"x\"\r
\r
[HKEY_LOCAL_MACHINE\\Software\\Contoso\\App]\r
\"Machine\"=\"é €\"\r
";

fn utf16le_with_mark(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

#[test]
#[cfg_attr(
    not(has_tool_xmllint),
    ignore = "needs xmllint (Debian libxml2-utils; .ci/run installs it)"
)]
fn every_value_type() {
    kit::require_tool("xmllint");
    let tmp = tempfile::tempdir().unwrap();
    let reg = tmp.path().join("all.reg");
    std::fs::write(&reg, utf16le_with_mark(ALL_TYPES)).unwrap();
    let out = heat().ok(tmp.path(), &["reg", "all.reg", "-o", "all.wxs"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("warning HEAT5157"), "{stderr}");
    assert!(stderr.contains("'Big'") && stderr.contains("line 14") && stderr.contains("REG_QWORD"));
    assert!(stderr.contains("warning HEAT8103") && stderr.contains("HKEY_CURRENT_CONFIG"));

    let bytes = std::fs::read(tmp.path().join("all.wxs")).unwrap();
    kit::validate(&tmp.path().join("all.wxs"), "wix4.xsd");
    let doc = heat::xml::parse(&bytes).unwrap();
    let values: Vec<(Option<&str>, Option<&str>, &str)> = doc
        .elements_named("RegistryValue")
        .map(|v| {
            (
                doc.text_attr(v, "Name"),
                doc.text_attr(v, "Value"),
                doc.text_attr(v, "Type").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        values,
        [
            (None, Some("default [\\[]value[\\]]"), "string"),
            (Some("Path"), Some("C:\\Program Files\\App\\"), "string"),
            (Some("Quote"), Some("say \"hi\" for $$5"), "string"),
            (Some("Count"), Some("42"), "integer"),
            (Some("Minus"), Some("-1"), "integer"),
            (Some("Blob"), Some("DEADBEEF"), "binary"),
            (Some("Expand"), Some("%TEMP%\\x"), "expandable"),
            (Some("Multi"), None, "multiString"),
            (Some("After"), Some("kept"), "string"),
            (Some("a\\b \"c\""), Some("name escapes"), "string"),
            (Some("Machine"), Some("é €"), "string"),
        ]
    );
    let parts: Vec<_> = doc
        .elements_named("MultiStringValue")
        .map(|m| doc.text_attr(m, "Value").unwrap())
        .collect();
    assert_eq!(parts, ["one", "two"]);
    let keys: Vec<_> = doc
        .elements_named("RegistryKey")
        .map(|k| {
            (
                doc.text_attr(k, "Root").unwrap(),
                doc.text_attr(k, "Key").unwrap(),
                doc.text_attr(k, "ForceCreateOnInstall"),
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            ("HKCU", "Software\\Contoso\\App", None),
            ("HKCU", "Software\\Contoso\\App\\Empty", Some("yes")),
            ("HKLM", "Software\\Contoso\\App", None),
        ]
    );
    // The same key path under two roots: heat's id for the first, the root hashed in for the
    // second, so that no id is written twice.
    let ids: Vec<_> = doc
        .elements_named("Component")
        .map(|c| doc.text_attr(c, "Id").unwrap().to_owned())
        .collect();
    let scheme = heat::IdScheme::V4;
    assert_eq!(ids[0], scheme.generate("cmp", &["Software\\Contoso\\App"]));
    assert_eq!(
        ids[2],
        scheme.generate("cmp", &["HKLM", "Software\\Contoso\\App"])
    );
}

#[test]
#[cfg_attr(
    not(has_tool_xmllint),
    ignore = "needs xmllint (Debian libxml2-utils; .ci/run installs it)"
)]
fn regedit4_is_read_as_ansi_and_v3_validates() {
    kit::require_tool("xmllint");
    let tmp = tempfile::tempdir().unwrap();
    let text = "REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Caf\u{e9}]\r\n\"Name\"=\"Caf\u{e9}\"\r\n\"Exp\"=hex(2):25,50,41,54,48,25,00\r\n\"Multi\"=hex(7):61,00,e9,00,00\r\n";
    let ansi: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
    std::fs::write(tmp.path().join("old.reg"), ansi).unwrap();
    let out = tmp.path().join("old.wxs");
    heat().ok(
        tmp.path(),
        &["reg", "old.reg", "-wix3", "-o", out.to_str().unwrap()],
    );
    let bytes = std::fs::read(&out).unwrap();
    kit::validate(&out, "wix3.xsd");
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("Key=\"SOFTWARE\\Café\""), "{text}");
    assert!(text.contains("<RegistryValue Name=\"Name\" Value=\"Café\" Type=\"string\" />"));
    assert!(text.contains("Value=\"%PATH%\" Type=\"expandable\""));
    assert!(text.contains("<MultiStringValue>a</MultiStringValue>\r\n"));
    assert!(text.contains("<MultiStringValue>é</MultiStringValue>\r\n"));
}

#[test]
fn guids_follow_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    let input = vector("input.reg");
    let a = heat().output_of(tmp.path(), &["reg", input.to_str().unwrap(), "-gg"]);
    let b = heat().output_of(tmp.path(), &["reg", input.to_str().unwrap(), "-gg"]);
    assert_eq!(a, b);
    let doc = heat::xml::parse(&a).unwrap();
    let mut guids: Vec<_> = doc
        .elements_named("Component")
        .map(|c| doc.text_attr(c, "Guid").unwrap().to_owned())
        .collect();
    assert_eq!(guids.len(), 7);
    guids.sort();
    guids.dedup();
    assert_eq!(guids.len(), 7, "one GUID per key");
}

#[test]
fn deletions_and_bad_lines_are_refused_with_the_line() {
    let tmp = tempfile::tempdir().unwrap();
    for (text, code, line) in [
        (
            "Windows Registry Editor Version 5.00\r\n\r\n[-HKEY_CURRENT_USER\\Software\\Old]\r\n",
            "HEAT8102",
            "(3)",
        ),
        (
            "REGEDIT4\r\n[HKEY_CURRENT_USER\\Software\\A]\r\n\"Gone\"=-\r\n",
            "HEAT8102",
            "(3)",
        ),
        (
            "REGEDIT4\r\n[HKEY_CURRENT_USER\\Software\\A]\r\n\"x\"=dword:123456789\r\n",
            "HEAT8101",
            "(3)",
        ),
        (
            "REGEDIT4\r\n[HKEY_CURRENT_USER\\Software\\A]\r\n\"x\"=hex(7):41,00,42\r\n",
            "HEAT8101",
            "(3)",
        ),
    ] {
        std::fs::write(
            tmp.path().join("bad.reg"),
            text.replace("REGEDIT4", "Windows Registry Editor Version 5.00"),
        )
        .unwrap();
        let out = heat().run(tmp.path(), &["reg", "bad.reg", "-o", "bad.wxs"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains(code), "{err}");
        assert!(err.contains(&format!("bad.reg{line}")), "{err}");
        assert!(!tmp.path().join("bad.wxs").exists());
    }
    let out = heat().run(tmp.path(), &["reg", "missing.reg", "-o", "x.wxs"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("HEAT5059"));
}
