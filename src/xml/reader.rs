//! The one reader of WiX source: namespace-aware and streaming, it hands out elements one at a
//! time from a buffer of a few megabytes, however large the file, and refuses what WiX source
//! never holds (see [`WixReader`]). Reading a previous harvest for `-update`, the two harvests
//! of `heat check`, a document back into a [`Document`](crate::Document), and what an `-ext`
//! program wrote all go through it.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use quick_xml::events::Event;

use crate::error::{codes, Error, Result};
use crate::wix::escape::{describe_non_xml_char, find_non_xml_char, is_xml_char};
use crate::wix::{Schema, MAX_ATTRIBUTES};

/// An element met by a [`WixReader`]; it borrows the reader's buffer until the next item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element<'a> {
    /// The element's name: its local name when it is in the document's WiX namespace (`Component`,
    /// even when written `wix:Component`), else its name as written (`util:XmlFile`).
    pub name: &'a str,
    /// Whether its name is in the document's WiX namespace.
    pub in_wix: bool,
    /// Its attributes as written, values unescaped and normalized, namespace declarations
    /// among them (but for the root's default namespace).
    pub attributes: Vec<(&'a str, Cow<'a, str>)>,
    /// Whether it is written `<X />`, with no content.
    pub empty: bool,
    /// Where it starts in the text, in bytes from the start of the file.
    pub position: u64,
    /// The document's schema, known from its root.
    pub schema: Schema,
}

impl Element<'_> {
    /// The value of attribute `name`, if given.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| *k == name)
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

/// How many bytes the reader reads at a time.
const CHUNK: usize = 4 << 20;

/// A streaming reader of WiX source (UTF-8, with or without a byte-order mark).
///
/// It refuses, with an error naming the line: text that is not UTF-8 or not well-formed XML
/// (an end tag that does not match its start among them); a character XML 1.0 does not allow
/// (a control character other than tab, line feed and carriage return, U+FFFE or U+FFFF),
/// written as it is or as a character reference (`&#1;`); a document type declaration (so no
/// entity is ever expanded) or an XML declaration of another encoding; a root other than `Wix`
/// in WiX v3's or v4's namespace, or more than one root; text or entity references outside the
/// root; an element with an undeclared prefix, or with more than 65,535 attributes; and a
/// document that ends inside an element. Its memory is its buffer and one entry per open
/// element and per namespace declaration in scope, whatever the size of the file, and its time
/// is linear in the size of the file.
///
/// ```
/// use heat::xml::reader::{Item, WixReader};
/// use heat::Schema;
///
/// let text = r#"<Wix xmlns="http://wixtoolset.org/schemas/v4/wxs"><Fragment Id="F" /></Wix>"#;
/// let mut r = WixReader::new(text.as_bytes());
/// let mut names = Vec::new();
/// while let Some(item) = r.next().unwrap() {
///     if let Item::Start(e) = item {
///         names.push(e.name.to_owned());
///     }
/// }
/// assert_eq!(names, ["Wix", "Fragment"]);
/// assert_eq!(r.schema(), Some(Schema::V4));
/// ```
pub struct WixReader<R> {
    source: R,
    /// Text read, checked as UTF-8; what is not yet consumed starts at `pos`.
    buf: String,
    pos: usize,
    /// Bytes read after `buf` that do not make a whole character yet, and room to read into.
    tail: Vec<u8>,
    read: Vec<u8>,
    /// The source has no more bytes.
    eof: bool,
    /// Where `buf[0]` is in the file, in bytes and in lines before it.
    offset: u64,
    /// The byte-order mark's length, which positions in messages leave out.
    bom: u64,
    lines: usize,
    chunk: usize,
    started: bool,
    done: bool,
    st: State,
}

