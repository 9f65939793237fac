//! Reading WiX source (`.wxs`) back into a [`Document`]: a previous harvest for `-update`, the
//! two harvests of `heat check`, or what an external mutator wrote.
//!
//! Only elements and attributes are kept (heat's output has nothing else); comments,
//! processing instructions and white space are dropped. A document type declaration is refused,
//! so no entity can be expanded, and so is any root other than `Wix` in the v3 or v4 namespace.

use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::error::{codes, Error, Result};
use crate::model::{Document, NodeId, Schema};

/// The largest `.wxs` file read (1 GiB); a larger one is refused rather than loaded.
pub const MAX_DOCUMENT_BYTES: u64 = 1 << 30;

/// Reads the `.wxs` file at `path`. Errors name the file and, for bad XML, the line.
pub fn read_file(path: &Path) -> Result<Document> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, "read", e))?;
    if meta.len() > MAX_DOCUMENT_BYTES {
        return Err(Error::at(
            codes::BAD_DOCUMENT,
            path,
            format!("'{}' is larger than 1 GiB; it is not read.", path.display()),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, "read", e))?;
    parse(&bytes).map_err(|e| {
        Error::at(
            e.code(),
            path,
            format!("'{}': {}", path.display(), e.message()),
        )
    })
}

/// Parses `.wxs` bytes (UTF-8, with or without a byte-order mark).
pub fn parse(bytes: &[u8]) -> Result<Document> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::new(
            codes::BAD_DOCUMENT,
            format!("not UTF-8 text (at byte {}).", e.valid_up_to()),
        )
    })?;
    let mut reader = Reader::from_str(text);
    let mut doc: Option<Document> = None;
    let mut stack: Vec<NodeId> = Vec::new();
    let line_of = |pos: u64| line_at(text, pos);
    loop {
        let pos = reader.buffer_position();
        let event = reader.read_event().map_err(|e| {
            Error::new(
                codes::BAD_DOCUMENT,
                format!(
                    "not well-formed XML at line {}: {e}",
                    line_of(reader.error_position())
                ),
            )
        })?;
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                let empty = matches!(event, Event::Empty(_));
                let node = match (&mut doc, stack.last()) {
                    (None, _) => {
                        let d = root_document(start, line_of(pos))?;
                        let root = d.root();
                        doc = Some(d);
                        let d = doc.as_mut().expect("just set");
                        copy_attrs(d, root, start, true, || line_of(pos))?;
                        root
                    }
                    (Some(d), Some(&parent)) => {
                        let name = start.name().as_ref().to_owned();
                        let node = d.create_child(parent, name);
                        copy_attrs(d, node, start, false, || line_of(pos))?;
                        node
                    }
                    (Some(_), None) => {
                        return Err(bad(line_of(pos), "more than one root element"));
                    }
                };
                if !empty {
                    stack.push(node);
                }
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::DocType(_) => {
                return Err(bad(
                    line_of(pos),
                    "a document type declaration (DOCTYPE) is not accepted in WiX source",
                ));
            }
            Event::GeneralRef(_) if stack.is_empty() => {
                return Err(bad(
                    line_of(pos),
                    "an entity reference outside the root element",
                ));
            }
            Event::Text(ref t) if stack.is_empty() && !t.trim().is_empty() => {
                return Err(bad(line_of(pos), "text outside the root element"));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(Error::new(
            codes::BAD_DOCUMENT,
            format!("the document ends inside the element '{}' (truncated?)", {
                let d = doc.as_ref().expect("stack implies a root");
                d.name(*stack.last().expect("not empty")).to_owned()
            }),
        ));
    }
    doc.ok_or_else(|| {
        Error::new(
            codes::BAD_DOCUMENT,
            "no root element (empty or truncated document)",
        )
    })
}

/// The line (from 1) holding byte `pos` of `text`.
pub(crate) fn line_at(text: &str, pos: u64) -> usize {
    text.as_bytes()[..(pos as usize).min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

fn bad(line: usize, what: &str) -> Error {
    Error::new(codes::BAD_DOCUMENT, format!("{what} (line {line})."))
}

fn root_document(start: &BytesStart<'_>, line: usize) -> Result<Document> {
    if start.name().as_ref() != "Wix" {
        return Err(bad(
            line,
            &format!("the root element is '{}', not 'Wix'", start.name().as_ref()),
        ));
    }
    let mut ns = None;
    for a in start.attributes() {
        let a = a.map_err(|e| bad(line, &format!("a bad attribute: {e}")))?;
        if a.key.as_ref() == "xmlns" {
            ns = Some(a.unescape_value_compat().map_err(|e| bad(line, &e))?);
        }
    }
    let ns = ns.unwrap_or_default();
    let schema = Schema::from_namespace(&ns).ok_or_else(|| {
        bad(
            line,
            &format!(
                "the Wix element's namespace is '{ns}', not WiX v3's '{}' or v4's '{}'",
                Schema::V3.namespace(),
                Schema::V4.namespace()
            ),
        )
    })?;
    Ok(Document::new(schema))
}

trait AttrValue {
    fn unescape_value_compat(&self) -> std::result::Result<String, String>;
}

impl AttrValue for quick_xml::events::attributes::Attribute<'_> {
    fn unescape_value_compat(&self) -> std::result::Result<String, String> {
        self.normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map(|v| v.into_owned())
            .map_err(|e| e.to_string())
    }
}

fn copy_attrs(
    doc: &mut Document,
    node: NodeId,
    start: &BytesStart<'_>,
    root: bool,
    // The line is only counted when there is an error to report: counting it for every
    // element would read the document again and again.
    line: impl Fn() -> usize,
) -> Result<()> {
    for a in start.attributes() {
        let a = a.map_err(|e| bad(line(), &format!("a bad attribute: {e}")))?;
        if root && a.key.as_ref() == "xmlns" {
            continue;
        }
        let key = a.key.as_ref().to_owned();
        let value = a.unescape_value_compat().map_err(|e| bad(line(), &e))?;
        doc.push_attr(node, key, value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::{to_text, Format};

    #[test]
    fn round_trip() {
        let text = "<Wix xmlns=\"http://wixtoolset.org/schemas/v4/wxs\">\r\n    <Fragment>\r\n        <DirectoryRef Id=\"A&amp;B\" />\r\n    </Fragment>\r\n</Wix>";
        let doc = parse(format!("\u{FEFF}{text}").as_bytes()).unwrap();
        assert_eq!(doc.schema(), Schema::V4);
        assert_eq!(to_text(&doc, Format::default()), text);
    }

    #[test]
    fn refusals() {
        let cases: &[(&str, &str)] = &[
            ("", "no root element"),
            (
                "<Wix xmlns=\"http://schemas.microsoft.com/wix/2006/wi\"><Fragment>",
                "ends inside",
            ),
            ("<Wix xmlns=\"urn:other\"/>", "namespace"),
            ("<Product/>", "not 'Wix'"),
            ("<!DOCTYPE x [<!ENTITY a \"aaaa\">]><Wix/>", "DOCTYPE"),
            (
                "<Wix xmlns=\"http://schemas.microsoft.com/wix/2006/wi\"><A></B></Wix>",
                "line 1",
            ),
        ];
        for (input, needle) in cases {
            let err = parse(input.as_bytes()).unwrap_err();
            assert!(err.message().contains(needle), "{input}: {}", err.message());
            assert_eq!(err.code(), codes::BAD_DOCUMENT);
        }
    }
}
