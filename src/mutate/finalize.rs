//! The finalizing mutator (heat's `UtilFinalizeHarvesterMutator`, sequence 2000): `Source`
//! paths, `-var`, and the harvest-only `FileSource` attributes.

use crate::error::Result;
use crate::pipeline::{sequence, Context, Mutator};
use std::collections::HashMap;

use crate::wix::{rewrite_source, variable_reference, Document, FastHash, TextRef, Value};

/// heat's `UtilFinalizeHarvesterMutator`, for files and folders.
#[derive(Debug, Clone)]
pub struct FinalizeMutator {
    /// `-var`: `var.X` writes `$(var.X)` and `wix.X` writes `!(wix.X)` in place of
    /// `SourceDir` at the start of every `Source`.
    pub source_variable: Option<String>,
    /// `-pathsep /`: the separator written in `Source` (heat's is `\`).
    pub path_separator: char,
}

impl Default for FinalizeMutator {
    fn default() -> Self {
        FinalizeMutator {
            source_variable: None,
            path_separator: '\\',
        }
    }
}

impl Mutator for FinalizeMutator {
    fn name(&self) -> &str {
        "heat-finalize"
    }

    fn sequence(&self) -> i32 {
        sequence::FINALIZE
    }

    fn mutate(&mut self, _cx: &mut Context, doc: &mut Document) -> Result<()> {
        // heat re-creates every harvested Directory without its FileSource and appends it to
        // its parent again; the parent keeps its children grouped by type, so that only drops
        // the attribute.
        let mut found = doc.index(&["Directory", "File"]);
        let files = found.pop().expect("two lists");
        for d in found.pop().expect("two lists") {
            doc.remove_attr(d, "FileSource");
        }

        let substitution = self.source_variable.as_deref().map(variable_reference);
        let unchanged = |source: &str, whole: bool| {
            !source.contains('$')
                && (substitution.is_none() || !whole || !source.starts_with("SourceDir\\"))
                && (self.path_separator == '\\' || !source.contains('\\'))
        };
        let rewrite = |source: &str| {
            rewrite_source(
                &source.replace('$', "$$"),
                substitution.as_deref(),
                self.path_separator,
            )
        };
        // A path held as a folder's part and a name is rewritten part by part: `SourceDir` can
        // only start the folder's part, which is rewritten once for all its files.
        let mut folders: HashMap<TextRef, TextRef, FastHash> = HashMap::default();
        for f in files {
            if !doc.has_attr(f, "Id") {
                continue;
            }
            match doc.attr(f, "Source") {
                Some(Value::Path { folder, name }) => {
                    let folder_ok = unchanged(folder, true);
                    let name_ok = unchanged(name, false);
                    if folder_ok && name_ok {
                        continue;
                    }
                    let (folder, name) = (folder.to_owned(), name.to_owned());
                    let [folder_ref, name_ref] = doc.path_parts(f, "Source").expect("a path value");
                    let folder_ref = if folder_ok {
                        folder_ref
                    } else {
                        *folders
                            .entry(folder_ref)
                            .or_insert_with(|| doc.store_text(&rewrite(&folder)))
                    };
                    let name_ref = if name_ok {
                        name_ref
                    } else {
                        // `SourceDir` never starts a name: no substitution here.
                        let name =
                            rewrite_source(&name.replace('$', "$$"), None, self.path_separator);
                        doc.store_text(&name)
                    };
                    doc.set_attr_path(f, "Source", folder_ref, name_ref);
                }
                Some(source) => {
                    let source = source.to_string();
                    if !unchanged(&source, true) {
                        doc.set_attr(f, "Source", rewrite(&source));
                    }
                }
                None => {}
            }
        }
        Ok(())
    }
}
