//! The main mutator (heat's `UtilMutator`, sequence 1000): readable ids for `-suid`, GUIDs,
//! fragments, the component group and the product or module template.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashMap;

use rayon::prelude::*;

use crate::error::Result;
use crate::pipeline::{sequence, Context, Mutator};
use crate::wix::escape::{unescape_formatted, unescape_wix};
use crate::wix::guid;
use crate::wix::ids::{ReadableIds, MAX_MODULE_ID_LEN, MAX_PRODUCT_ID_LEN};
use crate::wix::{directory_reference, is_directory_reference};
use crate::wix::{Document, FastHash, NodeId, Schema, Value};

/// How many components' GUIDs are worked out together.
const GUID_BATCH: usize = 1 << 14;

/// What to write in `Component/@Guid` (and in a template's GUIDs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GuidMode {
    /// `PUT-GUID-HERE`, as heat writes by default.
    #[default]
    Placeholder,
    /// `-ag`: `*`, for the compiler to derive.
    Auto,
    /// `-gg`: a GUID now, derived from the install location (see [`crate::wix::guid`]); in braces
    /// unless `-g1`.
    Generate {
        /// Write the GUID in braces (`-g1` turns this off).
        braces: bool,
    },
}

/// `-template`: what the harvest is wrapped in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Template {
    /// Fragments only (the default).
    #[default]
    Fragment,
    /// A merge module with heat's placeholders.
    Module,
    /// A product (a `Package` in v4) with heat's placeholders.
    Product,
}

/// heat's `UtilMutator`.
#[derive(Debug, Clone)]
pub struct MainMutator {
    /// `-cg`: put every component in a `ComponentGroup` of this name.
    pub component_group: Option<String>,
    /// Fragments: one per directory and component (`-sfrag` turns this off).
    pub fragments: bool,
    /// What `Component/@Guid` becomes.
    pub guids: GuidMode,
    /// `-suid` turns this off: elements without ids then get readable ids from their names.
    pub unique_ids: bool,
    /// `-template`.
    pub template: Template,
}

impl Default for MainMutator {
    fn default() -> Self {
        MainMutator {
            component_group: None,
            fragments: true,
            guids: GuidMode::Placeholder,
            unique_ids: true,
            template: Template::Fragment,
        }
    }
}

impl Mutator for MainMutator {
    fn name(&self) -> &str {
        "heat-main"
    }

    fn sequence(&self) -> i32 {
        sequence::MAIN
    }

    fn mutate(&mut self, cx: &mut Context, doc: &mut Document) -> Result<()> {
        let mut pass = Pass::new(self, doc);
        let generated = std::mem::take(&mut pass.generated);
        pass.run();
        if let GuidMode::Generate { .. } = self.guids {
            cx.hand_over(LocationGuids::new(generated, doc.len()));
        }
        Ok(())
    }
}

/// The components whose `Guid` the main mutator made from their install location (`-gg`),
/// handed over to later stages (`-cgsplit`), which then need not work the locations out again.
#[derive(Debug, Default)]
pub(crate) struct LocationGuids {
    /// One bit a node, by index: set for a component given its location's GUID.
    generated: Vec<u64>,
}

impl LocationGuids {
    fn new(components: Vec<NodeId>, nodes: usize) -> Self {
        let mut generated = vec![0u64; nodes.div_ceil(64)];
        for c in components {
            let i = c.index() as usize;
            generated[i / 64] |= 1 << (i % 64);
        }
        LocationGuids { generated }
    }

    /// The GUID of `component`'s install location, when the main mutator made it and it is
    /// still the component's `Guid`.
    pub(crate) fn get(&self, doc: &Document, component: NodeId) -> Option<uuid::Uuid> {
        let i = component.index() as usize;
        if self.generated.get(i / 64)? & (1 << (i % 64)) == 0 {
            return None;
        }
        match doc.attr(component, "Guid")? {
            Value::Guid { guid, .. } => Some(guid),
            _ => None,
        }
    }
}

