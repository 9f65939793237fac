//! The one reader of WiX source: namespace-aware and streaming, it hands out elements one at a
//! time, and refuses what WiX source never holds (see [`WixReader`]). Reading a previous
//! harvest for `-update`, the two harvests of `heat check`, and what an `-ext` program wrote
//! all go through it.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

use crate::error::{codes, Error, Result};
use crate::wix::Schema;

/// An element met by a [`WixReader`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element<'a> {
    /// The element's name as written (`Component`, or `util:XmlFile` for another namespace's).
    pub name: Cow<'a, str>,
    /// Whether its name is in the document's WiX namespace (`name` is then its local name).
    pub in_wix: bool,
    /// Its attributes as written, values unescaped and normalized, namespace declarations
    /// among them (but for the root's default namespace).
    pub attributes: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// Whether it is written `<X />`, with no content.
    pub empty: bool,
    /// Where it starts in the text, in bytes (see [`WixReader::line_of`]).
    pub position: u64,
}

impl Element<'_> {
    /// The value of attribute `name`, if given.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_ref())
    }
}

/// What a [`WixReader`] meets, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item<'a> {
    /// The start of an element; an empty one (`<X />`) is followed by its [`Item::End`].
    Start(Element<'a>),
    /// Text inside an element (white space between elements too).
    Text(Cow<'a, str>),
    /// The end of the element started last.
    End,
}

/// A streaming reader of WiX source (UTF-8, with or without a byte-order mark).
///
/// It refuses, with an error naming the line: text that is not UTF-8 or not well-formed XML; a
/// document type declaration (so no entity is ever expanded); a root other than `Wix` in WiX
/// v3's or v4's namespace, or more than one root; text or entity references outside the root;
/// an element with an undeclared prefix; and a document that ends inside an element.
///
/// ```
/// use heat::xml::reader::{Item, WixReader};
/// use heat::Schema;
///
/// let text = r#"<Wix xmlns="http://wixtoolset.org/schemas/v4/wxs"><Fragment Id="F" /></Wix>"#;
/// let mut r = WixReader::new(text.as_bytes()).unwrap();
/// let mut names = Vec::new();
/// while let Some(item) = r.next().unwrap() {
///     if let Item::Start(e) = item {
///         names.push(e.name.into_owned());
///     }
/// }
/// assert_eq!(names, ["Wix", "Fragment"]);
/// assert_eq!(r.schema(), Some(Schema::V4));
/// ```
pub struct WixReader<'a> {
    text: &'a str,
    reader: NsReader<&'a [u8]>,
    schema: Option<Schema>,
    /// The names of the open elements, for the message of a truncated document.
    open: Vec<String>,
    /// An `End` owed for an empty element.
    pending_end: bool,
    done: bool,
}

impl std::fmt::Debug for WixReader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WixReader")
            .field("schema", &self.schema)
            .field("depth", &self.open.len())
            .finish_non_exhaustive()
    }
}

impl<'a> WixReader<'a> {
    /// A reader of `bytes`; fails when they are not UTF-8.
    pub fn new(bytes: &'a [u8]) -> Result<WixReader<'a>> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = std::str::from_utf8(bytes).map_err(|e| {
            Error::new(
                codes::BAD_DOCUMENT,
                format!("not UTF-8 text (at byte {}).", e.valid_up_to()),
            )
        })?;
        let mut reader = NsReader::from_str(text);
        reader.config_mut().check_comments = true;
        Ok(WixReader {
            text,
            reader,
            schema: None,
            open: Vec::new(),
            pending_end: false,
            done: false,
        })
    }

    /// The schema of the document, once its root has been read.
    pub fn schema(&self) -> Option<Schema> {
        self.schema
    }

    /// How deep the reader is: the number of elements open.
    pub fn depth(&self) -> usize {
        self.open.len()
    }

    /// The line (from 1) holding byte `position` of the text.
    pub fn line_of(&self, position: u64) -> usize {
        line_at(self.text, position)
    }

    fn bad(&self, position: u64, what: &str) -> Error {
        Error::new(
            codes::BAD_DOCUMENT,
            format!("{what} (line {}).", self.line_of(position)),
        )
    }