/// What the reader knows of the document so far.
#[derive(Debug, Default)]
struct State {
    schema: Option<Schema>,
    /// The open elements' names as written, for end tags, one after the other in `names`.
    names: String,
    open: Vec<usize>,
    /// Namespace bindings in scope, by prefix (`""` for the default): the namespaces declared
    /// for it by the open elements, innermost last.
    bindings: HashMap<Box<str>, Vec<Box<str>>>,
    /// The prefixes the open elements declared, with the depth of the element, innermost last.
    declared: Vec<(usize, Box<str>)>,
    /// An `End` owed for an empty element.
    pending_end: bool,
}

impl State {
    /// The name of the element open last.
    fn last(&self) -> Option<&str> {
        self.open.last().map(|&start| &self.names[start..])
    }

    /// Opens an element named `name`.
    fn push(&mut self, name: &str) {
        self.open.push(self.names.len());
        self.names.push_str(name);
    }

    /// Closes the element open last, and the namespaces it declared.
    fn close(&mut self) {
        let depth = self.open.len();
        if let Some(start) = self.open.pop() {
            self.names.truncate(start);
        }
        while self.declared.last().is_some_and(|(d, _)| *d >= depth) {
            let (_, prefix) = self.declared.pop().expect("checked");
            if let Some(stack) = self.bindings.get_mut(&prefix) {
                stack.pop();
            }
        }
    }

    /// Binds `prefix` to `namespace` for the element at `depth` and its content.
    fn bind(&mut self, prefix: &str, namespace: &str, depth: usize) {
        self.bindings
            .entry(prefix.into())
            .or_default()
            .push(namespace.into());
        self.declared.push((depth, prefix.into()));
    }
}

/// The line (from 1) of byte `at` of `buf`, whose first byte is after `lines` lines.
fn line_in(buf: &[u8], lines: usize, at: usize) -> usize {
    let at = at.min(buf.len());
    lines + buf[..at].iter().filter(|b| **b == b'\n').count() + 1
}

fn bad(buf: &[u8], lines: usize, at: usize, what: &str) -> Error {
    Error::new(
        codes::BAD_DOCUMENT,
        format!("{what} (line {}).", line_in(buf, lines, at)),
    )
}

impl<R> std::fmt::Debug for WixReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WixReader")
            .field("schema", &self.st.schema)
            .field("depth", &self.st.open.len())
            .field("offset", &(self.offset + self.pos as u64))
            .finish_non_exhaustive()
    }
}

impl<'a> WixReader<&'a [u8]> {
    /// A reader of `bytes`, read from memory.
    pub fn new(bytes: &'a [u8]) -> WixReader<&'a [u8]> {
        WixReader::from_reader(bytes)
    }
}

impl WixReader<std::fs::File> {
    /// A reader of the file at `path`, read a few megabytes at a time.
    pub fn open(path: &Path) -> Result<WixReader<std::fs::File>> {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, "read", e))?;
        Ok(WixReader::from_reader(file))
    }
}

impl<R: Read> WixReader<R> {
    /// A reader of what `source` gives.
    pub fn from_reader(source: R) -> WixReader<R> {
        WixReader::with_chunk(source, CHUNK)
    }

    /// A reader that reads `chunk` bytes at a time (tests use small ones).
    pub(crate) fn with_chunk(source: R, chunk: usize) -> WixReader<R> {
        WixReader {
            source,
            buf: String::new(),
            pos: 0,
            tail: Vec::new(),
            read: Vec::new(),
            eof: false,
            offset: 0,
            bom: 0,
            lines: 0,
            chunk: chunk.max(16),
            started: false,
            done: false,
            st: State::default(),
        }
    }

    /// The schema of the document, once its root has been read.
    pub fn schema(&self) -> Option<Schema> {
        self.st.schema
    }

    /// How deep the reader is: the number of elements open.
    pub fn depth(&self) -> usize {
        self.st.open.len()
    }

