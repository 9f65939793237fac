//! Where every component, file and folder of a WiX document installs, held compactly: a
//! [`Snapshot`], read straight from the stream of a `.wxs` file (a previous harvest, the two
//! harvests of `heat check`) or from a [`Document`] (the harvest being made).
//!
//! An install location is the id of the directory reference a harvest is rooted under, then the
//! names of the folders below it, then the file name (`INSTALLFOLDER\App\bin\app.exe`). It is
//! told from the document's structure, whatever tool wrote it and however it is laid out:
//!
//! - `Directory/@Name` chains, nested or split into fragments: a `DirectoryRef` (or v4
//!   `StandardDirectory`) whose id is a `Directory` of the same document continues that
//!   directory's location; one whose id is not defined there is a root (`INSTALLFOLDER`);
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
//! Folders and their locations are few and are held as a tree of places, each with its key
//! (see [`keys`](super::keys)); a component holds its place and the hash of its key file's
//! name, so that its key is one fold away and nothing of it is spelled out. Ids and GUIDs are
//! held as [`atoms`](super::atoms). What only a report needs (a removed file's name and
//! source) is read again from the file, for the few components concerned
//! ([`Snapshot::details`]). The memory is linear in the number of elements, whatever their
//! nesting: nothing here recurses.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{Seek, SeekFrom};
use std::path::{Path, PathBuf};

use hashbrown::HashTable;
use smallvec::SmallVec;

use super::atoms::{Guid, Id, Texts};
use super::keys::{self, Key};
use super::trust::{Problem, Watch};
use crate::error::{Error, Result};
use crate::wix::escape::unescape_wix;
use crate::wix::{is_directory_reference, is_standard_directory, Document, NodeId, Schema, Value};
use crate::xml::reader::{Element, Item, WixReader};

/// No index.
pub(crate) const NONE: u32 = u32::MAX;

/// What a component's key path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyPath {
    /// The file at this index of the component's files.
    File(u16),
    /// The component's folder: `KeyPath="yes"` on a component that holds a `CreateFolder`
    /// and no file or registry entry (as `-ke` writes it).
    Folder,
    /// Something else (a registry value, …) or nothing: the component has no install location.
    Other,
}

/// The kind of element that holds a component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum GroupKind {
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
    pub(crate) fn element(self) -> &'static str {
        match self {
            GroupKind::ComponentGroup => "ComponentGroup",
            GroupKind::Feature => "Feature",
            GroupKind::FeatureGroup => "FeatureGroup",
            GroupKind::Module => "Module",
        }
    }
}

/// Strings held once: folder ids and names, references, groups.
#[derive(Debug, Default)]
pub(crate) struct Names {
    list: Vec<Box<str>>,
    map: HashMap<Box<str>, u32>,
}

impl Names {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.map.get(s) {
            return i;
        }
        let i = u32::try_from(self.list.len()).expect("fewer than 2^32 names");
        self.list.push(s.into());
        self.map.insert(s.into(), i);
        i
    }

    /// The string of symbol `i`.
    pub(crate) fn get(&self, i: u32) -> &str {
        &self.list[i as usize]
    }

    /// The symbol of `s`, if held.
    pub(crate) fn find(&self, s: &str) -> Option<u32> {
        self.map.get(s).copied()
    }
}

/// Where a folder is in its document.
#[derive(Debug, Clone, Copy)]
enum Parent {
    None,
    Dir(u32),
    /// A directory reference, by its id's symbol.
    Ref(u32),
}

/// A `Directory` element.
#[derive(Debug, Clone)]
pub(crate) struct Dir {
    /// `Id`'s symbol, or [`NONE`].
    pub id: u32,
    /// `Name`'s symbol, or [`NONE`].
    pub name: u32,
    parent: Parent,
    /// Its place (see [`Places`]).
    pub place: u32,
    /// The place its parent's location is, when it has one; [`NONE`] for a root.
    pub parent_place: u32,
    /// The element: its position in the file, or its node in a document.
    pub at: u32,
}

/// Where a component's folder is named.
#[derive(Debug, Clone, Copy)]
enum FolderRef {
    None,
    Dir(u32),
    /// A folder by id (a `Directory` attribute or a directory reference), its symbol.
    Id(u32),
}

/// A `Component` element.
#[derive(Debug, Clone)]
pub(crate) struct Comp {
    /// The place of its folder, or [`NONE`] when the structure names none.
    pub place: u32,
    /// Its first file in [`Snapshot::files`], and how many it has.
    pub first_file: u32,
    pub file_count: u32,
    /// Its key path.
    pub key: KeyPath,
    /// The group that holds it as a child, or [`NONE`].
    pub group: u32,
    /// The element: its position in the file, or its node in a document.
    pub at: u32,
}

/// A `File` of a component: the hash of its name (see [`keys::part`]), 0 when it has none.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FileRec(u64);

impl FileRec {
    fn new(name: Option<u64>) -> FileRec {
        // A name that hashes to 0 (one in 2^64) is held as 1.
        FileRec(name.map_or(0, |n| n.max(1)))
    }

    /// The hash of its name, when it has one.
    pub(crate) fn name(self) -> Option<u64> {
        (self.0 != 0).then_some(self.0)
    }
}

/// A group (or feature) that holds components.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Group {
    pub kind: GroupKind,
    /// Its id's symbol (`""` when it has none).
    pub id: u32,
}

/// A place where folders and components install: a root or a part below another place.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place {
    pub key: Key,
    /// The place above, [`NONE`] for a root.
    pub parent: u32,
    /// Its last part: the root's text, or the folder name's symbol.
    pub name: u32,
    /// The root it is below (itself for a root).
    pub root: u32,
}

/// Where a document's components, files and folders install, compactly. See the
/// [module](self).
#[derive(Debug, Default)]
pub(crate) struct Snapshot {
    pub schema: Option<Schema>,
    pub texts: Texts,
    pub names: Names,
    pub dirs: Vec<Dir>,
    pub comps: Vec<Comp>,
    pub files: Vec<FileRec>,
    /// Ids and GUIDs, by component and file (empty for a snapshot of a document, whose ids
    /// are read from it).
    pub comp_ids: Vec<Id>,
    pub comp_guids: Vec<Guid>,
    pub file_ids: Vec<Id>,
    pub groups: Vec<Group>,
    group_index: HashMap<Group, u32>,
    /// Groups that hold a component through a `ComponentRef`: (component, group), sorted by
    /// component, and each component's in the order of the references.
    pub ref_groups: Vec<(u32, u32)>,
    pub places: Vec<Place>,
    place_index: HashMap<(u32, u64), u32>,
    root_index: HashMap<u32, u32>,
    /// The first `Directory` of each id.
    pub dir_by_id: HashMap<u32, u32>,
    /// Directory references that are roots (their id defines no `Directory` here): their id's
    /// symbol and element, first of each id (compared without regard to case).
    pub roots: Vec<(u32, u32)>,
    /// Components by the key of their key path, first of each; and components sharing a key
    /// with an earlier one: (earlier, later), in the order of the later.
    by_key: HashTable<u32>,
    pub duplicates: Vec<(u32, u32)>,
    /// The source key of the key file of components in no folder.
    pub source_keys: HashMap<u32, Key>,
    /// The places of the components, in document order, for a snapshot of places only.
    pub comp_places: Vec<u32>,
    /// The file read, for [`details`](Self::details).
    path: Option<PathBuf>,
    /// Namespace declarations of the root, and whether any other element declared one.
    bindings: Vec<(String, String)>,
    nested_bindings: bool,
    /// What makes the document untrustworthy as a harvest (see [`trust`](super::trust)),
    /// and how many more problems were only counted.
    pub problems: Vec<Problem>,
    pub more_problems: usize,
}

