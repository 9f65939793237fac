//! Where every component, file and folder of a WiX document installs, read from the structure
//! of the document, and the matching of two documents by install location.
//!
//! An install location is the id of the directory reference a harvest is rooted under, then the
//! names of the folders below it, then the file name, joined by `\`
//! (`INSTALLFOLDER\App\bin\app.exe`). It is told from the document's structure, whatever tool
//! wrote it and however it is laid out:
//!
//! - `Directory/@Name` chains, nested or split into fragments: a `DirectoryRef` (or v4
//!   `StandardDirectory`) whose id is a `Directory` of the same document continues that
//!   directory's path; one whose id is not defined there is a root (`INSTALLFOLDER`);
//! - a `Directory` whose id is a standard directory (`TARGETDIR`, `ProgramFilesFolder`, …) is a
//!   root, whatever its name (heat's v3 product template writes `TARGETDIR` as
//!   `<Directory Id="TARGETDIR" Name="SourceDir">`);
//! - a component's folder is its `Directory` attribute (components in a `ComponentGroup`), else
//!   the nearest enclosing `Directory` or directory reference, else the `Directory` of its
//!   `ComponentGroup`; a v4 `Subdirectory` attribute goes below it;
//! - a file's name is its `Name`, else the last part of its `Source`.
//!
//! Only where the structure says nothing (a component in no folder at all) is the `Source`
//! used: then the component is matched by its source path below `SourceDir\`, `$(var.X)\` or
//! `!(wix.X)\`.
//!
//! Locations compare without regard to case, as Windows compares paths.

//!
//! This is the document-based inventory the crate had before [`Snapshot`](super::snapshot):
//! it is kept, in tests only, as the oracle the snapshots are compared with.
#![allow(dead_code)]

use std::borrow::Cow;

use super::attr_text;
use std::collections::{HashMap, HashSet};

use crate::wix::{is_directory_reference, is_standard_directory};
use crate::wix::{Document, NodeId};

/// What a component's key path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPath {
    /// The file at this index of [`ComponentEntry::files`].
    File(usize),
    /// The component's folder: `KeyPath="yes"` on a component that holds a `CreateFolder`
    /// and no file or registry entry (as `-ke` writes it).
    Folder,
    /// Something else (a registry value, …) or nothing: the component has no install location.
    Other,
}

/// The kind of element that holds a component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GroupKind {
    /// `ComponentGroup`.
    ComponentGroup,
    /// `Feature` or `FeatureRef`.
    Feature,
    /// `FeatureGroup`.
    FeatureGroup,
    /// `Module` (a merge module's own components).
    Module,
}

impl GroupKind {
    fn of(element: &str) -> Option<GroupKind> {
        match element {
            "ComponentGroup" => Some(GroupKind::ComponentGroup),
            "Feature" | "FeatureRef" => Some(GroupKind::Feature),
            "FeatureGroup" => Some(GroupKind::FeatureGroup),
            "Module" => Some(GroupKind::Module),
            _ => None,
        }
    }

    /// The element name (`ComponentGroup`, `Feature`, …).
    pub fn element(self) -> &'static str {
        match self {
            GroupKind::ComponentGroup => "ComponentGroup",
            GroupKind::Feature => "Feature",
            GroupKind::FeatureGroup => "FeatureGroup",
            GroupKind::Module => "Module",
        }
    }
}

/// A group (or feature) a component belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Group {
    /// What holds the component.
    pub kind: GroupKind,
    /// Its id.
    pub id: String,
}

impl std::fmt::Display for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} '{}'", self.kind.element(), self.id)
    }
}

/// A `File` of a component.
#[derive(Debug, Clone)]
pub struct FileEntry {
    /// The `File` element.
    pub node: NodeId,
    /// `File/@Id`.
    pub id: Option<String>,
    /// Its install location, when its component's folder is known.
    pub location: Option<String>,
    /// Its `Source`, as written.
    pub source: Option<String>,
    /// [`location`](Self::location) as compared ([`location_key`]).
    pub key: Option<String>,
}

