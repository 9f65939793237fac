//! Hostile trees: every case fails with a numbered message naming the path, a non-zero exit,
//! and the earlier output untouched; `-skip` turns chosen cases into warnings.

use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::heat;

const OLD: &[u8] = b"earlier output";

fn tree() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("App/sub")).unwrap();
    std::fs::write(tmp.path().join("App/good.txt"), "good").unwrap();
    std::fs::write(tmp.path().join("App/sub/also good.txt"), "good").unwrap();
    std::fs::write(tmp.path().join("out.wxs"), OLD).unwrap();
    tmp
}

/// Runs `heat dir App` and checks the failure: exit code, message number, the bad path named,
/// and `out.wxs` as it was.
fn fails(tmp: &Path, extra: &[&str], code: &str, names: &str) -> String {
    let mut args = vec!["dir", "App", "-o", "out.wxs"];
    args.extend(extra);
    let out = heat().run(tmp, &args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(code), "expected {code}: {stderr}");
    assert!(stderr.contains(names), "expected '{names}' named: {stderr}");
    assert_eq!(
        std::fs::read(tmp.join("out.wxs")).unwrap(),
        OLD,
        "the earlier output changed"
    );
    stderr
}

/// The same tree with `-skip <kind>` harvests, warns with the same number, and leaves the
/// entry out.
fn skipped(tmp: &Path, kind: &str, code: &str, left_out: &str) {
    let out = heat().ok(tmp, &["dir", "App", "-skip", kind, "-o", "out.wxs"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("warning {code}")), "{stderr}");
    let text = std::fs::read_to_string(tmp.join("out.wxs")).unwrap();
    assert!(text.contains("good.txt"), "{text}");
    assert!(
        !text.contains(left_out),
        "{left_out} should be left out: {text}"
    );
}

#[test]
fn name_not_unicode() {
    let tmp = tree();
    let raw = std::ffi::OsStr::from_bytes(b"bad\xff\xfename.txt");
    std::fs::write(tmp.path().join("App/sub").join(raw), "x").unwrap();
    fails(tmp.path(), &[], "HEAT8005", "bad\u{FFFD}\u{FFFD}name.txt");
    skipped(tmp.path(), "unicode", "HEAT8005", "name.txt");
}

#[test]
fn case_collision_names_both() {
    let tmp = tree();
    std::fs::write(tmp.path().join("App/Readme.TXT"), "1").unwrap();
    std::fs::write(tmp.path().join("App/README.txt"), "2").unwrap();
    let stderr = fails(tmp.path(), &[], "HEAT8007", "README.txt");
    assert!(stderr.contains("Readme.TXT"), "{stderr}");
    skipped(tmp.path(), "case", "HEAT8007", "eadme");
}

#[test]
fn windows_illegal_names() {
    for (name, what) in [
        ("a<b.txt", "'<'"),
        ("what?.txt", "'?'"),
        ("pipe|.txt", "'|'"),
        ("colon:.txt", "':'"),
        ("star*.txt", "'*'"),
        ("quote\".txt", "'\"'"),
        ("back\\slash.txt", "'\\'"),
        ("trailing.", "ends in a dot"),
        ("trailing ", "ends in a dot or a space"),
        ("tab\there.txt", "U+0009"),
        ("bell\u{7}.txt", "U+0007"),
        ("CON", "reserved"),
        ("nul.txt", "reserved"),
        ("Com1.log", "reserved"),
        ("LPT9", "reserved"),
    ] {
        let tmp = tree();
        std::fs::write(tmp.path().join("App/sub").join(name), "x").unwrap();
        let stderr = fails(tmp.path(), &[], "HEAT8006", what);
        assert!(stderr.contains("App/sub/"), "{name}: {stderr}");
        skipped(tmp.path(), "names", "HEAT8006", &name[..name.len().min(4)]);
    }
}

#[test]
fn illegal_folder_name_is_reported_before_walking_into_it() {
    let tmp = tree();
    std::fs::create_dir_all(tmp.path().join("App/aux")).unwrap();
    std::fs::write(tmp.path().join("App/aux/inner.txt"), "x").unwrap();
    fails(tmp.path(), &[], "HEAT8006", "App/aux");
}

