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

use super::atoms::{GuidForm, Id, IdForm, Texts};
use super::keys::{self, Key};
use super::matching::{Matcher, NewComp};
use super::snapshot::{
    document_component, CompDetails, FileDetails, GroupKind, KeyPath, Snapshot, NONE,
};
use crate::error::{codes, Error, Result};
use crate::harvest::walk::ntfs_cmp;
use crate::pipeline::{Context, Mutator};
use crate::wix::{directory_reference, Document, NodeId, Schema, Value};
use rayon::prelude::*;
use smallvec::SmallVec;

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
    /// Kept and left-over components, and the component groups of the previous harvest they
    /// go back to (an index in `group_sets`).
    groups: Vec<(NodeId, u32)>,
    group_sets: Vec<Vec<String>>,
    report: UpdateReport,
}

impl Plan {
    fn add(&mut self, node: NodeId, groups: Vec<String>, sets: &mut HashMap<Vec<String>, u32>) {
        if groups.is_empty() {
            return;
        }
        let set = self.set_of(groups, sets);
        self.groups.push((node, set));
    }

    /// The index of `groups` in the group sets.
    fn set_of(&mut self, groups: Vec<String>, sets: &mut HashMap<Vec<String>, u32>) -> u32 {
        let next = self.group_sets.len() as u32;
        *sets.entry(groups.clone()).or_insert_with(|| {
            self.group_sets.push(groups);
            next
        })
    }
}

/// The previous harvest, read on a thread of its own while the tree is walked.
enum Previous {
    Reading(std::thread::JoinHandle<Result<Snapshot>>),
    Read(Box<Snapshot>),
    Taken,
}

/// The two mutators of an update from the previous harvest at `previous` (see the
/// [module](self)). The file is read on a thread of its own, while the harvest runs; a file
/// that cannot be found is an error now, naming it, one that cannot be read when the update
/// runs.
pub fn update_mutators(
    previous: &str,
    options: UpdateOptions,
) -> Result<(UpdateIdsMutator, UpdateGroupsMutator)> {
    let path = previous_path(previous)?;
    let reading = std::thread::Builder::new()
        .name("heat-update-read".to_owned())
        .spawn(move || Snapshot::read_file(&path))
        .map_err(|e| Error::new(codes::IO, format!("Cannot start a thread: {e}.")))?;
    Ok(mutators(Previous::Reading(reading), previous, options))
}

/// [`update_mutators`] from a previous harvest already read, named `name` in messages.
#[cfg(test)]
pub(crate) fn update_mutators_for(
    previous: &Document,
    name: &str,
    options: UpdateOptions,
) -> (UpdateIdsMutator, UpdateGroupsMutator) {
    let text = crate::xml::to_text(previous, crate::xml::Format::default());
    let snapshot = Snapshot::read(crate::xml::reader::WixReader::new(text.as_bytes()))
        .expect("a document reads back");
    mutators(Previous::Read(Box::new(snapshot)), name, options)
}

/// For the fuzz targets: `-update` from the previous harvest in the file at `previous` (with
/// `-keepremoved` when `keep_removed`) applied to `doc`, a harvest as heat's harvester leaves
/// it, with `main` (heat's main mutator) run between the update's two halves as a run orders
/// them. Returns the update's report.
#[doc(hidden)]
pub fn fuzz_update(
    previous: &Path,
    keep_removed: bool,
    cx: &mut Context,
    doc: &mut Document,
    main: &mut dyn Mutator,
) -> Result<UpdateReport> {
    let snapshot = Snapshot::read_file(previous)?;
    let options = UpdateOptions {
        keep_removed,
        report: None,
    };
    let (mut ids, mut groups) = mutators(Previous::Read(Box::new(snapshot)), "previous", options);
    ids.mutate(cx, doc)?;
    main.mutate(cx, doc)?;
    groups.mutate(cx, doc)?;
    Ok(cx.take::<UpdateReport>().unwrap_or_default())
}