/// What a component is, as written: what only reports need.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CompDetails {
    pub id: Option<String>,
    pub guid: Option<String>,
    pub files: Vec<FileDetails>,
}

/// What a component's `File` is, as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FileDetails {
    pub id: Option<String>,
    pub name: Option<String>,
    pub source: Option<String>,
}

impl FileDetails {
    /// The name it installs under: its `Name`, or the last part of its `Source`.
    pub(crate) fn install_name(&self) -> Option<&str> {
        self.name.as_deref().or_else(|| {
            self.source
                .as_deref()
                .and_then(|s| s.rsplit(['\\', '/']).next())
        })
    }
}

/// An element's attributes, as the builder reads them.
trait Attrs {
    fn text(&self, name: &str) -> Option<Cow<'_, str>>;
    fn id(&self, texts: &mut Texts) -> Id;
    fn guid(&self, texts: &mut Texts) -> Guid;
    /// The hash of the name a `File` installs under, if not empty.
    fn file_name(&self) -> Option<u64>;
    fn is_yes(&self, name: &str) -> bool {
        self.text(name).as_deref() == Some("yes")
    }
}

/// How many attributes of read elements the builder looks at (see [`known_slot`]).
const KNOWN: usize = 7;

/// Where [`Known`] holds attribute `name`, if it is one the builder looks at.
fn known_slot(name: &str) -> Option<usize> {
    Some(match name {
        "Id" => 0,
        "Guid" => 1,
        "Name" => 2,
        "Source" => 3,
        "KeyPath" => 4,
        "Directory" => 5,
        "Subdirectory" => 6,
        _ => return None,
    })
}

/// The attributes of a read element that the builder looks at ([`known_slot`]), found in one
/// pass over its attributes (the first of a name, as
/// [`Element::attr`](crate::xml::reader::Element::attr) finds it) rather than one search a
/// name: the builder asks for several of them on every element.
#[derive(Debug, Clone, Copy)]
struct Known<'a> {
    values: [Option<&'a str>; KNOWN],
    schema: Schema,
}

impl<'a> Known<'a> {
    fn new(schema: Schema) -> Known<'a> {
        Known {
            values: [None; KNOWN],
            schema,
        }
    }

    /// Takes attribute `key` = `value` if it is one the builder reads and the first of its name.
    fn take(&mut self, key: &str, value: &'a str) {
        if let Some(i) = known_slot(key) {
            self.values[i].get_or_insert(value);
        }
    }

    fn get(&self, name: &str) -> Option<&'a str> {
        let i = known_slot(name)
            .unwrap_or_else(|| unreachable!("the builder reads no attribute '{name}'"));
        self.values[i]
    }
}

impl Attrs for Known<'_> {
    fn text(&self, name: &str) -> Option<Cow<'_, str>> {
        self.get(name).map(Cow::Borrowed)
    }
    fn id(&self, texts: &mut Texts) -> Id {
        self.get("Id").map_or(Id::NONE, |v| texts.id(v))
    }
    fn guid(&self, texts: &mut Texts) -> Guid {
        self.get("Guid").map_or(Guid::NONE, |v| texts.guid(v))
    }
    fn file_name(&self) -> Option<u64> {
        let name = match self.get("Name") {
            Some(n) => n,
            None => self.get("Source")?.rsplit(['\\', '/']).next()?,
        };
        (!name.is_empty()).then(|| keys::part(&unescape_wix(name, self.schema)))
    }
    fn is_yes(&self, name: &str) -> bool {
        self.get(name) == Some("yes")
    }
}

struct DocElement<'d> {
    doc: &'d Document,
    node: NodeId,
}

impl Attrs for DocElement<'_> {
    fn text(&self, name: &str) -> Option<Cow<'_, str>> {
        self.doc.attr(self.node, name).map(|v| v.text())
    }
    fn id(&self, texts: &mut Texts) -> Id {
        self.doc
            .attr(self.node, "Id")
            .map_or(Id::NONE, |v| texts.id_of(&v))
    }
    fn guid(&self, texts: &mut Texts) -> Guid {
        self.doc
            .attr(self.node, "Guid")
            .map_or(Guid::NONE, |v| texts.guid_of(&v))
    }
    fn file_name(&self) -> Option<u64> {
        let name = match self.doc.attr(self.node, "Name") {
            Some(n) => n.text(),
            None => match self.doc.attr(self.node, "Source")? {
                Value::Path { name, .. } if !name.contains(['\\', '/']) => Cow::Borrowed(name),
                v => Cow::Owned(v.last_segment().into_owned()),
            },
        };
        (!name.is_empty()).then(|| keys::part(&unescape_wix(&name, self.doc.schema())))
    }
    fn is_yes(&self, name: &str) -> bool {
        self.doc.attr(self.node, name).is_some_and(|v| v == "yes")
    }
}

/// An open element, as the builder tracks it.
#[derive(Debug, Clone, Copy)]
enum Frame {
    Dir(u32),
    DirRef(u32),
    /// A group or feature; for a `ComponentGroup`, its `Directory` and `Subdirectory`
    /// symbols (or [`NONE`]).
    Group {
        group: u32,
        dir: u32,
        subdir: u32,
    },
    Comp(u32),
    Other,
}

/// A component's folder: its own `Directory` (a symbol), else the nearest enclosing folder
/// among `frames` (innermost first); and its `Subdirectory`, or its group's.
fn choose_folder(
    own: Option<u32>,
    mut subdir: u32,
    frames: impl Iterator<Item = Frame>,
) -> (FolderRef, u32) {
    if let Some(id) = own {
        return (FolderRef::Id(id), subdir);
    }
    for frame in frames {
        let folder = match frame {
            Frame::Dir(d) => FolderRef::Dir(d),
            Frame::DirRef(id) => FolderRef::Id(id),
            Frame::Group { dir, subdir: s, .. } if dir != NONE => {
                if subdir == NONE {
                    subdir = s;
                }
                FolderRef::Id(dir)
            }
            _ => continue,
        };
        return (folder, subdir);
    }
    (FolderRef::None, subdir)
}

