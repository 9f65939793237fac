//! `heat --generate <kind>`: shell completions and a man page made from the option table the
//! parser reads. Each one names every option and harvest type that `heat -?` lists (the help is
//! printed from the same table), each is accepted by its shell or by groff where that is
//! installed, and the bash and fish ones complete what they should.

use std::path::Path;
use std::process::Command;

use crate::heat;

const KINDS: [&str; 5] = [
    "complete-bash",
    "complete-zsh",
    "complete-fish",
    "complete-powershell",
    "man",
];

/// What `heat --generate <kind>` prints; it must succeed and say nothing on standard error.
fn generated(kind: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let out = heat().ok(tmp.path(), &["--generate", kind]);
    assert!(out.stderr.is_empty(), "{kind}: {}", kit::stderr(&out));
    let text = kit::stdout(&out);
    assert!(text.ends_with('\n'), "{kind}: no newline at the end");
    text
}

/// Writes `kind` into `dir` as `name` and returns its path.
fn generated_file(dir: &Path, kind: &str, name: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, generated(kind)).unwrap();
    path
}

/// The section of `heat <args>`'s help that starts after the line `header`, up to a blank line:
/// the first word of each line (each spelling of `-? | -help`, `-sw[N], -wx[N]`), `-sw[N]` read
/// as `-sw`; `-?`, which shells are not offered, left out. With `options`, only the words that
/// start with a dash (a help wrapped onto a second line starts with another word).
fn help_words(args: &[&str], header: &str, options: bool) -> Vec<String> {
    let tmp = tempfile::tempdir().unwrap();
    let help = kit::stdout(&heat().ok(tmp.path(), args));
    let section: Vec<&str> = help
        .lines()
        .skip_while(|l| *l != header)
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .collect();
    assert!(!section.is_empty(), "no '{header}' in the help:\n{help}");
    let mut words = Vec::new();
    for line in section {
        let head = line.trim_start().split("  ").next().unwrap();
        for spelling in head.split(", ").flat_map(|part| part.split(" | ")) {
            let word = spelling.split(' ').next().unwrap().trim_end_matches("[N]");
            if word != "-?" && (!options || word.starts_with('-')) {
                words.push(word.to_owned());
            }
        }
    }
    words.dedup();
    words
}

/// Every option of a harvest, as `heat -?` lists them.
fn harvest_options() -> Vec<String> {
    let options = help_words(&["-?"], "Options:", true);
    // The table is the full one: heat's, the standard extension's and the built-in -win64.
    for known in [
        "-cg",
        "-dr",
        "-srd",
        "-t",
        "-o",
        "-win64",
        "-sw",
        "--version",
        "--generate",
    ] {
        assert!(
            options.iter().any(|o| o == known),
            "{known} not in {options:?}"
        );
    }
    options
}

/// The options of `heat check`, as `heat check -?` lists them.
fn check_options() -> Vec<String> {
    help_words(&["check", "-?"], "Options:", true)
}

/// The harvest types `heat -?` lists.
fn harvest_types() -> Vec<String> {
    help_words(&["-?"], "Harvest types:", false)
}