    /// Reads more of the source: the consumed text leaves the buffer, and at least `chunk`
    /// more bytes are asked for (more when an item is larger than what is left).
    fn fill(&mut self) -> Result<()> {
        if self.pos > 0 {
            self.lines += self.buf.as_bytes()[..self.pos]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            self.offset += self.pos as u64;
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let want = self.chunk.max(self.buf.len());
        self.read.clear();
        self.read.append(&mut self.tail);
        let start = self.read.len();
        self.read.resize(start + want, 0);
        let mut got = 0;
        while got < want {
            match self.source.read(&mut self.read[start + got..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(Error::new(
                        codes::IO,
                        format!("Cannot read the document: {e}."),
                    ))
                }
            }
        }
        self.read.truncate(start + got);
        let mut bytes = &self.read[..];
        if !self.started {
            self.started = true;
            if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
                bytes = rest;
                self.offset = 3;
                self.bom = 3;
            }
        }
        // Whole characters go to the text; a character cut at the end waits for more.
        let (good, rest) = match std::str::from_utf8(bytes) {
            Ok(text) => (text, &bytes[bytes.len()..]),
            Err(e) if e.error_len().is_none() && !self.eof => {
                let (good, rest) = bytes.split_at(e.valid_up_to());
                (std::str::from_utf8(good).expect("valid up to here"), rest)
            }
            Err(e) => {
                return Err(Error::new(
                    codes::BAD_DOCUMENT,
                    format!(
                        "not UTF-8 text (at byte {}).",
                        self.offset - self.bom + (self.buf.len() + e.valid_up_to()) as u64
                    ),
                ))
            }
        };
        self.buf.push_str(good);
        self.tail = rest.to_vec();
        Ok(())
    }

