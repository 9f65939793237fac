//! Running a compiled stylesheet: template rules, instructions, and XPath evaluation with the
//! XPath 1.0 core functions, XSLT's (`key()`, `document()`, `current()`, …) and the
//! `node-set()` extension of .NET (`msxsl:`) and EXSLT (`exsl:`).

use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Instant;

use super::compile::{self, Avt, Instr, Op, Sort, Stylesheet, Value, WithParam, XSL_NS};
use super::tree::{split_qname, Arena, Kind, Name, NodeId, MAX_TREE_DEPTH};
use super::xpath::{self, Axis, Expr, NodeTest, PathPattern, PatternStart, QName, Step};

const MSXSL_NS: &str = "urn:schemas-microsoft-com:xslt";
const EXSLT_COMMON_NS: &str = "http://exslt.org/common";
/// How deep templates may call each other (libxslt's default too), and attribute sets use
/// each other.
const MAX_DEPTH: usize = 3000;
/// How many steps the transform takes between two looks at the clock.
const TICKS_PER_CHECK: u32 = 1 << 12;

/// An XPath value. Node-sets are in document order, without duplicates.
#[derive(Debug, Clone)]
pub(crate) enum Val {
    Nodes(Vec<NodeId>),
    Bool(bool),
    Num(f64),
    Str(String),
}

#[derive(Debug, Clone, Copy)]
struct Ctx {
    node: NodeId,
    pos: usize,
    size: usize,
}

impl Ctx {
    fn at(node: NodeId) -> Ctx {
        Ctx {
            node,
            pos: 1,
            size: 1,
        }
    }
}

enum GlobalState {
    Busy,
    Done(Val),
}

/// One transform's state.
pub(crate) struct Exec<'s> {
    pub arena: Arena,
    ss: &'s Stylesheet,
    vars: Vec<(QName, Val)>,
    /// Where the running template's variables start: those below are not visible.
    frame: usize,
    globals: HashMap<QName, GlobalState>,
    /// Each key's index of a document (by its root), `None` while it is being built.
    keys: HashMap<(QName, NodeId), Option<KeyIndex>>,
    docs: HashMap<PathBuf, NodeId>,
    current: NodeId,
    /// The running template rule (`xsl:apply-imports`) and its mode.
    rule: Option<(usize, Option<QName>)>,
    depth: usize,
    /// Where the running template writes (a literal element written there gets the
    /// stylesheet's namespaces), `None` outside templates.
    template_out: Option<NodeId>,
    source: NodeId,
    pub messages: String,
    /// When the transform must have finished (`-xslttimeout`), and how long it was given.
    deadline: Option<(Instant, std::time::Duration)>,
    /// Steps taken since the clock was last looked at.
    ticks: u32,
}

type R<T> = Result<T, String>;

/// A key's nodes by their key value.
type KeyIndex = HashMap<String, Vec<NodeId>>;

fn wrap(loc: &compile::Loc, e: String) -> String {
    if e.starts_with("runtime error: ") || e.starts_with("compilation error: ") {
        e
    } else {
        loc.error("runtime", &e)
    }
}

