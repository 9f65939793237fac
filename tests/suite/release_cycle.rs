//! Ten releases in a row, as a product ships them: each release's tree gains, loses, renames
//! and re-cases files, and is harvested with `-update` from the release before. Every file at
//! a location that stays keeps its component id, file id and GUID across all ten releases, and
//! `heat check` between two releases names exactly the components that went.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use heat::xml::read_file;
use kit::{stderr, stdout, Rng, TextAttr};

use crate::heat;

/// What a release must keep of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Ids {
    component: String,
    file: String,
    guid: String,
}

/// Every file of a harvest by its location below the harvested folder, lower-cased (Windows
/// compares paths without regard to case), read from the `Source` paths.
fn ids_by_location(path: &Path) -> BTreeMap<String, Ids> {
    let doc = read_file(path).unwrap();
    let mut out = BTreeMap::new();
    for c in doc.elements_named("Component") {
        let file = doc.children_named(c, "File").next().unwrap();
        let source = doc.text_attr(file, "Source").unwrap();
        let rel = source.split_once('\\').unwrap().1;
        let ids = Ids {
            component: doc.text_attr(c, "Id").unwrap().to_owned(),
            file: doc.text_attr(file, "Id").unwrap().to_owned(),
            guid: doc.text_attr(c, "Guid").unwrap().to_owned(),
        };
        assert!(out.insert(rel.to_lowercase(), ids).is_none(), "{rel} twice");
    }
    out
}

const FOLDERS: [&str; 7] = [
    "",
    "bin",
    "bin/plugins",
    "lib",
    "lib/x64",
    "share/doc",
    "share/Icons",
];

fn write(root: &Path, rel: &str, release: usize) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, format!("release {release}: {rel}\n")).unwrap();
}

/// A release's changes to the tree: the files it removes (renames count as a removal and an
/// addition) as they were written, and the lower-cased locations of those it re-cases.
fn next_release(
    root: &Path,
    files: &mut Vec<String>,
    release: usize,
    rng: &mut Rng,
    serial: &mut usize,
) -> (Vec<String>, Vec<String>) {
    let mut removed = Vec::new();
    let mut recased = Vec::new();
    // Removed, renamed, re-cased: each a few.
    for kind in 0..3 {
        for _ in 0..3 + rng.below(4) {
            if files.len() < 10 {
                break;
            }
            let i = rng.below(files.len());
            let rel = files.remove(i);
            match kind {
                0 => {
                    std::fs::remove_file(root.join(&rel)).unwrap();
                    removed.push(rel);
                }
                1 => {
                    let (folder, name) = rel.rsplit_once('/').unwrap_or(("", rel.as_str()));
                    let renamed = format!("renamed{serial}-{name}");
                    *serial += 1;
                    let to = if folder.is_empty() {
                        renamed
                    } else {
                        format!("{folder}/{renamed}")
                    };
                    std::fs::rename(root.join(&rel), root.join(&to)).unwrap();
                    removed.push(rel);
                    files.push(to);
                }
                _ => {
                    let (folder, name) = rel.rsplit_once('/').unwrap_or(("", rel.as_str()));
                    let flipped: String = name
                        .chars()
                        .map(|c| {
                            if c.is_ascii_lowercase() {
                                c.to_ascii_uppercase()
                            } else {
                                c.to_ascii_lowercase()
                            }
                        })
                        .collect();
                    let to = if folder.is_empty() {
                        flipped
                    } else {
                        format!("{folder}/{flipped}")
                    };
                    // Through another name: some filesystems ignore case in a rename.
                    let by = root.join(format!("{to}.moving"));
                    std::fs::rename(root.join(&rel), &by).unwrap();
                    std::fs::rename(&by, root.join(&to)).unwrap();
                    recased.push(to.to_lowercase());
                    files.push(to);
                }
            }
        }
    }
    // Added: some in a folder that is new.
    for k in 0..2 + rng.below(5) {
        let folder = if k == 0 {
            format!("new{release}")
        } else {
            FOLDERS[rng.below(FOLDERS.len())].to_owned()
        };
        let name = format!("added{serial}.dat");
        *serial += 1;
        let rel = if folder.is_empty() {
            name
        } else {
            format!("{folder}/{name}")
        };
        write(root, &rel, release);
        files.push(rel);
    }
    (removed, recased)
}

