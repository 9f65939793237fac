//! [`HeatTree`]: heat's harvest of folders and files, built element by element with heat's ids,
//! as `heat dir` and `heat file` build theirs and as an extension's harvester can.

use std::path::Path;

use crate::pipeline::Context;
use crate::wix::escape::{escape_wix, may_hold_reference};
use crate::wix::ids::IdScheme;
use crate::wix::{directory_reference, Document, IdBlock, NodeId, TextRef};

/// How a harvest of folders is shaped: heat's `-dr`, `-srd`, `-ke` and `-suid`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TreeShape {
    /// `-dr`: the directory the harvest is rooted under (default `TARGETDIR`); it seeds every
    /// id.
    pub directory_ref: String,
    /// `-srd`: leave the harvested root folder out; its id still seeds its children's.
    pub suppress_root: bool,
    /// `-ke`: keep folders with nothing below them, each with a `CreateFolder` component.
    pub keep_empty: bool,
    /// `-suid` turns this off: no ids are written, and heat's main mutator makes readable ones
    /// from the names.
    pub unique_ids: bool,
}

impl Default for TreeShape {
    fn default() -> Self {
        TreeShape {
            directory_ref: "TARGETDIR".to_owned(),
            suppress_root: false,
            keep_empty: false,
            unique_ids: true,
        }
    }
}

/// A folder of a [`HeatTree`], from [`HeatTree::root`] or [`HeatTree::folder`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FolderRef(usize);

#[derive(Debug)]
struct FolderState {
    node: NodeId,
    parent: Option<usize>,
    /// heat's id of the folder, which seeds its children's (kept under `-suid` too, unwritten).
    id: String,
    /// `SourceDir\` and the folder's path below the root, with a trailing `\`, as the names
    /// are on disk; escaped for WiX and stored once for its files.
    source: String,
    stored_source: Option<TextRef>,
    /// Whether `source` holds what a WiX variable reference starts with (see
    /// [`may_hold_reference`]): its files' paths are then escaped whole.
    source_may_refer: bool,
    /// Files harvested right in the folder, and below it.
    files: usize,
    below: usize,
}

/// heat's harvest of a tree of folders and files, element by element, with the ids, `Source`
/// paths and layout heat's `DirectoryHarvester` gives them (and then heat's mutators expect):
/// a `Directory` per folder (`Id` = heat's `dir` hash of its parent's id and its name, `Name`,
/// and `FileSource`, which the finalizing mutator removes), a `Component` with one `File` per
/// file (`fil` and `cmp` hashes, `KeyPath="yes"`, `Source="SourceDir\…"`), a `CreateFolder`
/// component for a folder kept empty under `-ke`, all under a `DirectoryRef` (v4:
/// `StandardDirectory` for a standard directory) to `-dr`, or with `-srd` the root's children
/// there in its place.
///
/// Names and paths are written as WiX source holds them: `Directory/@Name` and `File/@Source`
/// escaped with [`escape_wix`], so that WiX builds the folder and file of the name on disk (a
/// folder named `$(env.HOME)` is `Name="$$(env.HOME)"`); ids are made from the names as they
/// are on disk, as heat makes them.
///
/// An extension's harvester that builds its tree with this gives every folder and file it
/// keeps exactly the ids `heat dir` would give it:
///
/// ```
/// use heat::extension::{Context, HeatTree};
/// use heat::harvest::TreeShape;
/// use heat::{IdScheme, Schema};
///
/// let cx = Context::new(Schema::V3, false, Default::default());
/// let mut tree = HeatTree::new(&cx, &TreeShape::default());
/// let root = tree.root("MyDir", None);
/// let bin = tree.folder(root, "bin", None);
/// tree.file(bin, "app.exe");
/// tree.finish_folder(bin);
/// tree.finish_folder(root);
/// let doc = tree.finish();
/// let dir = doc.elements_named("Directory").next().unwrap();
/// assert_eq!(doc.attr(dir, "Id").unwrap(), IdScheme::V3.generate("dir", &["TARGETDIR", "MyDir"]));
/// ```
#[derive(Debug)]
pub struct HeatTree {
    doc: Document,
    ids: IdScheme,
    shape: TreeShape,
    folders: Vec<FolderState>,
    root: Option<usize>,
    yes: TextRef,
}

impl HeatTree {
    /// An empty harvest in `cx`'s schema, with its id scheme, shaped as `shape` says.
    pub fn new(cx: &Context, shape: &TreeShape) -> HeatTree {
        let mut doc = Document::new(cx.schema);
        let yes = doc.store_text("yes");
        HeatTree {
            doc,
            ids: cx.ids,
            shape: shape.clone(),
            folders: Vec::new(),
            root: None,
            yes,
        }
    }

