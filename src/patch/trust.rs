//! Whether a `.wxs` file can be trusted as a harvest: no two components, files or folders
//! with one id, no two components with one GUID, every id a WiX identifier and every GUID a
//! GUID. `-update` refuses a previous harvest that breaks any of these (it would hand the same
//! id or GUID to two files), and `heat check` reports them.
//!
//! The checks are made while a [`Snapshot`](super::snapshot::Snapshot) is built, element by
//! element, with the ids and GUIDs it holds already; duplicates are found once the elements are
//! in, by sorting the fingerprints of the ids and the GUIDs' values (an id is compared as
//! [`atoms`](super::atoms) hold it), the file's position kept for each file meanwhile. What is wrong
//! is kept as a [`Problem`], its place in the file given in bytes and told as a line once the
//! file is read ([`add_lines`]), only when there is a problem.
//!
//! As WiX reads them:
//!
//! - an identifier is `[A-Za-z_][A-Za-z0-9_.]*` (WiX v3's `Common.IsIdentifier`; one longer
//!   than 72 characters is only a warning there, and is accepted here); an id holding a
//!   preprocessor reference (`$(var.X)`) is not told until the preprocessor runs, and is taken
//!   as it is; a bind-time reference (`!(loc.X)`) is not an identifier;
//! - a component's GUID may be empty, `*`, heat's placeholder `PUT-GUID-HERE`, a localization
//!   or WiX variable (`!(loc.X)`, `$(loc.X)`, `!(wix.X)`) or a preprocessor reference, or a GUID:
//!   32 hexadecimal digits, hyphenated 8-4-4-4-12 or not, in braces or parentheses or not, in
//!   any case; only GUIDs themselves are compared, case and braces aside;
//! - a `DirectoryRef` is a reference: its id may be a `Directory`'s, however often; two
//!   `Directory` elements with one id are two definitions;
//! - a `DirectoryRef`, `StandardDirectory` or `ComponentRef` needs an `Id`, and so does a
//!   `Directory` in WiX v3 (v4 makes one); a component or file may have none.

use std::io::Read;
use std::path::Path;

use super::atoms::{Guid, GuidForm, Id, Texts};
use super::snapshot::{Snapshot, NONE};
use crate::error::{Error, Result};

/// At most this many problems of one file are kept; the others are counted.
const MAX_PROBLEMS: usize = 1000;

/// What is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flaw {
    /// A second element of this kind (`Component`, `File`, `Directory`) with an id already
    /// defined.
    DuplicateId(&'static str),
    /// A second component with a GUID already given.
    DuplicateGuid,
    /// An `Id` of this element that is not a WiX identifier.
    InvalidId(&'static str),
    /// A component's `Guid` that is not a GUID.
    InvalidGuid,
    /// An element of this kind without the `Id` WiX requires of it (a `DirectoryRef`, a
    /// `ComponentRef`, a WiX v3 `Directory`).
    MissingId(&'static str),
}

/// One thing wrong with a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub flaw: Flaw,
    /// The id or GUID, as written.
    pub value: String,
    /// The component concerned (the one with the id or GUID, or holding the file), or
    /// [`NONE`].
    pub comp: u32,
    /// The element: its position in the file in bytes, or its node in a document.
    pub at: u64,
    /// For a duplicate, the element that came first.
    pub first: Option<u64>,
    /// The lines of `at` and `first`, once told ([`add_lines`]).
    pub line: Option<u64>,
    pub first_line: Option<u64>,
}

impl Problem {
    /// What is wrong, in a sentence without a capital or a full stop:
    /// `line 7: the Component id 'C1' is defined twice (first on line 3)`.
    pub(crate) fn describe(&self) -> String {
        match self.line {
            Some(l) => format!("line {l}: {}", self.what()),
            None => self.what(),
        }
    }

    /// What is wrong, without the line: `the Component id 'C1' is defined twice (first on
    /// line 3)`.
    pub(crate) fn what(&self) -> String {
        let first = match self.first_line {
            Some(l) => format!(" (first on line {l})"),
            None => String::new(),
        };
        let what = match self.flaw {
            Flaw::DuplicateId(element) => {
                format!("the {element} id '{}' is defined twice{first}", self.value)
            }
            Flaw::DuplicateGuid => format!(
                "the GUID '{}' is given to two components{first}",
                self.value
            ),
            Flaw::InvalidId(element) => format!(
                "the {element} id '{}' is not a WiX identifier ([A-Za-z_][A-Za-z0-9_.]*)",
                self.value
            ),
            Flaw::InvalidGuid => format!("the Component Guid '{}' is not a GUID", self.value),
            Flaw::MissingId(element) => format!("a {element} has no Id, which WiX requires"),
        };
        what
    }
}

/// Whether `id` is an identifier as WiX reads one (see the [module](self)).
pub(crate) fn is_identifier(id: &str) -> bool {
    // Each byte's class: 2 may start an identifier, 1 may follow, 0 neither.
    static CLASS: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut c = 0;
        while c < 256 {
            let b = c as u8;
            t[c] = if b.is_ascii_alphabetic() || b == b'_' {
                2
            } else if b.is_ascii_digit() || b == b'.' {
                1
            } else {
                0
            };
            c += 1;
        }
        t
    };
    let b = id.as_bytes();
    let ok = match b.split_first() {
        Some((&first, rest)) => {
            CLASS[usize::from(first)] == 2
                && rest
                    .iter()
                    .fold(1u8, |all, &c| all & (CLASS[usize::from(c)] != 0) as u8)
                    == 1
        }
        None => false,
    };
    ok || id.contains("$(")
}

