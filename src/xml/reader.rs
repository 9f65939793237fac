//! The one reader of WiX source: namespace-aware and streaming, it hands out elements one at a
//! time from a buffer of a few megabytes, however large the file, and refuses what WiX source
//! never holds (see [`WixReader`]). Reading a previous harvest for `-update`, the two harvests
//! of `heat check`, a document back into a [`Document`](crate::Document), and what an `-ext`
//! program wrote all go through it.
//!
//! The tokenizer is the crate's own: it finds markup with `memchr`, borrows names and values
//! from its buffer, and copies a value only when it holds an entity reference or a line end to
//! normalize. A previous harvest of a million files (about 400 MB) is read in about a second.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;

use memchr::{memchr, memmem};

use crate::error::{codes, Error, Result};
use crate::wix::escape::describe_non_xml_char;
use crate::wix::{Schema, MAX_ATTRIBUTES};

/// Where an attribute's name and value are: the name in the reader's buffer; the value there
/// too, or in its scratch text when unescaping changed it.
#[derive(Debug, Clone, Copy)]
struct AttrSpan {
    name: (usize, usize),
    value: (usize, usize),
    in_scratch: bool,
}

/// An element met by a [`WixReader`]; it borrows the reader's buffer until the next item.
#[derive(Clone, Copy)]
pub struct Element<'a> {
    /// The element's name: its local name when it is in the document's WiX namespace (`Component`,
    /// even when written `wix:Component`), else its name as written (`util:XmlFile`).
    pub name: &'a str,
    /// Whether its name is in the document's WiX namespace.
    pub in_wix: bool,
    /// Whether it is written `<X />`, with no content.
    pub empty: bool,
    /// Where it starts in the text, in bytes from the start of the file.
    pub position: u64,
    /// The document's schema, known from its root.
    pub schema: Schema,
    buf: &'a str,
    scratch: &'a str,
    attrs: &'a [AttrSpan],
}

impl<'a> Element<'a> {
    /// The value of attribute `name`, if given (unescaped and normalized).
    pub fn attr(&self, name: &str) -> Option<&'a str> {
        self.attributes().find(|(k, _)| *k == name).map(|(_, v)| v)
    }

    /// Its attributes as written, values unescaped and normalized, namespace declarations
    /// among them (but for the root's default namespace).
    pub fn attributes(&self) -> impl ExactSizeIterator<Item = (&'a str, &'a str)> + 'a {
        let (buf, scratch) = (self.buf, self.scratch);
        self.attrs.iter().map(move |a| {
            let value = if a.in_scratch {
                &scratch[a.value.0..a.value.1]
            } else {
                &buf[a.value.0..a.value.1]
            };
            (&buf[a.name.0..a.name.1], value)
        })
    }
}

impl std::fmt::Debug for Element<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Element")
            .field("name", &self.name)
            .field("in_wix", &self.in_wix)
            .field("attributes", &self.attributes().collect::<Vec<_>>())
            .field("empty", &self.empty)
            .field("position", &self.position)
            .finish()
    }
}

/// What a [`WixReader`] meets, in document order.
#[derive(Debug, Clone, Copy)]
pub enum Item<'a> {
    /// The start of an element; an empty one (`<X />`) is followed by its [`Item::End`].
    Start(Element<'a>),
    /// Text inside an element (white space between elements too), entity references replaced
    /// and line ends read as LF (but in white space between elements, given as written).
    Text(&'a str),
    /// The end of the element started last.
    End,
}

/// How many bytes the reader reads at a time.
const CHUNK: usize = 1 << 20;

/// The longest entity reference read (`&#x10FFFF;` is 10 bytes).
const MAX_ENTITY: usize = 12;

/// A streaming reader of WiX source (UTF-8, with or without a byte-order mark).
///
/// It refuses, with an error naming the line: text that is not UTF-8 or not well-formed XML
/// (an end tag that does not match its start, an unknown entity, a character XML does not
/// allow, as it is or as a character reference (`&#1;`), a duplicate attribute among them); a
/// document type declaration (so no entity is ever expanded) or an XML declaration of another
/// encoding; a root other than `Wix` in WiX v3's or v4's namespace, or more than one root; text
/// outside the root; an element with an undeclared prefix, or with more than 65,535
/// attributes; and a document that ends inside an element. Its memory is its buffer and one
/// entry per open element and per namespace declaration in scope, whatever the size of the
/// file, and its time is linear in the size of the file, however many attributes and
/// namespaces an element has.
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
///         names.push((e.name.to_owned(), e.attr("Id").map(str::to_owned)));
///     }
/// }
/// assert_eq!(names, [("Wix".to_owned(), None), ("Fragment".to_owned(), Some("F".to_owned()))]);
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
    /// The current element's attributes, and the values unescaping changed.
    attrs: Vec<AttrSpan>,
    scratch: String,
    /// The start tag read last.
    tag: Tag,
}

