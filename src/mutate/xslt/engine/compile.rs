//! Compiling a stylesheet (with its `xsl:import`s and `xsl:include`s) from its tree.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::tree::{is_white, Arena, Kind, Name, NodeId};
use super::xpath::{self, Expr, NodeTest, PathPattern, QName};

pub(crate) const XSL_NS: &str = "http://www.w3.org/1999/XSL/Transform";

/// Where an instruction is written: a file of the stylesheet and a line, with the element.
#[derive(Debug, Clone)]
pub(crate) struct Loc {
    pub file: Rc<Path>,
    pub line: u32,
    pub element: Rc<str>,
}

impl Loc {
    pub fn error(&self, stage: &str, message: &str) -> String {
        format!(
            "{stage} error: file {} line {} element {}\n{message}",
            self.file.display(),
            self.line,
            self.element
        )
    }
}

/// An attribute value template's parts.
#[derive(Debug, Clone)]
pub(crate) enum Avt {
    Text(Rc<str>),
    Expr(Expr),
}

#[derive(Debug, Clone)]
pub(crate) struct Sort {
    pub select: Expr,
    pub number: Vec<Avt>,
    pub descending: Vec<Avt>,
}

#[derive(Debug, Clone)]
pub(crate) struct WithParam {
    pub name: QName,
    pub value: Value,
}

/// How a variable or parameter gets its value.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    Select(Expr),
    Body(Vec<Instr>),
    Empty,
}

#[derive(Debug, Clone)]
pub(crate) struct NumberSpec {
    pub value: Option<Expr>,
    pub level: Rc<str>,
    pub count: Option<Vec<PathPattern>>,
    pub from: Option<Vec<PathPattern>>,
    pub format: Vec<Avt>,
}

#[derive(Debug, Clone)]
pub(crate) enum Op {
    Text(Rc<str>),
    /// A literal result element. Like libxslt, it gets the namespaces declared on it, and
    /// those in scope where it is written only when the template writes it directly (not
    /// inside an `xsl:copy`, `xsl:element` or a variable), both less the excluded ones.
    Literal {
        name: Name,
        attrs: Vec<(Name, Vec<Avt>)>,
        ns: Vec<(Rc<str>, Rc<str>)>,
        inherited: Vec<(Rc<str>, Rc<str>)>,
        sets: Vec<QName>,
        body: Vec<Instr>,
    },
    ApplyTemplates {
        select: Option<Expr>,
        mode: Option<QName>,
        params: Vec<WithParam>,
        sorts: Vec<Sort>,
    },
    CallTemplate {
        name: QName,
        params: Vec<WithParam>,
    },
    ApplyImports,
    ForEach {
        select: Expr,
        sorts: Vec<Sort>,
        body: Vec<Instr>,
    },
    ValueOf(Expr),
    Copy {
        sets: Vec<QName>,
        body: Vec<Instr>,
    },
    CopyOf(Expr),
    If(Expr, Vec<Instr>),
    Choose(Vec<(Expr, Vec<Instr>)>, Vec<Instr>),
    Variable(QName, Value),
    /// `xsl:element`; `node` is the instruction in the stylesheet (its namespaces).
    Element {
        name: Vec<Avt>,
        namespace: Option<Vec<Avt>>,
        node: NodeId,
        sets: Vec<QName>,
        body: Vec<Instr>,
    },
    Attribute {
        name: Vec<Avt>,
        namespace: Option<Vec<Avt>>,
        node: NodeId,
        body: Vec<Instr>,
    },
    Comment(Vec<Instr>),
    Pi(Vec<Avt>, Vec<Instr>),
    Number(Box<NumberSpec>),
    Message(bool, Vec<Instr>),
    /// An extension element this processor does not have, without `xsl:fallback`: an error
    /// when it runs (XSLT 1.0, 14.1), with this message.
    Unavailable(Rc<str>),
}

#[derive(Debug, Clone)]
pub(crate) struct Instr {
    pub op: Op,
    pub loc: Rc<Loc>,
}

#[derive(Debug)]
pub(crate) struct Template {
    pub params: Params,
    pub body: Vec<Instr>,
    pub precedence: usize,
    pub loc: Rc<Loc>,
}

/// One alternative of a template's pattern, with what ranks it.
#[derive(Debug)]
pub(crate) struct Rule {
    pub pattern: PathPattern,
    pub mode: Option<QName>,
    pub precedence: usize,
    pub priority: f64,
    pub order: usize,
    pub template: usize,
}

#[derive(Debug)]
pub(crate) struct Global {
    pub value: Value,
    pub precedence: usize,
    pub loc: Rc<Loc>,
}

#[derive(Debug)]
pub(crate) struct Key {
    pub pattern: Vec<PathPattern>,
    pub use_: Expr,
    pub loc: Rc<Loc>,
}

/// A name test of `xsl:strip-space`/`xsl:preserve-space`.
#[derive(Debug)]
pub(crate) struct SpaceRule {
    pub test: NodeTest,
    pub strip: bool,
    pub precedence: usize,
}