    /// The next item, or `None` at the end of the document.
    // An iterator could not lend out items that borrow the buffer.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<Item<'_>>> {
        if self.st.pending_end {
            self.st.pending_end = false;
            self.st.close();
            return Ok(Some(Item::End));
        }
        loop {
            if self.done {
                return Ok(None);
            }
            if !self.eof && self.buf.len() - self.pos < self.chunk / 4 {
                self.fill()?;
            }
            // The event must end before the end of what is read, or the source must be done:
            // a text or a tag cut by the end of the buffer is read again with more.
            let complete = self.eof && self.tail.is_empty();
            let (used, outcome) = {
                let text = &self.buf[self.pos..];
                let mut reader = quick_xml::Reader::from_str(text);
                let config = reader.config_mut();
                config.check_end_names = false;
                config.allow_unmatched_ends = true;
                config.check_comments = true;
                let event = reader.read_event();
                let used = reader.buffer_position() as usize;
                let outcome = match event {
                    Ok(Event::Eof) if complete => Step::Eof,
                    Ok(e) if complete || self.pos + used < self.buf.len() => {
                        Step::Event(kind_of(&e))
                    }
                    Err(e) if complete => {
                        Step::Error(reader.error_position() as usize, e.to_string())
                    }
                    _ => Step::More,
                };
                (used, outcome)
            };
            let at = self.pos;
            match outcome {
                Step::More => {
                    if !self.eof {
                        self.chunk = self.chunk.max(2 * (self.buf.len() - self.pos));
                    }
                    // All read but not all whole UTF-8: fill reports it.
                    self.fill()?;
                    continue;
                }
                Step::Eof => {
                    self.done = true;
                    return self.st.finish().map(|()| None);
                }
                Step::Error(pos, e) => {
                    let line = line_in(self.buf.as_bytes(), self.lines, at + pos);
                    return Err(Error::new(
                        codes::BAD_DOCUMENT,
                        format!("not well-formed XML at line {line}: {e}"),
                    ));
                }
                Step::Event(kind) => {
                    self.pos += used;
                    let raw = &self.buf[at..at + used];
                    if let Some((i, c)) = find_non_xml_char(raw) {
                        return Err(bad(
                            self.buf.as_bytes(),
                            self.lines,
                            at + i,
                            &format!("not well-formed XML: {}", describe_non_xml_char(c)),
                        ));
                    }
                    let bad = |what: &str| bad(self.buf.as_bytes(), self.lines, at, what);
                    let outside = self.st.open.is_empty();
                    match kind {
                        Kind::Text if outside => {
                            if !raw.trim().is_empty() {
                                return Err(bad("text outside the root element"));
                            }
                        }
                        Kind::CData if outside => {
                            return Err(bad("text outside the root element"));
                        }
                        Kind::Ref if outside => {
                            return Err(bad("an entity reference outside the root element"));
                        }
                        Kind::Decl => {
                            let lower = raw.to_ascii_lowercase();
                            if let Some(at) = lower.find("encoding") {
                                let value = lower[at + 8..]
                                    .trim_start()
                                    .trim_start_matches('=')
                                    .trim_start()
                                    .trim_start_matches(['"', '\''])
                                    .split(['"', '\''])
                                    .next()
                                    .unwrap_or("");
                                if value != "utf-8" && value != "utf8" {
                                    return Err(bad(&format!(
                                        "an XML declaration of the encoding '{value}', where the \
                                         text is read as UTF-8"
                                    )));
                                }
                            }
                        }
                        Kind::DocType => return Err(bad(
                            "a document type declaration (DOCTYPE) is not accepted in WiX source",
                        )),
                        Kind::Other => {}
                        _ => return self.item(kind, at, used),
                    }
                }
            }
        }
    }

    /// The item of the event of `kind` at `at` (`used` bytes) in the buffer.
    fn item(&mut self, kind: Kind, at: usize, used: usize) -> Result<Option<Item<'_>>> {
        let position = self.offset + at as u64;
        let (buf, lines, st) = (&self.buf, self.lines, &mut self.st);
        let raw = &buf[at..at + used];
        let bad = |what: &str| bad(buf.as_bytes(), lines, at, what);
        match kind {
            Kind::Start | Kind::Empty => {
                start_element(raw, kind == Kind::Empty, st, position, &bad).map(Some)
            }
            Kind::End => {
                let name = raw
                    .trim_start_matches("</")
                    .trim_end_matches('>')
                    .trim_end();
                match st.last() {
                    Some(open) if open == name => {}
                    Some(open) => {
                        return Err(bad(&format!(
                            "not well-formed XML: the end tag '</{name}>' does not match the \
                             start tag '<{open}>'"
                        )))
                    }
                    None => {
                        return Err(bad(&format!(
                            "not well-formed XML: the end tag '</{name}>' closes nothing"
                        )))
                    }
                }
                st.close();
                Ok(Some(Item::End))
            }
            Kind::CData => Ok(Some(Item::Text(Cow::Borrowed(
                raw.trim_start_matches("<![CDATA[").trim_end_matches("]]>"),
            )))),
            // White space between elements as it is; other text with its line ends read as LF.
            Kind::Text if raw.bytes().all(|b| b.is_ascii_whitespace()) => {
                Ok(Some(Item::Text(Cow::Borrowed(raw))))
            }
            Kind::Text => {
                let text = quick_xml::events::BytesText::from_escaped(raw).xml10_content();
                Ok(Some(Item::Text(text)))
            }
            _ => {
                let name = &raw[1..raw.len() - 1];
                entity(name)
                    .map(|t| Some(Item::Text(Cow::Owned(t))))
                    .map_err(|why| bad(&why))
            }
        }
    }
}

/// Reads all of `text` as WiX source, as [`WixReader`] reads it (well-formed XML that XML 1.0
/// can carry, a `Wix` root in WiX v3's or v4's namespace, …), and returns its schema: the
/// check of text that came from outside (a transform's result, a program's output) before it
/// is written.
pub(crate) fn check_wix(text: &str) -> Result<Schema> {
    let mut reader = WixReader::new(text.as_bytes());
    while reader.next()?.is_some() {}
    Ok(reader
        .schema()
        .expect("a document read to its end has a root"))
}

/// What the tokenizer met, without its borrow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Start,
    Empty,
    End,
    Text,
    CData,
    Ref,
    Decl,
    DocType,
    Other,
}