/// A `Component` and where it installs.
#[derive(Debug, Clone)]
pub struct ComponentEntry {
    /// The `Component` element.
    pub node: NodeId,
    /// `Component/@Id`.
    pub id: Option<String>,
    /// `Component/@Guid`, as written.
    pub guid: Option<String>,
    /// The install location of the component's folder, when known.
    pub directory: Option<String>,
    /// Its files, in order.
    pub files: Vec<FileEntry>,
    /// Its key path.
    pub key: KeyPath,
    /// The install location of its key path: the key file's, or the folder's; `None` when it
    /// cannot be told.
    pub location: Option<String>,
    /// The groups and features that hold it (as a child or through `ComponentRef`), in
    /// document order.
    pub groups: Vec<Group>,
    /// [`location`](Self::location) as compared: [`location_key`], with a `\` after a folder
    /// key path so that a folder and a file of the same name never meet.
    pub location_key: Option<String>,
}

impl ComponentEntry {
    /// The key file, if the key path is a file.
    pub fn key_file(&self) -> Option<&FileEntry> {
        match self.key {
            KeyPath::File(i) => self.files.get(i),
            _ => None,
        }
    }
}

/// A `Directory` and where it installs.
#[derive(Debug, Clone)]
pub struct DirectoryEntry {
    /// The `Directory` element.
    pub node: NodeId,
    /// `Directory/@Id`.
    pub id: Option<String>,
    /// `Directory/@Name`.
    pub name: Option<String>,
    /// Its install location.
    pub location: String,
    /// The install location of its parent; `None` for a root (a standard directory, or a
    /// `Directory` that sits in no other).
    pub parent: Option<String>,
    /// [`location`](Self::location) as compared ([`location_key`]).
    pub key: String,
}

/// Every component and folder of a document with its install location.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    /// The components, in document order.
    pub components: Vec<ComponentEntry>,
    /// The folders (`Directory` elements), in document order.
    pub directories: Vec<DirectoryEntry>,
    /// Directory references in the document that are roots: (lower-cased id, element), first
    /// of each id.
    pub roots: Vec<(String, NodeId)>,
    dirs_by_id: HashMap<String, usize>,
    /// Components sharing an install location with an earlier one: (earlier, later).
    pub duplicates: Vec<(usize, usize)>,
}

/// The form in which locations are compared: lower case, as Windows compares paths.
pub fn location_key(location: &str) -> String {
    location.to_lowercase()
}

/// A `Source` path below its root: `SourceDir\`, `$(var.X)\` or `!(wix.X)\` taken off, `/`
/// read as `\` and `$$` as `$`; the rest as it is.
pub fn source_below_root(source: &str) -> String {
    let s = source.replace('/', "\\").replace("$$", "$");
    let rest = if let Some(r) = s.strip_prefix("SourceDir\\") {
        r
    } else if (s.starts_with("$(") || s.starts_with("!(")) && s.contains(")\\") {
        let end = s.find(")\\").expect("checked");
        &s[end + 2..]
    } else {
        &s
    };
    rest.to_owned()
}

/// Where a folder is: its location and its parent's.
#[derive(Clone)]
struct Place {
    location: String,
    parent: Option<String>,
}

struct Resolver<'a> {
    doc: &'a Document,
    /// Directory elements by id (first definition wins).
    by_id: HashMap<Cow<'a, str>, NodeId>,
    memo: HashMap<NodeId, usize>,
    places: Vec<Place>,
    visiting: HashSet<NodeId>,
}

impl<'a> Resolver<'a> {
    /// The place of a `Directory` element, as an index into `places`.
    fn directory(&mut self, d: NodeId) -> usize {
        if let Some(&i) = self.memo.get(&d) {
            return i;
        }
        let doc = self.doc;
        let id = attr_text(doc, d, "Id");
        let segment = attr_text(doc, d, "Name").filter(|n| !n.is_empty() && *n != ".");
        if !self.visiting.insert(d) {
            // A loop of references: a root here, not remembered.
            self.places.push(Place {
                location: id.as_deref().unwrap_or("?").to_owned(),
                parent: None,
            });
            return self.places.len() - 1;
        }
        let place = if let Some(id) = id.as_deref().filter(|id| is_standard_directory(id)) {
            Place {
                location: id.to_owned(),
                parent: None,
            }
        } else {
            let parent = doc.parent(d);
            let parent_location = match parent.map(|p| (p, doc.name(p))) {
                Some((p, "Directory")) => {
                    let i = self.directory(p);
                    Some(self.places[i].location.clone())
                }
                Some((p, name)) if is_directory_reference(name) => {
                    let id = attr_text(doc, p, "Id").unwrap_or_default();
                    Some(self.reference(&id).into_owned())
                }
                _ => None,
            };
            match (parent_location, segment.clone()) {
                (Some(pl), Some(seg)) => Place {
                    location: format!("{pl}\\{seg}"),
                    parent: Some(pl),
                },
                (Some(pl), None) => Place {
                    location: pl.clone(),
                    parent: Some(pl),
                },
                // A Directory in no other: a root of its own, by id.
                (None, _) => Place {
                    location: id.or(segment).as_deref().unwrap_or("?").to_owned(),
                    parent: None,
                },
            }
        };
        self.visiting.remove(&d);
        self.places.push(place);
        let i = self.places.len() - 1;
        self.memo.insert(d, i);
        i
    }

