//! heat's own command lines, as build scripts and MSBuild write them, run unchanged.

use std::path::Path;

use kit::stderr;

use crate::heat;

/// A tree like a build's output: spaces and non-ASCII names, a sub-folder, an empty folder.
fn tree(root: &Path) {
    kit::write_tree(
        root,
        &[
            ("dist/app/My App.exe", "exe"),
            ("dist/app/lib/naïve.dll", "dll"),
            ("dist/app/lib/ünï/data.bin", "bin"),
        ],
    );
    std::fs::create_dir_all(root.join("dist/app/empty")).unwrap();
}

/// What MSBuild's `HeatDirectory` task hands heat (wix3 `heatdirectory.cs`, `heattask.cs`,
/// `WixToolTask.cs`): a response file, UTF-8 with a byte-order mark, and its own switches,
/// `-wx` among them when the project treats warnings as errors. It succeeds and says nothing.
#[test]
fn msbuild_heatdirectory_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    tree(tmp.path());
    let rsp = "\u{FEFF}dir \"dist/app\" -cg AppFiles -dr INSTALLFOLDER -ke -scom -sreg -srd \
               -template fragment -var var.AppDir -nologo -wx -ag -nologo -sfrag -suid \
               -out \"obj/Release/App Files.wxs\"\r\n";
    std::fs::write(tmp.path().join("heat.rsp"), rsp).unwrap();
    let out = heat().ok(tmp.path(), &["@heat.rsp"]);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let text = std::fs::read_to_string(tmp.path().join("obj/Release/App Files.wxs")).unwrap();
    assert!(text.contains("<ComponentGroup Id=\"AppFiles\">"), "{text}");
    assert!(
        text.contains("Source=\"$(var.AppDir)\\lib\\naïve.dll\""),
        "{text}"
    );
    assert!(text.contains("<CreateFolder />"), "{text}");
    // The same in UTF-16, as other tools write response files.
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(rsp[3..].encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    std::fs::write(tmp.path().join("heat16.rsp"), utf16).unwrap();
    let out = heat().ok(tmp.path(), &["@heat16.rsp"]);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

/// `wix heat dir …` (WiX v6's `wix.exe` spelling) and `heat heat dir …` are `heat dir …`.
#[test]
fn tool_words_before_the_harvest_type() {
    let tmp = tempfile::tempdir().unwrap();
    tree(tmp.path());
    heat().ok(tmp.path(), &["dir", "dist/app", "-o", "plain.wxs"]);
    let plain = std::fs::read(tmp.path().join("plain.wxs")).unwrap();
    for words in [&["wix", "heat"][..], &["heat"], &["heat.exe"]] {
        let mut args = words.to_vec();
        args.extend(["dir", "dist/app", "-o", "again.wxs"]);
        heat().ok(tmp.path(), &args);
        assert!(
            std::fs::read(tmp.path().join("again.wxs")).unwrap() == plain,
            "{words:?}"
        );
    }
}

/// Scripts ported from Windows write `dist\app` and `-o out\app.wxs`: where that name does not
/// exist, `\` separates folders (a notice says so, and `-wx` leaves it a notice), and no file
/// is ever made with `\` in its name.
#[test]
#[cfg(not(windows))]
fn windows_paths_in_arguments() {
    let tmp = tempfile::tempdir().unwrap();
    tree(tmp.path());
    let out = heat().ok(
        tmp.path(),
        &["dir", "dist\\app", "-cg", "A", "-wx", "-o", "out\\app.wxs"],
    );
    let err = stderr(&out);
    assert_eq!(err.matches("warning HEAT8022").count(), 2, "{err}");
    assert!(
        err.contains("'dist/app'") && err.contains("'out/app.wxs'"),
        "{err}"
    );
    assert!(tmp.path().join("out/app.wxs").is_file());
    assert!(!tmp.path().join("out\\app.wxs").exists());
    heat().ok(
        tmp.path(),
        &["dir", "dist/app", "-cg", "A", "-o", "plain.wxs"],
    );
    assert!(
        std::fs::read(tmp.path().join("out/app.wxs")).unwrap()
            == std::fs::read(tmp.path().join("plain.wxs")).unwrap()
    );
    // Suppressed by number, it says nothing.
    let out = heat().ok(
        tmp.path(),
        &["dir", "dist\\app", "-sw8022", "-o", "out\\app.wxs"],
    );
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    // A name that does hold a backslash here is harvested as it is.
    std::fs::create_dir_all(tmp.path().join("odd\\name")).unwrap();
    std::fs::write(tmp.path().join("odd\\name/a.txt"), "a").unwrap();
    let out = heat().ok(tmp.path(), &["dir", "odd\\name", "-o", "odd.wxs"]);
    assert!(!stderr(&out).contains("HEAT8022"), "{}", stderr(&out));
}

/// heat's old spellings still work, with heat's own warning (`HEAT1108`).
#[test]
fn deprecated_spellings_warn_as_heat_does() {
    let tmp = tempfile::tempdir().unwrap();
    tree(tmp.path());
    let out = heat().ok(
        tmp.path(),
        &["dir", "dist/app", "-template:product", "-o", "out.wxs"],
    );
    let err = stderr(&out);
    assert!(
        err.contains("warning HEAT1108: The command line switch 'template:' is deprecated. Please use 'template' instead."),
        "{err}"
    );
    let text = std::fs::read_to_string(tmp.path().join("out.wxs")).unwrap();
    assert!(text.contains("<Package"), "{text}");
    // -wxall's own warning stays a warning, as in heat, which shows it before the switch acts.
    let out = heat().ok(tmp.path(), &["dir", "dist/app", "-wxall", "-o", "out.wxs"]);
    assert!(
        stderr(&out).contains("warning HEAT1108"),
        "{}",
        stderr(&out)
    );
}

/// heat's harvest types that need Windows or Visual Studio are explained, not unknown.
#[test]
fn harvest_types_that_need_windows() {
    let tmp = tempfile::tempdir().unwrap();
    for (kind, needle) in [
        ("project", "heat dir"),
        ("perf", "PerformanceCategory"),
        ("website", "IIS"),
    ] {
        let out = heat().run(tmp.path(), &[kind, "x", "-o", "out.wxs"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{kind}: {err}");
        assert!(err.contains("error HEAT8025"), "{kind}: {err}");
        assert!(err.contains(needle), "{kind}: {err}");
        assert!(!tmp.path().join("out.wxs").exists());
    }
}

/// Switches of heat's other harvest types (`project`'s `-platform`, `-pog`, …) and stray
/// arguments are what heat makes of them: the first ignored silently, the second with a
/// warning, and neither taken for the source.
#[test]
fn switches_of_other_harvest_types_and_stray_arguments() {
    let tmp = tempfile::tempdir().unwrap();
    tree(tmp.path());
    heat().ok(tmp.path(), &["dir", "dist/app", "-o", "plain.wxs"]);
    let out = heat().ok(
        tmp.path(),
        &[
            "dir",
            "dist/app",
            "-platform",
            "x86",
            "-configuration",
            "Release",
            "-pog",
            "Binaries",
            "-wixvar",
            "-generate",
            "components",
            "-o",
            "out.wxs",
        ],
    );
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    assert!(
        std::fs::read(tmp.path().join("out.wxs")).unwrap()
            == std::fs::read(tmp.path().join("plain.wxs")).unwrap()
    );
    let out = heat().ok(
        tmp.path(),
        &[
            "dir", "dist/app", "-srl", "x", "extra", "-dir", "-o", "out.wxs",
        ],
    );
    let err = stderr(&out);
    assert!(err.contains("'-srl x' is ignored"), "{err}");
    assert!(err.contains("did you mean '-srd'"), "{err}");
    assert!(
        err.contains("warning HEAT8024") && err.contains("'extra'"),
        "{err}"
    );
    assert!(
        err.contains("'-dir'") && err.contains("did you mean '-dr'"),
        "{err}"
    );
    assert!(
        std::fs::read(tmp.path().join("out.wxs")).unwrap()
            == std::fs::read(tmp.path().join("plain.wxs")).unwrap()
    );
}

/// Command lines as build scripts write them for heat.exe, with the switches they carry that
/// heat ignores, over a tree with spaces, non-ASCII names and an empty folder: each succeeds
/// and writes a document valid against the WiX schema of its version.
#[test]
#[cfg_attr(
    not(has_tool_xmllint),
    ignore = "needs xmllint (Debian libxml2-utils; .ci/run installs it)"
)]
fn build_script_command_lines_run_and_validate() {
    kit::require_tool("xmllint");
    let tmp = tempfile::tempdir().unwrap();
    tree(tmp.path());
    let lines: &[&[&str]] = &[
        &[
            "dir",
            "dist/app",
            "-gg",
            "-sfrag",
            "-sreg",
            "-template",
            "component",
            "-cg",
            "Share",
            "-dr",
            "ShareDir",
        ],
        &[
            "dir",
            "dist/app",
            "-dr",
            "INSTALLDIR",
            "-cg",
            "Res",
            "-gg",
            "-var",
            "var.ResDir",
        ],
        &[
            "dir",
            "dist/app",
            "-gg",
            "-srd",
            "-sreg",
            "-scom",
            "-cg",
            "Files",
            "-dr",
            "ROOT",
            "-ke",
            "-generate",
            "components",
        ],
        &[
            "dir",
            "dist/app",
            "-cg",
            "G",
            "-gg",
            "-scom",
            "-sreg",
            "-sfrag",
            "-srd",
            "-dr",
            "INSTALLDIR",
            "-var",
            "var.G.SourceDir",
        ],
        &[
            "dir",
            "dist/app",
            "-dr",
            "App.Dir",
            "-cg",
            "App.Files",
            "-gg",
            "-g1",
            "-sf",
            "-srd",
            "-sreg",
            "-var",
            "var.MyDir",
        ],
        &[
            "dir",
            "dist\\app",
            "/cg",
            "G",
            "/dr",
            "INSTALLFOLDER",
            "/srd",
            "/ag",
            "/sfrag",
        ],
        &[
            "dir",
            "dist/app",
            "-ag",
            "-template:product",
            "-cg",
            "P",
            "-frag",
            "-nologo",
        ],
        &[
            "dir",
            "dist/app",
            "-template",
            "module",
            "-suid",
            "-ke",
            "-swall",
        ],
        &[
            "dir",
            "dist/app",
            "-ext",
            "WixUtilExtension",
            "-ext",
            "WixIIsExtension",
            "-cg",
            "G",
            "-platform",
            "x64",
        ],
        &[
            "dir",
            "dist/app",
            "-cg",
            "G",
            "-dr",
            "INSTALLFOLDER",
            "-var",
            "wix.Src",
            "-srd",
            "-wx",
            "-sw5150",
        ],
        &[
            "file",
            "dist/app/My App.exe",
            "-cg",
            "Exe",
            "-dr",
            "INSTALLFOLDER",
            "-srd",
            "-gg",
            "-pog",
            "Binaries",
        ],
        &[
            "file",
            "dist/app/lib/naïve.dll",
            "-ag",
            "-template",
            "fragment",
            "-directoryid",
            "d",
        ],
    ];
    for line in lines {
        for schema in ["-wix3", "-wix4"] {
            let mut args = line.to_vec();
            args.extend([schema, "-o", "out.wxs"]);
            heat().ok(tmp.path(), &args);
            kit::validate(&tmp.path().join("out.wxs"), kit::xsd_for(&args));
        }
    }
}
