//! `heat check <old.wxs> <new.wxs>`: every change between two harvests that breaks a patch or a
//! minor upgrade.
//!
//! Windows Installer's component rules: a component keeps its GUID, its key path and its ids
//! from release to release, and no component leaves a feature. The two documents are matched
//! by install location (see [`inventory`](super::inventory)); then each rule is checked:
//!
//! | rule | finding |
//! |---|---|
//! | `component-removed` | a component of the old harvest is gone (nothing at its key path, nor its id or GUID anywhere) |
//! | `removed-from-group` | a component is no longer in a group or feature it was in, and in no other |
//! | `moved-group` | a component left a group or feature for another |
//! | `guid-changed` | the component at the same key path has another GUID |
//! | `keypath-changed` | the component (same id or GUID) has another key path, or its key file is no longer the key path |
//! | `component-id-changed` | the component at the same key path has another id |
//! | `file-id-changed` | the file at the same location has another id |
//! | `directory-id-changed` | the folder at the same location has another id |
//! | `duplicate-id` | two components, files or folders of one harvest with one id |
//! | `duplicate-guid` | two components of one harvest with one GUID |
//! | `invalid-id` | an id that is not a WiX identifier |
//! | `invalid-guid` | a component GUID that is not a GUID |
//!
//! The last four are about one harvest, old or new (see [`trust`](super::trust)): they come
//! first, and a harvest that has them cannot be trusted as a base for a patch.
//!
//! Components, files and folders added in the new harvest break nothing.

use std::collections::HashMap;
use std::path::Path;

use super::atoms::{Guid, GuidForm};
use super::keys::{self, Key};
use super::matching::match_snapshots;
use super::snapshot::{CompDetails, FileDetails, Group, KeyPath, Snapshot, NONE};
use super::trust::Flaw;
use crate::error::Result;
use crate::wix::Document;

/// A kind of change that breaks a patch or minor upgrade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Rule {
    /// A component is gone.
    ComponentRemoved,
    /// A component is no longer in a group it was in, and in no other.
    RemovedFromGroup,
    /// A component moved from one group to another.
    MovedGroup,
    /// The component at the same key path has another GUID.
    GuidChanged,
    /// A component has another key path.
    KeyPathChanged,
    /// The component at the same key path has another id.
    ComponentIdChanged,
    /// The file at the same location has another id.
    FileIdChanged,
    /// The folder at the same location has another id.
    DirectoryIdChanged,
    /// Two components, files or folders of one harvest have one id.
    DuplicateId,
    /// Two components of one harvest have one GUID.
    DuplicateGuid,
    /// An id is not a WiX identifier.
    InvalidId,
    /// A component's GUID is not a GUID.
    InvalidGuid,
}

impl Rule {
    /// The rule's name in reports (`component-removed`, …).
    pub fn name(self) -> &'static str {
        match self {
            Rule::ComponentRemoved => "component-removed",
            Rule::RemovedFromGroup => "removed-from-group",
            Rule::MovedGroup => "moved-group",
            Rule::GuidChanged => "guid-changed",
            Rule::KeyPathChanged => "keypath-changed",
            Rule::ComponentIdChanged => "component-id-changed",
            Rule::FileIdChanged => "file-id-changed",
            Rule::DirectoryIdChanged => "directory-id-changed",
            Rule::DuplicateId => "duplicate-id",
            Rule::DuplicateGuid => "duplicate-guid",
            Rule::InvalidId => "invalid-id",
            Rule::InvalidGuid => "invalid-guid",
        }
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One change that breaks a patch or minor upgrade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule broken.
    pub rule: Rule,
    /// The component concerned (its id in the old harvest); for a folder, a component in it,
    /// if any.
    pub component: String,
    /// The install location concerned: the component's key path, or the folder's location.
    pub path: String,
    /// The old value (id, GUID, key path or group), where there is one.
    pub old: Option<String>,
    /// The new value, where there is one.
    pub new: Option<String>,
    /// What changed, in a sentence.
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: component '{}' at '{}': {}",
            self.rule, self.component, self.path, self.message
        )
    }
}