    /// The location of directory `id`: the `Directory` of that id in this document, or the id
    /// itself (a root such as `INSTALLFOLDER`).
    fn reference<'s>(&'s mut self, id: &'s str) -> Cow<'s, str> {
        match self.by_id.get(id).copied() {
            Some(d) => {
                let i = self.directory(d);
                Cow::Borrowed(self.places[i].location.as_str())
            }
            None => Cow::Borrowed(id),
        }
    }

    fn location(&mut self, d: NodeId) -> &str {
        let i = self.directory(d);
        &self.places[i].location
    }
}

impl Inventory {
    /// Reads the install location of every component, file and folder of `doc`.
    pub fn of(doc: &Document) -> Inventory {
        let mut directories_found = Vec::new();
        let mut components_found = Vec::new();
        let mut refs_found = Vec::new();
        let mut by_id: HashMap<Cow<'_, str>, NodeId> = HashMap::new();
        let mut roots: Vec<(String, NodeId)> = Vec::new();
        for n in doc.descendants(doc.root()) {
            match doc.name(n) {
                "Directory" => {
                    if let Some(id) = attr_text(doc, n, "Id") {
                        by_id.entry(id).or_insert(n);
                    }
                    directories_found.push(n);
                }
                "Component" => components_found.push(n),
                "ComponentRef" => refs_found.push(n),
                name if is_directory_reference(name) => {
                    let id = attr_text(doc, n, "Id").unwrap_or_default();
                    let key = location_key(&id);
                    if !roots.iter().any(|(k, _)| *k == key) {
                        roots.push((key, n));
                    }
                }
                _ => {}
            }
        }
        // References to a Directory of this document are not roots.
        roots.retain(|(_, n)| {
            !by_id.contains_key(attr_text(doc, *n, "Id").unwrap_or_default().as_ref())
        });

        let mut r = Resolver {
            doc,
            by_id,
            memo: HashMap::new(),
            places: Vec::new(),
            visiting: HashSet::new(),
        };
        let mut inv = Inventory {
            roots,
            ..Inventory::default()
        };
        for d in directories_found {
            let i = r.directory(d);
            let Place { location, parent } = r.places[i].clone();
            let id = attr_text(doc, d, "Id").map(Cow::into_owned);
            if let Some(id) = &id {
                inv.dirs_by_id
                    .entry(id.clone())
                    .or_insert(inv.directories.len());
            }
            inv.directories.push(DirectoryEntry {
                node: d,
                id,
                name: attr_text(doc, d, "Name").map(Cow::into_owned),
                key: location_key(&location),
                location,
                parent,
            });
        }

        for c in &components_found {
            let entry = component(doc, *c, &mut r);
            inv.components.push(entry);
        }
        // Components by id, for references: only when there are any.
        let mut index_by_id: HashMap<Cow<'_, str>, usize> = HashMap::new();
        if !refs_found.is_empty() {
            for (i, &c) in components_found.iter().enumerate() {
                if let Some(id) = attr_text(doc, c, "Id") {
                    index_by_id.entry(id).or_insert(i);
                }
            }
        }
        for r in refs_found {
            let (Some(id), Some(parent)) = (attr_text(doc, r, "Id"), doc.parent(r)) else {
                continue;
            };
            let (Some(&i), Some(kind)) = (
                index_by_id.get(id.as_ref()),
                GroupKind::of(doc.name(parent)),
            ) else {
                continue;
            };
            let group = Group {
                kind,
                id: attr_text(doc, parent, "Id")
                    .unwrap_or_default()
                    .into_owned(),
            };
            if !inv.components[i].groups.contains(&group) {
                inv.components[i].groups.push(group);
            }
        }

        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, c) in inv.components.iter().enumerate() {
            let Some(key) = &c.location_key else { continue };
            match seen.entry(key) {
                std::collections::hash_map::Entry::Occupied(e) => {
                    inv.duplicates.push((*e.get(), i))
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(i);
                }
            }
        }
        inv
    }

    /// The `Directory` of id `id`, if the document defines one.
    pub fn directory_by_id(&self, id: &str) -> Option<&DirectoryEntry> {
        self.dirs_by_id.get(id).map(|&i| &self.directories[i])
    }

    /// `location` with its first part, when it is the id of a `Directory` of this document,
    /// replaced by that directory's location: how a location rooted at `INSTALLFOLDER` in one
    /// document reads in another that defines `INSTALLFOLDER` itself.
    pub fn reroot(&self, location: &str) -> Option<String> {
        let (first, rest) = match location.split_once('\\') {
            Some((f, r)) => (f, Some(r)),
            None => (location, None),
        };
        let d = self.directory_by_id(first)?;
        if d.location == first {
            return None;
        }
        Some(match rest {
            Some(rest) => format!("{}\\{rest}", d.location),
            None => d.location.clone(),
        })
    }
}

