//! `heat dir`: a folder and everything below it (heat's `DirectoryHarvester`).

use std::path::Path;

use super::{place_root, root_directory_id};
use crate::error::{codes, Error, Result};
use crate::extension::{Context, Harvester};
use crate::ids::IdScheme;
use crate::model::{Document, IdBlock, NodeId, TextRef};
use crate::walk::{walk, Folder, WalkOptions};
use rayon::prelude::*;

/// Harvests a folder into `Directory`, `Component` and `File` elements, with heat's ids.
///
/// ```
/// use heat::{Context, DirHarvester, Harvester, Messages, Schema};
/// # let tmp = tempfile::tempdir().unwrap();
/// # let root = tmp.path().join("App");
/// # std::fs::create_dir(&root).unwrap();
/// # std::fs::write(root.join("a.txt"), "a").unwrap();
/// let mut cx = Context::new(Schema::V4, false, Messages::default());
/// let doc = DirHarvester::default().harvest(&mut cx, root.to_str().unwrap()).unwrap();
/// let file = doc.elements_named("File").next().unwrap();
/// assert_eq!(doc.attr(file, "Source"), Some("SourceDir\\a.txt"));
/// ```
#[derive(Debug, Clone)]
pub struct DirHarvester {
    /// `-dr`: the directory the harvest is rooted under (default `TARGETDIR`).
    pub directory_ref: String,
    /// `-srd`: leave the harvested folder itself out; its id still seeds its children's.
    pub suppress_root: bool,
    /// `-ke`: keep empty folders, each with a `CreateFolder` component.
    pub keep_empty: bool,
    /// `-suid` turns this off: ids are then made readable later by the main mutator.
    pub unique_ids: bool,
    /// How links are treated.
    pub walk: WalkOptions,
}

impl Default for DirHarvester {
    fn default() -> Self {
        DirHarvester {
            directory_ref: "TARGETDIR".to_owned(),
            suppress_root: false,
            keep_empty: false,
            unique_ids: true,
            walk: WalkOptions::default(),
        }
    }
}

struct Build<'a> {
    doc: Document,
    /// The walked root as given, and its absolute path.
    root: (std::path::PathBuf, std::path::PathBuf),
    scheme: IdScheme,
    keep_empty: bool,
    /// `SourceDir\`, then the path below the root of the folder being built, with a trailing
    /// `\`: the part of `Source` its files share.
    source: &'a mut String,
    /// The ids of every folder, in the order the build reaches them (see [`plan`]), with the
    /// number reached so far; empty under `-suid`.
    folder_ids: Vec<String>,
    reached: usize,
    /// Every file's `fil` and `cmp` hashes, in the order the build reaches the files, with the
    /// number of files reached so far; `None` under `-suid`.
    file_ids: Option<IdBlock>,
    files_done: usize,
    /// `yes`, stored once.
    yes: TextRef,
}

/// heat's id for `folder` (whose id is `id`) and every folder below it, in the order the build
/// reaches them: a folder, then each of its sub-folders with everything below it. The build
/// reaches the files in the same order: a folder's own files before its sub-folders', which is
/// the order heat's serializer keeps a folder's children in (components before folders), so
/// every element is appended after its parent's other children.
fn plan<'t>(folder: &'t Folder, id: String, ids: IdScheme, out: &mut Vec<(&'t Folder, String)>) {
    let subs: Vec<String> = folder
        .folders
        .iter()
        .map(|sub| ids.generate("dir", &[&id, &sub.name]))
        .collect();
    out.push((folder, id));
    for (sub, sub_id) in folder.folders.iter().zip(subs) {
        plan(sub, sub_id, ids, out);
    }
}

/// Every file's `fil` and `cmp` hashes, two by two in the order of `plan`, worked out on every
/// core: heat's file id is the hash of the folder's id and the file's name, its component id
/// the hash of the folder's id and the file id.
fn file_hashes(plan: &[(&Folder, String)], ids: IdScheme) -> Vec<[u8; 20]> {
    let files: usize = plan.iter().map(|(f, _)| f.files.len()).sum();
    let mut hashes = vec![[0u8; 20]; 2 * files];
    let mut rest = hashes.as_mut_slice();
    let mut jobs = Vec::with_capacity(plan.len());
    for (folder, id) in plan {
        let (here, tail) = rest.split_at_mut(2 * folder.files.len());
        jobs.push((*folder, id.as_str(), here));
        rest = tail;
    }
    jobs.into_par_iter().for_each(|(folder, id, out)| {
        let mut file_id = String::with_capacity(40);
        for (name, pair) in folder.files.iter().zip(out.chunks_exact_mut(2)) {
            let fil = ids.hash(&[id, name]);
            file_id.clear();
            fil.write("fil", &mut file_id);
            pair[0] = *fil.bytes();
            pair[1] = *ids.hash(&[id, &file_id]).bytes();
        }
    });
    hashes
}

impl Harvester for DirHarvester {
    fn name(&self) -> &str {
        "dir"
    }

