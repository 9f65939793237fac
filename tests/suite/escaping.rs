//! Names and values as WiX reads them: a folder, file, payload or registry value whose name
//! holds `$`, `!(wix.X)` or `[Property]` is written so that WiX's preprocessor and binder, and
//! Windows Installer's formatted strings, give back the name as it is on disk or in the
//! `.reg` file. The rules are WiX's (v3 `PreprocessorCore`, `WixVariableResolver`; v4
//! `PreprocessHelper`, `VariableResolver`), and the MSI tables wixl builds from a harvest are
//! read back with msiinfo.

use std::path::Path;
use std::process::Command;

use kit::{stderr, TextAttr};

use crate::heat;

/// The values of attribute `attr` of the elements named `element` in the `.wxs` at `path`, in
/// document order, as the file holds them (XML-unescaped, WiX escapes kept).
fn values(path: &Path, element: &str, attr: &str) -> Vec<String> {
    let doc = heat::xml::read_file(path).unwrap();
    doc.elements_named(element)
        .filter_map(|n| doc.text_attr(n, attr).map(str::to_owned))
        .collect()
}

/// A tree whose folder and file names would mean something to WiX.
fn tree(root: &Path) {
    for folder in ["$(env.HOME)", "!(wix.Dir)", "$(wix.Dir)", "a$b"] {
        std::fs::create_dir_all(root.join(folder)).unwrap();
        std::fs::write(root.join(folder).join("f.txt"), "f").unwrap();
    }
    for file in ["$$.txt", "!(loc.Title).txt", "x$(var.Y).txt", "plain.txt"] {
        std::fs::write(root.join(file), "x").unwrap();
    }
}

#[test]
fn folder_and_file_names_are_escaped_for_wix_v4() {
    let tmp = tempfile::tempdir().unwrap();
    tree(&tmp.path().join("App"));
    heat().ok(tmp.path(), &["dir", "App", "-o", "v4.wxs"]);
    let out = tmp.path().join("v4.wxs");
    // `$` doubled for the preprocessor, `!` before each reference v4's binder resolves
    // (`!(`, never `$(`).
    let mut names = values(&out, "Directory", "Name");
    names.sort();
    assert_eq!(
        names,
        ["!!(wix.Dir)", "$$(env.HOME)", "$$(wix.Dir)", "App", "a$$b"]
    );
    let mut sources = values(&out, "File", "Source");
    sources.sort();
    assert_eq!(
        sources,
        [
            "SourceDir\\!!(loc.Title).txt",
            "SourceDir\\!!(wix.Dir)\\f.txt",
            "SourceDir\\$$$$.txt",
            "SourceDir\\$$(env.HOME)\\f.txt",
            "SourceDir\\$$(wix.Dir)\\f.txt",
            "SourceDir\\a$$b\\f.txt",
            "SourceDir\\plain.txt",
            "SourceDir\\x$$(var.Y).txt",
        ]
    );
}

#[test]
#[cfg_attr(
    not(has_tool_xmllint),
    ignore = "needs xmllint (Debian libxml2-utils; .ci/run installs it)"
)]
fn folder_and_file_names_are_escaped_for_wix_v3() {
    kit::require_tool("xmllint");
    let tmp = tempfile::tempdir().unwrap();
    tree(&tmp.path().join("App"));
    heat().ok(
        tmp.path(),
        &["dir", "App", "-wix3", "-var", "var.Src", "-o", "v3.wxs"],
    );
    let out = tmp.path().join("v3.wxs");
    // WiX v3's binder also resolves `$(wix.X)` once the preprocessor made `$$` a `$`.
    let mut names = values(&out, "Directory", "Name");
    names.sort();
    assert_eq!(
        names,
        ["!!(wix.Dir)", "!$$(wix.Dir)", "$$(env.HOME)", "App", "a$$b"]
    );
    let sources = values(&out, "File", "Source");
    assert!(
        sources.contains(&"$(var.Src)\\!$$(wix.Dir)\\f.txt".to_owned()),
        "{sources:?}"
    );
    assert!(
        sources.contains(&"$(var.Src)\\x$$(var.Y).txt".to_owned()),
        "{sources:?}"
    );
    kit::validate(&out, "wix3.xsd");
}