pub(crate) fn num_to_string(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if n == n.trunc() && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

pub(crate) fn str_to_num(s: &str) -> f64 {
    let t = s.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
    let digits = t.strip_prefix('-').unwrap_or(t);
    let valid = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.matches('.').count() <= 1
        && digits != ".";
    if valid {
        t.parse::<f64>().unwrap_or(f64::NAN)
    } else {
        f64::NAN
    }
}

/// `{uri}local` (how the parser leaves a QName argument it resolved) or a bare name.
fn clark(s: &str) -> QName {
    match s.strip_prefix('{').and_then(|r| r.split_once('}')) {
        Some((u, l)) => QName {
            uri: Rc::from(u),
            local: Rc::from(l),
        },
        None => QName {
            uri: Rc::from(""),
            local: Rc::from(s),
        },
    }
}

impl<'s> Exec<'s> {
    /// A transform of `source` by `ss`, which must finish by `deadline` (the instant, and the
    /// time it was given, for the message).
    pub fn new(
        arena: Arena,
        ss: &'s Stylesheet,
        source: NodeId,
        deadline: Option<(Instant, std::time::Duration)>,
    ) -> Exec<'s> {
        Exec {
            arena,
            ss,
            vars: Vec::new(),
            frame: 0,
            globals: HashMap::new(),
            keys: HashMap::new(),
            docs: HashMap::new(),
            current: source,
            rule: None,
            depth: 0,
            template_out: None,
            source,
            messages: String::new(),
            deadline,
            ticks: 0,
        }
    }

    /// One step of the transform: fails once it has built a tree too deep to walk, or run
    /// past its deadline. Called in every loop and recursion a stylesheet can make run long.
    fn tick(&mut self) -> R<()> {
        if self.arena.too_deep {
            return Err(format!(
                "the transform builds elements nested deeper than {MAX_TREE_DEPTH} levels"
            ));
        }
        self.ticks = self.ticks.wrapping_add(1);
        if self.ticks.is_multiple_of(TICKS_PER_CHECK) {
            if let Some((deadline, given)) = self.deadline {
                if Instant::now() >= deadline {
                    return Err(super::super::timed_out(given));
                }
            }
        }
        Ok(())
    }

    /// Applies the stylesheet to the source document; the result tree's root.
    pub fn run_main(&mut self) -> R<NodeId> {
        let out = self.arena.new_root();
        let source = self.source;
        self.apply(&[source], None, &[], &Ctx::at(source), out)?;
        // The result is walked to be written: not when it is too deep to walk.
        self.ticks = TICKS_PER_CHECK - 1;
        self.tick()?;
        Ok(out)
    }

    // ---- values -------------------------------------------------------------------------

    fn string(&self, v: &Val) -> String {
        match v {
            Val::Nodes(n) => n
                .first()
                .map(|&f| self.arena.string_value(f))
                .unwrap_or_default(),
            Val::Bool(b) => if *b { "true" } else { "false" }.into(),
            Val::Num(n) => num_to_string(*n),
            Val::Str(s) => s.clone(),
        }
    }

    fn number(&self, v: &Val) -> f64 {
        match v {
            Val::Num(n) => *n,
            Val::Bool(b) => f64::from(u8::from(*b)),
            _ => str_to_num(&self.string(v)),
        }
    }

    fn boolean(v: &Val) -> bool {
        match v {
            Val::Nodes(n) => !n.is_empty(),
            Val::Bool(b) => *b,
            Val::Num(n) => *n != 0.0 && !n.is_nan(),
            Val::Str(s) => !s.is_empty(),
        }
    }

    fn nodes(v: Val, what: &str) -> R<Vec<NodeId>> {
        match v {
            Val::Nodes(n) => Ok(n),
            _ => Err(format!("{what} is not a node-set")),
        }
    }

    fn sort_doc(v: &mut Vec<NodeId>) {
        v.sort_unstable();
        v.dedup();
    }

    // ---- variables ------------------------------------------------------------------------

    fn var(&mut self, q: &QName) -> R<Val> {
        if let Some((_, v)) = self.vars[self.frame..].iter().rev().find(|(n, _)| n == q) {
            return Ok(v.clone());
        }
        match self.globals.get(q) {
            Some(GlobalState::Done(v)) => return Ok(v.clone()),
            Some(GlobalState::Busy) => {
                return Err(format!("the variable ${} depends on itself", q.local))
            }
            None => {}
        }
        let ss = self.ss;
        let g = ss
            .globals
            .get(q)
            .ok_or_else(|| format!("the variable ${} is not defined", q.local))?;
        self.globals.insert(q.clone(), GlobalState::Busy);
        let (frame, current, out) = (self.frame, self.current, self.template_out.take());
        self.frame = self.vars.len();
        self.current = self.source;
        let v = self
            .value(&g.value, &Ctx::at(self.source))
            .map_err(|e| wrap(&g.loc, e));
        self.frame = frame;
        self.current = current;
        self.template_out = out;
        let v = v?;
        self.globals.insert(q.clone(), GlobalState::Done(v.clone()));
        Ok(v)
    }

    fn value(&mut self, v: &Value, c: &Ctx) -> R<Val> {
        match v {
            Value::Select(e) => self.eval(e, c),
            Value::Body(body) => {
                let root = self.arena.new_root();
                self.run(body, c, root)?;
                Ok(Val::Nodes(vec![root]))
            }
            Value::Empty => Ok(Val::Str(String::new())),
        }
    }

    // ---- XPath ----------------------------------------------------------------------------

    fn eval(&mut self, e: &Expr, c: &Ctx) -> R<Val> {
        Ok(match e {
            Expr::Literal(s) => Val::Str(s.to_string()),
            Expr::Number(n) => Val::Num(*n),
            Expr::Var(q) => self.var(q)?,
            Expr::Neg(a) => {
                let v = self.eval(a, c)?;
                Val::Num(-self.number(&v))
            }
            Expr::Binary(op, a, b) => self.binary(*op, a, b, c)?,
            Expr::Union(a, b) => {
                let mut l = Self::nodes(self.eval(a, c)?, "an operand of '|'")?;
                l.extend(Self::nodes(self.eval(b, c)?, "an operand of '|'")?);
                Self::sort_doc(&mut l);
                Val::Nodes(l)
            }
            Expr::Path(absolute, steps) => {
                let start = if *absolute {
                    self.arena.node(c.node).root
                } else {
                    c.node
                };
                Val::Nodes(self.steps(vec![start], steps)?)
            }
            Expr::Filter(primary, preds, steps) => {
                let v = self.eval(primary, c)?;
                let mut n = Self::nodes(v, "the value filtered")?;
                for p in preds {
                    n = self.predicate(n, p)?;
                }
                Val::Nodes(self.steps(n, steps)?)
            }
            Expr::Call(name, prefix, args) => self.call(name, prefix, args, c)?,
        })
    }

    fn binary(&mut self, op: xpath::Op, a: &Expr, b: &Expr, c: &Ctx) -> R<Val> {
        use xpath::Op::*;
        match op {
            Or => {
                let l = self.eval(a, c)?;
                if Self::boolean(&l) {
                    return Ok(Val::Bool(true));
                }
                let r = self.eval(b, c)?;
                Ok(Val::Bool(Self::boolean(&r)))
            }
            And => {
                let l = self.eval(a, c)?;
                if !Self::boolean(&l) {
                    return Ok(Val::Bool(false));
                }
                let r = self.eval(b, c)?;
                Ok(Val::Bool(Self::boolean(&r)))
            }
            Eq | Ne | Lt | Le | Gt | Ge => {
                let l = self.eval(a, c)?;
                let r = self.eval(b, c)?;
                Ok(Val::Bool(self.compare(op, &l, &r)))
            }
            Add | Sub | Mul | Div | Mod => {
                let l = self.eval(a, c)?;
                let r = self.eval(b, c)?;
                let (x, y) = (self.number(&l), self.number(&r));
                Ok(Val::Num(match op {
                    Add => x + y,
                    Sub => x - y,
                    Mul => x * y,
                    Div => x / y,
                    _ => x % y,
                }))
            }
        }
    }

    fn compare(&self, op: xpath::Op, l: &Val, r: &Val) -> bool {
        let atoms = |v: &Val| -> Vec<Val> {
            match v {
                Val::Nodes(n) => n
                    .iter()
                    .map(|&x| Val::Str(self.arena.string_value(x)))
                    .collect(),
                other => vec![other.clone()],
            }
        };
        match (l, r) {
            (Val::Nodes(_), Val::Bool(_)) | (Val::Bool(_), Val::Nodes(_)) => {
                let (x, y) = (Self::boolean(l), Self::boolean(r));
                return self.compare_atoms(op, &Val::Bool(x), &Val::Bool(y));
            }
            _ => {}
        }
        if matches!(l, Val::Nodes(_)) || matches!(r, Val::Nodes(_)) {
            let (la, ra) = (atoms(l), atoms(r));
            // A node's string against a number compares numbers (XPath 1.0, 3.4).
            let as_num = |x: &Val, other: &Val| -> Val {
                if matches!(other, Val::Num(_)) {
                    Val::Num(self.number(x))
                } else {
                    x.clone()
                }
            };
            return la.iter().any(|x| {
                ra.iter()
                    .any(|y| self.compare_atoms(op, &as_num(x, y), &as_num(y, x)))
            });
        }
        self.compare_atoms(op, l, r)
    }

    fn compare_atoms(&self, op: xpath::Op, l: &Val, r: &Val) -> bool {
        use xpath::Op::*;
        match op {
            Eq | Ne => {
                let eq = if matches!(l, Val::Bool(_)) || matches!(r, Val::Bool(_)) {
                    Self::boolean(l) == Self::boolean(r)
                } else if matches!(l, Val::Num(_)) || matches!(r, Val::Num(_)) {
                    self.number(l) == self.number(r)
                } else {
                    self.string(l) == self.string(r)
                };
                eq == (op == Eq)
            }
            _ => {
                let (x, y) = (self.number(l), self.number(r));
                match op {
                    Lt => x < y,
                    Le => x <= y,
                    Gt => x > y,
                    _ => x >= y,
                }
            }
        }
    }

    fn steps(&mut self, mut set: Vec<NodeId>, steps: &[Step]) -> R<Vec<NodeId>> {
        for step in steps {
            let mut next = Vec::new();
            for &n in &set {
                self.tick()?;
                let mut found = self.axis(step.axis, n);
                found.retain(|&x| self.test(step.axis, &step.test, x));
                for p in &step.preds {
                    found = self.predicate(found, p)?;
                }
                if step.axis.reverse() {
                    found.reverse();
                }
                next.extend(found);
            }
            if set.len() > 1 || step.axis.reverse() {
                Self::sort_doc(&mut next);
            }
            set = next;
        }
        Ok(set)
    }

    fn predicate(&mut self, nodes: Vec<NodeId>, p: &Expr) -> R<Vec<NodeId>> {
        let size = nodes.len();
        let mut kept = Vec::with_capacity(size);
        for (i, &n) in nodes.iter().enumerate() {
            self.tick()?;
            let c = Ctx {
                node: n,
                pos: i + 1,
                size,
            };
            let v = self.eval(p, &c)?;
            let keep = match v {
                Val::Num(x) => x == (i + 1) as f64,
                other => Self::boolean(&other),
            };
            if keep {
                kept.push(n);
            }
        }
        Ok(kept)
    }

    fn parent(&self, n: NodeId) -> Option<NodeId> {
        self.arena.node(n).parent
    }

    fn descendants(&self, n: NodeId, out: &mut Vec<NodeId>) {
        for &c in &self.arena.node(n).children {
            out.push(c);
            self.descendants(c, out);
        }
    }

    /// The nodes of `axis` from `n`, nearest first.
    fn axis(&self, axis: Axis, n: NodeId) -> Vec<NodeId> {
        let a = &self.arena;
        let is_attr = a.node(n).kind == Kind::Attribute;
        let mut out = Vec::new();
        match axis {
            Axis::Child => out.extend_from_slice(&a.node(n).children),
            Axis::Attribute => out.extend_from_slice(&a.node(n).attrs),
            Axis::Itself => out.push(n),
            Axis::Parent => out.extend(self.parent(n)),
            Axis::Ancestor | Axis::AncestorOrSelf => {
                if axis == Axis::AncestorOrSelf {
                    out.push(n);
                }
                let mut at = self.parent(n);
                while let Some(p) = at {
                    out.push(p);
                    at = self.parent(p);
                }
            }
            Axis::Descendant => self.descendants(n, &mut out),
            Axis::DescendantOrSelf => {
                out.push(n);
                self.descendants(n, &mut out);
            }
            Axis::FollowingSibling | Axis::PrecedingSibling => {
                if let (false, Some(p)) = (is_attr, self.parent(n)) {
                    let sibs = &a.node(p).children;
                    let i = sibs.iter().position(|&x| x == n).unwrap_or(0);
                    if axis == Axis::FollowingSibling {
                        out.extend_from_slice(&sibs[i + 1..]);
                    } else {
                        out.extend(sibs[..i].iter().rev());
                    }
                }
            }
            Axis::Following => {
                let mut at = n;
                if is_attr {
                    at = self.parent(n).unwrap_or(n);
                    self.descendants(at, &mut out);
                }
                while let Some(p) = self.parent(at) {
                    let sibs = &a.node(p).children;
                    let i = sibs
                        .iter()
                        .position(|&x| x == at)
                        .map_or(sibs.len(), |i| i + 1);
                    for &s in &sibs[i..] {
                        out.push(s);
                        self.descendants(s, &mut out);
                    }
                    at = p;
                }
            }
            Axis::Preceding => {
                let mut at = if is_attr {
                    self.parent(n).unwrap_or(n)
                } else {
                    n
                };
                while let Some(p) = self.parent(at) {
                    let sibs = &a.node(p).children;
                    let i = sibs.iter().position(|&x| x == at).unwrap_or(0);
                    for &s in sibs[..i].iter().rev() {
                        let mut sub = vec![s];
                        self.descendants(s, &mut sub);
                        out.extend(sub.into_iter().rev());
                    }
                    at = p;
                }
            }
            Axis::Namespace => {}
        }
        out
    }

    fn test(&self, axis: Axis, t: &NodeTest, n: NodeId) -> bool {
        let node = self.arena.node(n);
        let principal = if axis == Axis::Attribute {
            Kind::Attribute
        } else {
            Kind::Element
        };
        match t {
            NodeTest::Node => true,
            NodeTest::Text => node.kind == Kind::Text,
            NodeTest::Comment => node.kind == Kind::Comment,
            NodeTest::Pi(target) => {
                node.kind == Kind::Pi
                    && target
                        .as_ref()
                        .is_none_or(|t| node.name.as_ref().is_some_and(|n| n.local == *t))
            }
            NodeTest::Any => node.kind == principal,
            NodeTest::AnyIn(uri) => {
                node.kind == principal && node.name.as_ref().is_some_and(|n| n.uri == *uri)
            }
            NodeTest::Name(q) => {
                node.kind == principal
                    && node
                        .name
                        .as_ref()
                        .is_some_and(|n| n.local == q.local && n.uri == q.uri)
            }
        }
    }

    // ---- functions ------------------------------------------------------------------------

    fn arg_string(&mut self, args: &[Expr], i: usize, c: &Ctx) -> R<String> {
        match args.get(i) {
            Some(e) => {
                let v = self.eval(e, c)?;
                Ok(self.string(&v))
            }
            None => Ok(self.arena.string_value(c.node)),
        }
    }

    fn arg_num(&mut self, args: &[Expr], i: usize, c: &Ctx) -> R<f64> {
        let v = self.eval(&args[i], c)?;
        Ok(self.number(&v))
    }

    /// The node a name function asks about: its argument's first node, or the context node.
    fn arg_node(&mut self, args: &[Expr], c: &Ctx) -> R<Option<NodeId>> {
        match args.first() {
            Some(e) => {
                let v = self.eval(e, c)?;
                Ok(Self::nodes(v, "the argument")?.first().copied())
            }
            None => Ok(Some(c.node)),
        }
    }

    fn call(&mut self, name: &QName, prefix: &str, args: &[Expr], c: &Ctx) -> R<Val> {
        if !name.uri.is_empty() {
            return self.extension(name, prefix, args, c);
        }
        let s = |x: String| Ok(Val::Str(x));
        match &*name.local {
            "last" => Ok(Val::Num(c.size as f64)),
            "position" => Ok(Val::Num(c.pos as f64)),
            "count" => {
                let v = self.eval(&args[0], c)?;
                Ok(Val::Num(Self::nodes(v, "count()'s argument")?.len() as f64))
            }
            "id" => Ok(Val::Nodes(Vec::new())),
            "local-name" | "name" | "namespace-uri" => {
                let n = self.arg_node(args, c)?;
                let Some(n) = n else { return s(String::new()) };
                let node = self.arena.node(n);
                let Some(qn) = &node.name else {
                    return s(String::new());
                };
                s(match &*name.local {
                    "local-name" => qn.local.to_string(),
                    "name" => qn.qualified(),
                    _ => qn.uri.to_string(),
                })
            }
            "string" => {
                let v = self.arg_string(args, 0, c)?;
                s(v)
            }
            "concat" => {
                let mut out = String::new();
                for i in 0..args.len() {
                    out.push_str(&self.arg_string(args, i, c)?);
                }
                s(out)
            }
            "starts-with" | "contains" | "substring-before" | "substring-after" => {
                let a = self.arg_string(args, 0, c)?;
                let b = self.arg_string(args, 1, c)?;
                Ok(match &*name.local {
                    "starts-with" => Val::Bool(a.starts_with(&b)),
                    "contains" => Val::Bool(a.contains(&b)),
                    "substring-before" => {
                        Val::Str(a.find(&b).map_or(String::new(), |i| a[..i].to_owned()))
                    }
                    _ => Val::Str(
                        a.find(&b)
                            .map_or(String::new(), |i| a[i + b.len()..].to_owned()),
                    ),
                })
            }
            "substring" => {
                let text = self.arg_string(args, 0, c)?;
                let start = xpath_round(self.arg_num(args, 1, c)?);
                let end = if args.len() > 2 {
                    start + xpath_round(self.arg_num(args, 2, c)?)
                } else {
                    f64::INFINITY
                };
                s(text
                    .chars()
                    .enumerate()
                    .filter(|(i, _)| {
                        let p = (*i + 1) as f64;
                        p >= start && p < end
                    })
                    .map(|(_, ch)| ch)
                    .collect())
            }
            "string-length" => {
                let t = self.arg_string(args, 0, c)?;
                Ok(Val::Num(t.chars().count() as f64))
            }
            "normalize-space" => {
                let t = self.arg_string(args, 0, c)?;
                s(t.split([' ', '\t', '\n', '\r'])
                    .filter(|w| !w.is_empty())
                    .collect::<Vec<_>>()
                    .join(" "))
            }
            "translate" => {
                let t = self.arg_string(args, 0, c)?;
                let from: Vec<char> = self.arg_string(args, 1, c)?.chars().collect();
                let to: Vec<char> = self.arg_string(args, 2, c)?.chars().collect();
                s(t.chars()
                    .filter_map(|ch| match from.iter().position(|&f| f == ch) {
                        Some(i) => to.get(i).copied(),
                        None => Some(ch),
                    })
                    .collect())
            }
            "boolean" => {
                let v = self.eval(&args[0], c)?;
                Ok(Val::Bool(Self::boolean(&v)))
            }
            "not" => {
                let v = self.eval(&args[0], c)?;
                Ok(Val::Bool(!Self::boolean(&v)))
            }
            "true" => Ok(Val::Bool(true)),
            "false" => Ok(Val::Bool(false)),
            "lang" => {
                let want = self.arg_string(args, 0, c)?.to_lowercase();
                let mut at = Some(c.node);
                while let Some(n) = at {
                    let node = self.arena.node(n);
                    for &a in &node.attrs {
                        let an = self.arena.node(a);
                        if an
                            .name
                            .as_ref()
                            .is_some_and(|x| &*x.uri == super::tree::XML_NS && &*x.local == "lang")
                        {
                            let have = an.value.to_lowercase();
                            return Ok(Val::Bool(
                                have == want || have.starts_with(&format!("{want}-")),
                            ));
                        }
                    }
                    at = node.parent;
                }
                Ok(Val::Bool(false))
            }
            "number" => match args.first() {
                Some(e) => {
                    let v = self.eval(e, c)?;
                    Ok(Val::Num(self.number(&v)))
                }
                None => Ok(Val::Num(str_to_num(&self.arena.string_value(c.node)))),
            },
            "sum" => {
                let v = self.eval(&args[0], c)?;
                let n = Self::nodes(v, "sum()'s argument")?;
                Ok(Val::Num(
                    n.iter()
                        .map(|&x| str_to_num(&self.arena.string_value(x)))
                        .sum(),
                ))
            }
            "floor" => Ok(Val::Num(self.arg_num(args, 0, c)?.floor())),
            "ceiling" => Ok(Val::Num(self.arg_num(args, 0, c)?.ceil())),
            "round" => Ok(Val::Num(xpath_round(self.arg_num(args, 0, c)?))),
            "current" => Ok(Val::Nodes(vec![self.current])),
            "generate-id" => {
                let n = self.arg_node(args, c)?;
                s(n.map_or(String::new(), |n| format!("idm{n}")))
            }
            "key" => {
                let kname = clark(&self.arg_string(args, 0, c)?);
                let v = self.eval(&args[1], c)?;
                self.key(&kname, v, c.node)
            }
            "document" => self.document(args, c),
            "format-number" => {
                let n = self.arg_num(args, 0, c)?;
                let pattern = self.arg_string(args, 1, c)?;
                s(format_number(n, &pattern))
            }
            "unparsed-entity-uri" => s(String::new()),
            "system-property" => {
                let q = clark(&self.arg_string(args, 0, c)?);
                Ok(match (&*q.uri, &*q.local) {
                    (XSL_NS, "version") => Val::Num(1.0),
                    (XSL_NS, "vendor") => Val::Str("heat-rs".into()),
                    _ => Val::Str(String::new()),
                })
            }
            "element-available" => {
                let q = clark(&self.arg_string(args, 0, c)?);
                Ok(Val::Bool(
                    &*q.uri == XSL_NS
                        && matches!(
                            &*q.local,
                            "apply-imports"
                                | "apply-templates"
                                | "attribute"
                                | "call-template"
                                | "choose"
                                | "comment"
                                | "copy"
                                | "copy-of"
                                | "element"
                                | "fallback"
                                | "for-each"
                                | "if"
                                | "message"
                                | "number"
                                | "processing-instruction"
                                | "text"
                                | "value-of"
                                | "variable"
                        ),
                ))
            }
            "function-available" => {
                let q = clark(&self.arg_string(args, 0, c)?);
                Ok(Val::Bool(if q.uri.is_empty() {
                    xpath::core_function(&q.local).is_some()
                } else {
                    matches!(&*q.uri, MSXSL_NS | EXSLT_COMMON_NS)
                        && matches!(&*q.local, "node-set" | "object-type")
                }))
            }
            other => Err(format!("unknown function {other}()")),
        }
    }

    fn extension(&mut self, name: &QName, prefix: &str, args: &[Expr], c: &Ctx) -> R<Val> {
        let shown = if prefix.is_empty() {
            name.local.to_string()
        } else {
            format!("{prefix}:{}", name.local)
        };
        match (&*name.uri, &*name.local) {
            (MSXSL_NS | EXSLT_COMMON_NS, "node-set") if args.len() == 1 => {
                match self.eval(&args[0], c)? {
                    Val::Nodes(n) => Ok(Val::Nodes(n)),
                    other => {
                        let text = self.string(&other);
                        let root = self.arena.new_root();
                        self.arena.add_text(root, &text);
                        Ok(Val::Nodes(vec![root]))
                    }
                }
            }
            (MSXSL_NS | EXSLT_COMMON_NS, "object-type") if args.len() == 1 => {
                let v = self.eval(&args[0], c)?;
                Ok(Val::Str(
                    match v {
                        Val::Nodes(_) => "node-set",
                        Val::Bool(_) => "boolean",
                        Val::Num(_) => "number",
                        Val::Str(_) => "string",
                    }
                    .into(),
                ))
            }
            (uri, _) if self.ss.script_ns.iter().any(|s| &**s == uri) => Err(format!(
                "{shown}() is defined by an msxsl:script (.NET code), which cannot run here"
            )),
            _ => Err(format!(
                "the extension function {shown}() ({{{}}}{}) is not available",
                name.uri, name.local
            )),
        }
    }

    fn key(&mut self, kname: &QName, v: Val, context: NodeId) -> R<Val> {
        let root = self.arena.node(context).root;
        let slot = (kname.clone(), root);
        if !self.keys.contains_key(&slot) {
            let ss = self.ss;
            let defs = ss
                .keys
                .get(kname)
                .ok_or_else(|| format!("the key '{}' is not defined", kname.local))?;
            self.keys.insert(slot.clone(), None);
            let mut all = vec![root];
            self.descendants_and_attrs(root, &mut all);
            let mut index: KeyIndex = HashMap::new();
            for def in defs {
                for &n in &all {
                    if !self
                        .matches(&def.pattern, n)
                        .map_err(|e| wrap(&def.loc, e))?
                    {
                        continue;
                    }
                    let current = self.current;
                    self.current = n;
                    let used = self
                        .eval(&def.use_, &Ctx::at(n))
                        .map_err(|e| wrap(&def.loc, e));
                    self.current = current;
                    match used? {
                        Val::Nodes(ns) => {
                            for x in ns {
                                index.entry(self.arena.string_value(x)).or_default().push(n);
                            }
                        }
                        other => index.entry(self.string(&other)).or_default().push(n),
                    }
                }
            }
            self.keys.insert(slot.clone(), Some(index));
        }
        let Some(Some(index)) = self.keys.get(&slot) else {
            return Err(format!("the key '{}' depends on itself", kname.local));
        };
        let wanted: Vec<String> = match &v {
            Val::Nodes(ns) => ns.iter().map(|&x| self.arena.string_value(x)).collect(),
            other => vec![self.string(other)],
        };
        let mut out = Vec::new();
        for w in wanted {
            if let Some(found) = index.get(&w) {
                out.extend_from_slice(found);
            }
        }
        Self::sort_doc(&mut out);
        Ok(Val::Nodes(out))
    }

    fn descendants_and_attrs(&self, n: NodeId, out: &mut Vec<NodeId>) {
        for &c in &self.arena.node(n).children {
            out.push(c);
            out.extend_from_slice(&self.arena.node(c).attrs);
            self.descendants_and_attrs(c, out);
        }
    }

    fn document(&mut self, args: &[Expr], c: &Ctx) -> R<Val> {
        let v = self.eval(&args[0], c)?;
        let stylesheet_base = self.arena.base.get(&self.ss.root).cloned();
        let mut refs: Vec<(String, Option<PathBuf>)> = Vec::new();
        match &v {
            Val::Nodes(ns) => {
                for &n in ns {
                    let base = self.arena.base.get(&self.arena.node(n).root).cloned();
                    refs.push((self.arena.string_value(n), base));
                }
            }
            other => refs.push((self.string(other), stylesheet_base.clone())),
        }
        let mut out = Vec::new();
        for (href, base) in refs {
            if href.is_empty() {
                out.push(self.ss.root);
                continue;
            }
            compile::local_href(&href).map_err(|e| format!("document(): {e}"))?;
            let path = match &base {
                Some(b) => compile::resolve(b, &href),
                None => PathBuf::from(&href),
            };
            if let Some(&r) = self.docs.get(&path) {
                out.push(r);
                continue;
            }
            let text = compile::read_file(&path).map_err(|e| format!("document(): {e}"))?;
            let root = self.arena.parse(&text, Some(&path)).map_err(|e| {
                format!(
                    "{}:{}: parser error : {}",
                    path.display(),
                    e.line,
                    e.message
                )
            })?;
            super::strip_source(&mut self.arena, self.ss, root);
            self.docs.insert(path, root);
            out.push(root);
        }
        Self::sort_doc(&mut out);
        Ok(Val::Nodes(out))
    }

    // ---- patterns -------------------------------------------------------------------------

    fn matches(&mut self, alts: &[PathPattern], n: NodeId) -> R<bool> {
        for p in alts {
            if self.matches_one(p, n)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn matches_one(&mut self, p: &PathPattern, n: NodeId) -> R<bool> {
        if p.steps.is_empty() {
            return match &p.start {
                PatternStart::Root => Ok(self.arena.node(n).kind == Kind::Root),
                PatternStart::Call(e) => {
                    let set = Self::nodes(self.eval(e, &Ctx::at(n))?, "a pattern")?;
                    Ok(set.binary_search(&n).is_ok())
                }
                PatternStart::Anywhere => Ok(false),
            };
        }
        self.matches_from(p, p.steps.len() - 1, n)
    }

    fn matches_from(&mut self, p: &PathPattern, k: usize, n: NodeId) -> R<bool> {
        let (desc, step) = &p.steps[k];
        if !self.step_matches(step, n)? {
            return Ok(false);
        }
        let parent = self.parent(n);
        if k == 0 {
            return match &p.start {
                PatternStart::Anywhere => Ok(true),
                PatternStart::Root => Ok(if *desc {
                    self.arena.node(self.arena.node(n).root).kind == Kind::Root
                } else {
                    parent.is_some_and(|x| self.arena.node(x).kind == Kind::Root)
                }),
                PatternStart::Call(e) => {
                    let set = Self::nodes(self.eval(e, &Ctx::at(n))?, "a pattern")?;
                    let mut at = parent;
                    while let Some(a) = at {
                        if set.binary_search(&a).is_ok() {
                            return Ok(true);
                        }
                        if !*desc {
                            break;
                        }
                        at = self.parent(a);
                    }
                    Ok(false)
                }
            };
        }
        let mut at = parent;
        while let Some(a) = at {
            if self.matches_from(p, k - 1, a)? {
                return Ok(true);
            }
            if !*desc {
                break;
            }
            at = self.parent(a);
        }
        Ok(false)
    }

    fn step_matches(&mut self, step: &Step, n: NodeId) -> R<bool> {
        let kind = self.arena.node(n).kind;
        let on_axis = if step.axis == Axis::Attribute {
            kind == Kind::Attribute
        } else {
            !matches!(kind, Kind::Attribute | Kind::Root)
        };
        if !on_axis || !self.test(step.axis, &step.test, n) {
            return Ok(false);
        }
        if step.preds.is_empty() {
            return Ok(true);
        }
        if step.preds.iter().any(xpath::positional) {
            let Some(parent) = self.parent(n) else {
                return Ok(false);
            };
            let mut set = self.axis(step.axis, parent);
            set.retain(|&x| self.test(step.axis, &step.test, x));
            for p in &step.preds {
                set = self.predicate(set, p)?;
            }
            return Ok(set.contains(&n));
        }
        for p in &step.preds {
            let v = self.eval(p, &Ctx::at(n))?;
            if !Self::boolean(&v) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The best template rule for `n` in `mode`, below precedence `below` when given.
    fn find_rule(
        &mut self,
        n: NodeId,
        mode: &Option<QName>,
        below: Option<usize>,
    ) -> R<Option<usize>> {
        let ss = self.ss;
        let node = self.arena.node(n);
        let (kind, local) = (node.kind, node.name.as_ref().map(|x| x.local.clone()));
        for (i, rule) in ss.rules.iter().enumerate() {
            if rule.mode != *mode || below.is_some_and(|b| rule.precedence >= b) {
                continue;
            }
            // A quick look at the last step's name before the whole match.
            if let Some((_, last)) = rule.pattern.steps.last() {
                if let NodeTest::Name(q) = &last.test {
                    if local.as_deref() != Some(&*q.local) {
                        continue;
                    }
                }
                if (last.axis == Axis::Attribute) != (kind == Kind::Attribute) {
                    continue;
                }
            }
            let t = &ss.templates[rule.template];
            if self
                .matches_one(&rule.pattern, n)
                .map_err(|e| wrap(&t.loc, e))?
            {
                return Ok(Some(i));
            }
        }
        Ok(None)
    }

    // ---- templates and instructions ---------------------------------------------------------

    fn apply(
        &mut self,
        nodes: &[NodeId],
        mode: Option<&QName>,
        params: &[(QName, Val)],
        _c: &Ctx,
        out: NodeId,
    ) -> R<()> {
        let mode = mode.cloned();
        let size = nodes.len();
        for (i, &n) in nodes.iter().enumerate() {
            self.tick()?;
            let c = Ctx {
                node: n,
                pos: i + 1,
                size,
            };
            match self.find_rule(n, &mode, None)? {
                Some(r) => self.invoke(r, &mode, &c, params, out)?,
                None => self.builtin(&c, &mode, out)?,
            }
        }
        Ok(())
    }

    fn builtin(&mut self, c: &Ctx, mode: &Option<QName>, out: NodeId) -> R<()> {
        let node = self.arena.node(c.node);
        match node.kind {
            Kind::Root | Kind::Element => {
                let kids = node.children.clone();
                self.apply(&kids, mode.as_ref(), &[], c, out)
            }
            Kind::Text | Kind::Attribute => {
                let v = node.value.clone();
                self.arena.add_text(out, &v);
                Ok(())
            }
            Kind::Comment | Kind::Pi => Ok(()),
        }
    }

    fn invoke(
        &mut self,
        rule: usize,
        mode: &Option<QName>,
        c: &Ctx,
        params: &[(QName, Val)],
        out: NodeId,
    ) -> R<()> {
        let ss = self.ss;
        let template = ss.rules[rule].template;
        let saved = self.rule.replace((rule, mode.clone()));
        let r = self.call_template(template, c, params, out);
        self.rule = saved;
        r
    }

    fn call_template(
        &mut self,
        template: usize,
        c: &Ctx,
        params: &[(QName, Val)],
        out: NodeId,
    ) -> R<()> {
        let ss = self.ss;
        let t = &ss.templates[template];
        self.tick().map_err(|e| t.loc.error("runtime", &e))?;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.depth -= 1;
            return Err(t.loc.error(
                "runtime",
                &format!("templates call each other more than {MAX_DEPTH} deep"),
            ));
        }
        let (frame, current, mark) = (self.frame, self.current, self.vars.len());
        let template_out = self.template_out.replace(out);
        self.frame = mark;
        self.current = c.node;
        let mut r = Ok(());
        for (name, default) in &t.params {
            let v = match params.iter().find(|(n, _)| n == name) {
                Some((_, v)) => Ok(v.clone()),
                None => self.value(default, c).map_err(|e| wrap(&t.loc, e)),
            };
            match v {
                Ok(v) => self.vars.push((name.clone(), v)),
                Err(e) => {
                    r = Err(e);
                    break;
                }
            }
        }
        if r.is_ok() {
            r = self.run(&t.body, c, out);
        }
        self.vars.truncate(mark);
        self.frame = frame;
        self.current = current;
        self.template_out = template_out;
        self.depth -= 1;
        r
    }

    fn params(&mut self, ps: &[WithParam], c: &Ctx) -> R<Vec<(QName, Val)>> {
        let mut out = Vec::with_capacity(ps.len());
        for p in ps {
            out.push((p.name.clone(), self.value(&p.value, c)?));
        }
        Ok(out)
    }

    fn avt(&mut self, parts: &[Avt], c: &Ctx) -> R<String> {
        let mut out = String::new();
        for p in parts {
            match p {
                Avt::Text(t) => out.push_str(t),
                Avt::Expr(e) => {
                    let v = self.eval(e, c)?;
                    out.push_str(&self.string(&v));
                }
            }
        }
        Ok(out)
    }

    fn sorted(&mut self, nodes: Vec<NodeId>, sorts: &[Sort], c: &Ctx) -> R<Vec<NodeId>> {
        if sorts.is_empty() {
            return Ok(nodes);
        }
        #[derive(Clone)]
        enum K {
            S(String),
            N(f64),
        }
        let mut specs = Vec::new();
        for s in sorts {
            let number = self.avt(&s.number, c)? == "number";
            let descending = self.avt(&s.descending, c)? == "descending";
            specs.push((number, descending));
        }
        let size = nodes.len();
        let mut keyed: Vec<(Vec<K>, NodeId)> = Vec::with_capacity(size);
        let current = self.current;
        for (i, &n) in nodes.iter().enumerate() {
            self.current = n;
            let sc = Ctx {
                node: n,
                pos: i + 1,
                size,
            };
            let mut keys = Vec::new();
            for (s, (number, _)) in sorts.iter().zip(&specs) {
                let v = self.eval(&s.select, &sc)?;
                let text = self.string(&v);
                keys.push(if *number {
                    K::N(str_to_num(&text))
                } else {
                    K::S(text)
                });
            }
            keyed.push((keys, n));
        }
        self.current = current;
        keyed.sort_by(|(a, _), (b, _)| {
            for ((x, y), (_, desc)) in a.iter().zip(b).zip(&specs) {
                let o = match (x, y) {
                    (K::N(x), K::N(y)) => match (x.is_nan(), y.is_nan()) {
                        (true, true) => std::cmp::Ordering::Equal,
                        (true, false) => std::cmp::Ordering::Less,
                        (false, true) => std::cmp::Ordering::Greater,
                        _ => x.total_cmp(y),
                    },
                    (K::S(x), K::S(y)) => x.cmp(y),
                    _ => std::cmp::Ordering::Equal,
                };
                let o = if *desc { o.reverse() } else { o };
                if o != std::cmp::Ordering::Equal {
                    return o;
                }
            }
            std::cmp::Ordering::Equal
        });
        Ok(keyed.into_iter().map(|(_, n)| n).collect())
    }

    /// Runs `body` with `out` as where its output goes.
    fn run(&mut self, body: &[Instr], c: &Ctx, out: NodeId) -> R<()> {
        let mark = self.vars.len();
        let mut r = Ok(());
        for i in body {
            r = self.instr(i, c, out).map_err(|e| wrap(&i.loc, e));
            if r.is_err() {
                break;
            }
        }
        self.vars.truncate(mark);
        r
    }

    /// The text `body` makes (the value of `xsl:attribute`, `xsl:comment`, …).
    fn text_of(&mut self, body: &[Instr], c: &Ctx) -> R<String> {
        let root = self.arena.new_root();
        self.run(body, c, root)?;
        Ok(self.arena.string_value(root))
    }

    fn set_attr(&mut self, el: NodeId, name: Name, value: &str) {
        let node = self.arena.node(el);
        if node.kind != Kind::Element || !node.children.is_empty() {
            return;
        }
        let existing = node.attrs.iter().copied().find(|&a| {
            self.arena
                .node(a)
                .name
                .as_ref()
                .is_some_and(|n| n.same(&name))
        });
        let value: Rc<str> = Rc::from(value);
        match existing {
            Some(a) => self.arena.node_mut(a).value = value,
            None => {
                self.arena.add(el, Kind::Attribute, Some(name), value, 0);
            }
        }
    }

    fn attribute_sets(&mut self, sets: &[QName], el: NodeId, c: &Ctx) -> R<()> {
        let ss = self.ss;
        for s in sets {
            let defs = ss
                .attribute_sets
                .get(s)
                .ok_or_else(|| format!("the attribute set '{}' is not defined", s.local))?;
            for (uses, body) in defs {
                self.tick()?;
                // A set that uses itself, through others or not, would never end.
                self.depth += 1;
                let used = if self.depth > MAX_DEPTH {
                    Err(format!(
                        "the attribute set '{}' uses attribute sets more than {MAX_DEPTH} deep (does it use itself?)",
                        s.local
                    ))
                } else {
                    self.attribute_sets(uses, el, c)
                };
                self.depth -= 1;
                used?;
                let (frame, out) = (self.frame, self.template_out.take());
                self.frame = self.vars.len();
                let r = self.run(body, c, el);
                self.frame = frame;
                self.template_out = out;
                r?;
            }
        }
        Ok(())
    }

    /// Copies `src` and what is in it to `out`; the top element gets the namespaces in scope,
    /// those inside it the ones declared on them (as libxslt copies).
    fn copy_deep(&mut self, src: NodeId, out: NodeId) {
        self.copy_tree(src, out, true);
    }

    fn copy_tree(&mut self, src: NodeId, out: NodeId, top: bool) {
        let node = self.arena.node(src);
        match node.kind {
            Kind::Root => {
                for c in node.children.clone() {
                    self.copy_tree(c, out, true);
                }
            }
            Kind::Element => {
                let (name, attrs, kids) =
                    (node.name.clone(), node.attrs.clone(), node.children.clone());
                let ns = if top {
                    self.arena.in_scope(src)
                } else {
                    node.ns.clone()
                };
                let empty = self.arena.intern("");
                let el = self.arena.add(out, Kind::Element, name, empty, 0);
                self.arena.node_mut(el).ns = ns;
                for a in attrs {
                    let an = self.arena.node(a);
                    let (n, v) = (an.name.clone(), an.value.clone());
                    self.arena.add(el, Kind::Attribute, n, v, 0);
                }
                for c in kids {
                    self.copy_tree(c, el, false);
                }
            }
            Kind::Attribute => {
                let (n, v) = (node.name.clone().expect("named"), node.value.clone());
                self.set_attr(out, n, &v);
            }
            Kind::Text => {
                let v = node.value.clone();
                self.arena.add_text(out, &v);
            }
            Kind::Comment | Kind::Pi => {
                let (k, n, v) = (node.kind, node.name.clone(), node.value.clone());
                self.arena.add(out, k, n, v, 0);
            }
        }
    }

    fn instr(&mut self, ins: &Instr, c: &Ctx, out: NodeId) -> R<()> {
        match &ins.op {
            Op::Text(t) => self.arena.add_text(out, t),
            Op::Literal {
                name,
                attrs,
                ns,
                inherited,
                sets,
                body,
            } => {
                let empty = self.arena.intern("");
                let el = self
                    .arena
                    .add(out, Kind::Element, Some(name.clone()), empty, 0);
                let mut all = ns.clone();
                if self.template_out == Some(out) {
                    all.extend(inherited.iter().cloned());
                }
                self.arena.node_mut(el).ns = all;
                self.attribute_sets(sets, el, c)?;
                for (an, avt) in attrs {
                    let v = self.avt(avt, c)?;
                    self.set_attr(el, an.clone(), &v);
                }
                self.run(body, c, el)?;
            }
            Op::ApplyTemplates {
                select,
                mode,
                params,
                sorts,
            } => {
                let nodes = match select {
                    Some(e) => Self::nodes(self.eval(e, c)?, "the select of xsl:apply-templates")?,
                    None => self.arena.node(c.node).children.clone(),
                };
                let nodes = self.sorted(nodes, sorts, c)?;
                let ps = self.params(params, c)?;
                self.apply(&nodes, mode.as_ref(), &ps, c, out)?;
            }
            Op::CallTemplate { name, params } => {
                let ss = self.ss;
                let t = *ss
                    .named
                    .get(name)
                    .ok_or_else(|| format!("there is no template named '{}'", name.local))?;
                let ps = self.params(params, c)?;
                self.call_template(t, c, &ps, out)?;
            }
            Op::ApplyImports => {
                if let Some((rule, mode)) = self.rule.clone() {
                    let ss = self.ss;
                    let below = ss.rules[rule].precedence;
                    match self.find_rule(c.node, &mode, Some(below))? {
                        Some(r) => self.invoke(r, &mode, c, &[], out)?,
                        None => self.builtin(c, &mode, out)?,
                    }
                }
            }
            Op::ForEach {
                select,
                sorts,
                body,
            } => {
                let nodes = Self::nodes(self.eval(select, c)?, "the select of xsl:for-each")?;
                let nodes = self.sorted(nodes, sorts, c)?;
                let size = nodes.len();
                let current = self.current;
                let mut r = Ok(());
                for (i, &n) in nodes.iter().enumerate() {
                    self.current = n;
                    r = self.tick();
                    if r.is_err() {
                        break;
                    }
                    r = self.run(
                        body,
                        &Ctx {
                            node: n,
                            pos: i + 1,
                            size,
                        },
                        out,
                    );
                    if r.is_err() {
                        break;
                    }
                }
                self.current = current;
                r?;
            }
            Op::ValueOf(e) => {
                let v = self.eval(e, c)?;
                let text = self.string(&v);
                self.arena.add_text(out, &text);
            }
            Op::Copy { sets, body } => {
                let node = self.arena.node(c.node);
                match node.kind {
                    Kind::Root => self.run(body, c, out)?,
                    Kind::Element => {
                        // Like libxslt: the namespaces declared on the element, not all those
                        // in scope.
                        let name = node.name.clone();
                        let ns = node.ns.clone();
                        let empty = self.arena.intern("");
                        let el = self.arena.add(out, Kind::Element, name, empty, 0);
                        self.arena.node_mut(el).ns = ns;
                        self.attribute_sets(sets, el, c)?;
                        self.run(body, c, el)?;
                    }
                    _ => self.copy_deep(c.node, out),
                }
            }
            Op::CopyOf(e) => match self.eval(e, c)? {
                Val::Nodes(ns) => {
                    for n in ns {
                        self.tick()?;
                        self.copy_deep(n, out);
                    }
                }
                other => {
                    let t = self.string(&other);
                    self.arena.add_text(out, &t);
                }
            },
            Op::If(test, body) => {
                let v = self.eval(test, c)?;
                if Self::boolean(&v) {
                    self.run(body, c, out)?;
                }
            }
            Op::Choose(whens, otherwise) => {
                for (test, body) in whens {
                    let v = self.eval(test, c)?;
                    if Self::boolean(&v) {
                        return self.run(body, c, out);
                    }
                }
                self.run(otherwise, c, out)?;
            }
            Op::Variable(name, value) => {
                let v = self.value(value, c)?;
                self.vars.push((name.clone(), v));
            }
            Op::Element {
                name,
                namespace,
                node,
                sets,
                body,
            } => {
                let qn = self.avt(name, c)?;
                let (p, l) = split_qname(qn.trim());
                let uri = match namespace {
                    Some(ns) => self.avt(ns, c)?,
                    None => self
                        .arena
                        .lookup(*node, p)
                        .ok_or_else(|| format!("undefined namespace prefix '{p}' in '{qn}'"))?
                        .to_string(),
                };
                let prefix = if uri.is_empty() { "" } else { p };
                let ename = self.arena.name(prefix, l, &uri);
                let empty = self.arena.intern("");
                let el = self.arena.add(out, Kind::Element, Some(ename), empty, 0);
                self.attribute_sets(sets, el, c)?;
                self.run(body, c, el)?;
            }
            Op::Attribute {
                name,
                namespace,
                node,
                body,
            } => {
                let qn = self.avt(name, c)?;
                let (p, l) = split_qname(qn.trim());
                if qn.trim() == "xmlns" {
                    return Err("an attribute cannot be named xmlns".into());
                }
                let uri = match namespace {
                    Some(ns) => self.avt(ns, c)?,
                    None if p.is_empty() => String::new(),
                    None => self
                        .arena
                        .lookup(*node, p)
                        .ok_or_else(|| format!("undefined namespace prefix '{p}' in '{qn}'"))?
                        .to_string(),
                };
                let prefix = if uri.is_empty() {
                    ""
                } else if p.is_empty() {
                    "ns"
                } else {
                    p
                };
                let aname = self.arena.name(prefix, l, &uri);
                let value = self.text_of(body, c)?;
                self.set_attr(out, aname, &value);
            }
            Op::Comment(body) => {
                let text = self.text_of(body, c)?.replace("--", "- -");
                let v = Rc::from(text);
                self.arena.add(out, Kind::Comment, None, v, 0);
            }
            Op::Pi(name, body) => {
                let target = self.avt(name, c)?;
                let text = self.text_of(body, c)?.replace("?>", "? >");
                let n = self.arena.name("", target.trim(), "");
                self.arena.add(out, Kind::Pi, Some(n), Rc::from(text), 0);
            }
            Op::Number(spec) => {
                let numbers = self.number_of(spec, c)?;
                let format = self.avt(&spec.format, c)?;
                let text = format_numbers(&numbers, &format);
                self.arena.add_text(out, &text);
            }
            Op::Unavailable(message) => return Err(message.to_string()),
            Op::Message(terminate, body) => {
                let text = self.text_of(body, c)?;
                if *terminate {
                    return Err(ins.loc.error(
                        "runtime",
                        &format!("{text}\n(stopped by an xsl:message with terminate=\"yes\")"),
                    ));
                }
                self.messages.push_str(&text);
                self.messages.push('\n');
            }
        }
        Ok(())
    }

    fn number_of(&mut self, spec: &compile::NumberSpec, c: &Ctx) -> R<Vec<u64>> {
        if let Some(v) = &spec.value {
            let n = self.eval(v, c)?;
            let n = xpath_round(self.number(&n));
            return Ok(if n.is_finite() && n >= 0.0 {
                vec![n as u64]
            } else {
                Vec::new()
            });
        }
        let here = c.node;
        let counted = |me: &mut Self, n: NodeId| -> R<bool> {
            match &spec.count {
                Some(p) => me.matches(p, n),
                None => {
                    let (a, b) = (me.arena.node(n), me.arena.node(here));
                    Ok(a.kind == b.kind
                        && match (&a.name, &b.name) {
                            (Some(x), Some(y)) => x.same(y),
                            (None, None) => true,
                            _ => false,
                        })
                }
            }
        };
        let stops = |me: &mut Self, n: NodeId| -> R<bool> {
            match &spec.from {
                Some(p) => me.matches(p, n),
                None => Ok(false),
            }
        };
        let siblings_before = |me: &mut Self, n: NodeId| -> R<u64> {
            let mut count = 1;
            for s in me.axis(Axis::PrecedingSibling, n) {
                if counted(me, s)? {
                    count += 1;
                }
            }
            Ok(count)
        };
        match &*spec.level {
            "any" => {
                let mut count = 0;
                let mut nodes = self.axis(Axis::Preceding, here);
                nodes.extend(self.axis(Axis::AncestorOrSelf, here));
                Self::sort_doc(&mut nodes);
                for n in nodes {
                    if stops(self, n)? {
                        count = 0;
                    }
                    if counted(self, n)? {
                        count += 1;
                    }
                }
                Ok(if count > 0 { vec![count] } else { Vec::new() })
            }
            "multiple" => {
                let mut out = Vec::new();
                for a in self.axis(Axis::AncestorOrSelf, here) {
                    if stops(self, a)? {
                        break;
                    }
                    if counted(self, a)? {
                        out.push(siblings_before(self, a)?);
                    }
                }
                out.reverse();
                Ok(out)
            }
            _ => {
                for a in self.axis(Axis::AncestorOrSelf, here) {
                    if stops(self, a)? {
                        break;
                    }
                    if counted(self, a)? {
                        return Ok(vec![siblings_before(self, a)?]);
                    }
                }
                Ok(Vec::new())
            }
        }
    }
}

fn xpath_round(n: f64) -> f64 {
    if n.is_nan() || n.is_infinite() {
        n
    } else if (-0.5..0.0).contains(&n) {
        -0.0
    } else {
        (n + 0.5).floor()
    }
}

/// `xsl:number`'s format: alphanumeric tokens (`1`, `01`, `a`, `A`, `i`, `I`) between
/// separators.
fn format_numbers(numbers: &[u64], format: &str) -> String {
    let mut tokens: Vec<String> = Vec::new();
    let mut seps: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut in_token = None;
    for ch in format.chars() {
        let alnum = ch.is_alphanumeric();
        if in_token != Some(alnum) && !cur.is_empty() {
            if in_token == Some(true) {
                tokens.push(std::mem::take(&mut cur));
            } else {
                seps.push(std::mem::take(&mut cur));
            }
        }
        in_token = Some(alnum);
        cur.push(ch);
    }
    let (prefix, suffix);
    if in_token == Some(true) {
        tokens.push(cur);
        suffix = String::new();
    } else {
        suffix = cur;
    }
    // A leading separator is a prefix.
    if format.chars().next().is_some_and(|c| !c.is_alphanumeric()) && !seps.is_empty() {
        prefix = seps.remove(0);
    } else {
        prefix = String::new();
    }
    if tokens.is_empty() {
        tokens.push("1".into());
    }
    let mut out = prefix;
    for (i, n) in numbers.iter().enumerate() {
        if i > 0 {
            out.push_str(seps.get(i - 1).or(seps.last()).map_or(".", |s| s.as_str()));
        }
        let t = tokens.get(i).or(tokens.last()).expect("a token");
        out.push_str(&format_one(*n, t));
    }
    out.push_str(&suffix);
    out
}

fn format_one(n: u64, token: &str) -> String {
    match token {
        "a" | "A" if n > 0 => {
            let mut s = Vec::new();
            let mut k = n;
            while k > 0 {
                k -= 1;
                s.push((b'a' + (k % 26) as u8) as char);
                k /= 26;
            }
            let s: String = s.into_iter().rev().collect();
            if token == "A" {
                s.to_uppercase()
            } else {
                s
            }
        }
        "i" | "I" if n > 0 && n < 4000 => {
            let table = [
                (1000, "m"),
                (900, "cm"),
                (500, "d"),
                (400, "cd"),
                (100, "c"),
                (90, "xc"),
                (50, "l"),
                (40, "xl"),
                (10, "x"),
                (9, "ix"),
                (5, "v"),
                (4, "iv"),
                (1, "i"),
            ];
            let mut k = n;
            let mut s = String::new();
            for (v, r) in table {
                while k >= v {
                    s.push_str(r);
                    k -= v;
                }
            }
            if token == "I" {
                s.to_uppercase()
            } else {
                s
            }
        }
        _ => {
            let width = if token.chars().all(|c| c.is_ascii_digit()) {
                token.len()
            } else {
                1
            };
            format!("{n:0width$}")
        }
    }
}

/// `format-number()` with the default decimal format: `#`, `0`, `,`, `.`, `%`, a negative
/// sub-pattern after `;`, literal prefix and suffix.
pub(crate) fn format_number(n: f64, pattern: &str) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    let (pos, neg) = match pattern.split_once(';') {
        Some((p, q)) => (p, Some(q)),
        None => (pattern, None),
    };
    let sub = if n < 0.0 { neg.unwrap_or(pos) } else { pos };
    let is_pic = |c: char| matches!(c, '#' | '0' | ',' | '.');
    let start = sub.find(is_pic).unwrap_or(sub.len());
    let end = sub.rfind(is_pic).map_or(start, |i| i + 1);
    let (prefix, pic, suffix) = (&sub[..start], &sub[start..end], &sub[end..]);
    let mut x = n.abs();
    if prefix.contains('%') || suffix.contains('%') {
        x *= 100.0;
    } else if prefix.contains('\u{2030}') || suffix.contains('\u{2030}') {
        x *= 1000.0;
    }
    if x.is_infinite() {
        return format!(
            "{}{prefix}Infinity{suffix}",
            if n < 0.0 && neg.is_none() { "-" } else { "" }
        );
    }
    let (int_pic, frac_pic) = pic.split_once('.').unwrap_or((pic, ""));
    let min_int = int_pic.chars().filter(|&c| c == '0').count();
    let grouping = int_pic.rfind(',').map(|i| int_pic.len() - i - 1);
    let min_frac = frac_pic.chars().filter(|&c| c == '0').count();
    let max_frac = frac_pic.chars().filter(|&c| c == '0' || c == '#').count();
    let fixed = format!("{x:.max_frac$}");
    let (int_digits, frac_digits) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let mut frac = frac_digits.to_owned();
    while frac.len() > min_frac && frac.ends_with('0') {
        frac.pop();
    }
    let mut int = int_digits.trim_start_matches('0').to_owned();
    while int.len() < min_int {
        int.insert(0, '0');
    }
    if let Some(g) = grouping.filter(|&g| g > 0) {
        let digits: Vec<char> = int.chars().collect();
        let mut grouped = String::new();
        for (i, d) in digits.iter().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(g) {
                grouped.push(',');
            }
            grouped.push(*d);
        }
        int = grouped;
    }
    let mut out = String::new();
    if n < 0.0 && neg.is_none() {
        out.push('-');
    }
    out.push_str(prefix);
    out.push_str(&int);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(&frac);
    }
    out.push_str(suffix);
    if out.is_empty() || out == "-" {
        out.push('0');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_xpath_writes_and_reads_them() {
        assert_eq!(num_to_string(3.0), "3");
        assert_eq!(num_to_string(-0.0), "0");
        assert_eq!(num_to_string(0.5), "0.5");
        assert_eq!(num_to_string(f64::NAN), "NaN");
        assert_eq!(num_to_string(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(str_to_num(" 12 "), 12.0);
        assert_eq!(str_to_num("-1.5"), -1.5);
        assert!(str_to_num("1e3").is_nan());
        assert!(str_to_num("+1").is_nan());
        assert!(str_to_num("").is_nan());
        assert_eq!(xpath_round(2.5), 3.0);
        assert_eq!(xpath_round(-2.5), -2.0);
    }

    #[test]
    fn number_formats() {
        assert_eq!(format_numbers(&[3], "1"), "3");
        assert_eq!(format_numbers(&[3], "01"), "03");
        assert_eq!(format_numbers(&[1, 2], "1.1"), "1.2");
        assert_eq!(format_numbers(&[28], "a"), "ab");
        assert_eq!(format_numbers(&[14], "I"), "XIV");
        assert_eq!(format_numbers(&[2], "(1)"), "(2)");
        assert_eq!(format_number(1234.5, "#,##0.00"), "1,234.50");
        assert_eq!(format_number(0.25, "0%"), "25%");
        assert_eq!(format_number(-3.0, "0"), "-3");
        assert_eq!(format_number(7.0, "000"), "007");
    }
}