/// A candidate for a component's key path, seen among its children.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Candidate {
    File(u16),
    Other,
}

/// What is learned of the component open now from its children.
#[derive(Debug, Default)]
struct Open {
    comp: u32,
    yes: bool,
    first: Option<Candidate>,
    marked_file: Option<u16>,
    marked_other: bool,
    creates_folder: bool,
    only_folder_children: bool,
    /// Whether the structure names no folder for it: then its files' source keys are kept.
    folderless: bool,
    /// Its files so far.
    files: u16,
    sources: Vec<Option<Key>>,
}

/// Builds a [`Snapshot`] from elements in document order.
struct Builder {
    s: Snapshot,
    stack: Vec<Frame>,
    open: Option<Open>,
    /// Components' folders, until they are resolved: (folder, subdirectory symbol).
    folders: Vec<(FolderRef, u32)>,
    /// `ComponentRef`s in groups: (fingerprint of the id, group).
    refs: Vec<(u64, u32)>,
    /// References to directories, for the roots: (id symbol, element).
    references: Vec<(u32, u32)>,
    /// Whether ids are kept (not for a document, which holds them).
    keep_ids: bool,
    /// Whether only folders and the places of components are wanted
    /// ([`Snapshot::places_of_document`]).
    places_only: bool,
    /// The checks of ids and GUIDs, when ids are kept.
    watch: Option<Box<Watch>>,
}

impl Builder {
    fn new(keep_ids: bool) -> Builder {
        Builder {
            s: Snapshot::default(),
            stack: Vec::new(),
            open: None,
            folders: Vec::new(),
            refs: Vec::new(),
            references: Vec::new(),
            keep_ids,
            places_only: false,
            watch: keep_ids.then(Box::default),
        }
    }

    fn sym(&mut self, value: Option<Cow<'_, str>>) -> u32 {
        value.map_or(NONE, |v| self.s.names.intern(&v))
    }

    fn group(&mut self, kind: GroupKind, id: u32) -> u32 {
        let g = Group { kind, id };
        let next = self.s.groups.len() as u32;
        *self.s.group_index.entry(g).or_insert_with(|| {
            self.s.groups.push(g);
            next
        })
    }

    /// An element read from a file starts: as [`start`](Self::start); the first one tells
    /// the schema.
    fn start_read(&mut self, name: &str, a: &Known<'_>, at: u32) {
        if self.s.schema.is_none() {
            self.s.schema = Some(a.schema);
        }
        self.start(name, a, at);
    }

    /// An element starts: `name` as the document names it, `at` where it is.
    fn start(&mut self, name: &str, a: &impl Attrs, at: u32) {
        let top = self.stack.last().copied();
        // A direct child of a component tells its key path.
        if let (Some(Frame::Comp(_)), Some(open)) = (top, self.open.as_mut()) {
            let is_file = name == "File";
            open.child(name, a.is_yes("KeyPath"));
            if is_file {
                let c = &mut self.s.comps[open.comp as usize];
                c.file_count += 1;
                self.s.files.push(FileRec::new(a.file_name()));
                if self.keep_ids {
                    let id = a.id(&mut self.s.texts);
                    self.s.file_ids.push(id);
                }
                if let Some(w) = self.watch.as_deref_mut() {
                    let f = self.s.files.len() - 1;
                    let id = &self.s.file_ids[f];
                    w.id("File", id, &self.s.texts, open.comp, u64::from(at));
                    w.file(open.comp, at);
                }
                if open.folderless {
                    open.sources
                        .push(a.text("Source").map(|s| keys::of_source(&s)));
                }
            }
        }
        let frame = match name {
            "Directory" => {
                let parent = match top {
                    Some(Frame::Dir(p)) => Parent::Dir(p),
                    Some(Frame::DirRef(id)) => Parent::Ref(id),
                    _ => Parent::None,
                };
                let id_text = a.text("Id");
                if let Some(w) = self.watch.as_deref_mut() {
                    match id_text.as_deref() {
                        Some(id) => w.id_text("Directory", id, NONE, u64::from(at)),
                        None if self.s.schema == Some(Schema::V3) => {
                            w.missing_id("Directory", u64::from(at))
                        }
                        None => {}
                    }
                }
                let id = self.sym(id_text);
                let dir_name = self.sym(a.text("Name"));
                let d = self.s.dirs.len() as u32;
                if id != NONE {
                    let first = *self.s.dir_by_id.entry(id).or_insert(d);
                    if first != d {
                        if let Some(w) = self.watch.as_deref_mut() {
                            let first_at = u64::from(self.s.dirs[first as usize].at);
                            w.duplicate_directory(self.s.names.get(id), u64::from(at), first_at);
                        }
                    }
                }
                self.s.dirs.push(Dir {
                    id,
                    name: dir_name,
                    parent,
                    place: NONE,
                    parent_place: NONE,
                    at,
                });
                Frame::Dir(d)
            }
            n if is_directory_reference(n) => {
                let id = a.text("Id");
                if let Some(w) = self.watch.as_deref_mut() {
                    match id.as_deref() {
                        Some(id) => w.id_text(n_static(n), id, NONE, u64::from(at)),
                        None => w.missing_id(n_static(n), u64::from(at)),
                    }
                }
                let id = self.s.names.intern(id.as_deref().unwrap_or(""));
                self.references.push((id, at));
                Frame::DirRef(id)
            }
            "Component" => self.component(a, top, at),
            "ComponentRef" => {
                if let Some(w) = self.watch.as_deref_mut() {
                    match a.text("Id") {
                        Some(id) => w.id_text("ComponentRef", &id, NONE, u64::from(at)),
                        None => w.missing_id("ComponentRef", u64::from(at)),
                    }
                }
                if let (Some(Frame::Group { group, .. }), Some(id)) = (top, a.text("Id")) {
                    let mut scratch = Texts::default();
                    let fingerprint = scratch.id(&id).fingerprint(&scratch);
                    self.refs.push((fingerprint, group));
                }
                Frame::Other
            }
            n => match GroupKind::of(n) {
                Some(kind) => {
                    let id = a.text("Id");
                    if let (Some(w), Some(id)) = (self.watch.as_deref_mut(), id.as_deref()) {
                        w.id_text(kind.element(), id, NONE, u64::from(at));
                    }
                    let id = self.s.names.intern(id.as_deref().unwrap_or(""));
                    let group = self.group(kind, id);
                    let (dir, subdir) = if kind == GroupKind::ComponentGroup {
                        (
                            self.sym(a.text("Directory")),
                            self.sym(a.text("Subdirectory")),
                        )
                    } else {
                        (NONE, NONE)
                    };
                    Frame::Group { group, dir, subdir }
                }
                None => Frame::Other,
            },
        };
        self.stack.push(frame);
    }