/// One run of the main mutator over a document.
struct Pass<'a> {
    m: &'a MainMutator,
    doc: &'a mut Document,
    components: Vec<NodeId>,
    directories: Vec<NodeId>,
    directory_refs: Vec<NodeId>,
    files: Vec<NodeId>,
    groups: Vec<NodeId>,
    feature: Option<NodeId>,
    root_element: Option<NodeId>,
    /// Fragments made so far, by key; a removed one is `None`.
    fragments: Vec<(String, Option<NodeId>)>,
    /// Where each component fragment sits in `fragments`.
    component_fragments: HashMap<String, usize>,
    /// The components given their location's GUID.
    generated: Vec<NodeId>,
}

impl<'a> Pass<'a> {
    fn new(m: &'a MainMutator, doc: &'a mut Document) -> Self {
        let mut p = Pass {
            m,
            components: Vec::new(),
            directories: Vec::new(),
            directory_refs: Vec::new(),
            files: Vec::new(),
            groups: Vec::new(),
            feature: None,
            root_element: None,
            fragments: Vec::new(),
            component_fragments: HashMap::new(),
            generated: Vec::new(),
            doc,
        };
        for n in p.doc.descendants(p.doc.root()) {
            match p.doc.name(n) {
                "Component" => p.components.push(n),
                "ComponentGroup" => p.groups.push(n),
                "Directory" => p.directories.push(n),
                "DirectoryRef" | "StandardDirectory" => p.directory_refs.push(n),
                "File" => p.files.push(n),
                "Feature" => p.feature = p.feature.or(Some(n)),
                "Module" | "Product" | "PatchCreation" => p.root_element = Some(n),
                "Package" if p.doc.schema() == Schema::V4 => p.root_element = Some(n),
                _ => {}
            }
        }
        // GUIDs come from install locations, which are read off the tree before anything moves.
        if let GuidMode::Generate { braces } = m.guids {
            // A component's location is its folder's, then its key file's name: the folders'
            // locations are worked out once each, and the GUIDs on every core, a slice of the
            // components at a time so that what is in flight stays small.
            let mut folders: HashMap<NodeId, guid::FolderGuids, FastHash> = HashMap::default();
            let mut last = None;
            let components = std::mem::take(&mut p.components);
            for slice in components.chunks(GUID_BATCH) {
                let todo: Vec<NodeId> = slice
                    .iter()
                    .copied()
                    .filter(|c| !p.doc.has_attr(*c, "Guid"))
                    .collect();
                // Each component with its folder and key file, when it sits right in a folder.
                let plan: Vec<(Option<(NodeId, NodeId)>, NodeId)> = todo
                    .iter()
                    .map(|&c| {
                        let folder = p.doc.parent(c).filter(|&d| {
                            let name = p.doc.name(d);
                            name == "Directory" || is_directory_reference(name)
                        });
                        let file = p.doc.children_named(c, "File").next();
                        if let (Some(d), Some(file)) = (folder, file) {
                            // A folder's components come one after another: look it up once.
                            if last != Some(d) {
                                folders.entry(d).or_insert_with(|| {
                                    guid::FolderGuids::new(&[&folder_location(p.doc, d)])
                                });
                                last = Some(d);
                            }
                            (Some((d, file)), c)
                        } else {
                            (None, c)
                        }
                    })
                    .collect();
                let doc: &Document = p.doc;
                let guids: Vec<uuid::Uuid> = plan
                    .par_iter()
                    .map(|&(place, c)| match place {
                        Some((d, file)) => folders[&d].guid(&key_file_name(doc, file)),
                        None => guid::for_location(&install_location(doc, c)),
                    })
                    .collect();
                for (&c, g) in todo.iter().zip(guids) {
                    p.doc.set_attr_guid(c, "Guid", g, braces);
                }
                p.generated.extend(todo);
            }
            p.components = components;
        }
        p
    }