#[test]
fn ids_and_guids_come_from_the_names_on_disk() {
    // Escaping changes what is written, not the names heat hashes and makes readable ids of:
    // a folder `a$b` has the id it had, and `-suid` makes `a_b` of it, not `a__b`.
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("App");
    std::fs::create_dir_all(app.join("a$b")).unwrap();
    std::fs::write(app.join("a$b/c$d.txt"), "x").unwrap();
    heat().ok(tmp.path(), &["dir", "App", "-wix3", "-o", "ids.wxs"]);
    let ids = tmp.path().join("ids.wxs");
    let dir_id = heat::IdScheme::V3.generate("dir", &["TARGETDIR", "App"]);
    let sub_id = heat::IdScheme::V3.generate("dir", &[&dir_id, "a$b"]);
    let file_id = heat::IdScheme::V3.generate("fil", &[&sub_id, "c$d.txt"]);
    assert!(values(&ids, "Directory", "Id").contains(&sub_id));
    assert_eq!(values(&ids, "File", "Id"), [file_id]);
    heat().ok(
        tmp.path(),
        &["dir", "App", "-suid", "-gg", "-o", "suid.wxs"],
    );
    let suid = tmp.path().join("suid.wxs");
    assert_eq!(values(&suid, "Directory", "Id"), ["App", "a_b"]);
    assert_eq!(values(&suid, "File", "Id"), ["c_d.txt"]);
    // The GUID of the install location TARGETDIR\App\a$b\c$d.txt.
    let location = "targetdir\\app\\a$b\\c$d.txt";
    let units: Vec<u8> = location.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let ns = uuid::uuid!("3064E5C6-FB63-4FE9-AC49-E446A792EFA5");
    let guid = format!("{{{}}}", uuid::Uuid::new_v5(&ns, &units)).to_uppercase();
    assert_eq!(values(&suid, "Component", "Guid"), [guid]);
}

