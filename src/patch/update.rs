//! `-update <previous.wxs>`: a harvest that keeps, for every file already in the previous
//! harvest, that file's Component id, File id, component GUID, Directory ids and groups.
//!
//! The work is split in two mutators around heat's main one:
//!
//! - [`UpdateIdsMutator`] (sequence [`IDS_SEQUENCE`], before the main mutator) gives every
//!   component, file and folder of the fresh harvest whose install location is in the previous
//!   file that file's ids and GUID, and with `-keepremoved` puts back, as leftovers, the
//!   components whose key path is gone. The main mutator then lays out fragments and groups
//!   with these ids, so fragments come out in heat's order (by key) for the ids they carry,
//!   and it only makes GUIDs for the components that have none.
//! - [`UpdateGroupsMutator`] (sequence [`GROUPS_SEQUENCE`], after the main mutator and any
//!   group split) moves every kept component back into the component groups it was in, and
//!   reports what was kept, added and removed.
//!
//! A leftover is the way setup authors remove a file in a patch: the component stays, with its
//! GUID, its key path and its groups, marked `Transitive="yes"` with a condition that is always
//! false (`1=0`), so that Windows Installer removes the file when the patch is applied.

use std::borrow::Cow;

use super::attr_text;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::inventory::{
    location_key, match_up, other_key, source_below_root, ComponentEntry, GroupKind, Inventory,
    KeyPath, Matching,
};
use crate::error::{codes, Error, Result};
use crate::harvest::walk::ntfs_cmp;
use crate::pipeline::{Context, Mutator};
use crate::wix::{directory_reference, Document, NodeId, Schema};
use crate::xml::read::read_file;

/// When [`UpdateIdsMutator`] runs: after the harvester's mutators, before heat's main one.
pub const IDS_SEQUENCE: i32 = 900;
/// When [`UpdateGroupsMutator`] runs: after heat's main mutator and any group split, before
/// the finalizing mutator.
pub const GROUPS_SEQUENCE: i32 = 1500;

/// The condition a leftover component gets: always false.
pub const FALSE_CONDITION: &str = "1=0";

/// A file of the previous harvest that the new one does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovedFile {
    /// Its install location (a folder component's location ends in `\`).
    pub path: String,
    /// Its component's id.
    pub component: Option<String>,
    /// Its `File` id (none for a folder component).
    pub file: Option<String>,
    /// Whether it was kept as a leftover (`-keepremoved`).
    pub leftover: bool,
}

/// What an update did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateReport {
    /// The previous harvest, as named on the command line.
    pub previous: String,
    /// Files (and `-ke` folders) of the new harvest that were in the previous one.
    pub kept: usize,
    /// Install locations of the files of the new harvest that were not in the previous one.
    pub added: Vec<String>,
    /// The files of the previous harvest that are gone.
    pub removed: Vec<RemovedFile>,
}

impl UpdateReport {
    /// Whether files of the previous harvest are gone without a leftover to stand for them:
    /// the harvest cannot then ship as a patch or minor upgrade.
    pub fn files_removed(&self) -> bool {
        self.removed.iter().any(|r| !r.leftover)
    }

    /// The report as JSON: `previous`, the counts `kept`, `added`, `removed` and
    /// `leftovers`, and the lists `added_files` and `removed_files`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "previous": self.previous,
            "kept": self.kept,
            "added": self.added.len(),
            "removed": self.removed.len(),
            "leftovers": self.removed.iter().filter(|r| r.leftover).count(),
            "added_files": self.added,
            "removed_files": self.removed.iter().map(|r| serde_json::json!({
                "path": r.path,
                "component": r.component,
                "file": r.file,
                "leftover": r.leftover,
            })).collect::<Vec<_>>(),
        })
    }

    /// The report as lines for standard error.
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "update from '{}': {} kept, {} added, {} removed\n",
            self.previous,
            self.kept,
            self.added.len(),
            self.removed.len()
        );
        for r in &self.removed {
            s.push_str(&format!(
                "  removed{}: {} (component {})\n",
                if r.leftover {
                    " (kept as a leftover)"
                } else {
                    ""
                },
                r.path,
                r.component.as_deref().unwrap_or("without id")
            ));
        }
        s
    }
}

/// `-update`'s options beside the previous harvest.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct UpdateOptions {
    /// `-keepremoved`: keep removed files as leftovers.
    pub keep_removed: bool,
    /// `-updatereport <file.json>`: where to write the report as JSON (`-`: standard output),
    /// once the run has succeeded.
    pub report: Option<PathBuf>,
}

/// What [`UpdateIdsMutator`] hands to [`UpdateGroupsMutator`].
#[derive(Debug, Default)]
struct Plan {
    /// Kept and left-over components: their id now, and the component groups of the previous
    /// harvest they go back to.
    groups: Vec<(String, Vec<String>)>,
    report: UpdateReport,
}

