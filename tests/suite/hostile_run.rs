//! Hostile runs: outputs that are links, devices or the run's own inputs, signals during a
//! run, `-ext` programs that leave children behind, names that would act on a terminal,
//! absurd option values, and link trees that would multiply the walk.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::heat;

/// A small tree `App` with two files, and `out.wxs` holding `earlier output`.
fn tree() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("App/sub")).unwrap();
    std::fs::write(tmp.path().join("App/good.txt"), "good").unwrap();
    std::fs::write(tmp.path().join("App/sub/also good.txt"), "good").unwrap();
    tmp
}

/// Runs heat in `cwd` with `args`, expecting failure with exit code `exit` and `code` and each
/// of `named` in the standard error, which is returned.
#[track_caller]
fn fails_with(cwd: &Path, args: &[&str], exit: i32, code: &str, named: &[&str]) -> String {
    let out = heat().run(cwd, args);
    let stderr = kit::stderr(&out);
    assert_eq!(out.status.code(), Some(exit), "{args:?}: {stderr}");
    assert!(stderr.contains(code), "expected {code}: {stderr}");
    for n in named {
        assert!(stderr.contains(n), "expected '{n}' named: {stderr}");
    }
    stderr
}

/// The `.heat-*.tmp` files left anywhere below `root`.
fn temp_files(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(listing) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in listing.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(e.path());
            } else if name.starts_with(".heat-") && name.ends_with(".tmp") {
                found.push(e.path().display().to_string());
            }
        }
    }
    found
}

/// Waits for `child` until `limit`, killing it and failing the test when it runs longer.
#[track_caller]
fn finish_within(mut child: Child, limit: Duration, what: &str) -> Output {
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn control_characters_in_names_are_shown_escaped() {
    let tmp = tree();
    std::fs::write(tmp.path().join("App/sub/evil\x1b[2J\u{202e}txt.exe"), "x").unwrap();
    let stderr = fails_with(
        tmp.path(),
        &["dir", "App", "-o", "out.wxs"],
        1,
        "HEAT8006",
        &["evil\\x1b[2J\\u{202e}txt.exe"],
    );
    assert!(
        !stderr.contains('\x1b') && !stderr.contains('\u{202e}'),
        "{stderr:?}"
    );
    // A warning is shown the same way.
    let out = heat().ok(
        tmp.path(),
        &["dir", "App", "-skip", "names", "-o", "out.wxs"],
    );
    let stderr = kit::stderr(&out);
    assert!(
        stderr.contains("warning HEAT8006") && stderr.contains("evil\\x1b[2J\\u{202e}txt.exe"),
        "{stderr}"
    );
    assert!(!stderr.contains('\x1b'), "{stderr:?}");
}

#[test]
fn absurd_indent_is_a_usage_error() {
    let tmp = tree();
    for bad in [
        "99999999999",
        "-1",
        "1000000",
        "256",
        "4x",
        "99999999999999999999999",
    ] {
        fails_with(
            tmp.path(),
            &["dir", "App", "-indent", bad, "-o", "out.wxs"],
            2,
            "HEAT8001",
            &["-indent", "255"],
        );
        assert!(!tmp.path().join("out.wxs").exists(), "-indent {bad}");
        assert!(temp_files(tmp.path()).is_empty(), "-indent {bad}");
    }
    for good in ["0", "255"] {
        heat().ok(
            tmp.path(),
            &["dir", "App", "-indent", good, "-o", "out.wxs"],
        );
    }
    let text = std::fs::read_to_string(tmp.path().join("out.wxs")).unwrap();
    assert!(
        text.contains(&format!("\r\n{}<", " ".repeat(255))),
        "{text}"
    );
}

#[test]
fn heat_file_refuses_fifos_and_devices() {
    let tmp = tree();
    let fifo = tmp.path().join("App/pipe");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let child = heat()
        .command(tmp.path())
        .args(["file", "App/pipe", "-o", "out.wxs"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = finish_within(child, Duration::from_secs(60), "heat file on a FIFO");
    let stderr = kit::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("HEAT8009") && stderr.contains("App/pipe"),
        "{stderr}"
    );
    fails_with(
        tmp.path(),
        &["file", "/dev/null", "-o", "out.wxs"],
        1,
        "HEAT8009",
        &["/dev/null"],
    );
    assert!(!tmp.path().join("out.wxs").exists());
    // A link to a device is the device.
    std::os::unix::fs::symlink("/dev/null", tmp.path().join("App/null.txt")).unwrap();
    fails_with(
        tmp.path(),
        &["file", "App/null.txt", "-o", "out.wxs"],
        1,
        "HEAT8009",
        &["App/null.txt"],
    );
    heat().ok(tmp.path(), &["file", "App/good.txt", "-o", "out.wxs"]);
}

#[test]
fn superscript_and_console_device_names_are_reserved() {
    for name in [
        "COM\u{B9}",
        "com\u{B2}.txt",
        "LPT\u{B3}.log",
        "lpt\u{B9}",
        "CONIN$",
        "conout$.txt",
    ] {
        let tmp = tree();
        std::fs::write(tmp.path().join("App/sub").join(name), "x").unwrap();
        std::fs::write(tmp.path().join("out.wxs"), "earlier").unwrap();
        let stderr = fails_with(
            tmp.path(),
            &["dir", "App", "-o", "out.wxs"],
            1,
            "HEAT8006",
            &["reserved device name", name],
        );
        assert!(stderr.contains("App/sub/"), "{stderr}");
        assert_eq!(
            std::fs::read_to_string(tmp.path().join("out.wxs")).unwrap(),
            "earlier"
        );
        let out = heat().ok(
            tmp.path(),
            &["dir", "App", "-skip", "names", "-o", "out.wxs"],
        );
        assert!(kit::stderr(&out).contains("warning HEAT8006"));
        let text = std::fs::read_to_string(tmp.path().join("out.wxs")).unwrap();
        assert!(text.contains("good.txt") && !text.contains(name), "{text}");
    }
    // Neighbours of the reserved names are ordinary.
    let tmp = tree();
    for name in [
        "COM\u{B4}",
        "COM\u{B9}x",
        "CONIN",
        "CONIN$x",
        "LPT\u{2074}.txt",
    ] {
        std::fs::write(tmp.path().join("App").join(name), "x").unwrap();
    }
    heat().ok(tmp.path(), &["dir", "App", "-o", "out.wxs"]);
}
