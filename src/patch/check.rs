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
//!
//! Components, files and folders added in the new harvest break nothing.

use std::collections::HashMap;

use super::inventory::{match_up, Inventory};
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

/// A GUID as compared: no braces, upper case.
fn normal_guid(g: &str) -> String {
    g.trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .to_uppercase()
}

/// A GUID that names one component only (not `*` or heat's placeholder).
fn is_explicit_guid(g: &str) -> bool {
    let g = normal_guid(g);
    !g.is_empty() && g != "*" && g != "PUT-GUID-HERE"
}

/// Every change from `old` to `new` that breaks a patch or minor upgrade: components in the
/// old document's order, then folders.
pub fn check(old: &Document, new: &Document) -> Vec<Finding> {
    let o = Inventory::of(old);
    let n = Inventory::of(new);
    let m = match_up(&o, &n);
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    let mut by_guid: HashMap<String, usize> = HashMap::new();
    for (i, c) in n.components.iter().enumerate() {
        if let Some(id) = &c.id {
            by_id.entry(id).or_insert(i);
        }
        if let Some(g) = c.guid.as_deref().filter(|g| is_explicit_guid(g)) {
            by_guid.entry(normal_guid(g)).or_insert(i);
        }
    }
    let mut out = Vec::new();
    for (j, oc) in o.components.iter().enumerate() {
        let component = oc.id.clone().unwrap_or_else(|| "(no id)".to_owned());
        let path = oc
            .location
            .clone()
            .or_else(|| oc.key_file().and_then(|f| f.source.clone()))
            .unwrap_or_else(|| "(no file or folder key path)".to_owned());
        let mut finding = |rule, old: Option<String>, new: Option<String>, message: String| {
            out.push(Finding {
                rule,
                component: component.clone(),
                path: path.clone(),
                old,
                new,
                message,
            })
        };
        let Some(i) = m.components[j] else {
            // Not at its key path: the same component elsewhere, its key file demoted, or gone.
            let elsewhere = oc
                .id
                .as_deref()
                .and_then(|id| by_id.get(id))
                .or_else(|| {
                    oc.guid
                        .as_deref()
                        .filter(|g| is_explicit_guid(g))
                        .and_then(|g| by_guid.get(&normal_guid(g)))
                })
                .copied();
            let demoted = oc
                .key_file()
                .and_then(|_| match oc.key {
                    super::inventory::KeyPath::File(k) => m.files.get(&(j, k)).copied(),
                    _ => None,
                })
                .map(|(i, _)| i);
            if let Some(i) = elsewhere {
                let nc = &n.components[i];
                let now = nc
                    .location
                    .clone()
                    .unwrap_or_else(|| "(no file or folder key path)".to_owned());
                finding(
                    Rule::KeyPathChanged,
                    Some(path.clone()),
                    Some(now.clone()),
                    format!(
                        "the component (now '{}') has the key path '{now}' instead",
                        nc.id.as_deref().unwrap_or("?")
                    ),
                );
            } else if let Some(i) = demoted {
                let nc = &n.components[i];
                finding(
                    Rule::KeyPathChanged,
                    Some(path.clone()),
                    nc.location.clone(),
                    format!(
                        "its key file is no longer a key path: it is a file of component '{}'",
                        nc.id.as_deref().unwrap_or("?")
                    ),
                );
            } else {
                let groups: Vec<String> = oc.groups.iter().map(|g| g.to_string()).collect();
                let held = if groups.is_empty() {
                    String::new()
                } else {
                    format!("; it was in {}", groups.join(", "))
                };
                finding(
                    Rule::ComponentRemoved,
                    oc.id.clone(),
                    None,
                    format!("the component is gone{held}"),
                );
            }
            continue;
        };
        let nc = &n.components[i];
        if let (Some(a), Some(b)) = (&oc.id, &nc.id) {
            if a != b {
                finding(
                    Rule::ComponentIdChanged,
                    Some(a.clone()),
                    Some(b.clone()),
                    format!("the component's id is now '{b}'"),
                );
            }
        }
        let (og, ng) = (oc.guid.as_deref(), nc.guid.as_deref());
        if og.map(normal_guid) != ng.map(normal_guid) {
            finding(
                Rule::GuidChanged,
                og.map(str::to_owned),
                ng.map(str::to_owned),
                format!(
                    "its GUID '{}' is now '{}'",
                    og.unwrap_or("(none)"),
                    ng.unwrap_or("(none)")
                ),
            );
        }
        if oc.key_file().is_some() != nc.key_file().is_some() {
            finding(
                Rule::KeyPathChanged,
                Some(format!("{:?}", oc.key)),
                Some(format!("{:?}", nc.key)),
                "its key path is no longer the same kind (file or folder)".to_owned(),
            );
        }
        for g in &oc.groups {
            if nc.groups.contains(g) {
                continue;
            }
            let gained: Vec<String> = nc
                .groups
                .iter()
                .filter(|h| !oc.groups.contains(h))
                .map(|h| h.to_string())
                .collect();
            if nc.groups.is_empty() || gained.is_empty() {
                finding(
                    Rule::RemovedFromGroup,
                    Some(g.to_string()),
                    None,
                    format!("the component is no longer in {g}"),
                );
            } else {
                finding(
                    Rule::MovedGroup,
                    Some(g.to_string()),
                    Some(gained.join(", ")),
                    format!("the component moved from {g} to {}", gained.join(", ")),
                );
            }
        }
    }

    // Files at the same location with another id.
    let mut pairs: Vec<_> = m.files.iter().map(|(a, b)| (*a, *b)).collect();
    pairs.sort_unstable();
    for ((j, fj), (i, fi)) in pairs {
        let (oc, nc) = (&o.components[j], &n.components[i]);
        let (of, nf) = (&oc.files[fj], &nc.files[fi]);
        if let (Some(a), Some(b)) = (&of.id, &nf.id) {
            if a != b {
                out.push(Finding {
                    rule: Rule::FileIdChanged,
                    component: oc.id.clone().unwrap_or_else(|| "(no id)".to_owned()),
                    path: of
                        .location
                        .clone()
                        .or_else(|| of.source.clone())
                        .unwrap_or_default(),
                    old: Some(a.clone()),
                    new: Some(b.clone()),
                    message: format!("the file's id '{a}' is now '{b}'"),
                });
            }
        }
    }

    // Folders at the same location with another id.
    let mut first_component: HashMap<String, &str> = HashMap::new();
    for c in &o.components {
        if let (Some(d), Some(id)) = (&c.directory, &c.id) {
            first_component
                .entry(super::inventory::location_key(d))
                .or_insert(id);
        }
    }
    for (j, d) in o.directories.iter().enumerate() {
        let Some(i) = m.directories[j] else { continue };
        if let (Some(a), Some(b)) = (&d.id, &n.directories[i].id) {
            if a != b {
                let component = first_component
                    .get(&super::inventory::location_key(&d.location))
                    .map_or_else(|| "(none)".to_owned(), |c| (*c).to_owned());
                out.push(Finding {
                    rule: Rule::DirectoryIdChanged,
                    component,
                    path: d.location.clone(),
                    old: Some(a.clone()),
                    new: Some(b.clone()),
                    message: format!("the folder's id '{a}' is now '{b}'"),
                });
            }
        }
    }
    out
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
        CheckReport {
            old: old_name.to_owned(),
            new: new_name.to_owned(),
            components: Inventory::of(old).components.len(),
            findings: check(old, new),
        }
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