/// An `xsl:attribute-set`: the sets it uses, then its `xsl:attribute`s.
pub(crate) type AttributeSet = (Vec<QName>, Vec<Instr>);

/// A template's parameters with their defaults.
pub(crate) type Params = Vec<(QName, Value)>;

#[derive(Debug, Default)]
pub(crate) struct Stylesheet {
    pub templates: Vec<Template>,
    pub rules: Vec<Rule>,
    pub named: HashMap<QName, usize>,
    pub globals: HashMap<QName, Global>,
    pub keys: HashMap<QName, Vec<Key>>,
    pub space: Vec<SpaceRule>,
    pub attribute_sets: HashMap<QName, Vec<AttributeSet>>,
    /// The root of the main stylesheet's tree (`document('')`).
    pub root: NodeId,
    /// Namespaces of `msxsl:script` and the like: their functions cannot run here.
    pub script_ns: Vec<Rc<str>>,
    precedence: usize,
    order: usize,
}

struct Module {
    file: Rc<Path>,
    precedence: usize,
}

/// Compiles the stylesheet in file `path` into `arena`.
pub(crate) fn compile(arena: &mut Arena, path: &Path) -> Result<Stylesheet, String> {
    let mut s = Stylesheet::default();
    let mut loading = Vec::new();
    let root = load_module(arena, &mut s, path, &mut loading)?;
    s.root = root;
    // Best rules first: higher precedence, then priority, then the later in the stylesheet.
    s.rules.sort_by(|a, b| {
        b.precedence
            .cmp(&a.precedence)
            .then(b.priority.total_cmp(&a.priority))
            .then(b.order.cmp(&a.order))
    });
    Ok(s)
}

/// Reads the stylesheet or document in file `path`: a regular file (not a device or a FIFO,
/// which may never end) of 1 GiB at most, as `.wxs` files are read.
pub(crate) fn read_file(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !meta.is_file() {
        return Err(format!(
            "{}: not a regular file (a folder, device or FIFO is not read)",
            path.display()
        ));
    }
    if meta.len() > crate::xml::MAX_DOCUMENT_BYTES {
        return Err(format!(
            "{}: larger than 1 GiB; it is not read",
            path.display()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    decode(&bytes).ok_or_else(|| {
        format!(
            "{}:1: parser error : the file is neither UTF-8 nor UTF-16",
            path.display()
        )
    })
}

fn decode(bytes: &[u8]) -> Option<String> {
    let utf16 = |b: &[u8], le: bool| -> Option<String> {
        let units: Vec<u16> = b
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16(&units).ok()
    };
    match bytes {
        [0xFF, 0xFE, rest @ ..] => utf16(rest, true),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, false),
        _ => String::from_utf8(bytes.to_vec()).ok(),
    }
}

/// Loads a stylesheet module and compiles it and what it imports (which gets a lower
/// precedence), returning its root.
fn load_module(
    arena: &mut Arena,
    s: &mut Stylesheet,
    path: &Path,
    loading: &mut Vec<PathBuf>,
) -> Result<NodeId, String> {
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    if loading.contains(&canonical) {
        return Err(format!(
            "{}: the stylesheet imports or includes itself",
            path.display()
        ));
    }
    loading.push(canonical);
    let text = read_file(path)?;
    let root = arena.parse(&text, Some(path)).map_err(|e| {
        format!(
            "{}:{}: parser error : {}",
            path.display(),
            e.line,
            e.message
        )
    })?;
    let file: Rc<Path> = Rc::from(path);
    let top = top_element(arena, root).ok_or_else(|| format!("{}: empty", path.display()))?;
    // Imports first: each takes a lower precedence than this module.
    let mut tops = Vec::new();
    collect_top(arena, s, top, &file, &mut tops, loading)?;
    let precedence = s.precedence;
    s.precedence += 1;
    let m = Module { file, precedence };
    let name = arena.node(top).name.clone().expect("an element");
    if !is_xsl(&name, "stylesheet") && !is_xsl(&name, "transform") {
        // A literal result element as the stylesheet (XSLT 1.0, 2.3).
        let loc = loc(arena, &m, top);
        let body = vec![compile_instr(arena, s, &m, top, false)?];
        s.templates.push(Template {
            params: Vec::new(),
            body,
            precedence,
            loc: loc.clone(),
        });
        let pattern = xpath::parse_pattern("/", &|_| None).expect("'/' is a pattern");
        for p in pattern {
            push_rule(s, p, None, precedence, None);
        }
    } else {
        for e in tops {
            top_level(arena, s, &m, e)?;
        }
    }
    loading.pop();
    Ok(root)
}

fn top_element(arena: &Arena, root: NodeId) -> Option<NodeId> {
    arena
        .node(root)
        .children
        .iter()
        .copied()
        .find(|&c| arena.node(c).kind == Kind::Element)
}

pub(crate) fn is_xsl(name: &Name, local: &str) -> bool {
    &*name.uri == XSL_NS && &*name.local == local
}

/// The top-level elements of the module at `top`, with its `xsl:include`s' spliced in, its
/// `xsl:import`s compiled on the way.
fn collect_top(
    arena: &mut Arena,
    s: &mut Stylesheet,
    top: NodeId,
    file: &Rc<Path>,
    out: &mut Vec<NodeId>,
    loading: &mut Vec<PathBuf>,
) -> Result<(), String> {
    let kids = arena.node(top).children.clone();
    for c in kids {
        let n = arena.node(c);
        if n.kind != Kind::Element {
            continue;
        }
        let name = n.name.clone().expect("an element");
        if is_xsl(&name, "import") || is_xsl(&name, "include") {
            let href = attr(arena, c, "href").ok_or_else(|| {
                Loc {
                    file: file.clone(),
                    line: arena.node(c).line,
                    element: Rc::from(name.local.as_ref()),
                }
                .error("compilation", "the href attribute is missing")
            })?;
            let here = || Loc {
                file: file.clone(),
                line: arena.node(c).line,
                element: Rc::from(name.local.as_ref()),
            };
            local_href(&href).map_err(|e| here().error("compilation", &e))?;
            let target = resolve(file, &href);
            if is_xsl(&name, "import") {
                load_module(arena, s, &target, loading)?;
            } else {
                let canonical = std::fs::canonicalize(&target).unwrap_or_else(|_| target.clone());
                if loading.contains(&canonical) {
                    return Err(here().error(
                        "compilation",
                        &format!("{} includes itself", target.display()),
                    ));
                }
                loading.push(canonical);
                let text = read_file(&target)?;
                let root = arena.parse(&text, Some(&target)).map_err(|e| {
                    format!(
                        "{}:{}: parser error : {}",
                        target.display(),
                        e.line,
                        e.message
                    )
                })?;
                let inner = top_element(arena, root)
                    .ok_or_else(|| format!("{}: empty", target.display()))?;
                let f: Rc<Path> = Rc::from(target.as_path());
                collect_top(arena, s, inner, &f, out, loading)?;
                loading.pop();
            }
        } else {
            out.push(c);
        }
    }
    Ok(())
}

/// An expression for a message: its first 80 characters, then `…`.
fn shorten(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &text[..at]).into(),
        None => text.into(),
    }
}