    fn harvest(&self, cx: &mut Context, source: &str) -> Result<Document> {
        let root_path = Path::new(source);
        let t0 = std::time::Instant::now();
        let walk_options = WalkOptions {
            drop_empty: !self.keep_empty,
            ..self.walk.clone()
        };
        let tree = walk(root_path, &walk_options, &mut cx.messages)?;
        if cx.verbose {
            eprintln!("heat: walk {:.1} ms", t0.elapsed().as_secs_f64() * 1000.0);
        }
        let dr = self.directory_ref.as_str();
        let root_id = root_directory_id(cx.ids, dr, &tree.name, self.suppress_root);

        let plan_ids = if self.unique_ids {
            let mut order = Vec::new();
            plan(&tree, root_id.clone(), cx.ids, &mut order);
            order
        } else {
            Vec::new()
        };
        let hashes = self.unique_ids.then(|| file_hashes(&plan_ids, cx.ids));
        let folder_ids: Vec<String> = plan_ids.into_iter().map(|(_, id)| id).collect();
        let mut rel = String::with_capacity(256);
        rel.push_str("SourceDir\\");
        let mut b = Build {
            doc: Document::new(cx.schema),
            root: Default::default(),
            scheme: cx.ids,
            keep_empty: self.keep_empty,
            source: &mut rel,
            folder_ids,
            reached: 0,
            file_ids: None,
            files_done: 0,
            yes: TextRef::default(),
        };
        b.yes = b.doc.store_text("yes");
        let root_el = b.doc.create("Directory");
        if self.unique_ids {
            b.doc.set_attr(root_el, "Id", root_id.clone());
        }
        b.doc.set_attr(root_el, "Name", &tree.name);
        // Each folder's absolute path, for FileSource, is the root's with the relative path
        // below it: resolving every folder against the working folder again costs a system
        // call each.
        let root_abs = std::path::absolute(&tree.path).unwrap_or_else(|_| tree.path.clone());
        b.doc
            .set_attr(root_el, "FileSource", root_abs.to_string_lossy());
        b.root = (tree.path.clone(), root_abs);
        let files = tree.file_count();
        // Room for everything the harvest and heat's mutators add, so that no table doubles
        // (and is copied) on the way; room never written costs address space, not memory.
        let folders = tree.folder_count();
        let text = name_bytes(&tree, 0) + folders * 300;
        b.doc.reserve(
            2 * files + 2 * folders + 16,
            6 * files + 6 * folders + 16,
            text,
        );
        b.doc.reserve_values(0, files, files);
        b.file_ids = hashes.map(|h| b.doc.add_ids(cx.ids, h));
        let count = b.folder(&tree, root_el);
        drop(tree);
        crate::release_free_memory();
        if count == 0 && !self.keep_empty {
            return Err(Error::at(
                codes::EMPTY_DIRECTORY,
                root_path,
                format!(
                    "The directory '{}' did not contain any files or sub-directories and since \
                     empty directories are not being kept, there was nothing to harvest.",
                    root_path.display()
                ),
            ));
        }

        let mut doc = b.doc;
        place_root(&mut doc, root_el, dr, self.suppress_root);
        Ok(doc)
    }
}

/// The bytes of the text the harvest stores below `folder`, whose path below the root is `rel`
/// bytes: each file's name and each folder's part of the `Source` paths.
fn name_bytes(folder: &Folder, rel: usize) -> usize {
    10 + rel
        + folder.files.total_len()
        + folder
            .folders
            .iter()
            .map(|sub| name_bytes(sub, rel + sub.name.len() + 1))
            .sum::<usize>()
}

impl Build<'_> {
    /// Fills `el` with the contents of `folder`: its files' components, then its sub-folders
    /// (the order heat writes them in); returns the number of files below.
    fn folder(&mut self, folder: &Folder, el: NodeId) -> usize {
        let own = self.reached;
        self.reached += 1;
        let file_count = folder.files.len();
        // Every file's Source is this folder's part, stored once, then the file's name.
        if file_count > 0 {
            let prefix = self.doc.store_text(self.source);
            for name in &folder.files {
                let component = self.doc.create_child(el, "Component");
                // heat's main mutator adds the GUID, and with -cg the folder's id.
                self.doc.reserve_attrs(component, 3);
                let file = self.doc.create_child(component, "File");
                if let Some(block) = self.file_ids {
                    let i = 2 * self.files_done;
                    self.doc
                        .set_attr_id_from(component, "Id", "cmp", block, i + 1);
                    self.doc.set_attr_id_from(file, "Id", "fil", block, i);
                }
                self.files_done += 1;
                self.doc.set_attr_stored(file, "KeyPath", self.yes);
                let name = self.doc.store_text(name);
                self.doc.set_attr_path(file, "Source", prefix, name);
            }
        }

        let mut count = 0;
        for sub in &folder.folders {
            let sub_el = self.doc.create("Directory");
            if let Some(id) = self.folder_ids.get(self.reached) {
                self.doc.set_attr(sub_el, "Id", id);
            }
            self.doc.set_attr(sub_el, "Name", &sub.name);
            let abs = match sub.path.strip_prefix(&self.root.0) {
                Ok(rel) => self.root.1.join(rel),
                Err(_) => std::path::absolute(&sub.path).unwrap_or_else(|_| sub.path.clone()),
            };
            self.doc
                .set_attr(sub_el, "FileSource", abs.to_string_lossy());
            let len = self.source.len();
            self.source.push_str(&sub.name);
            self.source.push('\\');
            let sub_count = self.folder(sub, sub_el);
            self.source.truncate(len);
            if sub_count > 0 || self.keep_empty {
                self.doc.append(el, sub_el);
            }
            count += sub_count;
        }

        if file_count == 0 && count == 0 && self.keep_empty {
            // A folder with nothing to install below it keeps a component of its own; heat
            // writes it before the folder's (empty) sub-folders.
            let component = self.doc.create_child(el, "Component");
            if let Some(id) = self.folder_ids.get(own) {
                let id = self.scheme.generate("cmp", &[id]);
                self.doc.set_attr(component, "Id", id);
            }
            self.doc.set_attr(component, "KeyPath", "yes");
            self.doc.create_child(component, "CreateFolder");
        }
        count + file_count
    }
}
