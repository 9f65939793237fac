//! The WiX document that harvesters build, mutators change and the writer serializes.
//!
//! A [`Document`] is a tree of elements held in one arena and addressed by [`NodeId`]
//! handles, in the spirit of heat's own serialization classes: every element has a name, its
//! attributes in order and its child elements. The only text heat writes is the content of a
//! childless element (WiX v3's `<MultiStringValue>`), so that is the only text the model holds,
//! in a table of its own beside the elements.
//!
//! Attribute values are held as WiX source writes them: a harvest escapes `$` and WiX variable
//! references in names and paths when it builds them (see [`escape`](super::escape)), as a
//! document read from a file holds them, so that what mutators see is what is written.
//!
//! A document holds at most 2^29 distinct names, 65,535 attributes on one element, 4 GiB of
//! attribute text and 2^32 elements; beyond them, the call that would pass one panics. A `.wxs`
//! is read only up to 1 GiB, and the reader refuses an element of more attributes, so no file
//! read comes near them.
//!
//! Most attribute values are text. The values a large harvest holds one of for every file
//! (hashed ids, GUIDs, `Source` paths) are held compactly: a 20-byte hash, a 16-byte GUID, or a
//! folder's path shared by its files plus the file's name. [`Document::attr`] reads any value
//! as a [`Value`], which compares with text and spells itself out on demand
//! ([`Value::text`]); the writer writes the compact ones without spelling them out in memory.
//!
//! Children are kept in the order heat's serializer writes them (grouped by type, see
//! [`Schema::child_rank`]), and no edit can make a loop: an element cannot be moved under
//! itself.
//!
//! ```
//! use heat::{Document, Schema};
//!
//! let mut doc = Document::new(Schema::V4);
//! let fragment = doc.create_child(doc.root(), "Fragment");
//! let dir = doc.create_child(fragment, "DirectoryRef");
//! doc.set_attr(dir, "Id", "INSTALLFOLDER");
//! let sub = doc.create_child(dir, "Directory");
//! let component = doc.create_child(dir, "Component");
//! doc.set_attr(component, "Guid", "*");
//! doc.set_attr(component, "Id", "cmpA");
//! // Attributes in schema order, components before folders, as heat writes them.
//! assert_eq!(doc.attrs(component).map(|(n, _)| n).collect::<Vec<_>>(), ["Id", "Guid"]);
//! assert_eq!(doc.children(dir), [component, sub]);
//! assert!(doc.attr(dir, "Id").unwrap() == "INSTALLFOLDER");
//! ```

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use uuid::Uuid;

use super::escape::is_xml_name;
use super::ids::{IdHash, IdScheme};
use super::schema::Schema;

/// A handle to an element of a [`Document`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(u32);

/// A name of an element or attribute: static for the names heat uses, owned otherwise.
pub type Name = Cow<'static, str>;

const NONE: u32 = u32::MAX;

impl NodeId {
    /// The handle as a number, for compact tables of nodes.
    pub(crate) fn index(self) -> u32 {
        self.0
    }

    /// The handle of number `index`, as [`index`](Self::index) gave it.
    pub(crate) fn from_index(index: u32) -> NodeId {
        NodeId(index)
    }
}

/// The symbol of an interned element or attribute name: its index in [`Document::names`].
///
/// Symbols are 32 bits in elements; in attributes they share a word with the value's kind
/// (see [`Attr`]), which leaves them [`MAX_NAMES`] values. A `.wxs` file is read only up to
/// 1 GiB, and a name needs a few bytes of its own each time it is new, so no file that is read
/// comes near that; only a program that makes more distinct names than that meets the limit.
type Sym = u32;

/// How many distinct names a document holds at most: 2^29.
const MAX_NAMES: usize = 1 << 29;

/// How many attributes one element holds at most. WiX elements have a few dozen at most; the
/// reader refuses an element with more (with its line), and [`Document::set_attr`] panics.
pub(crate) const MAX_ATTRIBUTES: usize = u16::MAX as usize;

/// An element: its name, where its attributes sit in the attribute arena, its parent and its
/// children. Kept small, since a large harvest holds millions of them.
#[derive(Debug, Clone)]
struct Node {
    name: Sym,
    attr_count: u16,
    /// Free slots after the attributes (see [`Document::reserve_attrs`]).
    attr_room: u16,
    parent: u32,
    attr_start: u32,
    /// Where the children sit in the child arena, and how many there are. The slots reserved
    /// there are at least [`child_room`] of the count: a list grows in place at the end of the
    /// arena, and elsewhere moves to the end, doubling, when full.
    child_start: u32,
    child_count: u32,
}

const _: () = assert!(std::mem::size_of::<Node>() == 24);

/// Asks the processor to bring the cache line holding `value` into its cache (x86-64 only; a
/// no-op elsewhere).
#[inline(always)]
fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint: it reads nothing the program sees and cannot fault, and
    // SSE, which it needs, is part of every x86-64 processor.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>((value as *const T).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// The slots a list of `count` children has in the child arena: the next power of two.
fn child_room(count: u32) -> u32 {
    if count == 0 {
        0
    } else {
        count.next_power_of_two()
    }
}

/// An attribute: its name, how its value is held, and where: for text, where it sits in the
/// text arena (`a` the start, `b` the length); for an id, its hash's index in `hashes` (`a`)
/// and its prefix's symbol (`b`); for a GUID, its index in `guids`; for a path, its index in
/// `paths`. The name's symbol and the kind share one word (the kind in its top 3 bits), so that
/// an attribute takes 12 bytes.
#[derive(Debug, Clone, Copy)]
struct Attr {
    name_kind: u32,
    a: u32,
    b: u32,
}

const _: () = assert!(std::mem::size_of::<Attr>() == 12);
const _: () = assert!(MAX_NAMES << 3 == 1 << 32);

impl Attr {
    fn new(name: Sym, kind: u8, a: u32, b: u32) -> Attr {
        debug_assert!((name as usize) < MAX_NAMES && kind < 8);
        Attr {
            name_kind: name | (u32::from(kind) << 29),
            a,
            b,
        }
    }

    fn name(&self) -> Sym {
        self.name_kind & (MAX_NAMES as u32 - 1)
    }

    fn kind(&self) -> u8 {
        (self.name_kind >> 29) as u8
    }

    fn renamed(self, name: Sym) -> Attr {
        Attr::new(name, self.kind(), self.a, self.b)
    }
}

/// [`Attr::kind`]s.
mod kind {
    pub const TEXT: u8 = 0;
    pub const ID_V3: u8 = 1;
    pub const ID_V3_FIPS: u8 = 2;
    pub const ID_V4: u8 = 3;
    pub const GUID: u8 = 4;
    pub const GUID_BRACED: u8 = 5;
    pub const PATH: u8 = 6;
}

/// Text stored once in a [`Document`] and shared by the values that use it; see
/// [`Document::store_text`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(crate) struct TextRef {
    start: u32,
    len: u32,
}

/// Ids hashed together and handed to a document in one piece; see [`Document::add_ids`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IdBlock {
    start: u32,
    len: u32,
    kind: u8,
}