#[test]
fn update_keeps_the_components_of_names_wix_reads_escaped() {
    // The previous harvest holds the names escaped, as the new one does: nothing is removed
    // or added (a file named `a$b.txt` was reported removed and added).
    let tmp = tempfile::tempdir().unwrap();
    tree(&tmp.path().join("App"));
    heat().ok(tmp.path(), &["dir", "App", "-gg", "-o", "r1.wxs"]);
    let out = heat().ok(
        tmp.path(),
        &["dir", "App", "-gg", "-update", "r1.wxs", "-o", "r2.wxs"],
    );
    assert!(
        stderr(&out).contains("8 kept, 0 added, 0 removed"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read(tmp.path().join("r1.wxs")).unwrap(),
        std::fs::read(tmp.path().join("r2.wxs")).unwrap()
    );
}

#[test]
fn payload_names_are_escaped_for_wix() {
    let tmp = tempfile::tempdir().unwrap();
    let redist = tmp.path().join("Redist");
    std::fs::create_dir_all(redist.join("$(sys.CURRENTDIR)")).unwrap();
    std::fs::write(redist.join("$(sys.CURRENTDIR)/!(wix.Ab).exe"), "x").unwrap();
    std::fs::write(redist.join("a$b.exe"), "x").unwrap();
    heat().ok(tmp.path(), &["payload", "Redist", "-o", "p.wxs"]);
    let out = tmp.path().join("p.wxs");
    assert_eq!(
        values(&out, "Payload", "SourceFile"),
        [
            "SourceDir\\$$(sys.CURRENTDIR)\\!!(wix.Ab).exe",
            "SourceDir\\a$$b.exe"
        ]
    );
    assert_eq!(
        values(&out, "Payload", "Name"),
        ["$$(sys.CURRENTDIR)\\!!(wix.Ab).exe"]
    );
}

/// A `.reg` file whose keys, names and values hold what WiX and Windows Installer would read
/// as references.
const REG: &str = "Windows Registry Editor Version 5.00\r\n\r\n\
[HKEY_CURRENT_USER\\Software\\[ProductName]\\$(var.X)]\r\n\
\"[Name]\"=\"[INSTALLDIR] costs $5 {[x]} !(wix.Ab)\"\r\n\
\"hash\"=\"#1\"\r\n\
\"guid\"=\"{6F2C6E0C-8E39-4C55-9A8C-3E0E1A9E5D11}\"\r\n\
\"path\"=hex(2):5b,00,25,00,54,00,4d,00,50,00,25,00,5d,00,00,00\r\n\
\"list\"=hex(7):5b,00,7e,00,5d,00,00,00,24,00,00,00,00,00\r\n";

#[test]
#[cfg_attr(
    not(has_tool_xmllint),
    ignore = "needs xmllint (Debian libxml2-utils; .ci/run installs it)"
)]
fn registry_keys_names_and_values_are_escaped_as_formatted_strings() {
    kit::require_tool("xmllint");
    let tmp = tempfile::tempdir().unwrap();
    // As regedit writes it: UTF-16LE after a byte-order mark.
    let bytes: Vec<u8> = "\u{FEFF}"
        .chars()
        .chain(REG.chars())
        .collect::<String>()
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    std::fs::write(tmp.path().join("in.reg"), bytes).unwrap();
    heat().ok(tmp.path(), &["reg", "in.reg", "-o", "r.wxs"]);
    let out = tmp.path().join("r.wxs");
    assert_eq!(
        values(&out, "RegistryKey", "Key"),
        ["Software\\[\\[]ProductName[\\]]\\$$(var.X)"]
    );
    assert_eq!(
        values(&out, "RegistryValue", "Name"),
        ["[\\[]Name[\\]]", "hash", "guid", "path", "list"]
    );
    assert_eq!(
        values(&out, "RegistryValue", "Value"),
        [
            "[\\[]INSTALLDIR[\\]] costs $$5 [\\{][\\[]x[\\]][\\}] !!(wix.Ab)",
            // WiX itself doubles a string's leading `#`; a GUID's braces stay.
            "#1",
            "{6F2C6E0C-8E39-4C55-9A8C-3E0E1A9E5D11}",
            "[\\[]%TMP%[\\]]",
        ]
    );
    assert_eq!(
        values(&out, "MultiStringValue", "Value"),
        ["[\\[]~[\\]]", "$$"]
    );
    kit::validate(&out, "wix4.xsd");
}

/// A product installing the component group `Files` under INSTALLDIR.
const PRODUCT: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="Escapes" Language="1033" Version="1.0.0" Manufacturer="heat-rs tests" UpgradeCode="6F2C6E0C-8E39-4C55-9A8C-3E0E1A9E5D11">
    <Package InstallerVersion="200" Compressed="yes" />
    <Media Id="1" Cabinet="files.cab" EmbedCab="yes" />
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="INSTALLDIR" Name="Escapes" />
    </Directory>
    <Feature Id="Main" Level="1"><ComponentGroupRef Id="Files" /><ComponentGroupRef Id="Reg" /></Feature>
  </Product>
</Wix>
"#;

/// The rows of MSI table `table` in `msi`, as msiinfo exports them (three header lines, then
/// a row a line, columns separated by tabs).
fn rows(dir: &Path, msi: &str, table: &str) -> Vec<Vec<String>> {
    let out = Command::new("msiinfo")
        .args(["export", msi, table])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "msiinfo: {}", stderr(&out));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(3)
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

/// A formatted string as Windows Installer installs it, when it holds no property: `[\x]` is
/// `x`.
fn installed(formatted: &str) -> String {
    let mut out = String::new();
    let mut rest = formatted;
    while let Some(at) = rest.find("[\\") {
        out.push_str(&rest[..at]);
        let mut chars = rest[at + 2..].chars();
        let c = chars.next().unwrap();
        assert_eq!(chars.next(), Some(']'), "{formatted}");
        out.push(c);
        rest = &rest[at + 2 + c.len_utf8() + 1..];
    }
    out + rest
}

