//! `-include` and `-exclude`: glob patterns that decide which files and folders the walk
//! takes, matched against the path below the harvested folder with `/` between names.
//!
//! - `*` and `?` stay inside one name; `**` spans any number of folders (`**/*.pdb` is every
//!   `.pdb` at any depth, the top folder included); `{a,b}` is either; `[abc]`, `[a-z]` and
//!   `[!a]` are one character of (or not of) a set.
//! - A `\` in a pattern is a path separator, as in WiX's own `Files` patterns, so patterns
//!   written for Windows work unchanged; `[*]` matches a literal `*`. A name that starts with
//!   `**` is read as WiX reads it: `**.pdb` is `**/*.pdb`.
//! - Matching ignores case by default, as Windows does; [`PathFilter::new`] takes a switch
//!   for case-sensitive matching (`-globcase`).
//! - A folder matched by an exclude pattern, or by the part before a trailing `/**` of one
//!   (`**/obj/**` leaves out every `obj` folder), is not walked at all.
//! - With include patterns, a file is kept only when one of them matches it; folders are
//!   still walked (a pattern can match at any depth), and a folder left with nothing once
//!   files are filtered out is left out too, while a folder that is empty on disk stays
//!   for `-ke`.
//!
//! Filtering only leaves entries out: the ids of the rest depend on their own names and
//! parents, so they do not change.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::error::{codes, Error, Result};

/// Which files and folders of a walk are harvested.
#[derive(Debug, Clone, Default)]
pub struct PathFilter {
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
    exclude_folders: Option<GlobSet>,
}