    /// The harvested folder itself, named `name`: its id is heat's `dir` hash of `-dr` and the
    /// name (of `-dr` alone under `-srd`). `path`, where it is on disk, is written as its
    /// `FileSource`, as heat's harvester writes it.
    ///
    /// # Panics
    /// When called twice.
    pub fn root(&mut self, name: &str, path: Option<&Path>) -> FolderRef {
        let dr = self.shape.directory_ref.as_str();
        let id = if self.shape.suppress_root {
            self.ids.generate("dir", &[dr])
        } else {
            self.ids.generate("dir", &[dr, name])
        };
        self.root_folder(name, id, "SourceDir\\".to_owned(), path)
    }

    /// The root folder with its id and its part of the `Source` paths given: heat's `file`
    /// harvest seeds ids and paths otherwise than `dir`.
    pub(crate) fn root_folder(
        &mut self,
        name: &str,
        id: String,
        source: String,
        path: Option<&Path>,
    ) -> FolderRef {
        assert!(self.root.is_none(), "a harvest has one root folder");
        let node = self.directory_element(name, &id, path);
        self.root = Some(self.folders.len());
        self.push_folder(node, None, id, source)
    }

    /// A sub-folder `name` of `parent`: its id is heat's `dir` hash of its parent's id and its
    /// name. It joins its parent when finished ([`finish_folder`](Self::finish_folder)), if it
    /// holds a file below it, or always under `-ke`.
    pub fn folder(&mut self, parent: FolderRef, name: &str, path: Option<&Path>) -> FolderRef {
        let id = self
            .ids
            .generate("dir", &[&self.folders[parent.0].id, name]);
        self.folder_with_id(parent, name, id, path)
    }

    /// [`folder`](Self::folder), with the id worked out already.
    pub(crate) fn folder_with_id(
        &mut self,
        parent: FolderRef,
        name: &str,
        id: String,
        path: Option<&Path>,
    ) -> FolderRef {
        let node = self.directory_element(name, &id, path);
        let p = &self.folders[parent.0];
        let mut source = String::with_capacity(p.source.len() + name.len() + 1);
        source.push_str(&p.source);
        source.push_str(name);
        source.push('\\');
        self.push_folder(node, Some(parent.0), id, source)
    }

    fn push_folder(
        &mut self,
        node: NodeId,
        parent: Option<usize>,
        id: String,
        source: String,
    ) -> FolderRef {
        let source_may_refer = may_hold_reference(&source, self.doc.schema());
        self.folders.push(FolderState {
            node,
            parent,
            id,
            source,
            stored_source: None,
            source_may_refer,
            files: 0,
            below: 0,
        });
        FolderRef(self.folders.len() - 1)
    }

    fn directory_element(&mut self, name: &str, id: &str, path: Option<&Path>) -> NodeId {
        let el = self.doc.create("Directory");
        if self.shape.unique_ids {
            self.doc.set_attr(el, "Id", id);
        }
        let schema = self.doc.schema();
        self.doc.set_attr(el, "Name", escape_wix(name, schema));
        if let Some(path) = path {
            let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
            self.doc.set_attr(el, "FileSource", abs.to_string_lossy());
        }
        el
    }

    /// The `Source` part `folder`'s files share, escaped and stored once.
    fn folder_source(&mut self, folder: FolderRef) -> TextRef {
        let schema = self.doc.schema();
        let f = &mut self.folders[folder.0];
        match f.stored_source {
            Some(t) => t,
            None => {
                let t = self.doc.store_text(&escape_wix(&f.source, schema));
                f.stored_source = Some(t);
                t
            }
        }
    }

    /// A file `name` in `folder`: a `Component` holding a `File`, with heat's ids (the file's
    /// `fil` hash of the folder's id and the name, the component's `cmp` hash of the folder's id
    /// and the file's id). Returns the component.
    pub fn file(&mut self, folder: FolderRef, name: &str) -> NodeId {
        let ids = self.shape.unique_ids.then(|| {
            let seed = self.folders[folder.0].id.as_str();
            let file_id = self.ids.generate("fil", &[seed, name]);
            let component_id = self.ids.generate("cmp", &[seed, &file_id]);
            (file_id, component_id)
        });
        let (component, file) = self.file_elements(folder, name);
        if let Some((file_id, component_id)) = ids {
            self.doc.set_attr(component, "Id", component_id);
            self.doc.set_attr(file, "Id", file_id);
        }
        component
    }

