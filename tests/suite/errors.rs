//! Bad input: a numbered message naming the path, a non-zero exit, and no output file (an
//! earlier output is left untouched).

use std::path::Path;

use crate::heat;

const OLD: &[u8] = b"previous output";

/// Runs heat with an existing `out.wxs` in place and checks the failure.
fn fails(cwd: &Path, args: &[&str], code: &str, needle: &str, exit: i32) {
    let out_file = cwd.join("out.wxs");
    std::fs::write(&out_file, OLD).unwrap();
    let mut all = args.to_vec();
    all.extend(["-o", "out.wxs"]);
    let out = heat().run(cwd, &all);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(exit), "{args:?}: {stderr}");
    assert!(
        stderr.contains(code),
        "{args:?}: expected {code} in: {stderr}"
    );
    assert!(
        stderr.contains(needle),
        "{args:?}: expected '{needle}' in: {stderr}"
    );
    assert_eq!(
        std::fs::read(&out_file).unwrap(),
        OLD,
        "{args:?}: the earlier output was changed"
    );
    let leftovers = heat_temporaries(cwd);
    assert!(
        leftovers.is_empty(),
        "{args:?}: temporary files left: {leftovers:?}"
    );
}

/// The temporary files heat left in `dir` (`.heat-*`).
fn heat_temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(".heat-"))
        .collect()
}

fn setup() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("App/sub")).unwrap();
    std::fs::write(tmp.path().join("App/a.txt"), "a").unwrap();
    std::fs::create_dir_all(tmp.path().join("Empty/inner")).unwrap();
    tmp
}

#[test]
fn missing_source_folder() {
    let tmp = setup();
    fails(
        tmp.path(),
        &["dir", "NoSuchFolder"],
        "HEAT5052",
        "NoSuchFolder",
        1,
    );
}

#[test]
fn missing_source_file() {
    let tmp = setup();
    fails(
        tmp.path(),
        &["file", "App/missing.txt"],
        "HEAT5059",
        "missing.txt",
        1,
    );
}

#[test]
fn dir_given_a_file() {
    let tmp = setup();
    fails(
        tmp.path(),
        &["dir", "App/a.txt"],
        "HEAT8002",
        "App/a.txt",
        1,
    );
}

#[test]
fn file_given_a_folder() {
    let tmp = setup();
    fails(tmp.path(), &["file", "App"], "HEAT8003", "App", 1);
}

/// A build without the `xslt` feature (`--no-default-features`) still reads `-t`, and stops with
/// one message saying why it cannot run it.
#[cfg(not(feature = "xslt"))]
#[test]
fn transforms_without_xslt_are_one_clear_error() {
    let tmp = setup();
    std::fs::write(tmp.path().join("drop.xsl"), "<xsl:stylesheet/>").unwrap();
    fails(
        tmp.path(),
        &["dir", "App", "-t", "drop.xsl"],
        "HEAT8106",
        "built without XSLT",
        1,
    );
}

#[test]
fn nothing_to_harvest_without_ke() {
    let tmp = setup();
    fails(tmp.path(), &["dir", "Empty"], "HEAT5053", "Empty", 1);
    heat().ok(tmp.path(), &["dir", "Empty", "-ke", "-o", "out.wxs"]);
    let text = std::fs::read_to_string(tmp.path().join("out.wxs")).unwrap();
    assert_eq!(text.matches("<CreateFolder />").count(), 2, "{text}");
}

#[test]
fn command_line_errors_exit_2() {
    let tmp = setup();
    fails(
        tmp.path(),
        &["nosuchtype", "App"],
        "HEAT8001",
        "nosuchtype",
        2,
    );
    fails(
        tmp.path(),
        &["dir", "App", "-cg", "two words"],
        "HEAT5057",
        "two words",
        2,
    );
    fails(tmp.path(), &["dir", "App", "-cg"], "HEAT5058", "-cg", 2);
}

