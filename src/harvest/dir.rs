//! `heat dir`: a folder and everything below it (heat's `DirectoryHarvester`).

use std::path::Path;

use super::{place_root, root_directory_id};
use crate::error::{codes, Error, Result};
use crate::extension::{Context, Harvester};
use crate::ids::{IdHash, IdScheme};
use crate::model::{Document, NodeId};
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
    unique: bool,
    keep_empty: bool,
    source: &'a mut String,
}

/// heat's ids for one folder: its own, and each file's `fil` and `cmp` ids, with the same for
/// every sub-folder. Computed for the whole tree on every core before the document is built.
struct FolderIds {
    id: String,
    /// Each file's `fil` and `cmp` hashes, formatted only when written into the document.
    files: Vec<(IdHash, IdHash)>,
    folders: Vec<FolderIds>,
}

impl FolderIds {
    fn compute(folder: &Folder, id: String, ids: IdScheme) -> FolderIds {
        let mut file_id = String::with_capacity(40);
        let files = folder
            .files
            .iter()
            .map(|name| {
                let fil = ids.hash(&[&id, name]);
                file_id.clear();
                fil.write("fil", &mut file_id);
                (fil, ids.hash(&[&id, &file_id]))
            })
            .collect();
        let folders = folder
            .folders
            .par_iter()
            .map(|sub| FolderIds::compute(sub, ids.generate("dir", &[&id, &sub.name]), ids))
            .collect();
        FolderIds { id, files, folders }
    }

    /// The number of folders here and below.
    fn count(&self) -> usize {
        1 + self.folders.iter().map(FolderIds::count).sum::<usize>()
    }

    /// The same shape with no ids, for `-suid`.
    fn empty(folder: &Folder) -> FolderIds {
        FolderIds {
            id: String::new(),
            files: Vec::new(),
            folders: folder.folders.iter().map(FolderIds::empty).collect(),
        }
    }
}

impl Harvester for DirHarvester {
    fn name(&self) -> &str {
        "dir"
    }

    fn harvest(&self, cx: &mut Context, source: &str) -> Result<Document> {
        let root_path = Path::new(source);
        let t0 = std::time::Instant::now();
        let tree = walk(root_path, &self.walk, &mut cx.messages)?;
        if cx.verbose {
            eprintln!("heat: walk {:.1} ms", t0.elapsed().as_secs_f64() * 1000.0);
        }
        let dr = self.directory_ref.as_str();
        let root_id = root_directory_id(cx.ids, dr, &tree.name, self.suppress_root);

        let ids = if self.unique_ids {
            FolderIds::compute(&tree, root_id.clone(), cx.ids)
        } else {
            FolderIds::empty(&tree)
        };
        let mut rel = String::with_capacity(256);
        let mut b = Build {
            doc: Document::new(cx.schema),
            root: Default::default(),
            scheme: cx.ids,
            unique: self.unique_ids,
            keep_empty: self.keep_empty,
            source: &mut rel,
        };
        let root_el = b.doc.create("Directory");
        if b.unique {
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
        let folders = ids.count();
        let text = name_bytes(&tree, 0) + folders * 300;
        b.doc.reserve(
            2 * files + 2 * folders + 16,
            10 * files + 6 * folders + 16,
            text,
        );
        b.doc.reserve_values(2 * files, files, files);
        let count = b.folder(tree, ids, root_el);
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
        + folder.files.iter().map(String::len).sum::<usize>()
        + folder
            .folders
            .iter()
            .map(|sub| name_bytes(sub, rel + sub.name.len() + 1))
            .sum::<usize>()
}

impl Build<'_> {
    /// Fills `el` with the contents of `folder`, consuming it and its ids as it goes so that
    /// the walk's tree shrinks while the document grows; returns the number of files below.
    fn folder(&mut self, folder: Folder, ids: FolderIds, el: NodeId) -> usize {
        let mut count = 0;
        let file_count = folder.files.len();
        for (sub, sub_ids) in folder.folders.into_iter().zip(ids.folders) {
            let sub_el = self.doc.create("Directory");
            if self.unique {
                self.doc.set_attr(sub_el, "Id", &sub_ids.id);
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
            let sub_count = self.folder(sub, sub_ids, sub_el);
            self.source.truncate(len);
            if sub_count > 0 || self.keep_empty {
                self.doc.append(el, sub_el);
            }
            count += sub_count;
        }

        // Every file's Source is this folder's part, stored once, then the file's name.
        let prefix = if file_count > 0 {
            let len = self.source.len();
            self.source.insert_str(0, "SourceDir\\");
            let prefix = self.doc.store_text(self.source);
            self.source.replace_range(..self.source.len() - len, "");
            Some(prefix)
        } else {
            None
        };
        for (i, name) in folder.files.into_iter().enumerate() {
            let component = self.doc.create_child(el, "Component");
            let file = self.doc.create_child(component, "File");
            if let Some((fil, cmp)) = ids.files.get(i) {
                self.doc.set_attr_id(component, "Id", "cmp", *cmp);
                self.doc.set_attr_id(file, "Id", "fil", *fil);
            }
            self.doc.set_attr(file, "KeyPath", "yes");
            let name = self.doc.store_text(&name);
            let prefix = prefix.expect("the folder has files");
            self.doc.set_attr_path(file, "Source", prefix, name);
        }

        if file_count == 0 && count == 0 && self.keep_empty {
            let component = self.doc.create_child(el, "Component");
            if self.unique {
                self.doc
                    .set_attr(component, "Id", self.scheme.generate("cmp", &[&ids.id]));
            }
            self.doc.set_attr(component, "KeyPath", "yes");
            self.doc.create_child(component, "CreateFolder");
        }
        count + file_count
    }
}
