//! `heat file`: one file, in a `Directory` named after the folder holding it (heat's
//! `FileHarvester`).

use std::fs;
use std::path::Path;

use super::tree::{HeatTree, TreeShape};
use super::walk::{folder_name, windows_name_problem};
use crate::error::{codes, Error, Result};
use crate::pipeline::{Context, Harvester};
use crate::wix::Document;

/// Harvests one file.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct FileHarvester {
    /// `-dr`, `-srd` and `-suid` (`-ke` means nothing for one file).
    pub shape: TreeShape,
}

impl FileHarvester {
    /// A harvester of one file, shaped as `shape` says.
    pub fn new(shape: TreeShape) -> FileHarvester {
        FileHarvester { shape }
    }
}

impl Harvester for FileHarvester {
    fn name(&self) -> &str {
        "file"
    }

    fn harvest(&mut self, cx: &mut Context, source: &str) -> Result<Document> {
        let path = Path::new(source);
        let meta = fs::metadata(path).map_err(|e| Error::opening_file(path, e))?;
        if meta.is_dir() {
            return Err(Error::at(
                codes::EXPECTED_FILE,
                path,
                format!(
                    "The harvest type 'file' needs a file, but '{}' is a folder.",
                    path.display()
                ),
            ));
        }
        if !meta.is_file() {
            // A FIFO would hang whoever reads it, and a device or a socket is no file to
            // install.
            return Err(Error::at(
                codes::SPECIAL_FILE,
                path,
                format!(
                    "'{}' is a FIFO, socket or device, not a file; it cannot be harvested.",
                    path.display()
                ),
            ));
        }
        let file_name = folder_name(path)?;
        let abs = std::path::absolute(path).map_err(|e| Error::io(path, "resolve", e))?;
        let parent = abs.parent().unwrap_or(Path::new("/"));
        let dir_name = folder_name(parent)?;
        for name in [&file_name, &dir_name] {
            if let Some(problem) = windows_name_problem(name).filter(|_| !name.is_empty()) {
                return Err(Error::at(
                    codes::NAME_ILLEGAL,
                    path,
                    format!("The name '{name}' in '{}' {problem}.", path.display()),
                ));
            }
        }
        // heat's FileHarvester: the folder holding the file is the harvest's root, its
        // `Source` below the folder above it; under -srd the file and component ids are
        // seeded with -dr itself, and the file's `Source` is its name.
        let shape = TreeShape {
            keep_empty: false,
            ..self.shape.clone()
        };
        let mut tree = HeatTree::new(cx, &shape);
        let dr = shape.directory_ref.as_str();
        let root = if shape.suppress_root {
            tree.root_folder(&dir_name, dr.to_owned(), "SourceDir\\".to_owned(), None)
        } else {
            let id = cx.ids.generate("dir", &[dr, &dir_name]);
            tree.root_folder(&dir_name, id, format!("SourceDir\\{dir_name}\\"), None)
        };
        tree.file(root, &file_name);
        tree.finish_folder(root);
        Ok(tree.finish())
    }
}
