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

/// Waits for `child` until `limit` (reading its outputs meanwhile), killing it and failing the
/// test when it runs longer.
#[track_caller]
fn finish_within(child: Child, limit: Duration, what: &str) -> Output {
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            panic!("{what} did not finish within {limit:?}");
        }
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

#[test]
fn output_links_are_written_through() {
    let tmp = tree();
    std::fs::create_dir(tmp.path().join("real")).unwrap();
    std::fs::write(tmp.path().join("real/t.wxs"), "old").unwrap();
    std::os::unix::fs::symlink("real/t.wxs", tmp.path().join("l.wxs")).unwrap();
    // A chain of two links.
    std::os::unix::fs::symlink("l.wxs", tmp.path().join("l2.wxs")).unwrap();
    heat().ok(tmp.path(), &["dir", "App", "-o", "l2.wxs"]);
    for link in ["l.wxs", "l2.wxs"] {
        let meta = std::fs::symlink_metadata(tmp.path().join(link)).unwrap();
        assert!(meta.file_type().is_symlink(), "{link} is no longer a link");
    }
    let text = std::fs::read_to_string(tmp.path().join("real/t.wxs")).unwrap();
    assert!(text.contains("good.txt"), "{text}");
    assert!(temp_files(tmp.path()).is_empty());

    // A dangling link into a folder that exists: the file it names is made.
    std::os::unix::fs::symlink("real/new.wxs", tmp.path().join("d.wxs")).unwrap();
    heat().ok(tmp.path(), &["dir", "App", "-o", "d.wxs"]);
    assert!(std::fs::symlink_metadata(tmp.path().join("d.wxs"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(tmp.path().join("real/new.wxs"))
        .unwrap()
        .contains("good.txt"));
    // Into a folder that does not: an error naming the link, nothing made.
    std::os::unix::fs::symlink("missing/x.wxs", tmp.path().join("e.wxs")).unwrap();
    fails_with(
        tmp.path(),
        &["dir", "App", "-o", "e.wxs"],
        1,
        "HEAT8004",
        &["e.wxs", "missing/x.wxs"],
    );
    assert!(!tmp.path().join("missing").exists());
    // A link to a folder: an error, the folder and link as they were.
    std::os::unix::fs::symlink("real", tmp.path().join("f.wxs")).unwrap();
    fails_with(
        tmp.path(),
        &["dir", "App", "-o", "f.wxs"],
        1,
        "HEAT8004",
        &["f.wxs", "link to a folder"],
    );
    assert!(std::fs::symlink_metadata(tmp.path().join("f.wxs"))
        .unwrap()
        .file_type()
        .is_symlink());
    // A loop of links.
    std::os::unix::fs::symlink("g.wxs", tmp.path().join("h.wxs")).unwrap();
    std::os::unix::fs::symlink("h.wxs", tmp.path().join("g.wxs")).unwrap();
    fails_with(
        tmp.path(),
        &["dir", "App", "-o", "g.wxs"],
        1,
        "HEAT8004",
        &["g.wxs", "loop"],
    );
    assert!(temp_files(tmp.path()).is_empty());
}

#[test]
fn other_outputs_are_written_through_links_too() {
    let tmp = tree();
    heat().ok(tmp.path(), &["dir", "App", "-gg", "-o", "rel1.wxs"]);
    std::fs::write(tmp.path().join("target.json"), "old").unwrap();
    std::os::unix::fs::symlink("target.json", tmp.path().join("report.json")).unwrap();
    heat().ok(
        tmp.path(),
        &[
            "dir",
            "App",
            "-gg",
            "-update",
            "rel1.wxs",
            "-updatereport",
            "report.json",
            "-o",
            "rel2.wxs",
        ],
    );
    assert!(std::fs::symlink_metadata(tmp.path().join("report.json"))
        .unwrap()
        .file_type()
        .is_symlink());
    let report = std::fs::read_to_string(tmp.path().join("target.json")).unwrap();
    assert!(report.trim_start().starts_with('{'), "{report}");
    std::os::unix::fs::symlink("target.json", tmp.path().join("check.json")).unwrap();
    heat().ok(
        tmp.path(),
        &["check", "rel1.wxs", "rel2.wxs", "-json", "check.json"],
    );
    let json = std::fs::read_to_string(tmp.path().join("target.json")).unwrap();
    assert_ne!(json, report);
    assert!(json.contains("findings"), "{json}");
}

#[test]
fn dev_stdout_is_written_to_not_replaced() {
    let tmp = tree();
    let out = heat().ok(tmp.path(), &["dir", "App", "-o", "/dev/stdout"]);
    assert!(kit::stdout(&out).contains("good.txt"));
    // Standard output sent to a file: the file is written, through the process's descriptor.
    let file = std::fs::File::create(tmp.path().join("captured.wxs")).unwrap();
    let status = heat()
        .command(tmp.path())
        .args(["dir", "App", "-o", "/dev/stdout"])
        .stdout(file)
        .status()
        .unwrap();
    assert!(status.success());
    let text = std::fs::read_to_string(tmp.path().join("captured.wxs")).unwrap();
    assert!(text.contains("good.txt"), "{text}");
    heat().ok(tmp.path(), &["dir", "App", "-o", "/dev/null"]);
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
}

#[test]
fn no_run_writes_over_a_file_it_reads() {
    let tmp = tree();
    std::fs::write(tmp.path().join("a.txt"), "keep").unwrap();
    std::fs::hard_link(tmp.path().join("a.txt"), tmp.path().join("hard.txt")).unwrap();
    std::os::unix::fs::symlink("a.txt", tmp.path().join("soft.txt")).unwrap();
    for out in ["a.txt", "hard.txt", "soft.txt", "./a.txt"] {
        fails_with(
            tmp.path(),
            &["file", "a.txt", "-o", out],
            1,
            "HEAT8014",
            &["-o", out, "the input 'a.txt'"],
        );
        assert_eq!(
            std::fs::read_to_string(tmp.path().join("a.txt")).unwrap(),
            "keep"
        );
    }
    std::fs::write(
        tmp.path().join("a.reg"),
        "REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\Software\\X]\r\n\"v\"=\"1\"\r\n",
    )
    .unwrap();
    let reg = std::fs::read(tmp.path().join("a.reg")).unwrap();
    fails_with(
        tmp.path(),
        &["reg", "a.reg", "-o", "a.reg"],
        1,
        "HEAT8014",
        &["a.reg"],
    );
    assert_eq!(std::fs::read(tmp.path().join("a.reg")).unwrap(), reg);

    // -update: -o may regenerate the previous harvest in place, -updatereport may not.
    heat().ok(tmp.path(), &["dir", "App", "-gg", "-o", "rel1.wxs"]);
    let rel1 = std::fs::read(tmp.path().join("rel1.wxs")).unwrap();
    fails_with(
        tmp.path(),
        &[
            "dir",
            "App",
            "-gg",
            "-update",
            "rel1.wxs",
            "-updatereport",
            "rel1.wxs",
            "-o",
            "rel2.wxs",
        ],
        1,
        "HEAT8014",
        &["-updatereport 'rel1.wxs'", "-update 'rel1.wxs'"],
    );
    assert_eq!(std::fs::read(tmp.path().join("rel1.wxs")).unwrap(), rel1);
    assert!(!tmp.path().join("rel2.wxs").exists());
    heat().ok(
        tmp.path(),
        &["dir", "App", "-gg", "-update", "rel1.wxs", "-o", "rel1.wxs"],
    );
    assert_eq!(std::fs::read(tmp.path().join("rel1.wxs")).unwrap(), rel1);

    // Two outputs on one file.
    fails_with(
        tmp.path(),
        &[
            "dir",
            "App",
            "-gg",
            "-update",
            "rel1.wxs",
            "-updatereport",
            "x.wxs",
            "-o",
            "x.wxs",
        ],
        1,
        "HEAT8014",
        &["-o 'x.wxs'", "-updatereport 'x.wxs'"],
    );
    assert!(!tmp.path().join("x.wxs").exists());

    // heat check's JSON over one of its harvests.
    fails_with(
        tmp.path(),
        &["check", "rel1.wxs", "rel1.wxs", "-json", "rel1.wxs"],
        1,
        "HEAT8014",
        &["-json 'rel1.wxs'"],
    );
    assert_eq!(std::fs::read(tmp.path().join("rel1.wxs")).unwrap(), rel1);

    // A response file, an -ext program.
    std::fs::write(tmp.path().join("args.rsp"), "dir App -o args.rsp").unwrap();
    fails_with(
        tmp.path(),
        &["@args.rsp"],
        1,
        "HEAT8014",
        &["the response file 'args.rsp'"],
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("args.rsp")).unwrap(),
        "dir App -o args.rsp"
    );
    std::fs::write(tmp.path().join("fix.sh"), "#!/bin/sh\ncat\n").unwrap();
    fails_with(
        tmp.path(),
        &["dir", "App", "-ext", "sh fix.sh", "-o", "fix.sh"],
        1,
        "HEAT8014",
        &["the -ext program 'fix.sh'"],
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("fix.sh")).unwrap(),
        "#!/bin/sh\ncat\n"
    );
}

