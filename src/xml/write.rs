//! Serializing a [`Document`] byte for byte as heat writes it, and writing the output file
//! safely.
//!
//! heat serializes with .NET's `XmlWriter` (indented, no declaration) into a string, lets text
//! mutators change that string, and then writes a UTF-8 byte-order mark, for WiX v3 the
//! declaration `<?xml version="1.0" encoding="utf-8"?>` and a line end, and the string. heat
//! ran on Windows only, so its lines end in CRLF, and no line end follows `</Wix>`.
//!
//! What is written is well-formed XML whatever the document holds: the writer checks every
//! name (an XML name, see [`is_xml_name`](crate::wix::escape::is_xml_name)) and every
//! character of every value and text (XML 1.0 cannot carry most control characters, not even
//! as references) as it escapes them, and stops with error `HEAT8108` naming the element and
//! attribute rather than write what no XML reader would read. The check rides on the escaping
//! it does anyway, so it costs nothing on names and values that need no escaping.

use rayon::prelude::*;
use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::sync::mpsc;

use quick_xml::events::Event;

use crate::error::{codes, Error, Result};
use crate::wix::escape::describe_non_xml_char;
use crate::wix::{Document, NodeId, Schema, Value};

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
///
/// # Panics
/// When the document holds what XML cannot carry (see [`try_to_text`], which says so instead).
pub fn to_text(doc: &Document, format: Format) -> String {
    try_to_text(doc, format).unwrap_or_else(|e| panic!("{}", e.message()))
}

/// [`to_text`], or error `HEAT8108` when the document holds a name that is not an XML name
/// or a character XML 1.0 cannot carry (a control character other than tab, line feed and
/// carriage return, U+FFFE, U+FFFF), which no WiX source can hold.
pub fn try_to_text(doc: &Document, format: Format) -> Result<String> {
    let mut out = Vec::with_capacity(1 << 16);
    if let Err(e) = write_text(doc, format, &mut out) {
        return Err(match document_error(&e) {
            Some(inner) => Error::new(inner.code(), inner.message()),
            None => Error::new(codes::IO, e.to_string()),
        });
    }
    Ok(String::from_utf8(out).expect("the document holds text only"))
}

/// Serializes the document's elements into `out`; see [`to_text`]. A document holding what
/// XML cannot carry is an error of kind [`io::ErrorKind::InvalidData`] that holds the crate's
/// [`Error`] (`HEAT8108`).
pub fn write_text(doc: &Document, format: Format, out: &mut dyn Write) -> io::Result<()> {
    write_text_counted(doc, format, out).map(|_| ())
}

/// The document's problem that made [`write_text`] fail, when that was the reason.
pub(crate) fn document_error(e: &io::Error) -> Option<&Error> {
    e.get_ref().and_then(|inner| inner.downcast_ref::<Error>())
}

/// The error for a document that holds what XML cannot carry: `what` is the problem, `node`
/// the element it is in.
fn not_xml(doc: &Document, node: NodeId, what: String) -> io::Error {
    let path: Vec<&str> = std::iter::once(node)
        .chain(doc.ancestors(node))
        .map(|n| doc.name(n))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let shown: String = path
        .join("/")
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    io::Error::new(
        io::ErrorKind::InvalidData,
        Error::new(
            codes::NOT_XML,
            format!("{what}, in the element {shown}: no WiX source can hold it, and nothing is written."),
        ),
    )
}

