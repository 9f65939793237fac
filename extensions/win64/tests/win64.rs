//! `-win64`, through the library, the `heat-win64` binary, the WiX schemas and a real MSI.

use std::path::{Path, PathBuf};
use std::process::Command;

use heat::Heat;
use heat_win64::Win64Extension;

fn make_tree(root: &Path) {
    for path in [
        "app.exe",
        "core.dll",
        "docs/readme.txt",
        "docs/en/guide.txt",
    ] {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, path).unwrap();
    }
    std::fs::create_dir_all(root.join("logs")).unwrap();
}

fn run(heat: Heat, args: &[&str], out: &Path) -> String {
    let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    all.extend(["-o".to_owned(), out.to_str().unwrap().to_owned()]);
    heat.run(&all).unwrap_or_else(|e| panic!("{args:?}: {e}"));
    String::from_utf8(std::fs::read(out).unwrap()).unwrap()
}

/// `text` with `attr` added at the end of every `Component` start tag.
fn with_attribute(text: &str, attr: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("<Component ") {
        let end = start + rest[start..].find('>').unwrap();
        let close = if rest[..end].ends_with(" /") {
            end - 2
        } else {
            end
        };
        out.push_str(&rest[..close]);
        out.push(' ');
        out.push_str(attr);
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

const OPTION_SETS: &[&[&str]] = &[
    &[],
    &["-ke", "-gg"],
    &["-cg", "App", "-srd", "-dr", "INSTALLFOLDER"],
    &["-sfrag", "-cg", "App", "-ag"],
    &["-template", "product"],
    &["-template", "module", "-suid"],
];

/// Every component, wherever heat's options put it, gains the attribute, and nothing else
/// changes: the output is heat's own with the attribute added to each `Component` tag.
#[test]
fn every_component_and_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let tree = tmp.path().join("App");
    make_tree(&tree);
    let tree = tree.to_str().unwrap();
    for (schema, attr) in [
        ("-wix3", "Win64=\"yes\""),
        ("-wix4", "Bitness=\"always64\""),
    ] {
        for opts in OPTION_SETS {
            let mut args = vec!["dir", tree, schema];
            args.extend_from_slice(opts);
            let plain = run(Heat::new(), &args, &tmp.path().join("plain.wxs"));
            let components = plain.matches("<Component ").count();
            assert!(components >= 4, "{opts:?}");

            let same = run(
                Heat::new().with_extension(Win64Extension),
                &args,
                &tmp.path().join("same.wxs"),
            );
            assert_eq!(
                same, plain,
                "{schema} {opts:?}: without -win64 nothing changes"
            );

            args.push("-win64");
            let marked = run(
                Heat::new().with_extension(Win64Extension),
                &args,
                &tmp.path().join("marked.wxs"),
            );
            assert_eq!(
                marked.matches(attr).count(),
                components,
                "{schema} {opts:?}"
            );
            assert_eq!(marked, with_attribute(&plain, attr), "{schema} {opts:?}");
        }
    }
}

/// Whether `tool` is on the PATH. In CI (`CI=true`) a missing tool fails the test; elsewhere
/// the test is skipped, and says so loudly.
fn have_tool(tool: &str, test: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(!ci, "{tool} is not installed, and CI must run {test}");
        eprintln!("\n*** SKIPPED {test}: {tool} is not installed (.ci/run installs it) ***\n");
    }
    found
}

fn schema(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/schemas")
        .join(name)
}

/// The marked output is valid against the WiX v3 and v4 schemas.
#[test]
fn valid_against_the_schemas() {
    if !have_tool("xmllint", "valid_against_the_schemas") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let tree = tmp.path().join("App");
    make_tree(&tree);
    let tree = tree.to_str().unwrap();
    for (flag, xsd) in [("-wix3", "wix3.xsd"), ("-wix4", "wix4.xsd")] {
        for opts in OPTION_SETS {
            let mut args = vec!["dir", tree, flag, "-win64"];
            args.extend_from_slice(opts);
            let out = tmp.path().join("out.wxs");
            run(Heat::new().with_extension(Win64Extension), &args, &out);
            let check = Command::new("xmllint")
                .args(["--noout", "--schema"])
                .arg(schema(xsd))
                .arg(&out)
                .output()
                .unwrap();
            assert!(
                check.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&check.stderr)
            );
        }
    }
}

/// Built into a real MSI with wixl, every component of the harvest carries Windows
/// Installer's 64-bit flag (msidbComponentAttributes64bit, 256), and none does without
/// `-win64`.
#[test]
fn the_msi_has_64_bit_components() {
    if !have_tool("wixl", "the_msi_has_64_bit_components")
        || !have_tool("msiinfo", "the_msi_has_64_bit_components")
    {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    make_tree(&tmp.path().join("App"));
    std::fs::write(
        tmp.path().join("product.wxs"),
        r#"<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="App" Language="1033" Version="1.0.0" Manufacturer="heat-rs"
           UpgradeCode="{6E6B6B5E-2B1C-4C1E-9B7A-1E2D3C4B5A69}">
    <Package InstallerVersion="200" Compressed="yes" />
    <Media Id="1" Cabinet="app.cab" EmbedCab="yes" />
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFiles64Folder">
        <Directory Id="INSTALLFOLDER" Name="App" />
      </Directory>
    </Directory>
    <Feature Id="Main" Level="1">
      <ComponentGroupRef Id="App" />
    </Feature>
  </Product>
</Wix>
"#,
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_heat-win64");
    for (extra, attributes) in [(&["-win64"][..], "256"), (&[][..], "0")] {
        let mut args = vec![
            "dir",
            "App",
            "-wix3",
            "-cg",
            "App",
            "-dr",
            "INSTALLFOLDER",
            "-srd",
            "-sfrag",
            "-var",
            "var.AppDir",
            "-pathsep",
            "/",
            "-gg",
            "-o",
            "app.wxs",
        ];
        args.extend_from_slice(extra);
        let out = Command::new(bin)
            .args(&args)
            .current_dir(tmp.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = Command::new("wixl")
            .args([
                "-a",
                "x64",
                "-D",
                "AppDir=App",
                "-o",
                "app.msi",
                "product.wxs",
                "app.wxs",
            ])
            .current_dir(tmp.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "wixl: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = Command::new("msiinfo")
            .args(["export", "app.msi", "Component"])
            .current_dir(tmp.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "msiinfo: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let table = String::from_utf8(out.stdout).unwrap();
        // Two header lines and a table-name line, then one row per component:
        // Component, ComponentId, Directory_, Attributes, Condition, KeyPath.
        let rows: Vec<Vec<&str>> = table
            .lines()
            .skip(3)
            .filter(|l| !l.is_empty())
            .map(|l| l.split('\t').collect())
            .collect();
        assert_eq!(rows.len(), 4, "{table}");
        for row in rows {
            assert_eq!(row[3], attributes, "{extra:?}: {row:?}");
        }
    }
}