impl IdBlock {
    /// The number of ids in the block.
    pub(crate) fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether the block holds no ids.
    #[allow(dead_code)]
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// An attribute's value as the document holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    /// Text.
    Text(&'a str),
    /// A hashed identifier: the prefix, then the hash written as its scheme writes it.
    Id {
        /// The identifier's prefix (`fil`, `cmp`, `dir`).
        prefix: &'a str,
        /// The hash.
        hash: IdHash,
    },
    /// A GUID, written in upper case.
    Guid {
        /// The GUID.
        guid: Uuid,
        /// Whether it is written in braces.
        braces: bool,
    },
    /// A path: a folder's part, ending in a separator, then a file's name.
    Path {
        /// The folder's part, shared by every file of the folder.
        folder: &'a str,
        /// The file's name.
        name: &'a str,
    },
}

impl<'a> Value<'a> {
    /// The value, if it is held as text.
    pub fn as_text(&self) -> Option<&'a str> {
        match self {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The value as text: borrowed when held as text, spelled out otherwise.
    pub fn text(&self) -> Cow<'a, str> {
        match *self {
            Value::Text(t) => Cow::Borrowed(t),
            _ => Cow::Owned(self.to_string()),
        }
    }

    /// Whether the value reads as `text`, without spelling it out.
    pub fn is(&self, text: &str) -> bool {
        match *self {
            Value::Text(t) => t == text,
            Value::Path { folder, name } => {
                text.len() == folder.len() + name.len()
                    && text.starts_with(folder)
                    && text.ends_with(name)
            }
            _ => {
                let mut spelled = String::with_capacity(40);
                self.write_to(&mut spelled);
                spelled == text
            }
        }
    }

    /// Appends the value as text to `out`.
    pub fn write_to(&self, out: &mut String) {
        match *self {
            Value::Text(t) => out.push_str(t),
            Value::Id { prefix, hash } => hash.write(prefix, out),
            Value::Guid { guid, braces } => {
                out.push_str(crate::wix::guid::format_into(guid, braces, &mut [0u8; 38]))
            }
            Value::Path { folder, name } => {
                out.push_str(folder);
                out.push_str(name);
            }
        }
    }

    /// The part after the last `\` or `/`: the file name of a path.
    pub fn last_segment(&self) -> Cow<'a, str> {
        match *self {
            Value::Text(t) => Cow::Borrowed(t.rsplit(['\\', '/']).next().unwrap_or_default()),
            Value::Path { name, .. } if !name.contains(['\\', '/']) => Cow::Borrowed(name),
            Value::Path { folder, name } => Cow::Owned(
                format!("{folder}{name}")
                    .rsplit(['\\', '/'])
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            ),
            _ => Cow::Owned(self.to_string()),
        }
    }
}

impl PartialEq<str> for Value<'_> {
    fn eq(&self, other: &str) -> bool {
        self.is(other)
    }
}

impl PartialEq<String> for Value<'_> {
    fn eq(&self, other: &String) -> bool {
        self.is(other)
    }
}

impl PartialEq<&str> for Value<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.is(other)
    }
}

impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Value::Text(t) => f.write_str(t),
            Value::Path { folder, name } => {
                f.write_str(folder)?;
                f.write_str(name)
            }
            _ => {
                let mut s = String::with_capacity(40);
                self.write_to(&mut s);
                f.write_str(&s)
            }
        }
    }
}

/// The [`Attr::kind`] of an id of `scheme`.
fn id_kind(scheme: IdScheme) -> u8 {
    match scheme {
        IdScheme::V3 => kind::ID_V3,
        IdScheme::V3Fips => kind::ID_V3_FIPS,
        IdScheme::V4 => kind::ID_V4,
    }
}

/// A WiX source document: a `Wix` root element and the elements under it.
///
/// Names are interned and attribute values live in one text arena, so a harvest of hundreds of
/// thousands of files stays compact; the API hands out plain `&str`.
#[derive(Debug, Clone)]
pub struct Document {
    schema: Schema,
    nodes: Vec<Node>,
    /// Every element's children, each element's in one run (see [`Node::child_start`]).
    children: Vec<NodeId>,
    attrs: Vec<Attr>,
    text: String,
    names: Vec<Name>,
    /// Whether each of `names` is an XML name (see [`is_xml_name`]), which the writer checks.
    names_ok: Vec<bool>,
    name_index: HashMap<Name, Sym, FastHash>,
    short_values: HashMap<Box<str>, (u32, u32), FastHash>,
    ranks: HashMap<(Sym, Sym), Option<u16>, FastHash>,
    known_ranks: Box<[Option<Option<u16>>; WELL_KNOWN.len() * WELL_KNOWN.len()]>,
    /// [`Schema::child_rank`] by (parent, child) symbol, and for the well-known names in a
    /// table of their own (`u16::MAX` where not yet looked up).
    child_ranks: HashMap<(Sym, Sym), u16, FastHash>,
    known_child_ranks: Box<[u16; WELL_KNOWN.len() * WELL_KNOWN.len()]>,
    /// Text content, by element: rare (registry multi-strings in v3), so kept out of `Node`.
    texts: HashMap<u32, Box<str>, FastHash>,
    /// The hashes of ids held compactly.
    hashes: Vec<[u8; 20]>,
    /// GUIDs held compactly.
    guids: Vec<[u8; 16]>,
    /// Paths held compactly: the folder's part and the name, each as a [`TextRef`].
    paths: Vec<[TextRef; 2]>,
}

/// Names every harvest uses, interned first in this order so that their symbols are known
/// without a table look-up (see [`well_known`]).
const WELL_KNOWN: [&str; 17] = [
    "Wix",
    "Id",
    "Name",
    "Source",
    "KeyPath",
    "Guid",
    "Directory",
    "File",
    "Component",
    "DirectoryRef",
    "StandardDirectory",
    "Fragment",
    "ComponentGroup",
    "FileSource",
    "fil",
    "cmp",
    "dir",
];

/// The symbol of a name in [`WELL_KNOWN`].
fn well_known(name: &str) -> Option<Sym> {
    Some(match name {
        "Wix" => 0,
        "Id" => 1,
        "Name" => 2,
        "Source" => 3,
        "KeyPath" => 4,
        "Guid" => 5,
        "Directory" => 6,
        "File" => 7,
        "Component" => 8,
        "DirectoryRef" => 9,
        "StandardDirectory" => 10,
        "Fragment" => 11,
        "ComponentGroup" => 12,
        "FileSource" => 13,
        "fil" => 14,
        "cmp" => 15,
        "dir" => 16,
        _ => return None,
    })
}

/// A small multiply-rotate hasher (after the one rustc uses) for the document's private tables,
/// whose keys are short names and values that need no protection against chosen collisions.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FastHash;

#[derive(Debug, Default)]
pub(crate) struct FastHasher(u64);

impl std::hash::BuildHasher for FastHash {
    type Hasher = FastHasher;
    fn build_hasher(&self) -> FastHasher {
        FastHasher(0)
    }
}