/// What a component's GUID is, as WiX reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GuidValue {
    /// A GUID.
    Value(u128),
    /// None given yet: empty, `*`, heat's placeholder.
    Unset,
    /// Known only later: a variable or preprocessor reference.
    Later,
    /// Not a GUID.
    Invalid,
}

/// The GUID `g` is (see the [module](self)).
pub(crate) fn guid_value(g: &Guid, texts: &Texts) -> GuidValue {
    if let Some(v) = g.compact_value() {
        return GuidValue::Value(v);
    }
    match g.form(texts) {
        None => GuidValue::Unset,
        Some(GuidForm::Guid(u, ..)) => GuidValue::Value(u.as_u128()),
        Some(GuidForm::Text(t)) => guid_text_value(t),
    }
}

/// The GUID written `text` is.
pub(crate) fn guid_text_value(text: &str) -> GuidValue {
    let t = text.trim();
    let inner = if (t.starts_with('{') && t.ends_with('}')
        || t.starts_with('(') && t.ends_with(')'))
        && t.len() >= 2
    {
        &t[1..t.len() - 1]
    } else {
        t
    };
    if inner.is_empty() || inner == "*" || inner == "????????-????-????-????-????????????" {
        return GuidValue::Unset;
    }
    if is_placeholder(inner) {
        return GuidValue::Unset;
    }
    if ["!(loc", "$(loc", "!(wix"]
        .iter()
        .any(|p| inner.starts_with(p))
        || inner.contains("$(")
    {
        return GuidValue::Later;
    }
    let b = inner.as_bytes();
    let hyphenated = b.len() == 36 && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-');
    let digits: Vec<u8> = if hyphenated {
        b.iter().copied().filter(|&c| c != b'-').collect()
    } else {
        b.to_vec()
    };
    if digits.len() != 32 || !digits.iter().all(u8::is_ascii_hexdigit) {
        return GuidValue::Invalid;
    }
    let s = std::str::from_utf8(&digits).expect("ASCII");
    u128::from_str_radix(s, 16).map_or(GuidValue::Invalid, GuidValue::Value)
}

/// Whether `text` holds heat's placeholder, `PUT-GUID-HERE` or `PUT-GUID-<digits>-HERE`.
fn is_placeholder(text: &str) -> bool {
    let mut rest = text;
    while let Some(i) = rest.find("PUT-GUID-") {
        let after = &rest[i + "PUT-GUID-".len()..];
        if after.starts_with("HERE") {
            return true;
        }
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && after[digits..].starts_with("-HERE") {
            return true;
        }
        rest = &rest[i + 1..];
    }
    false
}