    fn run(mut self) {
        self.wrap_in_template();
        self.name_files();
        self.mutate_directories();
        self.mutate_components();
        if let Some(name) = self.m.component_group.clone() {
            self.create_component_group(&name);
        }
        self.reference_groups();
        let mut fragments: Vec<(String, NodeId)> = std::mem::take(&mut self.fragments)
            .into_iter()
            .filter_map(|(key, f)| f.map(|f| (key, f)))
            .collect();
        fragments.sort_by(|a, b| culture_cmp(&a.0, &b.0));
        let root = self.doc.root();
        for (_, fragment) in fragments {
            self.doc.append(root, fragment);
        }
    }

    /// The element's `Id` (empty when it has none), spelled out without keeping it.
    fn id_of(&self, node: NodeId) -> String {
        self.doc
            .attr(node, "Id")
            .map(|v| v.to_string())
            .unwrap_or_default()
    }

    fn max_id_len(&self) -> usize {
        if self.m.template == Template::Module {
            MAX_MODULE_ID_LEN
        } else {
            MAX_PRODUCT_ID_LEN
        }
    }

    fn add_fragment(&mut self, key: String, fragment: NodeId) {
        if key.starts_with("Component:") {
            self.component_fragments
                .insert(key.clone(), self.fragments.len());
        }
        self.fragments.push((key, Some(fragment)));
    }

    /// heat's `MutateWix`: the product or module template around the harvest.
    fn wrap_in_template(&mut self) {
        if self.m.template == Template::Fragment {
            return;
        }
        let v4 = self.doc.schema() == Schema::V4;
        // Template GUIDs under -gg are derived from the harvest's first install location, so
        // that they, too, are the same on every run.
        let seed = self
            .directory_refs
            .first()
            .and_then(|r| self.doc.attr(*r, "Id").map(|v| v.text().into_owned()))
            .unwrap_or_else(|| "TARGETDIR".to_owned());
        let doc = &mut *self.doc;
        let root_el = if self.m.template == Template::Module {
            let module = doc.create("Module");
            doc.set_attr(module, "Id", "PUT-MODULE-NAME-HERE");
            doc.set_attr(module, "Language", "1033");
            doc.set_attr(module, "Version", "1.0.0.0");
            if v4 {
                doc.set_attr(module, "Guid", self_guid(self.m.guids, &seed, "module"));
                doc.set_attr(module, "InstallerVersion", "200");
                let summary = doc.create_child(module, "SummaryInformation");
                doc.set_attr(summary, "Manufacturer", "PUT-COMPANY-NAME-HERE");
            } else {
                let package = doc.create_child(module, "Package");
                doc.set_attr(package, "Id", self_guid(self.m.guids, &seed, "module"));
                doc.set_attr(package, "Manufacturer", "PUT-COMPANY-NAME-HERE");
                doc.set_attr(package, "InstallerVersion", "200");
            }
            module
        } else {
            let product = doc.create(if v4 { "Package" } else { "Product" });
            if !v4 {
                doc.set_attr(product, "Id", self_guid(self.m.guids, &seed, "product"));
            }
            doc.set_attr(product, "Language", "1033");
            doc.set_attr(product, "Manufacturer", "PUT-COMPANY-NAME-HERE");
            doc.set_attr(product, "Name", "PUT-PRODUCT-NAME-HERE");
            doc.set_attr(
                product,
                "UpgradeCode",
                self_guid(self.m.guids, &seed, "upgrade"),
            );
            doc.set_attr(product, "Version", "1.0.0.0");
            if v4 {
                doc.set_attr(product, "Compressed", "yes");
                doc.set_attr(product, "InstallerVersion", "200");
            } else {
                let package = doc.create_child(product, "Package");
                doc.set_attr(package, "Compressed", "yes");
                doc.set_attr(package, "InstallerVersion", "200");
            }
            product
        };
        let target = doc.create_child(root_el, if v4 { "StandardDirectory" } else { "Directory" });
        doc.set_attr(target, "Id", "TARGETDIR");
        if !v4 {
            doc.set_attr(target, "Name", "SourceDir");
        }
        // The harvest rooted at TARGETDIR moves into the template's TARGETDIR.
        if let Some(&reference) = self.directory_refs.iter().find(|r| {
            doc.attr(**r, "Id")
                .is_some_and(|id| id.text().eq_ignore_ascii_case("TARGETDIR"))
        }) {
            for child in doc.children(reference).to_vec() {
                doc.append(target, child);
            }
            let parent = doc.parent(reference);
            doc.detach(reference);
            if let Some(parent) = parent.filter(|p| doc.parent(*p).is_some()) {
                if doc.children(parent).is_empty() {
                    doc.detach(parent);
                }
            }
        }
        if self.m.template == Template::Product {
            let media = doc.create_child(root_el, "Media");
            doc.set_attr(media, "Id", "1");
            doc.set_attr(media, "Cabinet", "product.cab");
            doc.set_attr(media, "EmbedCab", "yes");
            let feature = doc.create_child(root_el, "Feature");
            doc.set_attr(feature, "Id", "ProductFeature");
            doc.set_attr(feature, "Title", "PUT-FEATURE-TITLE-HERE");
            doc.set_attr(feature, "Level", "1");
            self.feature = Some(feature);
        }
        // The root's children are kept in schema order: the product or module goes before any
        // fragment.
        let root = doc.root();
        doc.append(root, root_el);
        self.root_element = Some(root_el);
    }