enum Step {
    Event(Kind),
    Eof,
    More,
    Error(usize, String),
}

fn kind_of(e: &Event<'_>) -> Kind {
    match e {
        Event::Start(_) => Kind::Start,
        Event::Empty(_) => Kind::Empty,
        Event::End(_) => Kind::End,
        Event::Text(_) => Kind::Text,
        Event::CData(_) => Kind::CData,
        Event::GeneralRef(_) => Kind::Ref,
        Event::Decl(_) => Kind::Decl,
        Event::DocType(_) => Kind::DocType,
        _ => Kind::Other,
    }
}

/// The text of entity `&name;`: a character reference or one of XML's five; or why it is
/// refused.
fn entity(name: &str) -> std::result::Result<String, String> {
    let number = |digits: &str, radix: u32| {
        let ok = !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix));
        ok.then(|| u32::from_str_radix(digits, radix).ok())
            .flatten()
    };
    let code = if let Some(hex) = name.strip_prefix("#x") {
        number(hex, 16)
    } else if let Some(dec) = name.strip_prefix('#') {
        number(dec, 10)
    } else {
        return match name {
            "lt" => Ok("<".to_owned()),
            "gt" => Ok(">".to_owned()),
            "amp" => Ok("&".to_owned()),
            "apos" => Ok("'".to_owned()),
            "quot" => Ok("\"".to_owned()),
            _ => Err(format!("the unknown entity '&{name};'")),
        };
    };
    match code.map(char::from_u32) {
        Some(Some(c)) if is_xml_char(c) => Ok(c.to_string()),
        Some(Some(c)) => Err(format!(
            "not well-formed XML: the character reference '&{name};' is to {}",
            describe_non_xml_char(c)
        )),
        _ => Err(format!(
            "not well-formed XML: '&{name};' is not a character reference"
        )),
    }
}