/// Refuses an `href` that is not a local file: a URL of any scheme but `file:` (`http:`,
/// `https:`, `ftp:`, …; a Windows drive letter is no scheme), a `file:` URL with a host, or a
/// path to another machine (`\\server\share`, `//server/share`). A stylesheet reads local
/// files only.
pub(crate) fn local_href(href: &str) -> Result<(), String> {
    let refuse = || {
        Err(format!(
            "'{href}' is not a local file: a -t stylesheet reads local files only, never from \
             the network"
        ))
    };
    if href.starts_with("\\\\") || href.starts_with("//") || href.starts_with("\\/") {
        return refuse();
    }
    if let Some((scheme, rest)) = href.split_once(':') {
        let is_scheme = scheme.len() > 1
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if is_scheme {
            let host = rest
                .strip_prefix("//")
                .map(|r| r.split(['/', '\\']).next().unwrap_or(""));
            let local_host =
                host.is_none_or(|h| h.is_empty() || h.eq_ignore_ascii_case("localhost"));
            if !scheme.eq_ignore_ascii_case("file") || !local_host {
                return refuse();
            }
        }
    }
    Ok(())
}

/// `href` resolved from the file `base`.
pub(crate) fn resolve(base: &Path, href: &str) -> PathBuf {
    let href = href.strip_prefix("file://").unwrap_or(href);
    let p = Path::new(href);
    if p.is_absolute() {
        return p.to_owned();
    }
    base.parent().unwrap_or(Path::new("")).join(p)
}

pub(crate) fn attr(arena: &Arena, e: NodeId, local: &str) -> Option<String> {
    arena.node(e).attrs.iter().find_map(|&a| {
        let n = arena.node(a);
        let name = n.name.as_ref()?;
        (name.uri.is_empty() && &*name.local == local).then(|| n.value.to_string())
    })
}

fn loc(arena: &Arena, m: &Module, e: NodeId) -> Rc<Loc> {
    let n = arena.node(e);
    Rc::new(Loc {
        file: m.file.clone(),
        line: n.line,
        element: Rc::from(n.name.as_ref().map_or(String::new(), Name::qualified)),
    })
}

fn err(arena: &Arena, m: &Module, e: NodeId, message: &str) -> String {
    loc(arena, m, e).error("compilation", message)
}

fn xpath_at(arena: &Arena, m: &Module, e: NodeId, text: &str) -> Result<Expr, String> {
    xpath::parse(text, &|p| arena.lookup(e, p)).map_err(|why| {
        err(
            arena,
            m,
            e,
            &format!("invalid expression '{}': {why}", shorten(text)),
        )
    })
}

fn required(arena: &Arena, m: &Module, e: NodeId, name: &str) -> Result<String, String> {
    attr(arena, e, name)
        .ok_or_else(|| err(arena, m, e, &format!("the {name} attribute is missing")))
}