fn component(doc: &Document, c: NodeId, r: &mut Resolver<'_>) -> ComponentEntry {
    // The component's folder.
    let mut directory: Option<String> =
        attr_text(doc, c, "Directory").map(|id| r.reference(&id).into_owned());
    let mut subdirectory = attr_text(doc, c, "Subdirectory").map(Cow::into_owned);
    if directory.is_none() {
        for a in doc.ancestors(c) {
            match doc.name(a) {
                "Directory" => {
                    directory = Some(r.location(a).to_owned());
                }
                name if is_directory_reference(name) => {
                    let id = attr_text(doc, a, "Id").unwrap_or_default();
                    directory = Some(r.reference(&id).into_owned());
                }
                "ComponentGroup" => {
                    if let Some(id) = attr_text(doc, a, "Directory") {
                        directory = Some(r.reference(&id).into_owned());
                        if subdirectory.is_none() {
                            subdirectory = attr_text(doc, a, "Subdirectory").map(Cow::into_owned);
                        }
                    }
                }
                _ => continue,
            }
            if directory.is_some() {
                break;
            }
        }
    }
    if let (Some(dir), Some(sub)) = (&mut directory, subdirectory) {
        for part in sub
            .split(['\\', '/'])
            .filter(|p| !p.is_empty() && *p != ".")
        {
            dir.push('\\');
            dir.push_str(part);
        }
    }

    let files: Vec<FileEntry> = doc
        .children_named(c, "File")
        .map(|f| {
            let source = attr_text(doc, f, "Source").map(Cow::into_owned);
            let name = attr_text(doc, f, "Name").map(Cow::into_owned).or_else(|| {
                source
                    .as_deref()
                    .and_then(|s| s.rsplit(['\\', '/']).next())
                    .map(str::to_owned)
            });
            let location = match (&directory, name) {
                (Some(d), Some(n)) if !n.is_empty() => Some(format!("{d}\\{n}")),
                _ => None,
            };
            FileEntry {
                node: f,
                id: attr_text(doc, f, "Id").map(Cow::into_owned),
                key: location.as_deref().map(location_key),
                location,
                source,
            }
        })
        .collect();

    // The key path, as WiX chooses it: a child marked KeyPath="yes", else the folder when the
    // component itself is marked, else the first child that can be one (only files are looked
    // at here: a component whose first candidate is something else has no install location).
    let yes = |n: NodeId| attr_text(doc, n, "KeyPath").as_deref() == Some("yes");
    let marked_file = files.iter().position(|f| yes(f.node));
    let marked_other = doc
        .children(c)
        .iter()
        .any(|&n| doc.name(n) != "File" && yes(n));
    // A folder is an install location only for a component that creates it and holds
    // nothing else: heat's registry components, say, are all keyed on TARGETDIR.
    let only_creates_folder = || {
        doc.children_named(c, "CreateFolder").next().is_some()
            && doc
                .children(c)
                .iter()
                .all(|&n| matches!(doc.name(n), "CreateFolder" | "RemoveFolder" | "Condition"))
    };
    let key = if let Some(i) = marked_file {
        KeyPath::File(i)
    } else if marked_other {
        KeyPath::Other
    } else if yes(c) {
        if only_creates_folder() {
            KeyPath::Folder
        } else {
            KeyPath::Other
        }
    } else {
        let first = doc.children(c).iter().find(|&&n| {
            matches!(
                doc.name(n),
                "File" | "RegistryValue" | "RegistryKey" | "ODBCDataSource"
            )
        });
        match first {
            Some(&n) if doc.name(n) == "File" => KeyPath::File(
                files
                    .iter()
                    .position(|f| f.node == n)
                    .expect("a child file"),
            ),
            Some(_) => KeyPath::Other,
            None if only_creates_folder() => KeyPath::Folder,
            None => KeyPath::Other,
        }
    };
    let location = match key {
        KeyPath::File(i) => files[i].location.clone(),
        KeyPath::Folder => directory.clone(),
        KeyPath::Other => None,
    };
    let location_key = match key {
        KeyPath::File(i) => files[i].key.clone(),
        KeyPath::Folder => directory.as_deref().map(|d| location_key(d) + "\\"),
        KeyPath::Other => None,
    };
    let groups = doc
        .parent(c)
        .and_then(|p| {
            GroupKind::of(doc.name(p)).map(|kind| Group {
                kind,
                id: attr_text(doc, p, "Id").unwrap_or_default().into_owned(),
            })
        })
        .into_iter()
        .collect();
    ComponentEntry {
        node: c,
        id: attr_text(doc, c, "Id").map(Cow::into_owned),
        guid: attr_text(doc, c, "Guid").map(Cow::into_owned),
        directory,
        files,
        key,
        location,
        groups,
        location_key,
    }
}