fn mutators(
    previous: Previous,
    name: &str,
    options: UpdateOptions,
) -> (UpdateIdsMutator, UpdateGroupsMutator) {
    (
        UpdateIdsMutator {
            name: name.to_owned(),
            previous,
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
    previous: Previous,
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

impl UpdateIdsMutator {
    /// The previous harvest, once read.
    fn previous(&mut self) -> Result<Snapshot> {
        match std::mem::replace(&mut self.previous, Previous::Taken) {
            Previous::Reading(handle) => handle.join().map_err(|_| {
                Error::new(codes::IO, "Reading the previous harvest failed.".to_owned())
            })?,
            Previous::Read(s) => Ok(*s),
            Previous::Taken => Err(Error::new(
                codes::IO,
                "The previous harvest was used already.".to_owned(),
            )),
        }
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
        // The harvest's places first: the previous harvest may still be being read.
        let new = Snapshot::places_of_document(doc);
        let old = self.previous()?;
        if let Some(e) = old.untrusted(&self.name) {
            return Err(e);
        }
        let plan = Keep::new(&self.name, self.keep_removed, &old, &new, cx, doc)?.run()?;
        drop(old);
        crate::release_free_memory();
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
        restore_groups(doc, &plan.groups, &plan.group_sets);
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

/// The kind of a harvested element, for ids: `Directory`, `Component` or `File`.
fn element_kind(name: &str) -> &'static str {
    match name {
        "Directory" => "Directory",
        "Component" => "Component",
        _ => "File",
    }
}

/// Sets an element's id to one of the previous harvest, as the document takes it: its hash,
/// or its text. Its caller has told (with [`has_id`]) that the element has another.
fn give(doc: &mut Document, node: NodeId, id: &Id, texts: &Texts) {
    match id.form(texts) {
        Some(IdForm::Hashed(prefix, hash)) => doc.set_attr_id(node, "Id", prefix, hash),
        Some(IdForm::Text(t)) => doc.set_attr(node, "Id", t),
        None => {}
    }
}

/// Whether an element has id `id` (of `texts`) already, told without spelling either out.
fn has_id(doc: &Document, node: NodeId, id: &Id, texts: &Texts) -> bool {
    let now = doc.attr(node, "Id");
    match id.form(texts) {
        Some(IdForm::Hashed(prefix, hash)) => match now {
            Some(Value::Id { prefix: p, hash: h }) => p == prefix && same_hash(&h, &hash),
            // A folder's id is held as text: spelled out, only for folders.
            Some(Value::Text(t)) => id.text(texts).is_some_and(|id| id == t),
            _ => false,
        },
        Some(IdForm::Text(t)) => now.is_some_and(|v| v == t),
        None => true,
    }
}

/// Whether two hashes are spelled alike: heat v3's MD5 and SHA1 as their first 16 bytes in
/// hex, heat v4's as all 20 in base64.
fn same_hash(a: &crate::wix::ids::IdHash, b: &crate::wix::ids::IdHash) -> bool {
    use crate::wix::ids::IdScheme::V4;
    match (a.scheme() == V4, b.scheme() == V4) {
        (true, true) => a.bytes() == b.bytes(),
        (false, false) => a.bytes()[..16] == b.bytes()[..16],
        _ => false,
    }
}

/// The fingerprint of an id as a document holds it, the same as [`Id::fingerprint`] of its
/// text.
fn fingerprint_of(value: &crate::wix::Value<'_>) -> u64 {
    let mut texts = Texts::default();
    texts.id_of(value).fingerprint(&texts)
}

/// A component of the harvest as the matcher takes it, and its files' elements.
fn new_comp(doc: &Document, node: NodeId, place: u32) -> (NewComp, SmallVec<[NodeId; 2]>) {
    let (key, files) = document_component(doc, node);
    let comp = NewComp {
        place,
        key,
        files: files.iter().map(|f| f.1).collect(),
    };
    (comp, files.iter().map(|f| f.0).collect())
}

/// How many of the harvest's components [`Keep::keep_ids`] works out at a time.
const NEW_BATCH: usize = 16384;

/// One run of [`UpdateIdsMutator`].
struct Keep<'a> {
    name: &'a str,
    keep_removed: bool,
    old: &'a Snapshot,
    cx: &'a mut Context,
    doc: &'a mut Document,
    /// The harvest's folders and places, and its components in document order.
    new: &'a Snapshot,
    comps: Vec<NodeId>,
    /// Elements that keep the harvest's own ids (none was given them): by kind, with the
    /// fingerprint of the id. Few, in a usual update: the files added.
    fresh: Vec<(&'static str, u64, NodeId)>,
    /// Whether the document holds references to harvested elements already (made by an
    /// extension's mutator before this one); only then are renames remembered.
    has_references: bool,
    /// Ids changed, by element (`Directory`, `Component`, `File`): the id the harvest gave →
    /// the id now, for references made before this mutator.
    renamed: HashMap<&'static str, HashMap<String, String>>,
    /// What the removed components of the previous harvest are, as written.
    removed: HashMap<u32, CompDetails>,
    sets: HashMap<Vec<String>, u32>,
    plan: Plan,
}

impl<'a> Keep<'a> {
    fn new(
        name: &'a str,
        keep_removed: bool,
        old: &'a Snapshot,
        new: &'a Snapshot,
        cx: &'a mut Context,
        doc: &'a mut Document,
    ) -> Result<Keep<'a>> {
        let comps: Vec<NodeId> = doc.elements_named("Component").collect();
        debug_assert_eq!(comps.len(), new.comp_places.len());
        let has_references = doc.descendants(doc.root()).any(|n| match doc.name(n) {
            "ComponentRef" | "FileRef" => true,
            "DirectoryRef" => doc
                .attr(n, "Id")
                .is_some_and(|id| new.dir_by_id_text(&id.text()).is_some()),
            _ => doc.has_attr(n, "Directory"),
        });
        Ok(Keep {
            name,
            keep_removed,
            old,
            cx,
            doc,
            new,
            comps,
            fresh: Vec::new(),
            has_references,
            renamed: HashMap::new(),
            removed: HashMap::new(),
            sets: HashMap::new(),
            plan: Plan::default(),
        })
    }

    /// Sets an element's id, remembering the one it had when references may need it.
    fn set_id(&mut self, node: NodeId, id: &str) {
        self.remember_rename(node, id);
        self.doc.set_attr(node, "Id", id);
    }

    fn remember_rename(&mut self, node: NodeId, id: &str) {
        if self.has_references {
            if let Some(before) = self.doc.attr(node, "Id").map(|v| v.text().into_owned()) {
                if before != id {
                    let kind = element_kind(self.doc.name(node));
                    self.renamed
                        .entry(kind)
                        .or_default()
                        .insert(before, id.to_owned());
                }
            }
        }
    }

    /// Gives an element an id of the previous harvest (of `texts`).
    fn give_id_from(&mut self, node: NodeId, id: &Id, texts: &Texts) {
        // The usual case, the harvest made the same id: nothing changes, nothing to remember.
        if !id.is_some() || has_id(self.doc, node, id, texts) {
            return;
        }
        if self.has_references {
            let text = id.text(texts).expect("an id");
            self.remember_rename(node, &text);
        }
        give(self.doc, node, id, texts);
    }

    /// Notes `node` as keeping the harvest's own id, if it has one.
    fn note_fresh(&mut self, kind: &'static str, node: NodeId) {
        if let Some(v) = self.doc.attr(node, "Id") {
            self.fresh.push((kind, fingerprint_of(&v), node));
        }
    }

    fn give_id(&mut self, node: NodeId, id: &Id) {
        let texts = &self.old.texts;
        self.give_id_from(node, id, texts);
    }

    /// Gives an element a folder id of the previous harvest (a symbol of its names).
    fn give_dir_id(&mut self, node: NodeId, id: u32) {
        let mut texts = Texts::default();
        let atom = texts.id(self.old.names.get(id));
        self.give_id_from(node, &atom, &texts);
    }

    fn run(mut self) -> Result<Plan> {
        let old = self.old;
        let name = self.name.to_owned();
        let m = self.keep_ids();
        // What is reported of the previous harvest's components, read once.
        let mut wanted: Vec<u32> = old.duplicates.iter().flat_map(|&(a, b)| [a, b]).collect();
        wanted.extend((0..old.comps.len() as u32).filter(|&j| m.comps[j as usize] == NONE));
        self.removed = old.details(&wanted)?;
        let none = CompDetails::default();
        for &(a, b) in &old.duplicates {
            let da = self.removed.get(&a).unwrap_or(&none);
            let db = self.removed.get(&b).unwrap_or(&none);
            let location = location_text(old, a, da).unwrap_or_else(|| "?".to_owned());
            self.cx.messages.warn(
                codes::DUPLICATE_LOCATION,
                format!(
                    "'{name}': the components '{}' and '{}' both install '{location}'; the first \
                     one's ids are kept.",
                    da.id.as_deref().unwrap_or("?"),
                    db.id.as_deref().unwrap_or("?"),
                ),
            );
        }
        let unplaced: Vec<&str> = (0..old.comps.len() as u32)
            .filter(|&j| {
                m.comps[j as usize] == NONE
                    && old.comp_key(j).is_none()
                    && key_file_source(old, j, self.removed.get(&j).unwrap_or(&none)).is_none()
            })
            .map(|j| {
                self.removed
                    .get(&j)
                    .and_then(|d| d.id.as_deref())
                    .unwrap_or("?")
            })
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

        if self.keep_removed {
            self.put_back_leftovers(&m.comps, m.old_via_new(), m.new_via_old());
        }
        self.resolve_collisions(&m);
        self.rewrite_references();
        self.plan.report.previous = name;
        self.count_removed(&m.comps, &m.files);
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
        Ok(self.plan)
    }

    /// The component groups (not features) old component `j` is in.
    fn component_groups(&self, j: u32) -> Vec<String> {
        self.old
            .comp_groups(j)
            .into_iter()
            .filter(|g| g.kind == GroupKind::ComponentGroup)
            .map(|g| self.old.names.get(g.id).to_owned())
            .collect()
    }

    /// The index in the plan's group sets of old component `j`'s component groups, if any;
    /// `cache` keeps the set of each group a component is the child of.
    fn group_set(&mut self, j: u32, cache: &mut HashMap<u32, Option<u32>>) -> Option<u32> {
        let old = self.old;
        let group = old.comps[j as usize].group;
        let simple = old.ref_groups.is_empty();
        if simple {
            if let Some(&set) = cache.get(&group) {
                return set;
            }
        }
        let groups = self.component_groups(j);
        let set = (!groups.is_empty()).then(|| self.plan.set_of(groups, &mut self.sets));
        if simple {
            cache.insert(group, set);
        }
        set
    }

    /// Matches the harvest's components, files and folders against the previous harvest's,
    /// and gives the kept ones their previous ids and GUIDs; counts what is kept and added.
    fn keep_ids(&mut self) -> Matcher<'a> {
        let old = self.old;
        let new = self.new;
        let mut m = Matcher::new(old, new);
        let wants_sources = m.wants_sources();
        let mut sets = HashMap::new();
        // Components by key path, with their files; those with no install location that
        // find nothing wait until every other is placed, then look for their id.
        let mut waiting = Vec::new();
        let mut first = 0u32;
        // The harvest's components as the matcher takes them, worked out on every core a
        // batch at a time (so that what is held stays small), then matched in order.
        let mut batch: Vec<(NewComp, SmallVec<[NodeId; 2]>)> = Vec::new();
        // Every component may go back to a group: made its size at once (grown, it would
        // hold up to twice that).
        self.plan.groups.reserve_exact(self.comps.len());
        for i in 0..self.comps.len() {
            if i % NEW_BATCH == 0 {
                let doc: &Document = self.doc;
                let end = (i + NEW_BATCH).min(self.comps.len());
                batch = (i..end)
                    .into_par_iter()
                    .map(|k| new_comp(doc, self.comps[k], new.comp_places[k]))
                    .collect();
                batch.reverse();
            }
            let node = self.comps[i];
            let doc: &Document = self.doc;
            let (comp, files) = batch
                .pop()
                .expect("a batch holds every component of its range");
            let source = || {
                let f = match comp.key {
                    KeyPath::File(k) => files.get(usize::from(k))?,
                    _ => return None,
                };
                Some(keys::of_source(&doc.attr(*f, "Source")?.text()))
            };
            let j = m.comp(
                i as u32,
                &comp,
                || if wants_sources { source() } else { None },
            );
            if j == NONE && !m.keyed(&comp) {
                waiting.push((i, first));
            } else {
                self.kept_component(&mut m, node, &comp, &files, j, first, &mut sets);
            }
            first += comp.files.len() as u32;
        }
        for (i, first) in waiting {
            let node = self.comps[i];
            let (comp, files) = new_comp(self.doc, node, new.comp_places[i]);
            let id = self.doc.attr(node, "Id").map(|v| fingerprint_of(&v));
            let j = id.map_or(NONE, |id| m.comp_by_id(i as u32, id));
            self.kept_component(&mut m, node, &comp, &files, j, first, &mut sets);
        }
        // Folders.
        for d in 0..new.dirs.len() as u32 {
            let dir = &new.dirs[d as usize];
            let j = m.dir(d, dir.place);
            if j != NONE && old.dirs[j as usize].id != NONE {
                self.give_dir_id(NodeId::from_index(dir.at), old.dirs[j as usize].id);
            } else {
                self.note_fresh("Directory", NodeId::from_index(dir.at));
            }
        }
        m
    }

    /// Gives new component `node` (`comp`, its files `files`, numbered from `first`) the ids of
    /// old component `j` ([`NONE`] when it matched none) and matches its files; counts what is
    /// kept and added.
    #[allow(clippy::too_many_arguments)]
    fn kept_component(
        &mut self,
        m: &mut Matcher<'_>,
        node: NodeId,
        comp: &NewComp,
        files: &[NodeId],
        j: u32,
        first: u32,
        sets: &mut HashMap<u32, Option<u32>>,
    ) {
        let old = self.old;
        let new = self.new;
        let olds = m.files(first, comp, j);
        if j == NONE || !old.comp_ids[j as usize].is_some() {
            self.note_fresh("Component", node);
        }
        for (fi, &f) in files.iter().enumerate() {
            let kept = olds[fi] != NONE && old.file_ids[olds[fi] as usize].is_some() && j != NONE;
            if !kept {
                self.note_fresh("File", f);
            }
        }
        if j != NONE {
            self.give_id(node, &old.comp_ids[j as usize]);
            for (fi, &f) in files.iter().enumerate() {
                if olds[fi] != NONE {
                    self.give_id(f, &old.file_ids[olds[fi] as usize]);
                }
            }
            let guid = old.comp_guids[j as usize];
            if guid.is_real(&old.texts) {
                match guid.form(&old.texts) {
                    Some(GuidForm::Guid(g, true, braces)) => {
                        self.doc.set_attr_guid(node, "Guid", g, braces)
                    }
                    _ => {
                        let text = guid.text(&old.texts).expect("a GUID");
                        self.doc.set_attr(node, "Guid", text);
                    }
                }
            }
            if let Some(set) = self.group_set(j, sets) {
                self.plan.groups.push((node, set));
            }
        }
        let keyed = comp.place != NONE;
        if comp.key == KeyPath::Folder && keyed {
            if j != NONE {
                self.plan.report.kept += 1;
            } else {
                let path = format!("{}\\", new.place_text(comp.place));
                self.plan.report.added.push(path);
            }
        }
        for (fi, &f) in files.iter().enumerate() {
            if olds[fi] != NONE {
                self.plan.report.kept += 1;
                continue;
            }
            let doc: &Document = self.doc;
            let text = |name: &str| doc.attr(f, name).map(|v| v.text().into_owned());
            let path = match comp.files[fi] {
                Some(_) if keyed => {
                    let file_name = text("Name").unwrap_or_else(|| {
                        doc.attr(f, "Source")
                            .map(|v| v.last_segment().into_owned())
                            .unwrap_or_default()
                    });
                    Some(format!("{}\\{file_name}", new.place_text(comp.place)))
                }
                _ => text("Source"),
            };
            self.plan.report.added.push(path.unwrap_or_default());
        }
    }

    /// Every component of the previous harvest whose key path is gone, put back as a leftover.
    fn put_back_leftovers(
        &mut self,
        matched: &[u32],
        old_via_new: &[Option<Key>],
        new_via_old: &[Option<Key>],
    ) {
        let old = self.old;
        let mut folders: HashMap<Key, NodeId> = HashMap::new();
        for d in &self.new.dirs {
            let node = NodeId::from_index(d.at);
            folders.entry(self.new.place_key(d.place)).or_insert(node);
            if let Some(k) = new_via_old[d.place as usize] {
                folders.entry(k).or_insert(node);
            }
        }
        for &(id, at) in &self.new.roots {
            folders
                .entry(keys::root(self.new.names.get(id)))
                .or_insert(NodeId::from_index(at));
        }
        // The first folder of the previous harvest at each place.
        let mut old_dirs: HashMap<u32, u32> = HashMap::new();
        for (d, dir) in old.dirs.iter().enumerate() {
            old_dirs.entry(dir.place).or_insert(d as u32);
        }
        for j in 0..old.comps.len() as u32 {
            if matched[j as usize] != NONE || old.comp_key(j).is_none() {
                continue;
            }
            let place = old.comps[j as usize].place;
            let folder = self.folder(place, &mut folders, &old_dirs, old_via_new);
            self.leftover(j, folder);
        }
    }

    /// The element of the new document for place `place` of the previous harvest, made (with
    /// the previous ids and names, and the folders above it) when the new harvest has no such
    /// folder.
    fn folder(
        &mut self,
        place: u32,
        folders: &mut HashMap<Key, NodeId>,
        old_dirs: &HashMap<u32, u32>,
        old_via_new: &[Option<Key>],
    ) -> NodeId {
        let old = self.old;
        let found = |folders: &HashMap<Key, NodeId>, p: u32| {
            folders
                .get(&old.place_key(p))
                .copied()
                .or_else(|| old_via_new[p as usize].and_then(|k| folders.get(&k).copied()))
        };
        // The places up to one the new document has, without recursion.
        let mut chain = Vec::new();
        let mut p = place;
        let mut top = loop {
            if let Some(n) = found(folders, p) {
                break Some(n);
            }
            chain.push(p);
            match old_dirs.get(&p).map(|&d| old.dirs[d as usize].parent_place) {
                Some(parent) if parent != NONE => p = parent,
                _ => break None,
            }
        };
        while let Some(p) = chain.pop() {
            let node = match (top, old_dirs.get(&p)) {
                (Some(parent), Some(&d)) if old.dirs[d as usize].parent_place != NONE => {
                    let dir = &old.dirs[d as usize];
                    let name = (dir.name != NONE).then(|| old.names.get(dir.name).to_owned());
                    let el = self.doc.create("Directory");
                    insert_in_order(self.doc, parent, el, name.as_deref().unwrap_or(""));
                    if dir.id != NONE {
                        self.give_dir_id(el, dir.id);
                    } else {
                        // A folder the previous harvest left to WiX to name (v4): the id heat
                        // gives a folder, from its parent's id and its name, so that fragments
                        // can refer to it.
                        let parent_id = self
                            .doc
                            .attr(parent, "Id")
                            .map(|v| v.text().into_owned())
                            .unwrap_or_default();
                        let id = self
                            .cx
                            .ids
                            .generate("dir", &[&parent_id, name.as_deref().unwrap_or("")]);
                        self.doc.set_attr(el, "Id", id);
                    }
                    if let Some(name) = name {
                        self.doc.set_attr(el, "Name", name);
                    }
                    // Like a harvested folder, so that it takes the same place among its siblings.
                    self.doc.set_attr(el, "FileSource", String::new());
                    el
                }
                // A root: a reference to it, in a fragment of its own.
                _ => {
                    let fragment = self.doc.create_child(self.doc.root(), "Fragment");
                    directory_reference(self.doc, fragment, &old.place_text(p))
                }
            };
            folders.insert(old.place_key(p), node);
            top = Some(node);
        }
        top.expect("a folder found or made")
    }

    fn leftover(&mut self, j: u32, folder: NodeId) {
        let old = self.old;
        let oc = &old.comps[j as usize];
        let none = CompDetails::default();
        let details = self.removed.get(&j).cloned().unwrap_or(none);
        let v4 = self.doc.schema() == Schema::V4;
        let c = self.doc.create("Component");
        let name = old
            .key_file(j)
            .and_then(|f| details.files.get((f - oc.first_file) as usize))
            .and_then(|f| f.install_name())
            .unwrap_or("")
            .to_owned();
        insert_in_order(self.doc, folder, c, &name);
        self.give_id(c, &old.comp_ids[j as usize]);
        if let Some(guid) = old.comp_guids[j as usize].text(&old.texts) {
            self.doc.set_attr(c, "Guid", guid);
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
        for (fi, f) in old.comp_files(j).enumerate() {
            let el = self.doc.create_child(c, "File");
            self.give_id(el, &old.file_ids[f as usize]);
            let file = details.files.get(fi);
            if let Some(name) = file.and_then(|f| f.name.as_deref()) {
                self.doc.set_attr(el, "Name", name);
            }
            if oc.key == KeyPath::File(fi as u16) {
                self.doc.set_attr(el, "KeyPath", "yes");
            }
            if let Some(source) = file.and_then(|f| f.source.as_deref()) {
                self.doc.set_attr(
                    el,
                    "Source",
                    format!("SourceDir\\{}", keys::source_below_root(source)),
                );
            }
        }
        let groups = self.component_groups(j);
        self.plan.add(c, groups, &mut self.sets);
    }

    /// A fresh element whose id is one the update gave to another takes a numbered id.
    fn resolve_collisions(&mut self, m: &Matcher<'_>) {
        if self.fresh.is_empty() {
            return;
        }
        let old = self.old;
        // The ids given, among those of the fresh elements.
        let wanted: HashSet<(&'static str, u64)> =
            self.fresh.iter().map(|&(kind, fp, _)| (kind, fp)).collect();
        let mut given: HashSet<(&'static str, u64)> = HashSet::new();
        let mut check = |kind: &'static str, id: &Id, texts: &Texts| {
            if id.is_some() {
                let key = (kind, id.fingerprint(texts));
                if wanted.contains(&key) {
                    given.insert(key);
                }
            }
        };
        for j in 0..old.comps.len() {
            if m.comps[j] != NONE {
                check("Component", &old.comp_ids[j], &old.texts);
            }
        }
        for f in 0..old.files.len() {
            if m.files[f] != NONE {
                check("File", &old.file_ids[f], &old.texts);
            }
        }
        for (d, dir) in old.dirs.iter().enumerate() {
            if m.dirs[d] != NONE && dir.id != NONE {
                let mut texts = Texts::default();
                let id = texts.id(old.names.get(dir.id));
                check("Directory", &id, &texts);
            }
        }
        let mut clashes: Vec<(&'static str, NodeId, String)> = Vec::new();
        for &(kind, fp, node) in &self.fresh {
            if given.contains(&(kind, fp)) {
                let id = self
                    .doc
                    .attr(node, "Id")
                    .map(|v| v.text().into_owned())
                    .unwrap_or_default();
                clashes.push((kind, node, id));
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
                if let Some(id) = self.doc.attr(n, "Id") {
                    taken
                        .entry(element_kind(kind))
                        .or_default()
                        .insert(id.text().into_owned());
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
            let to = self
                .doc
                .attr(n, attr)
                .and_then(|v| map.get(v.text().as_ref()).cloned());
            if let Some(to) = to {
                self.doc.set_attr(n, attr, to);
            }
        }
    }

    /// The report's removed files (and folder components).
    fn count_removed(&mut self, matched: &[u32], matched_files: &[u32]) {
        let old = self.old;
        let r = &mut self.plan.report;
        let none = CompDetails::default();
        for j in 0..old.comps.len() as u32 {
            let oc = &old.comps[j as usize];
            let gone = matched[j as usize] == NONE;
            // The usual case, told without a lookup or an id spelled out: kept with its files.
            if !gone && old.comp_files(j).all(|f| matched_files[f as usize] != NONE) {
                continue;
            }
            let left_over = self.keep_removed && gone && old.comp_key(j).is_some();
            let details = self.removed.get(&j).unwrap_or(&none);
            let id = old.comp_ids[j as usize].text(&old.texts);
            if oc.key == KeyPath::Folder && gone && oc.place != NONE {
                r.removed.push(RemovedFile {
                    path: format!("{}\\", old.place_text(oc.place)),
                    component: id.clone(),
                    file: None,
                    leftover: left_over,
                });
            }
            for (fi, f) in old.comp_files(j).enumerate() {
                if matched_files[f as usize] != NONE {
                    continue;
                }
                let file = details.files.get(fi);
                let location = if old.file_key(j, f).is_some() {
                    file_location(old, j, file)
                } else {
                    None
                };
                let Some(path) = location.or_else(|| file.and_then(|f| f.source.clone())) else {
                    continue;
                };
                r.removed.push(RemovedFile {
                    path,
                    component: id.clone(),
                    file: old.file_ids[f as usize].text(&old.texts),
                    leftover: left_over,
                });
            }
        }
    }
}

/// The install location of component `c`'s key path, spelled out.
fn location_text(s: &Snapshot, c: u32, details: &CompDetails) -> Option<String> {
    let comp = &s.comps[c as usize];
    s.comp_key(c)?;
    match comp.key {
        KeyPath::Folder => Some(s.place_text(comp.place)),
        KeyPath::File(i) => file_location(s, c, details.files.get(usize::from(i))),
        KeyPath::Other => None,
    }
}

/// The install location of a file of component `c`, spelled out.
fn file_location(s: &Snapshot, c: u32, file: Option<&FileDetails>) -> Option<String> {
    let place = s.comps[c as usize].place;
    let name = file?.install_name().filter(|n| !n.is_empty())?;
    (place != NONE).then(|| format!("{}\\{name}", s.place_text(place)))
}

/// The `Source` of component `c`'s key file.
fn key_file_source(s: &Snapshot, c: u32, details: &CompDetails) -> Option<String> {
    let f = s.key_file(c)? - s.comps[c as usize].first_file;
    details.files.get(f as usize)?.source.clone()
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

/// Puts every component back into the component groups it was in, and takes it out of any
/// other: a component held by a group (heat's `-cg` with fragments) moves to the first of its
/// groups, and `ComponentRef`s stand for it in the others. A group the document lacks is made
/// in a fragment of its own, and referenced wherever the document's other groups are.
fn restore_groups(doc: &mut Document, plan: &[(NodeId, u32)], sets: &[Vec<String>]) {
    // First decide, then rebuild each group touched once: moving elements one at a time
    // would search a long group's children for each.
    let mut moves: HashMap<NodeId, Option<String>> = HashMap::new();
    let mut sources: Vec<NodeId> = Vec::new();
    let mut new_refs: Vec<(String, String)> = Vec::new();
    {
        let d: &Document = doc;
        let in_group = |n: NodeId| d.parent(n).is_some_and(|p| d.name(p) == "ComponentGroup");
        // References in groups, by the fingerprint of the id they name, in document order.
        let mut refs: Vec<(u64, NodeId)> = d
            .elements_named("ComponentRef")
            .filter(|&n| in_group(n))
            .filter_map(|n| d.attr(n, "Id").map(|v| (fingerprint_of(&v), n)))
            .collect();
        refs.sort_by_key(|r| r.0);
        let group_of = |n: NodeId| {
            d.parent(n)
                .filter(|p| d.name(*p) == "ComponentGroup")
                .map(|p| attr_text(d, p, "Id").unwrap_or_default())
        };
        // The group holding the components seen last, and its id: most components are
        // in the group they were in, one after the other.
        let mut last: Option<(NodeId, Option<Cow<'_, str>>)> = None;
        for &(c, set) in plan {
            // Where it should be, and with no reference anywhere: nothing to do (the usual
            // case), told without spelling out its id.
            if let ([only], true, Some(p)) = (&sets[set as usize][..], refs.is_empty(), d.parent(c))
            {
                if last.as_ref().is_none_or(|(q, _)| *q != p) {
                    last = Some((p, group_of(c)));
                }
                if last.as_ref().and_then(|(_, id)| id.as_deref()) == Some(only.as_str()) {
                    continue;
                }
            }
            let wanted: Vec<&str> = sets[set as usize].iter().map(String::as_str).collect();
            let holder = group_of(c);
            let id = attr_text(d, c, "Id");
            let my_refs: Vec<NodeId> = match (&id, refs.is_empty()) {
                (Some(id), false) => {
                    let fp = fingerprint_of(&crate::wix::Value::Text(id));
                    let lo = refs.partition_point(|r| r.0 < fp);
                    let hi = refs.partition_point(|r| r.0 <= fp);
                    refs[lo..hi]
                        .iter()
                        .map(|r| r.1)
                        .filter(|&r| d.attr(r, "Id").is_some_and(|v| v.is(id)))
                        .collect()
                }
                _ => Vec::new(),
            };
            // Where it should be, and nowhere else: nothing to do (the usual case).
            if my_refs.is_empty() && wanted.len() == 1 && holder.as_deref() == Some(wanted[0]) {
                continue;
            }
            let held_by: Vec<(NodeId, Cow<'_, str>)> = holder
                .map(|g| (c, g))
                .into_iter()
                .chain(my_refs.iter().filter_map(|&r| group_of(r).map(|g| (r, g))))
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
            for w in &wanted {
                if placed.insert(w) {
                    new_refs.push((w.to_string(), id.as_deref().unwrap_or("").to_string()));
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

/// The path of `-update`'s previous harvest; a missing file is heat's `FileNotFound`
/// (`HEAT5059`), naming the option.
fn previous_path(path: &str) -> Result<PathBuf> {
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
    Ok(p.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::read::parse;
    use crate::xml::write::{to_text, Format, LineEnding};

    fn restored(text: &str, plan: &[(&str, &[&str])]) -> String {
        let mut doc = parse(text.as_bytes()).unwrap();
        let mut sets: Vec<Vec<String>> = Vec::new();
        let mut entries = Vec::new();
        for (id, groups) in plan.iter().filter(|(_, g)| !g.is_empty()) {
            let node = doc
                .elements_named("Component")
                .find(|&c| doc.attr(c, "Id").is_some_and(|v| v == *id))
                .unwrap();
            sets.push(groups.iter().map(|g| g.to_string()).collect());
            entries.push((node, sets.len() as u32 - 1));
        }
        restore_groups(&mut doc, &entries, &sets);
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
        let (mut ids, _) = update_mutators_for(&previous, "p.wxs", UpdateOptions::default());
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
