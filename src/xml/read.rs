//! Reading WiX source (`.wxs`) back into a [`Document`], through the crate's one
//! [`WixReader`](super::reader::WixReader): elements and attributes are kept (heat's output
//! has nothing else but the text of a childless element); comments, processing instructions
//! and white space between elements are dropped.

use std::path::Path;

use super::reader::{Item, WixReader};
use crate::error::{codes, Error, Result};
use crate::wix::{Document, NodeId};

/// The largest `.wxs` file read (1 GiB); a larger one is refused rather than loaded.
pub const MAX_DOCUMENT_BYTES: u64 = 1 << 30;

/// Reads the `.wxs` file at `path`. Errors name the file and, for bad XML, the line.
pub fn read_file(path: &Path) -> Result<Document> {
    check_size(path)?;
    build(WixReader::open(path)?).map_err(|e| in_file(path, e))
}

/// Refuses a file larger than [`MAX_DOCUMENT_BYTES`].
pub(crate) fn check_size(path: &Path) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, "read", e))?;
    if meta.len() > MAX_DOCUMENT_BYTES {
        return Err(Error::at(
            codes::BAD_DOCUMENT,
            path,
            format!("'{}' is larger than 1 GiB; it is not read.", path.display()),
        ));
    }
    Ok(())
}

/// An error reading the document at `path`, naming it.
pub(crate) fn in_file(path: &Path, e: Error) -> Error {
    Error::at(
        e.code(),
        path,
        format!("'{}': {}", path.display(), e.message()),
    )
}

/// Parses `.wxs` bytes (UTF-8, with or without a byte-order mark).
pub fn parse(bytes: &[u8]) -> Result<Document> {
    build(WixReader::new(bytes))
}

fn build<R: std::io::Read>(mut reader: WixReader<R>) -> Result<Document> {
    let mut doc: Option<Document> = None;
    let mut stack: Vec<NodeId> = Vec::new();
    // The text of the element open last, kept while it has no child element.
    let mut text = String::new();
    while let Some(item) = reader.next()? {
        match item {
            Item::Start(e) => {
                let d = doc.get_or_insert_with(|| Document::new(e.schema));
                let node = match stack.last() {
                    None => d.root(),
                    Some(&parent) => d.create_child(parent, e.name.to_owned()),
                };
                for (k, v) in e.attributes() {
                    d.push_attr(node, k.to_owned(), v);
                }
                stack.push(node);
                text.clear();
            }
            Item::Text(t) => text.push_str(t),
            Item::End => {
                let node = stack.pop().expect("the reader balances elements");
                let d = doc.as_mut().expect("an element was read");
                if d.children(node).is_empty() && !text.trim().is_empty() {
                    d.set_text(node, std::mem::take(&mut text));
                }
                text.clear();
            }
        }
    }
    Ok(doc.expect("the reader refuses a document without a root"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wix::Schema;
    use crate::xml::write::{to_text, Format};

    #[test]
    fn round_trip() {
        let text = "<Wix xmlns=\"http://wixtoolset.org/schemas/v4/wxs\">\r\n    <Fragment>\r\n        <DirectoryRef Id=\"A&amp;B\" />\r\n    </Fragment>\r\n</Wix>";
        let doc = parse(format!("\u{FEFF}{text}").as_bytes()).unwrap();
        assert_eq!(doc.schema(), Schema::V4);
        assert_eq!(to_text(&doc, Format::default()), text);
    }

    #[test]
    fn text_of_a_childless_element_is_kept() {
        let text = "<Wix xmlns=\"http://schemas.microsoft.com/wix/2006/wi\"><Component><Condition>1=0 &amp; x</Condition></Component></Wix>";
        let doc = parse(text.as_bytes()).unwrap();
        let c = doc.elements_named("Condition").next().unwrap();
        assert_eq!(doc.text(c), Some("1=0 & x"));
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
            (
                "<Wix xmlns=\"http://schemas.microsoft.com/wix/2006/wi\"><u:A /></Wix>",
                "undeclared prefix 'u'",
            ),
        ];
        for (input, needle) in cases {
            let err = parse(input.as_bytes()).unwrap_err();
            assert!(err.message().contains(needle), "{input}: {}", err.message());
            assert_eq!(err.code(), codes::BAD_DOCUMENT);
        }
    }
}
