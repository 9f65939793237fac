//! WiX documents: validation against the schemas, and reading them as the tests compare them.

use std::path::Path;
use std::process::Command;

use crate::{require_tool, schema_path, stderr};

/// Checks `file` against the WiX schema `xsd` (`wix3.xsd` or `wix4.xsd`, see
/// [`schema_path`](crate::schema_path)) with `xmllint`, and panics with what it says when the
/// file is not valid. A test that calls this needs `xmllint` (see the crate's documentation).
#[track_caller]
pub fn validate(file: &Path, xsd: &str) {
    require_tool("xmllint");
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema_path(xsd))
        .arg(file)
        .output()
        .expect("run xmllint");
    assert!(
        out.status.success(),
        "{} does not validate against {xsd}:\n{}",
        file.display(),
        stderr(&out)
    );
}

/// The schema a harvest made with `args` is written in: `wix3.xsd` under `-wix3`, `wix4.xsd`
/// otherwise.
pub fn xsd_for(args: &[&str]) -> &'static str {
    if args.contains(&"-wix3") {
        "wix3.xsd"
    } else {
        "wix4.xsd"
    }
}

/// The lines of a document as WiX's own heat tests compare them: read as text (mark and line
/// ends dropped), double quotes replaced by single ones.
pub fn wix_lines(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text).to_owned();
    text.lines().map(|l| l.replace('"', "'")).collect()
}

/// Attributes of a document read from a file, which holds them all as text.
pub trait TextAttr {
    /// The text of attribute `name` of `node`, if set.
    fn text_attr(&self, node: heat::NodeId, name: &str) -> Option<&str>;
}

impl TextAttr for heat::Document {
    fn text_attr(&self, node: heat::NodeId, name: &str) -> Option<&str> {
        self.attr(node, name)
            .map(|v| v.as_text().expect("a document read from a file holds text"))
    }
}