    /// heat's `MutateFiles`: readable file ids from the file names.
    fn name_files(&mut self) {
        let mut ids = ReadableIds::new("File", self.max_id_len());
        reserve_given(self.doc, &self.files, &mut ids);
        for &f in &self.files {
            if !self.doc.has_attr(f, "Id") {
                let schema = self.doc.schema();
                let name = self
                    .doc
                    .attr(f, "Source")
                    .map(|v| source_file_name(v, schema).into_owned())
                    .unwrap_or_default();
                let id = ids.next(&name);
                self.doc.set_attr(f, "Id", id);
            }
        }
    }

    /// heat's `MutateDirectories`: readable ids, then a fragment for every directory that
    /// sits in another directory.
    fn mutate_directories(&mut self) {
        if !self.m.unique_ids {
            let mut ids = ReadableIds::new("Directory", self.max_id_len());
            reserve_given(self.doc, &self.directories, &mut ids);
            for &d in &self.directories {
                if self.doc.attr(d, "Id").is_none() {
                    // Readable ids come from the name on disk, which `Name` holds escaped.
                    let name = text_of(self.doc, d, "Name");
                    let name = unescape_wix(&name, self.doc.schema());
                    let id = ids.next(&name);
                    self.doc.set_attr(d, "Id", id);
                }
            }
        }
        if !self.m.fragments {
            return;
        }
        for d in self.directories.clone() {
            let Some(parent) = self.doc.parent(d) else {
                continue;
            };
            let id = text_of(self.doc, d, "Id");
            let key = format!("Directory:{}", if id == "TARGETDIR" { "" } else { &id });
            if self.doc.name(parent) == "Directory" {
                let parent_id = text_of(self.doc, parent, "Id");
                let fragment = self.doc.create("Fragment");
                let reference = directory_reference(self.doc, fragment, &parent_id);
                self.doc.append(reference, d);
                self.add_fragment(key, fragment);
            } else if Some(parent) == self.root_element {
                let fragment = self.doc.create("Fragment");
                self.doc.append(fragment, d);
                self.add_fragment(key, fragment);
            } else if self.doc.name(parent) == "Fragment" {
                // heat removes a Directory that sits right in a Fragment (heat v3's `reg`
                // harvest of TARGETDIR): its components then move to fragments of their own.
                // The fragment goes too, whatever else it holds: heat's emptiness test reads
                // `Children.GetEnumerator().Current` before any `MoveNext`, which is null.
                self.doc.detach(d);
                if self.doc.parent(parent).is_some() {
                    self.doc.detach(parent);
                }
            }
        }
    }

