//! The trees the transform works on: the source, the stylesheets, `document()`'s documents and
//! every tree the stylesheet builds (the result, variables' result tree fragments), all in one
//! arena. Nodes are numbered as they are made, which is document order within a tree: a parsed
//! document is made front to back, and a built tree gets its nodes in the order XSLT writes
//! them (an element, its attributes, then its content).

use std::collections::HashMap;
use std::rc::Rc;

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// A node of the arena.
pub(crate) type NodeId = u32;

/// The namespace of the `xml:` prefix, bound everywhere.
pub(crate) const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Root,
    Element,
    Attribute,
    Text,
    Comment,
    Pi,
}

/// An expanded name with the prefix it was written with (`uri` and `prefix` are empty when
/// there is none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Name {
    pub prefix: Rc<str>,
    pub local: Rc<str>,
    pub uri: Rc<str>,
}

impl Name {
    /// The name as written: `prefix:local` or `local`.
    pub fn qualified(&self) -> String {
        if self.prefix.is_empty() {
            self.local.to_string()
        } else {
            format!("{}:{}", self.prefix, self.local)
        }
    }

    pub fn same(&self, other: &Name) -> bool {
        self.local == other.local && self.uri == other.uri
    }
}

#[derive(Debug)]
pub(crate) struct Node {
    pub kind: Kind,
    pub parent: Option<NodeId>,
    /// Element and attribute names; a processing instruction's target is the local part.
    pub name: Option<Name>,
    /// The text of a text node, comment or processing instruction, an attribute's value.
    pub value: Rc<str>,
    pub children: Vec<NodeId>,
    pub attrs: Vec<NodeId>,
    /// Namespace declarations made on this element (a built element: the namespace nodes
    /// copied onto it), as (prefix, URI).
    pub ns: Vec<(Rc<str>, Rc<str>)>,
    /// The line of the start tag in its file (parsed documents).
    pub line: u32,
    /// The root of the tree this node is in.
    pub root: NodeId,
    /// How many elements the node is in (0 for a root and its children).
    pub depth: u32,
}

/// How deep elements may nest in a tree: a document or stylesheet read, or a tree the
/// transform builds. The walks over a tree recurse, and this keeps them well inside the
/// transform's stack (libxml2 refuses more than 256 levels unless told otherwise).
pub(crate) const MAX_TREE_DEPTH: u32 = 10_000;

/// A well-formedness error: the line and libxml2-like words.
#[derive(Debug)]
pub(crate) struct ParseError {
    pub line: usize,
    pub message: String,
}

/// The arena, with its strings interned (names repeat a lot in a harvest).
#[derive(Default)]
pub(crate) struct Arena {
    nodes: Vec<Node>,
    strings: HashMap<Box<str>, Rc<str>>,
    /// A parsed document's base (its file), by root: `document()` resolves from it.
    pub base: HashMap<NodeId, std::path::PathBuf>,
    /// An element was made [`MAX_TREE_DEPTH`] levels deep: the transform stops at its next
    /// step (see `Exec::tick`).
    pub too_deep: bool,
}

impl Arena {
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    pub fn node_mut(&mut self, id: NodeId) -> &mut Node {
        &mut self.nodes[id as usize]
    }

    pub fn intern(&mut self, s: &str) -> Rc<str> {
        if let Some(r) = self.strings.get(s) {
            return r.clone();
        }
        let r: Rc<str> = Rc::from(s);
        self.strings.insert(Box::from(s), r.clone());
        r
    }

    pub fn name(&mut self, prefix: &str, local: &str, uri: &str) -> Name {
        Name {
            prefix: self.intern(prefix),
            local: self.intern(local),
            uri: self.intern(uri),
        }
    }

    fn push(&mut self, node: Node) -> NodeId {
        let id = NodeId::try_from(self.nodes.len()).expect("fewer than 4 billion nodes");
        self.nodes.push(node);
        id
    }