    fn component(&mut self, a: &impl Attrs, top: Option<Frame>, at: u32) -> Frame {
        let c = self.s.comps.len() as u32;
        let subdir = self.sym(a.text("Subdirectory"));
        let own = a.text("Directory").map(|id| self.s.names.intern(&id));
        let (folder, subdir) = choose_folder(own, subdir, self.stack.iter().rev().copied());
        let group = match top {
            Some(Frame::Group { group, .. }) => group,
            _ => NONE,
        };
        self.folders.push((folder, subdir));
        if self.places_only {
            return Frame::Other;
        }
        self.s.comps.push(Comp {
            place: NONE,
            first_file: self.s.files.len() as u32,
            file_count: 0,
            key: KeyPath::Other,
            group,
            at,
        });
        if self.keep_ids {
            let id = a.id(&mut self.s.texts);
            let guid = a.guid(&mut self.s.texts);
            self.s.comp_ids.push(id);
            self.s.comp_guids.push(guid);
        }
        if let Some(w) = self.watch.as_deref_mut() {
            let id = &self.s.comp_ids[c as usize];
            w.id("Component", id, &self.s.texts, c, u64::from(at));
            w.component(&self.s, c);
        }
        self.open = Some(Open {
            comp: c,
            yes: a.is_yes("KeyPath"),
            only_folder_children: true,
            folderless: matches!(folder, FolderRef::None),
            ..Open::default()
        });
        Frame::Comp(c)
    }

    /// The element started last ends.
    fn end(&mut self) {
        if let Some(Frame::Comp(c)) = self.stack.pop() {
            if let Some(open) = self.open.take() {
                debug_assert_eq!(open.comp, c);
                let key = open.key_path();
                self.s.comps[c as usize].key = key;
                if let KeyPath::File(i) = key {
                    if let Some(Some(k)) = open.sources.get(usize::from(i)) {
                        self.s.source_keys.insert(c, *k);
                    }
                }
            }
        }
    }

    /// Resolves every place, once all elements are in.
    fn finish(mut self) -> Snapshot {
        let mut s = std::mem::take(&mut self.s);
        if let Some(w) = self.watch.take() {
            (s.problems, s.more_problems) = w.finish(&s);
        }
        // References to a Directory of this document are not roots.
        let mut seen: HashMap<Key, ()> = HashMap::new();
        for &(id, at) in &self.references {
            if s.dir_by_id.contains_key(&id) {
                continue;
            }
            if seen.insert(keys::root(s.names.get(id)), ()).is_none() {
                s.roots.push((id, at));
            }
        }
        for d in 0..s.dirs.len() as u32 {
            dir_place(&mut s, d);
        }
        for (c, &(folder, subdir)) in self.folders.iter().enumerate() {
            let mut place = match folder {
                FolderRef::None => NONE,
                FolderRef::Dir(d) => s.dirs[d as usize].place,
                FolderRef::Id(id) => reference_place(&mut s, id),
            };
            if place != NONE && subdir != NONE {
                let sub = s.names.get(subdir).to_owned();
                for part in sub
                    .split(['\\', '/'])
                    .filter(|p| !p.is_empty() && *p != ".")
                {
                    let name = s.names.intern(part);
                    place = child_place(&mut s, place, name);
                }
            }
            if self.places_only {
                s.comp_places.push(place);
            } else {
                s.comps[c].place = place;
            }
        }
        // Groups from references, in their order, to the first component of each id.
        if !self.refs.is_empty() && s.comp_ids.len() == s.comps.len() {
            let mut by_id: HashMap<u64, u32> = HashMap::with_capacity(s.comp_ids.len());
            for (c, id) in s.comp_ids.iter().enumerate() {
                if id.is_some() {
                    by_id.entry(id.fingerprint(&s.texts)).or_insert(c as u32);
                }
            }
            // Each (component, group) once, however many references say it: a set, so that
            // a harvest of a million `ComponentRef`s is not quadratic.
            let mut seen = std::collections::HashSet::with_capacity(self.refs.len());
            for &(fingerprint, group) in &self.refs {
                if let Some(&c) = by_id.get(&fingerprint) {
                    if s.comps[c as usize].group != group && seen.insert((c, group)) {
                        s.ref_groups.push((c, group));
                    }
                }
            }
            // By component, each one's in document order (a stable sort), for `comp_groups`.
            s.ref_groups.sort_by_key(|&(c, _)| c);
        }
        // Components by key, and those sharing one.
        let mut table = HashTable::with_capacity(s.comps.len());
        for c in 0..s.comps.len() as u32 {
            let Some(key) = s.comp_key(c) else { continue };
            let entry = table.entry(
                keys::table_hash(key),
                |&o: &u32| s.comp_key(o) == Some(key),
                |&o: &u32| keys::table_hash(s.comp_key(o).expect("keyed")),
            );
            match entry {
                hashbrown::hash_table::Entry::Occupied(e) => s.duplicates.push((*e.get(), c)),
                hashbrown::hash_table::Entry::Vacant(e) => {
                    e.insert(c);
                }
            }
        }
        s.by_key = table;
        // Held while the harvest runs: no room to spare.
        s.comps.shrink_to_fit();
        s.files.shrink_to_fit();
        s.comp_ids.shrink_to_fit();
        s.comp_guids.shrink_to_fit();
        s.file_ids.shrink_to_fit();
        s.comp_places.shrink_to_fit();
        s.texts.shrink_to_fit();
        s
    }
}

impl Builder {
    /// Takes in every element of `doc`, in document order, without recursion.
    fn walk_document(&mut self, doc: &Document) {
        let mut stack: Vec<(NodeId, usize)> = vec![(doc.root(), 0)];
        let root = doc.root();
        self.start(
            doc.name(root),
            &DocElement { doc, node: root },
            root.index(),
        );
        while let Some((node, next)) = stack.last_mut() {
            let children = doc.children(*node);
            if let Some(&child) = children.get(*next) {
                *next += 1;
                self.start(
                    doc.name(child),
                    &DocElement { doc, node: child },
                    child.index(),
                );
                stack.push((child, 0));
            } else {
                stack.pop();
                self.end();
            }
        }
    }
}

/// A file of a component of a document, and the hash of its name.
pub(crate) type FileOf = (NodeId, Option<u64>);

