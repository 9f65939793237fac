//! `heat check <old.wxs> <new.wxs>`: every kind of change that breaks a patch is seeded once,
//! alone and all together, and must be caught; changes that break nothing must pass.

use heat::patch::{check, Rule};
use heat::xml::parse;

use crate::heat;

/// A harvest as heat writes it with `-cg` and fragments, one component a line so that the
/// seeds below can edit it line by line.
const BASE: &str = r#"<Wix xmlns="http://wixtoolset.org/schemas/v4/wxs">
  <Fragment>
    <DirectoryRef Id="INSTALLFOLDER">
      <Directory Id="dApp" Name="App" />
    </DirectoryRef>
  </Fragment>
  <Fragment>
    <ComponentGroup Id="Core">
      <Component Id="C1" Directory="dBin" Guid="{00000000-0000-4000-8000-000000000001}"><File Id="F1" KeyPath="yes" Source="SourceDir\bin\one.dll" /></Component>
      <Component Id="C2" Directory="dBin" Guid="{00000000-0000-4000-8000-000000000002}"><File Id="F2" KeyPath="yes" Source="SourceDir\bin\two.dll" /></Component>
      <Component Id="C3" Directory="dBin" Guid="{00000000-0000-4000-8000-000000000003}"><File Id="F3" KeyPath="yes" Source="SourceDir\bin\three.dll" /></Component>
      <Component Id="C4" Directory="dBin" Guid="{00000000-0000-4000-8000-000000000004}"><File Id="F4" KeyPath="yes" Source="SourceDir\bin\four.dll" /></Component>
      <Component Id="C5" Directory="dBin" Guid="{00000000-0000-4000-8000-000000000005}"><File Id="F5" KeyPath="yes" Source="SourceDir\bin\five.dll" /></Component>
      <Component Id="C6" Directory="dApp" Guid="{00000000-0000-4000-8000-000000000006}"><File Id="F6" KeyPath="yes" Source="SourceDir\six.txt" /></Component>
      <Component Id="C7" Directory="dApp" Guid="{00000000-0000-4000-8000-000000000007}"><File Id="F7" KeyPath="yes" Source="SourceDir\seven.txt" /></Component>
      <Component Id="C8" Directory="dDocs" Guid="{00000000-0000-4000-8000-000000000008}"><File Id="F8" KeyPath="yes" Source="SourceDir\docs\eight.txt" /></Component>
    </ComponentGroup>
  </Fragment>
  <Fragment>
    <ComponentGroup Id="Other">
      <Component Id="C9" Directory="dApp" Guid="{ABCDEF00-0000-4000-8000-000000000009}"><File Id="F9" KeyPath="yes" Source="SourceDir\nine.txt" /></Component>
    </ComponentGroup>
  </Fragment>
  <Fragment>
    <DirectoryRef Id="dApp">
      <Directory Id="dBin" Name="bin" />
    </DirectoryRef>
  </Fragment>
  <Fragment>
    <DirectoryRef Id="dApp">
      <Directory Id="dDocs" Name="docs" />
    </DirectoryRef>
  </Fragment>
</Wix>"#;

/// Takes the line of component `id` out of `text`, returning the text and the line.
fn take_line(text: &str, id: &str) -> (String, String) {
    let needle = format!("<Component Id=\"{id}\"");
    let mut taken = String::new();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| {
            if l.contains(&needle) {
                taken = l.to_string();
                false
            } else {
                true
            }
        })
        .collect();
    assert!(!taken.is_empty(), "{id} not found");
    (kept.join("\n"), taken)
}