/// [`write_text`], also returning the numbers of `File`, `Directory` and `Component` elements
/// written.
///
/// Runs of small top-level elements (fragments of a few thousand elements) are serialized on
/// every core, each into a buffer of its own, and written in order: after `-cgsplit` their
/// elements lie all over memory, and several cores wait on it better than one.
pub(crate) fn write_text_counted(
    doc: &Document,
    format: Format,
    out: &mut dyn Write,
) -> io::Result<[usize; 3]> {
    let mut w = ElementWriter::new(doc, format, out);
    let root = doc.root();
    if w.start(root, 0)? {
        let children = doc.children(root);
        let mut i = 0;
        while i < children.len() {
            let mut end = i;
            let mut total = 0;
            while end < children.len() && total < RUN_ELEMENTS {
                let size = estimated_size(doc, children[end]);
                if size > SMALL_ELEMENTS {
                    break;
                }
                total += size;
                end += 1;
            }
            if end - i >= 2 {
                let parts: Vec<io::Result<(Vec<u8>, [usize; 3])>> = children[i..end]
                    .par_iter()
                    .map(|&child| {
                        let mut bytes = Vec::new();
                        let mut sub = ElementWriter::with_capacity(doc, format, &mut bytes, 0);
                        sub.write_from(child, 1)?;
                        let counts = sub.counts;
                        let rest = std::mem::take(&mut sub.buf);
                        drop(sub);
                        bytes.extend_from_slice(&rest);
                        Ok((bytes, counts))
                    })
                    .collect();
                for part in parts {
                    let (bytes, counts) = part?;
                    w.put(&bytes);
                    for (a, b) in w.counts.iter_mut().zip(counts) {
                        *a += b;
                    }
                    w.flush_if_full()?;
                }
                i = end;
            } else {
                w.write_from(children[i], 1)?;
                i += 1;
            }
        }
        w.end(root, 0)?;
    }
    w.out.write_all(&w.buf)?;
    Ok(w.counts)
}

/// How far ahead of the element being written each step of [`Document::prefetch`] is asked
/// for: the first step furthest ahead.
const PREFETCH_AHEAD: [(usize, u8); 5] = [(16, 0), (12, 1), (8, 2), (5, 3), (2, 4)];

/// From how far apart in the arena ([`NodeId::index`]) sixteen siblings lie they are taken for
/// spread over memory: a component and its file take two elements, so heat's own order keeps
/// them 32 apart.
const SPREAD: usize = 256;

/// A top-level element this small (see [`estimated_size`]) is serialized on a core of its own.
const SMALL_ELEMENTS: usize = 4096;
/// How many elements the buffers of a parallel run hold at most, about.
const RUN_ELEMENTS: usize = 32768;

/// The elements of `node`'s first two levels: a cheap measure of its size.
fn estimated_size(doc: &Document, node: NodeId) -> usize {
    let children = doc.children(node);
    1 + children.len()
        + children
            .iter()
            .map(|&c| doc.children(c).len())
            .sum::<usize>()
}

/// The numbers of `File`, `Directory` and `Component` elements in WiX source `text`, counted as
/// it is read (what text mutators leave is what is written, and it may be large).
pub(crate) fn count_in_text(text: &str) -> [usize; 3] {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut counts = [0; 3];
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                if let Some(i) = counted(e.name().0) {
                    counts[i] += 1;
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    counts
}

/// Where an element named `name` is counted in the report's numbers, if it is.
fn counted(name: &str) -> Option<usize> {
    match name {
        "File" => Some(0),
        "Directory" => Some(1),
        "Component" => Some(2),
        _ => None,
    }
}

/// The serializer gathers this many bytes before handing them to the output in one call.
const FLUSH_AT: usize = 256 * 1024;

struct ElementWriter<'a> {
    doc: &'a Document,
    format: Format,
    out: &'a mut dyn Write,
    buf: Vec<u8>,
    indent: String,
    /// Room to spell out an id or a GUID.
    scratch: String,
    /// See [`count_elements`].
    counts: [usize; 3],
}