/// Every change from `old` to `new` that breaks a patch or minor upgrade: components in the
/// old document's order, then files, then folders.
pub fn check(old: &Document, new: &Document) -> Vec<Finding> {
    let o = Snapshot::of_document_with_ids(old);
    let n = Snapshot::of_document_with_ids(new);
    findings(
        &o,
        &Spelled::Document(old),
        &n,
        &Spelled::Document(new),
        ["old", "new"],
    )
    .expect("documents in memory are read without errors")
}

/// Where a snapshot's texts are spelled from: the document it was taken of, or its file.
enum Spelled<'d> {
    Document(&'d Document),
    File,
}

impl Spelled<'_> {
    fn details(&self, s: &Snapshot, comps: &[u32]) -> Result<HashMap<u32, CompDetails>> {
        match self {
            Spelled::Document(doc) => Ok(comps
                .iter()
                .map(|&c| (c, s.document_details(doc, c)))
                .collect()),
            Spelled::File => s.details(comps),
        }
    }
}

/// A finding before it is spelled out.
enum Found {
    Removed(u32),
    Elsewhere(u32, u32),
    Demoted(u32, u32),
    IdChanged(u32, u32),
    GuidChanged(u32, u32),
    KeyKind(u32, u32),
    LeftGroup(u32, Group),
    MovedGroup(u32, Group, Vec<Group>),
    FileId(u32, u32, u32, u32),
    DirId(u32, u32),
}

/// What makes a harvest (`old` or not, named `name`) untrustworthy, as findings.
fn problem_findings(s: &Snapshot, name: &str, old: bool) -> Vec<Finding> {
    let count = s.problems.len();
    s.problems
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let rule = match p.flaw {
                Flaw::DuplicateId(_) => Rule::DuplicateId,
                Flaw::DuplicateGuid => Rule::DuplicateGuid,
                Flaw::InvalidId(_) | Flaw::MissingId(_) => Rule::InvalidId,
                Flaw::InvalidGuid => Rule::InvalidGuid,
            };
            let component = (p.comp != NONE)
                .then(|| s.comp_ids[p.comp as usize].text(&s.texts))
                .flatten()
                .unwrap_or_else(|| "(none)".to_owned());
            let path = match p.line {
                Some(l) => format!("{name}:{l}"),
                None => name.to_owned(),
            };
            let side = if old { "the old" } else { "the new" };
            let mut message = format!("{side} harvest cannot be trusted: {}", p.what());
            if k + 1 == count && s.more_problems > 0 {
                message.push_str(&format!(
                    " ({} more problems of this harvest are not listed)",
                    s.more_problems
                ));
            }
            Finding {
                rule,
                component,
                path,
                old: old.then(|| p.value.clone()),
                new: (!old).then(|| p.value.clone()),
                message,
            }
        })
        .collect()
}

/// The findings of `new` against `old` (named `names`): what makes either untrustworthy, then
/// what breaks a patch.
fn findings(
    o: &Snapshot,
    old_text: &Spelled<'_>,
    n: &Snapshot,
    new_text: &Spelled<'_>,
    names: [&str; 2],
) -> Result<Vec<Finding>> {
    let mut out = problem_findings(o, names[0], true);
    out.extend(problem_findings(n, names[1], false));
    out.extend(changes(o, old_text, n, new_text)?);
    Ok(out)
}

