//! XPath 1.0 expressions and XSLT patterns: the tokenizer, the parser and the syntax tree.
//! Prefixes are resolved while parsing, with the namespaces in scope where the expression is
//! written.

use std::rc::Rc;

/// An expanded name: namespace URI ("" for none) and local part.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct QName {
    pub uri: Rc<str>,
    pub local: Rc<str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Axis {
    Ancestor,
    AncestorOrSelf,
    Attribute,
    Child,
    Descendant,
    DescendantOrSelf,
    Following,
    FollowingSibling,
    Namespace,
    Parent,
    Preceding,
    PrecedingSibling,
    Itself,
}

impl Axis {
    fn from_name(name: &str) -> Option<Axis> {
        Some(match name {
            "ancestor" => Axis::Ancestor,
            "ancestor-or-self" => Axis::AncestorOrSelf,
            "attribute" => Axis::Attribute,
            "child" => Axis::Child,
            "descendant" => Axis::Descendant,
            "descendant-or-self" => Axis::DescendantOrSelf,
            "following" => Axis::Following,
            "following-sibling" => Axis::FollowingSibling,
            "namespace" => Axis::Namespace,
            "parent" => Axis::Parent,
            "preceding" => Axis::Preceding,
            "preceding-sibling" => Axis::PrecedingSibling,
            "self" => Axis::Itself,
            _ => return None,
        })
    }