#[test]
fn dangling_link() {
    let tmp = tree();
    std::os::unix::fs::symlink("nowhere.txt", tmp.path().join("App/sub/link.txt")).unwrap();
    fails(tmp.path(), &[], "HEAT8008", "App/sub/link.txt");
    skipped(tmp.path(), "dangling", "HEAT8008", "link.txt");
}

#[test]
fn loop_of_links_is_an_error_not_a_hang() {
    let tmp = tree();
    std::os::unix::fs::symlink("b", tmp.path().join("App/a")).unwrap();
    std::os::unix::fs::symlink("a", tmp.path().join("App/b")).unwrap();
    let stderr = fails(tmp.path(), &[], "HEAT8008", "App/a");
    assert!(stderr.contains("loop"), "{stderr}");
}

#[test]
fn link_to_a_file_is_harvested_as_the_file() {
    let tmp = tree();
    std::os::unix::fs::symlink("good.txt", tmp.path().join("App/alias.txt")).unwrap();
    heat().ok(tmp.path(), &["dir", "App", "-o", "out.wxs"]);
    let text = std::fs::read_to_string(tmp.path().join("out.wxs")).unwrap();
    assert!(text.contains("SourceDir\\alias.txt"), "{text}");
}

#[test]
fn folder_link_loops_finish() {
    let tmp = tree();
    std::os::unix::fs::symlink("..", tmp.path().join("App/sub/up")).unwrap();
    // Not followed by default: a warning, and the harvest finishes.
    let out = heat().ok(tmp.path(), &["dir", "App", "-o", "out.wxs"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("HEAT8010") && stderr.contains("App/sub/up"),
        "{stderr}"
    );
    // Followed, the loop is found and left out: the harvest still finishes.
    let out = heat().ok(tmp.path(), &["dir", "App", "-followlinks", "-o", "out.wxs"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("HEAT8011") && stderr.contains("App/sub/up"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(tmp.path().join("out.wxs")).unwrap();
    assert_eq!(text.matches("good.txt").count(), 2, "{text}");
}

#[test]
fn followed_folder_link_is_harvested() {
    let tmp = tree();
    std::fs::create_dir_all(tmp.path().join("elsewhere")).unwrap();
    std::fs::write(tmp.path().join("elsewhere/linked.txt"), "x").unwrap();
    std::os::unix::fs::symlink("../elsewhere", tmp.path().join("App/lib")).unwrap();
    heat().ok(tmp.path(), &["dir", "App", "-followlinks", "-o", "out.wxs"]);
    let text = std::fs::read_to_string(tmp.path().join("out.wxs")).unwrap();
    assert!(text.contains("SourceDir\\lib\\linked.txt"), "{text}");
}

#[test]
fn fifo_is_an_error() {
    let tmp = tree();
    let fifo = tmp.path().join("App/sub/pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    fails(tmp.path(), &[], "HEAT8009", "App/sub/pipe");
    skipped(tmp.path(), "special", "HEAT8009", "pipe");
}

#[test]
fn socket_is_an_error() {
    let tmp = tree();
    let path = tmp.path().join("App/sock");
    let _listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    fails(tmp.path(), &[], "HEAT8009", "App/sock");
}

#[test]
fn missing_source() {
    let tmp = tree();
    let out = heat().run(tmp.path(), &["dir", "Missing", "-o", "out.wxs"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("HEAT5052"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Missing"));
    assert_eq!(std::fs::read(tmp.path().join("out.wxs")).unwrap(), OLD);
}

#[test]
#[cfg_attr(not(has_dev_full), ignore = "needs /dev/full")]
fn full_output_device() {
    assert!(
        Path::new("/dev/full").exists(),
        "/dev/full is missing, and this test needs it"
    );
    let tmp = tree();
    let out = heat().run(tmp.path(), &["dir", "App", "-o", "/dev/full"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("/dev/full") && stderr.contains("HEAT8004"),
        "{stderr}"
    );
    // The device is still a device: it was written to, never replaced.
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata("/dev/full")
        .unwrap()
        .file_type()
        .is_char_device());
}

#[test]
fn unreadable_folder() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tree();
    let locked = tmp.path().join("App/locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("secret.txt"), "x").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads any folder, so as root heat runs as the unprivileged user `nobody` (setpriv,
    // from util-linux) in a folder it may write to.
    let as_root = std::fs::read_dir(&locked).is_ok();
    let mut cmd = if as_root {
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(heat().path());
        c
    } else {
        std::process::Command::new(heat().path())
    };
    let out = cmd
        .args(["dir", "App", "-o", "out.wxs"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("HEAT8004") && stderr.contains("App/locked"),
        "{stderr}"
    );
    assert!(stderr.contains("ermission denied"), "{stderr}");
    assert_eq!(std::fs::read(tmp.path().join("out.wxs")).unwrap(), OLD);
}

/// How deep the deep previous harvests below are.
const DEEP: usize = 100_000;

/// A `.wxs` file with `depth` folders nested below `<DirectoryRef Id="INSTALLFOLDER">` (or
/// `reference` as written), each with an id or none (`ids`), and one component at the bottom.
fn deep_wxs(depth: usize, reference: &str, ids: bool, schema: &str) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Wix xmlns=\"{schema}\">\n<Fragment>\n\
         {reference}\n"
    );
    for i in 0..depth {
        if ids {
            s.push_str(&format!("<Directory Id=\"d{i}\" Name=\"n{i}\">\n"));
        } else {
            s.push_str(&format!("<Directory Name=\"n{i}\">\n"));
        }
    }
    s.push_str(
        "<Component Id=\"cDeep\" Guid=\"{00000000-0000-4000-8000-0000000000DE}\">\
         <File Id=\"fDeep\" KeyPath=\"yes\" Source=\"SourceDir\\deep.txt\" /></Component>\n",
    );
    for _ in 0..depth {
        s.push_str("</Directory>\n");
    }
    let end = if reference.starts_with("<Standard") {
        "</StandardDirectory>"
    } else {
        "</DirectoryRef>"
    };
    s.push_str(&format!("{end}\n</Fragment>\n</Wix>\n"));
    s
}

const V4: &str = "http://wixtoolset.org/schemas/v4/wxs";
const V3: &str = "http://schemas.microsoft.com/wix/2006/wi";

/// Address space the runs below may use, in KiB: well below what a copy of the path per level
/// (100,000 levels of paths up to 700 KB long) would take, and above a linear run's need.
const ADDRESS_SPACE_KIB: u64 = 800_000;

/// Runs `heat args` in `dir` under an address-space limit (`ulimit -v`), with few threads and
/// malloc arenas so that reserved but unused room stays small; returns the output and the
/// time taken.
fn bounded(dir: &Path, args: &[&str]) -> (std::process::Output, std::time::Duration) {
    let start = std::time::Instant::now();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {ADDRESS_SPACE_KIB} && exec \"$0\" \"$@\""
        ))
        .arg(heat().path())
        .args(args)
        .env("MALLOC_ARENA_MAX", "2")
        .env("RAYON_NUM_THREADS", "2")
        .current_dir(dir)
        .output()
        .unwrap();
    (out, start.elapsed())
}

/// The time a run below may take: a run in time quadratic in the depth takes far longer.
const DEEP_TIME: std::time::Duration = std::time::Duration::from_secs(120);

/// `heat check` and `-update` (`-keepremoved`, which puts back every folder of a removed file)
/// read a previous harvest nested 100,000 folders deep in memory and time linear in the depth:
/// no crash, no stack overflow, within an address-space limit, and a sensible result.
#[cfg(target_os = "linux")]
#[test]
fn deeply_nested_previous_harvests_take_memory_linear_in_their_depth() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("App")).unwrap();
    std::fs::write(dir.join("App/new.txt"), "new").unwrap();
    let text = deep_wxs(DEEP, "<DirectoryRef Id=\"INSTALLFOLDER\">", true, V4);
    assert!(text.len() > 4_000_000, "{}", text.len());
    std::fs::write(dir.join("deep.wxs"), &text).unwrap();

    let (out, took) = bounded(dir, &["check", "deep.wxs", "deep.wxs"]);
    assert_eq!(out.status.code(), Some(0), "{}", kit::stderr(&out));
    assert!(kit::stderr(&out).contains("1 components compared"));
    assert!(took < DEEP_TIME, "heat check took {took:?}");

    let update = [
        "dir",
        "App",
        "-dr",
        "INSTALLFOLDER",
        "-update",
        "deep.wxs",
        "-keepremoved",
        "-o",
        "out.wxs",
    ];
    let (out, took) = bounded(dir, &update);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        kit::stderr(&out).chars().take(2000).collect::<String>()
    );
    assert!(took < DEEP_TIME, "-update took {took:?}");
    let written = std::fs::read_to_string(dir.join("out.wxs")).unwrap();
    // The removed file is a leftover, in its folders put back with their ids.
    assert!(written.contains("Id=\"cDeep\""), "no leftover");
    assert!(written.contains("Transitive=\"yes\""));
    for i in [0, DEEP / 2, DEEP - 1] {
        assert!(
            written.contains(&format!("Id=\"d{i}\" Name=\"n{i}\"")),
            "d{i}"
        );
    }
    // The leftover is where the component was: nothing breaks.
    let (out, took) = bounded(dir, &["check", "deep.wxs", "out.wxs"]);
    assert_eq!(out.status.code(), Some(0), "{}", kit::stdout(&out));
    assert!(took < DEEP_TIME, "heat check took {took:?}");
}

/// Folders of a previous harvest without ids, 100,000 deep: a v4 `Directory` may leave its id
/// to WiX, and `-keepremoved` gives the folders it puts back heat's ids (every fragment refers
/// to a folder that is defined); a `DirectoryRef` without an id, or a v3 `Directory` without
/// one, is refused with HEAT8204 naming the line. Never a crash.
#[cfg(target_os = "linux")]
#[test]
fn deep_previous_folders_without_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("App")).unwrap();
    std::fs::write(dir.join("App/new.txt"), "new").unwrap();
    let update = |previous: &str| {
        let _ = std::fs::remove_file(dir.join("out.wxs"));
        bounded(
            dir,
            &[
                "dir",
                "App",
                "-dr",
                "INSTALLFOLDER",
                "-update",
                previous,
                "-keepremoved",
                "-o",
                "out.wxs",
            ],
        )
    };

    let text = deep_wxs(DEEP, "<DirectoryRef Id=\"INSTALLFOLDER\">", false, V4);
    std::fs::write(dir.join("noids.wxs"), &text).unwrap();
    let (out, took) = update("noids.wxs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        kit::stderr(&out).chars().take(2000).collect::<String>()
    );
    assert!(took < DEEP_TIME, "-update took {took:?}");
    let written = std::fs::read_to_string(dir.join("out.wxs")).unwrap();
    let folders = written.matches("<Directory ").count();
    assert_eq!(folders, DEEP + 1, "the folders put back and App");
    assert_eq!(written.matches("<Directory Id=\"dir").count(), folders);
    assert!(!written.contains("Id=\"\""), "an empty id");
    let (out, _) = bounded(dir, &["check", "out.wxs", "out.wxs"]);
    assert_eq!(out.status.code(), Some(0), "{}", kit::stdout(&out));
    let (out, _) = bounded(dir, &["check", "noids.wxs", "out.wxs"]);
    assert_eq!(out.status.code(), Some(0), "{}", kit::stdout(&out));

    for (name, text, line) in [
        ("noref.wxs", deep_wxs(DEEP, "<DirectoryRef>", false, V4), 4),
        (
            "v3.wxs",
            deep_wxs(DEEP, "<DirectoryRef Id=\"INSTALLFOLDER\">", false, V3),
            5,
        ),
    ] {
        std::fs::write(dir.join(name), &text).unwrap();
        let (out, took) = update(name);
        let err = kit::stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(
            err.contains("HEAT8204") && err.contains(name),
            "{name}: {err}"
        );
        assert!(err.contains("has no Id"), "{name}: {err}");
        // The first element without an id: the reference, or the first folder.
        assert!(err.contains(&format!("line {line}: ")), "{name}: {err}");
        assert!(!dir.join("out.wxs").exists(), "{name}: written");
        assert!(took < DEEP_TIME, "{name}: -update took {took:?}");
        let (out, _) = bounded(dir, &["check", name, name]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert!(kit::stdout(&out).contains("invalid-id: "), "{name}");
    }
}