fn select(arena: &Arena, m: &Module, e: NodeId) -> Result<Expr, String> {
    let text = required(arena, m, e, "select")?;
    xpath_at(arena, m, e, &text)
}

fn qname_at(arena: &Arena, m: &Module, e: NodeId, text: &str) -> Result<QName, String> {
    let (p, l) = super::tree::split_qname(text.trim());
    let uri = if p.is_empty() {
        Rc::from("")
    } else {
        arena
            .lookup(e, p)
            .ok_or_else(|| err(arena, m, e, &format!("undefined namespace prefix '{p}'")))?
    };
    Ok(QName {
        uri,
        local: Rc::from(l),
    })
}

fn pattern_at(
    arena: &Arena,
    m: &Module,
    e: NodeId,
    text: &str,
) -> Result<Vec<PathPattern>, String> {
    xpath::parse_pattern(text, &|p| arena.lookup(e, p)).map_err(|why| {
        err(
            arena,
            m,
            e,
            &format!("invalid pattern '{}': {why}", shorten(text)),
        )
    })
}

fn avt_at(arena: &Arena, m: &Module, e: NodeId, text: &str) -> Result<Vec<Avt>, String> {
    let mut parts = Vec::new();
    let mut lit = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '{' && chars.get(i + 1) == Some(&'{') {
            lit.push('{');
            i += 2;
        } else if c == '}' && chars.get(i + 1) == Some(&'}') {
            lit.push('}');
            i += 2;
        } else if c == '{' {
            let mut j = i + 1;
            let mut quote: Option<char> = None;
            while j < chars.len() {
                match (quote, chars[j]) {
                    (None, '}') => break,
                    (None, q @ ('"' | '\'')) => quote = Some(q),
                    (Some(q), d) if d == q => quote = None,
                    _ => {}
                }
                j += 1;
            }
            if j == chars.len() {
                return Err(err(arena, m, e, &format!("'{text}': a '{{' is not closed")));
            }
            if !lit.is_empty() {
                parts.push(Avt::Text(Rc::from(std::mem::take(&mut lit))));
            }
            let expr: String = chars[i + 1..j].iter().collect();
            parts.push(Avt::Expr(xpath_at(arena, m, e, &expr)?));
            i = j + 1;
        } else if c == '}' {
            return Err(err(arena, m, e, &format!("'{text}': a lone '}}'")));
        } else {
            lit.push(c);
            i += 1;
        }
    }
    if !lit.is_empty() {
        parts.push(Avt::Text(Rc::from(lit)));
    }
    Ok(parts)
}

fn sets_at(arena: &Arena, m: &Module, e: NodeId, attr_name: &str) -> Result<Vec<QName>, String> {
    let mut sets = Vec::new();
    let text = if attr_name.is_empty() {
        xsl_attr(arena, e, "use-attribute-sets")
    } else {
        attr(arena, e, attr_name)
    };
    if let Some(v) = text {
        for n in v.split_whitespace() {
            sets.push(qname_at(arena, m, e, n)?);
        }
    }
    Ok(sets)
}

/// An attribute in the XSLT namespace (`xsl:use-attribute-sets` on a literal element).
fn xsl_attr(arena: &Arena, e: NodeId, local: &str) -> Option<String> {
    arena.node(e).attrs.iter().find_map(|&a| {
        let n = arena.node(a);
        let name = n.name.as_ref()?;
        (&*name.uri == XSL_NS && &*name.local == local).then(|| n.value.to_string())
    })
}

fn push_rule(
    s: &mut Stylesheet,
    pattern: PathPattern,
    mode: Option<QName>,
    precedence: usize,
    priority: Option<f64>,
) {
    let priority = priority.unwrap_or_else(|| pattern.default_priority());
    s.order += 1;
    let template = s.templates.len() - 1;
    s.rules.push(Rule {
        pattern,
        mode,
        precedence,
        priority,
        order: s.order,
        template,
    });
}

