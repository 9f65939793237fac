//! `-update <previous.wxs>`: release-to-release scenarios. Each test harvests a release, makes
//! the previous file look as heat.exe or a person left it (random GUIDs, renamed ids), changes
//! the tree, harvests again with `-update` and checks what was kept.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use heat::wix::Document;
use heat::xml::read_file;
use kit::{stderr, stdout, Rng, TextAttr};

use crate::heat;

/// Writes `count` files in a tree of a few nested folders below `root`, with mixed-case names.
fn make_tree(root: &Path, count: usize) -> Vec<String> {
    let folders = ["", "bin", "bin/plugins", "lib", "share/doc", "share/Icons"];
    let mut rels = Vec::new();
    for i in 0..count {
        let folder = folders[i % folders.len()];
        let name = if i % 7 == 0 {
            format!("Module{i:04}.DLL")
        } else {
            format!("file{i:04}.txt")
        };
        let rel = if folder.is_empty() {
            name
        } else {
            format!("{folder}/{name}")
        };
        let path = root.join(&rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, format!("release 1: {rel}\n")).unwrap();
        rels.push(rel);
    }
    rels
}

/// What the update must keep of one file: component id, file id, GUID, folder id, groups.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Kept {
    component: String,
    file: String,
    guid: String,
    directory: String,
    groups: Vec<String>,
}

/// Every file of a heat-shaped document (fragments or not, groups or not) by its source path
/// below the harvested folder, lower-cased; read without the library's own location code.
fn files_by_source(doc: &Document) -> BTreeMap<String, Kept> {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in doc.elements_named("ComponentRef") {
        let parent = doc.parent(r).unwrap();
        if doc.name(parent) == "ComponentGroup" {
            groups
                .entry(doc.text_attr(r, "Id").unwrap().to_owned())
                .or_default()
                .push(doc.text_attr(parent, "Id").unwrap().to_owned());
        }
    }
    let mut out = BTreeMap::new();
    for c in doc.elements_named("Component") {
        let Some(file) = doc.children_named(c, "File").next() else {
            continue;
        };
        let parent = doc.parent(c).unwrap();
        let directory = match doc.text_attr(c, "Directory") {
            Some(d) => d.to_owned(),
            None => doc.text_attr(parent, "Id").unwrap().to_owned(),
        };
        let id = doc.text_attr(c, "Id").unwrap().to_owned();
        let mut g = groups.get(&id).cloned().unwrap_or_default();
        if doc.name(parent) == "ComponentGroup" {
            g.push(doc.text_attr(parent, "Id").unwrap().to_owned());
        }
        let source = doc.text_attr(file, "Source").unwrap();
        let rel = source.split_once('\\').unwrap().1.replace("$$", "$");
        out.insert(
            rel.to_lowercase(),
            Kept {
                component: id,
                file: doc.text_attr(file, "Id").unwrap().to_owned(),
                guid: doc.text_attr(c, "Guid").unwrap_or_default().to_owned(),
                directory,
                groups: g,
            },
        );
    }
    out
}

/// Every folder of a document: its id by the chain of names from the top folder.
fn folders_by_path(doc: &Document) -> BTreeMap<String, String> {
    let mut parent_of: BTreeMap<String, (String, String)> = BTreeMap::new();
    for d in doc.elements_named("Directory") {
        let id = doc.text_attr(d, "Id").unwrap().to_owned();
        let parent = doc.parent(d).unwrap();
        let parent_id = doc.text_attr(parent, "Id").unwrap_or_default().to_owned();
        parent_of.insert(
            id,
            (parent_id, doc.text_attr(d, "Name").unwrap().to_owned()),
        );
    }
    let mut out = BTreeMap::new();
    for id in parent_of.keys() {
        let mut names = Vec::new();
        let mut cur = id.clone();
        while let Some((p, name)) = parent_of.get(&cur) {
            names.push(name.to_lowercase());
            cur = p.clone();
        }
        names.push(cur.to_lowercase());
        names.reverse();
        out.insert(names.join("\\"), id.clone());
    }
    out
}

