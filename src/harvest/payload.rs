//! `heat payload <folder>` (and heat v4's `heat dir <folder> -generate payloadgroup`): every
//! file below a folder as a bundle `Payload` in one `PayloadGroup`.
//!
//! Facts taken from heat v4's `DirectoryHarvester` (`GenerateType.PayloadGroup`) and
//! `UtilFinalizeHarvesterMutator.MutatePayloads`:
//! - the group's id is the `-dr` value (`TARGETDIR` by default), and it sits alone in a
//!   `Fragment`;
//! - each folder's sub-folders come first, each with everything below it, then its files;
//! - `SourceFile` is `SourceDir\` and the path below the harvested folder; `Name` (that path) is
//!   written only for files in a sub-folder;
//! - `-var` replaces `SourceDir` as for files, but `$` is not doubled;
//! - an empty folder gives an empty group, not an error.
//!
//! heat v3's `heat payload` harvested one file as a `RemotePayload` (with its hash, size,
//! version and certificate); that is not offered here, and a file is refused with a message
//! that says so.

use std::path::Path;

use crate::error::{codes, Error, Result};
use crate::harvest::walk::{walk, Folder, WalkOptions};
use crate::pipeline::{sequence, Context, Harvester, Mutator};
use crate::wix::{rewrite_source, variable_reference};
use crate::wix::{Document, NodeId};

/// Harvests a folder into a `PayloadGroup`.
///
/// ```
/// use heat::extension::{Context, Harvester};
/// use heat::{Messages, Schema};
/// use heat::harvest::PayloadHarvester;
/// # let tmp = tempfile::tempdir().unwrap();
/// # let root = tmp.path().join("Redist");
/// # std::fs::create_dir_all(root.join("x64")).unwrap();
/// # std::fs::write(root.join("x64/vc.exe"), "a").unwrap();
/// let mut cx = Context::new(Schema::V4, false, Messages::default());
/// let doc = PayloadHarvester::default().harvest(&mut cx, root.to_str().unwrap()).unwrap();
/// let payload = doc.elements_named("Payload").next().unwrap();
/// assert_eq!(doc.attr(payload, "SourceFile").unwrap(), "SourceDir\\x64\\vc.exe");
/// assert_eq!(doc.attr(payload, "Name").unwrap(), "x64\\vc.exe");
/// ```
#[derive(Debug, Clone)]
pub struct PayloadHarvester {
    /// `-dr`: the id of the `PayloadGroup` (heat's default is `TARGETDIR`).
    pub group_id: String,
    /// How links are treated, and `-include`/`-exclude`.
    pub walk: WalkOptions,
}

impl Default for PayloadHarvester {
    fn default() -> Self {
        PayloadHarvester {
            group_id: "TARGETDIR".to_owned(),
            walk: WalkOptions::default(),
        }
    }
}

impl Harvester for PayloadHarvester {
    fn name(&self) -> &str {
        "payload"
    }

    fn harvest(&mut self, cx: &mut Context, source: &str) -> Result<Document> {
        let root = Path::new(source);
        if std::fs::metadata(root).is_ok_and(|m| m.is_file()) {
            return Err(Error::at(
                codes::PAYLOAD_NEEDS_FOLDER,
                root,
                format!(
                    "The harvest type 'payload' needs a folder, but '{}' is a file. heat v3 \
                     harvested one file as a RemotePayload; here a folder becomes a \
                     PayloadGroup: give the folder holding the file, or -include it.",
                    root.display()
                ),
            ));
        }
        let tree = walk(root, &self.walk, cx)?;
        let mut doc = Document::new(cx.schema);
        let fragment = doc.create_child(doc.root(), "Fragment");
        let group = doc.create_child(fragment, "PayloadGroup");
        doc.set_attr(group, "Id", &self.group_id);
        add(&mut doc, group, &tree, &mut String::new());
        Ok(doc)
    }
}

/// Adds the payloads of `folder`, whose path below the root is `rel` (with a trailing `\`).
fn add(doc: &mut Document, group: NodeId, folder: &Folder, rel: &mut String) {
    for sub in &folder.folders {
        let len = rel.len();
        rel.push_str(&sub.name);
        rel.push('\\');
        add(doc, group, sub, rel);
        rel.truncate(len);
    }
    for name in &folder.files {
        let payload = doc.create_child(group, "Payload");
        doc.set_attr(payload, "SourceFile", format!("SourceDir\\{rel}{name}"));
        if !rel.is_empty() {
            doc.set_attr(payload, "Name", format!("{rel}{name}"));
        }
    }
}

/// The payload half of heat's finalizing mutator (sequence 2000): `-var` in `SourceFile`, and
/// `-pathsep`.
#[derive(Debug, Clone)]
pub struct PayloadFinalizeMutator {
    /// `-var`: `var.X` writes `$(var.X)` and `wix.X` writes `!(wix.X)` in place of `SourceDir`.
    pub source_variable: Option<String>,
    /// `-pathsep /`: the separator written in `SourceFile` (heat's is `\`).
    pub path_separator: char,
}

impl Mutator for PayloadFinalizeMutator {
    fn name(&self) -> &str {
        "heat-finalize-payloads"
    }

    fn sequence(&self) -> i32 {
        sequence::FINALIZE
    }

    fn mutate(&mut self, _cx: &mut Context, doc: &mut Document) -> Result<()> {
        let substitution = self.source_variable.as_deref().map(variable_reference);
        let payloads: Vec<_> = doc.elements_named("Payload").collect();
        for p in payloads {
            let Some(source) = doc.attr(p, "SourceFile").map(|v| v.text().into_owned()) else {
                continue;
            };
            let source = rewrite_source(&source, substitution.as_deref(), self.path_separator);
            doc.set_attr(p, "SourceFile", source);
        }
        Ok(())
    }
}