/// Which component, file and folder of one document (the old one) is at the same install
/// location in another (the new one).
#[derive(Debug, Clone, Default)]
pub struct Matching {
    /// For each old component, the new one at its key path's location.
    pub components: Vec<Option<usize>>,
    /// For each new component, the old one at its key path's location.
    pub new_components: Vec<Option<usize>>,
    /// For each old folder, the new one at its location.
    pub directories: Vec<Option<usize>>,
    /// For each new folder, the old one at its location.
    pub new_directories: Vec<Option<usize>>,
    /// Old file (component, file) → new file (component, file) at the same location.
    pub files: HashMap<(usize, usize), (usize, usize)>,
    /// New file (component, file) → old file (component, file) at the same location.
    pub new_files: HashMap<(usize, usize), (usize, usize)>,
}

/// The key a location of one document has in `other` when `other` defines the folder its
/// first part names (see [`Inventory::reroot`]); `None` when it has no other.
pub(crate) fn other_key(location: &str, other: &Inventory) -> Option<String> {
    other.reroot(location).map(|r| location_key(&r))
}

/// Items of the new document by key: borrowed keys, and the few keys rerooted through the old
/// document's folders.
struct Index<'a, T> {
    keys: HashMap<&'a str, T>,
    rerooted: HashMap<String, T>,
}

impl<'a, T: Copy> Index<'a, T> {
    fn new() -> Self {
        Index {
            keys: HashMap::new(),
            rerooted: HashMap::new(),
        }
    }

    /// Adds an item of the new document: `key` is its own key, `location` its location.
    fn add(&mut self, key: &'a str, location: &str, old: &Inventory, item: T) {
        self.keys.entry(key).or_insert(item);
        if let Some(k) = other_key(location, old) {
            self.rerooted.entry(k).or_insert(item);
        }
    }

    /// Finds the item for an item of the old document.
    fn find(&self, key: &str, location: &str, new: &Inventory, suffix: &str) -> Option<T> {
        self.keys
            .get(key)
            .or_else(|| self.rerooted.get(key))
            .copied()
            .or_else(|| {
                let mut k = other_key(location, new)?;
                k.push_str(suffix);
                self.keys.get(k.as_str()).copied()
            })
    }
}