/// A component of a document: its key path, and its files with the hashes of their names.
pub(crate) fn document_component(doc: &Document, c: NodeId) -> (KeyPath, SmallVec<[FileOf; 2]>) {
    let mut open = Open {
        yes: DocElement { doc, node: c }.is_yes("KeyPath"),
        only_folder_children: true,
        ..Open::default()
    };
    let mut files = SmallVec::new();
    for &child in doc.children(c) {
        let name = doc.name(child);
        let element = DocElement { doc, node: child };
        open.child(name, element.is_yes("KeyPath"));
        if name == "File" {
            files.push((child, element.file_name()));
        }
    }
    (open.key_path(), files)
}

impl Open {
    /// A direct child of the component, `name`, marked `KeyPath="yes"` or not.
    fn child(&mut self, name: &str, yes: bool) {
        let folderish = matches!(name, "CreateFolder" | "RemoveFolder" | "Condition");
        self.only_folder_children &= folderish;
        self.creates_folder |= name == "CreateFolder";
        if name == "File" {
            let index = self.files;
            self.files = self.files.saturating_add(1);
            if yes && self.marked_file.is_none() {
                self.marked_file = Some(index);
            }
            if self.first.is_none() {
                self.first = Some(Candidate::File(index));
            }
        } else {
            if yes {
                self.marked_other = true;
            }
            if self.first.is_none()
                && matches!(name, "RegistryValue" | "RegistryKey" | "ODBCDataSource")
            {
                self.first = Some(Candidate::Other);
            }
        }
    }

    /// The key path, as WiX chooses it: a child marked `KeyPath="yes"`, else the folder when
    /// the component itself is marked, else the first child that can be one (only files are
    /// looked at here: a component whose first candidate is something else has no install
    /// location).
    fn key_path(&self) -> KeyPath {
        // A folder is an install location only for a component that creates it and holds
        // nothing else: heat's registry components, say, are all keyed on TARGETDIR.
        let only_creates_folder = self.creates_folder && self.only_folder_children;
        if let Some(i) = self.marked_file {
            KeyPath::File(i)
        } else if self.marked_other {
            KeyPath::Other
        } else if self.yes {
            if only_creates_folder {
                KeyPath::Folder
            } else {
                KeyPath::Other
            }
        } else {
            match self.first {
                Some(Candidate::File(i)) => KeyPath::File(i),
                Some(Candidate::Other) => KeyPath::Other,
                None if only_creates_folder => KeyPath::Folder,
                None => KeyPath::Other,
            }
        }
    }
}

/// The name of a directory reference element, as a static string.
fn n_static(name: &str) -> &'static str {
    match name {
        "StandardDirectory" => "StandardDirectory",
        _ => "DirectoryRef",
    }
}

/// The root place named `name` (a symbol).
fn root_place(s: &mut Snapshot, name: u32) -> u32 {
    if let Some(&p) = s.root_index.get(&name) {
        return p;
    }
    let p = s.places.len() as u32;
    s.places.push(Place {
        key: keys::root(s.names.get(name)),
        parent: NONE,
        name,
        root: p,
    });
    s.root_index.insert(name, p);
    p
}

/// The place `name` (a symbol, a folder's name as written) below `parent`: compared as WiX
/// reads the name (`$$` is `$`).
fn child_place(s: &mut Snapshot, parent: u32, name: u32) -> u32 {
    let schema = s.schema.unwrap_or(Schema::V4);
    let read = unescape_wix(s.names.get(name), schema).into_owned();
    let part = keys::part(&read);
    if let Some(&p) = s.place_index.get(&(parent, part)) {
        return p;
    }
    let p = s.places.len() as u32;
    let up = s.places[parent as usize];
    s.places.push(Place {
        key: keys::push(up.key, &read),
        parent,
        name,
        root: up.root,
    });
    s.place_index.insert((parent, part), p);
    p
}

/// The place of the folder of id `id`: the `Directory` of that id in this document, or the
/// id itself (a root such as `INSTALLFOLDER`).
fn reference_place(s: &mut Snapshot, id: u32) -> u32 {
    match s.dir_by_id.get(&id).copied() {
        Some(d) => dir_place(s, d),
        None => root_place(s, id),
    }
}

/// The place of `Directory` `d`, resolved with an explicit stack: folders may nest, and refer
/// to each other, as deep as they like. A loop of references makes a root of the directory met
/// twice, for that path only.
fn dir_place(s: &mut Snapshot, d: u32) -> u32 {
    // Each entry: a directory, whether it waits for its parent's place, and whether it was met
    // while already being resolved (a loop).
    let mut stack: Vec<(u32, bool)> = vec![(d, false)];
    let mut visiting: HashMap<u32, ()> = HashMap::new();
    let mut result = NONE;
    while let Some(&(x, waiting)) = stack.last() {
        let dir = s.dirs[x as usize].clone();
        if !waiting {
            if dir.place != NONE {
                result = dir.place;
                stack.pop();
                continue;
            }
            if visiting.contains_key(&x) {
                // A loop of references: a root here, not remembered.
                let name = if dir.id != NONE {
                    dir.id
                } else {
                    s.names.intern("?")
                };
                result = root_place(s, name);
                stack.pop();
                continue;
            }
            if dir.id != NONE && is_standard_directory(s.names.get(dir.id)) {
                let p = root_place(s, dir.id);
                s.dirs[x as usize].place = p;
                result = p;
                stack.pop();
                continue;
            }
            let up = match dir.parent {
                Parent::Dir(p) => Some(p),
                Parent::Ref(id) => match s.dir_by_id.get(&id).copied() {
                    Some(p) => Some(p),
                    None => {
                        // A root reference: its place is ready.
                        let p = root_place(s, id);
                        finish_dir(s, x, Some(p));
                        result = s.dirs[x as usize].place;
                        stack.pop();
                        continue;
                    }
                },
                Parent::None => None,
            };
            match up {
                Some(p) => {
                    visiting.insert(x, ());
                    stack.last_mut().expect("on the stack").1 = true;
                    stack.push((p, false));
                }
                None => {
                    finish_dir(s, x, None);
                    result = s.dirs[x as usize].place;
                    stack.pop();
                }
            }
        } else {
            // Back from the parent, whose place is `result`.
            visiting.remove(&x);
            finish_dir(s, x, Some(result));
            result = s.dirs[x as usize].place;
            stack.pop();
        }
    }
    result
}

/// Gives `Directory` `d` its place, from its parent's (`None` when it sits in no folder).
fn finish_dir(s: &mut Snapshot, d: u32, parent: Option<u32>) {
    let dir = s.dirs[d as usize].clone();
    let name = (dir.name != NONE)
        .then_some(dir.name)
        .filter(|&n| !matches!(s.names.get(n), "" | "."));
    let place = match (parent, name) {
        (Some(p), Some(n)) => child_place(s, p, n),
        (Some(p), None) => p,
        // A Directory in no other: a root of its own, by id.
        (None, _) => {
            let root = if dir.id != NONE {
                dir.id
            } else {
                name.unwrap_or_else(|| s.names.intern("?"))
            };
            root_place(s, root)
        }
    };
    let dir = &mut s.dirs[d as usize];
    dir.place = place;
    dir.parent_place = parent.unwrap_or(NONE);
}