/// A start tag read: its length in bytes, its name's, and whether it ends in `/>`.
#[derive(Debug, Clone, Copy, Default)]
struct Tag {
    len: usize,
    name_len: usize,
    empty: bool,
}

/// What the reader knows of the document so far.
#[derive(Debug, Default)]
struct State {
    schema: Option<Schema>,
    /// The open elements' names as written, for end tags, one after the other in `names`.
    names: String,
    open: Vec<usize>,
    /// Namespace bindings in scope, by prefix (`""` for the default): the namespaces the open
    /// elements declared for it, innermost last.
    bindings: HashMap<Box<str>, Vec<Box<str>>>,
    /// The prefixes the open elements declared, with the depth of the element, innermost last.
    declared: Vec<(usize, Box<str>)>,
    /// An `End` owed for an empty element.
    pending_end: bool,
    /// Whether the default namespace in scope is the document's WiX namespace, once looked
    /// up; forgotten whenever a binding of the default namespace starts or ends. Most
    /// elements have no prefix, and this spares them the lookup.
    default_in_wix: Option<bool>,
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
            if prefix.is_empty() {
                self.default_in_wix = None;
            }
            if let Some(stack) = self.bindings.get_mut(&prefix) {
                stack.pop();
            }
        }
    }

    /// Binds `prefix` to `namespace` for the element at `depth` and its content.
    fn bind(&mut self, prefix: &str, namespace: &str, depth: usize) {
        if prefix.is_empty() {
            self.default_in_wix = None;
        }
        self.bindings
            .entry(prefix.into())
            .or_default()
            .push(namespace.into());
        self.declared.push((depth, prefix.into()));
    }

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

/// The line (from 1) of byte `at` of `buf`, whose first byte is after `lines` lines.
fn line_in(buf: &[u8], lines: usize, at: usize) -> usize {
    let at = at.min(buf.len());
    lines + count_lines(&buf[..at]) + 1
}

fn count_lines(bytes: &[u8]) -> usize {
    // In chunks small enough to count in bytes, which the compiler turns into vector code.
    bytes
        .chunks(255)
        .map(|c| c.iter().map(|&b| u8::from(b == b'\n')).sum::<u8>() as usize)
        .sum()
}

/// Bytes of note, by class: [`SPECIAL_TEXT`] bytes change text when unescaped,
/// [`SPECIAL_ATTR`] bytes change an attribute value, [`NAME`] bytes may be in an ASCII name
/// and [`NAME_START`] ones start it.
const SPECIAL_TEXT: u8 = 1;
const SPECIAL_ATTR: u8 = 2;
const NAME: u8 = 4;
const NAME_START: u8 = 8;

static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        let mut class = 0;
        if b == b'&' || b == b'\r' {
            class |= SPECIAL_TEXT | SPECIAL_ATTR;
        }
        if b == b'\t' || b == b'\n' {
            class |= SPECIAL_ATTR;
        }
        if b.is_ascii_alphabetic() || b == b'_' || b == b':' {
            class |= NAME | NAME_START;
        }
        if b.is_ascii_digit() || b == b'-' || b == b'.' {
            class |= NAME;
        }
        t[c] = class;
        c += 1;
    }
    t
};

fn bad(buf: &[u8], lines: usize, at: usize, what: &str) -> Error {
    Error::new(
        codes::BAD_DOCUMENT,
        format!("{what} (line {}).", line_in(buf, lines, at)),
    )
}

/// What the tokenizer found at the reader's position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Start,
    End,
    Text,
    CData,
    Comment,
    Pi,
    DocType,
}