/// Turns a pattern as typed into the form matched: `/` separators, no leading `./` or `/`,
/// no trailing `/`, and a name that starts with `**` (WiX's `**.pdb`) read as `**/*.pdb`.
fn normalize(pattern: &str) -> String {
    let mut p = pattern.replace('\\', "/");
    while let Some(rest) = p.strip_prefix("./") {
        p = rest.to_owned();
    }
    p.trim_start_matches('/')
        .trim_end_matches('/')
        .split('/')
        .map(|name| match name.strip_prefix("**") {
            Some(rest) if !rest.is_empty() => format!("**/*{}", rest.trim_start_matches('*')),
            _ => name.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn compile(
    option: &str,
    typed: &str,
    pattern: &str,
    case_sensitive: bool,
) -> Result<globset::Glob> {
    if pattern.is_empty() {
        return Err(Error::new(
            codes::GLOB_INVALID,
            format!("The -{option} pattern '{typed}' is empty; give a glob such as **/*.pdb."),
        ));
    }
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(false)
        .case_insensitive(!case_sensitive)
        .empty_alternates(true)
        .build()
        .map_err(|e| {
            Error::new(
                codes::GLOB_INVALID,
                format!(
                    "The -{option} pattern '{typed}' is not a valid glob: {}.",
                    e.kind()
                ),
            )
        })
}

fn build(builder: GlobSetBuilder, count: usize) -> Result<Option<GlobSet>> {
    if count == 0 {
        return Ok(None);
    }
    builder.build().map(Some).map_err(|e| {
        Error::new(
            codes::GLOB_INVALID,
            format!("The patterns cannot be combined: {e}."),
        )
    })
}

impl PathFilter {
    /// A filter from `-include` and `-exclude` patterns. An invalid pattern is an error
    /// naming it.
    ///
    /// ```
    /// let f = heat::harvest::filter::PathFilter::new(["**/*.dll"], ["**/obj/**"], false).unwrap();
    /// assert!(f.keeps_file("bin/Core.DLL"));
    /// assert!(!f.keeps_file("bin/core.pdb"));
    /// assert!(f.skips_folder("src/obj"));
    /// ```
    pub fn new<I, E>(include: I, exclude: E, case_sensitive: bool) -> Result<PathFilter>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
        E: IntoIterator,
        E::Item: AsRef<str>,
    {
        let mut inc = GlobSetBuilder::new();
        let mut inc_count = 0;
        for typed in include {
            let typed = typed.as_ref();
            inc.add(compile(
                "include",
                typed,
                &normalize(typed),
                case_sensitive,
            )?);
            inc_count += 1;
        }
        let mut exc = GlobSetBuilder::new();
        let mut folders = GlobSetBuilder::new();
        let mut exc_count = 0;
        for typed in exclude {
            let typed = typed.as_ref();
            let pattern = normalize(typed);
            let glob = compile("exclude", typed, &pattern, case_sensitive)?;
            exc.add(glob.clone());
            folders.add(glob);
            // "x/**" excludes everything below x: then x itself need not be walked.
            if let Some(prefix) = pattern.strip_suffix("/**").filter(|p| !p.is_empty()) {
                folders.add(compile("exclude", typed, prefix, case_sensitive)?);
            }
            exc_count += 1;
        }
        Ok(PathFilter {
            include: build(inc, inc_count)?,
            exclude: build(exc, exc_count)?,
            exclude_folders: build(folders, exc_count)?,
        })
    }

    /// Whether the filter lets everything through.
    pub fn is_empty(&self) -> bool {
        self.include.is_none() && self.exclude.is_none()
    }

    /// Whether the folder at `rel` (below the harvested folder, `/` separators) is left out,
    /// with everything in it.
    pub fn skips_folder(&self, rel: &str) -> bool {
        self.exclude_folders
            .as_ref()
            .is_some_and(|set| set.is_match(rel))
    }

    /// Whether the file at `rel` (below the harvested folder, `/` separators) is harvested.
    pub fn keeps_file(&self, rel: &str) -> bool {
        if self.exclude.as_ref().is_some_and(|set| set.is_match(rel)) {
            return false;
        }
        self.include.as_ref().is_none_or(|set| set.is_match(rel))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(include: &[&str], exclude: &[&str]) -> PathFilter {
        PathFilter::new(include, exclude, false).unwrap()
    }

    #[test]
    fn star_stays_in_one_folder_and_double_star_spans_them() {
        let f = filter(&[], &["*.pdb"]);
        assert!(!f.keeps_file("a.pdb"));
        assert!(f.keeps_file("bin/a.pdb"));
        let f = filter(&[], &["**/*.pdb"]);
        assert!(!f.keeps_file("a.pdb"));
        assert!(!f.keeps_file("bin/x/a.pdb"));
        assert!(f.keeps_file("bin/x/a.pdbx"));
    }

    #[test]
    fn case_is_ignored_unless_asked() {
        assert!(!filter(&[], &["**/*.PDB"]).keeps_file("x/a.pdb"));
        let strict = PathFilter::new(&[] as &[&str], &["**/*.PDB"], true).unwrap();
        assert!(strict.keeps_file("x/a.pdb"));
        assert!(!strict.keeps_file("x/a.PDB"));
    }

    #[test]
    fn alternatives_classes_and_question_marks() {
        let f = filter(&["**/*.{dll,exe}", "doc?/[a-c]*.txt"], &[]);
        assert!(f.keeps_file("x/y.dll"));
        assert!(f.keeps_file("y.EXE"));
        assert!(!f.keeps_file("y.pdb"));
        assert!(f.keeps_file("docs/b.txt"));
        assert!(!f.keeps_file("docs/d.txt"));
        assert!(!f.keeps_file("documents/b.txt"));
        let f = filter(&["[!a]*"], &[]);
        assert!(f.keeps_file("b"));
        assert!(!f.keeps_file("a"));
    }

    #[test]
    fn wix_double_star_names() {
        // WiX's Files patterns write "every .pdb below" as **.pdb.
        let f = filter(&[], &["**.pdb", "bin\\**.xml"]);
        assert!(!f.keeps_file("a.pdb"));
        assert!(!f.keeps_file("x/y/a.pdb"));
        assert!(!f.keeps_file("bin/x/a.xml"));
        assert!(f.keeps_file("doc/a.xml"));
    }

    #[test]
    fn folders_and_windows_separators() {
        let f = filter(&[], &["**\\obj\\**", "docs", "./cache/"]);
        assert!(f.skips_folder("obj"));
        assert!(f.skips_folder("src/OBJ"));
        assert!(f.skips_folder("docs"));
        assert!(f.skips_folder("cache"));
        assert!(!f.skips_folder("src/docs"));
        assert!(!f.keeps_file("src/obj/a.o"));
        // An include pattern never skips a folder: files below may still match.
        assert!(!filter(&["**/*.dll"], &[]).skips_folder("bin"));
    }

    #[test]
    fn includes_and_excludes_together() {
        let f = filter(&["**/*.dll"], &["**/test*"]);
        assert!(f.keeps_file("bin/a.dll"));
        assert!(!f.keeps_file("bin/test.dll"));
        assert!(!f.keeps_file("bin/a.pdb"));
        assert!(filter(&[], &[]).is_empty());
    }

    #[test]
    fn invalid_patterns_are_named() {
        for bad in ["**/*.{dll", "[a-", ""] {
            let err = PathFilter::new(&[] as &[&str], &[bad], false).unwrap_err();
            assert_eq!(err.code(), codes::GLOB_INVALID);
            assert!(
                err.message().contains(&format!("'{bad}'")),
                "{}",
                err.message()
            );
            assert!(err.message().contains("-exclude"));
        }
        let err = PathFilter::new(&["a[b"], &[] as &[&str], false).unwrap_err();
        assert!(err.message().contains("-include pattern 'a[b'"));
    }
}