/// Matches `old` and `new` by install location. Each new item is taken by at most one old
/// item, the first in document order; components whose structure names no folder are
/// matched by their key file's source path instead, and components with no file or folder
/// key path at all (registry entries, …) by their id.
pub fn match_up(old: &Inventory, new: &Inventory) -> Matching {
    let mut m = Matching {
        components: vec![None; old.components.len()],
        new_components: vec![None; new.components.len()],
        directories: vec![None; old.directories.len()],
        new_directories: vec![None; new.directories.len()],
        ..Matching::default()
    };
    let suffix = |k: KeyPath| if k == KeyPath::Folder { "\\" } else { "" };

    // Components, by key path.
    let mut by_key = Index::new();
    let mut by_source: HashMap<String, usize> = HashMap::new();
    for (i, c) in new.components.iter().enumerate() {
        if let (Some(key), Some(loc)) = (&c.location_key, &c.location) {
            by_key.add(key, loc, old, i);
            if c.key == KeyPath::Folder {
                if let Some(k) = other_key(loc, old) {
                    by_key.rerooted.entry(k + "\\").or_insert(i);
                }
            }
        }
        if let Some(src) = c.key_file().and_then(|f| f.source.as_deref()) {
            by_source
                .entry(location_key(&source_below_root(src)))
                .or_insert(i);
        }
    }
    for (j, c) in old.components.iter().enumerate() {
        let found = match (&c.location_key, &c.location) {
            (Some(key), Some(loc)) => by_key.find(key, loc, new, suffix(c.key)),
            // The structure says nothing: the source path.
            _ if c.directory.is_none() && c.key != KeyPath::Other => c
                .key_file()
                .and_then(|f| f.source.as_deref())
                .and_then(|s| by_source.get(&location_key(&source_below_root(s))).copied()),
            _ => None,
        };
        if let Some(i) = found.filter(|&i| m.new_components[i].is_none()) {
            m.components[j] = Some(i);
            m.new_components[i] = Some(j);
        }
    }
    // Components without an install location, by id.
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for (i, c) in new.components.iter().enumerate() {
        if let (None, Some(id), None) = (&c.location, &c.id, m.new_components[i]) {
            by_id.entry(id).or_insert(i);
        }
    }
    if !by_id.is_empty() {
        for (j, c) in old.components.iter().enumerate() {
            if let (None, Some(id), None) = (&c.location, &c.id, m.components[j]) {
                if let Some(i) = by_id.get(id.as_str()).copied() {
                    if m.new_components[i].is_none() {
                        m.components[j] = Some(i);
                        m.new_components[i] = Some(j);
                    }
                }
            }
        }
    }

    // Files, by location (a key file goes with its component's match).
    let mut files_by_key = Index::new();
    for (i, c) in new.components.iter().enumerate() {
        for (fi, f) in c.files.iter().enumerate() {
            if let (Some(key), Some(loc)) = (&f.key, &f.location) {
                files_by_key.add(key, loc, old, (i, fi));
            }
        }
    }
    for (j, c) in old.components.iter().enumerate() {
        for (fj, f) in c.files.iter().enumerate() {
            let found = match (&f.key, &f.location, c.key, m.components[j]) {
                // A key file whose component matched by source: its counterpart's key file.
                (None, _, KeyPath::File(k), Some(i)) if k == fj => match new.components[i].key {
                    KeyPath::File(ki) => Some((i, ki)),
                    _ => None,
                },
                (Some(key), Some(loc), _, _) => files_by_key.find(key, loc, new, ""),
                _ => None,
            };
            if let Some(n) = found.filter(|n| !m.new_files.contains_key(n)) {
                m.files.insert((j, fj), n);
                m.new_files.insert(n, (j, fj));
            }
        }
    }

    // Folders.
    let mut dirs_by_key = Index::new();
    for (i, d) in new.directories.iter().enumerate() {
        dirs_by_key.add(&d.key, &d.location, old, i);
    }
    for (j, d) in old.directories.iter().enumerate() {
        let found = dirs_by_key.find(&d.key, &d.location, new, "");
        if let Some(i) = found.filter(|&i| m.new_directories[i].is_none()) {
            m.directories[j] = Some(i);
            m.new_directories[i] = Some(j);
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::read::parse;

    fn locations(text: &str) -> Vec<(String, String)> {
        let doc = parse(text.as_bytes()).unwrap();
        Inventory::of(&doc)
            .components
            .iter()
            .map(|c| {
                (
                    c.id.clone().unwrap_or_default(),
                    c.location.clone().unwrap_or_else(|| "-".into()),
                )
            })
            .collect()
    }

    const V3: &str = "http://schemas.microsoft.com/wix/2006/wi";
    const V4: &str = "http://wixtoolset.org/schemas/v4/wxs";

    #[test]
    fn fragments_follow_directory_references_back() {
        let text = format!(
            r#"<Wix xmlns="{V3}">
  <Fragment><DirectoryRef Id="INSTALLFOLDER"><Directory Id="dA" Name="App" /></DirectoryRef></Fragment>
  <Fragment><DirectoryRef Id="dA"><Directory Id="dB" Name="bin" /></DirectoryRef></Fragment>
  <Fragment><DirectoryRef Id="dB"><Component Id="c1" Guid="x"><File Id="f1" KeyPath="yes" Source="$(var.S)\bin\app.exe" /></Component></DirectoryRef></Fragment>
  <Fragment><ComponentGroup Id="G"><Component Id="c2" Directory="dA" Guid="y"><File Id="f2" Source="SourceDir\Read Me.txt" /></Component></ComponentGroup></Fragment>
</Wix>"#
        );
        assert_eq!(
            locations(&text),
            [
                ("c1".into(), r"INSTALLFOLDER\App\bin\app.exe".into()),
                ("c2".into(), r"INSTALLFOLDER\App\Read Me.txt".into()),
            ]
        );
    }

    #[test]
    fn product_template_and_standard_directories_are_roots() {
        let text = format!(
            r#"<Wix xmlns="{V3}"><Product Id="*">
  <Directory Id="TARGETDIR" Name="SourceDir"><Directory Id="dA" Name="App">
    <Component Id="c1" Guid="x"><File Id="f1" Name="a.txt" Source="elsewhere\b.txt" /></Component>
    <Component Id="c2" KeyPath="yes" Guid="y"><CreateFolder /></Component>
  </Directory></Directory>
  <Feature Id="F"><ComponentRef Id="c1" /></Feature>
</Product></Wix>"#
        );
        let doc = parse(text.as_bytes()).unwrap();
        let inv = Inventory::of(&doc);
        assert_eq!(
            inv.components[0].location.as_deref(),
            Some(r"TARGETDIR\App\a.txt")
        );
        assert_eq!(inv.components[1].key, KeyPath::Folder);
        assert_eq!(
            inv.components[1].location.as_deref(),
            Some(r"TARGETDIR\App")
        );
        assert_eq!(inv.components[0].groups[0].to_string(), "Feature 'F'");
    }

    #[test]
    fn v4_subdirectory_and_group_directory() {
        let text = format!(
            r#"<Wix xmlns="{V4}"><Fragment>
  <ComponentGroup Id="G" Directory="INSTALLFOLDER" Subdirectory="docs">
    <Component Guid="x"><File Source="a\b.txt" /></Component>
    <Component Subdirectory="x\y" Guid="y"><File Source="c.txt" /></Component>
  </ComponentGroup></Fragment></Wix>"#
        );
        assert_eq!(
            locations(&text),
            [
                ("".into(), r"INSTALLFOLDER\docs\b.txt".into()),
                ("".into(), r"INSTALLFOLDER\x\y\c.txt".into()),
            ]
        );
    }

    #[test]
    fn no_folder_means_no_location_and_a_source_match() {
        let old = format!(
            r#"<Wix xmlns="{V4}"><Fragment><ComponentGroup Id="G">
  <Component Id="c1" Guid="x"><File Id="f1" Source="$(var.Src)\bin\A.exe" /></Component>
</ComponentGroup></Fragment></Wix>"#
        );
        let new = format!(
            r#"<Wix xmlns="{V4}"><Fragment><DirectoryRef Id="INSTALLFOLDER">
  <Component Id="n1" Guid="x"><File Id="g1" KeyPath="yes" Source="SourceDir\bin\a.exe" /></Component>
</DirectoryRef></Fragment></Wix>"#
        );
        assert_eq!(locations(&old), [("c1".into(), "-".into())]);
        let old = Inventory::of(&parse(old.as_bytes()).unwrap());
        let new = Inventory::of(&parse(new.as_bytes()).unwrap());
        let m = match_up(&old, &new);
        assert_eq!(m.components, [Some(0)]);
        assert_eq!(m.files.get(&(0, 0)), Some(&(0, 0)));
    }

    #[test]
    fn a_root_defined_in_one_document_meets_a_reference_in_the_other() {
        let old = format!(
            r#"<Wix xmlns="{V3}"><Product Id="*"><Directory Id="TARGETDIR" Name="SourceDir">
  <Directory Id="ProgramFilesFolder"><Directory Id="INSTALLFOLDER" Name="Acme">
    <Component Id="c1" Guid="x"><File Id="f1" Source="a.txt" /></Component>
  </Directory></Directory></Directory></Product></Wix>"#
        );
        let new = format!(
            r#"<Wix xmlns="{V4}"><Fragment><DirectoryRef Id="INSTALLFOLDER">
  <Component Id="n1" Guid="x"><File Id="g1" KeyPath="yes" Source="SourceDir\A.TXT" /></Component>
</DirectoryRef></Fragment></Wix>"#
        );
        let old = Inventory::of(&parse(old.as_bytes()).unwrap());
        assert_eq!(
            old.components[0].location.as_deref(),
            Some(r"ProgramFilesFolder\Acme\a.txt")
        );
        let new = Inventory::of(&parse(new.as_bytes()).unwrap());
        let m = match_up(&old, &new);
        assert_eq!(m.components, [Some(0)]);
        assert_eq!(m.new_components, [Some(0)]);
    }

    #[test]
    fn reference_loops_end() {
        let text = format!(
            r#"<Wix xmlns="{V4}"><Fragment>
  <DirectoryRef Id="a"><Directory Id="b" Name="B"><Component Id="c" Guid="x"><File Source="f" /></Component></Directory></DirectoryRef>
  <DirectoryRef Id="b"><Directory Id="a" Name="A" /></DirectoryRef>
</Fragment></Wix>"#
        );
        let locs = locations(&text);
        assert_eq!(locs.len(), 1);
        assert!(locs[0].1.ends_with(r"B\f"), "{locs:?}");
    }

    /// heat's registry components carry `KeyPath="yes"` and all sit in one folder: that folder
    /// is not their install location, and they are matched by id.
    #[test]
    fn registry_components_have_no_location_and_match_by_id() {
        let text = |guid: &str| {
            format!(
                r#"<Wix xmlns="{V4}"><Fragment><ComponentGroup Id="R">
  <Component Id="a" Directory="TARGETDIR" Guid="{guid}" KeyPath="yes"><RegistryKey Key="K" Root="HKLM" /></Component>
  <Component Id="b" Directory="TARGETDIR" Guid="y" KeyPath="yes"><RegistryKey Key="L" Root="HKLM" /></Component>
  <Component Id="e" Directory="TARGETDIR" Guid="z" KeyPath="yes"><CreateFolder /></Component>
</ComponentGroup></Fragment></Wix>"#
            )
        };
        let old = Inventory::of(&parse(text("x").as_bytes()).unwrap());
        assert_eq!(old.components[0].key, KeyPath::Other);
        assert_eq!(old.components[0].location, None);
        assert_eq!(old.components[2].key, KeyPath::Folder);
        assert!(old.duplicates.is_empty());
        let new = Inventory::of(&parse(text("x").replace("\"a\"", "\"a2\"").as_bytes()).unwrap());
        let m = match_up(&old, &new);
        assert_eq!(m.components, [None, Some(1), Some(2)]);
    }

    #[test]
    fn duplicates_are_noted() {
        let text = format!(
            r#"<Wix xmlns="{V4}"><Fragment><DirectoryRef Id="D">
  <Component Id="c1" Guid="x"><File Source="a.txt" /></Component>
  <Component Id="c2" Guid="y"><File Source="other\A.TXT" /></Component>
</DirectoryRef></Fragment></Wix>"#
        );
        let inv = Inventory::of(&parse(text.as_bytes()).unwrap());
        assert_eq!(inv.duplicates, [(0, 1)]);
    }

    #[test]
    fn source_roots() {
        assert_eq!(source_below_root(r"SourceDir\a\b.txt"), r"a\b.txt");
        assert_eq!(source_below_root(r"$(var.X)\a/b.txt"), r"a\b.txt");
        assert_eq!(source_below_root(r"!(wix.X)\p$$q"), r"p$q");
        assert_eq!(source_below_root(r"C:\build\a.txt"), r"C:\build\a.txt");
    }
}
