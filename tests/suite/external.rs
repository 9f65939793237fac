//! `-ext <command line>`: programs run as mutators, the `.wxs` on their standard input and the
//! changed `.wxs` on their standard output. The programs are the Python scripts in
//! `testdata/ext/`.

use std::collections::BTreeMap;
use std::path::Path;

use kit::{stderr, testdata};

use crate::heat;

/// `python3 "<testdata/ext/script>" args…` as an `-ext` value.
fn script(name: &str, args: &str) -> String {
    let path = testdata("ext").join(name);
    format!("python3 \"{}\" {args}", path.display())
}

/// A tree with folders at several depths, names with spaces, non-ASCII letters, `$` and
/// mixed case, and more files than a pipe holds at once.
fn make_tree(root: &Path) -> usize {
    let folders = [
        "",
        "bin",
        "bin/x64",
        "Data Files",
        "Data Files/día",
        "Data Files/día/deep er",
        "lib/$cache",
        "Ünïcode",
    ];
    let mut count = 0;
    for (i, folder) in folders.iter().enumerate() {
        let dir = root.join(folder);
        std::fs::create_dir_all(&dir).unwrap();
        for j in 0..40 {
            let name = match j % 4 {
                0 => format!("file {i}-{j}.txt"),
                1 => format!("Lib{i}_{j}.DLL"),
                2 => format!("naïve{i}.{j}.dat"),
                _ => format!("a$b{i}{j}.cfg"),
            };
            std::fs::write(dir.join(name), format!("{i}/{j}")).unwrap();
            count += 1;
        }
    }
    count
}

/// Every `File` of a `.wxs`: `Source` → its attributes.
fn files_of(wxs: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let doc = heat::xml::read_file(wxs).unwrap();
    doc.elements_named("File")
        .map(|f| {
            let attrs: BTreeMap<String, String> = doc
                .attrs(f)
                .map(|(k, v)| (k.to_owned(), v.to_string()))
                .collect();
            (attrs["Source"].clone(), attrs)
        })
        .collect()
}

/// The check of the issue: `heat dir <tree> -wix3 -ext "<python script>"` with a script that
/// edits every `File` element; the change reaches every file, and nothing else changes.
#[test]
#[cfg_attr(
    not(has_tool_python3),
    ignore = "needs python3 (Debian python3; .ci/run installs it)"
)]
#[cfg_attr(
    all(has_tool_python3, not(has_tool_xmllint)),
    ignore = "needs xmllint (Debian libxml2-utils; .ci/run installs it)"
)]
fn python_script_edits_every_file() {
    kit::require_tool("python3");
    kit::require_tool("xmllint");
    let tmp = tempfile::tempdir().unwrap();
    let tree = tmp.path().join("Product");
    let count = make_tree(&tree);
    let tree = tree.to_str().unwrap();
    heat().ok(tmp.path(), &["dir", tree, "-wix3", "-o", "plain.wxs"]);
    for (name, script_name) in [
        ("etree.wxs", "mark_files.py"),
        ("regex.wxs", "mark_files_re.py"),
    ] {
        let ext = script(script_name, "");
        heat().ok(
            tmp.path(),
            &["dir", tree, "-wix3", "-ext", &ext, "-o", name],
        );

        let plain = files_of(&tmp.path().join("plain.wxs"));
        let marked = files_of(&tmp.path().join(name));
        assert_eq!(marked.len(), count, "{script_name}");
        assert_eq!(plain.len(), count);
        for (source, attrs) in &marked {
            assert_eq!(
                attrs.get("ReadOnly").map(String::as_str),
                Some("yes"),
                "{source}"
            );
            let mut without = attrs.clone();
            without.remove("ReadOnly");
            assert_eq!(&without, &plain[source], "{script_name}: {source}");
        }

        // heat's own framing around what the program wrote: mark, v3 declaration, CRLF
        // line ends throughout, nothing after the root.
        let bytes = std::fs::read(tmp.path().join(name)).unwrap();
        let head = b"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<Wix xmlns=\"http://schemas.microsoft.com/wix/2006/wi\">\r\n";
        assert!(bytes.starts_with(head), "{script_name}");
        assert!(bytes.ends_with(b"</Wix>"), "{script_name}");
        let bare_lf = bytes
            .windows(2)
            .filter(|w| w[1] == b'\n' && w[0] != b'\r')
            .count();
        assert_eq!(bare_lf, 0, "{script_name}: a line end without CR");
        assert_eq!(
            bytes.windows(5).filter(|w| w == b"<?xml").count(),
            1,
            "{script_name}: one declaration"
        );
    }
    kit::validate(&tmp.path().join("etree.wxs"), "wix3.xsd");
}