/// The checks of one file, while its snapshot is built: each element's id and GUID as it
/// comes; the duplicates once every element is in ([`Watch::finish`]), by sorting the
/// fingerprints the snapshot holds, which costs far less than a table of them grown element by
/// element.
#[derive(Debug, Default)]
pub(crate) struct Watch {
    /// Where each file is (its position or node), for the duplicates.
    file_at: Vec<u32>,
    /// The component of each file.
    file_comp: Vec<u32>,
    pub problems: Vec<Problem>,
    /// Problems beyond [`MAX_PROBLEMS`], counted only.
    pub more: usize,
}

fn guid_hash(v: u128) -> u64 {
    (v as u64) ^ ((v >> 64) as u64).rotate_left(17)
}

/// A duplicate found by [`duplicates`]: the later element and the first of its value.
#[derive(Debug, Clone, Copy)]
struct Twin {
    later: u32,
    first: u32,
}

/// The elements `0..n` whose key (`key`, a fingerprint; `None` for no value) is the same as an
/// earlier one's, confirmed with `same`: each with the first of its key.
fn duplicates(
    n: usize,
    key: impl Fn(u32) -> Option<u64>,
    same: impl Fn(u32, u32) -> bool,
    buf: &mut Vec<(u64, u32)>,
) -> Vec<Twin> {
    buf.clear();
    buf.extend((0..n as u32).filter_map(|i| key(i).map(|k| (k, i))));
    buf.sort_unstable();
    let mut out = Vec::new();
    for group in buf.chunk_by(|a, b| a.0 == b.0) {
        let first = group[0].1;
        for &(_, later) in &group[1..] {
            if same(first, later) {
                out.push(Twin { later, first });
            }
        }
    }
    out
}

impl Watch {
    /// Makes room for about `components` components and as many files.
    pub(crate) fn reserve(&mut self, components: usize) {
        self.file_at.reserve(components);
        self.file_comp.reserve(components);
    }