/// The words of `text`, split at white space and shell quotes.
fn shell_words(text: &str) -> Vec<&str> {
    text.split(|c: char| c.is_whitespace() || c == '\'' || c == '"' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .collect()
}

/// Asserts that `mentions(option)` holds for every harvest option, check option and harvest
/// type.
fn assert_mentions_everything(kind: &str, mentions: impl Fn(&str) -> bool) {
    let all = harvest_options()
        .into_iter()
        .chain(check_options())
        .chain(harvest_types())
        .chain(["check".to_owned()]);
    let missing: Vec<String> = all.filter(|o| !mentions(o)).collect();
    assert!(missing.is_empty(), "{kind} does not name {missing:?}");
}

#[test]
fn help_lists_version_generate_and_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let help = kit::stdout(&heat().ok(tmp.path(), &["-?"]));
    assert!(help.contains("\n   --version "), "{help}");
    assert!(help.contains("\n   --generate <kind> "), "{help}");
    for kind in KINDS {
        assert!(help.contains(kind), "{kind} not in the help");
    }
    let codes: Vec<&str> = help
        .lines()
        .skip_while(|l| *l != "Exit codes:")
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(codes, ["0", "1", "2", "3", "130", "143"], "{help}");

    let out = heat().ok(tmp.path(), &["--version"]);
    assert_eq!(
        kit::stdout(&out),
        format!("heat-rs {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn generate_needs_a_kind_it_knows() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        &["--generate"][..],
        &["--generate", "complete-tcsh"],
        &["--generate=roff"],
    ] {
        let out = heat().run(tmp.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = kit::stderr(&out);
        assert!(err.contains("HEAT8001"), "{args:?}: {err}");
        for kind in KINDS {
            assert!(err.contains(kind), "{args:?}: {err}");
        }
        assert!(out.stdout.is_empty());
    }
    // `--generate=<kind>` is the same as `--generate <kind>`.
    let out = heat().ok(tmp.path(), &["--generate=man"]);
    assert_eq!(kit::stdout(&out), generated("man"));
}

#[test]
fn bash_completion_names_every_option() {
    let script = generated("complete-bash");
    let words = shell_words(&script);
    assert_mentions_everything("bash", |o| words.contains(&o));
    assert!(script.contains("complete -o filenames -F _heat heat\n"));
}

#[test]
fn zsh_completion_names_every_option() {
    let script = generated("complete-zsh");
    assert!(script.starts_with("#compdef heat\n"));
    assert_mentions_everything("zsh", |o| {
        script.contains(&format!("{o}[")) || script.contains(&format!("'{o}:"))
    });
}

#[test]
fn fish_completion_names_every_option() {
    let script = generated("complete-fish");
    assert_mentions_everything("fish", |o| {
        let spelled = match o.strip_prefix("--") {
            Some(long) => format!(" -l {long} "),
            None => match o.strip_prefix('-') {
                Some(old) => format!(" -o {old} "),
                None => format!(" -a '{o}' "),
            },
        };
        script.contains(&spelled) || script.contains(&format!("{}\n", spelled.trim_end()))
    });
}

#[test]
fn powershell_completion_names_every_option() {
    let script = generated("complete-powershell");
    assert!(script.contains("Register-ArgumentCompleter -Native -CommandName 'heat', 'heat.exe'"));
    assert_mentions_everything("PowerShell", |o| script.contains(&format!("'{o}' = ")));
    // Every string is closed on its line: a quote inside one is doubled.
    for line in script.lines().filter(|l| !l.trim_start().starts_with('#')) {
        assert_eq!(
            line.replace("''", "").matches('\'').count() % 2,
            0,
            "an unclosed string: {line}"
        );
    }
    assert_eq!(script.matches('{').count(), script.matches('}').count());
}

#[test]
fn man_page_names_every_option_and_exit_code() {
    let page = generated("man");
    assert!(page.contains(".TH \"HEAT\" 1 "));
    assert_mentions_everything("the man page", |o| {
        let roff = o.replace('-', "\\-");
        // `.B "\-ag"`, `.BI "\-cg " …`, `.B "\-sw[N]"`, `.B "\-? | \-help"`.
        [
            format!("\"{roff}\""),
            format!("\"{roff} "),
            format!("\"{roff}["),
            format!(" {roff}\""),
        ]
        .iter()
        .any(|spelled| page.contains(spelled))
            || page.contains(&format!("\n.B heat {o}\n"))
    });
    assert!(
        page.contains(".B \"\\-? | \\-help\""),
        "-? is in the man page"
    );
    let exit_status: Vec<&str> = page
        .split(".SH EXIT STATUS\n")
        .nth(1)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix(".B "))
        .collect();
    assert_eq!(
        exit_status,
        ["\"0\"", "\"1\"", "\"2\"", "\"3\"", "\"130\"", "\"143\""]
    );
}

#[test]
#[cfg_attr(not(has_tool_bash), ignore = "needs bash")]
fn bash_accepts_the_completion_and_completes_with_it() {
    kit::require_tool("bash");
    let tmp = tempfile::tempdir().unwrap();
    let script = generated_file(tmp.path(), "complete-bash", "heat.bash");
    let out = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(out.status.success(), "bash -n: {}", kit::stderr(&out));

    kit::write_files(tmp.path(), &["tree/a.txt"]);
    // Each line: the words of a command line, the last one being completed.
    let cases: &[(&[&str], &str)] = &[
        (
            &["heat", ""],
            "dir file reg payload check -help --version --generate",
        ),
        (
            &["heat", "--generate", "complete-"],
            "complete-bash complete-zsh complete-fish complete-powershell",
        ),
        (&["heat", "dir", "tree", "-templ"], "-template"),
        (
            &["heat", "dir", "tree", "-template", ""],
            "fragment module product",
        ),
        (&["heat", "dir", "tree", "--template", "m"], "module"),
        (&["heat", "dir", "tree", "-cgs"], "-cgsplit"),
        (&["heat", "dir", "tree", "-cg", ""], ""),
        (&["heat", "dir", "tre"], "tree"),
        (&["heat", "dir", "tree", "-t", "tree/"], "tree/a.txt"),
        (&["heat", "check", "a.wxs", "-j"], "-json"),
        (&["heat", "check", "a.wxs", "-c"], ""),
    ];
    let mut driver = format!(
        "cd '{}' && source '{}'\n",
        tmp.path().display(),
        script.display()
    );
    driver.push_str(
        "c() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); _heat; echo \"${COMPREPLY[*]}\"; }\n",
    );
    for (words, _) in cases {
        let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        driver.push_str(&format!("c {}\n", quoted.join(" ")));
    }
    let out = Command::new("bash")
        .arg("-c")
        .arg(&driver)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", kit::stderr(&out));
    let got = kit::stdout(&out);
    let got: Vec<&str> = got.lines().collect();
    assert_eq!(got.len(), cases.len(), "{got:?}");
    for ((words, expected), got) in cases.iter().zip(got) {
        assert_eq!(got, *expected, "completing {words:?}");
    }
}

#[test]
#[cfg_attr(
    not(has_tool_zsh),
    ignore = "needs zsh (Debian zsh; .ci/run installs it)"
)]
fn zsh_accepts_the_completion_and_registers_it() {
    kit::require_tool("zsh");
    let tmp = tempfile::tempdir().unwrap();
    let functions = tmp.path().join("functions");
    std::fs::create_dir(&functions).unwrap();
    let script = generated_file(&functions, "complete-zsh", "_heat");
    let out = Command::new("zsh").arg("-n").arg(&script).output().unwrap();
    assert!(out.status.success(), "zsh -n: {}", kit::stderr(&out));

    // Both ways of installing it: a function in $fpath that compinit finds by its #compdef
    // line, and a file sourced after compinit.
    let dump = tmp.path().join("zcompdump");
    for setup in [
        format!(
            "fpath=('{}' $fpath); autoload -Uz compinit; compinit -u -d '{}'",
            functions.display(),
            dump.display()
        ),
        format!(
            "autoload -Uz compinit; compinit -u -d '{}'; source '{}'",
            dump.display(),
            script.display()
        ),
    ] {
        let _ = std::fs::remove_file(&dump);
        let out = Command::new("zsh")
            .args([
                "-f",
                "-c",
                &format!("{setup}; print -r -- ${{_comps[heat]}}"),
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{setup}: {}", kit::stderr(&out));
        assert_eq!(
            kit::stdout(&out),
            "_heat\n",
            "{setup}: {}",
            kit::stderr(&out)
        );
    }
}

#[test]
#[cfg_attr(
    not(has_tool_fish),
    ignore = "needs fish (Debian fish; .ci/run installs it)"
)]
fn fish_accepts_the_completion_and_completes_with_it() {
    kit::require_tool("fish");
    let tmp = tempfile::tempdir().unwrap();
    let script = generated_file(tmp.path(), "complete-fish", "heat.fish");
    let out = Command::new("fish")
        .arg("--no-execute")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "fish --no-execute: {}",
        kit::stderr(&out)
    );

    kit::write_files(tmp.path(), &["tree/a.txt"]);
    let cases: &[(&str, &[&str])] = &[
        ("heat ", &["check", "dir", "file", "payload", "reg"]),
        ("heat --gen", &["--generate"]),
        (
            "heat --generate complete-",
            &[
                "complete-bash",
                "complete-fish",
                "complete-powershell",
                "complete-zsh",
            ],
        ),
        ("heat dir tree -templ", &["-template"]),
        (
            "heat dir tree -template ",
            &["fragment", "module", "product"],
        ),
        ("heat dir tree -cgs", &["-cgsplit"]),
        ("heat dir tree -cg ", &[]),
        ("heat dir tre", &["tree/"]),
        ("heat check a.wxs -j", &["-json"]),
        ("heat check a.wxs -c", &[]),
    ];
    for (line, expected) in cases {
        let out = Command::new("fish")
            .current_dir(tmp.path())
            .args(["--no-config", "-c"])
            .arg(format!(
                "source '{}'; complete -C '{line}'",
                script.display()
            ))
            .output()
            .unwrap();
        assert!(out.status.success(), "{line}: {}", kit::stderr(&out));
        let text = kit::stdout(&out);
        // Each candidate, without the description after its tab.
        let got: Vec<&str> = text
            .lines()
            .map(|l| l.split('\t').next().unwrap())
            .collect();
        assert_eq!(got, *expected, "completing '{line}'");
    }
}

#[test]
#[cfg_attr(
    not(has_tool_groff),
    ignore = "needs groff (Debian groff-base; .ci/run installs it)"
)]
fn groff_reads_the_man_page_without_a_warning() {
    kit::require_tool("groff");
    let tmp = tempfile::tempdir().unwrap();
    let page = generated_file(tmp.path(), "man", "heat.1");
    let out = Command::new("groff")
        .args(["-z", "-man", "-ww"])
        .arg(&page)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", kit::stderr(&out));
    assert_eq!(kit::stderr(&out), "", "groff warns");

    // The page as a reader sees it: every option of the table, with its help.
    let out = Command::new("groff")
        .args(["-man", "-Tascii", "-P", "-cbou", "-rLL=200n"])
        .arg(&page)
        .env("GROFF_NO_SGR", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", kit::stderr(&out));
    let text = kit::stdout(&out);
    assert!(text.contains("-cg ComponentGroupName"), "{text}");
    assert!(
        text.contains("component group name (cannot contain spaces)"),
        "{text}"
    );
    assert!(
        text.contains("heat check old.wxs new.wxs [-json file.json]"),
        "{text}"
    );
}