/// A program that changes nothing leaves heat's bytes exactly as they were, in every schema
/// and layout.
#[test]
#[cfg_attr(
    not(has_tool_python3),
    ignore = "needs python3 (Debian python3; .ci/run installs it)"
)]
fn unchanged_output_is_byte_identical() {
    kit::require_tool("python3");
    let tmp = tempfile::tempdir().unwrap();
    let tree = tmp.path().join("App");
    make_tree(&tree);
    let tree = tree.to_str().unwrap();
    let ext = script("passthrough.py", "");
    for opts in [
        &["-wix3"][..],
        &["-wix4"],
        &["-wix3", "-lf"],
        &["-wix4", "-lf", "-indent", "2", "-cg", "App", "-gg"],
    ] {
        let mut args = vec!["dir", tree];
        args.extend_from_slice(opts);
        let mut plain = args.clone();
        plain.extend(["-o", "plain.wxs"]);
        heat().ok(tmp.path(), &plain);
        let mut copied = args;
        copied.extend(["-ext", &ext, "-o", "copied.wxs"]);
        heat().ok(tmp.path(), &copied);
        let a = std::fs::read(tmp.path().join("plain.wxs")).unwrap();
        let b = std::fs::read(tmp.path().join("copied.wxs")).unwrap();
        assert!(a == b, "{opts:?}: the output changed");
    }
}

/// Several `-ext` run in the order given, each on the output of the one before, with the
/// arguments given.
#[test]
#[cfg_attr(
    not(has_tool_python3),
    ignore = "needs python3 (Debian python3; .ci/run installs it)"
)]
fn programs_run_in_order() {
    kit::require_tool("python3");
    let tmp = tempfile::tempdir().unwrap();
    let tree = tmp.path().join("App");
    std::fs::create_dir_all(tree.join("sub")).unwrap();
    std::fs::write(tree.join("a.txt"), "a").unwrap();
    std::fs::write(tree.join("sub/b.txt"), "b").unwrap();
    let tree = tree.to_str().unwrap();
    for (first, second, expected) in [("1", "2", "12"), ("2", "1", "21")] {
        let (x, y) = (script("tag.py", first), script("tag.py", second));
        heat().ok(
            tmp.path(),
            &["dir", tree, "-ext", &x, "-ext", &y, "-o", "out.wxs"],
        );
        let files = files_of(&tmp.path().join("out.wxs"));
        assert_eq!(files.len(), 2);
        for attrs in files.values() {
            assert_eq!(attrs["Order"], expected);
        }
    }
}

/// Runs heat with `-ext <ext>` (and `extra`) over a small tree into `out.wxs`, where an earlier
/// output already lies; checks that the run fails with exit code 1 and leaves the earlier file
/// as it was; returns heat's standard error.
fn failing_run(ext: &str, extra: &[&str]) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let tree = tmp.path().join("App");
    std::fs::create_dir(&tree).unwrap();
    std::fs::write(tree.join("a.txt"), "a").unwrap();
    let out_path = tmp.path().join("out.wxs");
    std::fs::write(&out_path, "earlier").unwrap();
    let mut args = vec!["dir", tree.to_str().unwrap(), "-ext", ext, "-o", "out.wxs"];
    args.extend_from_slice(extra);
    let out = heat().run(tmp.path(), &args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(
        std::fs::read_to_string(&out_path).unwrap(),
        "earlier",
        "{err}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "App" && n != "out.wxs")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    err
}

#[test]
#[cfg_attr(
    not(has_tool_python3),
    ignore = "needs python3 (Debian python3; .ci/run installs it)"
)]
fn failing_program_stops_the_run() {
    kit::require_tool("python3");
    let err = failing_run(&script("fail.py", ""), &[]);
    assert!(err.contains("error HEAT8012"), "{err}");
    assert!(err.contains("'python3' failed (exit code 3)"), "{err}");
    assert!(
        err.contains("fail.py: cannot make sense of this harvest"),
        "{err}"
    );
}