impl std::hash::Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Document {
    /// An empty document: just the `Wix` root element.
    pub fn new(schema: Schema) -> Document {
        let mut doc = Document {
            schema,
            nodes: Vec::new(),
            children: Vec::new(),
            attrs: Vec::new(),
            text: String::new(),
            names: Vec::new(),
            names_ok: Vec::new(),
            name_index: HashMap::default(),
            short_values: HashMap::default(),
            ranks: HashMap::default(),
            known_ranks: Box::new([None; WELL_KNOWN.len() * WELL_KNOWN.len()]),
            child_ranks: HashMap::default(),
            known_child_ranks: Box::new([u16::MAX; WELL_KNOWN.len() * WELL_KNOWN.len()]),
            texts: HashMap::default(),
            hashes: Vec::new(),
            guids: Vec::new(),
            paths: Vec::new(),
        };
        for name in WELL_KNOWN {
            let sym = doc.names.len() as Sym;
            doc.names.push(Cow::Borrowed(name));
            doc.names_ok.push(true);
            doc.name_index.insert(Cow::Borrowed(name), sym);
        }
        doc.create("Wix");
        doc
    }

    /// The schema the document is written in.
    pub fn schema(&self) -> Schema {
        self.schema
    }

    /// Changes the schema the document is written in (its elements are left as they are).
    pub fn set_schema(&mut self, schema: Schema) {
        self.schema = schema;
        self.ranks.clear();
        self.known_ranks.fill(None);
        self.child_ranks.clear();
        self.known_child_ranks.fill(u16::MAX);
        // Children are kept in the order the schema writes them: a new schema may order them
        // otherwise.
        for n in 0..self.nodes.len() {
            self.regroup(NodeId(n as u32));
        }
    }

    /// The `Wix` root element.
    pub fn root(&self) -> NodeId {
        NodeId(0)
    }

    /// Makes room for `elements` more elements, `attributes` more attributes and `text` more
    /// bytes of attribute values, so that a large harvest grows its tables once.
    pub(crate) fn reserve(&mut self, elements: usize, attributes: usize, text: usize) {
        self.nodes.reserve_exact(elements);
        // Child lists take whole powers of two and move when full: room for twice as many.
        self.children.reserve(2 * elements);
        self.attrs.reserve_exact(attributes);
        self.text.reserve_exact(text);
    }

    /// The number of elements created in this document, in the tree or not.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the document has no element but its root.
    pub fn is_empty(&self) -> bool {
        self.nodes[0].child_count == 0
    }

    /// The symbol of `name`, interned if new.
    ///
    /// # Panics
    /// When the document already holds [`MAX_NAMES`] distinct names (see [`Sym`]).
    fn intern(&mut self, name: Name) -> Sym {
        if let Some(sym) = well_known(&name) {
            return sym;
        }
        if let Some(&sym) = self.name_index.get(&name) {
            return sym;
        }
        assert!(
            self.names.len() < MAX_NAMES,
            "a document holds at most {MAX_NAMES} distinct names"
        );
        let sym = self.names.len() as Sym;
        self.names_ok.push(is_xml_name(&name));
        self.names.push(name.clone());
        self.name_index.insert(name, sym);
        sym
    }

    /// The number of distinct element and attribute names the document has interned.
    pub fn name_count(&self) -> usize {
        self.names.len()
    }

    fn sym(&self, name: &str) -> Option<Sym> {
        well_known(name).or_else(|| self.name_index.get(name).copied())
    }

    fn store(&mut self, value: &str) -> (u32, u32) {
        let short = value.len() <= 24;
        if short {
            if let Some(&slot) = self.short_values.get(value) {
                return slot;
            }
        }
        let stored = self.store_text(value);
        let slot = (stored.start, stored.len);
        if short {
            self.short_values.insert(value.into(), slot);
        }
        slot
    }

    fn slice(&self, t: TextRef) -> &str {
        &self.text[t.start as usize..(t.start + t.len) as usize]
    }

    /// The text of an attribute held as text.
    fn text_of(&self, a: &Attr) -> &str {
        self.slice(TextRef {
            start: a.a,
            len: a.b,
        })
    }

