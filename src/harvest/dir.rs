//! `heat dir`: a folder and everything below it (heat's `DirectoryHarvester`).

use std::path::Path;

use super::directory_reference;
use crate::error::{codes, Error, Result};
use crate::extension::{Context, Harvester};
use crate::ids::IdScheme;
use crate::model::{Document, NodeId};
use crate::walk::{walk, Folder, WalkOptions};

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
    ids: IdScheme,
    unique: bool,
    keep_empty: bool,
    source: &'a mut String,
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
        let root_id = if self.suppress_root {
            cx.ids.generate("dir", &[dr])
        } else {
            cx.ids.generate("dir", &[dr, &tree.name])
        };

        let mut rel = String::with_capacity(256);
        let mut b = Build {
            doc: Document::new(cx.schema),
            ids: cx.ids,
            unique: self.unique_ids,
            keep_empty: self.keep_empty,
            source: &mut rel,
        };
        let root_el = b.doc.create("Directory");
        if b.unique {
            b.doc.set_attr(root_el, "Id", root_id.clone());
        }
        b.doc.set_attr(root_el, "Name", tree.name.clone());
        b.doc.set_attr(root_el, "FileSource", absolute(&tree.path));
        let count = b.folder(&tree, root_el, &root_id);
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
        let fragment = doc.create_child(doc.root(), "Fragment");
        let reference = directory_reference(&mut doc, fragment, dr);
        if self.suppress_root {
            for child in doc.children(root_el).to_vec() {
                doc.append(reference, child);
            }
        } else {
            doc.append(reference, root_el);
        }
        Ok(doc)
    }
}

fn absolute(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_owned())
        .to_string_lossy()
        .into_owned()
}

impl Build<'_> {
    /// Fills `el` with the contents of `folder` (id `id`); returns the number of files below.
    fn folder(&mut self, folder: &Folder, el: NodeId, id: &str) -> usize {
        let mut count = 0;
        for sub in &folder.folders {
            let sub_el = self.doc.create("Directory");
            let sub_id = if self.unique {
                let sub_id = self.ids.generate("dir", &[id, &sub.name]);
                self.doc.set_attr(sub_el, "Id", sub_id.clone());
                sub_id
            } else {
                String::new()
            };
            self.doc.set_attr(sub_el, "Name", sub.name.clone());
            self.doc.set_attr(sub_el, "FileSource", absolute(&sub.path));
            let len = self.source.len();
            self.source.push_str(&sub.name);
            self.source.push('\\');
            let sub_count = self.folder(sub, sub_el, &sub_id);
            self.source.truncate(len);
            if sub_count > 0 || self.keep_empty {
                self.doc.append(el, sub_el);
            }
            count += sub_count;
        }

        for name in &folder.files {
            let component = self.doc.create_child(el, "Component");
            let file = self.doc.create_child(component, "File");
            if self.unique {
                let file_id = self.ids.generate("fil", &[id, name]);
                let cmp_id = self.ids.generate("cmp", &[id, &file_id]);
                self.doc.set_attr(component, "Id", cmp_id);
                self.doc.set_attr(file, "Id", file_id);
            }
            self.doc.set_attr(file, "KeyPath", "yes");
            let mut src = String::with_capacity(10 + self.source.len() + name.len());
            src.push_str("SourceDir\\");
            src.push_str(self.source);
            src.push_str(name);
            self.doc.set_attr(file, "Source", src);
        }

        if folder.files.is_empty() && count == 0 && self.keep_empty {
            let component = self.doc.create_child(el, "Component");
            if self.unique {
                self.doc
                    .set_attr(component, "Id", self.ids.generate("cmp", &[id]));
            }
            self.doc.set_attr(component, "KeyPath", "yes");
            self.doc.create_child(component, "CreateFolder");
        }
        count + folder.files.len()
    }
}