    fn add(&mut self, problem: Problem) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(problem);
        } else {
            self.more += 1;
        }
    }

    /// An `Id` of element `element`, as written, at `at` in component `comp` (or [`NONE`]).
    pub(crate) fn id_text(&mut self, element: &'static str, id: &str, comp: u32, at: u64) {
        if !is_identifier(id) {
            self.add(Problem {
                flaw: Flaw::InvalidId(element),
                value: id.to_owned(),
                comp,
                at,
                first: None,
                line: None,
                first_line: None,
            });
        }
    }

    /// An element of kind `element` at `at` without the `Id` WiX requires of it.
    pub(crate) fn missing_id(&mut self, element: &'static str, at: u64) {
        self.add(Problem {
            flaw: Flaw::MissingId(element),
            value: String::new(),
            comp: NONE,
            at,
            first: None,
            line: None,
            first_line: None,
        });
    }

    /// The `Id` of element `element` at `at` in component `comp` (or [`NONE`]), as held.
    pub(crate) fn id(&mut self, element: &'static str, id: &Id, texts: &Texts, comp: u32, at: u64) {
        if !id.is_identifier(texts) {
            let value = id.text(texts).unwrap_or_default();
            self.id_text(element, &value, comp, at);
        }
    }

    /// Component `c` of `s`, its id and GUID just taken in.
    pub(crate) fn component(&mut self, s: &Snapshot, c: u32) {
        let guid = s.comp_guids[c as usize];
        if guid_value(&guid, &s.texts) == GuidValue::Invalid {
            self.add(Problem {
                flaw: Flaw::InvalidGuid,
                value: guid.text(&s.texts).unwrap_or_default(),
                comp: c,
                at: u64::from(s.comps[c as usize].at),
                first: None,
                line: None,
                first_line: None,
            });
        }
    }

    /// A file of component `comp` at `at`, just taken in.
    pub(crate) fn file(&mut self, comp: u32, at: u32) {
        self.file_at.push(at);
        self.file_comp.push(comp);
    }

    /// A `Directory` with id `id` at `at`, whose id was first defined at `first`.
    pub(crate) fn duplicate_directory(&mut self, id: &str, at: u64, first: u64) {
        self.add(Problem {
            flaw: Flaw::DuplicateId("Directory"),
            value: id.to_owned(),
            comp: NONE,
            at,
            first: Some(first),
            line: None,
            first_line: None,
        });
    }

    /// Once every element of `s` is in: components and files of one id, components of one
    /// GUID. The problems, in document order, and how many more there are.
    pub(crate) fn finish(mut self, s: &Snapshot) -> (Vec<Problem>, usize) {
        let texts = &s.texts;
        let mut buf = Vec::new();
        let comp_at = |c: u32| u64::from(s.comps[c as usize].at);
        // (flaw, later, first, value, component) before they are spelled out.
        let mut found: Vec<(u64, Flaw, Twin)> = Vec::new();
        if s.comp_ids.len() == s.comps.len() {
            let ids = &s.comp_ids;
            for t in duplicates(
                ids.len(),
                |c| {
                    ids[c as usize]
                        .is_some()
                        .then(|| ids[c as usize].fingerprint(texts))
                },
                |a, b| ids[a as usize].same(texts, &ids[b as usize], texts),
                &mut buf,
            ) {
                found.push((comp_at(t.later), Flaw::DuplicateId("Component"), t));
            }
            let guids = &s.comp_guids;
            let value = |c: u32| match guid_value(&guids[c as usize], texts) {
                GuidValue::Value(v) => Some(v),
                _ => None,
            };
            for t in duplicates(
                guids.len(),
                |c| value(c).map(guid_hash),
                |a, b| value(a) == value(b),
                &mut buf,
            ) {
                found.push((comp_at(t.later), Flaw::DuplicateGuid, t));
            }
        }
        if s.file_ids.len() == self.file_at.len() {
            let ids = &s.file_ids;
            for t in duplicates(
                ids.len(),
                |f| {
                    ids[f as usize]
                        .is_some()
                        .then(|| ids[f as usize].fingerprint(texts))
                },
                |a, b| ids[a as usize].same(texts, &ids[b as usize], texts),
                &mut buf,
            ) {
                let at = u64::from(self.file_at[t.later as usize]);
                found.push((at, Flaw::DuplicateId("File"), t));
            }
        }
        drop(buf);
        found.sort_unstable_by_key(|f| f.0);
        let room = MAX_PROBLEMS.saturating_sub(self.problems.len());
        if found.len() > room {
            self.more += found.len() - room;
        }
        for (at, flaw, t) in found.into_iter().take(room) {
            let (value, comp, first) = match flaw {
                Flaw::DuplicateId("File") => (
                    s.file_ids[t.later as usize].text(texts),
                    self.file_comp[t.later as usize],
                    u64::from(self.file_at[t.first as usize]),
                ),
                Flaw::DuplicateGuid => (
                    s.comp_guids[t.later as usize].text(texts),
                    t.later,
                    comp_at(t.first),
                ),
                _ => (
                    s.comp_ids[t.later as usize].text(texts),
                    t.later,
                    comp_at(t.first),
                ),
            };
            self.problems.push(Problem {
                flaw,
                value: value.unwrap_or_default(),
                comp,
                at,
                first: Some(first),
                line: None,
                first_line: None,
            });
        }
        self.problems.sort_by_key(|p| p.at);
        (self.problems, self.more)
    }
}