fn top_level(arena: &Arena, s: &mut Stylesheet, m: &Module, e: NodeId) -> Result<(), String> {
    let name = arena.node(e).name.clone().expect("an element");
    if &*name.uri != XSL_NS {
        // Top-level elements of other namespaces are ignored; an msxsl:script's functions
        // cannot run here, which a call to one says.
        if &*name.local == "script" {
            s.script_ns.push(name.uri.clone());
            if let Some(prefix) = attr(arena, e, "implements-prefix") {
                if let Some(uri) = arena.lookup(e, &prefix) {
                    s.script_ns.push(uri);
                }
            }
        }
        return Ok(());
    }
    match &*name.local {
        "template" => {
            let tname = match attr(arena, e, "name") {
                Some(n) => Some(qname_at(arena, m, e, &n)?),
                None => None,
            };
            let pattern = match attr(arena, e, "match") {
                Some(p) => Some(pattern_at(arena, m, e, &p)?),
                None => None,
            };
            if tname.is_none() && pattern.is_none() {
                return Err(err(arena, m, e, "a template needs a match or a name"));
            }
            let mode = match attr(arena, e, "mode") {
                Some(n) => Some(qname_at(arena, m, e, &n)?),
                None => None,
            };
            let priority = match attr(arena, e, "priority") {
                Some(p) => Some(
                    p.trim()
                        .parse::<f64>()
                        .map_err(|_| err(arena, m, e, &format!("bad priority '{p}'")))?,
                ),
                None => None,
            };
            let (params, body) = body_with_params(arena, s, m, e)?;
            s.templates.push(Template {
                params,
                body,
                precedence: m.precedence,
                loc: loc(arena, m, e),
            });
            let index = s.templates.len() - 1;
            if let Some(n) = tname {
                let replace = s
                    .named
                    .get(&n)
                    .is_none_or(|&i| s.templates[i].precedence <= m.precedence);
                if replace {
                    s.named.insert(n, index);
                }
            }
            for p in pattern.into_iter().flatten() {
                push_rule(s, p, mode.clone(), m.precedence, priority);
            }
        }
        "variable" | "param" => {
            let n = required(arena, m, e, "name")?;
            let qn = qname_at(arena, m, e, &n)?;
            let value = var_value(arena, s, m, e)?;
            let keep = s
                .globals
                .get(&qn)
                .is_none_or(|g| g.precedence <= m.precedence);
            if keep {
                s.globals.insert(
                    qn,
                    Global {
                        value,
                        precedence: m.precedence,
                        loc: loc(arena, m, e),
                    },
                );
            }
        }
        "key" => {
            let n = required(arena, m, e, "name")?;
            let qn = qname_at(arena, m, e, &n)?;
            let pattern = pattern_at(arena, m, e, &required(arena, m, e, "match")?)?;
            let use_ = xpath_at(arena, m, e, &required(arena, m, e, "use")?)?;
            s.keys.entry(qn).or_default().push(Key {
                pattern,
                use_,
                loc: loc(arena, m, e),
            });
        }
        "strip-space" | "preserve-space" => {
            let strip = &*name.local == "strip-space";
            for t in required(arena, m, e, "elements")?.split_whitespace() {
                let test = if t == "*" {
                    NodeTest::Any
                } else if let Some(p) = t.strip_suffix(":*") {
                    NodeTest::AnyIn(qname_at(arena, m, e, &format!("{p}:x"))?.uri)
                } else {
                    NodeTest::Name(qname_at(arena, m, e, t)?)
                };
                s.space.push(SpaceRule {
                    test,
                    strip,
                    precedence: m.precedence,
                });
            }
        }
        "attribute-set" => {
            let n = required(arena, m, e, "name")?;
            let qn = qname_at(arena, m, e, &n)?;
            let sets = sets_at(arena, m, e, "use-attribute-sets")?;
            let body = body(arena, s, m, e, false)?;
            s.attribute_sets.entry(qn).or_default().push((sets, body));
        }
        "output" | "decimal-format" | "namespace-alias" => {}
        other => {
            if !forwards_compatible(arena, e) {
                return Err(err(
                    arena,
                    m,
                    e,
                    &format!("xsl:{other} is not an XSLT 1.0 top-level element"),
                ));
            }
        }
    }
    Ok(())
}

/// Whether the stylesheet says a version other than 1.0 (XSLT 1.0, 2.5).
fn forwards_compatible(arena: &Arena, e: NodeId) -> bool {
    let mut at = Some(e);
    while let Some(n) = at {
        let node = arena.node(n);
        if node.kind != Kind::Element {
            break;
        }
        let name = node.name.as_ref().expect("an element");
        let v = if &*name.uri == XSL_NS {
            attr(arena, n, "version")
        } else {
            xsl_attr(arena, n, "version")
        };
        if let Some(v) = v {
            return v.trim() != "1.0";
        }
        at = node.parent;
    }
    false
}

fn var_value(arena: &Arena, s: &mut Stylesheet, m: &Module, e: NodeId) -> Result<Value, String> {
    if attr(arena, e, "select").is_some() {
        return Ok(Value::Select(select(arena, m, e)?));
    }
    let b = body(arena, s, m, e, false)?;
    Ok(if b.is_empty() && arena.node(e).children.is_empty() {
        Value::Empty
    } else {
        Value::Body(b)
    })
}

fn body_with_params(
    arena: &Arena,
    s: &mut Stylesheet,
    m: &Module,
    e: NodeId,
) -> Result<(Params, Vec<Instr>), String> {
    let mut params = Vec::new();
    let mut rest = Vec::new();
    let mut preserve = preserving(arena, e);
    for &c in &arena.node(e).children {
        let n = arena.node(c);
        if n.kind == Kind::Element && n.name.as_ref().is_some_and(|x| is_xsl(x, "param")) {
            let name = qname_at(arena, m, c, &required(arena, m, c, "name")?)?;
            params.push((name, var_value(arena, s, m, c)?));
            continue;
        }
        if let Some(i) = child(arena, s, m, c, &mut preserve)? {
            rest.push(i);
        }
    }
    Ok((params, rest))
}