/// Makes a fresh harvest look as heat.exe -gg and a person left it: every GUID random, and the
/// ids of the given components, files and folders renamed everywhere they appear.
fn as_heat_exe_left_it(text: &str, rng: &mut Rng, renames: &[(String, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("Guid=\"") {
        out.push_str(&rest[..pos + 6]);
        rest = &rest[pos + 6..];
        let end = rest.find('"').unwrap();
        out.push_str(&rng.guid());
        rest = &rest[end..];
    }
    out.push_str(rest);
    for (from, to) in renames {
        out = out.replace(&format!("\"{from}\""), &format!("\"{to}\""));
    }
    out
}

struct Scenario {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
}

impl Scenario {
    fn new() -> Scenario {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_owned();
        Scenario { _tmp: tmp, dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    fn read(&self, rel: &str) -> Document {
        read_file(&self.path(rel)).unwrap()
    }

    fn text(&self, rel: &str) -> String {
        let bytes = std::fs::read(self.path(rel)).unwrap();
        String::from_utf8(bytes)
            .unwrap()
            .trim_start_matches('\u{FEFF}')
            .to_owned()
    }
}

/// The scenario the issue names: a 300-file harvest made to look like heat.exe's (random
/// GUIDs, some ids renamed by hand); the tree loses 3 files, gains 5 and 10 change; the update
/// keeps every id and GUID of the 297 files still there and names the 3 removed; `heat check`
/// fails on old → new naming the removed components, and passes new → new.
fn release_to_release(schema: &str) {
    let s = Scenario::new();
    let app = s.path("App");
    let rels = make_tree(&app, 300);
    let opts = [
        "-cg",
        "App",
        "-dr",
        "INSTALLFOLDER",
        "-gg",
        "-var",
        "var.Src",
        schema,
    ];
    let mut args = vec!["dir", "App"];
    args.extend(opts);
    args.extend(["-o", "fresh1.wxs"]);
    heat().ok(&s.dir, &args);

    // Rename, by hand, the ids of 5 components, 5 files and 2 folders.
    let fresh1 = s.read("fresh1.wxs");
    let before = files_by_source(&fresh1);
    let folders = folders_by_path(&fresh1);
    let mut renames = Vec::new();
    for (k, (_, kept)) in before.iter().enumerate().filter(|(k, _)| k % 70 == 3) {
        renames.push((kept.component.clone(), format!("HandComponent{k}")));
        renames.push((kept.file.clone(), format!("HandFile{k}")));
    }
    renames.push((
        folders[r"installfolder\app\bin"].clone(),
        "BinFolder".to_owned(),
    ));
    renames.push((
        folders[r"installfolder\app\share\icons"].clone(),
        "IconsFolder".to_owned(),
    ));
    assert_eq!(renames.len(), 12);
    let mut rng = Rng(0x5EED_0004);
    let old_text = as_heat_exe_left_it(&s.text("fresh1.wxs"), &mut rng, &renames);
    std::fs::write(s.path("old.wxs"), format!("\u{FEFF}{old_text}")).unwrap();
    let old = files_by_source(&s.read("old.wxs"));
    assert_eq!(old.len(), 300);
    let old_folders = folders_by_path(&s.read("old.wxs"));
    assert_eq!(old_folders[r"installfolder\app\bin"], "BinFolder");

    // The next release: 3 files gone, 5 new, 10 changed.
    let removed = [&rels[10], &rels[101], &rels[205]];
    for r in removed {
        std::fs::remove_file(app.join(r)).unwrap();
    }
    let added = [
        "new1.txt",
        "bin/new2.dll",
        "bin/plugins/new3.dll",
        "share/Icons/new4.ico",
        "share/new5/readme.txt",
    ];
    for a in added {
        let p = app.join(a);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, "new").unwrap();
    }
    for r in rels.iter().skip(20).step_by(25).take(10) {
        std::fs::write(app.join(r), "release 2, changed\n").unwrap();
    }

    let mut args = vec!["dir", "App"];
    args.extend(opts);
    args.extend(["-update", "old.wxs", "-o", "new.wxs"]);
    let out = heat().run(&s.dir, &args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("update from 'old.wxs': 297 kept, 5 added, 3 removed"),
        "{err}"
    );
    assert!(err.contains("warning HEAT8201"), "{err}");
    for r in removed {
        let location = format!(r"INSTALLFOLDER\App\{}", r.replace('/', "\\"));
        let component = &old[&r.replace('/', "\\").to_lowercase()].component;
        assert!(
            err.contains(&format!("removed: {location} (component {component})")),
            "{location} not named in: {err}"
        );
    }

    let new = files_by_source(&s.read("new.wxs"));
    assert_eq!(new.len(), 302);
    let mut kept = 0;
    for (source, was) in &old {
        match new.get(source) {
            Some(now) => {
                assert_eq!(now, was, "{source}");
                kept += 1;
            }
            None => assert!(
                removed
                    .iter()
                    .any(|r| r.replace('/', "\\").to_lowercase() == *source),
                "{source} lost"
            ),
        }
    }
    assert_eq!(kept, 297);
    // Folders keep their ids, the renamed ones included.
    let new_folders = folders_by_path(&s.read("new.wxs"));
    for (path, id) in &old_folders {
        assert_eq!(new_folders.get(path), Some(id), "{path}");
    }

    // New files get the ids and GUIDs a harvest without -update gives them.
    let mut args = vec!["dir", "App"];
    args.extend(opts);
    args.extend(["-o", "fresh2.wxs"]);
    heat().ok(&s.dir, &args);
    // They sit in the kept folders, under the folders' kept ids.
    let fresh2 = files_by_source(&s.read("fresh2.wxs"));
    let fresh2_folders = folders_by_path(&s.read("fresh2.wxs"));
    for a in added {
        let key = a.replace('/', "\\").to_lowercase();
        let folder = match key.rsplit_once('\\') {
            Some((f, _)) => format!(r"installfolder\app\{f}"),
            None => r"installfolder\app".to_owned(),
        };
        let directory = old_folders
            .get(&folder)
            .unwrap_or(&fresh2_folders[&folder])
            .clone();
        assert_eq!(
            new[&key],
            Kept {
                directory,
                ..fresh2[&key].clone()
            },
            "{a}"
        );
    }
    assert_eq!(new[r"bin\new2.dll"].directory, "BinFolder");

    // The same update again gives the same bytes.
    let mut args = vec!["dir", "App"];
    args.extend(opts);
    args.extend(["-update", "old.wxs", "-o", "again.wxs"]);
    assert_eq!(heat().run(&s.dir, &args).status.code(), Some(3));
    assert_eq!(
        std::fs::read(s.path("new.wxs")).unwrap(),
        std::fs::read(s.path("again.wxs")).unwrap()
    );

    // heat check: old → new fails on the three removed components and nothing else.
    let out = heat().run(&s.dir, &["check", "old.wxs", "new.wxs"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let findings = stdout(&out);
    assert_eq!(findings.lines().count(), 3, "{findings}");
    for r in removed {
        let component = &old[&r.replace('/', "\\").to_lowercase()].component;
        assert!(
            findings
                .lines()
                .any(|l| l.starts_with(&format!("component-removed: component '{component}'"))),
            "{component} not named: {findings}"
        );
    }
    let out = heat().run(&s.dir, &["check", "new.wxs", "new.wxs"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "");

    // With -keepremoved the removed files stay as leftovers, and the check passes.
    let mut args = vec!["dir", "App"];
    args.extend(opts);
    args.extend(["-update", "old.wxs", "-keepremoved", "-o", "kept.wxs"]);
    let out = heat().run(&s.dir, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let kept_doc = files_by_source(&s.read("kept.wxs"));
    for (source, was) in &old {
        assert_eq!(kept_doc.get(source), Some(was), "{source}");
    }
    let out = heat().run(&s.dir, &["check", "old.wxs", "kept.wxs"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let xsd = kit::xsd_for(&[schema]);
    kit::validate(&s.path("new.wxs"), xsd);
    kit::validate(&s.path("kept.wxs"), xsd);
}

#[test]
#[cfg_attr(
    not(has_tool_xmllint),
    ignore = "needs xmllint (Debian libxml2-utils; .ci/run installs it)"
)]
fn release_to_release_v3() {
    kit::require_tool("xmllint");
    release_to_release("-wix3");
}

#[test]
#[cfg_attr(
    not(has_tool_xmllint),
    ignore = "needs xmllint (Debian libxml2-utils; .ci/run installs it)"
)]
fn release_to_release_v4() {
    kit::require_tool("xmllint");
    release_to_release("-wix4");
}

/// A small tree: the sample's files.
fn sample(s: &Scenario) {
    kit::copy_tree(&kit::testdata("sample"), &s.path("App"));
}

#[test]
fn case_changed_file_keeps_everything() {
    let s = Scenario::new();
    sample(&s);
    heat().ok(&s.dir, &["dir", "App", "-cg", "A", "-gg", "-o", "old.wxs"]);
    std::fs::rename(s.path("App/bin/core.dll"), s.path("App/bin/CORE.DLL")).unwrap();
    std::fs::rename(s.path("App/docs"), s.path("App/Docs")).unwrap();
    let out = heat().ok(
        &s.dir,
        &[
            "dir", "App", "-cg", "A", "-gg", "-update", "old.wxs", "-o", "new.wxs",
        ],
    );
    assert!(
        stderr(&out).contains("4 kept, 0 added, 0 removed"),
        "{}",
        stderr(&out)
    );
    let old = files_by_source(&s.read("old.wxs"));
    let new = files_by_source(&s.read("new.wxs"));
    assert_eq!(old, new);
    let out = heat().run(&s.dir, &["check", "old.wxs", "new.wxs"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn renamed_and_moved_files_are_removed_and_added() {
    let s = Scenario::new();
    sample(&s);
    heat().ok(&s.dir, &["dir", "App", "-cg", "A", "-gg", "-o", "old.wxs"]);
    std::fs::rename(s.path("App/bin/core.dll"), s.path("App/bin/core2.dll")).unwrap();
    std::fs::rename(s.path("App/LICENSE.txt"), s.path("App/docs/LICENSE.txt")).unwrap();
    let out = heat().run(
        &s.dir,
        &[
            "dir", "App", "-cg", "A", "-gg", "-update", "old.wxs", "-o", "new.wxs",
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("2 kept, 2 added, 2 removed"), "{err}");
    assert!(
        err.contains(r"removed: TARGETDIR\App\bin\core.dll"),
        "{err}"
    );
    assert!(err.contains(r"removed: TARGETDIR\App\LICENSE.txt"), "{err}");
    // The output is written all the same.
    assert_eq!(files_by_source(&s.read("new.wxs")).len(), 4);

    // -sw8201 hides the warning, not the exit code; -wx8201 makes it an error, with no output.
    let out = heat().run(
        &s.dir,
        &[
            "dir",
            "App",
            "-cg",
            "A",
            "-gg",
            "-update",
            "old.wxs",
            "-sw8201",
            "-o",
            "quiet.wxs",
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(!stderr(&out).contains("HEAT8201"));
    let out = heat().run(
        &s.dir,
        &[
            "dir",
            "App",
            "-cg",
            "A",
            "-gg",
            "-update",
            "old.wxs",
            "-wx8201",
            "-o",
            "strict.wxs",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("error HEAT8201"), "{}", stderr(&out));
    assert!(!s.path("strict.wxs").exists());
}

/// A run that fails (here: removed files under `-wx8201`) writes none of its outputs, the
/// `-updatereport` file no more than the `.wxs`; an earlier report is left as it was.
#[test]
fn failed_run_writes_no_report() {
    let s = Scenario::new();
    sample(&s);
    heat().ok(&s.dir, &["dir", "App", "-gg", "-o", "old.wxs"]);
    std::fs::remove_file(s.path("App/docs/README.md")).unwrap();
    std::fs::write(s.path("earlier.json"), "earlier").unwrap();
    for report in ["report.json", "earlier.json"] {
        let out = heat().run(
            &s.dir,
            &[
                "dir",
                "App",
                "-gg",
                "-update",
                "old.wxs",
                "-wx8201",
                "-updatereport",
                report,
                "-o",
                "new.wxs",
            ],
        );
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(!s.path("new.wxs").exists());
    }
    assert!(!s.path("report.json").exists());
    assert_eq!(
        std::fs::read_to_string(s.path("earlier.json")).unwrap(),
        "earlier"
    );
}

/// The report and the `.wxs` cannot share standard output: a usage error, before anything
/// is harvested or written.
#[test]
fn report_and_output_both_on_stdout_is_a_usage_error() {
    let s = Scenario::new();
    sample(&s);
    heat().ok(&s.dir, &["dir", "App", "-gg", "-o", "old.wxs"]);
    let out = heat().run(
        &s.dir,
        &[
            "dir",
            "App",
            "-gg",
            "-update",
            "old.wxs",
            "-updatereport",
            "-",
            "-o",
            "-",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "{}", stdout(&out));
    assert!(stderr(&out).contains("-updatereport"), "{}", stderr(&out));
    // Each alone on standard output is fine.
    let out = heat().ok(
        &s.dir,
        &[
            "dir",
            "App",
            "-gg",
            "-update",
            "old.wxs",
            "-updatereport",
            "-",
            "-o",
            "new.wxs",
        ],
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["kept"], 4);
}

#[test]
fn json_report() {
    let s = Scenario::new();
    sample(&s);
    heat().ok(&s.dir, &["dir", "App", "-gg", "-o", "old.wxs"]);
    std::fs::remove_file(s.path("App/docs/README.md")).unwrap();
    std::fs::write(s.path("App/new.txt"), "n").unwrap();
    let out = heat().run(
        &s.dir,
        &[
            "dir",
            "App",
            "-gg",
            "-update",
            "old.wxs",
            "-updatereport",
            "report.json",
            "-o",
            "new.wxs",
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(s.path("report.json")).unwrap()).unwrap();
    let old = files_by_source(&s.read("old.wxs"));
    assert_eq!(
        v,
        serde_json::json!({
            "previous": "old.wxs",
            "kept": 3,
            "added": 1,
            "removed": 1,
            "leftovers": 0,
            "added_files": [r"TARGETDIR\App\new.txt"],
            "removed_files": [{
                "path": r"TARGETDIR\App\docs\README.md",
                "component": old[r"docs\readme.md"].component,
                "file": old[r"docs\readme.md"].file,
                "leftover": false,
            }],
        })
    );
}

#[test]
#[cfg_attr(
    not(has_tool_xmllint),
    ignore = "needs xmllint (Debian libxml2-utils; .ci/run installs it)"
)]
fn v3_to_v4_and_back() {
    kit::require_tool("xmllint");
    let s = Scenario::new();
    sample(&s);
    // A heat.exe (v3) harvest with random GUIDs, updated into v4, and a v4 one into v3.
    heat().ok(
        &s.dir,
        &[
            "dir",
            "App",
            "-cg",
            "A",
            "-dr",
            "INSTALLFOLDER",
            "-gg",
            "-wix3",
            "-o",
            "v3.wxs",
        ],
    );
    let text = as_heat_exe_left_it(&s.text("v3.wxs"), &mut Rng(7), &[]);
    std::fs::write(s.path("v3.wxs"), text).unwrap();
    let out = heat().ok(
        &s.dir,
        &[
            "dir",
            "App",
            "-cg",
            "A",
            "-dr",
            "INSTALLFOLDER",
            "-gg",
            "-wix4",
            "-update",
            "v3.wxs",
            "-o",
            "v4.wxs",
        ],
    );
    assert!(stderr(&out).contains("4 kept, 0 added, 0 removed"));
    assert!(s
        .text("v4.wxs")
        .starts_with("<Wix xmlns=\"http://wixtoolset.org/schemas/v4/wxs\">"));
    assert_eq!(
        files_by_source(&s.read("v3.wxs")),
        files_by_source(&s.read("v4.wxs"))
    );
    assert_eq!(
        folders_by_path(&s.read("v3.wxs")),
        folders_by_path(&s.read("v4.wxs"))
    );
    kit::validate(&s.path("v4.wxs"), "wix4.xsd");
    let out = heat().run(&s.dir, &["check", "v3.wxs", "v4.wxs"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    heat().ok(
        &s.dir,
        &[
            "dir",
            "App",
            "-cg",
            "A",
            "-dr",
            "INSTALLFOLDER",
            "-gg",
            "-wix3",
            "-update",
            "v4.wxs",
            "-o",
            "back.wxs",
        ],
    );
    assert_eq!(
        files_by_source(&s.read("v3.wxs")),
        files_by_source(&s.read("back.wxs"))
    );
    kit::validate(&s.path("back.wxs"), "wix3.xsd");
}

#[test]
#[cfg_attr(
    not(has_tool_xmllint),
    ignore = "needs xmllint (Debian libxml2-utils; .ci/run installs it)"
)]
fn kept_components_go_back_to_their_groups() {
    kit::require_tool("xmllint");
    let s = Scenario::new();
    sample(&s);
    heat().ok(
        &s.dir,
        &["dir", "App", "-cg", "Old", "-gg", "-o", "old.wxs"],
    );
    std::fs::write(s.path("App/bin/new.dll"), "n").unwrap();
    for (layout, extra) in [("fragments", None), ("sfrag", Some("-sfrag"))] {
        let out_name = format!("{layout}.wxs");
        let mut args = vec!["dir", "App", "-cg", "New", "-gg", "-update", "old.wxs"];
        args.extend(extra);
        args.extend(["-o", &out_name]);
        heat().ok(&s.dir, &args);
        let new = files_by_source(&s.read(&out_name));
        for (source, kept) in &new {
            let want = if source.contains("new.dll") {
                "New"
            } else {
                "Old"
            };
            assert_eq!(kept.groups, [want], "{layout}: {source}");
        }
        let out = heat().run(&s.dir, &["check", "old.wxs", &out_name]);
        assert_eq!(out.status.code(), Some(0), "{layout}: {}", stdout(&out));
        kit::validate(&s.path(&out_name), "wix4.xsd");
    }
}

#[test]
fn previous_without_groups_and_without_fragments() {
    let s = Scenario::new();
    sample(&s);
    heat().ok(
        &s.dir,
        &[
            "dir", "App", "-sfrag", "-srd", "-wix3", "-gg", "-o", "old.wxs",
        ],
    );
    let text = as_heat_exe_left_it(&s.text("old.wxs"), &mut Rng(99), &[]);
    std::fs::write(s.path("old.wxs"), text).unwrap();
    heat().ok(
        &s.dir,
        &[
            "dir", "App", "-srd", "-cg", "G", "-wix3", "-gg", "-update", "old.wxs", "-o", "new.wxs",
        ],
    );
    let old = files_by_source(&s.read("old.wxs"));
    let new = files_by_source(&s.read("new.wxs"));
    for (source, was) in &old {
        let now = &new[source];
        assert_eq!(
            (&now.component, &now.file, &now.guid, &now.directory),
            (&was.component, &was.file, &was.guid, &was.directory)
        );
        // Joining a group breaks nothing.
        assert_eq!(now.groups, ["G"]);
    }
}

/// A previous file that no harvester wrote: the folders defined in a product, components in a
/// group by `Directory` attribute, `Name` on the files, GUIDs in lower case without braces.
#[test]
fn hand_written_previous_file() {
    let s = Scenario::new();
    sample(&s);
    let previous = r#"<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="Acme" Language="1033" Version="1.0.0" Manufacturer="Acme" UpgradeCode="1c9bb6a0-b9a4-4e3b-9c93-4f4d5f4a4c11">
    <Package InstallerVersion="200" Compressed="yes" />
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFilesFolder">
        <Directory Id="INSTALLFOLDER" Name="Acme">
          <Directory Id="AppDir" Name="App">
            <Directory Id="BinDir" Name="BIN" />
          </Directory>
        </Directory>
      </Directory>
    </Directory>
    <Feature Id="Main" Level="1"><ComponentGroupRef Id="Files" /></Feature>
  </Product>
  <Fragment>
    <ComponentGroup Id="Files">
      <Component Id="AppExe" Directory="BinDir" Guid="0f8fad5b-d9cb-469f-a165-70867728950e">
        <File Id="AppExeFile" Name="App.exe" KeyPath="yes" Source="build\app.exe" />
      </Component>
      <Component Id="License" Directory="AppDir" Guid="7c9e6679-7425-40de-944b-e07fc1f90ae7">
        <File Id="LicenseFile" Source="$(var.Src)\LICENSE.txt" KeyPath="yes" />
      </Component>
    </ComponentGroup>
  </Fragment>
</Wix>"#;
    std::fs::write(s.path("old.wxs"), previous).unwrap();
    let out = heat().ok(
        &s.dir,
        &[
            "dir",
            "App",
            "-dr",
            "INSTALLFOLDER",
            "-cg",
            "Files",
            "-gg",
            "-update",
            "old.wxs",
            "-o",
            "new.wxs",
        ],
    );
    assert!(
        stderr(&out).contains("2 kept, 2 added, 0 removed"),
        "{}",
        stderr(&out)
    );
    let new = files_by_source(&s.read("new.wxs"));
    let exe = &new[r"bin\app.exe"];
    assert_eq!(
        (
            exe.component.as_str(),
            exe.file.as_str(),
            exe.guid.as_str(),
            exe.directory.as_str()
        ),
        (
            "AppExe",
            "AppExeFile",
            "0f8fad5b-d9cb-469f-a165-70867728950e",
            "BinDir"
        )
    );
    let license = &new["license.txt"];
    assert_eq!(
        (license.component.as_str(), license.directory.as_str()),
        ("License", "AppDir")
    );
    assert!(new[r"bin\core.dll"].component.starts_with("cmp"));
    assert_eq!(new[r"bin\core.dll"].directory, "BinDir");
}

#[test]
#[cfg_attr(
    not(has_tool_xmllint),
    ignore = "needs xmllint (Debian libxml2-utils; .ci/run installs it)"
)]
fn leftovers_recreate_removed_folders() {
    kit::require_tool("xmllint");
    let s = Scenario::new();
    sample(&s);
    for schema in ["-wix3", "-wix4"] {
        let old = format!("old{schema}.wxs");
        let new = format!("new{schema}.wxs");
        heat().ok(
            &s.dir,
            &["dir", "App", "-cg", "A", "-gg", schema, "-o", &old],
        );
        let _ = std::fs::rename(s.path("App/docs"), s.path("docs-away"));
        let out = heat().ok(
            &s.dir,
            &[
                "dir",
                "App",
                "-cg",
                "A",
                "-gg",
                schema,
                "-update",
                &old,
                "-keepremoved",
                "-o",
                &new,
            ],
        );
        assert!(
            stderr(&out).contains(r"removed (kept as a leftover): TARGETDIR\App\docs\README.md"),
            "{}",
            stderr(&out)
        );
        let text = s.text(&new);
        let before = folders_by_path(&s.read(&old));
        let after = folders_by_path(&s.read(&new));
        assert_eq!(before, after, "the docs folder is back with its id");
        if schema == "-wix3" {
            assert!(
                text.contains(
                    "Transitive=\"yes\">\r\n                <Condition>1=0</Condition>\r\n"
                ),
                "{text}"
            );
            kit::validate(&s.path(&new), "wix3.xsd");
        } else {
            assert!(text.contains("Guid=\"{") && text.contains("Condition=\"1=0\""));
            assert!(text.contains(" Transitive=\"yes\">"));
            kit::validate(&s.path(&new), "wix4.xsd");
        }
        // The leftover carries over to the next release too.
        let out = heat().ok(
            &s.dir,
            &[
                "dir",
                "App",
                "-cg",
                "A",
                "-gg",
                schema,
                "-update",
                &new,
                "-keepremoved",
                "-o",
                "next.wxs",
            ],
        );
        assert!(stderr(&out).contains("3 kept, 0 added, 1 removed"));
        assert_eq!(
            std::fs::read(s.path(&new)).unwrap(),
            std::fs::read(s.path("next.wxs")).unwrap()
        );
        // The file comes back: its old component again, without the leftover marks.
        std::fs::rename(s.path("docs-away"), s.path("App/docs")).unwrap();
        let out = heat().ok(
            &s.dir,
            &[
                "dir", "App", "-cg", "A", "-gg", schema, "-update", &new, "-o", "back.wxs",
            ],
        );
        assert!(stderr(&out).contains("4 kept, 0 added, 0 removed"));
        assert_eq!(
            files_by_source(&s.read(&old)),
            files_by_source(&s.read("back.wxs"))
        );
        assert!(!s.text("back.wxs").contains("Transitive"));
        assert!(!s.text("back.wxs").contains("1=0"));
    }
}

#[test]
fn readable_ids_avoid_kept_ones() {
    let s = Scenario::new();
    std::fs::create_dir_all(s.path("App/a")).unwrap();
    std::fs::create_dir_all(s.path("App/b")).unwrap();
    std::fs::write(s.path("App/a/x.txt"), "x").unwrap();
    heat().ok(
        &s.dir,
        &["dir", "App", "-suid", "-cg", "G", "-o", "old.wxs"],
    );
    assert!(s.text("old.wxs").contains("<File Id=\"x.txt\""));
    std::fs::remove_file(s.path("App/a/x.txt")).unwrap();
    std::fs::write(s.path("App/b/x.txt"), "x").unwrap();
    heat().ok(
        &s.dir,
        &[
            "dir",
            "App",
            "-suid",
            "-cg",
            "G",
            "-update",
            "old.wxs",
            "-keepremoved",
            "-o",
            "new.wxs",
        ],
    );
    let new = files_by_source(&s.read("new.wxs"));
    assert_eq!(new[r"a\x.txt"].file, "x.txt");
    assert_eq!(new[r"b\x.txt"].file, "x.txt_1");
    assert_ne!(new[r"a\x.txt"].component, new[r"b\x.txt"].component);
}

#[test]
fn empty_folders_under_ke_are_kept() {
    let s = Scenario::new();
    sample(&s);
    std::fs::create_dir_all(s.path("App/empty")).unwrap();
    heat().ok(
        &s.dir,
        &["dir", "App", "-ke", "-gg", "-cg", "G", "-o", "old.wxs"],
    );
    let text = as_heat_exe_left_it(&s.text("old.wxs"), &mut Rng(3), &[]);
    std::fs::write(s.path("old.wxs"), &text).unwrap();
    let out = heat().ok(
        &s.dir,
        &[
            "dir", "App", "-ke", "-gg", "-cg", "G", "-update", "old.wxs", "-o", "new.wxs",
        ],
    );
    assert!(
        stderr(&out).contains("5 kept, 0 added, 0 removed"),
        "{}",
        stderr(&out)
    );
    let out = heat().run(&s.dir, &["check", "old.wxs", "new.wxs"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
#[cfg_attr(
    not(has_tool_xmllint),
    ignore = "needs xmllint (Debian libxml2-utils; .ci/run installs it)"
)]
fn product_template() {
    kit::require_tool("xmllint");
    let s = Scenario::new();
    sample(&s);
    heat().ok(
        &s.dir,
        &[
            "dir",
            "App",
            "-template",
            "product",
            "-cg",
            "A",
            "-gg",
            "-wix3",
            "-o",
            "old.wxs",
        ],
    );
    let text = as_heat_exe_left_it(&s.text("old.wxs"), &mut Rng(11), &[]);
    std::fs::write(s.path("old.wxs"), &text).unwrap();
    heat().ok(
        &s.dir,
        &[
            "dir",
            "App",
            "-template",
            "product",
            "-cg",
            "A",
            "-gg",
            "-wix3",
            "-update",
            "old.wxs",
            "-o",
            "new.wxs",
        ],
    );
    let old = files_by_source(&s.read("old.wxs"));
    assert_eq!(old.len(), 4);
    assert_eq!(old, files_by_source(&s.read("new.wxs")));
    kit::validate(&s.path("new.wxs"), "wix3.xsd");
}

#[test]
fn bad_previous_files_are_errors_and_write_nothing() {
    let s = Scenario::new();
    sample(&s);
    std::fs::write(
        s.path("broken.wxs"),
        "<Wix xmlns=\"http://wixtoolset.org/schemas/v4/wxs\"><Fragment>",
    )
    .unwrap();
    for (previous, code) in [("missing.wxs", "HEAT5059"), ("broken.wxs", "HEAT8013")] {
        let out = heat().run(
            &s.dir,
            &["dir", "App", "-update", previous, "-o", "out.wxs"],
        );
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains(code) && err.contains(previous), "{err}");
        assert!(!s.path("out.wxs").exists());
    }
    for args in [
        &["dir", "App", "-keepremoved", "-o", "out.wxs"][..],
        &["dir", "App", "-updatereport", "r.json", "-o", "out.wxs"][..],
    ] {
        let out = heat().run(&s.dir, args);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains("goes with -update"));
    }
}

/// A hand-given id of the previous file that equals the id heat makes for a new file: the new
/// file's id is numbered, and no id appears twice.
#[test]
#[cfg_attr(
    not(has_tool_xmllint),
    ignore = "needs xmllint (Debian libxml2-utils; .ci/run installs it)"
)]
fn new_ids_never_collide_with_kept_ones() {
    kit::require_tool("xmllint");
    let s = Scenario::new();
    sample(&s);
    std::fs::write(s.path("App/extra.txt"), "e").unwrap();
    heat().ok(&s.dir, &["dir", "App", "-cg", "A", "-o", "both.wxs"]);
    let both = files_by_source(&s.read("both.wxs"));
    let extra = both["extra.txt"].clone();
    std::fs::remove_file(s.path("App/extra.txt")).unwrap();
    heat().ok(&s.dir, &["dir", "App", "-cg", "A", "-o", "old.wxs"]);
    let license = files_by_source(&s.read("old.wxs"))["license.txt"].clone();
    // By hand, LICENSE.txt took the ids extra.txt would get.
    let text = s
        .text("old.wxs")
        .replace(&license.component, &extra.component)
        .replace(&license.file, &extra.file);
    std::fs::write(s.path("old.wxs"), text).unwrap();

    std::fs::write(s.path("App/extra.txt"), "e").unwrap();
    heat().ok(
        &s.dir,
        &[
            "dir", "App", "-cg", "A", "-update", "old.wxs", "-o", "new.wxs",
        ],
    );
    let new = files_by_source(&s.read("new.wxs"));
    assert_eq!(new["license.txt"].component, extra.component);
    assert_eq!(new["license.txt"].file, extra.file);
    assert_eq!(new["extra.txt"].component, format!("{}_1", extra.component));
    assert_eq!(new["extra.txt"].file, format!("{}_1", extra.file));
    kit::validate(&s.path("new.wxs"), "wix4.xsd");
}

/// The schemas `golden_update_with_leftovers` writes, each compared with
/// `testdata/update/keepremoved-<schema>.wxs`.
const GOLDEN_UPDATE_SCHEMAS: [&str; 2] = ["v3", "v4"];

fn golden_update_path(schema: &str) -> PathBuf {
    kit::testdata(&format!("update/keepremoved-{schema}.wxs"))
}

/// The expected files of this module, for the suite's check that every expected file is used.
pub fn expected_files() -> Vec<PathBuf> {
    GOLDEN_UPDATE_SCHEMAS.map(golden_update_path).to_vec()
}

/// The outputs of one update, byte for byte: `testdata/update/README.md` says what they hold.
/// `SNAPSHOTS=overwrite` rewrites them.
#[test]
fn golden_update_with_leftovers() {
    let s = Scenario::new();
    sample(&s);
    std::fs::remove_file(s.path("App/docs/README.md")).unwrap();
    std::fs::remove_dir(s.path("App/docs")).unwrap();
    std::fs::write(s.path("App/bin/new.dll"), "new").unwrap();
    std::fs::copy(
        kit::testdata("update/previous-v3.wxs"),
        s.path("previous-v3.wxs"),
    )
    .unwrap();
    for schema in GOLDEN_UPDATE_SCHEMAS {
        let out_name = format!("keepremoved-{schema}.wxs");
        let flag = format!("-wix{}", &schema[1..]);
        let out = heat().ok(
            &s.dir,
            &[
                "dir",
                "App",
                "-cg",
                "App",
                "-dr",
                "INSTALLFOLDER",
                "-gg",
                "-var",
                "var.Src",
                &flag,
                "-update",
                "previous-v3.wxs",
                "-keepremoved",
                "-o",
                &out_name,
            ],
        );
        assert_eq!(
            stderr(&out),
            "heat: update from 'previous-v3.wxs': 3 kept, 1 added, 1 removed\n\
             heat:   removed (kept as a leftover): INSTALLFOLDER\\App\\docs\\README.md \
             (component cmpA766742C83EF08CF8286E1A3E66B8B7B)\n"
        );
        kit::snapshot(
            &golden_update_path(schema),
            &std::fs::read(s.path(&out_name)).unwrap(),
        );
    }
}

/// A different -dr moves every file: nothing is kept, and the warning says why that may be.
#[test]
fn another_directory_reference_keeps_nothing_and_says_why() {
    let s = Scenario::new();
    sample(&s);
    heat().ok(
        &s.dir,
        &["dir", "App", "-dr", "INSTALLFOLDER", "-o", "old.wxs"],
    );
    let out = heat().run(
        &s.dir,
        &[
            "dir",
            "App",
            "-dr",
            "OTHERFOLDER",
            "-update",
            "old.wxs",
            "-o",
            "new.wxs",
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3));
    assert!(err.contains("0 kept, 4 added, 4 removed"), "{err}");
    assert!(err.contains("were -dr and -srd the same"), "{err}");
}

/// `heat reg` components have no install location: -update follows them by id and keeps
/// their GUIDs.
#[test]
fn registry_harvest_keeps_guids_by_id() {
    let s = Scenario::new();
    let reg = kit::testdata("vectors/heat-v4/reg/input.reg");
    let reg = reg.to_str().unwrap();
    heat().ok(&s.dir, &["reg", reg, "-cg", "R", "-gg", "-o", "fresh.wxs"]);
    let text = as_heat_exe_left_it(&s.text("fresh.wxs"), &mut Rng(21), &[]);
    std::fs::write(s.path("old.wxs"), &text).unwrap();
    let out = heat().ok(
        &s.dir,
        &[
            "reg", reg, "-cg", "R", "-gg", "-update", "old.wxs", "-o", "new.wxs",
        ],
    );
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    let guids = |rel: &str| -> Vec<String> {
        let doc = s.read(rel);
        doc.elements_named("Component")
            .map(|c| doc.text_attr(c, "Guid").unwrap().to_owned())
            .collect()
    };
    assert_eq!(guids("old.wxs").len(), 7);
    assert_eq!(guids("old.wxs"), guids("new.wxs"));
    assert_ne!(guids("fresh.wxs"), guids("new.wxs"));
    let out = heat().run(&s.dir, &["check", "old.wxs", "new.wxs"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

/// A folder whose name holds a `$` is written `$$` (WiX's preprocessor reads `$$` as `$`);
/// heat.exe wrote it as it is. Both are the same install location: an update from either keeps
/// every id, and `heat check` finds nothing.
#[test]
fn dollar_in_a_folder_name_is_the_same_location_escaped_or_not() {
    let s = Scenario::new();
    std::fs::create_dir_all(s.path("App/a$b")).unwrap();
    std::fs::write(s.path("App/a$b/x$y.txt"), "x").unwrap();
    std::fs::write(s.path("App/top.txt"), "t").unwrap();
    heat().ok(&s.dir, &["dir", "App", "-cg", "A", "-gg", "-o", "new.wxs"]);
    let new = s.text("new.wxs");
    assert!(new.contains(r#"Name="a$$b""#), "{new}");
    // As heat.exe wrote it: names as they are on disk.
    let old = new.replace("a$$b", "a$b").replace("x$$y", "x$y");
    std::fs::write(s.path("old.wxs"), old).unwrap();
    let out = heat().run(
        &s.dir,
        &[
            "dir",
            "App",
            "-cg",
            "A",
            "-gg",
            "-update",
            "old.wxs",
            "-o",
            "again.wxs",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("2 kept, 0 added, 0 removed"),
        "{}",
        stderr(&out)
    );
    assert_eq!(s.text("again.wxs"), new);
    let out = heat().run(&s.dir, &["check", "old.wxs", "new.wxs"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// A previous harvest as heat writes one with `-dr INSTALLFOLDER -cg G`, laid out one element
/// a line so that the cases below can edit it and find their lines.
pub(crate) const TRUSTED: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://wixtoolset.org/schemas/v4/wxs">
  <Fragment>
    <DirectoryRef Id="INSTALLFOLDER">
      <Directory Id="dApp" Name="App" />
    </DirectoryRef>
  </Fragment>
  <Fragment>
    <DirectoryRef Id="dApp">
      <Component Id="cA" Guid="{00000000-0000-4000-8000-00000000000A}">
        <File Id="fA" KeyPath="yes" Source="SourceDir\App\a.txt" />
      </Component>
      <Component Id="cB" Guid="{00000000-0000-4000-8000-00000000000B}">
        <File Id="fB" KeyPath="yes" Source="SourceDir\App\b.txt" />
      </Component>
    </DirectoryRef>
  </Fragment>
  <Fragment>
    <ComponentGroup Id="G">
      <ComponentRef Id="cA" />
      <ComponentRef Id="cB" />
    </ComponentGroup>
  </Fragment>
</Wix>
"#;

/// A previous harvest that cannot be trusted: its name, its text, the rule `heat check` names,
/// the id or GUID at fault, the text of the line at fault and of the line it repeats (if any).
pub(crate) struct Untrusted {
    pub name: &'static str,
    pub text: String,
    pub rule: &'static str,
    pub value: &'static str,
    pub line: &'static str,
    pub first: Option<&'static str>,
}

/// The line (from 1) of the first line of `text` that contains `needle`.
pub(crate) fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not in {text}"))
        + 1
}

/// Every kind of previous harvest `-update` must refuse.
pub(crate) fn untrusted() -> Vec<Untrusted> {
    let t = TRUSTED;
    let second_app = "  <Fragment>\n    <DirectoryRef Id=\"INSTALLFOLDER\">\n      \
                      <Directory Id=\"dApp\" Name=\"Other\" />\n    </DirectoryRef>\n  \
                      </Fragment>\n</Wix>";
    vec![
        Untrusted {
            name: "component id twice",
            text: t.replace(r#"<Component Id="cB""#, r#"<Component Id="cA""#),
            rule: "duplicate-id",
            value: "cA",
            line: r#"<Component Id="cA" Guid="{00000000-0000-4000-8000-00000000000B}""#,
            first: Some(r#"<Component Id="cA""#),
        },
        Untrusted {
            name: "file id twice",
            text: t.replace(r#"<File Id="fB""#, r#"<File Id="fA""#),
            rule: "duplicate-id",
            value: "fA",
            line: r"b.txt",
            first: Some(r"a.txt"),
        },
        Untrusted {
            name: "directory defined in two fragments",
            text: t.replace("</Wix>", second_app),
            rule: "duplicate-id",
            value: "dApp",
            line: r#"Name="Other""#,
            first: Some(r#"<Directory Id="dApp""#),
        },
        Untrusted {
            name: "one GUID on two components, in another case and without braces",
            text: t.replace(
                "{00000000-0000-4000-8000-00000000000B}",
                "00000000-0000-4000-8000-00000000000a",
            ),
            rule: "duplicate-guid",
            value: "00000000-0000-4000-8000-00000000000a",
            line: "00000000-0000-4000-8000-00000000000a",
            first: Some("{00000000-0000-4000-8000-00000000000A}"),
        },
        Untrusted {
            name: "component id that is not an identifier",
            text: t.replace(r#"<Component Id="cB""#, r#"<Component Id="1 2""#),
            rule: "invalid-id",
            value: "1 2",
            line: r#"Id="1 2""#,
            first: None,
        },
        Untrusted {
            name: "file id that is a bind-time reference",
            text: t.replace(r#"<File Id="fB""#, r#"<File Id="!(loc.x)""#),
            rule: "invalid-id",
            value: "!(loc.x)",
            line: "!(loc.x)",
            first: None,
        },
        // The preprocessor's branches are read as they are, all of them: an id defined in
        // two branches is two definitions to a reader that cannot tell which branch a build
        // takes (a harvest has no conditions; regenerate from one without them).
        Untrusted {
            name: "one component id defined in both branches of <?if?>",
            text: t.replace(
                r#"      <Component Id="cB" Guid="{00000000-0000-4000-8000-00000000000B}">
        <File Id="fB" KeyPath="yes" Source="SourceDir\App\b.txt" />
      </Component>"#,
                r#"<?if $(var.Edition) = "Pro" ?>
      <Component Id="cB" Guid="{00000000-0000-4000-8000-00000000000B}">
        <File Id="fB" KeyPath="yes" Source="SourceDir\App\b.txt" />
      </Component>
<?else?>
      <Component Id="cB" Guid="{00000000-0000-4000-8000-00000000000C}">
        <File Id="fC" KeyPath="yes" Source="SourceDir\App\b.txt" />
      </Component>
<?endif?>"#,
            ),
            rule: "duplicate-id",
            value: "cB",
            line: r#"Guid="{00000000-0000-4000-8000-00000000000C}""#,
            first: Some(r#"Guid="{00000000-0000-4000-8000-00000000000B}""#),
        },
        Untrusted {
            name: "GUID that is not a GUID",
            text: t.replace("{00000000-0000-4000-8000-00000000000B}", "not-a-guid"),
            rule: "invalid-guid",
            value: "not-a-guid",
            line: "not-a-guid",
            first: None,
        },
    ]
}

fn two_files(s: &Scenario) {
    std::fs::create_dir_all(s.path("App")).unwrap();
    std::fs::write(s.path("App/a.txt"), "a").unwrap();
    std::fs::write(s.path("App/b.txt"), "b").unwrap();
}

fn update_from(s: &Scenario, previous: &str) -> std::process::Output {
    std::fs::write(s.path("prev.wxs"), previous).unwrap();
    let _ = std::fs::remove_file(s.path("out.wxs"));
    heat().run(
        &s.dir,
        &[
            "dir",
            "App",
            "-dr",
            "INSTALLFOLDER",
            "-cg",
            "G",
            "-update",
            "prev.wxs",
            "-o",
            "out.wxs",
        ],
    )
}

/// A previous harvest with two components, files or folders of one id, one GUID on two
/// components, an id that is not an identifier or a GUID that is not a GUID is refused: error
/// HEAT8204 naming the file, the line and the id or GUID, exit code 1, nothing written.
#[test]
fn an_untrusted_previous_harvest_is_refused() {
    let s = Scenario::new();
    two_files(&s);
    // The file as it is is trusted, and every id in it is kept.
    let out = update_from(&s, TRUSTED);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = s.text("out.wxs");
    for id in ["cA", "cB", "fA", "fB", "dApp"] {
        assert!(text.contains(&format!("Id=\"{id}\"")), "{id}: {text}");
    }
    for case in untrusted() {
        let out = update_from(&s, &case.text);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{}: {err}", case.name);
        assert!(err.contains("error HEAT8204"), "{}: {err}", case.name);
        assert!(err.contains("'prev.wxs'"), "{}: {err}", case.name);
        assert!(
            err.contains(&format!("'{}'", case.value)),
            "{}: {err}",
            case.name
        );
        let line = line_of(&case.text, case.line);
        assert!(
            err.contains(&format!("line {line}: ")),
            "{}: line {line}: {err}",
            case.name
        );
        if let Some(first) = case.first {
            let first = line_of(&case.text, first);
            assert!(
                err.contains(&format!("(first on line {first})")),
                "{}: first on line {first}: {err}",
                case.name
            );
        }
        assert!(
            !s.path("out.wxs").exists(),
            "{}: an output was written",
            case.name
        );
        assert!(stdout(&out).is_empty(), "{}", case.name);
    }
}

/// What is not a duplicate: a `DirectoryRef` to a `Directory` of the file (however often), and
/// GUIDs not given yet (`*`, empty, heat's placeholder, none) on several components.
#[test]
fn references_and_unset_guids_are_not_duplicates() {
    let s = Scenario::new();
    two_files(&s);
    let another_ref = "  <Fragment>\n    <DirectoryRef Id=\"dApp\" />\n  </Fragment>\n</Wix>";
    let guid_a = "{00000000-0000-4000-8000-00000000000A}";
    let guid_b = "{00000000-0000-4000-8000-00000000000B}";
    let mut cases = vec![TRUSTED.replace("</Wix>", another_ref)];
    for unset in ["*", "", "PUT-GUID-HERE"] {
        cases.push(TRUSTED.replace(guid_a, unset).replace(guid_b, unset));
    }
    cases.push(
        TRUSTED
            .replace(&format!(" Guid=\"{guid_a}\""), "")
            .replace(&format!(" Guid=\"{guid_b}\""), ""),
    );
    for previous in &cases {
        let out = update_from(&s, previous);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{previous}\n{err}");
        assert!(err.contains("2 kept, 0 added, 0 removed"), "{err}");
        let out = heat().run(&s.dir, &["check", "prev.wxs", "prev.wxs"]);
        assert_eq!(out.status.code(), Some(0), "{previous}\n{}", stdout(&out));
    }
}

/// Names are compared as the walk compares them, one character upper-cased at a time: the
/// Kelvin sign (U+212A) is its own upper case and not `K`, so a folder `\u{212A}elvin` and a
/// folder `kelvin` are two install locations, each keeping its own ids, while a change of
/// case within either is the same location.
#[test]
fn kelvin_sign_names_are_compared_as_the_walk_compares_them() {
    let s = Scenario::new();
    std::fs::create_dir_all(s.path("App/\u{212A}elvin")).unwrap();
    std::fs::create_dir_all(s.path("App/kelvin")).unwrap();
    std::fs::write(s.path("App/\u{212A}elvin/a.txt"), "a").unwrap();
    std::fs::write(s.path("App/kelvin/b.txt"), "b").unwrap();
    heat().ok(
        &s.dir,
        &[
            "dir",
            "App",
            "-dr",
            "INSTALLFOLDER",
            "-cg",
            "G",
            "-gg",
            "-o",
            "new.wxs",
        ],
    );
    let new = s.text("new.wxs");
    let doc = s.read("new.wxs");
    let component_of = |doc: &Document, file: &str| {
        let f = doc
            .elements_named("File")
            .find(|&f| doc.text_attr(f, "Source").unwrap().ends_with(file))
            .unwrap();
        let c = doc.parent(f).unwrap();
        doc.text_attr(c, "Id").unwrap().to_owned()
    };
    let (ca, cb) = (component_of(&doc, "a.txt"), component_of(&doc, "b.txt"));
    assert!(new.contains("Name=\"\u{212A}elvin\""), "{new}");
    // The previous harvest: each folder in another case, each component renamed.
    let previous = new
        .replace("Name=\"\u{212A}elvin\"", "Name=\"\u{212A}ELVIN\"")
        .replace("Name=\"kelvin\"", "Name=\"KELVIN\"")
        .replace(&ca, "cmpKelvinSign")
        .replace(&cb, "cmpAsciiK");
    std::fs::write(s.path("prev.wxs"), &previous).unwrap();
    let out = heat().run(
        &s.dir,
        &[
            "dir",
            "App",
            "-dr",
            "INSTALLFOLDER",
            "-cg",
            "G",
            "-gg",
            "-update",
            "prev.wxs",
            "-o",
            "out.wxs",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("2 kept, 0 added, 0 removed"),
        "{}",
        stderr(&out)
    );
    let kept = s.read("out.wxs");
    assert_eq!(component_of(&kept, "a.txt"), "cmpKelvinSign");
    assert_eq!(component_of(&kept, "b.txt"), "cmpAsciiK");
    let out = heat().run(&s.dir, &["check", "prev.wxs", "out.wxs"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // The Kelvin sign written as the letter K is another folder, the `kelvin` one: the
    // component is no longer at its key path.
    let ascii = new.replace("Name=\"\u{212A}elvin\"", "Name=\"Kelvin\"");
    std::fs::write(s.path("ascii.wxs"), ascii).unwrap();
    let out = heat().run(&s.dir, &["check", "new.wxs", "ascii.wxs"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let report = stdout(&out);
    assert!(
        report.contains(&format!("keypath-changed: component '{ca}'")),
        "{report}"
    );
    // Both folders are now one location, which the first of them holds.
    assert!(
        !report.contains(&format!("keypath-changed: component '{cb}'")),
        "{report}"
    );
}