/// The two mutators of an update from the previous harvest at `previous` (see the
/// [module](self)); a previous harvest that cannot be read is an error naming it.
pub fn update_mutators(
    previous: &str,
    options: UpdateOptions,
) -> Result<(UpdateIdsMutator, UpdateGroupsMutator)> {
    let doc = read_previous(previous)?;
    Ok(update_mutators_for(doc, previous, options))
}

/// [`update_mutators`] from a previous harvest already read, named `name` in messages.
pub(crate) fn update_mutators_for(
    previous: Document,
    name: &str,
    options: UpdateOptions,
) -> (UpdateIdsMutator, UpdateGroupsMutator) {
    (
        UpdateIdsMutator {
            name: name.to_owned(),
            previous: Inventory::of(&previous),
            previous_doc: previous,
            keep_removed: options.keep_removed,
        },
        UpdateGroupsMutator {
            report: options.report,
        },
    )
}

/// The first half of `-update`, before heat's main mutator: ids and GUIDs kept, leftovers put
/// back. See the [module](self).
pub struct UpdateIdsMutator {
    name: String,
    previous: Inventory,
    previous_doc: Document,
    keep_removed: bool,
}

/// The second half of `-update`, after heat's main mutator: components back in their groups,
/// and the report. See the [module](self).
#[derive(Debug)]
pub struct UpdateGroupsMutator {
    report: Option<PathBuf>,
}

impl std::fmt::Debug for UpdateIdsMutator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpdateIdsMutator")
            .field("previous", &self.name)
            .finish_non_exhaustive()
    }
}

impl Mutator for UpdateIdsMutator {
    fn name(&self) -> &str {
        "heat-update"
    }

    fn sequence(&self) -> i32 {
        IDS_SEQUENCE
    }

    fn mutate(&mut self, cx: &mut Context, doc: &mut Document) -> Result<()> {
        let plan = Keep::new(self, cx, doc).run();
        cx.hand_over(plan);
        Ok(())
    }
}

impl Mutator for UpdateGroupsMutator {
    fn name(&self) -> &str {
        "heat-update-groups"
    }

    fn sequence(&self) -> i32 {
        GROUPS_SEQUENCE
    }

    fn mutate(&mut self, cx: &mut Context, doc: &mut Document) -> Result<()> {
        let Some(plan) = cx.take::<Plan>() else {
            return Ok(());
        };
        let wanted: Vec<(&str, Vec<&str>)> = plan
            .groups
            .iter()
            .map(|(id, groups)| (id.as_str(), groups.iter().map(String::as_str).collect()))
            .filter(|(_, groups): &(&str, Vec<&str>)| !groups.is_empty())
            .collect();
        restore_groups(doc, &wanted);
        if let Some(path) = &self.report {
            let mut text = serde_json::to_string_pretty(&plan.report.to_json())
                .expect("a JSON value always serializes");
            text.push('\n');
            cx.add_output(path.clone(), text.into_bytes());
        }
        cx.hand_over(plan.report);
        Ok(())
    }
}

/// Whether a `Guid` value is a real GUID (or `*`), not heat's placeholder.
fn is_real_guid(guid: &str) -> bool {
    !guid.trim().is_empty() && guid != "PUT-GUID-HERE"
}

/// One run of [`UpdateIdsMutator`].
struct Keep<'a> {
    shared: &'a UpdateIdsMutator,
    cx: &'a mut Context,
    doc: &'a mut Document,
    new: Inventory,
    m: Matching,
    /// Ids given from the previous harvest: (element, id).
    given: Vec<(&'static str, String)>,
    /// Folders of the new document by location key, for leftovers.
    folders: HashMap<String, NodeId>,
    /// Whether the document holds references to harvested elements already (made by an
    /// extension's mutator before this one); only then are renames remembered.
    has_references: bool,
    /// Ids changed, by element (`Directory`, `Component`, `File`): the id the harvest gave →
    /// the id now, for references made before this mutator.
    renamed: HashMap<&'static str, HashMap<String, String>>,
    plan: Plan,
}