/// What breaks a patch from `old` to `new`.
fn changes(
    o: &Snapshot,
    old_text: &Spelled<'_>,
    n: &Snapshot,
    new_text: &Spelled<'_>,
) -> Result<Vec<Finding>> {
    // The new side's source keys, where the old side will look some up.
    let new_sources = if o.source_keys.is_empty() {
        None
    } else {
        let all: Vec<u32> = (0..n.comps.len() as u32).collect();
        let details = new_text.details(n, &all)?;
        Some(
            details
                .into_iter()
                .filter_map(|(c, d)| {
                    let f = n.key_file(c)? - n.comps[c as usize].first_file;
                    let source = d.files.get(f as usize)?.source.as_deref()?;
                    Some((c, keys::of_source(source)))
                })
                .collect::<HashMap<u32, Key>>(),
        )
    };
    let m = match_snapshots(o, n, new_sources.as_ref());
    let same_group =
        |a: Group, b: Group| a.kind == b.kind && o.names.get(a.id) == n.names.get(b.id);
    let mut by_id: Option<HashMap<u64, u32>> = None;
    let mut by_guid: Option<HashMap<String, u32>> = None;
    let mut found = Vec::new();
    for j in 0..o.comps.len() as u32 {
        let oc = &o.comps[j as usize];
        let i = m.comps[j as usize];
        if i == NONE {
            // Not at its key path: the same component elsewhere, its key file demoted, or gone.
            let id = o.comp_ids[j as usize];
            let by_id = by_id.get_or_insert_with(|| {
                let mut t = HashMap::new();
                for (c, id) in n.comp_ids.iter().enumerate() {
                    if id.is_some() {
                        t.entry(id.fingerprint(&n.texts)).or_insert(c as u32);
                    }
                }
                t
            });
            let mut elsewhere = id
                .is_some()
                .then(|| by_id.get(&id.fingerprint(&o.texts)).copied())
                .flatten();
            let guid = o.comp_guids[j as usize];
            if elsewhere.is_none() && guid.is_explicit(&o.texts) {
                let by_guid = by_guid.get_or_insert_with(|| {
                    let mut t = HashMap::new();
                    for (c, g) in n.comp_guids.iter().enumerate() {
                        if g.is_explicit(&n.texts) {
                            t.entry(g.normal(&n.texts).expect("a GUID"))
                                .or_insert(c as u32);
                        }
                    }
                    t
                });
                elsewhere = by_guid
                    .get(&guid.normal(&o.texts).expect("a GUID"))
                    .copied();
            }
            let demoted = match oc.key {
                KeyPath::File(_) => o
                    .key_file(j)
                    .map(|f| m.files[f as usize])
                    .filter(|&nf| nf != NONE)
                    .map(|nf| n.comp_of_file(nf)),
                _ => None,
            };
            found.push(match (elsewhere, demoted) {
                (Some(i), _) => Found::Elsewhere(j, i),
                (None, Some(i)) => Found::Demoted(j, i),
                (None, None) => Found::Removed(j),
            });
            continue;
        }
        let (oid, nid) = (o.comp_ids[j as usize], n.comp_ids[i as usize]);
        if oid.is_some() && nid.is_some() && !oid.same(&o.texts, &nid, &n.texts) {
            found.push(Found::IdChanged(j, i));
        }
        let (og, ng) = (o.comp_guids[j as usize], n.comp_guids[i as usize]);
        if !same_guid(o, og, n, ng) {
            found.push(Found::GuidChanged(j, i));
        }
        let is_file = |k: KeyPath| matches!(k, KeyPath::File(_));
        if is_file(oc.key) != is_file(n.comps[i as usize].key) {
            found.push(Found::KeyKind(j, i));
        }
        let (og, ng) = (o.comp_groups(j), n.comp_groups(i));
        for &g in &og {
            if ng.iter().any(|&h| same_group(g, h)) {
                continue;
            }
            let gained: Vec<Group> = ng
                .iter()
                .copied()
                .filter(|&h| !og.iter().any(|&x| same_group(x, h)))
                .collect();
            if ng.is_empty() || gained.is_empty() {
                found.push(Found::LeftGroup(j, g));
            } else {
                found.push(Found::MovedGroup(j, g, gained));
            }
        }
    }
    // Files at the same location with another id.
    for j in 0..o.comps.len() as u32 {
        for of in o.comp_files(j) {
            let nf = m.files[of as usize];
            if nf == NONE {
                continue;
            }
            let (a, b) = (o.file_ids[of as usize], n.file_ids[nf as usize]);
            if a.is_some() && b.is_some() && !a.same(&o.texts, &b, &n.texts) {
                found.push(Found::FileId(j, of, n.comp_of_file(nf), nf));
            }
        }
    }
    // Folders at the same location with another id.
    for j in 0..o.dirs.len() as u32 {
        let i = m.dirs[j as usize];
        if i == NONE {
            continue;
        }
        let (a, b) = (o.dirs[j as usize].id, n.dirs[i as usize].id);
        if a != NONE && b != NONE && o.names.get(a) != n.names.get(b) {
            found.push(Found::DirId(j, i));
        }
    }
    spell(o, old_text, n, new_text, found)
}