    /// heat's `MutateComponents`: readable ids, GUIDs, and a fragment for every component
    /// that sits in a directory.
    fn mutate_components(&mut self) {
        let mut ids = ReadableIds::new("Component", self.max_id_len());
        reserve_given(self.doc, &self.components, &mut ids);
        // Components that move to fragments of their own leave their folders all at once: one
        // by one, a folder of n files would cost n² steps.
        let components = std::mem::take(&mut self.components);
        let moving_out = self.m.fragments && self.m.component_group.is_none();
        let parents: Vec<Option<NodeId>> = if moving_out {
            components.iter().map(|&c| self.doc.parent(c)).collect()
        } else {
            Vec::new()
        };
        if moving_out {
            let moving: Vec<NodeId> = components
                .iter()
                .zip(&parents)
                .filter(|(_, p)| p.is_some_and(|p| self.doc.name(p) == "Directory"))
                .map(|(&c, _)| c)
                .collect();
            self.doc.detach_all(&moving);
        }
        for (i, &c) in components.iter().enumerate() {
            let parent = match parents.get(i) {
                Some(&parent) => parent,
                None => self.doc.parent(c),
            };
            if !self.doc.has_attr(c, "Id") {
                let first_file = self
                    .doc
                    .children_named(c, "File")
                    .next()
                    .and_then(|f| self.doc.attr(f, "Id"))
                    .map(|v| v.text().into_owned());
                // heat names a component without a file after a new GUID: its own GUID here
                // under -gg (derived from its location), heat's placeholder otherwise.
                let name = first_file.unwrap_or_else(|| match self.m.guids {
                    GuidMode::Generate { .. } => self
                        .doc
                        .attr(c, "Guid")
                        .map_or_else(|| "PUT-GUID-HERE".to_owned(), |v| v.text().into_owned()),
                    _ => "PUT-GUID-HERE".to_owned(),
                });
                let id = ids.next(&name);
                self.doc.set_attr(c, "Id", id);
            }
            if !self.doc.has_attr(c, "Guid") {
                let value = match self.m.guids {
                    GuidMode::Auto => "*",
                    _ => "PUT-GUID-HERE",
                };
                self.doc.set_attr(c, "Guid", value);
            }
            let Some(parent) = parent else {
                continue;
            };
            if self.m.fragments && self.doc.name(parent) == "Directory" {
                if let Some(module) = self.root_element.filter(|r| self.doc.name(*r) == "Module") {
                    let r = self.doc.create_child(module, "ComponentRef");
                    self.doc.copy_attr(c, "Id", r, "Id");
                }
                // With a component group, heat moves every component out of the fragment made
                // here and drops the fragment (create_component_group): skip making it.
                if self.m.component_group.is_some() {
                    continue;
                }
                let key = format!("Component:{}", self.id_of(c));
                let parent_id = self.id_of(parent);
                let fragment = self.doc.create("Fragment");
                let reference = directory_reference(self.doc, fragment, &parent_id);
                self.doc.append(reference, c);
                self.add_fragment(key, fragment);
            }
        }
        self.components = components;
    }