enum Scan {
    /// A token of this many bytes.
    Token(Token, usize),
    /// The token does not end in what is read.
    More,
    /// Nothing is left.
    Eof,
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
            attrs: Vec::new(),
            scratch: String::new(),
            tag: Tag::default(),
        }
    }

    /// A reader of one element of a document whose root was read before: `source` is at the
    /// element's start tag, `bindings` are the root's namespace declarations (`xmlns`,
    /// `xmlns:p` and their namespaces). The element is read at depth 2, under a root no end
    /// tag closes.
    pub(crate) fn resume(source: R, schema: Schema, bindings: &[(String, String)]) -> WixReader<R> {
        let mut r = WixReader::with_chunk(source, 4096);
        r.started = true;
        r.st.schema = Some(schema);
        r.st.push("\u{0}");
        for (k, v) in bindings {
            let prefix = k.strip_prefix("xmlns:").unwrap_or("");
            r.st.bind(prefix, v, 1);
        }
        r
    }

    /// The schema of the document, once its root has been read.
    pub fn schema(&self) -> Option<Schema> {
        self.st.schema
    }

    /// How deep the reader is: the number of elements open.
    pub fn depth(&self) -> usize {
        self.st.open.len()
    }

    /// Where the reader is in the file, in bytes from its start (after the byte-order mark).
    pub fn position(&self) -> u64 {
        self.offset + self.pos as u64 - self.bom
    }

    /// Reads more of the source: the consumed text leaves the buffer, and at least `chunk`
    /// more bytes are asked for (more when an item is larger than what is left).
    fn fill(&mut self) -> Result<()> {
        if self.pos > 0 {
            self.lines += count_lines(&self.buf.as_bytes()[..self.pos]);
            self.offset += self.pos as u64;
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let want = self.chunk.max(self.buf.len());
        self.read.clear();
        self.read.append(&mut self.tail);
        let start = self.read.len();
        loop {
            let asked = (want - (self.read.len() - start)) as u64;
            if asked == 0 {
                break;
            }
            match (&mut self.source).take(asked).read_to_end(&mut self.read) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(Error::new(
                        codes::IO,
                        format!("Cannot read the document: {e}."),
                    ))
                }
            }
        }
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
        if let Some(at) = forbidden_character(good) {
            let at = self.buf.len() + at;
            let c = good[at - self.buf.len()..].chars().next().unwrap_or('\0');
            let mut all = self.buf.clone();
            all.push_str(good);
            return Err(bad(
                all.as_bytes(),
                self.lines,
                at,
                &format!(
                    "a character XML does not allow (U+{:04X}) in the text",
                    u32::from(c)
                ),
            ));
        }
        self.buf.push_str(good);
        self.tail = rest.to_vec();
        Ok(())
    }

    /// The token at the reader's position.
    fn scan(&self) -> Result<Scan> {
        let complete = self.eof && self.tail.is_empty();
        let b = &self.buf.as_bytes()[self.pos..];
        let unfinished = |what: &str| -> Result<Scan> {
            if complete {
                Err(bad(
                    self.buf.as_bytes(),
                    self.lines,
                    self.pos,
                    &format!("not well-formed XML: {what} that does not end (truncated?)"),
                ))
            } else {
                Ok(Scan::More)
            }
        };
        if b.is_empty() {
            return Ok(if complete { Scan::Eof } else { Scan::More });
        }
        if b[0] != b'<' {
            return Ok(match memchr(b'<', b) {
                Some(i) => Scan::Token(Token::Text, i),
                None if complete => Scan::Token(Token::Text, b.len()),
                None => Scan::More,
            });
        }
        if b.len() < 2 {
            return unfinished("markup");
        }
        match b[1] {
            b'/' => match memchr(b'>', &b[2..]) {
                Some(i) => Ok(Scan::Token(Token::End, i + 3)),
                None => unfinished("an end tag"),
            },
            b'?' => match memmem::find(&b[2..], b"?>") {
                Some(i) => Ok(Scan::Token(Token::Pi, i + 4)),
                None => unfinished("a processing instruction"),
            },
            b'!' => {
                const COMMENT: &[u8] = b"<!--";
                const CDATA: &[u8] = b"<![CDATA[";
                const DOCTYPE: &[u8] = b"<!DOCTYPE";
                if b.starts_with(COMMENT) {
                    match memmem::find(&b[4..], b"-->") {
                        Some(i) => Ok(Scan::Token(Token::Comment, i + 7)),
                        None => unfinished("a comment"),
                    }
                } else if b.starts_with(CDATA) {
                    match memmem::find(&b[9..], b"]]>") {
                        Some(i) => Ok(Scan::Token(Token::CData, i + 12)),
                        None => unfinished("a CDATA section"),
                    }
                } else if b.starts_with(DOCTYPE) {
                    Ok(Scan::Token(Token::DocType, DOCTYPE.len()))
                } else if [COMMENT, CDATA, DOCTYPE]
                    .iter()
                    .any(|m| m.len() > b.len() && m.starts_with(b))
                {
                    unfinished("markup")
                } else {
                    Err(bad(
                        self.buf.as_bytes(),
                        self.lines,
                        self.pos,
                        "not well-formed XML: markup starting '<!' that is not a comment or CDATA",
                    ))
                }
            }
            // A start tag: read in one pass with its attributes (see `start_tag`).
            _ => Ok(Scan::Token(Token::Start, 0)),
        }
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
            let (token, used) = match self.scan()? {
                Scan::More => {
                    if !self.eof {
                        self.chunk = self.chunk.max(2 * (self.buf.len() - self.pos));
                    }
                    // All read but not all whole UTF-8: fill reports it.
                    self.fill()?;
                    continue;
                }
                Scan::Eof => {
                    self.done = true;
                    return self.st.finish().map(|()| None);
                }
                Scan::Token(Token::Start, _) => match self.start_tag()? {
                    Some(used) => {
                        let at = self.pos;
                        self.pos += used;
                        return self.element(at).map(Some);
                    }
                    None => {
                        self.chunk = self.chunk.max(2 * (self.buf.len() - self.pos));
                        self.fill()?;
                        continue;
                    }
                },
                Scan::Token(token, used) => (token, used),
            };
            let at = self.pos;
            self.pos += used;
            let raw = &self.buf[at..at + used];
            let bad = |what: &str| bad(self.buf.as_bytes(), self.lines, at, what);
            let outside = self.st.open.is_empty();
            match token {
                Token::Text if outside => {
                    if !raw.bytes().all(|b| b.is_ascii_whitespace()) {
                        return Err(bad("text outside the root element"));
                    }
                }
                Token::CData if outside => return Err(bad("text outside the root element")),
                Token::Comment => {
                    let body = &raw[4..raw.len() - 3];
                    if body.contains("--") || body.ends_with('-') {
                        return Err(bad("not well-formed XML: '--' inside a comment"));
                    }
                }
                Token::Pi => {
                    let body = &raw[2..raw.len() - 2];
                    let target_len = body
                        .find(|c: char| c.is_ascii_whitespace())
                        .unwrap_or(body.len());
                    let target = &body[..target_len];
                    if target.is_empty() {
                        return Err(bad(
                            "not well-formed XML: a processing instruction without a target",
                        ));
                    }
                    if target.eq_ignore_ascii_case("xml") {
                        if self.offset + at as u64 != self.bom {
                            return Err(bad(
                                "not well-formed XML: an XML declaration that is not at the \
                                 start of the document",
                            ));
                        }
                        check_declaration(body, &bad)?;
                    }
                }
                Token::DocType => {
                    return Err(bad(
                        "a document type declaration (DOCTYPE) is not accepted in WiX source",
                    ))
                }
                _ => return self.item(token, at, used),
            }
        }
    }

    /// Reads the start tag at the reader's position into the attribute list: its length, or
    /// `None` when it does not end in what is read (and more can be read).
    fn start_tag(&mut self) -> Result<Option<usize>> {
        let complete = self.eof && self.tail.is_empty();
        let at = self.pos;
        let (buf, lines) = (&self.buf, self.lines);
        let bad = |what: &str| bad(buf.as_bytes(), lines, at, what);
        self.attrs.clear();
        self.scratch.clear();
        let tag = parse_tag(&buf[at..], at, &mut self.attrs, &mut self.scratch, &bad)?;
        match tag {
            Some(tag) => {
                self.tag = tag;
                Ok(Some(tag.len))
            }
            None if complete => Err(bad(
                "not well-formed XML: a start tag that does not end (truncated?)",
            )),
            None => Ok(None),
        }
    }

    /// The element whose start tag, read by [`start_tag`](Self::start_tag), is at `at`.
    fn element(&mut self, at: usize) -> Result<Item<'_>> {
        let position = self.offset + at as u64;
        let (buf, lines) = (&self.buf, self.lines);
        let bad = |what: &str| bad(buf.as_bytes(), lines, at, what);
        let Tag {
            name_len, empty, ..
        } = self.tag;
        let qname = &buf[at + 1..at + 1 + name_len];
        let (name, in_wix, schema) = open_element(
            &mut self.st,
            qname,
            buf,
            &self.scratch,
            &mut self.attrs,
            &bad,
        )?;
        if empty {
            self.st.pending_end = true;
        }
        Ok(Item::Start(Element {
            name,
            in_wix,
            empty,
            position,
            schema,
            buf,
            scratch: &self.scratch,
            attrs: &self.attrs,
        }))
    }

    /// The item of the token of `kind` at `at` (`used` bytes) in the buffer.
    fn item(&mut self, kind: Token, at: usize, used: usize) -> Result<Option<Item<'_>>> {
        let (buf, lines) = (&self.buf, self.lines);
        let raw = &buf[at..at + used];
        let bad = |what: &str| bad(buf.as_bytes(), lines, at, what);
        match kind {
            Token::End => {
                let name =
                    raw[2..raw.len() - 1].trim_end_matches(|c: char| c.is_ascii_whitespace());
                match self.st.last() {
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
                self.st.close();
                Ok(Some(Item::End))
            }
            Token::CData => Ok(Some(Item::Text(&raw[9..raw.len() - 3]))),
            // White space between elements as it is; other text with its line ends read as LF.
            _ if raw.bytes().all(|b| b.is_ascii_whitespace()) => Ok(Some(Item::Text(raw))),
            _ => {
                if raw.contains("]]>") {
                    return Err(bad("not well-formed XML: ']]>' in text"));
                }
                match unescape(raw, false, &bad)? {
                    Cow::Borrowed(t) => Ok(Some(Item::Text(t))),
                    Cow::Owned(t) => {
                        self.scratch = t;
                        Ok(Some(Item::Text(&self.scratch)))
                    }
                }
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

/// Where the first character XML 1.0 does not allow is in `text`: a control character other
/// than tab, line feed and carriage return, or U+FFFE / U+FFFF.
fn forbidden_character(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let bad_control = |b: u8| b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r';
    // Chunks are checked without branches first: most text has none.
    let mut start = 0;
    for chunk in bytes.chunks(256) {
        if chunk.iter().fold(false, |acc, &b| acc | bad_control(b)) {
            let i = chunk
                .iter()
                .position(|&b| bad_control(b))
                .expect("in the chunk");
            return Some(start + i);
        }
        start += chunk.len();
    }
    // U+FFFE and U+FFFF are EF BF BE and EF BF BF in UTF-8.
    memchr::memchr_iter(0xEF, bytes)
        .find(|&i| bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)))
}

/// The index of the first byte of `b` that may need unescaping: a byte below 14 (tab, line
/// feed, carriage return among them) or `&`; `b.len()` when there is none. Eight bytes at a
/// time: attribute values are mostly long runs of plain characters.
fn first_maybe_special(b: &[u8]) -> usize {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = 0;
    while i + 8 <= b.len() {
        let w = u64::from_le_bytes(b[i..i + 8].try_into().expect("eight bytes"));
        // A byte below 14, or a byte equal to '&': the classic "has less" and "has zero" tests.
        let below = w.wrapping_sub(LOW * 14) & !w & HIGH;
        let x = w ^ (LOW * u64::from(b'&'));
        let amp = x.wrapping_sub(LOW) & !x & HIGH;
        if below | amp != 0 {
            break;
        }
        i += 8;
    }
    while i < b.len() && b[i] >= 14 && b[i] != b'&' {
        i += 1;
    }
    i
}

/// Checks an XML declaration (`xml version="1.0" encoding="…"`): the text is read as UTF-8.
fn check_declaration(body: &str, bad: &dyn Fn(&str) -> Error) -> Result<()> {
    let lower = body.to_ascii_lowercase();
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
                "an XML declaration of the encoding '{value}', where the text is read as UTF-8"
            )));
        }
    }
    Ok(())
}