/// Whether two GUIDs compare equal: no braces, upper case.
fn same_guid(o: &Snapshot, a: Guid, n: &Snapshot, b: Guid) -> bool {
    match (a.form(&o.texts), b.form(&n.texts)) {
        (None, None) => true,
        (Some(GuidForm::Guid(x, ..)), Some(GuidForm::Guid(y, ..))) => x == y,
        (Some(_), Some(_)) => a.normal(&o.texts) == b.normal(&n.texts),
        _ => false,
    }
}

/// The findings spelled out, reading what they need of the two harvests once.
fn spell(
    o: &Snapshot,
    old_text: &Spelled<'_>,
    n: &Snapshot,
    new_text: &Spelled<'_>,
    found: Vec<Found>,
) -> Result<Vec<Finding>> {
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let mut old_wanted = Vec::new();
    let mut new_wanted = Vec::new();
    for f in &found {
        match *f {
            Found::Removed(j) | Found::LeftGroup(j, _) | Found::MovedGroup(j, ..) => {
                old_wanted.push(j)
            }
            Found::Elsewhere(j, i)
            | Found::Demoted(j, i)
            | Found::IdChanged(j, i)
            | Found::GuidChanged(j, i)
            | Found::KeyKind(j, i)
            | Found::FileId(j, _, i, _) => {
                old_wanted.push(j);
                new_wanted.push(i);
            }
            Found::DirId(..) => {}
        }
    }
    let old_details = old_text.details(o, &old_wanted)?;
    let new_details = new_text.details(n, &new_wanted)?;
    let none = CompDetails::default();
    let od = |j: u32| old_details.get(&j).unwrap_or(&none);
    let nd = |i: u32| new_details.get(&i).unwrap_or(&none);
    let no_id = || "(no id)".to_owned();
    let component = |j: u32| o.comp_ids[j as usize].text(&o.texts).unwrap_or_else(no_id);
    let new_id = |i: u32| {
        n.comp_ids[i as usize]
            .text(&n.texts)
            .unwrap_or_else(|| "?".to_owned())
    };
    let path = |j: u32| {
        location_text(o, j, od(j))
            .or_else(|| key_file_source(o, j, od(j)))
            .unwrap_or_else(|| "(no file or folder key path)".to_owned())
    };
    let mut out = Vec::with_capacity(found.len());
    for f in found {
        let finding = match f {
            Found::Removed(j) => {
                let groups: Vec<String> = o
                    .comp_groups(j)
                    .into_iter()
                    .map(|g| o.group_text(g))
                    .collect();
                let held = if groups.is_empty() {
                    String::new()
                } else {
                    format!("; it was in {}", groups.join(", "))
                };
                Finding {
                    rule: Rule::ComponentRemoved,
                    component: component(j),
                    path: path(j),
                    old: o.comp_ids[j as usize].text(&o.texts),
                    new: None,
                    message: format!("the component is gone{held}"),
                }
            }
            Found::Elsewhere(j, i) => {
                let now = location_text(n, i, nd(i))
                    .unwrap_or_else(|| "(no file or folder key path)".to_owned());
                Finding {
                    rule: Rule::KeyPathChanged,
                    component: component(j),
                    path: path(j),
                    old: Some(path(j)),
                    new: Some(now.clone()),
                    message: format!(
                        "the component (now '{}') has the key path '{now}' instead",
                        new_id(i)
                    ),
                }
            }
            Found::Demoted(j, i) => Finding {
                rule: Rule::KeyPathChanged,
                component: component(j),
                path: path(j),
                old: Some(path(j)),
                new: location_text(n, i, nd(i)),
                message: format!(
                    "its key file is no longer a key path: it is a file of component '{}'",
                    new_id(i)
                ),
            },
            Found::IdChanged(j, i) => {
                let b = new_id(i);
                Finding {
                    rule: Rule::ComponentIdChanged,
                    component: component(j),
                    path: path(j),
                    old: o.comp_ids[j as usize].text(&o.texts),
                    new: Some(b.clone()),
                    message: format!("the component's id is now '{b}'"),
                }
            }
            Found::GuidChanged(j, i) => {
                let og = o.comp_guids[j as usize].text(&o.texts);
                let ng = n.comp_guids[i as usize].text(&n.texts);
                Finding {
                    rule: Rule::GuidChanged,
                    component: component(j),
                    path: path(j),
                    message: format!(
                        "its GUID '{}' is now '{}'",
                        og.as_deref().unwrap_or("(none)"),
                        ng.as_deref().unwrap_or("(none)")
                    ),
                    old: og,
                    new: ng,
                }
            }
            Found::KeyKind(j, i) => Finding {
                rule: Rule::KeyPathChanged,
                component: component(j),
                path: path(j),
                old: Some(format!("{:?}", o.comps[j as usize].key)),
                new: Some(format!("{:?}", n.comps[i as usize].key)),
                message: "its key path is no longer the same kind (file or folder)".to_owned(),
            },
            Found::LeftGroup(j, g) => Finding {
                rule: Rule::RemovedFromGroup,
                component: component(j),
                path: path(j),
                old: Some(o.group_text(g)),
                new: None,
                message: format!("the component is no longer in {}", o.group_text(g)),
            },
            Found::MovedGroup(j, g, gained) => {
                let gained: Vec<String> = gained.into_iter().map(|h| n.group_text(h)).collect();
                Finding {
                    rule: Rule::MovedGroup,
                    component: component(j),
                    path: path(j),
                    old: Some(o.group_text(g)),
                    new: Some(gained.join(", ")),
                    message: format!(
                        "the component moved from {} to {}",
                        o.group_text(g),
                        gained.join(", ")
                    ),
                }
            }
            Found::FileId(j, of, _, nf) => {
                let a = o.file_ids[of as usize].text(&o.texts).unwrap_or_default();
                let b = n.file_ids[nf as usize].text(&n.texts).unwrap_or_default();
                let index = (of - o.comps[j as usize].first_file) as usize;
                let details = od(j).files.get(index);
                let path = file_location_text(o, j, details)
                    .or_else(|| details.and_then(|d| d.source.clone()))
                    .unwrap_or_default();
                Finding {
                    rule: Rule::FileIdChanged,
                    component: component(j),
                    path,
                    message: format!("the file's id '{a}' is now '{b}'"),
                    old: Some(a),
                    new: Some(b),
                }
            }
            Found::DirId(j, i) => {
                let d = &o.dirs[j as usize];
                let (a, b) = (o.names.get(d.id), n.names.get(n.dirs[i as usize].id));
                let key = o.place_key(d.place);
                let component = (0..o.comps.len() as u32)
                    .find(|&c| {
                        let place = o.comps[c as usize].place;
                        place != NONE
                            && o.place_key(place) == key
                            && o.comp_ids[c as usize].is_some()
                    })
                    .map_or_else(|| "(none)".to_owned(), component);
                Finding {
                    rule: Rule::DirectoryIdChanged,
                    component,
                    path: o.place_text(d.place),
                    old: Some(a.to_owned()),
                    new: Some(b.to_owned()),
                    message: format!("the folder's id '{a}' is now '{b}'"),
                }
            }
        };
        out.push(finding);
    }
    Ok(out)
}