impl<'a> ElementWriter<'a> {
    fn new(doc: &'a Document, format: Format, out: &'a mut dyn Write) -> ElementWriter<'a> {
        ElementWriter::with_capacity(doc, format, out, FLUSH_AT + 4096)
    }

    /// A writer whose buffer starts with room for `capacity` bytes.
    fn with_capacity(
        doc: &'a Document,
        format: Format,
        out: &'a mut dyn Write,
        capacity: usize,
    ) -> ElementWriter<'a> {
        ElementWriter {
            doc,
            format,
            out,
            buf: Vec::with_capacity(capacity),
            indent: String::new(),
            scratch: String::with_capacity(64),
            counts: [0; 3],
        }
    }

    fn put(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Hands the bytes gathered to the output once there are enough of them.
    fn flush_if_full(&mut self) -> io::Result<()> {
        if self.buf.len() >= FLUSH_AT {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    fn line(&mut self, depth: usize) -> io::Result<()> {
        self.flush_if_full()?;
        let want = depth * self.format.indent;
        while self.indent.len() < want {
            self.indent.push(' ');
        }
        self.buf
            .extend_from_slice(self.format.line_ending.as_str().as_bytes());
        self.buf.extend_from_slice(&self.indent.as_bytes()[..want]);
        Ok(())
    }

    /// Writes element `top` at `depth` and everything in it, element by element, with a stack
    /// of the open elements (not the call stack: a document read from a file may nest deeper
    /// than it holds).
    fn write_from(&mut self, top: NodeId, depth: usize) -> io::Result<()> {
        let doc = self.doc;
        // The open elements, each with the index of its next child.
        let mut open: Vec<(NodeId, usize)> = Vec::new();
        if self.start(top, depth)? {
            open.push((top, 0));
        }
        while let Some((node, next)) = open.last_mut() {
            let children = doc.children(*node);
            if let Some(&child) = children.get(*next) {
                // Elements spread over memory (the parts of `-cgsplit`, each taking every few
                // hundredth component): what writing the ones ahead reads is asked for now, so
                // that the processor waits on several at once rather than on each in turn.
                if children
                    .get(*next + PREFETCH_AHEAD[0].0)
                    .is_some_and(|&ahead| ahead.index().abs_diff(child.index()) as usize > SPREAD)
                {
                    for &(ahead, step) in &PREFETCH_AHEAD {
                        if let Some(&c) = children.get(*next + ahead) {
                            doc.prefetch(c, step);
                        }
                    }
                }
                *next += 1;
                let child_depth = depth + open.len();
                if self.start(child, child_depth)? {
                    open.push((child, 0));
                }
            } else {
                let node = *node;
                open.pop();
                self.end(node, depth + open.len())?;
            }
        }
        Ok(())
    }

    /// Writes the start of element `node` at `depth`; an element without children is written
    /// whole. Returns whether its children follow (and then its end, with [`end`](Self::end)).
    fn start(&mut self, node: NodeId, depth: usize) -> io::Result<bool> {
        if depth > 0 {
            self.line(depth)?;
        }
        let doc = self.doc;
        let (name, name_ok) = doc.name_checked(node);
        if !name_ok {
            return Err(not_xml(doc, node, format!("'{name}' is not an XML name")));
        }
        if let Some(i) = counted(name) {
            self.counts[i] += 1;
        }
        self.put(b"<");
        self.put(name.as_bytes());
        let root = depth == 0 && name == "Wix";
        if root {
            self.put(b" xmlns=\"");
            self.put(doc.schema().namespace().as_bytes());
            self.put(b"\"");
        }
        for (k, k_ok, v) in doc.attrs_checked(node) {
            if !k_ok {
                return Err(not_xml(
                    doc,
                    node,
                    format!("the attribute name '{k}' is not an XML name"),
                ));
            }
            if root && k == "xmlns" {
                // The schema's namespace is written above.
                continue;
            }
            self.put(b" ");
            self.put(k.as_bytes());
            self.put(b"=\"");
            let escaped = match v {
                Value::Text(t) => escape_into(t, &mut self.buf),
                Value::Path { folder, name } => escape_into(folder, &mut self.buf)
                    .and_then(|()| escape_into(name, &mut self.buf)),
                v => {
                    self.scratch.clear();
                    v.write_to(&mut self.scratch);
                    escape_into(&self.scratch, &mut self.buf)
                }
            };
            if let Err(c) = escaped {
                return Err(not_xml(
                    doc,
                    node,
                    format!("the attribute '{k}' holds {}", describe_non_xml_char(c)),
                ));
            }
            self.put(b"\"");
        }
        if !doc.children(node).is_empty() {
            self.put(b">");
            return Ok(true);
        }
        // Text is written as XmlWriter's WriteString does; an empty one writes nothing, so
        // the element stays empty.
        match doc.text(node).filter(|t| !t.is_empty()) {
            Some(text) => {
                let mut escaped = String::with_capacity(text.len());
                if let Err(c) = escape_text(text, self.format.line_ending, &mut escaped) {
                    return Err(not_xml(
                        doc,
                        node,
                        format!("its text holds {}", describe_non_xml_char(c)),
                    ));
                }
                self.put(b">");
                self.put(escaped.as_bytes());
                self.put(b"</");
                self.put(name.as_bytes());
                self.put(b">");
            }
            None => self.put(b" />"),
        }
        Ok(false)
    }

    /// Writes the end of element `node`, whose children are written, at `depth`.
    fn end(&mut self, node: NodeId, depth: usize) -> io::Result<()> {
        if depth > 0 {
            self.line(depth)?;
        } else {
            self.put(self.format.line_ending.as_str().as_bytes());
        }
        self.put(b"</");
        self.put(self.doc.name(node).as_bytes());
        self.put(b">");
        Ok(())
    }
}

/// Which bytes an attribute value escapes (see [`escape_of`]) or looks at twice: every
/// control character, which XML cannot carry but for tab, line feed and carriage return, and
/// `0xEF`, which starts U+FFFE and U+FFFF (and the other characters from U+E000 to U+FFFF,
/// which pass).
const NEEDS_ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    t[b'&' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'"' as usize] = true;
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[0xEF] = true;
    t
};

/// Appends `v` escaped as an attribute value; or the first character XML cannot carry, and
/// then `out` holds part of the value.
fn escape_into(v: &str, out: &mut Vec<u8>) -> std::result::Result<(), char> {
    let bytes = v.as_bytes();
    if !bytes.iter().any(|&b| NEEDS_ESCAPE[usize::from(b)]) {
        out.extend_from_slice(bytes);
        return Ok(());
    }
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if let Some(esc) = escape_of(b) {
            out.extend_from_slice(&bytes[run..i]);
            out.extend_from_slice(esc);
            run = i + 1;
        } else if b < 0x20 {
            return Err(char::from(b));
        } else if b == 0xEF && bytes[i + 1] == 0xBF && matches!(bytes[i + 2], 0xBE | 0xBF) {
            return Err(v[i..].chars().next().expect("a character starts here"));
        }
    }
    out.extend_from_slice(&bytes[run..]);
    Ok(())
}