/// From how large a `.wxs` file is read on two threads ([`Snapshot::read_expecting`]): below
/// it, the second thread costs more than it saves.
const PIPELINE_FROM: u64 = 4 << 20;

/// How many full batches may wait for the builder: enough to smooth the two threads' pace,
/// few enough to hold little memory (with the one being made and the one being built, four
/// batches of about 0.6 MiB each).
const BATCHES_IN_FLIGHT: usize = 2;

/// What the reading of a document tells besides its elements.
struct Tail {
    schema: Option<Schema>,
    /// The root's namespace declarations, as written.
    bindings: Vec<(String, String)>,
    /// Whether an element below the root declares a namespace.
    nested_bindings: bool,
}

/// Reads every element of `reader`, giving each start (name, the attributes the builder
/// reads, position) and each end (`None`) to `element`, until the document ends or `element`
/// returns `false`.
fn read_elements<R: std::io::Read>(
    mut reader: WixReader<R>,
    mut element: impl FnMut(Option<(&str, &Known<'_>, u32)>) -> bool,
) -> Result<Tail> {
    let mut depth = 0usize;
    let mut bindings = Vec::new();
    let mut nested_bindings = false;
    while let Some(item) = reader.next()? {
        let go_on = match item {
            Item::Start(e) => {
                depth += 1;
                let mut known = Known::new(e.schema);
                for (k, v) in e.attributes() {
                    known.take(k, v);
                    if k == "xmlns" || k.starts_with("xmlns:") {
                        if depth == 1 {
                            bindings.push((k.to_owned(), v.to_owned()));
                        } else {
                            nested_bindings = true;
                        }
                    }
                }
                let at = u32::try_from(e.position)
                    .map_err(|_| Error::new(crate::error::codes::BAD_DOCUMENT, "over 4 GiB"))?;
                element(Some((e.name, &known, at)))
            }
            Item::End => {
                depth -= 1;
                element(None)
            }
            Item::Text(_) => true,
        };
        if !go_on {
            break;
        }
    }
    Ok(Tail {
        schema: reader.schema(),
        bindings,
        nested_bindings,
    })
}

/// Elements read and not yet built, as [`read_elements`] gives them: their texts one after
/// the other in `text`, each element's as ranges of it.
#[derive(Default)]
struct Batch {
    text: String,
    elements: Vec<Held>,
    schema: Option<Schema>,
}

/// An element of a [`Batch`]: its position, name and [`Known`] attributes as ranges of the
/// batch's text ([`ABSENT`] for an attribute not given); an end when `name` is `None`.
#[derive(Clone, Copy)]
struct Held {
    at: u32,
    name: Option<(u32, u32)>,
    attrs: [(u32, u32); KNOWN],
}

/// The range of an attribute a [`Held`] element does not have.
const ABSENT: (u32, u32) = (u32::MAX, u32::MAX);

impl Batch {
    /// How much text a batch of a large file holds before it is handed on.
    const TEXT: usize = 1 << 18;

    fn hold(&mut self, value: Option<&str>) -> (u32, u32) {
        match value {
            Some(v) => {
                let start = self.text.len() as u32;
                self.text.push_str(v);
                (start, self.text.len() as u32)
            }
            None => ABSENT,
        }
    }

    /// Holds an element (or an end) of a batch of about `text` bytes of text.
    fn push(&mut self, element: Option<(&str, &Known<'_>, u32)>, text: usize) {
        let held = match element {
            Some((name, k, at)) => {
                if self.text.capacity() == 0 {
                    // Room for the batch's text and its last element, and for as many
                    // starts and ends as that text usually holds (a component of heat's
                    // is some 190 bytes of these names and attributes, in two starts and
                    // two ends).
                    self.text.reserve(text + (text >> 2));
                    self.elements.reserve(text / 48);
                }
                self.schema = Some(k.schema);
                let name = Some(self.hold(Some(name)));
                let attrs = k.values.map(|v| self.hold(v));
                Held { at, name, attrs }
            }
            None => Held {
                at: 0,
                name: None,
                attrs: [ABSENT; KNOWN],
            },
        };
        self.elements.push(held);
    }

    /// Gives the batch's elements to `b`, in order.
    fn replay(&self, b: &mut Builder) {
        let text = |r: (u32, u32)| (r != ABSENT).then(|| &self.text[r.0 as usize..r.1 as usize]);
        for e in &self.elements {
            let Some(name) = e.name else {
                b.end();
                continue;
            };
            let known = Known {
                values: e.attrs.map(text),
                schema: self.schema.expect("an element was read"),
            };
            b.start_read(text(name).expect("a name"), &known, e.at);
        }
    }
}

impl Snapshot {
    /// Reads the `.wxs` file at `path`.
    pub(crate) fn read_file(path: &Path) -> Result<Snapshot> {
        let reader = WixReader::open(path)?;
        // heat writes some 400 bytes a component: the tables of the checks are made about
        // that large at once rather than grown.
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        let expected = usize::try_from(size / 384).unwrap_or(0).min(1 << 24);
        let batches = (size >= PIPELINE_FROM).then_some(Batch::TEXT);
        let mut s = Snapshot::read_expecting(reader, expected, batches)
            .map_err(|e| crate::xml::read::in_file(path, e))?;
        s.path = Some(path.to_owned());
        super::trust::add_lines(&mut s.problems, path)?;
        Ok(s)
    }

    /// Everything the snapshot holds, spelled out, in an order that does not depend on
    /// hashing: two snapshots of the same document give the same text.
    #[cfg(test)]
    pub(crate) fn summary(&self) -> String {
        let ids =
            |v: &[Id]| -> Vec<Option<String>> { v.iter().map(|i| i.text(&self.texts)).collect() };
        let guids: Vec<Option<String>> = self
            .comp_guids
            .iter()
            .map(|g| g.text(&self.texts))
            .collect();
        let names = |v: &[(u32, u32)]| -> Vec<(String, u32)> {
            v.iter()
                .map(|&(n, at)| (self.names.get(n).to_owned(), at))
                .collect()
        };
        let mut sources: Vec<_> = self.source_keys.iter().collect();
        sources.sort();
        let groups: Vec<String> = self.groups.iter().map(|&g| self.group_text(g)).collect();
        let dirs: Vec<String> = self
            .dirs
            .iter()
            .map(|d| {
                let name = |n: u32| (n != NONE).then(|| self.names.get(n));
                format!("{:?} {:?} {d:?}", name(d.id), name(d.name))
            })
            .collect();
        format!(
            "schema {:?}\nbindings {:?} {}\ndirs {dirs:?}\ncomps {:?}\nfiles {:?}\n\
             component ids {:?}\nGUIDs {guids:?}\nfile ids {:?}\ngroups {groups:?}\n\
             references {:?}\nplaces {:?}\nroots {:?}\nduplicates {:?}\nsources {sources:?}\n\
             problems {:?} and {} more",
            self.schema,
            self.bindings,
            self.nested_bindings,
            self.comps,
            self.files,
            ids(&self.comp_ids),
            ids(&self.file_ids),
            self.ref_groups,
            self.places,
            names(&self.roots),
            self.duplicates,
            self.problems,
            self.more_problems,
        )
    }

    /// Reads a `.wxs` document from `reader`.
    #[cfg(test)]
    pub(crate) fn read<R: std::io::Read + Send>(reader: WixReader<R>) -> Result<Snapshot> {
        Snapshot::read_expecting(reader, 0, None)
    }

    /// [`read`](Self::read), expecting about `components` components. With `batches` (a
    /// size of text, [`Batch::TEXT`] for a large file) the document is read on two threads:
    /// one reads the text and hands the elements on in batches of about that much text, the
    /// other builds the snapshot from them, so that the read takes about as long as the
    /// longer half when a core is free. The snapshot is the same either way.
    pub(crate) fn read_expecting<R: std::io::Read + Send>(
        reader: WixReader<R>,
        components: usize,
        batches: Option<usize>,
    ) -> Result<Snapshot> {
        let mut b = Builder::new(true);
        if let Some(w) = b.watch.as_deref_mut() {
            w.reserve(components);
        }
        // Made about their size at once: tables grown by doubling hold up to twice what
        // they need, and two copies while they move.
        b.s.comps.reserve(components);
        b.s.comp_ids.reserve(components);
        b.s.comp_guids.reserve(components);
        b.s.files.reserve(components);
        b.s.file_ids.reserve(components);
        let tail = if let Some(batch_text) = batches {
            let (send, receive) = std::sync::mpsc::sync_channel::<Batch>(BATCHES_IN_FLIGHT);
            std::thread::scope(|scope| {
                let reading = std::thread::Builder::new()
                    .name("heat-read-text".to_owned())
                    .spawn_scoped(scope, move || {
                        let mut batch = Batch::default();
                        let tail = read_elements(reader, |e| {
                            batch.push(e, batch_text);
                            if batch.text.len() >= batch_text {
                                let full = std::mem::take(&mut batch);
                                // The builder stopped: nothing more is wanted.
                                return send.send(full).is_ok();
                            }
                            true
                        })?;
                        // A builder gone (a panic) is told by its own thread.
                        let _ = send.send(batch);
                        Ok(tail)
                    })
                    .map_err(|e| {
                        Error::new(
                            crate::error::codes::IO,
                            format!("Cannot start a thread: {e}."),
                        )
                    })?;
                for batch in receive {
                    batch.replay(&mut b);
                }
                reading
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p))
            })?
        } else {
            read_elements(reader, |e| {
                match e {
                    Some((name, known, at)) => b.start_read(name, known, at),
                    None => b.end(),
                }
                true
            })?
        };
        let mut s = b.finish();
        s.schema = tail.schema;
        let mut bindings = tail.bindings;
        if let Some(schema) = tail.schema {
            bindings.insert(0, ("xmlns".to_owned(), schema.namespace().to_owned()));
        }
        s.bindings = bindings;
        s.nested_bindings = tail.nested_bindings;
        Ok(s)
    }

    /// The error `-update` gives for a previous harvest (named `name`) it cannot trust, if
    /// this is one: the first problem, and how many more there are.
    pub(crate) fn untrusted(&self, name: &str) -> Option<Error> {
        let first = self.problems.first()?;
        let more = self.problems.len() - 1 + self.more_problems;
        let more = match more {
            0 => String::new(),
            1 => " (and 1 more problem)".to_owned(),
            n => format!(" (and {n} more problems)"),
        };
        let message = format!(
            "The previous harvest '{name}' cannot be trusted: {}{more}. -update would carry its ids \
             and GUIDs into the new harvest: correct it, or harvest without -update.",
            first.describe()
        );
        Some(match &self.path {
            Some(path) => Error::at(crate::error::codes::UPDATE_UNTRUSTED, path, message),
            None => Error::new(crate::error::codes::UPDATE_UNTRUSTED, message),
        })
    }

    /// The folders of a document, its places, and the place of each of its components, in
    /// document order ([`comp_places`](Self::comp_places)); no component itself.
    pub(crate) fn places_of_document(doc: &Document) -> Snapshot {
        let mut b = Builder::new(false);
        b.s.schema = Some(doc.schema());
        b.places_only = true;
        b.walk_document(doc);
        let mut s = b.finish();
        s.schema = Some(doc.schema());
        s
    }

    /// The snapshot of a document with its ids and GUIDs.
    pub(crate) fn of_document_with_ids(doc: &Document) -> Snapshot {
        Snapshot::document(doc, true)
    }

    fn document(doc: &Document, keep_ids: bool) -> Snapshot {
        let mut b = Builder::new(keep_ids);
        b.s.schema = Some(doc.schema());
        b.walk_document(doc);
        let mut s = b.finish();
        s.schema = Some(doc.schema());
        s
    }

    /// The component file `f` (an index in [`files`](Self::files)) belongs to.
    pub(crate) fn comp_of_file(&self, f: u32) -> u32 {
        let after = self
            .comps
            .partition_point(|c| c.first_file + c.file_count <= f);
        after as u32
    }

    /// What component `c` of a snapshot of `doc` is, as written.
    pub(crate) fn document_details(&self, doc: &Document, c: u32) -> CompDetails {
        let node = NodeId::from_index(self.comps[c as usize].at);
        let text = |n: NodeId, name: &str| doc.attr(n, name).map(|v| v.text().into_owned());
        CompDetails {
            id: text(node, "Id"),
            guid: text(node, "Guid"),
            files: doc
                .children_named(node, "File")
                .map(|f| FileDetails {
                    id: text(f, "Id"),
                    name: text(f, "Name"),
                    source: text(f, "Source"),
                })
                .collect(),
        }
    }

    /// The key of a place.
    pub(crate) fn place_key(&self, place: u32) -> Key {
        self.places[place as usize].key
    }

    /// The key of component `c`'s key path: its key file's location, or its folder's (with a
    /// mark after it, so that a folder and a file of the same name never meet).
    pub(crate) fn comp_key(&self, c: u32) -> Option<Key> {
        let comp = &self.comps[c as usize];
        if comp.place == NONE {
            return None;
        }
        let base = self.places[comp.place as usize].key;
        match comp.key {
            KeyPath::File(i) => {
                let f = self.files[(comp.first_file + u32::from(i)) as usize];
                f.name().map(|n| keys::fold(base, n))
            }
            KeyPath::Folder => Some(keys::fold(base, keys::folder_mark())),
            KeyPath::Other => None,
        }
    }

    /// The key of file `f` (an index in [`files`](Self::files)) of component `c`.
    pub(crate) fn file_key(&self, c: u32, f: u32) -> Option<Key> {
        let comp = &self.comps[c as usize];
        if comp.place == NONE {
            return None;
        }
        self.files[f as usize]
            .name()
            .map(|n| keys::fold(self.places[comp.place as usize].key, n))
    }

    /// [`comp_by_key`](Self::comp_by_key), trying component `guess` first: the same answer,
    /// but when `guess` is it (one component after another of two harvests in the same
    /// order) without a lookup in the table, whose every probe is a miss of the cache at a
    /// million components.
    pub(crate) fn comp_by_key_from(&self, key: Key, guess: u32) -> Option<u32> {
        let found = if (guess as usize) < self.comps.len()
            && self.comp_key(guess) == Some(key)
            && self
                .duplicates
                .binary_search_by_key(&guess, |d| d.1)
                .is_err()
        {
            Some(guess)
        } else {
            self.comp_by_key(key)
        };
        debug_assert_eq!(found, self.comp_by_key(key));
        found
    }

    /// The component whose key path has key `key`, the first of them.
    pub(crate) fn comp_by_key(&self, key: Key) -> Option<u32> {
        self.by_key
            .find(keys::table_hash(key), |&c| self.comp_key(c) == Some(key))
            .copied()
    }

    /// The index of component `c`'s key file in [`files`](Self::files).
    pub(crate) fn key_file(&self, c: u32) -> Option<u32> {
        match self.comps[c as usize].key {
            KeyPath::File(i) => Some(self.comps[c as usize].first_file + u32::from(i)),
            _ => None,
        }
    }

    /// The files of component `c`, as indexes in [`files`](Self::files).
    pub(crate) fn comp_files(&self, c: u32) -> std::ops::Range<u32> {
        let comp = &self.comps[c as usize];
        comp.first_file..comp.first_file + comp.file_count
    }

    /// The groups that hold component `c`: the one it is a child of, then those that refer to
    /// it, in document order.
    pub(crate) fn comp_groups(&self, c: u32) -> Vec<Group> {
        let comp = &self.comps[c as usize];
        let mut out = Vec::new();
        if comp.group != NONE {
            out.push(self.groups[comp.group as usize]);
        }
        let first = self.ref_groups.partition_point(|&(rc, _)| rc < c);
        for &(_, g) in self.ref_groups[first..]
            .iter()
            .take_while(|&&(rc, _)| rc == c)
        {
            let g = self.groups[g as usize];
            if !out.contains(&g) {
                out.push(g);
            }
        }
        out
    }

    /// A group as text: `ComponentGroup 'G'`.
    pub(crate) fn group_text(&self, g: Group) -> String {
        format!("{} '{}'", g.kind.element(), self.names.get(g.id))
    }

    /// The location of a place, spelled out.
    pub(crate) fn place_text(&self, place: u32) -> String {
        let mut parts = Vec::new();
        let mut p = place;
        while p != NONE {
            let pl = &self.places[p as usize];
            parts.push(self.names.get(pl.name));
            p = pl.parent;
        }
        parts.reverse();
        parts.join("\\")
    }

    /// The `Directory` of id `id` (as text), if the document defines one.
    pub(crate) fn dir_by_id_text(&self, id: &str) -> Option<u32> {
        self.names
            .find(id)
            .and_then(|sym| self.dir_by_id.get(&sym).copied())
    }

    /// What components `wanted` (indexes, in order) are as written, read again from the file.
    pub(crate) fn details(&self, wanted: &[u32]) -> Result<HashMap<u32, CompDetails>> {
        let mut out = HashMap::new();
        if wanted.is_empty() {
            return Ok(out);
        }
        let path = self.path.as_deref().expect("a snapshot read from a file");
        let schema = self.schema.expect("a document read");
        let mut sorted = wanted.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        if self.nested_bindings || sorted.len() > 1024.max(self.comps.len() / 64) {
            // Namespaces declared below the root, or many components: the file is read again
            // from its start.
            let mut reader = WixReader::open(path)?;
            let mut want = sorted.iter().copied().peekable();
            let mut next = 0u32;
            let mut depth = 0usize;
            let mut reading: Option<(u32, usize, CompDetails)> = None;
            while let Some(item) = reader.next()? {
                match item {
                    Item::Start(e) => {
                        depth += 1;
                        if let Some((_, d, details)) = reading.as_mut() {
                            if depth == *d + 1 && e.name == "File" {
                                details.files.push(file_details(&e));
                            }
                        }
                        if e.name == "Component" {
                            if reading.is_none() && want.peek() == Some(&next) {
                                want.next();
                                reading = Some((next, depth, comp_details(&e)));
                            }
                            next += 1;
                        }
                    }
                    Item::End => {
                        if reading.as_ref().is_some_and(|(_, d, _)| depth == *d) {
                            let (c, _, details) = reading.take().expect("reading");
                            out.insert(c, details);
                        }
                        depth -= 1;
                    }
                    Item::Text(_) => {}
                }
            }
            return Ok(out);
        }
        let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, "read", e))?;
        for c in sorted {
            let at = u64::from(self.comps[c as usize].at);
            file.seek(SeekFrom::Start(at))
                .map_err(|e| Error::io(path, "read", e))?;
            let mut reader = WixReader::resume(&mut file, schema, &self.bindings);
            let mut details = CompDetails::default();
            let mut depth = 1usize;
            while let Some(item) = reader.next()? {
                match item {
                    Item::Start(e) => {
                        depth += 1;
                        if depth == 2 {
                            details = comp_details(&e);
                        } else if depth == 3 && e.name == "File" {
                            details.files.push(file_details(&e));
                        }
                    }
                    Item::End => {
                        depth -= 1;
                        if depth == 1 {
                            break;
                        }
                    }
                    Item::Text(_) => {}
                }
            }
            out.insert(c, details);
        }
        Ok(out)
    }
}

fn comp_details(e: &Element<'_>) -> CompDetails {
    CompDetails {
        id: e.attr("Id").map(str::to_owned),
        guid: e.attr("Guid").map(str::to_owned),
        files: Vec::new(),
    }
}

fn file_details(e: &Element<'_>) -> FileDetails {
    FileDetails {
        id: e.attr("Id").map(str::to_owned),
        name: e.attr("Name").map(str::to_owned),
        source: e.attr("Source").map(str::to_owned),
    }
}