    /// Whether the axis runs backwards in document order (positions count from the node).
    pub fn reverse(self) -> bool {
        matches!(
            self,
            Axis::Ancestor | Axis::AncestorOrSelf | Axis::Preceding | Axis::PrecedingSibling
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NodeTest {
    /// `node()`
    Node,
    Text,
    Comment,
    Pi(Option<Rc<str>>),
    /// `*`
    Any,
    /// `prefix:*`
    AnyIn(Rc<str>),
    Name(QName),
}

#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub axis: Axis,
    pub test: NodeTest,
    pub preds: Vec<Expr>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

#[derive(Debug, Clone)]
pub(crate) enum Expr {
    Binary(Op, Box<Expr>, Box<Expr>),
    Neg(Box<Expr>),
    Union(Box<Expr>, Box<Expr>),
    Literal(Rc<str>),
    Number(f64),
    Var(QName),
    /// A function: its expanded name and the prefix it was written with (for messages).
    Call(QName, Rc<str>, Vec<Expr>),
    /// A location path, from the root when `absolute`.
    Path(bool, Vec<Step>),
    /// A filter expression: a primary expression, its predicates, then a relative path.
    Filter(Box<Expr>, Vec<Expr>, Vec<Step>),
}

/// The XPath core functions and the XSLT ones, with their allowed argument counts.
pub(crate) fn core_function(local: &str) -> Option<(usize, usize)> {
    Some(match local {
        "last" | "position" | "true" | "false" => (0, 0),
        "count"
        | "not"
        | "boolean"
        | "floor"
        | "ceiling"
        | "round"
        | "sum"
        | "lang"
        | "id"
        | "unparsed-entity-uri"
        | "system-property"
        | "element-available"
        | "function-available" => (1, 1),
        "local-name" | "namespace-uri" | "name" | "string" | "string-length"
        | "normalize-space" | "number" | "generate-id" => (0, 1),
        "concat" => (2, usize::MAX),
        "starts-with" | "contains" | "substring-before" | "substring-after" => (2, 2),
        "substring" => (2, 3),
        "translate" => (3, 3),
        "key" => (2, 2),
        "document" => (1, 2),
        "format-number" => (2, 3),
        "current" => (0, 0),
        _ => return None,
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Dot,
    DotDot,
    At,
    Comma,
    ColonColon,
    Slash,
    SlashSlash,
    Pipe,
    Plus,
    Minus,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// `*` as the multiplication operator.
    Mul,
    /// `and`, `or`, `div`, `mod` as operators.
    OpName(&'static str),
    Literal(String),
    Number(f64),
    Var(String),
    /// `*`, `prefix:*` or a QName used as a name test (or axis, node type, function name).
    Name(String),
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || (c as u32) > 0x7F && !c.is_whitespace()
}

fn is_name_char(c: char) -> bool {
    is_name_start(c) || c.is_ascii_digit() || c == '-' || c == '.' || c == '\u{B7}'
}

fn tokenize(s: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = s.chars().collect();
    let mut toks: Vec<Tok> = Vec::new();
    let mut i = 0;
    // XPath 1.0, 3.7: `*` and operator names are operators unless the token before is
    // nothing, `@`, `::`, `(`, `[`, `,` or an operator.
    let operator_position = |toks: &Vec<Tok>| match toks.last() {
        None => false,
        Some(t) => !matches!(
            t,
            Tok::At
                | Tok::ColonColon
                | Tok::LParen
                | Tok::LBracket
                | Tok::Comma
                | Tok::Slash
                | Tok::SlashSlash
                | Tok::Pipe
                | Tok::Plus
                | Tok::Minus
                | Tok::Eq
                | Tok::Ne
                | Tok::Lt
                | Tok::Le
                | Tok::Gt
                | Tok::Ge
                | Tok::Mul
                | Tok::OpName(_)
        ),
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let tok = match c {
            ' ' | '\t' | '\n' | '\r' => {
                i += 1;
                continue;
            }
            '(' => Tok::LParen,
            ')' => Tok::RParen,
            '[' => Tok::LBracket,
            ']' => Tok::RBracket,
            '@' => Tok::At,
            ',' => Tok::Comma,
            '|' => Tok::Pipe,
            '+' => Tok::Plus,
            '-' => Tok::Minus,
            '=' => Tok::Eq,
            '!' if next == Some('=') => {
                i += 1;
                Tok::Ne
            }
            '<' if next == Some('=') => {
                i += 1;
                Tok::Le
            }
            '<' => Tok::Lt,
            '>' if next == Some('=') => {
                i += 1;
                Tok::Ge
            }
            '>' => Tok::Gt,
            '/' if next == Some('/') => {
                i += 1;
                Tok::SlashSlash
            }
            '/' => Tok::Slash,
            ':' if next == Some(':') => {
                i += 1;
                Tok::ColonColon
            }
            '.' if next == Some('.') => {
                i += 1;
                Tok::DotDot
            }
            '.' if !next.is_some_and(|n| n.is_ascii_digit()) => Tok::Dot,
            '"' | '\'' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&d| d == c)
                    .ok_or("a string literal is not closed")?;
                let lit: String = chars[i + 1..i + 1 + end].iter().collect();
                i += end + 1;
                Tok::Literal(lit)
            }
            '*' => {
                if operator_position(&toks) {
                    Tok::Mul
                } else {
                    Tok::Name("*".into())
                }
            }
            '$' => {
                let start = i + 1;
                let mut j = start;
                while j < chars.len() && (is_name_char(chars[j]) || chars[j] == ':') {
                    j += 1;
                }
                if j == start {
                    return Err("a variable reference has no name".into());
                }
                let name: String = chars[start..j].iter().collect();
                i = j - 1;
                Tok::Var(name)
            }
            c if c.is_ascii_digit() || c == '.' => {
                let start = i;
                let mut j = i;
                while j < chars.len() && chars[j].is_ascii_digit() {
                    j += 1;
                }
                if j < chars.len() && chars[j] == '.' {
                    j += 1;
                    while j < chars.len() && chars[j].is_ascii_digit() {
                        j += 1;
                    }
                }
                let text: String = chars[start..j].iter().collect();
                i = j - 1;
                Tok::Number(text.parse::<f64>().map_err(|e| e.to_string())?)
            }
            c if is_name_start(c) => {
                let start = i;
                let mut j = i;
                while j < chars.len() && is_name_char(chars[j]) {
                    j += 1;
                }
                // prefix:local or prefix:* (not the `::` of an axis)
                if j + 1 < chars.len() && chars[j] == ':' && chars[j + 1] != ':' {
                    if chars[j + 1] == '*' {
                        j += 2;
                    } else if is_name_start(chars[j + 1]) {
                        j += 1;
                        while j < chars.len() && is_name_char(chars[j]) {
                            j += 1;
                        }
                    }
                }
                let name: String = chars[start..j].iter().collect();
                i = j - 1;
                if operator_position(&toks) {
                    match name.as_str() {
                        "and" => Tok::OpName("and"),
                        "or" => Tok::OpName("or"),
                        "div" => Tok::OpName("div"),
                        "mod" => Tok::OpName("mod"),
                        _ => return Err(format!("unexpected name '{name}'")),
                    }
                } else {
                    Tok::Name(name)
                }
            }
            c => return Err(format!("unexpected character '{c}'")),
        };
        toks.push(tok);
        i += 1;
    }
    Ok(toks)
}

/// Resolves a prefix to its namespace URI where the expression is written.
pub(crate) type Resolver<'a> = &'a dyn Fn(&str) -> Option<Rc<str>>;

struct Parser<'a> {
    toks: Vec<Tok>,
    at: usize,
    ns: Resolver<'a>,
    /// How deep the parser is in nested expressions (parentheses, predicates, arguments,
    /// unary minus), and how many operators it has read: both bounded, since the parser and
    /// the evaluation recurse through them.
    depth: usize,
    operators: usize,
}

/// How deep expressions may nest (libxml2 allows 5000 with its own, smaller frames).
const MAX_NESTING: usize = 256;
/// How many operators an expression may have.
const MAX_OPERATORS: usize = 4096;

/// Parses an XPath expression.
pub(crate) fn parse(text: &str, ns: Resolver<'_>) -> Result<Expr, String> {
    let toks = tokenize(text)?;
    if toks.is_empty() {
        return Err("the expression is empty".into());
    }
    let mut p = Parser {
        toks,
        at: 0,
        ns,
        depth: 0,
        operators: 0,
    };
    let e = p.or_expr()?;
    if p.at < p.toks.len() {
        return Err(format!("unexpected {:?}", p.toks[p.at]));
    }
    Ok(e)
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }

    fn peek_at(&self, n: usize) -> Option<&Tok> {
        self.toks.get(self.at + n)
    }

    fn eat(&mut self, t: &Tok) -> bool {
        if self.peek() == Some(t) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, t: &Tok, what: &str) -> Result<(), String> {
        if self.eat(t) {
            Ok(())
        } else {
            Err(format!("expected {what}"))
        }
    }

    fn qname(&self, name: &str, default_empty: bool) -> Result<QName, String> {
        let (prefix, local) = match name.split_once(':') {
            Some((p, l)) => (p, l),
            None => ("", name),
        };
        let uri = if prefix.is_empty() && default_empty {
            Rc::from("")
        } else {
            (self.ns)(prefix).ok_or_else(|| format!("undefined namespace prefix '{prefix}'"))?
        };
        Ok(QName {
            uri,
            local: Rc::from(local),
        })
    }

    /// Counts one more operator.
    fn operator(&mut self) -> Result<(), String> {
        self.operators += 1;
        if self.operators > MAX_OPERATORS {
            return Err(format!(
                "the expression has more than {MAX_OPERATORS} operators"
            ));
        }
        Ok(())
    }

    fn binary(
        &mut self,
        next: fn(&mut Self) -> Result<Expr, String>,
        ops: &[(Tok, Op)],
    ) -> Result<Expr, String> {
        let mut left = next(self)?;
        'outer: loop {
            for (t, op) in ops {
                if self.eat(t) {
                    self.operator()?;
                    let right = next(self)?;
                    left = Expr::Binary(*op, Box::new(left), Box::new(right));
                    continue 'outer;
                }
            }
            return Ok(left);
        }
    }

    fn or_expr(&mut self) -> Result<Expr, String> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(format!(
                "the expression nests more than {MAX_NESTING} levels deep"
            ));
        }
        let e = self.binary(Self::and_expr, &[(Tok::OpName("or"), Op::Or)]);
        self.depth -= 1;
        e
    }

    fn and_expr(&mut self) -> Result<Expr, String> {
        self.binary(Self::eq_expr, &[(Tok::OpName("and"), Op::And)])
    }

    fn eq_expr(&mut self) -> Result<Expr, String> {
        self.binary(Self::rel_expr, &[(Tok::Eq, Op::Eq), (Tok::Ne, Op::Ne)])
    }

    fn rel_expr(&mut self) -> Result<Expr, String> {
        self.binary(
            Self::add_expr,
            &[
                (Tok::Lt, Op::Lt),
                (Tok::Le, Op::Le),
                (Tok::Gt, Op::Gt),
                (Tok::Ge, Op::Ge),
            ],
        )
    }

    fn add_expr(&mut self) -> Result<Expr, String> {
        self.binary(
            Self::mul_expr,
            &[(Tok::Plus, Op::Add), (Tok::Minus, Op::Sub)],
        )
    }

    fn mul_expr(&mut self) -> Result<Expr, String> {
        self.binary(
            Self::unary_expr,
            &[
                (Tok::Mul, Op::Mul),
                (Tok::OpName("div"), Op::Div),
                (Tok::OpName("mod"), Op::Mod),
            ],
        )
    }

    fn unary_expr(&mut self) -> Result<Expr, String> {
        if self.eat(&Tok::Minus) {
            self.operator()?;
            self.depth += 1;
            if self.depth > MAX_NESTING {
                return Err(format!(
                    "the expression nests more than {MAX_NESTING} levels deep"
                ));
            }
            let operand = self.unary_expr();
            self.depth -= 1;
            return Ok(Expr::Neg(Box::new(operand?)));
        }
        let mut left = self.path_expr()?;
        while self.eat(&Tok::Pipe) {
            self.operator()?;
            let right = self.path_expr()?;
            left = Expr::Union(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn starts_primary(&self) -> bool {
        match self.peek() {
            Some(Tok::Var(_) | Tok::LParen | Tok::Literal(_) | Tok::Number(_)) => true,
            Some(Tok::Name(n)) => {
                self.peek_at(1) == Some(&Tok::LParen)
                    && !matches!(
                        n.as_str(),
                        "node" | "text" | "comment" | "processing-instruction"
                    )
            }
            _ => false,
        }
    }

    fn path_expr(&mut self) -> Result<Expr, String> {
        if !self.starts_primary() {
            return self.location_path();
        }
        let primary = self.primary()?;
        let mut preds = Vec::new();
        while self.peek() == Some(&Tok::LBracket) {
            preds.push(self.predicate()?);
        }
        let mut steps = Vec::new();
        loop {
            if self.eat(&Tok::Slash) {
                steps.push(self.step()?);
            } else if self.eat(&Tok::SlashSlash) {
                steps.push(descendant_or_self());
                steps.push(self.step()?);
            } else {
                break;
            }
        }
        if preds.is_empty() && steps.is_empty() {
            Ok(primary)
        } else {
            Ok(Expr::Filter(Box::new(primary), preds, steps))
        }
    }

    fn primary(&mut self) -> Result<Expr, String> {
        match self.toks.get(self.at).cloned() {
            Some(Tok::Var(v)) => {
                self.at += 1;
                Ok(Expr::Var(self.qname(&v, true)?))
            }
            Some(Tok::LParen) => {
                self.at += 1;
                let e = self.or_expr()?;
                self.expect(&Tok::RParen, "')'")?;
                Ok(e)
            }
            Some(Tok::Literal(s)) => {
                self.at += 1;
                Ok(Expr::Literal(Rc::from(s)))
            }
            Some(Tok::Number(n)) => {
                self.at += 1;
                Ok(Expr::Number(n))
            }
            Some(Tok::Name(n)) => {
                self.at += 2;
                let mut args = Vec::new();
                if !self.eat(&Tok::RParen) {
                    loop {
                        args.push(self.or_expr()?);
                        if self.eat(&Tok::RParen) {
                            break;
                        }
                        self.expect(&Tok::Comma, "',' or ')'")?;
                    }
                }
                let prefix: Rc<str> = Rc::from(n.split_once(':').map_or("", |(p, _)| p));
                // A QName given as a literal is resolved here, where its prefix is known, and
                // passed on as `{uri}local`.
                if !n.contains(':')
                    && matches!(
                        n.as_str(),
                        "key" | "system-property" | "function-available" | "element-available"
                    )
                {
                    if let Some(Expr::Literal(l)) = args.first() {
                        if let Some((p, local)) = l.split_once(':') {
                            let uri = (self.ns)(p)
                                .ok_or_else(|| format!("undefined namespace prefix '{p}'"))?;
                            args[0] = Expr::Literal(Rc::from(format!("{{{uri}}}{local}")));
                        }
                    }
                }
                let name = self.qname(&n, true)?;
                if name.uri.is_empty() {
                    let (min, max) = core_function(&name.local)
                        .ok_or_else(|| format!("unknown function {}()", name.local))?;
                    if args.len() < min || args.len() > max {
                        return Err(format!(
                            "{}() takes {} argument(s), not {}",
                            name.local,
                            if min == max {
                                min.to_string()
                            } else {
                                format!("{min} or more")
                            },
                            args.len()
                        ));
                    }
                }
                Ok(Expr::Call(name, prefix, args))
            }
            _ => Err("expected an expression".into()),
        }
    }

    fn predicate(&mut self) -> Result<Expr, String> {
        self.expect(&Tok::LBracket, "'['")?;
        let e = self.or_expr()?;
        self.expect(&Tok::RBracket, "']'")?;
        Ok(e)
    }

    fn location_path(&mut self) -> Result<Expr, String> {
        let mut steps = Vec::new();
        let absolute = match self.peek() {
            Some(Tok::Slash) => {
                self.at += 1;
                if !self.starts_step() {
                    return Ok(Expr::Path(true, steps));
                }
                true
            }
            Some(Tok::SlashSlash) => {
                self.at += 1;
                steps.push(descendant_or_self());
                true
            }
            _ => false,
        };
        steps.push(self.step()?);
        loop {
            if self.eat(&Tok::Slash) {
                steps.push(self.step()?);
            } else if self.eat(&Tok::SlashSlash) {
                steps.push(descendant_or_self());
                steps.push(self.step()?);
            } else {
                break;
            }
        }
        Ok(Expr::Path(absolute, steps))
    }

    fn starts_step(&self) -> bool {
        matches!(
            self.peek(),
            Some(Tok::Dot | Tok::DotDot | Tok::At | Tok::Name(_))
        )
    }

    fn step(&mut self) -> Result<Step, String> {
        if self.eat(&Tok::Dot) {
            return Ok(Step {
                axis: Axis::Itself,
                test: NodeTest::Node,
                preds: Vec::new(),
            });
        }
        if self.eat(&Tok::DotDot) {
            return Ok(Step {
                axis: Axis::Parent,
                test: NodeTest::Node,
                preds: Vec::new(),
            });
        }
        let mut axis = Axis::Child;
        if self.eat(&Tok::At) {
            axis = Axis::Attribute;
        } else if let (Some(Tok::Name(n)), Some(Tok::ColonColon)) = (self.peek(), self.peek_at(1)) {
            axis = Axis::from_name(n).ok_or_else(|| format!("unknown axis '{n}'"))?;
            self.at += 2;
        }
        let test = match self.toks.get(self.at).cloned() {
            Some(Tok::Name(n)) => {
                self.at += 1;
                if self.peek() == Some(&Tok::LParen) {
                    self.at += 1;
                    let test = match n.as_str() {
                        "node" => NodeTest::Node,
                        "text" => NodeTest::Text,
                        "comment" => NodeTest::Comment,
                        "processing-instruction" => {
                            if let Some(Tok::Literal(l)) = self.peek().cloned() {
                                self.at += 1;
                                NodeTest::Pi(Some(Rc::from(l)))
                            } else {
                                NodeTest::Pi(None)
                            }
                        }
                        _ => return Err(format!("'{n}(' is not a node test")),
                    };
                    self.expect(&Tok::RParen, "')'")?;
                    test
                } else if n == "*" {
                    NodeTest::Any
                } else if let Some(p) = n.strip_suffix(":*") {
                    NodeTest::AnyIn(
                        (self.ns)(p).ok_or_else(|| format!("undefined namespace prefix '{p}'"))?,
                    )
                } else {
                    NodeTest::Name(self.qname(&n, true)?)
                }
            }
            _ => return Err("expected a step".into()),
        };
        let mut preds = Vec::new();
        while self.peek() == Some(&Tok::LBracket) {
            preds.push(self.predicate()?);
        }
        Ok(Step { axis, test, preds })
    }
}

fn descendant_or_self() -> Step {
    Step {
        axis: Axis::DescendantOrSelf,
        test: NodeTest::Node,
        preds: Vec::new(),
    }
}

/// How a pattern's path starts.
#[derive(Debug, Clone)]
pub(crate) enum PatternStart {
    /// Anywhere (a relative pattern).
    Anywhere,
    /// At the root (`/…`).
    Root,
    /// At the nodes `key(…)` or `id(…)` returns.
    Call(Expr),
}

/// One alternative of a pattern: steps matched from the last, each after the one before it as
/// a child (`false`) or a descendant (`true`, `//`).
#[derive(Debug, Clone)]
pub(crate) struct PathPattern {
    pub start: PatternStart,
    pub steps: Vec<(bool, Step)>,
}

impl PathPattern {
    /// XSLT 1.0, 5.5: the default priority of a template with this pattern.
    pub fn default_priority(&self) -> f64 {
        if !matches!(self.start, PatternStart::Anywhere) || self.steps.len() != 1 {
            return 0.5;
        }
        let (desc, step) = &self.steps[0];
        if *desc || !step.preds.is_empty() {
            return 0.5;
        }
        match &step.test {
            NodeTest::Name(_) | NodeTest::Pi(Some(_)) => 0.0,
            NodeTest::AnyIn(_) => -0.25,
            _ => -0.5,
        }
    }
}

/// Parses an XSLT pattern into its alternatives.
pub(crate) fn parse_pattern(text: &str, ns: Resolver<'_>) -> Result<Vec<PathPattern>, String> {
    let e = parse(text, ns)?;
    let mut out = Vec::new();
    pattern_alternatives(e, &mut out)?;
    Ok(out)
}

fn pattern_alternatives(e: Expr, out: &mut Vec<PathPattern>) -> Result<(), String> {
    match e {
        Expr::Union(a, b) => {
            pattern_alternatives(*a, out)?;
            pattern_alternatives(*b, out)
        }
        Expr::Path(absolute, steps) => {
            let start = if absolute {
                PatternStart::Root
            } else {
                PatternStart::Anywhere
            };
            out.push(PathPattern {
                start,
                steps: pattern_steps(steps)?,
            });
            Ok(())
        }
        Expr::Call(ref name, _, ref args)
            if name.uri.is_empty() && matches!(&*name.local, "key" | "id") =>
        {
            if args
                .iter()
                .any(|a| !matches!(a, Expr::Literal(_) | Expr::Var(_)))
            {
                return Err(format!("{}() in a pattern takes literals", name.local));
            }
            out.push(PathPattern {
                start: PatternStart::Call(e),
                steps: Vec::new(),
            });
            Ok(())
        }
        Expr::Filter(primary, preds, steps) if preds.is_empty() => {
            let mut alt = Vec::new();
            pattern_alternatives(*primary, &mut alt)?;
            match alt.pop() {
                Some(PathPattern {
                    start: start @ PatternStart::Call(_),
                    ..
                }) => {
                    out.push(PathPattern {
                        start,
                        steps: pattern_steps(steps)?,
                    });
                    Ok(())
                }
                _ => Err("this is not a pattern".into()),
            }
        }
        _ => Err("this is not a pattern".into()),
    }
}

fn pattern_steps(steps: Vec<Step>) -> Result<Vec<(bool, Step)>, String> {
    let mut out = Vec::new();
    let mut desc = false;
    for s in steps {
        if s.axis == Axis::DescendantOrSelf && s.test == NodeTest::Node && s.preds.is_empty() {
            desc = true;
            continue;
        }
        if !matches!(s.axis, Axis::Child | Axis::Attribute) {
            return Err("a pattern uses only the child and attribute axes".into());
        }
        out.push((desc, s));
        desc = false;
    }
    if desc {
        return Err("a pattern cannot end with '//'".into());
    }
    Ok(out)
}

/// Whether a predicate needs the node's position among its siblings: it may give a number,
/// or it asks `position()` or `last()`.
pub(crate) fn positional(e: &Expr) -> bool {
    match e {
        Expr::Number(_) | Expr::Neg(_) | Expr::Var(_) => true,
        Expr::Binary(op, a, b) => {
            matches!(op, Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Mod)
                || uses_position(a)
                || uses_position(b)
        }
        Expr::Call(name, _, args) => {
            (name.uri.is_empty()
                && matches!(
                    &*name.local,
                    "last"
                        | "position"
                        | "count"
                        | "sum"
                        | "number"
                        | "floor"
                        | "ceiling"
                        | "round"
                        | "string-length"
                ))
                || !name.uri.is_empty()
                || args.iter().any(uses_position)
        }
        Expr::Filter(p, _, _) => positional(p),
        _ => false,
    }
}

fn uses_position(e: &Expr) -> bool {
    match e {
        Expr::Call(name, _, args) => {
            (name.uri.is_empty() && matches!(&*name.local, "last" | "position"))
                || args.iter().any(uses_position)
        }
        Expr::Binary(_, a, b) | Expr::Union(a, b) => uses_position(a) || uses_position(b),
        Expr::Neg(a) => uses_position(a),
        Expr::Filter(p, _, _) => uses_position(p),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ns(p: &str) -> Option<Rc<str>> {
        match p {
            "" => Some(Rc::from("")),
            "wix" => Some(Rc::from("urn:wix")),
            _ => None,
        }
    }

    #[test]
    fn parses_the_usual_expressions() {
        for e in [
            "@*|node()",
            "wix:Component[key('pdb', @Id)]",
            "substring(translate(wix:File/@Source, 'PDB', 'pdb'), string-length(wix:File/@Source) - 3) = '.pdb'",
            "count(//wix:File) > 100",
            "not($skip[substring($s, string-length($s) - string-length(.) + 1) = .])",
            "../@Id | preceding-sibling::*[1]",
            "2*3 div 4 mod 5",
            "-1",
            "$a/b[1]//c",
            "/",
        ] {
            parse(e, &ns).unwrap_or_else(|err| panic!("{e}: {err}"));
        }
    }

    #[test]
    fn refuses_the_broken_ones() {
        for e in ["@*|node()[", "a b", "foo(", "x:y", "unknown()", "'open"] {
            assert!(parse(e, &ns).is_err(), "{e}");
        }
    }

    #[test]
    fn patterns_and_priorities() {
        let p = parse_pattern("@*|node()", &ns).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].default_priority(), -0.5);
        let p = parse_pattern("wix:Component", &ns).unwrap();
        assert_eq!(p[0].default_priority(), 0.0);
        let p = parse_pattern("wix:*", &ns).unwrap();
        assert_eq!(p[0].default_priority(), -0.25);
        let p = parse_pattern("wix:Component[@Id]", &ns).unwrap();
        assert_eq!(p[0].default_priority(), 0.5);
        assert!(parse_pattern("ancestor::x", &ns).is_err());
        assert!(parse_pattern("key('k', 'v')//x", &ns).is_ok());
    }
}
