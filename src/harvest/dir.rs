//! `heat dir`: a folder and everything below it (heat's `DirectoryHarvester`).

use std::path::Path;

use rayon::prelude::*;

use super::tree::{FolderRef, HeatTree, TreeShape};
use super::walk::{walk, Folder, WalkOptions};
use crate::error::{codes, Error, Result};
use crate::pipeline::{Context, Harvester};
use crate::wix::ids::IdScheme;
use crate::wix::Document;

/// Harvests a folder into `Directory`, `Component` and `File` elements, with heat's ids.
///
/// ```
/// use heat::extension::{Context, Harvester};
/// use heat::harvest::DirHarvester;
/// use heat::{Messages, Schema};
/// # let tmp = tempfile::tempdir().unwrap();
/// # let root = tmp.path().join("App");
/// # std::fs::create_dir(&root).unwrap();
/// # std::fs::write(root.join("a.txt"), "a").unwrap();
/// let mut cx = Context::new(Schema::V4, false, Messages::default());
/// let doc = DirHarvester::default().harvest(&mut cx, root.to_str().unwrap()).unwrap();
/// let file = doc.elements_named("File").next().unwrap();
/// assert_eq!(doc.attr(file, "Source").unwrap(), "SourceDir\\a.txt");
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct DirHarvester {
    /// `-dr`, `-srd`, `-ke` and `-suid`.
    pub shape: TreeShape,
    /// How the folder is walked: `-followlinks`, `-skip`, `-include`, `-exclude`.
    pub walk: WalkOptions,
}

impl DirHarvester {
    /// A harvester of folders shaped as `shape` says, walking them as `walk` says.
    pub fn new(shape: TreeShape, walk: WalkOptions) -> DirHarvester {
        DirHarvester { shape, walk }
    }
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

    fn harvest(&mut self, cx: &mut Context, source: &str) -> Result<Document> {
        let root_path = Path::new(source);
        let t0 = std::time::Instant::now();
        let walk_options = WalkOptions {
            drop_empty: !self.shape.keep_empty,
            ..self.walk.clone()
        };
        let tree = walk(root_path, &walk_options, cx)?;
        if cx.verbose {
            let ms = t0.elapsed().as_secs_f64() * 1000.0;
            cx.messages.verbose(format!("walk {ms:.1} ms"));
        }
        let mut t = HeatTree::new(cx, &self.shape);
        // Each folder's absolute path, for FileSource, is the root's with the relative path
        // below it: resolving every folder against the working folder again costs a system
        // call each.
        let root_abs = std::path::absolute(&tree.path).unwrap_or_else(|_| tree.path.clone());
        let root = t.root(&tree.name, Some(&root_abs));

        // Every folder's id, and every file's hashes worked out on every core, in the order the
        // build reaches them.
        let plan_ids = {
            let mut order = Vec::new();
            plan(&tree, t.id_of(root).to_owned(), cx.ids, &mut order);
            order
        };
        let files = tree.file_count();
        let folders = tree.folder_count();
        // Room for everything the harvest and heat's mutators add, so that no table doubles
        // (and is copied) on the way; room never written costs address space, not memory.
        t.reserve(
            2 * files + 2 * folders + 16,
            6 * files + 6 * folders + 16,
            name_bytes(&tree, 0) + folders * 300,
            files,
        );
        let block = self
            .shape
            .unique_ids
            .then(|| t.add_ids(file_hashes(&plan_ids, cx.ids)));
        let folder_ids: Vec<String> = plan_ids.into_iter().map(|(_, id)| id).collect();
        let mut b = Build {
            tree: t,
            root: (tree.path.clone(), root_abs),
            folder_ids,
            reached: 1,
            block,
            files_done: 0,
        };
        b.fill(&tree, root);
        let count = b.tree.finish_folder(root);
        drop(tree);
        crate::release_free_memory();
        if count == 0 && !self.shape.keep_empty {
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
        Ok(b.tree.finish())
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

/// One build of a walked tree into a [`HeatTree`].
struct Build {
    tree: HeatTree,
    /// The walked root as given, and its absolute path.
    root: (std::path::PathBuf, std::path::PathBuf),
    /// The ids of every folder, in the order the build reaches them (see [`plan`]), with the
    /// number reached so far.
    folder_ids: Vec<String>,
    reached: usize,
    /// Every file's `fil` and `cmp` hashes, in the order the build reaches the files, with the
    /// number of files reached so far; `None` under `-suid`.
    block: Option<crate::wix::IdBlock>,
    files_done: usize,
}

impl Build {
    /// Fills `el` with the contents of `folder`: its files' components, then its sub-folders
    /// (the order heat writes them in).
    fn fill(&mut self, folder: &Folder, el: FolderRef) {
        let block = self.block.map(|b| (b, 2 * self.files_done));
        self.tree.files_hashed(el, folder.files.iter(), block);
        self.files_done += folder.files.len();
        for sub in &folder.folders {
            let abs = match sub.path.strip_prefix(&self.root.0) {
                Ok(rel) => self.root.1.join(rel),
                Err(_) => std::path::absolute(&sub.path).unwrap_or_else(|_| sub.path.clone()),
            };
            let id = std::mem::take(&mut self.folder_ids[self.reached]);
            self.reached += 1;
            let sub_el = self.tree.folder_with_id(el, &sub.name, id, Some(&abs));
            self.fill(sub, sub_el);
            self.tree.finish_folder(sub_el);
        }
    }
}