    /// A new, empty tree.
    pub fn new_root(&mut self) -> NodeId {
        let id = NodeId::try_from(self.nodes.len()).expect("fewer than 4 billion nodes");
        let empty = self.intern("");
        self.push(Node {
            kind: Kind::Root,
            parent: None,
            name: None,
            value: empty,
            children: Vec::new(),
            attrs: Vec::new(),
            ns: Vec::new(),
            line: 0,
            root: id,
            depth: 0,
        })
    }

    /// Makes a node as the last child of `parent` (an attribute: as its last attribute).
    pub fn add(
        &mut self,
        parent: NodeId,
        kind: Kind,
        name: Option<Name>,
        value: Rc<str>,
        line: u32,
    ) -> NodeId {
        let (root, depth) = {
            let p = self.node(parent);
            let inside = u32::from(p.kind == Kind::Element);
            (p.root, p.depth + inside)
        };
        if kind == Kind::Element && depth >= MAX_TREE_DEPTH {
            self.too_deep = true;
        }
        let id = self.push(Node {
            kind,
            parent: Some(parent),
            name,
            value,
            children: Vec::new(),
            attrs: Vec::new(),
            ns: Vec::new(),
            line,
            root,
            depth,
        });
        let p = self.node_mut(parent);
        if kind == Kind::Attribute {
            p.attrs.push(id);
        } else {
            p.children.push(id);
        }
        id
    }

    /// Adds text to `parent`, joined to a text node that ends its content.
    pub fn add_text(&mut self, parent: NodeId, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Some(&last) = self.node(parent).children.last() {
            if self.node(last).kind == Kind::Text {
                let joined = format!("{}{}", self.node(last).value, text);
                self.node_mut(last).value = Rc::from(joined);
                return;
            }
        }
        let value = Rc::from(text);
        self.add(parent, Kind::Text, None, value, 0);
    }

    /// The string-value of a node (XPath 1.0, 5).
    pub fn string_value(&self, id: NodeId) -> String {
        let n = self.node(id);
        match n.kind {
            Kind::Root | Kind::Element => {
                let mut out = String::new();
                self.text_into(id, &mut out);
                out
            }
            _ => n.value.to_string(),
        }
    }

    fn text_into(&self, id: NodeId, out: &mut String) {
        for &c in &self.node(id).children {
            let n = self.node(c);
            match n.kind {
                Kind::Text => out.push_str(&n.value),
                Kind::Element => self.text_into(c, out),
                _ => {}
            }
        }
    }

    /// The namespaces in scope on element `id`, innermost declaration first for each prefix;
    /// the `xml` prefix is not listed, an undeclared default namespace (`xmlns=""`) is.
    pub fn in_scope(&self, id: NodeId) -> Vec<(Rc<str>, Rc<str>)> {
        let mut seen: Vec<(Rc<str>, Rc<str>)> = Vec::new();
        let mut at = Some(id);
        while let Some(e) = at {
            let n = self.node(e);
            if n.kind != Kind::Element {
                break;
            }
            for (p, u) in &n.ns {
                if !seen.iter().any(|(q, _)| q == p) {
                    seen.push((p.clone(), u.clone()));
                }
            }
            at = n.parent;
        }
        seen
    }

    /// The URI `prefix` is bound to on element `id` (`Some("")` for an undeclared default).
    pub fn lookup(&self, id: NodeId, prefix: &str) -> Option<Rc<str>> {
        if prefix == "xml" {
            return Some(Rc::from(XML_NS));
        }
        let mut at = Some(id);
        while let Some(e) = at {
            let n = self.node(e);
            if n.kind != Kind::Element {
                break;
            }
            if let Some((_, u)) = n.ns.iter().find(|(p, _)| &**p == prefix) {
                return Some(u.clone());
            }
            at = n.parent;
        }
        if prefix.is_empty() {
            Some(Rc::from(""))
        } else {
            None
        }
    }