fn preserving(arena: &Arena, e: NodeId) -> bool {
    let mut at = Some(e);
    while let Some(n) = at {
        let node = arena.node(n);
        if node.kind != Kind::Element {
            break;
        }
        for &a in &node.attrs {
            let an = arena.node(a);
            if let Some(name) = &an.name {
                if &*name.uri == super::tree::XML_NS && &*name.local == "space" {
                    return &*an.value == "preserve";
                }
            }
        }
        at = node.parent;
    }
    false
}

/// Compiles the content of `e`: its instructions, literal elements and text (white space
/// only text dropped unless `keep_space` or `xml:space="preserve"`).
fn body(
    arena: &Arena,
    s: &mut Stylesheet,
    m: &Module,
    e: NodeId,
    keep_space: bool,
) -> Result<Vec<Instr>, String> {
    let mut out = Vec::new();
    let mut preserve = keep_space || preserving(arena, e);
    for &c in &arena.node(e).children {
        if let Some(i) = child(arena, s, m, c, &mut preserve)? {
            out.push(i);
        }
    }
    Ok(out)
}

fn child(
    arena: &Arena,
    s: &mut Stylesheet,
    m: &Module,
    c: NodeId,
    preserve: &mut bool,
) -> Result<Option<Instr>, String> {
    let n = arena.node(c);
    match n.kind {
        Kind::Text => {
            if is_white(&n.value) && !*preserve {
                return Ok(None);
            }
            let parent = n.parent.expect("text has a parent");
            Ok(Some(Instr {
                op: Op::Text(n.value.clone()),
                loc: loc(arena, m, parent),
            }))
        }
        Kind::Element => Ok(Some(compile_instr(arena, s, m, c, *preserve)?)),
        _ => Ok(None),
    }
}

fn with_params(
    arena: &Arena,
    s: &mut Stylesheet,
    m: &Module,
    e: NodeId,
) -> Result<Vec<WithParam>, String> {
    let mut out = Vec::new();
    for &c in &arena.node(e).children {
        let n = arena.node(c);
        if n.kind == Kind::Element && n.name.as_ref().is_some_and(|x| is_xsl(x, "with-param")) {
            let name = qname_at(arena, m, c, &required(arena, m, c, "name")?)?;
            out.push(WithParam {
                name,
                value: var_value(arena, s, m, c)?,
            });
        }
    }
    Ok(out)
}

fn sorts(arena: &Arena, m: &Module, e: NodeId) -> Result<Vec<Sort>, String> {
    let mut out = Vec::new();
    for &c in &arena.node(e).children {
        let n = arena.node(c);
        if n.kind == Kind::Element && n.name.as_ref().is_some_and(|x| is_xsl(x, "sort")) {
            let sel = attr(arena, c, "select").unwrap_or_else(|| ".".into());
            out.push(Sort {
                select: xpath_at(arena, m, c, &sel)?,
                number: avt_at(
                    arena,
                    m,
                    c,
                    &attr(arena, c, "data-type").unwrap_or_default(),
                )?,
                descending: avt_at(arena, m, c, &attr(arena, c, "order").unwrap_or_default())?,
            });
        }
    }
    Ok(out)
}

/// The content of `e` without its `xsl:sort`s (`xsl:for-each`).
fn body_without_sorts(
    arena: &Arena,
    s: &mut Stylesheet,
    m: &Module,
    e: NodeId,
) -> Result<Vec<Instr>, String> {
    let mut out = Vec::new();
    let mut preserve = preserving(arena, e);
    for &c in &arena.node(e).children {
        let n = arena.node(c);
        if n.kind == Kind::Element && n.name.as_ref().is_some_and(|x| is_xsl(x, "sort")) {
            continue;
        }
        if let Some(i) = child(arena, s, m, c, &mut preserve)? {
            out.push(i);
        }
    }
    Ok(out)
}

/// The namespace URIs of `extension-element-prefixes` in scope at element `e`: its elements
/// there are extension elements, not literal result elements.
fn extension_namespaces(arena: &Arena, e: NodeId) -> Vec<Rc<str>> {
    let mut out = Vec::new();
    let mut at = Some(e);
    while let Some(n) = at {
        let node = arena.node(n);
        if node.kind != Kind::Element {
            break;
        }
        let name = node.name.as_ref().expect("an element");
        let v = if &*name.uri == XSL_NS {
            attr(arena, n, "extension-element-prefixes")
        } else {
            xsl_attr(arena, n, "extension-element-prefixes")
        };
        for p in v.iter().flat_map(|v| v.split_whitespace()) {
            let p = if p == "#default" { "" } else { p };
            if let Some(u) = arena.lookup(n, p) {
                out.push(u);
            }
        }
        at = node.parent;
    }
    out
}

/// Whether extension element `name` writes files: EXSLT's `exsl:document`, Saxon's
/// `saxon:output` and `saxon:result-document`, Xalan's `redirect:write` (and its
/// `redirect:open`), and any other extension element of those names. A `-t` stylesheet may not
/// write files, so these are refused however the stylesheet would use them.
fn writes_files(name: &Name) -> bool {
    matches!(
        &*name.local,
        "document" | "output" | "result-document" | "write" | "open"
    )
}