fn escape_of(b: u8) -> Option<&'static [u8]> {
    Some(match b {
        b'&' => b"&amp;",
        b'<' => b"&lt;",
        b'>' => b"&gt;",
        b'"' => b"&quot;",
        b'\t' => b"&#x9;",
        b'\n' => b"&#xA;",
        b'\r' => b"&#xD;",
        _ => return None,
    })
}

/// Escapes text content as .NET's `XmlWriter` does with heat's settings: `&`, `<` and `>`
/// as entities, and every line end (`\r\n`, `\r` or `\n`) written as `line_ending`; or the
/// first character XML cannot carry.
pub fn escape_text(
    v: &str,
    line_ending: LineEnding,
    out: &mut String,
) -> std::result::Result<(), char> {
    let mut chars = v.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str(line_ending.as_str());
            }
            '\n' => out.push_str(line_ending.as_str()),
            c if !crate::wix::escape::is_xml_char(c) => return Err(c),
            c => out.push(c),
        }
    }
    Ok(())
}

/// Escapes an attribute value as .NET's `XmlWriter` does; or the first character XML cannot
/// carry.
pub fn escape_attr(v: &str, out: &mut String) -> std::result::Result<(), char> {
    let mut buf = Vec::new();
    escape_into(v, &mut buf)?;
    out.push_str(std::str::from_utf8(&buf).expect("escaping keeps UTF-8"));
    Ok(())
}

/// What goes before the serialized document: the byte-order mark and, for WiX v3, the XML
/// declaration and a line end.
pub fn preamble(schema: Schema, line_ending: LineEnding) -> Vec<u8> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    if schema == Schema::V3 {
        bytes.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"utf-8\"?>");
        bytes.extend_from_slice(line_ending.as_str().as_bytes());
    }
    bytes
}

/// The bytes of the output file: [`preamble`], then `text` (the serialized document after any
/// text mutators).
pub fn file_bytes(schema: Schema, text: &str, line_ending: LineEnding) -> Vec<u8> {
    let mut bytes = preamble(schema, line_ending);
    bytes.extend_from_slice(text.as_bytes());
    bytes
}