    /// An attribute's value as held.
    fn value_of(&self, a: &Attr) -> Value<'_> {
        match a.kind() {
            kind::TEXT => Value::Text(self.text_of(a)),
            kind::ID_V3 | kind::ID_V3_FIPS | kind::ID_V4 => {
                let scheme = match a.kind() {
                    kind::ID_V3 => IdScheme::V3,
                    kind::ID_V3_FIPS => IdScheme::V3Fips,
                    _ => IdScheme::V4,
                };
                Value::Id {
                    prefix: &self.names[a.b as usize],
                    hash: IdHash::from_bytes(scheme, self.hashes[a.a as usize]),
                }
            }
            kind::GUID | kind::GUID_BRACED => Value::Guid {
                guid: Uuid::from_bytes(self.guids[a.a as usize]),
                braces: a.kind() == kind::GUID_BRACED,
            },
            _ => {
                let [folder, name] = self.paths[a.a as usize];
                Value::Path {
                    folder: self.slice(folder),
                    name: self.slice(name),
                }
            }
        }
    }

    /// Asks the processor to start bringing into its cache what writing element `node` will
    /// read, one step of a chain (each step reads what an earlier one brought in, so steps are
    /// asked for in order, some elements ahead): 0 its record; 1 its attributes and its list of
    /// children; 2 its attributes' values (hashes, GUIDs, paths) and its first child's record;
    /// from 3 on, the steps from 1 on of its first child. A hint only: nothing is read that is
    /// not in the document, and without it nothing changes but the time.
    pub(crate) fn prefetch(&self, node: NodeId, step: u8) {
        let Some(n) = self.nodes.get(node.0 as usize) else {
            return;
        };
        match step {
            0 => prefetch(n),
            1 => {
                if let Some(a) = self.attrs.get(n.attr_start as usize) {
                    prefetch(a);
                }
                if let Some(c) = self.children.get(n.child_start as usize) {
                    prefetch(c);
                }
            }
            _ => {
                if step == 2 {
                    for a in self.node_attrs(node) {
                        match a.kind() {
                            kind::ID_V3 | kind::ID_V3_FIPS | kind::ID_V4 => {
                                if let Some(h) = self.hashes.get(a.a as usize) {
                                    prefetch(h);
                                }
                            }
                            kind::GUID | kind::GUID_BRACED => {
                                if let Some(g) = self.guids.get(a.a as usize) {
                                    prefetch(g);
                                }
                            }
                            kind::TEXT => {}
                            _ => {
                                if let Some(p) = self.paths.get(a.a as usize) {
                                    prefetch(p);
                                }
                            }
                        }
                    }
                }
                if let Some(&first) = self.children(node).first() {
                    self.prefetch(first, step - 2);
                }
            }
        }
    }

    fn node_attrs(&self, node: NodeId) -> &[Attr] {
        let n = &self.nodes[node.0 as usize];
        &self.attrs[n.attr_start as usize..n.attr_start as usize + n.attr_count as usize]
    }

    /// Creates an element that is not yet in the tree; [`append`](Self::append) puts it there.
    pub fn create(&mut self, name: impl Into<Name>) -> NodeId {
        let name = self.intern(name.into());
        let id = NodeId(u32::try_from(self.nodes.len()).expect("fewer than 2^32 elements"));
        self.nodes.push(Node {
            name,
            attr_count: 0,
            attr_room: 0,
            parent: NONE,
            attr_start: 0,
            child_start: 0,
            child_count: 0,
        });
        id
    }

    /// Creates an element and appends it to `parent` (see [`append`](Self::append)).
    pub fn create_child(&mut self, parent: NodeId, name: impl Into<Name>) -> NodeId {
        let id = self.create(name);
        self.nodes[id.0 as usize].parent = parent.0;
        self.insert_child(parent, None, id);
        id
    }

    /// Puts `child` at position `index` (the end for `None`) of `parent`'s children, making
    /// room as [`Node::child_start`] describes.
    fn insert_child(&mut self, parent: NodeId, index: Option<usize>, child: NodeId) {
        let (start, count) = {
            let n = &self.nodes[parent.0 as usize];
            (n.child_start as usize, n.child_count)
        };
        let index = self.place(parent, child, index);
        let room = child_room(count) as usize;
        let count = count as usize;
        if count == room {
            // Full: grow in place at the end of the arena, or move there.
            let want = child_room(count as u32 + 1) as usize;
            if count > 0 && start + room == self.children.len() {
                self.children.resize(start + want, NodeId(NONE));
            } else {
                let new_start = self.children.len();
                self.children.extend_from_within(start..start + count);
                self.children.resize(new_start + want, NodeId(NONE));
                self.nodes[parent.0 as usize].child_start =
                    u32::try_from(new_start).expect("fewer than 2^32 child slots");
            }
        }
        let start = self.nodes[parent.0 as usize].child_start as usize;
        self.children
            .copy_within(start + index..start + count, start + index + 1);
        self.children[start + index] = child;
        self.nodes[parent.0 as usize].child_count += 1;
    }

    /// Moves `child` (detaching it from any parent) to the end of `parent`'s children of its
    /// type: children are kept in the order heat writes them, grouped by type as the schema
    /// names the types (see [`Schema::child_rank`]).
    ///
    /// # Panics
    /// When `child` is `parent` or holds it: the edit would make a loop.
    pub fn append(&mut self, parent: NodeId, child: NodeId) {
        self.refuse_loop(parent, child);
        self.detach(child);
        self.nodes[child.0 as usize].parent = parent.0;
        self.insert_child(parent, None, child);
    }

    /// Moves `child` (detaching it from any parent) to position `index` of `parent`'s children,
    /// or as near it as its type allows: children stay grouped by type (see
    /// [`append`](Self::append)).
    ///
    /// # Panics
    /// When `child` is `parent` or holds it, or `index` is past the end of the children.
    pub fn insert(&mut self, parent: NodeId, index: usize, child: NodeId) {
        self.refuse_loop(parent, child);
        self.detach(child);
        self.nodes[child.0 as usize].parent = parent.0;
        assert!(
            index <= self.children(parent).len(),
            "insertion index {index} past the end of the children"
        );
        self.insert_child(parent, Some(index), child);
    }

    /// Panics when `child` is `parent` or one of its ancestors: moving it there would make a
    /// loop. A new element or a leaf holds nothing, so that is checked at once.
    fn refuse_loop(&self, parent: NodeId, child: NodeId) {
        let holds = child == parent
            || (self.nodes[child.0 as usize].child_count > 0
                && self.ancestors(parent).any(|a| a == child));
        assert!(
            !holds,
            "moving <{}> under <{}> would put an element inside itself",
            self.name(child),
            self.name(parent)
        );
    }

    /// Takes `node` out of its parent's children; it and its own children stay intact and can
    /// be appended elsewhere.
    pub fn detach(&mut self, node: NodeId) {
        let parent = std::mem::replace(&mut self.nodes[node.0 as usize].parent, NONE);
        if parent != NONE {
            let (start, count) = {
                let p = &self.nodes[parent as usize];
                (p.child_start as usize, p.child_count as usize)
            };
            let siblings = &mut self.children[start..start + count];
            // Recently added children are the likeliest to move again: search from the end.
            if let Some(pos) = siblings.iter().rposition(|c| *c == node) {
                siblings.copy_within(pos + 1.., pos);
                self.nodes[parent as usize].child_count -= 1;
            }
        }
    }

    /// Takes each of `nodes` out of its parent's children, as [`detach`](Self::detach) does
    /// one at a time, in one pass over each parent's children: moving every child out of a
    /// long list one by one would cost a search and a shift each.
    pub fn detach_all(&mut self, nodes: &[NodeId]) {
        let mut parents = Vec::new();
        for &n in nodes {
            let parent = std::mem::replace(&mut self.nodes[n.0 as usize].parent, NONE);
            if parent != NONE {
                parents.push(parent);
            }
        }
        parents.sort_unstable();
        parents.dedup();
        for p in parents {
            let (start, count) = {
                let n = &self.nodes[p as usize];
                (n.child_start as usize, n.child_count as usize)
            };
            let mut kept = 0;
            for i in start..start + count {
                let c = self.children[i];
                if self.nodes[c.0 as usize].parent == p {
                    self.children[start + kept] = c;
                    kept += 1;
                }
            }
            self.nodes[p as usize].child_count = kept as u32;
        }
    }

    /// Takes all of `node`'s children out of it, in order, and returns them; they stay intact
    /// and can be appended elsewhere. Rebuilding a long list of children this way costs one
    /// pass, where detaching them one by one costs a search each.
    pub fn take_children(&mut self, node: NodeId) -> Vec<NodeId> {
        let children = self.children(node).to_vec();
        // The slots are left behind; children given back later take new ones.
        self.nodes[node.0 as usize].child_count = 0;
        for &c in &children {
            self.nodes[c.0 as usize].parent = NONE;
        }
        children
    }

    /// The element's name.
    pub fn name(&self, node: NodeId) -> &str {
        &self.names[self.nodes[node.0 as usize].name as usize]
    }

    /// The element's name, and whether it is an XML name (which the writer checks without
    /// reading it again).
    pub(crate) fn name_checked(&self, node: NodeId) -> (&str, bool) {
        let sym = self.nodes[node.0 as usize].name as usize;
        (&self.names[sym], self.names_ok[sym])
    }

    /// Renames the element.
    pub fn set_name(&mut self, node: NodeId, name: impl Into<Name>) {
        let sym = self.intern(name.into());
        self.nodes[node.0 as usize].name = sym;
        // Its children and its place among its siblings follow the new name's ranks.
        self.regroup(node);
        if let Some(parent) = self.parent(node) {
            self.regroup(parent);
        }
    }

    /// The rank of a `child` element among the children of a `parent` element, by symbol;
    /// see [`Schema::child_rank`].
    fn child_rank(&mut self, parent: Sym, child: Sym) -> u16 {
        let (parent_i, child_i) = (parent as usize, child as usize);
        let small = parent_i < WELL_KNOWN.len() && child_i < WELL_KNOWN.len();
        let slot = parent_i * WELL_KNOWN.len() + child_i;
        if small && self.known_child_ranks[slot] != u16::MAX {
            return self.known_child_ranks[slot];
        }
        if let Some(&r) = self.child_ranks.get(&(parent, child)) {
            return r;
        }
        let r = self
            .schema
            .child_rank(&self.names[parent as usize], &self.names[child as usize])
            .min(u16::MAX - 1);
        self.child_ranks.insert((parent, child), r);
        if small {
            self.known_child_ranks[slot] = r;
        }
        r
    }

    /// Where `child` goes among `parent`'s children: at `wanted` (the end for `None`), moved
    /// into the run of children of its own rank, so that the children stay in the order heat
    /// writes them (see [`Schema::child_rank`]).
    fn place(&mut self, parent: NodeId, child: NodeId, wanted: Option<usize>) -> usize {
        let (start, count) = {
            let n = &self.nodes[parent.0 as usize];
            (n.child_start as usize, n.child_count as usize)
        };
        if count == 0 {
            return 0;
        }
        let psym = self.nodes[parent.0 as usize].name;
        let rank = self.child_rank(psym, self.nodes[child.0 as usize].name);
        let rank_at = |doc: &mut Document, i: usize| {
            let sym = doc.nodes[doc.children[start + i].0 as usize].name;
            doc.child_rank(psym, sym)
        };
        // Appending after children of lower or equal rank is the usual case.
        if wanted.is_none() && rank_at(self, count - 1) <= rank {
            return count;
        }
        let mut end = count;
        while end > 0 && rank_at(self, end - 1) > rank {
            end -= 1;
        }
        let mut begin = end;
        while begin > 0 && rank_at(self, begin - 1) == rank {
            begin -= 1;
        }
        wanted.map_or(end, |w| w.clamp(begin, end))
    }

    /// Puts `node`'s children back in rank order, keeping the order of equals.
    fn regroup(&mut self, node: NodeId) {
        let (start, count, psym) = {
            let n = &self.nodes[node.0 as usize];
            (n.child_start as usize, n.child_count as usize, n.name)
        };
        if count < 2 {
            return;
        }
        let kids: Vec<NodeId> = self.children[start..start + count].to_vec();
        let mut ranked: Vec<(u16, NodeId)> = kids
            .iter()
            .map(|&c| (self.child_rank(psym, self.nodes[c.0 as usize].name), c))
            .collect();
        ranked.sort_by_key(|(r, _)| *r);
        for (i, (_, c)) in ranked.into_iter().enumerate() {
            self.children[start + i] = c;
        }
    }

    /// The element's parent, or `None` for the root and for detached elements.
    pub fn parent(&self, node: NodeId) -> Option<NodeId> {
        match self.nodes[node.0 as usize].parent {
            NONE => None,
            p => Some(NodeId(p)),
        }
    }

    /// The element's children, in order.
    pub fn children(&self, node: NodeId) -> &[NodeId] {
        let n = &self.nodes[node.0 as usize];
        &self.children[n.child_start as usize..(n.child_start + n.child_count) as usize]
    }

    /// The children of `node` named `name`.
    pub fn children_named<'a>(
        &'a self,
        node: NodeId,
        name: &'a str,
    ) -> impl Iterator<Item = NodeId> + 'a {
        let sym = self.sym(name);
        self.children(node)
            .iter()
            .copied()
            .filter(move |c| Some(self.nodes[c.0 as usize].name) == sym)
    }

    /// Where attribute `name` of `node` sits in the attribute arena, if set.
    fn find_attr(&self, node: NodeId, name: &str) -> Option<usize> {
        let sym = self.sym(name)?;
        let first = self.nodes[node.0 as usize].attr_start as usize;
        self.node_attrs(node)
            .iter()
            .position(|a| a.name() == sym)
            .map(|i| first + i)
    }

    /// The value of attribute `name`, if set: text, or an id, GUID or path held compactly,
    /// which reads the same (see [`Value`]).
    pub fn attr(&self, node: NodeId, name: &str) -> Option<Value<'_>> {
        let slot = self.find_attr(node, name)?;
        Some(self.value_of(&self.attrs[slot]))
    }

    /// Whether attribute `name` is set.
    pub fn has_attr(&self, node: NodeId, name: &str) -> bool {
        self.find_attr(node, name).is_some()
    }

    /// The element's attributes as [`attrs`](Self::attrs) gives them, each with whether its
    /// name is an XML name.
    pub(crate) fn attrs_checked(
        &self,
        node: NodeId,
    ) -> impl Iterator<Item = (&str, bool, Value<'_>)> {
        self.node_attrs(node).iter().map(move |a| {
            let sym = a.name() as usize;
            (
                self.names[sym].as_ref(),
                self.names_ok[sym],
                self.value_of(a),
            )
        })
    }

    /// The element's attributes and their values, in the order they are written.
    pub fn attrs(&self, node: NodeId) -> impl Iterator<Item = (&str, Value<'_>)> {
        self.node_attrs(node)
            .iter()
            .map(move |a| (self.names[a.name() as usize].as_ref(), self.value_of(a)))
    }

    fn rank(&mut self, element: Sym, attr: Sym) -> Option<u16> {
        // The well-known names' ranks sit in a table of their own, looked up without hashing.
        let (element_i, attr_i) = (element as usize, attr as usize);
        let small = element_i < WELL_KNOWN.len() && attr_i < WELL_KNOWN.len();
        let slot = element_i * WELL_KNOWN.len() + attr_i;
        if small {
            if let Some(r) = self.known_ranks[slot] {
                return r;
            }
        }
        if let Some(r) = self.ranks.get(&(element, attr)) {
            return *r;
        }
        let r = self
            .schema
            .attribute_rank(&self.names[element as usize], &self.names[attr as usize])
            .map(|r| r as u16);
        self.ranks.insert((element, attr), r);
        if small {
            self.known_ranks[slot] = Some(r);
        }
        r
    }

    /// Writes `attr` at position `pos` of the node's attributes, moving them to the end of the
    /// arena unless they are there already.
    fn insert_attr(&mut self, node: NodeId, pos: usize, attr: Attr) {
        let (start, count, room) = {
            let n = &self.nodes[node.0 as usize];
            (n.attr_start as usize, n.attr_count as usize, n.attr_room)
        };
        if room > 0 {
            self.attrs
                .copy_within(start + pos..start + count, start + pos + 1);
            self.attrs[start + pos] = attr;
            self.nodes[node.0 as usize].attr_room -= 1;
        } else if start + count == self.attrs.len() {
            self.attrs.insert(start + pos, attr);
        } else {
            let new_start = self.attrs.len();
            self.attrs.extend_from_within(start..start + pos);
            self.attrs.push(attr);
            self.attrs.extend_from_within(start + pos..start + count);
            self.nodes[node.0 as usize].attr_start =
                u32::try_from(new_start).expect("fewer than 2^32 attributes");
        }
        let n = &mut self.nodes[node.0 as usize];
        n.attr_count = n
            .attr_count
            .checked_add(1)
            .expect("an element holds at most 65,535 attributes");
    }

    /// Makes room for `additional` more attributes on `node`, so that setting them later does
    /// not move its attributes: a harvest that knows which attributes mutators will add to its
    /// elements saves the room the moves leave behind.
    pub(crate) fn reserve_attrs(&mut self, node: NodeId, additional: usize) {
        let (start, count, room) = {
            let n = &self.nodes[node.0 as usize];
            (
                n.attr_start as usize,
                n.attr_count as usize,
                n.attr_room as usize,
            )
        };
        if room >= additional {
            return;
        }
        let blank = Attr::new(0, kind::TEXT, 0, 0);
        let want = u16::try_from(additional).expect("at most 65,535 attributes");
        if start + count + room == self.attrs.len() {
            self.attrs
                .resize(self.attrs.len() + additional - room, blank);
        } else {
            let new_start = self.attrs.len();
            self.attrs.extend_from_within(start..start + count);
            self.attrs.resize(self.attrs.len() + additional, blank);
            self.nodes[node.0 as usize].attr_start =
                u32::try_from(new_start).expect("fewer than 2^32 attributes");
        }
        self.nodes[node.0 as usize].attr_room = want;
    }

    /// Sets attribute `name`. A new attribute takes its place in the order the schema declares
    /// (so the output matches heat's whatever order mutators set them in); an attribute the
    /// schema does not know goes last.
    ///
    /// # Panics
    /// When the element has 65,535 attributes already, or the document 2^29 distinct names.
    pub fn set_attr(&mut self, node: NodeId, name: impl Into<Name>, value: impl AsRef<str>) {
        self.put_attr(node, name.into(), value.as_ref(), true);
    }

    /// Sets attribute `name`, appending it after the others when new (the order a document
    /// was read in is kept).
    ///
    /// # Panics
    /// As [`set_attr`](Self::set_attr).
    pub fn push_attr(&mut self, node: NodeId, name: impl Into<Name>, value: impl AsRef<str>) {
        self.put_attr(node, name.into(), value.as_ref(), false);
    }

    /// Sets attribute `to_name` of `to` to the value of attribute `from_name` of `from`
    /// (schema order, as [`set_attr`](Self::set_attr)), sharing the stored text. Returns
    /// whether `from` had that attribute.
    pub fn copy_attr(
        &mut self,
        from: NodeId,
        from_name: &str,
        to: NodeId,
        to_name: impl Into<Name>,
    ) -> bool {
        let Some(sym) = self.sym(from_name) else {
            return false;
        };
        let Some(a) = self
            .node_attrs(from)
            .iter()
            .find(|a| a.name() == sym)
            .copied()
        else {
            return false;
        };
        let to_sym = self.intern(to_name.into());
        self.put_slot(to, a.renamed(to_sym), true);
        true
    }

    /// Stores `text`, for values that share it (see [`set_attr_path`](Self::set_attr_path)).
    ///
    /// # Panics
    /// When the document would hold more than 4 GiB of attribute text.
    pub(crate) fn store_text(&mut self, text: &str) -> TextRef {
        let start = self.text.len();
        assert!(
            u32::try_from(start + text.len()).is_ok(),
            "a document holds at most 4 GiB of attribute text"
        );
        self.text.push_str(text);
        TextRef {
            start: start as u32,
            len: text.len() as u32,
        }
    }

    /// Sets attribute `name` (in schema order) to text stored with
    /// [`store_text`](Self::store_text), shared by every element that uses it.
    pub(crate) fn set_attr_stored(&mut self, node: NodeId, name: impl Into<Name>, text: TextRef) {
        let sym = self.intern(name.into());
        self.put_value(node, sym, kind::TEXT, text.start, text.len);
    }

    /// Sets attribute `name` (in schema order, as [`set_attr`](Self::set_attr)) to a hashed
    /// id, held as its 20-byte hash and written as `prefix` then the hash.
    pub(crate) fn set_attr_id(
        &mut self,
        node: NodeId,
        name: impl Into<Name>,
        prefix: &str,
        hash: IdHash,
    ) {
        let sym = self.intern(name.into());
        let prefix = self.prefix_sym(prefix);
        let index = u32::try_from(self.hashes.len()).expect("fewer than 2^32 ids");
        self.hashes.push(*hash.bytes());
        let kind = id_kind(hash.scheme());
        self.put_value(node, sym, kind, index, prefix);
    }

    /// Hands the document the hashes of ids made with `scheme`, for
    /// [`set_attr_id_from`](Self::set_attr_id_from): a harvest can hash all its ids at once, on
    /// every core, straight into the table the document keeps them in.
    pub(crate) fn add_ids(&mut self, scheme: IdScheme, hashes: Vec<[u8; 20]>) -> IdBlock {
        let start = u32::try_from(self.hashes.len()).expect("fewer than 2^32 ids");
        let len = u32::try_from(hashes.len()).expect("fewer than 2^32 ids");
        if self.hashes.is_empty() {
            self.hashes = hashes;
        } else {
            self.hashes.extend_from_slice(&hashes);
        }
        IdBlock {
            start,
            len,
            kind: id_kind(scheme),
        }
    }

    /// Sets attribute `name` (in schema order) to id `i` of `block`, written as `prefix` then
    /// the hash.
    ///
    /// # Panics
    /// When `i` is not below the block's length.
    pub(crate) fn set_attr_id_from(
        &mut self,
        node: NodeId,
        name: impl Into<Name>,
        prefix: &str,
        block: IdBlock,
        i: usize,
    ) {
        assert!(i < block.len(), "id {i} of a block of {}", block.len);
        let sym = self.intern(name.into());
        let prefix = self.prefix_sym(prefix);
        self.put_value(node, sym, block.kind, block.start + i as u32, prefix);
    }

    /// Sets attribute `sym` of `node`, in schema order, to a value of `kind` held in `a`, `b`.
    fn put_value(&mut self, node: NodeId, sym: Sym, kind: u8, a: u32, b: u32) {
        self.put_slot(node, Attr::new(sym, kind, a, b), true);
    }

    fn prefix_sym(&mut self, prefix: &str) -> Sym {
        match self.sym(prefix) {
            Some(sym) => sym,
            None => self.intern(Cow::Owned(prefix.to_owned())),
        }
    }

    /// Sets attribute `name` (in schema order) to a GUID, held in 16 bytes and written in
    /// upper case, in braces if `braces`.
    pub(crate) fn set_attr_guid(
        &mut self,
        node: NodeId,
        name: impl Into<Name>,
        guid: Uuid,
        braces: bool,
    ) {
        let sym = self.intern(name.into());
        let index = u32::try_from(self.guids.len()).expect("fewer than 2^32 GUIDs");
        self.guids.push(guid.into_bytes());
        let kind = if braces {
            kind::GUID_BRACED
        } else {
            kind::GUID
        };
        self.put_value(node, sym, kind, index, 0);
    }

    /// Sets attribute `name` (in schema order) to a path: `folder`, stored once with
    /// [`store_text`](Self::store_text) and shared by the folder's files, then `file`.
    pub(crate) fn set_attr_path(
        &mut self,
        node: NodeId,
        name: impl Into<Name>,
        folder: TextRef,
        file: TextRef,
    ) {
        let sym = self.intern(name.into());
        let index = u32::try_from(self.paths.len()).expect("fewer than 2^32 paths");
        self.paths.push([folder, file]);
        self.put_value(node, sym, kind::PATH, index, 0);
    }

    /// The folder's part and the name of path attribute `name`, if it is held as a path.
    pub(crate) fn path_parts(&self, node: NodeId, name: &str) -> Option<[TextRef; 2]> {
        let a = self.attrs[self.find_attr(node, name)?];
        (a.kind() == kind::PATH).then(|| self.paths[a.a as usize])
    }

    /// Makes room for `ids` more ids, `guids` more GUIDs and `paths` more paths held
    /// compactly.
    pub(crate) fn reserve_values(&mut self, ids: usize, guids: usize, paths: usize) {
        self.hashes.reserve_exact(ids);
        self.guids.reserve_exact(guids);
        self.paths.reserve_exact(paths);
    }

    /// Appends attribute `name`, which the element does not have yet (a document read from
    /// text names each attribute of an element once), without looking for it among the others:
    /// an element of many attributes is read in time linear in their number.
    ///
    /// # Panics
    /// As [`set_attr`](Self::set_attr).
    pub(crate) fn push_new_attr(&mut self, node: NodeId, name: Name, value: &str) {
        let sym = self.intern(name);
        let (a, b) = self.store(value);
        let count = self.nodes[node.0 as usize].attr_count as usize;
        self.insert_attr(node, count, Attr::new(sym, kind::TEXT, a, b));
    }

    fn put_attr(&mut self, node: NodeId, name: Name, value: &str, schema_order: bool) {
        let sym = self.intern(name);
        let (a, b) = self.store(value);
        self.put_slot(node, Attr::new(sym, kind::TEXT, a, b), schema_order);
    }

    fn put_slot(&mut self, node: NodeId, attr: Attr, schema_order: bool) {
        let sym = attr.name();
        let n = &self.nodes[node.0 as usize];
        let first = n.attr_start as usize;
        let count = n.attr_count as usize;
        if let Some(i) = self.attrs[first..first + count]
            .iter()
            .position(|a| a.name() == sym)
        {
            self.attrs[first + i] = attr;
            return;
        }
        let element = n.name;
        let pos = match (schema_order && count > 0)
            .then(|| self.rank(element, sym))
            .flatten()
        {
            // Attributes mostly arrive in schema order: after the last is the usual place.
            Some(rank)
                if self
                    .rank(element, self.attrs[first + count - 1].name())
                    .is_some_and(|r| r < rank) =>
            {
                count
            }
            Some(rank) => {
                let mut pos = count;
                for i in 0..count {
                    let other = self.attrs[first + i].name();
                    if self.rank(element, other).is_none_or(|r| r > rank) {
                        pos = i;
                        break;
                    }
                }
                pos
            }
            None => count,
        };
        self.insert_attr(node, pos, attr);
    }

    /// The element's text content, if set. It is written only when the element has no
    /// child elements.
    pub fn text(&self, node: NodeId) -> Option<&str> {
        self.texts.get(&node.0).map(|t| &**t)
    }

    /// Sets the element's text content (WiX v3's `<MultiStringValue>text</MultiStringValue>`).
    pub fn set_text(&mut self, node: NodeId, text: impl Into<String>) {
        self.texts.insert(node.0, text.into().into_boxed_str());
    }

    /// Removes attribute `name`, returning its value.
    pub fn remove_attr(&mut self, node: NodeId, name: &str) -> Option<String> {
        let sym = self.sym(name)?;
        let n = &self.nodes[node.0 as usize];
        let first = n.attr_start as usize;
        let count = n.attr_count as usize;
        let i = self.attrs[first..first + count]
            .iter()
            .position(|a| a.name() == sym)?;
        let value = self.value_of(&self.attrs[first + i]).to_string();
        self.attrs[first + i..first + count].rotate_left(1);
        let n = &mut self.nodes[node.0 as usize];
        n.attr_count -= 1;
        n.attr_room = n.attr_room.saturating_add(1);
        Some(value)
    }

    /// `node` and every element below it, parents before children, in document order.
    pub fn descendants(&self, node: NodeId) -> Descendants<'_> {
        Descendants {
            doc: self,
            stack: vec![node],
        }
    }

    /// Every element in the tree named `name`, in document order.
    pub fn elements_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = NodeId> + 'a {
        let sym = self.sym(name);
        self.descendants(self.root())
            .filter(move |n| Some(self.nodes[n.0 as usize].name) == sym)
    }

    /// The elements of the tree named each of `names`, in document order, found in one pass:
    /// `result[i]` holds those named `names[i]`.
    pub fn index(&self, names: &[&str]) -> Vec<Vec<NodeId>> {
        let syms: Vec<Option<Sym>> = names.iter().map(|n| self.sym(n)).collect();
        let mut out = vec![Vec::new(); names.len()];
        for n in self.descendants(self.root()) {
            let sym = self.nodes[n.0 as usize].name;
            if let Some(i) = syms.iter().position(|s| *s == Some(sym)) {
                out[i].push(n);
            }
        }
        out
    }

    /// Every element named as one of `names`, by name, in the order they were created, those
    /// no longer in the tree among them: for a change to each element that does not depend on
    /// the others, this reads the arena in order, however the tree was rearranged.
    pub(crate) fn created_named(&self, names: &[&str]) -> Vec<Vec<NodeId>> {
        let syms: Vec<_> = names.iter().map(|n| self.sym(n)).collect();
        let mut out = vec![Vec::new(); names.len()];
        for (i, node) in self.nodes.iter().enumerate() {
            if let Some(k) = syms.iter().position(|s| *s == Some(node.name)) {
                out[k].push(NodeId(i as u32));
            }
        }
        out
    }

    /// The ancestors of `node`, nearest first.
    pub fn ancestors(&self, node: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        std::iter::successors(self.parent(node), move |n| self.parent(*n))
    }
}