    /// heat's `CreateComponentGroup`.
    fn create_component_group(&mut self, name: &str) {
        let fragment = self.doc.create_child(self.doc.root(), "Fragment");
        let group = self.doc.create_child(fragment, "ComponentGroup");
        self.doc.set_attr(group, "Id", name);
        self.groups.push(group);
        let components = std::mem::take(&mut self.components);
        if !self.m.fragments {
            for c in components {
                let r = self.doc.create_child(group, "ComponentRef");
                self.doc.copy_attr(c, "Id", r, "Id");
            }
            return;
        }
        // The components that move, with the folders they leave, which all leave at once.
        let moving: Vec<(NodeId, NodeId)> = components
            .iter()
            .filter_map(|&c| {
                let parent = self.doc.parent(c)?;
                let name = self.doc.name(parent);
                (name == "Directory" || is_directory_reference(name)).then_some((c, parent))
            })
            .collect();
        drop(components);
        let detached: Vec<NodeId> = moving.iter().map(|(c, _)| *c).collect();
        self.doc.detach_all(&detached);
        drop(detached);
        for (c, parent) in moving {
            let parent_is_reference = is_directory_reference(self.doc.name(parent));
            self.doc.append(group, c);
            self.doc.copy_attr(parent, "Id", c, "Directory");
            // The fragment made for this component now holds an empty reference: drop it.
            if parent_is_reference {
                let key = format!("Component:{}", self.id_of(c));
                if let Some(&pos) = self.component_fragments.get(&key) {
                    self.fragments[pos].1 = None;
                }
            }
        }
    }

    /// Adds a reference to every component group to the template's feature or module.
    fn reference_groups(&mut self) {
        let holder = match self.m.template {
            Template::Product => self.feature,
            Template::Module => self.root_element,
            Template::Fragment => None,
        };
        let Some(holder) = holder else { return };
        for g in self.groups.clone() {
            let id = text_of(self.doc, g, "Id");
            let r = self.doc.create_child(holder, "ComponentGroupRef");
            self.doc.set_attr(r, "Id", id);
        }
    }
}

/// When some of `elements` have an id already (given by an earlier mutator, such as
/// `-update`'s) and others have none, the readable ids made for the others avoid the given ones.
fn reserve_given(doc: &Document, elements: &[NodeId], ids: &mut ReadableIds) {
    if elements.iter().all(|e| doc.has_attr(*e, "Id")) {
        return;
    }
    for &e in elements {
        if let Some(id) = doc.attr(e, "Id") {
            ids.reserve(&id.to_string());
        }
    }
}

fn self_guid(mode: GuidMode, seed: &str, what: &str) -> String {
    match mode {
        GuidMode::Generate { braces } => {
            guid::format(guid::for_location(&format!("{seed}|{what}")), braces)
        }
        _ => "PUT-GUID-HERE".to_owned(),
    }
}

/// The install location of a component: the id of the directory reference it is harvested
/// under, then the names of the folders down to it, then its key file's name (or, for a
/// registry component, its root and key), joined by `\`.
pub(crate) fn install_location(doc: &Document, component: NodeId) -> String {
    let registry_key: String;
    let file_name: Cow<'_, str>;
    let mut parts: Vec<&str> = Vec::with_capacity(16);
    if let Some(file) = doc.children_named(component, "File").next() {
        file_name = key_file_name(doc, file);
        parts.push(&file_name);
    } else if let Some(key) = doc.children_named(component, "RegistryKey").next() {
        // A registry component (`heat reg`) is installed at its key.
        // The key as it is installed, not as WiX source and formatted strings write it.
        let written = text_of(doc, key, "Key");
        registry_key = format!(
            "{}\\{}",
            text_of(doc, key, "Root"),
            unescape_formatted(&unescape_wix(&written, doc.schema()))
        );
        parts.push(&registry_key);
    }
    let folder = doc
        .parent(component)
        .map(|d| folder_location(doc, d))
        .unwrap_or_default();
    let mut out = folder;
    for p in parts {
        if !out.is_empty() {
            out.push('\\');
        }
        out.push_str(p);
    }
    out
}