type Seed = (Rule, &'static str, fn(&str) -> String);

/// Every kind of break, once: (the rule, the component it concerns, the edit).
const SEEDS: &[Seed] = &[
    (Rule::ComponentRemoved, "C1", |t| take_line(t, "C1").0),
    (Rule::RemovedFromGroup, "C2", |t| {
        // Out of every group, into the folder's fragment.
        let (t, line) = take_line(t, "C2");
        let line = line.replace(" Directory=\"dBin\"", "");
        t.replace(
            "</Wix>",
            &format!("  <Fragment>\n    <DirectoryRef Id=\"dBin\">\n{line}\n    </DirectoryRef>\n  </Fragment>\n</Wix>"),
        )
    }),
    (Rule::MovedGroup, "C3", |t| {
        let (t, line) = take_line(t, "C3");
        t.replace(
            "    <ComponentGroup Id=\"Other\">",
            &format!("    <ComponentGroup Id=\"Other\">\n{line}"),
        )
    }),
    (Rule::GuidChanged, "C4", |t| {
        t.replace(
            "{00000000-0000-4000-8000-000000000004}",
            "{11111111-0000-4000-8000-000000000004}",
        )
    }),
    (Rule::KeyPathChanged, "C5", |t| {
        t.replace(r"bin\five.dll", r"bin\five-renamed.dll")
    }),
    (Rule::ComponentIdChanged, "C6", |t| {
        t.replace("\"C6\"", "\"C6renamed\"")
    }),
    (Rule::FileIdChanged, "C7", |t| {
        t.replace("\"F7\"", "\"F7renamed\"")
    }),
    (Rule::DirectoryIdChanged, "C8", |t| {
        t.replace("\"dDocs\"", "\"dDocsRenamed\"")
    }),
];

fn findings(old: &str, new: &str) -> Vec<(Rule, String)> {
    let old = parse(old.as_bytes()).unwrap();
    let new = parse(new.as_bytes()).unwrap();
    check(&old, &new)
        .into_iter()
        .map(|f| (f.rule, f.component))
        .collect()
}

#[test]
fn every_rule_is_caught_alone() {
    assert_eq!(findings(BASE, BASE), []);
    for (rule, component, seed) in SEEDS {
        let new = seed(BASE);
        assert_ne!(new, BASE, "the seed for {rule} changes nothing");
        assert_eq!(
            findings(BASE, &new),
            [(*rule, component.to_string())],
            "{rule}"
        );
    }
}

#[test]
fn every_rule_is_caught_together_on_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let mut new = BASE.to_owned();
    for (_, _, seed) in SEEDS {
        new = seed(&new);
    }
    std::fs::write(tmp.path().join("old.wxs"), BASE).unwrap();
    std::fs::write(tmp.path().join("new.wxs"), &new).unwrap();

    let out = heat().run(tmp.path(), &["check", "old.wxs", "new.wxs"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), SEEDS.len(), "{stdout}");
    for (rule, component, _) in SEEDS {
        let prefix = format!("{rule}: component '{component}' at '");
        assert!(
            lines.iter().any(|l| l.starts_with(&prefix)),
            "{prefix} missing from:\n{stdout}"
        );
    }
    assert!(stdout.contains(
        r"component-removed: component 'C1' at 'INSTALLFOLDER\App\bin\one.dll': the component is gone; it was in ComponentGroup 'Core'"
    ));
    assert!(stdout.contains(
        r"directory-id-changed: component 'C8' at 'INSTALLFOLDER\App\docs': the folder's id 'dDocs' is now 'dDocsRenamed'"
    ));
    assert!(String::from_utf8_lossy(&out.stderr).contains("8 change(s)"));

    // The same as JSON, on standard output; the lines then go to standard error.
    let out = heat().run(tmp.path(), &["check", "old.wxs", "new.wxs", "-json", "-"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["breaks"], 8);
    assert_eq!(v["components"], 9);
    let rules: Vec<(&str, &str)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["component"].as_str().unwrap(),
            )
        })
        .collect();
    let mut want: Vec<(&str, &str)> = SEEDS.iter().map(|(r, c, _)| (r.name(), *c)).collect();
    let mut got = rules.clone();
    want.sort();
    got.sort();
    assert_eq!(got, want);
    assert_eq!(
        v["findings"][0],
        serde_json::json!({
            "rule": "component-removed",
            "component": "C1",
            "path": r"INSTALLFOLDER\App\bin\one.dll",
            "old": "C1",
            "new": null,
            "message": "the component is gone; it was in ComponentGroup 'Core'",
        })
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).lines().count(),
        9,
        "8 findings and the summary"
    );

    // And as a file.
    let out = heat().run(
        tmp.path(),
        &["check", "old.wxs", "new.wxs", "-json", "report.json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(file, v);
}

/// Changes that a patch takes: files added, a different source variable, another layout of
/// the same components, GUIDs written in another case or without braces, a v3 file read
/// against a v4 one.
#[test]
fn harmless_changes_pass() {
    let added = BASE.replace(
        "    <ComponentGroup Id=\"Other\">",
        "    <ComponentGroup Id=\"Other\">\n      <Component Id=\"C10\" Directory=\"dApp\" Guid=\"{00000000-0000-4000-8000-000000000010}\"><File Id=\"F10\" KeyPath=\"yes\" Source=\"SourceDir\\ten.txt\" /></Component>",
    );
    let variable = BASE.replace("SourceDir\\", "$(var.Src)\\");
    let guids = BASE
        .replace(
            "{ABCDEF00-0000-4000-8000-000000000009}",
            "abcdef00-0000-4000-8000-000000000009",
        )
        .replace("Guid=\"{", "Guid=\"")
        .replace("}\"><File", "\"><File");
    // One fragment, folders nested, groups by reference (heat's -sfrag).
    let sfrag = r#"<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi"><Fragment>
  <DirectoryRef Id="INSTALLFOLDER"><Directory Id="dApp" Name="App">
    <Directory Id="dBin" Name="bin">
      <Component Id="C1" Guid="{00000000-0000-4000-8000-000000000001}"><File Id="F1" KeyPath="yes" Source="SourceDir\bin\one.dll" /></Component>
      <Component Id="C2" Guid="{00000000-0000-4000-8000-000000000002}"><File Id="F2" KeyPath="yes" Source="SourceDir\bin\two.dll" /></Component>
      <Component Id="C3" Guid="{00000000-0000-4000-8000-000000000003}"><File Id="F3" KeyPath="yes" Source="SourceDir\bin\three.dll" /></Component>
      <Component Id="C4" Guid="{00000000-0000-4000-8000-000000000004}"><File Id="F4" KeyPath="yes" Source="SourceDir\bin\four.dll" /></Component>
      <Component Id="C5" Guid="{00000000-0000-4000-8000-000000000005}"><File Id="F5" KeyPath="yes" Source="SourceDir\bin\five.dll" /></Component>
    </Directory>
    <Directory Id="dDocs" Name="docs">
      <Component Id="C8" Guid="{00000000-0000-4000-8000-000000000008}"><File Id="F8" KeyPath="yes" Source="SourceDir\docs\eight.txt" /></Component>
    </Directory>
    <Component Id="C6" Guid="{00000000-0000-4000-8000-000000000006}"><File Id="F6" KeyPath="yes" Source="SourceDir\six.txt" /></Component>
    <Component Id="C7" Guid="{00000000-0000-4000-8000-000000000007}"><File Id="F7" KeyPath="yes" Source="SourceDir\seven.txt" /></Component>
    <Component Id="C9" Guid="{ABCDEF00-0000-4000-8000-000000000009}"><File Id="F9" KeyPath="yes" Source="SourceDir\nine.txt" /></Component>
  </Directory></DirectoryRef>
  <ComponentGroup Id="Core">
    <ComponentRef Id="C1" /><ComponentRef Id="C2" /><ComponentRef Id="C3" /><ComponentRef Id="C4" />
    <ComponentRef Id="C5" /><ComponentRef Id="C6" /><ComponentRef Id="C7" /><ComponentRef Id="C8" />
  </ComponentGroup>
  <ComponentGroup Id="Other"><ComponentRef Id="C9" /></ComponentGroup>
</Fragment></Wix>"#;
    for (what, new) in [
        ("a file added", added.as_str()),
        ("another source variable", variable.as_str()),
        ("GUIDs in lower case, without braces", guids.as_str()),
        ("one fragment, v3", sfrag),
    ] {
        assert_ne!(new, BASE);
        assert_eq!(findings(BASE, new), [], "{what}");
        if what != "a file added" {
            assert_eq!(findings(new, BASE), [], "{what}, the other way");
        }
    }
    // Removing a file is not harmless the other way round.
    assert_eq!(
        findings(&added, BASE),
        [(Rule::ComponentRemoved, "C10".to_owned())]
    );
}

/// A key file that stays but stops being the key path: the component's key path changed.
#[test]
fn a_demoted_key_file_is_a_key_path_change() {
    let new = BASE.replace(
        r#"<File Id="F5" KeyPath="yes" Source="SourceDir\bin\five.dll" />"#,
        r#"<File Id="F5" Source="SourceDir\bin\five.dll" /><File Id="F5b" KeyPath="yes" Source="SourceDir\bin\five-b.dll" />"#,
    );
    assert_eq!(
        findings(BASE, &new),
        [(Rule::KeyPathChanged, "C5".to_owned())]
    );
}

#[test]
fn command_line_errors() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("a.wxs"), BASE).unwrap();
    for (args, code, needle) in [
        (&["check", "a.wxs"][..], 2, "two harvests"),
        // A switch heat does not know is a warning, as for a harvest.
        (
            &["check", "a.wxs", "a.wxs", "-bogus"][..],
            0,
            "warning HEAT8020",
        ),
        // heat's own "argument requires a value" (HEAT5058), a command-line error.
        (&["check", "a.wxs", "a.wxs", "-json"][..], 2, "HEAT5058"),
        (&["check", "a.wxs", "missing.wxs"][..], 1, "missing.wxs"),
    ] {
        let out = heat().run(tmp.path(), args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(out.stdout.is_empty());
    }
    let out = heat().run(tmp.path(), &["check", "-?"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("usage: heat check"));
}

/// Registry components (as `heat reg` writes them) have no install location: they are
/// followed by id.
#[test]
fn registry_components_are_followed_by_id() {
    let old = r#"<Wix xmlns="http://wixtoolset.org/schemas/v4/wxs"><Fragment><ComponentGroup Id="R">
  <Component Id="r1" Directory="TARGETDIR" Guid="{00000000-0000-4000-8000-0000000000A1}" KeyPath="yes"><RegistryKey Key="Software\A" Root="HKLM" /></Component>
  <Component Id="r2" Directory="TARGETDIR" Guid="{00000000-0000-4000-8000-0000000000A2}" KeyPath="yes"><RegistryKey Key="Software\B" Root="HKLM" /></Component>
  <Component Id="r3" Directory="TARGETDIR" Guid="{00000000-0000-4000-8000-0000000000A3}" KeyPath="yes"><RegistryKey Key="Software\C" Root="HKLM" /></Component>
</ComponentGroup></Fragment></Wix>"#;
    assert_eq!(findings(old, old), []);
    let new = old
        .replace("0000000000A2", "0000000000B2")
        .lines()
        .filter(|l| !l.contains("\"r3\""))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(
        findings(old, &new),
        [
            (Rule::GuidChanged, "r2".to_owned()),
            (Rule::ComponentRemoved, "r3".to_owned())
        ]
    );
}

/// A harvest that cannot be trusted (two components, files or folders of one id, one GUID on
/// two components, an id that is not an identifier, a GUID that is not a GUID), old or new, is
/// a finding naming the rule, the file and the line, in the text and in the JSON, and the
/// check fails.
#[test]
fn an_untrusted_harvest_is_a_finding_on_either_side() {
    use crate::update::{line_of, untrusted, TRUSTED};
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("good.wxs"), TRUSTED).unwrap();
    let out = heat().run(dir, &["check", "good.wxs", "good.wxs"]);
    assert_eq!(out.status.code(), Some(0), "{}", kit::stdout(&out));
    for case in untrusted() {
        std::fs::write(dir.join("bad.wxs"), &case.text).unwrap();
        let line = line_of(&case.text, case.line);
        for (old, new, side) in [
            ("bad.wxs", "good.wxs", "old"),
            ("good.wxs", "bad.wxs", "new"),
        ] {
            let out = heat().run(dir, &["check", old, new, "-json", "report.json"]);
            let text = kit::stdout(&out);
            assert_eq!(out.status.code(), Some(1), "{}: {text}", case.name);
            let expected = format!("{}: ", case.rule);
            let found = text
                .lines()
                .find(|l| l.starts_with(&expected) && l.contains(&format!("at 'bad.wxs:{line}'")))
                .unwrap_or_else(|| {
                    panic!("{} ({side}): no {expected} line {line}: {text}", case.name)
                });
            assert!(
                found.contains(&format!("the {side} harvest cannot be trusted"))
                    && found.contains(&format!("'{}'", case.value)),
                "{}: {found}",
                case.name
            );
            if let Some(first) = case.first {
                let first = line_of(&case.text, first);
                assert!(
                    found.contains(&format!("(first on line {first})")),
                    "{found}"
                );
            }
            let json: serde_json::Value =
                serde_json::from_slice(&std::fs::read(dir.join("report.json")).unwrap()).unwrap();
            let finding = json["findings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["rule"] == case.rule)
                .unwrap_or_else(|| panic!("{}: {json}", case.name));
            assert_eq!(finding["path"], format!("bad.wxs:{line}"), "{}", case.name);
            assert_eq!(finding[side], case.value, "{}", case.name);
            assert!(json["breaks"].as_u64().unwrap() >= 1);
        }
        // The library's check of two documents finds the same, without a line.
        let bad = parse(case.text.as_bytes()).unwrap();
        let good = parse(TRUSTED.as_bytes()).unwrap();
        let rules: Vec<Rule> = check(&good, &bad).into_iter().map(|f| f.rule).collect();
        let rule = match case.rule {
            "duplicate-id" => Rule::DuplicateId,
            "duplicate-guid" => Rule::DuplicateGuid,
            "invalid-id" => Rule::InvalidId,
            _ => Rule::InvalidGuid,
        };
        assert!(rules.contains(&rule), "{}: {rules:?}", case.name);
    }
}