    /// [`file`](Self::file) for each of `names`, their ids the pairs of hashes of `block` from
    /// `first` on (file, then component, for each name), worked out already.
    pub(crate) fn files_hashed<'n>(
        &mut self,
        folder: FolderRef,
        names: impl IntoIterator<Item = &'n str>,
        block: Option<(IdBlock, usize)>,
    ) {
        for (i, name) in names.into_iter().enumerate() {
            let (component, file) = self.file_elements(folder, name);
            if let Some((block, first)) = block {
                let at = first + 2 * i;
                self.doc
                    .set_attr_id_from(component, "Id", "cmp", block, at + 1);
                self.doc.set_attr_id_from(file, "Id", "fil", block, at);
            }
        }
    }

    fn file_elements(&mut self, folder: FolderRef, name: &str) -> (NodeId, NodeId) {
        let prefix = self.folder_source(folder);
        let el = self.folders[folder.0].node;
        self.folders[folder.0].files += 1;
        let component = self.doc.create_child(el, "Component");
        // heat's main mutator adds the GUID, and with -cg the folder's id.
        self.doc.reserve_attrs(component, 3);
        let file = self.doc.create_child(component, "File");
        self.doc.set_attr_stored(file, "KeyPath", self.yes);
        let schema = self.doc.schema();
        let f = &self.folders[folder.0];
        let (prefix, name) = if f.source_may_refer || may_hold_reference(name, schema) {
            // A WiX variable reference may run from the folder's part into the name: the path
            // is escaped whole (and held whole, as the name).
            let whole = escape_wix(&format!("{}{name}", f.source), schema).into_owned();
            (self.doc.store_text(""), self.doc.store_text(&whole))
        } else {
            (prefix, self.doc.store_text(&escape_wix(name, schema)))
        };
        self.doc.set_attr_path(file, "Source", prefix, name);
        (component, file)
    }

    /// Ends `folder`: when it holds a file below it (or always under `-ke`) it joins its
    /// parent, and a folder with nothing below it gets heat's `CreateFolder` component under
    /// `-ke`. Returns the number of files below it. Finish each folder once, after what is in
    /// it and before its parent.
    pub fn finish_folder(&mut self, folder: FolderRef) -> usize {
        let (node, parent, files, below) = {
            let f = &self.folders[folder.0];
            (f.node, f.parent, f.files, f.below)
        };
        let total = files + below;
        if total == 0 && self.shape.keep_empty {
            let component = self.doc.create_child(node, "Component");
            if self.shape.unique_ids {
                let id = self.ids.generate("cmp", &[&self.folders[folder.0].id]);
                self.doc.set_attr(component, "Id", id);
            }
            self.doc.set_attr(component, "KeyPath", "yes");
            self.doc.create_child(component, "CreateFolder");
        }
        if let Some(p) = parent {
            if total > 0 || self.shape.keep_empty {
                let parent_node = self.folders[p].node;
                self.doc.append(parent_node, node);
            }
            self.folders[p].below += total;
        }
        // Its paths are not needed again.
        let f = &mut self.folders[folder.0];
        f.source = String::new();
        total
    }

    /// heat's id of `folder`, which seeds its children's.
    pub fn id_of(&self, folder: FolderRef) -> &str {
        &self.folders[folder.0].id
    }

    /// The document, for a harvest that needs more than folders and files.
    pub fn document(&mut self) -> &mut Document {
        &mut self.doc
    }

    /// The harvest: the root folder (or, under `-srd`, what it holds) in a fragment of its
    /// own, under a reference to `-dr`.
    pub fn finish(mut self) -> Document {
        if let Some(root) = self.root {
            let root = self.folders[root].node;
            let doc = &mut self.doc;
            let fragment = doc.create_child(doc.root(), "Fragment");
            let reference = directory_reference(doc, fragment, &self.shape.directory_ref);
            if self.shape.suppress_root {
                for child in doc.take_children(root) {
                    doc.append(reference, child);
                }
            } else {
                doc.append(reference, root);
            }
        }
        self.doc
    }

    /// Makes room for `elements` more elements, `attributes` more attributes and `text` more
    /// bytes of text, and for `files` files' compact values.
    pub(crate) fn reserve(
        &mut self,
        elements: usize,
        attributes: usize,
        text: usize,
        files: usize,
    ) {
        self.doc.reserve(elements, attributes, text);
        self.doc.reserve_values(0, files, files);
    }

    /// Hands the document hashes made elsewhere (see [`files_hashed`](Self::files_hashed)).
    pub(crate) fn add_ids(&mut self, hashes: Vec<[u8; 20]>) -> IdBlock {
        self.doc.add_ids(self.ids, hashes)
    }
}