impl<'a> Keep<'a> {
    fn new(shared: &'a UpdateIdsMutator, cx: &'a mut Context, doc: &'a mut Document) -> Keep<'a> {
        let new = Inventory::of(doc);
        let m = match_up(&shared.previous, &new);
        let has_references = doc.descendants(doc.root()).any(|n| match doc.name(n) {
            "ComponentRef" | "FileRef" => true,
            "DirectoryRef" => doc
                .attr(n, "Id")
                .is_some_and(|id| new.directory_by_id(&id.text()).is_some()),
            _ => attr_text(doc, n, "Directory").is_some(),
        });
        Keep {
            shared,
            cx,
            doc,
            new,
            m,
            given: Vec::new(),
            folders: HashMap::new(),
            has_references,
            renamed: HashMap::new(),
            plan: Plan::default(),
        }
    }

    /// Sets an element's id, remembering the one it had when references may need it.
    fn set_id(&mut self, node: NodeId, id: &str) {
        if self.has_references {
            if let Some(before) = attr_text(&*self.doc, node, "Id").filter(|b| *b != id) {
                let kind = element_kind(self.doc.name(node));
                self.renamed
                    .entry(kind)
                    .or_default()
                    .insert(before.into_owned(), id.to_owned());
            }
        }
        self.doc.set_attr(node, "Id", id);
    }

    /// Gives an element an id of the previous harvest.
    fn give_id(&mut self, node: NodeId, id: &str) {
        let kind = element_kind(self.doc.name(node));
        self.set_id(node, id);
        self.given.push((kind, id.to_owned()));
    }

    fn run(mut self) -> Plan {
        let shared = self.shared;
        let old = &shared.previous;
        let name = self.shared.name.clone();
        for &(a, b) in &old.duplicates {
            let (a, b) = (&old.components[a], &old.components[b]);
            self.cx.messages.warn(
                codes::DUPLICATE_LOCATION,
                format!(
                    "'{name}': the components '{}' and '{}' both install '{}'; the first one's ids \
                     are kept.",
                    a.id.as_deref().unwrap_or("?"),
                    b.id.as_deref().unwrap_or("?"),
                    a.location.as_deref().unwrap_or("?")
                ),
            );
        }
        let unplaced: Vec<&str> = old
            .components
            .iter()
            .enumerate()
            .filter(|(j, c)| {
                self.m.components[*j].is_none()
                    && c.location.is_none()
                    && c.key_file().is_none_or(|f| f.source.is_none())
            })
            .map(|(_, c)| c.id.as_deref().unwrap_or("?"))
            .collect();
        if let Some(first) = unplaced.first() {
            self.cx.messages.warn(
                codes::UPDATE_UNPLACED,
                format!(
                    "'{name}': {} component(s) (the first is '{first}') have no file or folder \
                     key path, so their install location cannot be told, and no component of \
                     this harvest has their id; they are not carried over.",
                    unplaced.len()
                ),
            );
        }

        self.keep_ids();
        if self.shared.keep_removed {
            self.put_back_leftovers();
        }
        self.resolve_collisions();
        self.rewrite_references();
        self.plan.report.previous = name;
        self.count();
        if self.plan.report.removed.iter().any(|r| !r.leftover) {
            let removed = self.plan.report.removed.iter().filter(|r| !r.leftover);
            let n = removed.clone().count();
            let list: Vec<&str> = removed.map(|r| r.path.as_str()).take(3).collect();
            self.cx.messages.warn(
                codes::UPDATE_FILES_REMOVED,
                format!(
                    "{n} file(s) of '{}' are gone from this harvest ({}{}): a patch or minor upgrade \
                     cannot remove components. Use -keepremoved to keep them as leftovers that a \
                     patch removes, or ship a major upgrade.{}",
                    self.plan.report.previous,
                    list.join(", "),
                    if n > 3 { ", …" } else { "" },
                    if self.plan.report.kept == 0 {
                        " No file was kept at all: were -dr and -srd the same as for the \
                         previous harvest? They decide every install location."
                    } else {
                        ""
                    }
                ),
            );
        }
        self.plan
    }

    /// Kept folders, components and files take the previous ids and GUIDs.
    fn keep_ids(&mut self) {
        let shared = self.shared;
        let old = &shared.previous;
        for (i, d) in self.new.directories.clone().iter().enumerate() {
            if let Some(id) = self.m.new_directories[i].and_then(|j| old.directories[j].id.clone())
            {
                self.give_id(d.node, &id);
            }
        }
        for i in 0..self.new.components.len() {
            let Some(j) = self.m.new_components[i] else {
                continue;
            };
            let oc = &old.components[j];
            let node = self.new.components[i].node;
            if let Some(id) = &oc.id {
                self.give_id(node, id);
            }
            if let Some(guid) = oc.guid.as_deref().filter(|g| is_real_guid(g)) {
                self.doc.set_attr(node, "Guid", guid);
            }
            for fi in 0..self.new.components[i].files.len() {
                let Some(&(oj, ofi)) = self.m.new_files.get(&(i, fi)) else {
                    continue;
                };
                if let Some(id) = old.components[oj].files[ofi].id.clone() {
                    let f = self.new.components[i].files[fi].node;
                    self.give_id(f, &id);
                }
            }
            let groups = component_groups(oc);
            if !groups.is_empty() {
                let id = attr_text(&*self.doc, node, "Id").map(Cow::into_owned);
                self.plan.groups.push((id.unwrap_or_default(), groups));
            }
        }
    }

    /// Every component of the previous harvest whose key path is gone, put back as a leftover.
    fn put_back_leftovers(&mut self) {
        let shared = self.shared;
        let old = &shared.previous;
        for d in &self.new.directories {
            self.folders.entry(d.key.clone()).or_insert(d.node);
            if let Some(k) = other_key(&d.location, old) {
                self.folders.entry(k).or_insert(d.node);
            }
        }
        for (k, node) in &self.new.roots {
            self.folders.entry(k.clone()).or_insert(*node);
        }
        for j in 0..old.components.len() {
            let oc = &old.components[j];
            if self.m.components[j].is_some() || oc.location.is_none() {
                continue;
            }
            let Some(dir) = oc.directory.clone() else {
                continue;
            };
            let folder = self.folder(&dir);
            self.leftover(j, folder);
        }
    }

    /// The element of the new document for folder `location` of the previous harvest, made
    /// (with the previous ids and names) when the new harvest has no such folder.
    fn folder(&mut self, location: &str) -> NodeId {
        let shared = self.shared;
        let old = &shared.previous;
        let key = location_key(location);
        let found =
            self.folders.get(&key).copied().or_else(|| {
                other_key(location, &self.new).and_then(|k| self.folders.get(&k).copied())
            });
        if let Some(n) = found {
            return n;
        }
        let old_dir = old.directories.iter().find(|d| d.key == key).cloned();
        let node = match old_dir {
            Some(d) if d.parent.is_some() => {
                let parent = self.folder(d.parent.as_deref().expect("checked"));
                let el = self.doc.create("Directory");
                insert_in_order(self.doc, parent, el, d.name.as_deref().unwrap_or(""));
                if let Some(id) = &d.id {
                    self.give_id(el, id);
                }
                if let Some(name) = &d.name {
                    self.doc.set_attr(el, "Name", name.clone());
                }
                // Like a harvested folder, so that it takes the same place among its siblings.
                self.doc.set_attr(el, "FileSource", String::new());
                el
            }
            // A root: a reference to it, in a fragment of its own.
            _ => {
                let fragment = self.doc.create_child(self.doc.root(), "Fragment");
                directory_reference(self.doc, fragment, location)
            }
        };
        self.folders.insert(key, node);
        node
    }

    fn leftover(&mut self, j: usize, folder: NodeId) {
        let shared = self.shared;
        let oc = &shared.previous.components[j];
        let v4 = self.doc.schema() == Schema::V4;
        let c = self.doc.create("Component");
        let name = oc
            .key_file()
            .and_then(|f| f.location.as_deref())
            .and_then(|l| l.rsplit('\\').next())
            .unwrap_or("");
        insert_in_order(self.doc, folder, c, name);
        if let Some(id) = &oc.id {
            self.give_id(c, id);
        }
        if let Some(guid) = &oc.guid {
            self.doc.set_attr(c, "Guid", guid.clone());
        }
        self.doc.set_attr(c, "Transitive", "yes");
        if v4 {
            self.doc.set_attr(c, "Condition", FALSE_CONDITION);
        } else {
            let cond = self.doc.create_child(c, "Condition");
            self.doc.set_text(cond, FALSE_CONDITION);
        }
        if oc.key == KeyPath::Folder {
            self.doc.set_attr(c, "KeyPath", "yes");
            self.doc.create_child(c, "CreateFolder");
        }
        let old_doc = &shared.previous_doc;
        for (fi, f) in oc.files.iter().enumerate() {
            let el = self.doc.create_child(c, "File");
            if let Some(id) = &f.id {
                self.give_id(el, id);
            }
            if let Some(name) = attr_text(old_doc, f.node, "Name") {
                self.doc.set_attr(el, "Name", name);
            }
            if oc.key == KeyPath::File(fi) {
                self.doc.set_attr(el, "KeyPath", "yes");
            }
            if let Some(source) = &f.source {
                self.doc.set_attr(
                    el,
                    "Source",
                    format!("SourceDir\\{}", source_below_root(source)),
                );
            }
        }
        let id = oc.id.clone().unwrap_or_default();
        let groups = component_groups(oc);
        self.plan.groups.push((id, groups));
    }

    /// A fresh element whose id is one the update gave to another takes a numbered id.
    fn resolve_collisions(&mut self) {
        let shared = self.shared;
        let old = &shared.previous;
        // The elements that kept the harvest's own ids: few, in a usual update.
        let mut fresh: HashMap<(&'static str, &str), Vec<NodeId>> = HashMap::new();
        for (i, c) in self.new.components.iter().enumerate() {
            let kept = self.m.new_components[i].is_some_and(|j| old.components[j].id.is_some());
            if let (false, Some(id)) = (kept, &c.id) {
                fresh.entry(("Component", id)).or_default().push(c.node);
            }
            for (fi, f) in c.files.iter().enumerate() {
                let kept = self
                    .m
                    .new_files
                    .get(&(i, fi))
                    .is_some_and(|&(j, fj)| old.components[j].files[fj].id.is_some());
                if let (false, Some(id)) = (kept, &f.id) {
                    fresh.entry(("File", id)).or_default().push(f.node);
                }
            }
        }
        for (i, d) in self.new.directories.iter().enumerate() {
            let kept = self.m.new_directories[i].is_some_and(|j| old.directories[j].id.is_some());
            if let (false, Some(id)) = (kept, &d.id) {
                fresh.entry(("Directory", id)).or_default().push(d.node);
            }
        }
        let mut clashes: Vec<(&'static str, NodeId, String)> = Vec::new();
        for (kind, id) in &self.given {
            if let Some(nodes) = fresh.remove(&(*kind, id.as_str())) {
                clashes.extend(nodes.into_iter().map(|n| (*kind, n, id.clone())));
            }
        }
        if clashes.is_empty() {
            return;
        }
        clashes.sort_by_key(|(_, n, _)| *n);
        let mut taken: HashMap<&'static str, HashSet<String>> = HashMap::new();
        for n in self.doc.descendants(self.doc.root()) {
            let kind = self.doc.name(n);
            if matches!(kind, "Component" | "File" | "Directory") {
                if let Some(id) = attr_text(&*self.doc, n, "Id") {
                    taken
                        .entry(element_kind(kind))
                        .or_default()
                        .insert(id.into_owned());
                }
            }
        }
        for (kind, node, id) in clashes {
            let taken = taken.entry(kind).or_default();
            let unique = (1u64..)
                .map(|k| format!("{id}_{k}"))
                .find(|c| !taken.contains(c))
                .expect("an unbounded search ends");
            taken.insert(unique.clone());
            self.set_id(node, &unique);
        }
    }

    /// References made before this mutator (by an extension's harvester-side mutators) follow
    /// the ids changed: `DirectoryRef/@Id` and every `Directory` attribute, `ComponentRef/@Id`
    /// and `FileRef/@Id`. heat's own references are made later, by the main mutator, from the
    /// ids as they are now.
    fn rewrite_references(&mut self) {
        if self.renamed.is_empty() {
            return;
        }
        let empty = HashMap::new();
        let dirs = self.renamed.get("Directory").unwrap_or(&empty);
        let comps = self.renamed.get("Component").unwrap_or(&empty);
        let files = self.renamed.get("File").unwrap_or(&empty);
        let nodes: Vec<NodeId> = self.doc.descendants(self.doc.root()).collect();
        for n in nodes {
            let (attr, map) = match self.doc.name(n) {
                "DirectoryRef" => ("Id", dirs),
                "ComponentRef" => ("Id", comps),
                "FileRef" => ("Id", files),
                _ => ("Directory", dirs),
            };
            if let Some(to) = attr_text(&*self.doc, n, attr).and_then(|v| map.get(v.as_ref())) {
                let to = to.clone();
                self.doc.set_attr(n, attr, to);
            }
        }
    }

    /// The report: files (and folder components) kept, added and removed.
    fn count(&mut self) {
        let shared = self.shared;
        let old = &shared.previous;
        let folder_path = |c: &ComponentEntry| format!("{}\\", c.location.as_deref().unwrap_or(""));
        let r = &mut self.plan.report;
        for (i, c) in self.new.components.iter().enumerate() {
            if c.key == KeyPath::Folder {
                if self.m.new_components[i].is_some() {
                    r.kept += 1;
                } else {
                    r.added.push(folder_path(c));
                }
            }
            for (fi, f) in c.files.iter().enumerate() {
                if self.m.new_files.contains_key(&(i, fi)) {
                    r.kept += 1;
                } else {
                    let path = f.location.clone().or_else(|| f.source.clone());
                    r.added.push(path.unwrap_or_default());
                }
            }
        }
        let keep = self.shared.keep_removed;
        for (j, c) in old.components.iter().enumerate() {
            let left_over = keep && self.m.components[j].is_none() && c.location.is_some();
            if c.key == KeyPath::Folder && self.m.components[j].is_none() {
                r.removed.push(RemovedFile {
                    path: folder_path(c),
                    component: c.id.clone(),
                    file: None,
                    leftover: left_over,
                });
            }
            for (fj, f) in c.files.iter().enumerate() {
                if self.m.files.contains_key(&(j, fj)) {
                    continue;
                }
                if f.location.is_none() && f.source.is_none() {
                    continue;
                }
                r.removed.push(RemovedFile {
                    path: f
                        .location
                        .clone()
                        .or_else(|| f.source.clone())
                        .unwrap_or_default(),
                    component: c.id.clone(),
                    file: f.id.clone(),
                    leftover: left_over,
                });
            }
        }
    }
}

/// The name a harvested folder or component is sorted by: the folder's name, or the name of
/// the component's first file.
fn sort_name(doc: &Document, node: NodeId) -> Option<String> {
    match doc.name(node) {
        "Directory" => attr_text(doc, node, "Name").map(Cow::into_owned),
        "Component" => doc.children_named(node, "File").next().map(|f| {
            let name = attr_text(doc, f, "Name").or_else(|| {
                attr_text(doc, f, "Source")
                    .map(|s| Cow::Owned(s.rsplit(['\\', '/']).next().unwrap_or("").to_owned()))
            });
            name.unwrap_or_default().into_owned()
        }),
        _ => None,
    }
}

/// Puts a leftover folder or component where the harvest would have put it had it still been
/// there: among the parent's children of its kind (the document keeps components before
/// folders), in NTFS order of their names.
fn insert_in_order(doc: &mut Document, parent: NodeId, node: NodeId, name: &str) {
    let kind = doc.name(node);
    let pos = doc.children(parent).iter().position(|&c| {
        doc.name(c) == kind
            && sort_name(doc, c).is_some_and(|n| ntfs_cmp(&n, name) == Ordering::Greater)
    });
    match pos {
        Some(p) => doc.insert(parent, p, node),
        None => doc.append(parent, node),
    }
}

/// The component groups (not features) a component is in.
fn component_groups(c: &ComponentEntry) -> Vec<String> {
    c.groups
        .iter()
        .filter(|g| g.kind == GroupKind::ComponentGroup)
        .map(|g| g.id.clone())
        .collect()
}

/// The kind of a harvested element, for ids: `Directory`, `Component` or `File`.
fn element_kind(name: &str) -> &'static str {
    match name {
        "Directory" => "Directory",
        "Component" => "Component",
        _ => "File",
    }
}

/// Puts every component back into the component groups it was in, and takes it out of any
/// other: a component held by a group (heat's `-cg` with fragments) moves to the first of its
/// groups, and `ComponentRef`s stand for it in the others. A group the document lacks is made
/// in a fragment of its own, and referenced wherever the document's other groups are.
fn restore_groups(doc: &mut Document, plan: &[(&str, Vec<&str>)]) {
    // First decide, then rebuild each group touched once: moving elements one at a time
    // would search a long group's children for each.
    let mut moves: HashMap<NodeId, Option<String>> = HashMap::new();
    let mut sources: Vec<NodeId> = Vec::new();
    let mut new_refs: Vec<(String, String)> = Vec::new();
    {
        let d: &Document = doc;
        let mut components: HashMap<Cow<'_, str>, NodeId> = HashMap::new();
        let mut refs: HashMap<Cow<'_, str>, Vec<NodeId>> = HashMap::new();
        for n in d.descendants(d.root()) {
            match d.name(n) {
                "Component" => {
                    if let Some(id) = attr_text(d, n, "Id") {
                        components.entry(id).or_insert(n);
                    }
                }
                "ComponentRef" => {
                    if let (Some(id), true) = (
                        attr_text(d, n, "Id"),
                        d.parent(n).is_some_and(|p| d.name(p) == "ComponentGroup"),
                    ) {
                        refs.entry(id).or_default().push(n);
                    }
                }
                _ => {}
            }
        }
        let group_of = |n: NodeId| {
            d.parent(n)
                .filter(|p| d.name(*p) == "ComponentGroup")
                .map(|p| attr_text(d, p, "Id").unwrap_or_default())
        };
        for (id, wanted) in plan {
            let Some(&c) = components.get(*id) else {
                continue;
            };
            let holder = group_of(c);
            let refs = refs.get(*id).map(Vec::as_slice).unwrap_or_default();
            // Where it should be, and nowhere else: nothing to do (the usual case).
            if refs.is_empty() && wanted.len() == 1 && holder.as_deref() == Some(wanted[0]) {
                continue;
            }
            let held_by: Vec<(NodeId, Cow<'_, str>)> = holder
                .map(|g| (c, g))
                .into_iter()
                .chain(refs.iter().filter_map(|&r| group_of(r).map(|g| (r, g))))
                .collect();
            let mut now: Vec<&str> = held_by.iter().map(|(_, g)| g.as_ref()).collect();
            now.sort_unstable();
            now.dedup();
            let mut want = wanted.clone();
            want.sort_unstable();
            want.dedup();
            if now == want {
                continue;
            }
            let mut placed: HashSet<&str> = HashSet::new();
            for (el, g) in &held_by {
                let (el, g) = (*el, g.as_ref());
                if wanted.contains(&g) && placed.insert(g) {
                    continue;
                }
                let parent = d.parent(el).expect("held by a group");
                if !sources.contains(&parent) {
                    sources.push(parent);
                }
                if el == c && placed.insert(wanted[0]) {
                    // The component itself goes to its first group.
                    moves.insert(c, Some(wanted[0].to_owned()));
                } else {
                    moves.insert(el, None);
                }
            }
            for w in wanted {
                if placed.insert(w) {
                    new_refs.push((w.to_string(), id.to_string()));
                }
            }
        }
    }

    let mut groups: HashMap<String, NodeId> = HashMap::new();
    for g in doc.elements_named("ComponentGroup") {
        if let Some(id) = attr_text(doc, g, "Id") {
            groups.entry(id.into_owned()).or_insert(g);
        }
    }
    let mut arriving: Vec<(String, NodeId)> = Vec::new();
    for g in sources {
        for child in doc.take_children(g) {
            match moves.get(&child) {
                None => doc.append(g, child),
                Some(Some(target)) => arriving.push((target.clone(), child)),
                Some(None) => {}
            }
        }
    }
    for (target, child) in arriving {
        let g = ensure_group(doc, &mut groups, &target);
        doc.append(g, child);
    }
    for (target, id) in new_refs {
        let g = ensure_group(doc, &mut groups, &target);
        let r = doc.create_child(g, "ComponentRef");
        doc.set_attr(r, "Id", &id);
    }
}

/// The `ComponentGroup` `id`, made in a fragment at the end of the document if missing, and
/// then referenced beside every `ComponentGroupRef` to another group of this document.
fn ensure_group(doc: &mut Document, groups: &mut HashMap<String, NodeId>, id: &str) -> NodeId {
    if let Some(&g) = groups.get(id) {
        return g;
    }
    let holders: Vec<NodeId> = doc
        .elements_named("ComponentGroupRef")
        .filter(|r| {
            attr_text(doc, *r, "Id").is_some_and(|target| groups.contains_key(target.as_ref()))
        })
        .filter_map(|r| doc.parent(r))
        .collect();
    let mut seen = HashSet::new();
    for h in holders {
        if seen.insert(h) {
            let r = doc.create_child(h, "ComponentGroupRef");
            doc.set_attr(r, "Id", id);
        }
    }
    let fragment = doc.create_child(doc.root(), "Fragment");
    let g = doc.create_child(fragment, "ComponentGroup");
    doc.set_attr(g, "Id", id);
    groups.insert(id.to_owned(), g);
    g
}

/// Reads `-update`'s previous harvest; a missing file is heat's `FileNotFound` (`HEAT5059`),
/// naming the option.
pub fn read_previous(path: &str) -> Result<Document> {
    if path.is_empty() {
        return Err(Error::new(
            codes::COMMAND_LINE,
            "-update needs the previous harvest's .wxs file.",
        ));
    }
    let p = Path::new(path);
    if !p.exists() {
        return Err(Error::at(
            codes::FILE_NOT_FOUND,
            p,
            format!("The previous harvest '{path}' given to -update cannot be found."),
        ));
    }
    read_file(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::read::parse;
    use crate::xml::write::{to_text, Format, LineEnding};

    fn restored(text: &str, plan: &[(&str, &[&str])]) -> String {
        let mut doc = parse(text.as_bytes()).unwrap();
        let plan: Vec<(&str, Vec<&str>)> = plan
            .iter()
            .filter(|(_, g)| !g.is_empty())
            .map(|(c, g)| (*c, g.to_vec()))
            .collect();
        restore_groups(&mut doc, &plan);
        to_text(
            &doc,
            Format {
                indent: 1,
                line_ending: LineEnding::Lf,
            },
        )
    }

    /// References made before the update (by an extension at sequence 100) follow the ids it
    /// gives, and those it moves aside.
    #[test]
    fn earlier_references_follow_renamed_ids() {
        let previous = parse(
            br#"<Wix xmlns="http://wixtoolset.org/schemas/v4/wxs"><Fragment><DirectoryRef Id="TARGETDIR">
  <Directory Id="OldDir" Name="App"><Component Id="OldCmp" Guid="{5E2E9F4A-5F6B-4C8E-9D3A-1B2C3D4E5F60}"><File Id="OldFile" Source="SourceDir\a.txt" /></Component></Directory>
</DirectoryRef></Fragment></Wix>"#,
        )
        .unwrap();
        let mut doc = parse(
            br#"<Wix xmlns="http://wixtoolset.org/schemas/v4/wxs"><Fragment><DirectoryRef Id="TARGETDIR">
  <Directory Id="d1" Name="App"><Component Id="c1"><File Id="f1" Source="SourceDir\a.txt" /></Component><Component Id="OldCmp"><File Id="f2" Source="SourceDir\b.txt" /></Component></Directory>
</DirectoryRef><DirectoryRef Id="d1"><Component Id="x" Directory="d1" /></DirectoryRef><ComponentGroup Id="G"><ComponentRef Id="c1" /><ComponentRef Id="OldCmp" /></ComponentGroup></Fragment></Wix>"#,
        )
        .unwrap();
        let (mut ids, _) = update_mutators_for(previous, "p.wxs", UpdateOptions::default());
        let mut cx = Context::new(Schema::V4, false, crate::error::Messages::default());
        ids.mutate(&mut cx, &mut doc).unwrap();
        let text = to_text(
            &doc,
            Format {
                indent: 0,
                line_ending: LineEnding::Lf,
            },
        );
        assert!(
            text.contains(r#"<Directory Id="OldDir" Name="App">"#),
            "{text}"
        );
        assert!(
            text.contains(r#"<Component Id="OldCmp" Guid="{5E2E9F4A"#),
            "{text}"
        );
        assert!(text.contains(r#"<File Id="OldFile""#), "{text}");
        // The fresh component that had the kept id moves aside, and references follow.
        assert!(text.contains(r#"<Component Id="OldCmp_1">"#), "{text}");
        assert!(text.contains(r#"<DirectoryRef Id="OldDir">"#), "{text}");
        assert!(
            text.contains(r#"<Component Id="x" Directory="OldDir" />"#),
            "{text}"
        );
        assert!(
            text.contains("<ComponentRef Id=\"OldCmp\" />\n<ComponentRef Id=\"OldCmp_1\" />"),
            "{text}"
        );
    }

    /// Children are written in heat's order: a group's components before its references.
    #[test]
    fn components_return_to_their_groups() {
        let text = r#"<Wix xmlns="http://wixtoolset.org/schemas/v4/wxs"><Fragment><ComponentGroup Id="New"><Component Id="a" Directory="d" /><Component Id="b" Directory="d" /><Component Id="c" Directory="d" /></ComponentGroup></Fragment><Fragment><ComponentGroup Id="Old"><ComponentRef Id="x" /></ComponentGroup></Fragment></Wix>"#;
        assert_eq!(
            restored(
                text,
                &[("a", &["Old", "Extra"]), ("b", &["New"]), ("c", &[])]
            ),
            "<Wix xmlns=\"http://wixtoolset.org/schemas/v4/wxs\">
 <Fragment>
  <ComponentGroup Id=\"New\">
   <Component Id=\"b\" Directory=\"d\" />
   <Component Id=\"c\" Directory=\"d\" />
  </ComponentGroup>
 </Fragment>
 <Fragment>
  <ComponentGroup Id=\"Old\">
   <Component Id=\"a\" Directory=\"d\" />
   <ComponentRef Id=\"x\" />
  </ComponentGroup>
 </Fragment>
 <Fragment>
  <ComponentGroup Id=\"Extra\">
   <ComponentRef Id=\"a\" />
  </ComponentGroup>
 </Fragment>
</Wix>"
        );
    }

    #[test]
    fn references_move_and_templates_reference_new_groups() {
        let text = r#"<Wix xmlns="http://wixtoolset.org/schemas/v4/wxs"><Package><Feature Id="F"><ComponentGroupRef Id="New" /></Feature></Package><Fragment><DirectoryRef Id="D"><Component Id="a" /><Component Id="b" /></DirectoryRef><ComponentGroup Id="New"><ComponentRef Id="a" /><ComponentRef Id="b" /></ComponentGroup></Fragment></Wix>"#;
        assert_eq!(
            restored(text, &[("a", &["Old"])]),
            "<Wix xmlns=\"http://wixtoolset.org/schemas/v4/wxs\">
 <Package>
  <Feature Id=\"F\">
   <ComponentGroupRef Id=\"New\" />
   <ComponentGroupRef Id=\"Old\" />
  </Feature>
 </Package>
 <Fragment>
  <ComponentGroup Id=\"New\">
   <ComponentRef Id=\"b\" />
  </ComponentGroup>
  <DirectoryRef Id=\"D\">
   <Component Id=\"a\" />
   <Component Id=\"b\" />
  </DirectoryRef>
 </Fragment>
 <Fragment>
  <ComponentGroup Id=\"Old\">
   <ComponentRef Id=\"a\" />
  </ComponentGroup>
 </Fragment>
</Wix>"
        );
    }
}