/// The error for an instruction that would write files.
fn refused_write(arena: &Arena, m: &Module, e: NodeId, shown: &str) -> String {
    err(
        arena,
        m,
        e,
        &format!(
            "{shown} writes files, which a -t stylesheet may not do (its result is the only \
             output)"
        ),
    )
}

/// The `xsl:fallback` children of `e`, compiled.
fn fallbacks(
    arena: &Arena,
    s: &mut Stylesheet,
    m: &Module,
    e: NodeId,
    preserve: bool,
) -> Result<Option<Vec<Instr>>, String> {
    let mut fallback = None;
    for &c in &arena.node(e).children {
        let n = arena.node(c);
        if n.kind == Kind::Element && n.name.as_ref().is_some_and(|x| is_xsl(x, "fallback")) {
            fallback
                .get_or_insert_with(Vec::new)
                .extend(body(arena, s, m, c, preserve)?);
        }
    }
    Ok(fallback)
}

/// The namespace URIs a literal element leaves out of the result: XSLT's, and those of
/// `exclude-result-prefixes` and `extension-element-prefixes` in scope.
fn excluded(arena: &Arena, e: NodeId) -> Vec<Rc<str>> {
    let mut out: Vec<Rc<str>> = vec![Rc::from(XSL_NS)];
    let mut at = Some(e);
    while let Some(n) = at {
        let node = arena.node(n);
        if node.kind != Kind::Element {
            break;
        }
        let name = node.name.as_ref().expect("an element");
        for which in ["exclude-result-prefixes", "extension-element-prefixes"] {
            let v = if &*name.uri == XSL_NS {
                attr(arena, n, which)
            } else {
                xsl_attr(arena, n, which)
            };
            for p in v.iter().flat_map(|v| v.split_whitespace()) {
                let p = if p == "#default" { "" } else { p };
                if let Some(u) = arena.lookup(n, p) {
                    out.push(u);
                }
            }
        }
        at = node.parent;
    }
    out
}