/// Whether `c` may start an XML name (XML 1.0, fifth edition, production 4).
fn is_name_start(c: char) -> bool {
    matches!(c, ':' | 'A'..='Z' | '_' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

/// Whether `c` may be in an XML name (production 4a).
fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// Whether `name` is a name an element or attribute can have in a document read with
/// namespaces (Namespaces in XML 1.0, production 7): an XML name with no `:`, or a prefix and a
/// local name joined by one `:`, each starting as a name starts (`xmlns:`, `:a`, `a:b:c` and
/// `a:1` are not).
fn is_qname(name: &str) -> bool {
    if !is_name(name) {
        return false;
    }
    let Some(colon) = memchr::memchr(b':', name.as_bytes()) else {
        return true;
    };
    let local = &name[colon + 1..];
    colon > 0
        && !local.contains(':')
        && local
            .chars()
            .next()
            .is_some_and(|c| c != ':' && is_name_start(c))
}

/// Whether `name` is an XML name.
fn is_name(name: &str) -> bool {
    // The common case, ASCII, without decoding characters.
    let b = name.as_bytes();
    if !b.is_empty()
        && CLASS[b[0] as usize] & NAME_START != 0
        && b[1..].iter().all(|&c| CLASS[c as usize] & NAME != 0)
    {
        return true;
    }
    if name.is_ascii() {
        return false;
    }
    let mut chars = name.chars();
    chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// From how many attributes on one element duplicates are looked for through a set.
const MANY_ATTRIBUTES: usize = 16;

/// Reads the start tag at the start of `text` (`<name a="b" c='d'>` or `.../>`), which is at
/// `base` in the buffer: the attributes go to `attrs` (values that unescaping changes to
/// `scratch`). `None` when the tag does not end in `text`.
fn parse_tag(
    text: &str,
    base: usize,
    attrs: &mut Vec<AttrSpan>,
    scratch: &mut String,
    bad: &dyn Fn(&str) -> Error,
) -> Result<Option<Tag>> {
    let b = text.as_bytes();
    let mut i = 1;
    while i < b.len() && !is_space(b[i]) && b[i] != b'>' && b[i] != b'/' {
        i += 1;
    }
    if i == b.len() {
        return Ok(None);
    }
    let name_len = i - 1;
    let mut seen: HashSet<&str> = HashSet::new();
    if !is_qname(&text[1..i]) {
        return Err(bad(&format!(
            "not well-formed XML: '<{}' does not start an element",
            &text[1..i]
        )));
    }
    loop {
        let spaced = i;
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        match b.get(i) {
            None => return Ok(None),
            Some(b'>') => {
                return Ok(Some(Tag {
                    len: i + 1,
                    name_len,
                    empty: false,
                }))
            }
            Some(b'/') => {
                return match b.get(i + 1) {
                    None => Ok(None),
                    Some(b'>') => Ok(Some(Tag {
                        len: i + 2,
                        name_len,
                        empty: true,
                    })),
                    Some(_) => Err(bad("not well-formed XML: '/' inside a start tag")),
                }
            }
            Some(_) if i == spaced => {
                return Err(bad(
                    "not well-formed XML: attributes must be separated by white space",
                ))
            }
            Some(_) => {}
        }
        let name_start = i;
        while i < b.len() && !is_space(b[i]) && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = &text[name_start..i];
        if !is_qname(name) {
            return Err(bad(&format!(
                "not well-formed XML: a bad attribute name '{name}'"
            )));
        }
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        match b.get(i) {
            None => return Ok(None),
            Some(b'=') => i += 1,
            Some(_) => {
                return Err(bad(&format!(
                    "not well-formed XML: the attribute '{name}' has no value"
                )))
            }
        }
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        let quote = match b.get(i) {
            None => return Ok(None),
            Some(&q @ (b'"' | b'\'')) => q,
            Some(_) => {
                return Err(bad(&format!(
                    "not well-formed XML: the value of the attribute '{name}' is not quoted"
                )))
            }
        };
        let value_start = i + 1;
        let value_len = match memchr::memchr2(quote, b'<', &b[value_start..]) {
            None => return Ok(None),
            Some(n) if b[value_start + n] == b'<' => {
                return Err(bad(&format!(
                    "not well-formed XML: '<' in the value of the attribute '{name}'"
                )))
            }
            Some(n) => n,
        };
        let value = &text[value_start..value_start + value_len];
        i = value_start + value_len + 1;
        if attrs.len() == MAX_ATTRIBUTES {
            return Err(bad(&format!(
                "the element '{}' has more than {MAX_ATTRIBUTES} attributes",
                &text[1..1 + name_len]
            )));
        }
        // A few attributes are compared with each other; many, through a set of their names,
        // so that an element of thousands takes time linear in their number.
        let twice = if attrs.len() < MANY_ATTRIBUTES {
            attrs.iter().any(|a| {
                a.name.1 - a.name.0 == name.len() && &text[a.name.0 - base..a.name.1 - base] == name
            })
        } else {
            if seen.is_empty() {
                seen.extend(
                    attrs
                        .iter()
                        .map(|a| &text[a.name.0 - base..a.name.1 - base]),
                );
            }
            !seen.insert(name)
        };
        if twice {
            return Err(bad(&format!(
                "not well-formed XML: the attribute '{name}' is given twice"
            )));
        }
        let name = (base + name_start, base + name_start + name.len());
        let span = match unescape(value, true, bad)? {
            Cow::Borrowed(_) => AttrSpan {
                name,
                value: (base + value_start, base + value_start + value_len),
                in_scratch: false,
            },
            Cow::Owned(v) => {
                let start = scratch.len();
                scratch.push_str(&v);
                AttrSpan {
                    name,
                    value: (start, scratch.len()),
                    in_scratch: true,
                }
            }
        };
        attrs.push(span);
    }
}

/// Opens the element `qname` whose attributes are in `attrs`: its namespace declarations come
/// into scope; the root's tells the schema. Returns its name as items give it, whether it is
/// in the WiX namespace, and the schema.
fn open_element<'b>(
    st: &mut State,
    qname: &'b str,
    buf: &'b str,
    scratch: &str,
    attrs: &mut Vec<AttrSpan>,
    bad: &dyn Fn(&str) -> Error,
) -> Result<(&'b str, bool, Schema)> {
    let root = st.open.is_empty();
    if root && st.schema.is_some() {
        return Err(bad("more than one root element"));
    }
    let depth = st.open.len() + 1;
    let value = |a: &AttrSpan| {
        if a.in_scratch {
            &scratch[a.value.0..a.value.1]
        } else {
            &buf[a.value.0..a.value.1]
        }
    };
    let mut root_default = None;
    for (k, a) in attrs.iter().enumerate() {
        let key = &buf[a.name.0..a.name.1];
        if key == "xmlns" {
            st.bind("", value(a), depth);
            if root {
                root_default = Some(k);
            }
        } else if let Some(prefix) = key.strip_prefix("xmlns:") {
            st.bind(prefix, value(a), depth);
        }
    }
    if let Some(k) = root_default {
        attrs.remove(k);
    }
    // No `split_once`: a byte loop is quicker on names this short.
    let (prefix, local) = match qname.bytes().position(|b| b == b':') {
        Some(i) => (&qname[..i], &qname[i + 1..]),
        None => ("", qname),
    };
    if let (false, "", Some(in_wix), Some(schema)) = (root, prefix, st.default_in_wix, st.schema) {
        st.push(qname);
        return Ok((if in_wix { local } else { qname }, in_wix, schema));
    }
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
    let schema = st.schema.expect("the root was read");
    let in_wix = namespace.is_some() && namespace == Some(schema.namespace());
    if prefix.is_empty() {
        st.default_in_wix = Some(in_wix);
    }
    st.push(qname);
    Ok((if in_wix { local } else { qname }, in_wix, schema))
}

/// `raw` with its entity references replaced and its line ends normalized: in text, CR LF and
/// CR read as LF; in an attribute value (`attr`), each of them, tab and LF read as a space.
/// Borrowed when nothing changes.
fn unescape<'s>(raw: &'s str, attr: bool, bad: &dyn Fn(&str) -> Error) -> Result<Cow<'s, str>> {
    let b = raw.as_bytes();
    let class = if attr { SPECIAL_ATTR } else { SPECIAL_TEXT };
    let special = |c: u8| CLASS[c as usize] & class != 0;
    let mut first = first_maybe_special(b);
    while first < b.len() && !special(b[first]) {
        first += 1 + first_maybe_special(&b[first + 1..]);
    }
    if first == b.len() {
        return Ok(Cow::Borrowed(raw));
    }
    let mut out = String::with_capacity(raw.len());
    out.push_str(&raw[..first]);
    let mut i = first;
    while i < b.len() {
        let start = i;
        while i < b.len() && !special(b[i]) {
            i += 1;
        }
        out.push_str(&raw[start..i]);
        if i == b.len() {
            break;
        }
        match b[i] {
            b'&' => {
                let end = b[i + 1..]
                    .iter()
                    .take(MAX_ENTITY)
                    .position(|&c| c == b';')
                    .ok_or_else(|| {
                        bad("not well-formed XML: an '&' that starts no entity reference")
                    })?;
                let name = &raw[i + 1..i + 1 + end];
                match entity(name) {
                    Some(c) => out.push(c),
                    None => return Err(bad(&not_an_entity(name))),
                }
                i += end + 2;
            }
            b'\r' => {
                out.push(if attr { ' ' } else { '\n' });
                i += if b.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
            }
            _ => {
                out.push(' ');
                i += 1;
            }
        }
    }
    Ok(Cow::Owned(out))
}