/// Iterator over an element and its descendants in document order; see
/// [`Document::descendants`].
#[derive(Debug)]
pub struct Descendants<'a> {
    doc: &'a Document,
    stack: Vec<NodeId>,
}

impl Iterator for Descendants<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        let node = self.stack.pop()?;
        self.stack.extend(self.doc.children(node).iter().rev());
        Some(node)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_names_have_their_symbols() {
        let doc = Document::new(Schema::V3);
        for (i, name) in WELL_KNOWN.iter().enumerate() {
            assert_eq!(well_known(name), Some(i as Sym));
            assert_eq!(doc.names[i], *name);
        }
    }

    #[test]
    fn attributes_take_schema_order() {
        let mut doc = Document::new(Schema::V4);
        let c = doc.create_child(doc.root(), "Component");
        doc.set_attr(c, "Guid", "PUT-GUID-HERE");
        doc.set_attr(c, "Custom", "x");
        doc.set_attr(c, "Id", "cmp1");
        doc.set_attr(c, "Directory", "dir1");
        let names: Vec<_> = doc.attrs(c).map(|(n, _)| n).collect();
        assert_eq!(names, ["Id", "Directory", "Guid", "Custom"]);
    }

    /// An attribute as text.
    fn text(doc: &Document, node: NodeId, name: &str) -> Option<String> {
        doc.attr(node, name).map(|v| v.text().into_owned())
    }

    /// Every attribute as text.
    fn texts(doc: &Document, node: NodeId) -> Vec<(String, String)> {
        doc.attrs(node)
            .map(|(k, v)| (k.to_owned(), v.text().into_owned()))
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn compact_values_read_as_text() {
        let mut doc = Document::new(Schema::V4);
        let c = doc.create_child(doc.root(), "Component");
        let f = doc.create_child(c, "File");
        let hash = IdScheme::V4.hash(&["dirX", "a.txt"]);
        doc.set_attr_id(c, "Id", "cmp", hash);
        let guid = Uuid::from_bytes([0xab; 16]);
        doc.set_attr_guid(c, "Guid", guid, true);
        let folder = doc.store_text("SourceDir\\bin\\");
        let name = doc.store_text("a.txt");
        doc.set_attr_path(f, "Source", folder, name);

        let id = IdScheme::V4.generate("cmp", &["dirX", "a.txt"]);
        assert_eq!(text(&doc, c, "Id").as_deref(), Some(id.as_str()));
        assert!(doc.attr(c, "Id").unwrap() == id.as_str());
        assert_eq!(
            doc.attr(c, "Id"),
            Some(Value::Id {
                prefix: "cmp",
                hash
            })
        );
        assert_eq!(
            text(&doc, c, "Guid").as_deref(),
            Some("{ABABABAB-ABAB-ABAB-ABAB-ABABABABABAB}")
        );
        assert!(doc.attr(f, "Source").unwrap() == "SourceDir\\bin\\a.txt");
        assert!(doc.attr(f, "Source").unwrap() != "SourceDir\\bin\\b.txt");
        assert_eq!(doc.attr(f, "Source").unwrap().last_segment(), "a.txt");
        assert_eq!(doc.path_parts(f, "Source"), Some([folder, name]));
        assert_eq!(texts(&doc, c)[0], ("Id".to_owned(), id.clone()));

        doc.set_attr(c, "Directory", "dirX");
        doc.set_attr(c, "Guid", "*");
        assert_eq!(text(&doc, c, "Guid").as_deref(), Some("*"));
        assert_eq!(text(&doc, c, "Id").as_deref(), Some(id.as_str()));
        let copy = doc.clone();
        assert_eq!(
            text(&copy, f, "Source").as_deref(),
            Some("SourceDir\\bin\\a.txt")
        );
        assert_eq!(doc.remove_attr(c, "Id"), Some(id));
        assert_eq!(doc.attr(c, "Id"), None);
        assert_eq!(text(&doc, c, "Directory").as_deref(), Some("dirX"));
    }

    #[test]
    fn reserved_attributes_stay_in_place_and_in_order() {
        let mut doc = Document::new(Schema::V4);
        let c = doc.create_child(doc.root(), "Component");
        doc.reserve_attrs(c, 3);
        doc.set_attr(c, "Id", "cmp1");
        let f = doc.create_child(c, "File");
        doc.set_attr(f, "Id", "fil1");
        let used = doc.attrs.len();
        doc.set_attr(c, "Guid", "*");
        doc.set_attr(c, "Directory", "dir1");
        assert_eq!(doc.attrs.len(), used, "the reserved room was used");
        assert_eq!(
            texts(&doc, c),
            pairs(&[("Id", "cmp1"), ("Directory", "dir1"), ("Guid", "*")])
        );
        assert_eq!(texts(&doc, f), pairs(&[("Id", "fil1")]));
        // Past the room, attributes move and stay in order.
        doc.set_attr(c, "KeyPath", "yes");
        assert_eq!(text(&doc, c, "KeyPath").as_deref(), Some("yes"));
        assert_eq!(doc.remove_attr(c, "Directory").as_deref(), Some("dir1"));
        doc.set_attr(c, "Directory", "dir2");
        let names: Vec<_> = doc.attrs(c).map(|(k, _)| k).collect();
        assert_eq!(names, ["Id", "Directory", "Guid", "KeyPath"]);
        assert_eq!(texts(&doc, f), pairs(&[("Id", "fil1")]));
        // Room asked for after other elements' attributes moves the element's to the end.
        let g = doc.create_child(doc.root(), "Component");
        doc.set_attr(g, "Id", "cmp2");
        doc.set_attr(f, "KeyPath", "yes");
        doc.reserve_attrs(g, 2);
        doc.set_attr(g, "Guid", "*");
        assert_eq!(texts(&doc, g), pairs(&[("Id", "cmp2"), ("Guid", "*")]));
    }

    #[test]
    #[should_panic(expected = "inside itself")]
    fn an_element_cannot_be_moved_under_itself() {
        let mut doc = Document::new(Schema::V4);
        let a = doc.create_child(doc.root(), "Directory");
        let b = doc.create_child(a, "Directory");
        let c = doc.create_child(b, "Directory");
        doc.append(c, a);
    }

    #[test]
    fn a_leaf_moves_without_a_search() {
        let mut doc = Document::new(Schema::V4);
        let a = doc.create_child(doc.root(), "Directory");
        let b = doc.create_child(doc.root(), "Directory");
        let c = doc.create_child(a, "Component");
        doc.append(b, c);
        assert_eq!(doc.children(b), [c]);
        assert!(doc.descendants(doc.root()).count() == 4);
    }

    #[test]
    fn detaching_many_at_once_matches_one_at_a_time() {
        let build = || {
            let mut doc = Document::new(Schema::V3);
            let a = doc.create_child(doc.root(), "A");
            let b = doc.create_child(doc.root(), "B");
            let kids: Vec<NodeId> = (0..40)
                .map(|i| doc.create_child(if i % 3 == 0 { b } else { a }, "C"))
                .collect();
            (doc, a, b, kids)
        };
        let (mut one, a, b, kids) = build();
        let (mut all, ..) = build();
        let leaving: Vec<NodeId> = kids.iter().copied().filter(|k| k.0 % 2 == 0).collect();
        for &k in &leaving {
            one.detach(k);
        }
        all.detach_all(&leaving);
        for n in [a, b] {
            assert_eq!(one.children(n), all.children(n));
        }
        assert!(leaving.iter().all(|&k| all.parent(k).is_none()));
        // Lists shrunk this way still grow correctly.
        for &k in &leaving {
            all.append(a, k);
            one.append(a, k);
        }
        assert_eq!(one.children(a), all.children(a));
        assert_eq!(all.children(a).len() + all.children(b).len(), 40);
        assert!(all.children(a).ends_with(&leaving));
    }

    #[test]
    fn moving_and_detaching() {
        let mut doc = Document::new(Schema::V3);
        let a = doc.create_child(doc.root(), "A");
        let b = doc.create_child(doc.root(), "B");
        let c = doc.create_child(a, "C");
        doc.append(b, c);
        assert!(doc.children(a).is_empty());
        assert_eq!(doc.children(b), [c]);
        assert_eq!(doc.parent(c), Some(b));
        let order: Vec<_> = doc
            .descendants(doc.root())
            .map(|n| doc.name(n).to_owned())
            .collect();
        assert_eq!(order, ["Wix", "A", "B", "C"]);
        doc.detach(b);
        assert_eq!(doc.children(doc.root()), [a]);
        let d = doc.create_child(a, "D");
        let e = doc.create_child(a, "E");
        assert_eq!(doc.take_children(a), [d, e]);
        assert!(doc.children(a).is_empty());
        assert_eq!(doc.parent(d), None);
        doc.append(b, e);
        assert_eq!(doc.children(b), [c, e]);
    }
}