/// A switch heat does not know is a warning, and the run goes on as heat's does; `-wx` makes it
/// an error, and then nothing is written.
#[test]
fn unknown_switches_and_templates_are_warnings() {
    let tmp = setup();
    let out = heat().ok(
        tmp.path(),
        &[
            "dir",
            "App",
            "-frag",
            "-template",
            "component",
            "-o",
            "out.wxs",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("warning HEAT8020"), "{stderr}");
    assert!(stderr.contains("did you mean '-sfrag'"), "{stderr}");
    assert!(stderr.contains("warning HEAT8021"), "{stderr}");
    assert!(stderr.contains("'component'"), "{stderr}");
    let text = std::fs::read_to_string(tmp.path().join("out.wxs")).unwrap();
    assert!(
        text.contains("<Fragment>") && !text.contains("<Product"),
        "{text}"
    );

    fails(
        tmp.path(),
        &["dir", "App", "-frag", "-wx"],
        "error HEAT8020",
        "-frag",
        1,
    );
    fails(
        tmp.path(),
        &["dir", "App", "-template", "bundle", "-wx8021"],
        "error HEAT8021",
        "bundle",
        1,
    );
}

/// Suppression beats elevation, as in heat's message handler: a suppressed warning is never an
/// error.
#[test]
fn suppressed_warnings_are_never_errors() {
    let tmp = setup();
    for args in [
        &["-frag", "-sw", "-wx"][..],
        &["-frag", "-wx", "-sw8020"],
        &["-frag", "-sw8020", "-wx"],
        &["-frag", "-wx8020", "-sw8020"],
        &["-frag", "-sw", "-wx8020"],
    ] {
        let mut all = vec!["dir", "App", "-o", "out.wxs"];
        all.extend(args);
        let out = heat().ok(tmp.path(), &all);
        assert!(
            out.stderr.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// `-scom`, `-sreg` and `-svb6` suppress harvesting that needs Windows and is never done here:
/// on a harvest where nothing needed it, heat says nothing, and neither does this tool, even
/// under `-wx`.
#[test]
fn com_options_say_nothing() {
    let tmp = setup();
    let out = heat().ok(
        tmp.path(),
        &[
            "dir", "App", "-scom", "-sreg", "-svb6", "-wx", "-o", "out.wxs",
        ],
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn response_file_and_heat_spellings() {
    let tmp = setup();
    std::fs::write(
        tmp.path().join("args.rsp"),
        "dir App\r\n-cg \"Group\" /srd -template:fragment\n",
    )
    .unwrap();
    heat().ok(tmp.path(), &["@args.rsp", "-out", "out.wxs", "-nologo"]);
    let text = std::fs::read_to_string(tmp.path().join("out.wxs")).unwrap();
    assert!(text.contains("<ComponentGroup Id=\"Group\">"), "{text}");
    assert!(
        !text.contains("Name=\"App\""),
        "-srd was not applied: {text}"
    );
}

#[test]
fn output_folder_is_created() {
    let tmp = setup();
    heat().ok(tmp.path(), &["dir", "App", "-o", "new/folder/out.wxs"]);
    assert!(tmp.path().join("new/folder/out.wxs").is_file());
}

#[test]
fn failed_rename_leaves_no_temporary_file() {
    let tmp = setup();
    // The output path is a non-empty folder: the final rename fails after everything was written.
    std::fs::create_dir_all(tmp.path().join("taken/keep")).unwrap();
    let out = heat().run(tmp.path(), &["dir", "App", "-o", "taken"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("HEAT8004") && stderr.contains("taken"),
        "{stderr}"
    );
    assert!(tmp.path().join("taken/keep").is_dir());
    let leftovers = heat_temporaries(tmp.path());
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[cfg(unix)]
#[test]
fn output_permissions_are_a_plain_files() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = setup();
    // Under umask 022 a plain new file is 0644; the temporary file's private 0600 must not leak.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask 022 && exec '{}' dir App -o new.wxs",
            heat().path().display()
        ))
        .current_dir(tmp.path())
        .status()
        .unwrap();
    assert!(status.success());
    let mode = std::fs::metadata(tmp.path().join("new.wxs"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o644, "{mode:o}");
    // Replacing a file keeps its permissions.
    std::fs::set_permissions(
        tmp.path().join("new.wxs"),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    heat().ok(tmp.path(), &["dir", "App", "-o", "new.wxs"]);
    let mode = std::fs::metadata(tmp.path().join("new.wxs"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o640);
}