    /// The next item, or `None` at the end of the document.
    // An iterator could not lend out items that borrow the text and carry errors as cleanly.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<Item<'a>>> {
        if self.pending_end {
            self.pending_end = false;
            self.open.pop();
            return Ok(Some(Item::End));
        }
        loop {
            if self.done {
                return Ok(None);
            }
            let pos = self.reader.buffer_position();
            let (resolved, event) = match self.reader.read_resolved_event() {
                Ok(read) => read,
                Err(e) => {
                    let at = line_at(self.text, self.reader.error_position());
                    return Err(Error::new(
                        codes::BAD_DOCUMENT,
                        format!("not well-formed XML at line {at}: {e}"),
                    ));
                }
            };
            let namespace = match resolved {
                ResolveResult::Bound(ns) => Some(ns.0.to_string()),
                ResolveResult::Unbound => None,
                ResolveResult::Unknown(prefix) => {
                    return Err(self.bad(
                        pos,
                        &format!("an element with the undeclared prefix '{prefix}'"),
                    ))
                }
            };
            match event {
                Event::Start(e) => return self.start(e, namespace, false, pos).map(Some),
                Event::Empty(e) => return self.start(e, namespace, true, pos).map(Some),
                Event::End(_) => {
                    self.open.pop();
                    return Ok(Some(Item::End));
                }
                Event::Text(t) => {
                    let text = t.xml10_content();
                    if self.open.is_empty() {
                        if !text.trim().is_empty() {
                            return Err(self.bad(pos, "text outside the root element"));
                        }
                        continue;
                    }
                    return Ok(Some(Item::Text(text)));
                }
                Event::CData(t) if !self.open.is_empty() => {
                    return Ok(Some(Item::Text(t.xml10_content())));
                }
                Event::GeneralRef(r) => {
                    if self.open.is_empty() {
                        return Err(self.bad(pos, "an entity reference outside the root element"));
                    }
                    let text = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => match &*r.xml10_content() {
                            "lt" => "<".to_owned(),
                            "gt" => ">".to_owned(),
                            "amp" => "&".to_owned(),
                            "apos" => "'".to_owned(),
                            "quot" => "\"".to_owned(),
                            other => {
                                return Err(
                                    self.bad(pos, &format!("the unknown entity '&{other};'"))
                                )
                            }
                        },
                    };
                    return Ok(Some(Item::Text(Cow::Owned(text))));
                }
                Event::Decl(d) => {
                    if let Some(Ok(encoding)) = d.encoding() {
                        let encoding = encoding.to_ascii_lowercase();
                        if encoding != "utf-8" && encoding != "utf8" {
                            return Err(self.bad(
                                pos,
                                &format!(
                                    "an XML declaration of the encoding '{encoding}', where the \
                                     text is read as UTF-8"
                                ),
                            ));
                        }
                    }
                }
                Event::DocType(_) => {
                    return Err(self.bad(
                        pos,
                        "a document type declaration (DOCTYPE) is not accepted in WiX source",
                    ))
                }
                Event::Eof => {
                    self.done = true;
                    if let Some(open) = self.open.last() {
                        return Err(Error::new(
                            codes::BAD_DOCUMENT,
                            format!("the document ends inside the element '{open}' (truncated?)"),
                        ));
                    }
                    if self.schema.is_none() {
                        return Err(Error::new(
                            codes::BAD_DOCUMENT,
                            "no root element (empty or truncated document)",
                        ));
                    }
                    return Ok(None);
                }
                _ => {}
            }
        }
    }

    fn start(
        &mut self,
        e: BytesStart<'a>,
        namespace: Option<String>,
        empty: bool,
        pos: u64,
    ) -> Result<Item<'a>> {
        let root = self.open.is_empty();
        let qname = e.name().0.to_string();
        let local = e.local_name().into_inner().to_string();
        if root {
            if self.schema.is_some() {
                return Err(self.bad(pos, "more than one root element"));
            }
            let found = namespace
                .as_deref()
                .filter(|_| local == "Wix")
                .and_then(Schema::from_namespace);
            let Some(schema) = found else {
                let ns = match &namespace {
                    Some(ns) => format!("the namespace '{ns}'"),
                    None => "no namespace".to_owned(),
                };
                let what = if local == "Wix" {
                    format!(
                        "the Wix element is in {ns}, not in WiX v3's '{}' or v4's '{}'",
                        Schema::V3.namespace(),
                        Schema::V4.namespace()
                    )
                } else {
                    format!("the root element is '{qname}', not 'Wix'")
                };
                return Err(self.bad(pos, &what));
            };
            self.schema = Some(schema);
        }
        let wix_ns = self.schema.map(Schema::namespace);
        let in_wix = namespace.as_deref() == wix_ns;
        let mut attributes = Vec::new();
        for a in e.attributes() {
            let a = a.map_err(|err| self.bad(pos, &format!("a bad attribute: {err}")))?;
            let key = a.key.0.to_string();
            if root && key == "xmlns" {
                continue;
            }
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|err| self.bad(pos, &format!("a bad attribute value: {err}")))?
                .into_owned();
            attributes.push((Cow::Owned(key), Cow::Owned(value)));
        }
        let name: Cow<'a, str> = Cow::Owned(if in_wix { local } else { qname });
        self.open.push(name.to_string());
        if empty {
            self.pending_end = true;
        }
        Ok(Item::Start(Element {
            name,
            in_wix,
            attributes,
            empty,
            position: pos,
        }))
    }
}

/// The line (from 1) holding byte `pos` of `text`.
pub(crate) fn line_at(text: &str, pos: u64) -> usize {
    text.as_bytes()[..(pos as usize).min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}