/// The name a `File` is installed under: its `Name`, or the last part of its `Source`, as WiX
/// reads them (WiX source escapes `$` and WiX variable references in them).
fn key_file_name(doc: &Document, file: NodeId) -> Cow<'_, str> {
    let schema = doc.schema();
    match doc.attr(file, "Name") {
        Some(Value::Text(name)) => unescape_wix(name, schema),
        Some(name) => Cow::Owned(unescape_wix(&name.to_string(), schema).into_owned()),
        None => doc
            .attr(file, "Source")
            .map(|source| source_file_name(source, schema))
            .unwrap_or_default(),
    }
}

/// The last part of `Source` path `source`, as WiX reads it. A path held as a folder's part
/// and a name was escaped in those two parts, so its name alone is read; any other is read
/// whole first, since a WiX variable reference may run across its separators.
fn source_file_name(source: Value<'_>, schema: Schema) -> Cow<'_, str> {
    match source {
        Value::Path { folder, name } if !folder.is_empty() && !name.contains(['\\', '/']) => {
            unescape_wix(name, schema)
        }
        source => {
            let whole = unescape_wix(&source.text(), schema).into_owned();
            Cow::Owned(
                whole
                    .rsplit(['\\', '/'])
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            )
        }
    }
}

/// The install location of a folder element: the id of the directory reference above it, then
/// the names of the folders down to it (itself included), joined by `\`.
fn folder_location(doc: &Document, folder: NodeId) -> String {
    let mut parts: Vec<Cow<'_, str>> = Vec::with_capacity(16);
    let part = |a, name| doc.attr(a, name).map_or(Cow::Borrowed(""), |v| v.text());
    for a in std::iter::once(folder).chain(doc.ancestors(folder)) {
        match doc.name(a) {
            // The name on disk, which `Name` holds escaped for WiX.
            "Directory" => parts.push(match part(a, "Name") {
                Cow::Borrowed(name) => unescape_wix(name, doc.schema()),
                Cow::Owned(name) => Cow::Owned(unescape_wix(&name, doc.schema()).into_owned()),
            }),
            name if is_directory_reference(name) => {
                parts.push(part(a, "Id"));
                break;
            }
            _ => {}
        }
    }
    let mut out = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for (i, p) in parts.iter().rev().enumerate() {
        if i > 0 {
            out.push('\\');
        }
        out.push_str(p);
    }
    out
}

/// The text of attribute `name` of `node`, or nothing.
fn text_of(doc: &Document, node: NodeId, name: &str) -> String {
    doc.attr(node, name)
        .map(|v| v.text().into_owned())
        .unwrap_or_default()
}

/// Orders fragment keys as heat's `SortedList` does with .NET's culture-aware string
/// comparison: letters without regard to case first, punctuation before digits before
/// letters, then lower case before upper case, then by code unit.
pub(crate) fn culture_cmp(a: &str, b: &str) -> Ordering {
    fn weight(c: char) -> u32 {
        match c {
            '_' => 1,
            '-' => 2,
            ':' => 3,
            '.' => 4,
            c if c.is_ascii_punctuation() => 10 + c as u32,
            c if c.is_ascii_digit() => 1000 + c as u32,
            c if c.is_ascii_alphabetic() => 2000 + c.to_ascii_lowercase() as u32,
            c => 3000 + c.to_lowercase().next().unwrap_or(c) as u32,
        }
    }
    let primary = a.chars().map(weight).cmp(b.chars().map(weight));
    primary
        .then_with(|| {
            a.chars()
                .map(char::is_uppercase)
                .cmp(b.chars().map(char::is_uppercase))
        })
        .then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn culture_order() {
        let mut keys = vec![
            "Directory:dirB",
            "Component:cmpa",
            "Component:cmpB",
            "Component:cmp_",
            "Component:cmp9",
        ];
        keys.sort_by(|a, b| culture_cmp(a, b));
        assert_eq!(
            keys,
            [
                "Component:cmp_",
                "Component:cmp9",
                "Component:cmpa",
                "Component:cmpB",
                "Directory:dirB"
            ]
        );
        assert_eq!(culture_cmp("a", "A"), Ordering::Less);
    }
}
