//! Serializing a [`Document`] byte for byte as heat writes it, and writing the output file
//! safely.
//!
//! heat serializes with .NET's `XmlWriter` (indented, no declaration) into a string, lets text
//! mutators change that string, and then writes a UTF-8 byte-order mark, for WiX v3 the
//! declaration `<?xml version="1.0" encoding="utf-8"?>` and a line end, and the string. heat
//! ran on Windows only, so its lines end in CRLF, and no line end follows `</Wix>`.

use std::fs;
use std::io::Write as _;
use std::path::Path;

use crate::error::{Error, Result};
use crate::model::{Document, NodeId, Schema};

/// Line ends of the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LineEnding {
    /// `\r\n`, as heat writes.
    #[default]
    CrLf,
    /// `\n` (`-lf`).
    Lf,
}

impl LineEnding {
    /// The line end as text.
    pub fn as_str(self) -> &'static str {
        match self {
            LineEnding::CrLf => "\r\n",
            LineEnding::Lf => "\n",
        }
    }
}

/// How the output is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Format {
    /// Spaces per level (`-indent`, default 4).
    pub indent: usize,
    /// Line ends.
    pub line_ending: LineEnding,
}

impl Default for Format {
    fn default() -> Self {
        Format {
            indent: 4,
            line_ending: LineEnding::CrLf,
        }
    }
}

/// Serializes the document's elements as heat's `XmlWriter` does: no declaration, one element
/// a line, empty elements as `<X a="b" />`, no line end after the last.
pub fn to_text(doc: &Document, format: Format) -> String {
    let mut out = String::with_capacity(1 << 16);
    write_element(doc, doc.root(), 0, format, &mut out);
    out
}

fn write_element(doc: &Document, node: NodeId, depth: usize, format: Format, out: &mut String) {
    if depth > 0 {
        out.push_str(format.line_ending.as_str());
        out.extend(std::iter::repeat_n(' ', depth * format.indent));
    }
    let name = doc.name(node);
    out.push('<');
    out.push_str(name);
    if depth == 0 && name == "Wix" {
        out.push_str(" xmlns=\"");
        out.push_str(doc.schema().namespace());
        out.push('"');
    }
    for (k, v) in doc.attrs(node) {
        out.push(' ');
        out.push_str(k);
        out.push_str("=\"");
        escape_attr(v, out);
        out.push('"');
    }
    let children = doc.children(node);
    if children.is_empty() {
        out.push_str(" />");
        return;
    }
    out.push('>');
    for &c in children {
        write_element(doc, c, depth + 1, format, out);
    }
    out.push_str(format.line_ending.as_str());
    out.extend(std::iter::repeat_n(' ', depth * format.indent));
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// Escapes an attribute value as .NET's `XmlWriter` does.
pub fn escape_attr(v: &str, out: &mut String) {
    for c in v.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

/// The bytes of the output file: byte-order mark, the v3 declaration and a line end, then
/// `text` (the serialized document after any text mutators).
pub fn file_bytes(schema: Schema, text: &str, line_ending: LineEnding) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(text.len() + 64);
    bytes.extend_from_slice(b"\xEF\xBB\xBF");
    if schema == Schema::V3 {
        bytes.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"utf-8\"?>");
        bytes.extend_from_slice(line_ending.as_str().as_bytes());
    }
    bytes.extend_from_slice(text.as_bytes());
    bytes
}

/// Writes `bytes` to `path` through a temporary file in the same folder, renamed over `path`
/// only once everything is written and flushed: a failure leaves any earlier file untouched
/// and no partial file behind. Missing parent folders are created, as heat does.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    fs::create_dir_all(parent).map_err(|e| Error::io(parent, "create the folder", e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".heat-")
        .suffix(".tmp")
        .tempfile_in(parent)
        .map_err(|e| Error::io(parent, "create a temporary file in", e))?;
    tmp.write_all(bytes)
        .map_err(|e| Error::io(path, "write", e))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::io(path, "write", e))?;
    tmp.persist(path)
        .map_err(|e| Error::io(path, "replace", e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_nested_elements() {
        let mut doc = Document::new(Schema::V4);
        let f = doc.create_child(doc.root(), "Fragment");
        let d = doc.create_child(f, "DirectoryRef");
        doc.set_attr(d, "Id", "A&B");
        let text = to_text(
            &doc,
            Format {
                indent: 2,
                line_ending: LineEnding::Lf,
            },
        );
        assert_eq!(
            text,
            "<Wix xmlns=\"http://wixtoolset.org/schemas/v4/wxs\">\n  <Fragment>\n    <DirectoryRef Id=\"A&amp;B\" />\n  </Fragment>\n</Wix>"
        );
    }

    #[test]
    fn v3_has_a_declaration() {
        let bytes = file_bytes(Schema::V3, "<Wix />", LineEnding::CrLf);
        assert_eq!(
            bytes,
            b"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<Wix />"
        );
    }
}