/// Why `&name;` is refused: a character reference to a character XML 1.0 cannot carry, or
/// what is no entity XML defines.
fn not_an_entity(name: &str) -> String {
    let code = match name.strip_prefix("#x") {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => name.strip_prefix('#').and_then(|d| d.parse().ok()),
    };
    let digits = name
        .trim_start_matches("#x")
        .trim_start_matches('#')
        .bytes()
        .all(|b| b.is_ascii_hexdigit());
    match code.and_then(char::from_u32) {
        Some(c) if digits => format!(
            "not well-formed XML: the character reference '&{name};' is to {}",
            describe_non_xml_char(c)
        ),
        _ if name.starts_with('#') => {
            format!("not well-formed XML: '&{name};' is not a character reference")
        }
        _ => format!("the unknown entity '&{name};'"),
    }
}

/// The character of entity `&name;`: a character reference to a character XML allows, or one
/// of XML's five.
fn entity(name: &str) -> Option<char> {
    let code = if let Some(hex) = name.strip_prefix("#x") {
        if hex.is_empty() || !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(hex, 16).ok()?
    } else if let Some(dec) = name.strip_prefix('#') {
        if dec.is_empty() || !dec.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        dec.parse().ok()?
    } else {
        return match name {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "apos" => Some('\''),
            "quot" => Some('"'),
            _ => None,
        };
    };
    let c = char::from_u32(code)?;
    // The characters XML allows.
    let allowed = matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(code, 0xFFFE | 0xFFFF));
    allowed.then_some(c)
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
                    let attrs: Vec<String> =
                        e.attributes().map(|(k, v)| format!("{k}={v}")).collect();
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

    const V3: &str = "http://schemas.microsoft.com/wix/2006/wi";

    /// The error for `body` inside a v3 root, read whole and in chunks of 16 bytes.
    fn refused(body: &str) -> String {
        let text = format!("<Wix xmlns=\"{V3}\">{body}</Wix>");
        let whole = items(text.as_bytes(), 1 << 20)
            .unwrap_err()
            .message()
            .to_owned();
        let small = items(text.as_bytes(), 16).unwrap_err().message().to_owned();
        assert_eq!(whole, small, "{body}");
        whole
    }

    #[test]
    fn not_well_formed_is_refused_with_the_reason() {
        for (body, needle) in [
            ("<A a='1' a='2'/>", "given twice"),
            ("<A a='<'/>", "'<' in the value"),
            ("<A a='1'b='2'/>", "separated by white space"),
            ("<A a/>", "has no value"),
            ("<A a=1/>", "not quoted"),
            ("<A a='1' / >", "'/' inside a start tag"),
            ("<1A/>", "does not start an element"),
            ("<A 1a='x'/>", "bad attribute name"),
            // Names with namespaces: one ':' between a prefix and a local name.
            ("<A xmlns:='x'/>", "bad attribute name 'xmlns:'"),
            ("<A :a='x'/>", "bad attribute name ':a'"),
            ("<A p:b:c='x'/>", "bad attribute name 'p:b:c'"),
            ("<A p:1='x'/>", "bad attribute name 'p:1'"),
            ("<:A/>", "does not start an element"),
            ("<p:/>", "does not start an element"),
            ("<!-- a -- b -->", "'--' inside a comment"),
            ("<!ELEMENT x ANY>", "not a comment or CDATA"),
            ("<?xml version='1.0'?>", "not at the start"),
            ("<? x?>", "without a target"),
            ("a ]]> b", "']]>' in text"),
            (
                "<A a='&#1;'/>",
                "reference '&#1;' is to the character U+0001",
            ),
            ("&#xFFFE;", "is to the character U+FFFE"),
            ("&#0;", "is to the character U+0000"),
            ("&#x+41;", "'&#x+41;' is not a character reference"),
            ("&#xD800;", "not a character reference"),
            ("<A a='&amp'/>", "starts no entity"),
            ("<A a='&bogus;'/>", "unknown entity"),
            ("<A>\u{1}</A>", "U+0001"),
            ("<A a='\u{1b}[31m'/>", "U+001B"),
            ("<A a='\u{FFFF}'/>", "U+FFFF"),
            ("<A>", "does not match"),
        ] {
            let err = refused(body);
            assert!(err.contains(needle), "{body:?}: {err}");
            assert!(err.contains("line 1"), "{body:?}: {err}");
        }
    }

    #[test]
    fn many_attributes_and_namespaces_read_in_linear_time() {
        // Duplicates among thousands of attributes are found through a set; prefixes are
        // looked up by prefix.
        let attrs: String = (0..20_000).map(|i| format!(" a{i}='v'")).collect();
        assert!(refused(&format!("<A{attrs} a7='w'/>")).contains("'a7' is given twice"));
        let prefixes: String = (0..5_000)
            .map(|i| format!(" xmlns:p{i}='urn:p{i}'"))
            .collect();
        let text = format!(
            "<Wix xmlns=\"{V3}\"{prefixes}>{}<p4999:x/></Wix>",
            "<A/>".repeat(20_000)
        );
        let got = items(text.as_bytes(), 1 << 20).unwrap();
        assert_eq!(got.len(), 2 + 2 * 20_001);
        assert!(
            got.contains(&"<p4999:x? >".to_owned()),
            "{:?}",
            &got[got.len() - 3..]
        );
    }

    #[test]
    fn values_are_normalized_as_xml_says() {
        let text = format!(
            "<Wix xmlns=\"{V3}\"><A a=\"x\r\ny\tz&#10;&#x9;&lt;\" b='&quot;&apos;'>l1\r\nl2\rl3 &amp; &#x4E2D;</A></Wix>"
        );
        let got = items(text.as_bytes(), 1 << 20).unwrap();
        assert_eq!(got[1], "<A a=x y z\n\t<,b=\"'>", "{got:?}");
        assert_eq!(got[2], "'l1\nl2\nl3 & \u{4E2D}'", "{got:?}");
    }

    #[test]
    fn long_items_cross_chunks() {
        let long = "x".repeat(100);
        let text = format!(
            "<Wix xmlns=\"{V3}\"><!-- {long} --><A a=\"{long}&amp;\"><![CDATA[{long}]]></A><?pi {long}?></Wix>"
        );
        let whole = items(text.as_bytes(), 1 << 20).unwrap();
        for chunk in [16, 17, 33] {
            assert_eq!(items(text.as_bytes(), chunk).unwrap(), whole, "{chunk}");
        }
        assert_eq!(whole[1], format!("<A a={long}&>"));
        assert_eq!(whole[2], format!("'{long}'"));
    }

    #[test]
    fn positions_count_from_the_start_after_the_byte_order_mark() {
        let text = format!("\u{FEFF}<Wix xmlns=\"{V3}\">\n  <A/></Wix>");
        let mut r = WixReader::with_chunk(text.as_bytes(), 16);
        let mut starts = Vec::new();
        while let Some(item) = r.next().unwrap() {
            if let Item::Start(e) = item {
                starts.push(e.position);
            }
        }
        // Positions are in the file, the mark's three bytes included.
        assert_eq!(starts, [3, 3 + text[3..].find("<A").unwrap() as u64]);
    }
}