#[test]
#[cfg_attr(
    not(has_tool_python3),
    ignore = "needs python3 (Debian python3; .ci/run installs it)"
)]
fn slow_program_is_stopped() {
    kit::require_tool("python3");
    let err = failing_run(&script("sleep.py", ""), &["-exttimeout", "1"]);
    assert!(err.contains("error HEAT8300"), "{err}");
    assert!(err.contains("'python3' did not finish within 1 s"), "{err}");
    assert!(err.contains("sleep.py: thinking"), "{err}");
}

#[test]
#[cfg_attr(
    not(has_tool_python3),
    ignore = "needs python3 (Debian python3; .ci/run installs it)"
)]
fn output_that_is_not_wix_stops_the_run() {
    kit::require_tool("python3");
    let cases = [
        (script("say.py", "hello"), "text outside the root element"),
        (
            script(
                "say.py",
                "'<Product xmlns=\"http://schemas.microsoft.com/wix/2006/wi\"/>'",
            ),
            "the root element is 'Product'",
        ),
        (
            script("say.py", "'<Wix/>'"),
            "the Wix element is in no namespace",
        ),
        (script("say.py", ""), "it wrote nothing"),
        (script("truncate.py", ""), "not well-formed XML"),
    ];
    for (ext, needle) in cases {
        let err = failing_run(&ext, &[]);
        assert!(err.contains("error HEAT8301"), "{ext}: {err}");
        assert!(err.contains("not WiX XML"), "{ext}: {err}");
        assert!(err.contains(needle), "{ext}: {err}");
        if ext.contains("say.py") {
            assert!(err.contains("say.py: here is my answer"), "{ext}: {err}");
        }
    }
}

#[test]
fn missing_program_is_named() {
    let err = failing_run("heat-test-no-such-program --flag", &[]);
    assert!(err.contains("error HEAT8012"), "{err}");
    assert!(
        err.contains("'heat-test-no-such-program' cannot be started"),
        "{err}"
    );
    assert!(err.contains("on the PATH"), "{err}");
    assert!(err.contains(".NET"), "{err}");
}

/// heat.exe command lines name WiX's own extension assemblies, which cannot load here and are
/// not needed: a notice (which `-wx` leaves a warning), and the run goes on.
#[test]
fn wix_extension_assemblies_are_noticed_and_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("a.txt"), "a").unwrap();
    for name in [
        "WixUtilExtension",
        "WixIIsExtension.dll",
        "C:\\Program Files (x86)\\WiX Toolset v3.11\\bin\\WixUtilExtension.dll",
        "WixToolset.Util.wixext",
    ] {
        let out = heat().ok(
            tmp.path(),
            &["dir", ".", "-ext", name, "-wx", "-o", "out.wxs"],
        );
        let err = stderr(&out);
        assert!(err.contains("warning HEAT8023"), "{name}: {err}");
        assert!(err.contains("cannot load here"), "{name}: {err}");
        assert!(tmp.path().join("out.wxs").is_file());
        let out = heat().ok(
            tmp.path(),
            &["dir", ".", "-ext", name, "-sw8023", "-o", "out.wxs"],
        );
        assert!(stderr(&out).is_empty(), "{name}: {}", stderr(&out));
    }
}

/// What a successful program writes on standard error is a warning (HEAT8302), which `-sw`
/// hides and `-wx` turns into an error.
#[test]
#[cfg_attr(
    not(has_tool_python3),
    ignore = "needs python3 (Debian python3; .ci/run installs it)"
)]
fn standard_error_of_a_success_is_a_warning() {
    kit::require_tool("python3");
    let tmp = tempfile::tempdir().unwrap();
    let tree = tmp.path().join("App");
    std::fs::create_dir(&tree).unwrap();
    std::fs::write(tree.join("a.txt"), "a").unwrap();
    let tree = tree.to_str().unwrap();
    let ext = script("note.py", "");

    let out = heat().ok(tmp.path(), &["dir", tree, "-ext", &ext, "-o", "a.wxs"]);
    let err = stderr(&out);
    assert!(err.contains("warning HEAT8302"), "{err}");
    assert!(err.contains("note.py: nothing to change"), "{err}");
    assert!(tmp.path().join("a.wxs").exists());

    let out = heat().ok(
        tmp.path(),
        &["dir", tree, "-ext", &ext, "-sw8302", "-o", "b.wxs"],
    );
    assert!(!stderr(&out).contains("HEAT8302"), "{}", stderr(&out));

    let err = failing_run(&ext, &["-wx8302"]);
    assert!(err.contains("error HEAT8302"), "{err}");
}