#[test]
fn ten_releases_keep_every_location_and_check_names_every_break() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let app = dir.join("App");
    let mut rng = Rng(0x0010_7E1E_A5E5);
    let mut files = Vec::new();
    for i in 0..120 {
        let folder = FOLDERS[i % FOLDERS.len()];
        let name = if i % 5 == 0 {
            format!("Lib{i:03}.DLL")
        } else {
            format!("file{i:03}.txt")
        };
        let rel = if folder.is_empty() {
            name
        } else {
            format!("{folder}/{name}")
        };
        write(&app, &rel, 1);
        files.push(rel);
    }
    let options = ["-cg", "App", "-dr", "INSTALLFOLDER", "-gg"];
    let mut args = vec!["dir", "App"];
    args.extend(options);
    args.extend(["-o", "release1.wxs"]);
    heat().ok(dir, &args);

    // The ids each location got when it first shipped.
    let mut first_seen: BTreeMap<String, Ids> = ids_by_location(&dir.join("release1.wxs"));
    let mut serial = 0;
    for release in 2..=10 {
        let previous = format!("release{}.wxs", release - 1);
        let output = format!("release{release}.wxs");
        let (removed, recased) = next_release(&app, &mut files, release, &mut rng, &mut serial);
        let mut args = vec!["dir", "App"];
        args.extend(options);
        args.extend(["-update", &previous, "-o", &output]);
        let out = heat().run(dir, &args);
        let before = ids_by_location(&dir.join(&previous));
        let now = ids_by_location(&dir.join(&output));
        // (A file renamed twice in one release was not there before: its first name is no
        // break.)
        let gone: BTreeSet<String> = removed
            .iter()
            .map(|r| r.replace('/', "\\").to_lowercase())
            .filter(|l| before.contains_key(l))
            .collect();
        // The locations are exactly the tree's.
        let tree: BTreeSet<String> = files
            .iter()
            .map(|r| r.replace('/', "\\").to_lowercase())
            .collect();
        assert_eq!(
            now.keys().cloned().collect::<BTreeSet<_>>(),
            tree,
            "release {release}"
        );
        for (location, ids) in &now {
            match first_seen.get(location) {
                // A location that shipped before keeps what it first got, whatever its case.
                Some(first) => assert_eq!(ids, first, "release {release}: {location}"),
                None => {
                    assert!(
                        !before.contains_key(location),
                        "release {release}: {location}"
                    );
                    first_seen.insert(location.clone(), ids.clone());
                }
            }
        }
        for location in &recased {
            let location = location.replace('/', "\\");
            // (A file renamed in this release may be re-cased too: it is new anyway.)
            if let Some(was) = before.get(&location) {
                assert_eq!(&now[&location], was, "release {release}: {location}");
            }
        }
        let expected_code = if gone.is_empty() { 0 } else { 3 };
        assert_eq!(
            out.status.code(),
            Some(expected_code),
            "release {release}: {}",
            stderr(&out)
        );
        for location in &gone {
            assert!(!now.contains_key(location), "release {release}: {location}");
            // A location that goes is gone for good here: forget what it had.
            first_seen.remove(location);
        }

        // heat check names exactly the components that went, and nothing else.
        let json = format!("check{release}.json");
        let out = heat().run(dir, &["check", &previous, &output, "-json", &json]);
        let report: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join(&json)).unwrap()).unwrap();
        let findings = report["findings"].as_array().unwrap();
        let named: BTreeSet<(String, String)> = findings
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_owned(),
                    f["component"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let expected: BTreeSet<(String, String)> = gone
            .iter()
            .map(|l| ("component-removed".to_owned(), before[l].component.clone()))
            .collect();
        assert_eq!(named, expected, "release {release}: {}", stdout(&out));
        assert_eq!(findings.len(), gone.len(), "release {release}");
        assert_eq!(
            out.status.code(),
            Some(if gone.is_empty() { 0 } else { 1 }),
            "release {release}"
        );
        // And from a release to itself, nothing.
        let out = heat().run(dir, &["check", &output, &output]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "release {release}: {}",
            stdout(&out)
        );
    }
}