/// Tells the lines of the problems of the file at `path`, from their positions in bytes
/// (after a byte-order mark): the file is read once more, only when there are problems.
pub(crate) fn add_lines(problems: &mut [Problem], path: &Path) -> Result<()> {
    if problems.is_empty() {
        return Ok(());
    }
    let mut wanted: Vec<u64> = problems
        .iter()
        .flat_map(|p| std::iter::once(p.at).chain(p.first))
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut lines = vec![0u64; wanted.len()];
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, "read", e))?;
    let mut buf = vec![0u8; 1 << 16];
    // Position (after the mark) of buf[0], lines before it, and the next position wanted.
    let mut offset: i64 = 0;
    let mut newlines = 0u64;
    let mut next = 0usize;
    let mut first = true;
    while next < wanted.len() {
        let n = file
            .read(&mut buf)
            .map_err(|e| Error::io(path, "read", e))?;
        if n == 0 {
            break;
        }
        let mut chunk = &buf[..n];
        if first {
            first = false;
            if chunk.starts_with(&[0xEF, 0xBB, 0xBF]) {
                chunk = &chunk[3..];
            }
        }
        let end = offset + chunk.len() as i64;
        let mut from = 0usize;
        while next < wanted.len() && (wanted[next] as i64) < end {
            let upto = (wanted[next] as i64 - offset) as usize;
            newlines += memchr::memchr_iter(b'\n', &chunk[from..upto]).count() as u64;
            from = upto;
            lines[next] = newlines + 1;
            next += 1;
        }
        newlines += memchr::memchr_iter(b'\n', &chunk[from..]).count() as u64;
        offset = end;
    }
    for l in &mut lines[next..] {
        *l = newlines + 1;
    }
    let line_of = |at: u64| lines[wanted.binary_search(&at).expect("wanted")];
    for p in problems {
        p.line = Some(line_of(p.at));
        p.first_line = p.first.map(line_of);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_as_wix_reads_them() {
        for ok in [
            "C1",
            "_a",
            "a.b_c",
            "filAbc.9",
            "$(var.Id)",
            "x$(var.N)",
            "A",
        ] {
            assert!(is_identifier(ok), "{ok}");
        }
        for bad in [
            "",
            "1 2",
            "1a",
            ".a",
            "a-b",
            "a b",
            "!(loc.X)",
            "[X]",
            "é",
            "a\u{212A}",
        ] {
            assert!(!is_identifier(bad), "{bad}");
        }
    }

    #[test]
    fn guids_as_wix_reads_them() {
        let v = 0x899E_BF97_E1AF_5414_8677_921B_16F2_B688u128;
        for g in [
            "{899EBF97-E1AF-5414-8677-921B16F2B688}",
            "899ebf97-e1af-5414-8677-921b16f2b688",
            "(899EBF97-E1AF-5414-8677-921B16F2B688)",
            "899EBF97E1AF54148677921B16F2B688",
            " {899ebf97-E1AF-5414-8677-921b16f2b688} ",
        ] {
            assert_eq!(guid_text_value(g), GuidValue::Value(v), "{g}");
        }
        for unset in [
            "",
            "*",
            "PUT-GUID-HERE",
            "{PUT-GUID-HERE}",
            "PUT-GUID-12-HERE",
        ] {
            assert_eq!(guid_text_value(unset), GuidValue::Unset, "{unset}");
        }
        for later in ["!(loc.G)", "$(var.G)", "!(wix.G)"] {
            assert_eq!(guid_text_value(later), GuidValue::Later, "{later}");
        }
        for bad in [
            "not-a-guid",
            "{899EBF97-E1AF-5414-8677-921B16F2B68}",
            "899EBF97-E1AF-5414-8677-921B16F2B688-",
            "899EBF97-E1AF5414-8677-921B16F2B6880",
            "{899EBF97-E1AF-5414-8677-921B16F2B688",
            "urn:uuid:899EBF97-E1AF-5414-8677-921B16F2B688",
            "+99EBF97E1AF54148677921B16F2B688",
        ] {
            assert_eq!(guid_text_value(bad), GuidValue::Invalid, "{bad}");
        }
    }

    #[test]
    fn lines_are_told_from_positions() {
        let dir = std::env::temp_dir().join(format!("heat-trust-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.wxs");
        let text = "\u{FEFF}<a>\n<b/>\n\n<c/>\n</a>";
        std::fs::write(&path, text).unwrap();
        let body = &text[3..];
        let pos = |s: &str| body.find(s).unwrap() as u64;
        let mut problems = vec![Problem {
            flaw: Flaw::DuplicateId("Component"),
            value: "C".into(),
            comp: NONE,
            at: pos("<c/>"),
            first: Some(pos("<b/>")),
            line: None,
            first_line: None,
        }];
        add_lines(&mut problems, &path).unwrap();
        assert_eq!(
            (problems[0].line, problems[0].first_line),
            (Some(4), Some(2))
        );
        assert_eq!(
            problems[0].describe(),
            "line 4: the Component id 'C' is defined twice (first on line 2)"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