/// A program that fills its standard error before it reads its input, over a document larger
/// than a pipe holds, finishes: heat feeds and drains every pipe at once.
#[test]
#[cfg_attr(
    not(has_tool_python3),
    ignore = "needs python3 (Debian python3; .ci/run installs it)"
)]
fn full_pipes_do_not_block() {
    kit::require_tool("python3");
    let tmp = tempfile::tempdir().unwrap();
    let tree = tmp.path().join("App");
    make_tree(&tree);
    let tree = tree.to_str().unwrap();
    heat().ok(tmp.path(), &["dir", tree, "-o", "plain.wxs"]);
    let plain = std::fs::read(tmp.path().join("plain.wxs")).unwrap();
    // More than a pipe holds (64 KiB on Linux).
    assert!(plain.len() > 64 * 1024, "{} bytes", plain.len());
    let ext = script("flood.py", "");
    let out = heat().ok(tmp.path(), &["dir", tree, "-ext", &ext, "-o", "out.wxs"]);
    assert_eq!(std::fs::read(tmp.path().join("out.wxs")).unwrap(), plain);
    let err = stderr(&out);
    assert!(
        err.contains("warning HEAT8302"),
        "{}",
        &err[..err.len().min(300)]
    );
    assert!(err.contains("flood.py: done"));
    assert!(
        err.len() < 8 * 1024,
        "the warning shows the end only: {} bytes",
        err.len()
    );
}

#[test]
fn bad_ext_command_lines_are_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("a.txt"), "a").unwrap();
    for (args, needle) in [
        (
            vec!["-ext", "python3 'fix.py"],
            "-ext \"python3 'fix.py\": the quote ' is not closed",
        ),
        (
            vec!["-ext", "Acme.HeatExtension.dll"],
            ".NET extension assembly",
        ),
        (
            vec!["-ext", "Acme.Heat.Mutator, Acme.Heat"],
            ".NET extension assembly",
        ),
        (
            vec!["-ext", "cat", "-exttimeout", "0"],
            "-exttimeout needs a number of seconds",
        ),
    ] {
        let mut all = vec!["dir", ".", "-o", "out.wxs"];
        all.extend(args);
        let out = heat().run(tmp.path(), &all);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{all:?}: {err}");
        assert!(err.contains(needle), "{all:?}: {err}");
        assert!(!tmp.path().join("out.wxs").exists());
    }
}

/// A script named on its own is run by the interpreter its `#!` line names, or by Python for
/// a `.py` file, when it cannot be run itself (not executable here; never on Windows).
#[cfg(unix)]
#[test]
#[cfg_attr(
    not(has_tool_python3),
    ignore = "needs python3 (Debian python3; .ci/run installs it)"
)]
fn scripts_run_by_their_interpreter() {
    use std::os::unix::fs::PermissionsExt as _;
    kit::require_tool("python3");
    let tmp = tempfile::tempdir().unwrap();
    let tree = tmp.path().join("App");
    std::fs::create_dir(&tree).unwrap();
    std::fs::write(tree.join("a.txt"), "a").unwrap();
    let tree = tree.to_str().unwrap();
    let marker = std::fs::read_to_string(testdata("ext").join("tag.py")).unwrap();
    let cases = [
        // (file name, first line, mode)
        ("with shebang.py", "#!/usr/bin/env python3\n", 0o644),
        ("tag-script", "#!/usr/bin/env python3\n", 0o644),
        ("plain.py", "", 0o644),
        ("runnable", "#!/usr/bin/env python3\n", 0o755),
    ];
    for (name, first_line, mode) in cases {
        let script = tmp.path().join(name);
        std::fs::write(&script, format!("{first_line}{marker}")).unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(mode)).unwrap();
        let ext = format!("'{}' X", script.display());
        heat().ok(tmp.path(), &["dir", tree, "-ext", &ext, "-o", "out.wxs"]);
        let files = files_of(&tmp.path().join("out.wxs"));
        assert_eq!(files.len(), 1);
        assert_eq!(files.values().next().unwrap()["Order"], "X", "{name}");
    }

    // Neither executable nor a script: the error says why.
    let data = tmp.path().join("data.txt");
    std::fs::write(&data, "just text").unwrap();
    let err = failing_run(data.to_str().unwrap(), &[]);
    assert!(err.contains("error HEAT8012"), "{err}");
    assert!(err.contains("cannot be started"), "{err}");
    assert!(err.contains("run by its interpreter"), "{err}");
}