    /// Removes the white-space-only text children of the elements `strip` says so of, unless
    /// an `xml:space="preserve"` is in force.
    pub fn strip_space(&mut self, id: NodeId, strip: &dyn Fn(&Name) -> bool, preserve: bool) {
        let kids = self.node(id).children.clone();
        let name = self.node(id).name.clone();
        let mut preserve = preserve;
        for &a in &self.node(id).attrs {
            let an = self.node(a);
            if let Some(n) = &an.name {
                if &*n.uri == XML_NS && &*n.local == "space" {
                    preserve = &*an.value == "preserve";
                }
            }
        }
        let strip_here = !preserve && name.as_ref().is_some_and(strip);
        let mut kept = Vec::with_capacity(kids.len());
        for c in kids {
            let n = self.node(c);
            match n.kind {
                Kind::Text if strip_here && is_white(&n.value) => {}
                Kind::Element => {
                    self.strip_space(c, strip, preserve);
                    kept.push(c);
                }
                _ => kept.push(c),
            }
        }
        self.node_mut(id).children = kept;
    }

    /// Parses `text` as a new document; `file` names it in errors and is its base.
    pub fn parse(
        &mut self,
        text: &str,
        file: Option<&std::path::Path>,
    ) -> Result<NodeId, ParseError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let root = self.new_root();
        if let Some(f) = file {
            self.base.insert(root, f.to_owned());
        }
        let mut reader = Reader::from_str(text);
        reader.config_mut().check_end_names = true;
        let mut stack: Vec<NodeId> = vec![root];
        let mut pending = String::new();
        let mut lines = LineCounter::new(text);
        let mut seen_root = false;
        loop {
            let at = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
            let event = match reader.read_event() {
                Ok(e) => e,
                Err(e) => {
                    let pos = usize::try_from(reader.error_position()).unwrap_or(0);
                    return Err(ParseError {
                        line: lines.line_at(pos),
                        message: e.to_string(),
                    });
                }
            };
            let line = lines.line_at(at);
            let line32 = u32::try_from(line).unwrap_or(u32::MAX);
            let top = *stack.last().expect("the root stays on the stack");
            if !matches!(
                event,
                Event::Text(_) | Event::GeneralRef(_) | Event::CData(_)
            ) && !pending.is_empty()
            {
                if top == root {
                    if !is_white(&pending) {
                        return Err(ParseError {
                            line,
                            message: "text is not allowed outside the root element".into(),
                        });
                    }
                } else {
                    self.add_text(top, &pending);
                }
                pending.clear();
            }
            let fail = |message: String| ParseError { line, message };
            match event {
                Event::Start(ref s) | Event::Empty(ref s) => {
                    if top == root {
                        if seen_root {
                            return Err(fail("extra content at the end of the document".into()));
                        }
                        seen_root = true;
                    }
                    if stack.len() > MAX_TREE_DEPTH as usize {
                        return Err(fail(format!(
                            "elements nest deeper than {MAX_TREE_DEPTH} levels"
                        )));
                    }
                    let id = self.element(top, s, line32).map_err(fail)?;
                    if matches!(event, Event::Start(_)) {
                        stack.push(id);
                    }
                }
                Event::End(_) => {
                    stack.pop();
                }
                Event::Text(ref t) => pending.push_str(&t.xml10_content()),
                Event::CData(ref c) => {
                    let body: &str = c.as_ref();
                    pending.push_str(&body.replace("\r\n", "\n"));
                }
                Event::GeneralRef(ref r) => {
                    match r.resolve_char_ref().map_err(|e| fail(e.to_string()))? {
                        Some(c) => pending.push(c),
                        None => {
                            let name: &str = r.as_ref();
                            match resolve_predefined_entity(name) {
                                Some(v) => pending.push_str(v),
                                None => return Err(fail(format!("entity '{name}' not defined"))),
                            }
                        }
                    }
                }
                Event::Comment(ref c) => {
                    let body: &str = c.as_ref();
                    let v = Rc::from(body.replace("\r\n", "\n"));
                    self.add(top, Kind::Comment, None, v, line32);
                }
                Event::PI(ref p) => {
                    let target = p.target().to_owned();
                    let name = self.name("", &target, "");
                    let v = Rc::from(p.content().trim_start().replace("\r\n", "\n"));
                    self.add(top, Kind::Pi, Some(name), v, line32);
                }
                Event::Decl(_) | Event::DocType(_) => {}
                Event::Eof => break,
            }
        }
        if stack.len() > 1 {
            return Err(ParseError {
                line: lines.line_at(text.len()),
                message: "premature end of data: an element is not closed".into(),
            });
        }
        if !seen_root {
            return Err(ParseError {
                line: lines.line_at(text.len()),
                message: "the document has no root element".into(),
            });
        }
        Ok(root)
    }

    fn element(&mut self, parent: NodeId, s: &BytesStart<'_>, line: u32) -> Result<NodeId, String> {
        let mut decls: Vec<(Rc<str>, Rc<str>)> = Vec::new();
        let mut plain: Vec<(String, String)> = Vec::new();
        for a in s.attributes() {
            let a = a.map_err(|e| e.to_string())?;
            let key: &str = a.key.as_ref();
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| e.to_string())?;
            if key == "xmlns" {
                decls.push((self.intern(""), self.intern(&value)));
            } else if let Some(p) = key.strip_prefix("xmlns:") {
                decls.push((self.intern(p), self.intern(&value)));
            } else {
                plain.push((key.to_owned(), value.into_owned()));
            }
        }
        let qname: String = s.name().as_ref().to_owned();
        let (prefix, local) = split_qname(&qname);
        let empty = self.intern("");
        let id = self.add(parent, Kind::Element, None, empty, line);
        self.node_mut(id).ns = decls;
        let uri = self
            .lookup(id, prefix)
            .ok_or_else(|| format!("namespace prefix {prefix} on {local} is not defined"))?;
        let name = Name {
            prefix: self.intern(prefix),
            local: self.intern(local),
            uri,
        };
        self.node_mut(id).name = Some(name);
        for (k, v) in plain {
            let (p, l) = split_qname(&k);
            let uri = if p.is_empty() {
                self.intern("")
            } else {
                self.lookup(id, p)
                    .ok_or_else(|| format!("namespace prefix {p} for {l} is not defined"))?
            };
            let name = Name {
                prefix: self.intern(p),
                local: self.intern(l),
                uri,
            };
            let value = self.intern_value(&v);
            self.add(id, Kind::Attribute, Some(name), value, line);
        }
        Ok(id)
    }

    /// Short attribute values repeat (`yes`, directory ids): interned; long ones are not.
    fn intern_value(&mut self, v: &str) -> Rc<str> {
        if v.len() <= 40 {
            self.intern(v)
        } else {
            Rc::from(v)
        }
    }

    /// Writes the tree at `root` as XML: no declaration, a namespace declaration wherever a
    /// name needs one.
    pub fn serialize(&self, root: NodeId) -> String {
        let mut out = String::new();
        let mut scope: Vec<(Rc<str>, Rc<str>)> = Vec::new();
        for &c in &self.node(root).children {
            self.write_node(c, &mut out, &mut scope);
        }
        out
    }

    fn write_node(&self, id: NodeId, out: &mut String, scope: &mut Vec<(Rc<str>, Rc<str>)>) {
        let n = self.node(id);
        match n.kind {
            Kind::Text => escape(&n.value, out, false),
            Kind::Comment => {
                out.push_str("<!--");
                out.push_str(&n.value);
                out.push_str("-->");
            }
            Kind::Pi => {
                out.push_str("<?");
                out.push_str(n.name.as_ref().map_or("", |n| &n.local));
                if !n.value.is_empty() {
                    out.push(' ');
                    out.push_str(&n.value);
                }
                out.push_str("?>");
            }
            Kind::Element => self.write_element(id, out, scope),
            Kind::Root | Kind::Attribute => {}
        }
    }

    fn write_element(&self, id: NodeId, out: &mut String, scope: &mut Vec<(Rc<str>, Rc<str>)>) {
        let n = self.node(id);
        let mark = scope.len();
        let bound = |scope: &[(Rc<str>, Rc<str>)], p: &str| -> Option<Rc<str>> {
            if p == "xml" {
                return Some(Rc::from(XML_NS));
            }
            scope
                .iter()
                .rev()
                .find(|(q, _)| &**q == p)
                .map(|(_, u)| u.clone())
        };
        let mut decls: Vec<(Rc<str>, Rc<str>)> = Vec::new();
        let mut declare = |scope: &mut Vec<(Rc<str>, Rc<str>)>, p: Rc<str>, u: Rc<str>| {
            let current = bound(scope, &p).unwrap_or_else(|| Rc::from(""));
            if current != u {
                scope.push((p.clone(), u.clone()));
                decls.push((p, u));
            }
        };
        let name = n.name.as_ref().expect("an element has a name");
        // The element's own name first, so that a copied namespace node cannot take its prefix.
        declare(scope, name.prefix.clone(), name.uri.clone());
        for (p, u) in &n.ns {
            if *p != name.prefix && !u.is_empty() && &**p != "xml" {
                declare(scope, p.clone(), u.clone());
            }
        }
        let mut attrs: Vec<(String, &str)> = Vec::new();
        for &a in &n.attrs {
            let an = self.node(a);
            let aname = an.name.as_ref().expect("an attribute has a name");
            if aname.uri.is_empty() {
                attrs.push((aname.local.to_string(), &an.value));
                continue;
            }
            let mut prefix = aname.prefix.clone();
            let ok = !prefix.is_empty() && bound(scope, &prefix).is_some_and(|u| u == aname.uri)
                || !prefix.is_empty() && bound(scope, &prefix).is_none();
            if !ok {
                // Another prefix already bound to the URI, or a new one.
                if let Some((p, _)) = scope
                    .iter()
                    .rev()
                    .find(|(p, u)| !p.is_empty() && *u == aname.uri)
                {
                    prefix = p.clone();
                } else {
                    let mut i = 0;
                    loop {
                        let p: Rc<str> = Rc::from(format!("ns{i}"));
                        if bound(scope, &p).is_none() {
                            prefix = p;
                            break;
                        }
                        i += 1;
                    }
                }
            }
            declare(scope, prefix.clone(), aname.uri.clone());
            attrs.push((format!("{}:{}", prefix, aname.local), &an.value));
        }
        out.push('<');
        out.push_str(&name.qualified());
        for (p, u) in &decls {
            out.push_str(if p.is_empty() { " xmlns" } else { " xmlns:" });
            out.push_str(p);
            out.push_str("=\"");
            escape(u, out, true);
            out.push('"');
        }
        for (k, v) in attrs {
            out.push(' ');
            out.push_str(&k);
            out.push_str("=\"");
            escape(v, out, true);
            out.push('"');
        }
        if n.children.is_empty() {
            out.push_str("/>");
        } else {
            out.push('>');
            for &c in &n.children {
                self.write_node(c, out, scope);
            }
            out.push_str("</");
            out.push_str(&name.qualified());
            out.push('>');
        }
        scope.truncate(mark);
    }
}

/// `prefix:local` split; no prefix gives "".
pub(crate) fn split_qname(q: &str) -> (&str, &str) {
    match q.split_once(':') {
        Some((p, l)) => (p, l),
        None => ("", q),
    }
}

pub(crate) fn is_white(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

fn escape(s: &str, out: &mut String, attr: bool) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\n' if attr => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attr => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
}

/// Byte offsets to line numbers, for offsets that mostly grow.
struct LineCounter<'a> {
    text: &'a str,
    at: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text,
            at: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, pos: usize) -> usize {
        let pos = pos.min(self.text.len());
        if pos < self.at {
            self.at = 0;
            self.line = 1;
        }
        self.line += self.text.as_bytes()[self.at..pos]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.at = pos;
        self.line
    }
}