impl State {
    /// The end of the document: nothing may be open, and there must have been a root.
    fn finish(&self) -> Result<()> {
        if let Some(open) = self.last() {
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
        Ok(())
    }
}

/// An element from its tag as written (`<X a="b">` or `<X a="b"/>`).
fn start_element<'s>(
    raw: &'s str,
    empty: bool,
    st: &mut State,
    position: u64,
    bad: &dyn Fn(&str) -> Error,
) -> Result<Item<'s>> {
    let root = st.open.is_empty();
    if root && st.schema.is_some() {
        return Err(bad("more than one root element"));
    }
    let inner = raw[1..raw.len() - 1]
        .strip_suffix('/')
        .unwrap_or(&raw[1..raw.len() - 1]);
    let name_len = inner.find([' ', '\t', '\r', '\n']).unwrap_or(inner.len());
    let qname = &inner[..name_len];
    let depth = st.open.len() + 1;
    let mut attributes = Vec::with_capacity(4);
    for a in quick_xml::events::attributes::Attributes::new(inner, name_len) {
        let a = a.map_err(|err| bad(&format!("a bad attribute: {err}")))?;
        let key: &'s str = a.key.0;
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|err| bad(&format!("a bad attribute value: {err}")))?;
        // A character the text holds as it is was refused already; one written as a reference
        // is only seen now.
        if let Some((_, c)) = find_non_xml_char(&value) {
            return Err(bad(&format!(
                "not well-formed XML: the attribute '{key}' holds a character reference to {}",
                describe_non_xml_char(c)
            )));
        }
        if key == "xmlns" {
            st.bind("", &value, depth);
        } else if let Some(prefix) = key.strip_prefix("xmlns:") {
            st.bind(prefix, &value, depth);
        }
        if !(root && key == "xmlns") {
            if attributes.len() == MAX_ATTRIBUTES {
                return Err(bad(&format!(
                    "the element '{qname}' has more than {MAX_ATTRIBUTES} attributes"
                )));
            }
            attributes.push((key, value));
        }
    }
    let (prefix, local) = qname.split_once(':').unwrap_or(("", qname));
    let namespace = st
        .bindings
        .get(prefix)
        .and_then(|stack| stack.last())
        .map(|ns| &**ns);
    if namespace.is_none() && !prefix.is_empty() && prefix != "xml" {
        return Err(bad(&format!(
            "an element with the undeclared prefix '{prefix}'"
        )));
    }
    if root {
        let found = namespace
            .filter(|_| local == "Wix")
            .and_then(Schema::from_namespace);
        let Some(schema) = found else {
            let ns = match namespace {
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
            return Err(bad(&what));
        };
        st.schema = Some(schema);
    }
    let in_wix = namespace.is_some() && namespace == st.schema.map(Schema::namespace);
    st.push(qname);
    if empty {
        st.pending_end = true;
    }
    Ok(Item::Start(Element {
        name: if in_wix { local } else { qname },
        in_wix,
        attributes,
        empty,
        position,
        schema: st.schema.expect("the root was read"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every item of `text`, as the reader gives them with chunks of `chunk` bytes.
    fn items(text: &[u8], chunk: usize) -> Result<Vec<String>> {
        let mut r = WixReader::with_chunk(text, chunk);
        let mut out = Vec::new();
        while let Some(item) = r.next()? {
            out.push(match item {
                Item::Start(e) => {
                    let attrs: Vec<String> = e
                        .attributes
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect();
                    format!(
                        "<{}{} {}>",
                        e.name,
                        if e.in_wix { "" } else { "?" },
                        attrs.join(",")
                    )
                }
                Item::Text(t) => format!("'{t}'"),
                Item::End => "/".to_owned(),
            });
        }
        Ok(out)
    }

    const DOC: &str = "\u{FEFF}<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<!-- a <comment> -->\r\n<Wix xmlns=\"http://schemas.microsoft.com/wix/2006/wi\" xmlns:u=\"urn:util\">\r\n  <Fragment Id=\"ä&amp;b\">\r\n    <u:Thing a=\"x\" />\r\n    <Directory Name=\"Ünïcode dir\"><![CDATA[c<d]]>t&#x41;</Directory>\r\n  </Fragment>\r\n</Wix>";

    #[test]
    fn small_chunks_read_the_same() {
        let whole = items(DOC.as_bytes(), 1 << 20).unwrap();
        assert!(whole.contains(&"<Fragment Id=ä&b>".to_owned()), "{whole:?}");
        assert!(whole.contains(&"<u:Thing? a=x>".to_owned()), "{whole:?}");
        for chunk in [16, 17, 19, 23, 31, 64] {
            assert_eq!(
                items(DOC.as_bytes(), chunk).unwrap(),
                whole,
                "chunk {chunk}"
            );
        }
    }

    #[test]
    fn errors_name_the_line_whatever_the_chunks() {
        let text = "<Wix xmlns=\"http://schemas.microsoft.com/wix/2006/wi\">\n<A>\n\n</B>\n</Wix>";
        for chunk in [16, 1 << 20] {
            let err = items(text.as_bytes(), chunk).unwrap_err();
            assert!(
                err.message().contains("line 4"),
                "{chunk}: {}",
                err.message()
            );
            assert!(err.message().contains("'</B>'"), "{}", err.message());
        }
        let bad = b"<Wix xmlns=\"http://schemas.microsoft.com/wix/2006/wi\"><A N=\"\xFF\"/></Wix>";
        for chunk in [16, 1 << 20] {
            let err = items(bad, chunk).unwrap_err();
            assert!(err.message().contains("not UTF-8"), "{}", err.message());
        }
    }

    #[test]
    fn a_cut_character_is_not_an_error() {
        let text = "<Wix xmlns=\"http://schemas.microsoft.com/wix/2006/wi\"><A N=\"ääääääääääääääää\"/></Wix>";
        for chunk in 16..40 {
            let got = items(text.as_bytes(), chunk).unwrap();
            assert_eq!(got[1], "<A N=ääääääääääääääää>", "{chunk}");
        }
    }
}