#[cfg(feature = "xslt")]
#[test]
fn output_over_the_stylesheet_is_an_error() {
    let tmp = tree();
    let xsl = "<xsl:stylesheet version=\"1.0\" xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\">\
               <xsl:template match=\"@*|node()\"><xsl:copy><xsl:apply-templates select=\"@*|node()\"/></xsl:copy></xsl:template>\
               </xsl:stylesheet>";
    std::fs::write(tmp.path().join("t.xsl"), xsl).unwrap();
    fails_with(
        tmp.path(),
        &["dir", "App", "-t", "t.xsl", "-o", "t.xsl"],
        1,
        "HEAT8014",
        &["-t 't.xsl'"],
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("t.xsl")).unwrap(),
        xsl
    );
}

#[test]
fn output_inside_the_harvested_folder_is_left_out() {
    let tmp = tree();
    let first = heat().output_of(tmp.path(), &["dir", "App", "-gg"]);
    heat().ok(tmp.path(), &["dir", "App", "-gg", "-o", "App/sub/app.wxs"]);
    // A leftover temporary file beside it is no part of the harvest either.
    std::fs::write(tmp.path().join("App/sub/.heat-XYZ.tmp"), "x").unwrap();
    heat().ok(tmp.path(), &["dir", "App", "-gg", "-o", "App/sub/app.wxs"]);
    let second = std::fs::read(tmp.path().join("App/sub/app.wxs")).unwrap();
    assert_eq!(first, second);
    // Through a link to the output's folder too.
    std::os::unix::fs::symlink("App/sub", tmp.path().join("s")).unwrap();
    heat().ok(tmp.path(), &["dir", "App", "-gg", "-o", "s/app.wxs"]);
    assert_eq!(
        std::fs::read(tmp.path().join("App/sub/app.wxs")).unwrap(),
        first
    );
    // Elsewhere, a file of that name is harvested.
    std::fs::write(tmp.path().join("App/app.wxs"), "x").unwrap();
    let text = String::from_utf8(heat().output_of(tmp.path(), &["dir", "App"])).unwrap();
    assert!(text.contains("SourceDir\\app.wxs"), "{text}");
}