/// Writes the output file at `path` with `fill`, through a temporary file in the same folder
/// that is renamed over `path` only once everything is written and flushed: a failure leaves
/// any earlier file untouched and no partial file behind. Missing parent folders are created,
/// as heat does. An existing `path` that is not a regular file (a device such as `/dev/null`
/// or `/dev/full`, a FIFO) is written to directly, never replaced.
///
/// `temp` is told of the temporary file: `(path, true)` once it is made, `(path, false)` once
/// it is renamed or removed, so that the caller can remove it should the process be stopped in
/// between.
pub(crate) fn write_with_temp(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    temp: &dyn Fn(&Path, bool),
) -> Result<()> {
    if let Ok(meta) = fs::metadata(path) {
        if !meta.is_file() && !meta.is_dir() {
            return write_to(path, fill);
        }
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    fs::create_dir_all(parent).map_err(|e| Error::io(parent, "create the folder", e))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".heat-").suffix(".tmp");
    // A temporary file is private (0600); the output gets what a plain new file would (0666
    // less the umask), or keeps the permissions of the file it replaces.
    #[cfg(unix)]
    let keep = {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
        fs::metadata(path)
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.permissions())
    };
    let tmp = builder
        .tempfile_in(parent)
        .map_err(|e| Error::io(parent, "create a temporary file in", e))?;
    #[cfg(unix)]
    if let Some(perms) = keep {
        fs::set_permissions(tmp.path(), perms).map_err(|e| Error::io(path, "write", e))?;
    }
    let tmp_path = tmp.path().to_owned();
    temp(&tmp_path, true);
    let done = fill_and_persist(tmp, path, fill);
    temp(&tmp_path, false);
    done
}

/// Writes straight into what `path` opens, never replacing it: a device, a FIFO, or an open
/// file of the process (`/dev/stdout`), which, when it is a regular file, is appended to, as a
/// shell's `>` and `>>` leave it.
pub(crate) fn write_to(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    let regular = fs::metadata(path).is_ok_and(|m| m.is_file());
    let mut file = fs::OpenOptions::new()
        .write(true)
        .append(regular)
        .open(path)
        .map_err(|e| Error::io(path, "open", e))?;
    fill_in_background(&mut file, fill).map_err(|e| Error::io(path, "write", e))
}

/// Fills the temporary file `tmp`, flushes it to disk and renames it to `path`; on failure it
/// is removed.
fn fill_and_persist(
    mut tmp: tempfile::NamedTempFile,
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    fill_in_background(tmp.as_file_mut(), fill).map_err(|e| Error::io(path, "write", e))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::io(path, "write", e))?;
    tmp.persist(path)
        .map_err(|e| Error::io(path, "replace", e.error))?;
    Ok(())
}

/// The bytes handed to the writing thread at a time.
const CHUNK: usize = 1 << 20;

/// Runs `fill` with a writer whose bytes reach `out` on a thread of its own, a chunk at a
/// time, so that making the next bytes and copying the last ones into the file overlap. An
/// error of `out` is returned rather than the one `fill` then meets.
fn fill_in_background<W: Write + Send>(
    out: &mut W,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    std::thread::scope(|scope| {
        let (full_tx, full_rx) = mpsc::sync_channel::<Vec<u8>>(2);
        let (empty_tx, empty_rx) = mpsc::channel::<Vec<u8>>();
        let writer = scope.spawn(move || -> io::Result<()> {
            for chunk in full_rx {
                out.write_all(&chunk)?;
                // The other side may be gone already; the chunk is then dropped.
                let _ = empty_tx.send(chunk);
            }
            out.flush()
        });
        let mut pipe = Pipe {
            full: Some(full_tx),
            empty: empty_rx,
            buf: Vec::with_capacity(CHUNK),
        };
        let filled = fill(&mut pipe).and_then(|()| pipe.send());
        drop(pipe);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the writing thread failed")));
        written.and(filled)
    })
}

