//! The progress line: on a terminal's standard error for a run longer than the delay, never
//! when standard error is not a terminal, never with -nologo.

use std::process::Command;

use crate::heat;

fn tree() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("App/sub")).unwrap();
    for i in 0..50 {
        std::fs::write(tmp.path().join(format!("App/sub/f{i}.txt")), "x").unwrap();
    }
    tmp
}

/// Runs heat under `script`, which gives it a pseudo-terminal, with an -ext step that makes
/// the run last a second; returns what the terminal showed.
fn on_a_terminal(tmp: &std::path::Path, extra: &str) -> String {
    let cmd = format!(
        "HEAT_PROGRESS_AFTER_MS=100 '{}' dir App -o out.wxs {extra} -ext \"sh -c 'sleep 1; cat'\"",
        heat().path().display()
    );
    let out = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .current_dir(tmp)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
#[cfg_attr(
    not(has_tool_script),
    ignore = "needs script (Debian bsdutils; .ci/run installs it)"
)]
fn progress_shows_on_a_terminal() {
    kit::require_tool("script");
    let tmp = tree();
    let shown = on_a_terminal(tmp.path(), "");
    assert!(
        shown.contains("heat: 50 files, 2 folders seen"),
        "{shown:?}"
    );
    assert!(shown.contains("writing the harvest"), "{shown:?}");
    assert!(std::fs::read_to_string(tmp.path().join("out.wxs"))
        .unwrap()
        .contains("f49.txt"));
}

#[test]
#[cfg_attr(
    not(has_tool_script),
    ignore = "needs script (Debian bsdutils; .ci/run installs it)"
)]
fn nologo_keeps_a_terminal_quiet() {
    kit::require_tool("script");
    let tmp = tree();
    let shown = on_a_terminal(tmp.path(), "-nologo");
    assert!(!shown.contains("files"), "{shown:?}");
}

#[test]
fn no_progress_when_stderr_is_not_a_terminal() {
    let tmp = tree();
    let out = heat().run(
        tmp.path(),
        &[
            "dir",
            "App",
            "-o",
            "out.wxs",
            "-ext",
            "sh -c 'sleep 1; cat'",
        ],
    );
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("files"), "{stderr}");
}