#[test]
fn many_folder_links_do_not_multiply_the_walk() {
    let tmp = tree();
    let n = 30;
    for i in 0..n {
        let d = tmp.path().join(format!("App/d{i:02}"));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("f.txt"), "x").unwrap();
        for j in 0..n {
            if j != i {
                std::os::unix::fs::symlink(format!("../d{j:02}"), d.join(format!("to{j:02}")))
                    .unwrap();
            }
        }
        std::os::unix::fs::symlink("..", d.join("up")).unwrap();
    }
    let child = heat()
        .command(tmp.path())
        .args(["dir", "App", "-followlinks", "-o", "out.wxs"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = finish_within(
        child,
        Duration::from_secs(120),
        "-followlinks over 870 links",
    );
    let stderr = kit::stderr(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("HEAT8015") && stderr.contains("HEAT8011"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(tmp.path().join("out.wxs")).unwrap();
    // Each real folder at its place, and each at most once more through a link: a link to a
    // folder walked already is left out.
    let count = text.matches("f.txt").count();
    assert!((n..=2 * n).contains(&count), "{count} f.txt: {text}");
    // The same output on a second run: the walk is in tree order, not timing.
    let again = heat().output_of(tmp.path(), &["dir", "App", "-followlinks"]);
    assert_eq!(std::fs::read(tmp.path().join("out.wxs")).unwrap(), again);
}

/// Whether the process `pid` still runs (and is not a zombie).
fn alive(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit(')')
            .next()
            .is_some_and(|s| !s.trim_start().starts_with('Z'))
    })
}

/// Whether the process `pid` has ended within 5 s (a killed process takes a moment to go).
fn ends_soon(pid: &str) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(5) {
        if !alive(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// Waits up to 10 s for `path` to hold a process id, and returns it.
fn pid_in(path: &Path) -> String {
    let start = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(path) {
            if text.ends_with('\n') {
                return text.trim().to_owned();
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{} never written",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
#[cfg(target_os = "linux")]
fn ext_program_groups_are_stopped_whole() {
    let tmp = tree();
    // Leaves a child behind that holds standard output open, and answers at once.
    std::fs::write(
        tmp.path().join("leave.sh"),
        "#!/bin/sh\nsleep 300 &\necho $! > bg.pid\ncat\n",
    )
    .unwrap();
    let start = Instant::now();
    let child = heat()
        .command(tmp.path())
        .args([
            "dir",
            "App",
            "-ext",
            "sh leave.sh",
            "-exttimeout",
            "100",
            "-o",
            "out.wxs",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = finish_within(
        child,
        Duration::from_secs(60),
        "heat with a lingering grandchild",
    );
    assert!(out.status.success(), "{}", kit::stderr(&out));
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
    assert!(std::fs::read_to_string(tmp.path().join("out.wxs"))
        .unwrap()
        .contains("good.txt"));
    assert!(
        ends_soon(&pid_in(&tmp.path().join("bg.pid"))),
        "the grandchild runs on"
    );

    // A program that does not finish: it and its children are stopped at the timeout.
    std::fs::write(
        tmp.path().join("hang.sh"),
        "#!/bin/sh\nsleep 300 &\necho $! > hang.pid\nwait\n",
    )
    .unwrap();
    let child = heat()
        .command(tmp.path())
        .args([
            "dir",
            "App",
            "-ext",
            "sh hang.sh",
            "-exttimeout",
            "1",
            "-o",
            "out2.wxs",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = finish_within(child, Duration::from_secs(60), "heat with a hanging -ext");
    let stderr = kit::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("HEAT8300"), "{stderr}");
    assert!(
        ends_soon(&pid_in(&tmp.path().join("hang.pid"))),
        "the grandchild runs on"
    );
    assert!(!tmp.path().join("out2.wxs").exists());
}

#[test]
#[cfg(target_os = "linux")]
fn sigterm_stops_ext_programs_and_removes_temporary_files() {
    for (signal, code) in [("-TERM", 143), ("-INT", 130)] {
        let tmp = tree();
        std::fs::write(
            tmp.path().join("hang.sh"),
            "#!/bin/sh\nsleep 300 &\necho $! > bg.pid\nwait\n",
        )
        .unwrap();
        let child = heat()
            .command(tmp.path())
            .args(["dir", "App", "-ext", "sh hang.sh", "-o", "out.wxs"])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let pid = child.id().to_string();
        let bg = pid_in(&tmp.path().join("bg.pid"));
        assert!(Command::new("kill")
            .args([signal, &pid])
            .status()
            .unwrap()
            .success());
        let out = finish_within(child, Duration::from_secs(30), "heat after a signal");
        assert_eq!(
            out.status.code(),
            Some(code),
            "{signal}: {}",
            kit::stderr(&out)
        );
        assert!(ends_soon(&bg), "{signal}: the -ext program's child runs on");
        assert!(!tmp.path().join("out.wxs").exists());
    }
}

#[test]
#[cfg(target_os = "linux")]
fn sigterm_while_writing_leaves_no_temporary_file() {
    // A tree large enough that writing its harvest takes a while; the signal is sent as soon
    // as the temporary file appears.
    let tmp = tree();
    for d in 0..20 {
        let dir = tmp.path().join(format!("App/big{d:02}"));
        std::fs::create_dir_all(&dir).unwrap();
        for f in 0..2000 {
            std::fs::write(dir.join(format!("file-with-a-longish-name-{f:05}.dat")), "").unwrap();
        }
    }
    std::fs::create_dir(tmp.path().join("out")).unwrap();
    let mut caught = 0;
    for _ in 0..5 {
        let child = heat()
            .command(tmp.path())
            .args(["dir", "App", "-gg", "-o", "out/app.wxs"])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let pid = child.id().to_string();
        let start = Instant::now();
        let mut sent = false;
        while start.elapsed() < Duration::from_secs(60) {
            if !temp_files(&tmp.path().join("out")).is_empty() {
                Command::new("kill").args(["-TERM", &pid]).status().unwrap();
                sent = true;
                break;
            }
            if std::fs::metadata(tmp.path().join("out/app.wxs")).is_ok() {
                break;
            }
            std::thread::yield_now();
        }
        let out = finish_within(child, Duration::from_secs(60), "heat after SIGTERM");
        if sent && out.status.code() == Some(143) {
            caught += 1;
            assert!(
                temp_files(tmp.path()).is_empty(),
                "{:?}",
                temp_files(tmp.path())
            );
            assert!(!tmp.path().join("out/app.wxs").exists());
        }
        let _ = std::fs::remove_file(tmp.path().join("out/app.wxs"));
    }
    assert!(caught > 0, "the run was never caught writing its output");
}