/// The writer [`fill_in_background`] hands to its caller.
struct Pipe {
    full: Option<mpsc::SyncSender<Vec<u8>>>,
    empty: mpsc::Receiver<Vec<u8>>,
    buf: Vec<u8>,
}

impl Pipe {
    /// Hands the bytes gathered so far to the writing thread.
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let mut next = self
            .empty
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(CHUNK));
        next.clear();
        let chunk = std::mem::replace(&mut self.buf, next);
        self.full
            .as_ref()
            .expect("open until dropped")
            .send(chunk)
            .map_err(|_| io::Error::other("the writing thread stopped"))
    }
}

impl Write for Pipe {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn background_writing_keeps_every_byte_in_order() {
        let data: Vec<u8> = (0..3 * CHUNK + 12345).map(|i| (i % 251) as u8).collect();
        let mut out = Vec::new();
        fill_in_background(&mut out, |w| {
            for piece in data.chunks(70_001) {
                w.write_all(piece)?;
            }
            Ok(())
        })
        .unwrap();
        assert!(out == data);

        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::StorageFull, "full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let e = fill_in_background(&mut Full, |w| {
            for piece in data.chunks(70_001) {
                w.write_all(piece)?;
            }
            Ok(())
        })
        .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::StorageFull);
    }

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
    fn text_content() {
        let mut doc = Document::new(Schema::V3);
        let v = doc.create_child(doc.root(), "MultiStringValue");
        doc.set_text(v, "a<b>&\nc");
        let e = doc.create_child(doc.root(), "MultiStringValue");
        doc.set_text(e, "");
        let text = to_text(&doc, Format::default());
        assert_eq!(
            text,
            "<Wix xmlns=\"http://schemas.microsoft.com/wix/2006/wi\">\r\n    <MultiStringValue>a&lt;b&gt;&amp;\r\nc</MultiStringValue>\r\n    <MultiStringValue />\r\n</Wix>"
        );
    }

    #[test]
    fn what_xml_cannot_carry_is_not_written() {
        let problem = |doc: &Document| try_to_text(doc, Format::default()).unwrap_err();
        let mut doc = Document::new(Schema::V4);
        let f = doc.create_child(doc.root(), "Fragment");
        let d = doc.create_child(f, "Directory");
        doc.set_attr(d, "Name", "a\u{1}b");
        let e = problem(&doc);
        assert_eq!(e.code(), codes::NOT_XML);
        assert!(
            e.message().contains("'Name' holds the character U+0001")
                && e.message().contains("Wix/Fragment/Directory"),
            "{}",
            e.message()
        );
        doc.set_attr(d, "Name", "\u{FFFF}");
        assert!(problem(&doc).message().contains("U+FFFF"));
        // U+FFFD and the other characters that start like U+FFFF pass.
        doc.set_attr(d, "Name", "\u{FFFD}\u{FF10}\u{E000}");
        assert!(try_to_text(&doc, Format::default()).is_ok());
        let m = doc.create_child(d, "MultiStringValue");
        doc.set_text(m, "x\u{1b}[0m");
        assert!(problem(&doc)
            .message()
            .contains("its text holds the character U+001B"));
        doc.set_text(m, "tab\tok");
        assert!(try_to_text(&doc, Format::default()).is_ok());
        doc.set_attr(d, "a b", "x");
        assert!(problem(&doc).message().contains("'a b' is not an XML name"));
        let mut doc = Document::new(Schema::V4);
        doc.create_child(doc.root(), "1st");
        assert!(problem(&doc).message().contains("'1st' is not an XML name"));
    }

    #[test]
    fn a_deep_document_is_written_without_recursion() {
        let mut doc = Document::new(Schema::V4);
        let mut at = doc.root();
        for _ in 0..200_000 {
            at = doc.create_child(at, "D");
        }
        let text = to_text(
            &doc,
            Format {
                indent: 0,
                line_ending: LineEnding::Lf,
            },
        );
        assert_eq!(text.matches("<D>").count(), 199_999);
        assert_eq!(text.matches("</D>").count(), 199_999);
        assert!(text.contains("<D>\n<D />\n</D>\n</D>"));
        assert!(text.ends_with("</D>\n</Wix>"));
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