fn compile_instr(
    arena: &Arena,
    s: &mut Stylesheet,
    m: &Module,
    e: NodeId,
    preserve: bool,
) -> Result<Instr, String> {
    let name = arena.node(e).name.clone().expect("an element");
    let here = loc(arena, m, e);
    let instr = |op| Instr {
        op,
        loc: here.clone(),
    };
    if &*name.uri != XSL_NS && extension_namespaces(arena, e).contains(&name.uri) {
        let shown = name.qualified();
        if writes_files(&name) {
            return Err(refused_write(arena, m, e, &shown));
        }
        let always = Expr::Call(
            QName {
                uri: Rc::from(""),
                local: Rc::from("true"),
            },
            Rc::from(""),
            Vec::new(),
        );
        return Ok(instr(match fallbacks(arena, s, m, e, preserve)? {
            Some(fallback) => Op::If(always, fallback),
            None => Op::Unavailable(Rc::from(format!(
                "the extension element {shown} ({{{}}}{}) is not available, and it has no \
                 xsl:fallback",
                name.uri, name.local
            ))),
        }));
    }
    if &*name.uri != XSL_NS {
        let mut attrs = Vec::new();
        for &a in &arena.node(e).attrs {
            let an = arena.node(a);
            let aname = an.name.clone().expect("an attribute");
            if &*aname.uri == XSL_NS {
                continue;
            }
            attrs.push((aname, avt_at(arena, m, e, &an.value)?));
        }
        let skip = excluded(arena, e);
        let ns: Vec<(Rc<str>, Rc<str>)> = arena
            .node(e)
            .ns
            .iter()
            .filter(|(_, u)| !skip.contains(u) && !u.is_empty())
            .cloned()
            .collect();
        let inherited = arena
            .in_scope(e)
            .into_iter()
            .filter(|(p, u)| !skip.contains(u) && !u.is_empty() && ns.iter().all(|(q, _)| q != p))
            .collect();
        let sets = sets_at(arena, m, e, "")?;
        let body = body(arena, s, m, e, preserve)?;
        return Ok(instr(Op::Literal {
            name,
            attrs,
            ns,
            inherited,
            sets,
            body,
        }));
    }
    let op = match &*name.local {
        "apply-templates" => {
            let select = match attr(arena, e, "select") {
                Some(t) => Some(xpath_at(arena, m, e, &t)?),
                None => None,
            };
            let mode = match attr(arena, e, "mode") {
                Some(n) => Some(qname_at(arena, m, e, &n)?),
                None => None,
            };
            Op::ApplyTemplates {
                select,
                mode,
                params: with_params(arena, s, m, e)?,
                sorts: sorts(arena, m, e)?,
            }
        }
        "call-template" => Op::CallTemplate {
            name: qname_at(arena, m, e, &required(arena, m, e, "name")?)?,
            params: with_params(arena, s, m, e)?,
        },
        "apply-imports" => Op::ApplyImports,
        "for-each" => Op::ForEach {
            select: select(arena, m, e)?,
            sorts: sorts(arena, m, e)?,
            body: body_without_sorts(arena, s, m, e)?,
        },
        "value-of" => Op::ValueOf(select(arena, m, e)?),
        "copy" => Op::Copy {
            sets: sets_at(arena, m, e, "use-attribute-sets")?,
            body: body(arena, s, m, e, preserve)?,
        },
        "copy-of" => Op::CopyOf(select(arena, m, e)?),
        "if" => {
            let test = xpath_at(arena, m, e, &required(arena, m, e, "test")?)?;
            Op::If(test, body(arena, s, m, e, preserve)?)
        }
        "choose" => {
            let mut whens = Vec::new();
            let mut otherwise = Vec::new();
            for &c in &arena.node(e).children {
                let n = arena.node(c);
                if n.kind != Kind::Element {
                    continue;
                }
                let cn = n.name.as_ref().expect("an element");
                if is_xsl(cn, "when") {
                    let test = xpath_at(arena, m, c, &required(arena, m, c, "test")?)?;
                    whens.push((test, body(arena, s, m, c, preserve)?));
                } else if is_xsl(cn, "otherwise") {
                    otherwise = body(arena, s, m, c, preserve)?;
                } else {
                    return Err(err(
                        arena,
                        m,
                        c,
                        "only xsl:when and xsl:otherwise go in xsl:choose",
                    ));
                }
            }
            Op::Choose(whens, otherwise)
        }
        "variable" | "param" => {
            let n = qname_at(arena, m, e, &required(arena, m, e, "name")?)?;
            Op::Variable(n, var_value(arena, s, m, e)?)
        }
        "text" => {
            let text: String = arena
                .node(e)
                .children
                .iter()
                .map(|&c| arena.node(c))
                .filter(|n| n.kind == Kind::Text)
                .map(|n| n.value.to_string())
                .collect();
            Op::Text(Rc::from(text))
        }
        "element" => Op::Element {
            name: avt_at(arena, m, e, &required(arena, m, e, "name")?)?,
            namespace: match attr(arena, e, "namespace") {
                Some(n) => Some(avt_at(arena, m, e, &n)?),
                None => None,
            },
            node: e,
            sets: sets_at(arena, m, e, "use-attribute-sets")?,
            body: body(arena, s, m, e, preserve)?,
        },
        "attribute" => Op::Attribute {
            name: avt_at(arena, m, e, &required(arena, m, e, "name")?)?,
            namespace: match attr(arena, e, "namespace") {
                Some(n) => Some(avt_at(arena, m, e, &n)?),
                None => None,
            },
            node: e,
            body: body(arena, s, m, e, preserve)?,
        },
        "comment" => Op::Comment(body(arena, s, m, e, preserve)?),
        "processing-instruction" => Op::Pi(
            avt_at(arena, m, e, &required(arena, m, e, "name")?)?,
            body(arena, s, m, e, preserve)?,
        ),
        "number" => Op::Number(Box::new(NumberSpec {
            value: match attr(arena, e, "value") {
                Some(v) => Some(xpath_at(arena, m, e, &v)?),
                None => None,
            },
            level: Rc::from(attr(arena, e, "level").unwrap_or_else(|| "single".into())),
            count: match attr(arena, e, "count") {
                Some(p) => Some(pattern_at(arena, m, e, &p)?),
                None => None,
            },
            from: match attr(arena, e, "from") {
                Some(p) => Some(pattern_at(arena, m, e, &p)?),
                None => None,
            },
            format: avt_at(
                arena,
                m,
                e,
                &attr(arena, e, "format").unwrap_or_else(|| "1".into()),
            )?,
        })),
        "message" => {
            let terminate = attr(arena, e, "terminate").is_some_and(|t| t.trim() == "yes");
            Op::Message(terminate, body(arena, s, m, e, preserve)?)
        }
        "fallback" => Op::Text(Rc::from("")),
        // XSLT 1.1's and 2.0's instructions that write other files.
        "document" | "result-document" => {
            return Err(refused_write(arena, m, e, &format!("xsl:{}", name.local)))
        }
        other => {
            if forwards_compatible(arena, e) {
                // Its xsl:fallback children run instead (XSLT 1.0, 15).
                let mut fallback = Vec::new();
                for &c in &arena.node(e).children {
                    let n = arena.node(c);
                    if n.kind == Kind::Element
                        && n.name.as_ref().is_some_and(|x| is_xsl(x, "fallback"))
                    {
                        fallback.extend(body(arena, s, m, c, preserve)?);
                    }
                }
                Op::If(
                    Expr::Call(
                        QName {
                            uri: Rc::from(""),
                            local: Rc::from("true"),
                        },
                        Rc::from(""),
                        Vec::new(),
                    ),
                    fallback,
                )
            } else {
                return Err(err(
                    arena,
                    m,
                    e,
                    &format!("xsl:{other} is not an XSLT 1.0 instruction"),
                ));
            }
        }
    };
    Ok(instr(op))
}