/// The install location of component `c`'s key path, spelled out.
fn location_text(s: &Snapshot, c: u32, details: &CompDetails) -> Option<String> {
    let comp = &s.comps[c as usize];
    s.comp_key(c)?;
    match comp.key {
        KeyPath::Folder => Some(s.place_text(comp.place)),
        KeyPath::File(i) => file_location_text(s, c, details.files.get(usize::from(i))),
        KeyPath::Other => None,
    }
}

/// The install location of a file of component `c`, spelled out.
fn file_location_text(s: &Snapshot, c: u32, file: Option<&FileDetails>) -> Option<String> {
    let place = s.comps[c as usize].place;
    let name = file?.install_name().filter(|n| !n.is_empty())?;
    (place != NONE).then(|| format!("{}\\{name}", s.place_text(place)))
}

/// The `Source` of component `c`'s key file.
fn key_file_source(s: &Snapshot, c: u32, details: &CompDetails) -> Option<String> {
    let f = s.key_file(c)? - s.comps[c as usize].first_file;
    details.files.get(f as usize)?.source.clone()
}

/// What `heat check` found between two harvests.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CheckReport {
    /// The old harvest, as named.
    pub old: String,
    /// The new harvest, as named.
    pub new: String,
    /// The components of the old harvest compared.
    pub components: usize,
    /// Every change that breaks a patch or minor upgrade.
    pub findings: Vec<Finding>,
}