#[test]
#[cfg_attr(
    not(has_tool_wixl),
    ignore = "needs wixl (Debian wixl; .ci/run installs it)"
)]
#[cfg_attr(
    all(has_tool_wixl, not(has_tool_msiinfo)),
    ignore = "needs msiinfo (Debian msitools; .ci/run installs it)"
)]
fn wixl_builds_the_names_and_values_on_disk() {
    // wixl reads `$$` as WiX does before any character but `$` and `(` (it reads `$$(` as `$`
    // and a reference, where WiX reads `$(`, and drops a `$` WiX keeps), and resolves no
    // `!(…)` reference: the names here are those it reads as WiX does, and the names it does
    // not are checked above against WiX's rules.
    kit::require_tool("wixl");
    kit::require_tool("msiinfo");
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("App");
    std::fs::create_dir_all(app.join("a$b")).unwrap();
    std::fs::write(app.join("a$b/c$d.txt"), "x").unwrap();
    std::fs::write(app.join("price $5.txt"), "y").unwrap();
    heat().ok(
        tmp.path(),
        &[
            "dir",
            "App",
            "-wix3",
            "-srd",
            "-sfrag",
            "-pathsep",
            "/",
            "-cg",
            "Files",
            "-dr",
            "INSTALLDIR",
            "-gg",
            "-var",
            "var.Src",
            "-o",
            "files.wxs",
        ],
    );
    let reg = "REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\Software\\[Vendor] $x]\r\n\"[Name]\"=\"[Value] $y #z\"\r\n\"hash\"=\"#1\"\r\n";
    std::fs::write(tmp.path().join("app.reg"), reg).unwrap();
    heat().ok(
        tmp.path(),
        &[
            "reg",
            "app.reg",
            "-wix3",
            "-sfrag",
            "-cg",
            "Reg",
            "-dr",
            "INSTALLDIR",
            "-gg",
            "-o",
            "reg.wxs",
        ],
    );
    std::fs::write(tmp.path().join("product.wxs"), PRODUCT).unwrap();
    let out = Command::new("wixl")
        .args([
            "-D",
            "Src=App",
            "-o",
            "out.msi",
            "product.wxs",
            "files.wxs",
            "reg.wxs",
        ])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "wixl failed: {}", stderr(&out));

    let dirs: Vec<String> = rows(tmp.path(), "out.msi", "Directory")
        .into_iter()
        .map(|r| r[2].rsplit('|').next().unwrap().to_owned())
        .collect();
    assert!(dirs.contains(&"a$b".to_owned()), "{dirs:?}");
    let mut files: Vec<String> = rows(tmp.path(), "out.msi", "File")
        .into_iter()
        .map(|r| r[2].rsplit('|').next().unwrap().to_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["c$d.txt", "price $5.txt"]);

    let registry = rows(tmp.path(), "out.msi", "Registry");
    let mut got: Vec<(String, String, String)> = registry
        .iter()
        .filter(|r| !r[3].is_empty())
        // wixl ends every key with a `\`, which WiX does not write.
        .map(|r| {
            let key = r[2].strip_suffix('\\').unwrap_or(&r[2]);
            (installed(key), installed(&r[3]), r[4].clone())
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            (
                "Software\\[Vendor] $x".to_owned(),
                "[Name]".to_owned(),
                "[\\[]Value[\\]] $y #z".to_owned()
            ),
            // A string value starting with `#` is stored `##` (WiX's own rule, and wixl's).
            (
                "Software\\[Vendor] $x".to_owned(),
                "hash".to_owned(),
                "##1".to_owned()
            ),
        ]
    );
    assert_eq!(installed(&got[0].2), "[Value] $y #z");
}
