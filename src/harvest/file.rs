//! `heat file`: one file, in a `Directory` named after the folder holding it (heat's
//! `FileHarvester`).

use std::fs;
use std::path::Path;

use super::directory_reference;
use crate::error::{codes, Error, Result};
use crate::extension::{Context, Harvester};
use crate::model::Document;
use crate::walk::{folder_name, windows_name_problem};

/// Harvests one file.
#[derive(Debug, Clone)]
pub struct FileHarvester {
    /// `-dr`: the directory the harvest is rooted under (default `TARGETDIR`).
    pub directory_ref: String,
    /// `-srd`: put the component straight under the directory reference.
    pub suppress_root: bool,
    /// `-suid` turns this off: ids are then made readable later by the main mutator.
    pub unique_ids: bool,
}

impl Default for FileHarvester {
    fn default() -> Self {
        FileHarvester {
            directory_ref: "TARGETDIR".to_owned(),
            suppress_root: false,
            unique_ids: true,
        }
    }
}

impl Harvester for FileHarvester {
    fn name(&self) -> &str {
        "file"
    }

    fn harvest(&self, cx: &mut Context, source: &str) -> Result<Document> {
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

        let dr = self.directory_ref.as_str();
        let mut doc = Document::new(cx.schema);
        let fragment = doc.create_child(doc.root(), "Fragment");
        let reference = directory_reference(&mut doc, fragment, dr);
        let (holder, seed) = if self.suppress_root {
            (reference, dr.to_owned())
        } else {
            let dir = doc.create_child(reference, "Directory");
            let dir_id = cx.ids.generate("dir", &[dr, &dir_name]);
            if self.unique_ids {
                doc.set_attr(dir, "Id", dir_id.clone());
            }
            doc.set_attr(dir, "Name", dir_name.clone());
            (dir, dir_id)
        };
        let component = doc.create_child(holder, "Component");
        let file = doc.create_child(component, "File");
        if self.unique_ids {
            let file_id = cx.ids.generate("fil", &[&seed, &file_name]);
            doc.set_attr(component, "Id", cx.ids.generate("cmp", &[&seed, &file_id]));
            doc.set_attr(file, "Id", file_id);
        }
        doc.set_attr(file, "KeyPath", "yes");
        let source = if self.suppress_root {
            format!("SourceDir\\{file_name}")
        } else {
            format!("SourceDir\\{dir_name}\\{file_name}")
        };
        doc.set_attr(file, "Source", source);
        Ok(doc)
    }
}