impl CheckReport {
    /// Checks the harvest `new` (named `new_name`) against `old` (named `old_name`).
    pub fn of(old_name: &str, old: &Document, new_name: &str, new: &Document) -> CheckReport {
        let findings = check(old, new);
        CheckReport {
            old: old_name.to_owned(),
            new: new_name.to_owned(),
            components: old.elements_named("Component").count(),
            findings,
        }
    }

    /// Checks the harvest in file `new` against the one in `old`, read side by side, each
    /// straight into a compact form: memory in proportion to the components, never a
    /// document.
    pub fn of_files(old: &Path, new: &Path) -> Result<CheckReport> {
        let (o, n) = std::thread::scope(|scope| {
            let reading = scope.spawn(|| Snapshot::read_file(new));
            let o = Snapshot::read_file(old);
            let n = reading.join().expect("reading a harvest does not panic");
            (o, n)
        });
        let (o, n) = (o?, n?);
        let (old_name, new_name) = (old.display().to_string(), new.display().to_string());
        let findings = findings(
            &o,
            &Spelled::File,
            &n,
            &Spelled::File,
            [&old_name, &new_name],
        )?;
        Ok(CheckReport {
            old: old_name,
            new: new_name,
            components: o.comps.len(),
            findings,
        })
    }

    /// The report as JSON: `old`, `new`, `components` (compared), `breaks` (the number of
    /// findings) and `findings`, each with `rule`, `component`, `path`, `old`, `new` and
    /// `message`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "old": self.old,
            "new": self.new,
            "components": self.components,
            "breaks": self.findings.len(),
            "findings": self.findings.iter().map(|f| serde_json::json!({
                "rule": f.rule.name(),
                "component": f.component,
                "path": f.path,
                "old": f.old,
                "new": f.new,
                "message": f.message,
            })).collect::<Vec<_>>(),
        })
    }

    /// The summary line: how many changes break a patch, or that none does.
    pub fn summary(&self) -> String {
        if self.findings.is_empty() {
            format!(
                "no change from '{}' to '{}' breaks a patch or minor upgrade ({} components \
                 compared).",
                self.old, self.new, self.components
            )
        } else {
            format!(
                "{} change(s) from '{}' to '{}' break a patch or minor upgrade.",
                self.findings.len(),
                self.old,
                self.new
            )
        }
    }
}
