//! An example heat extension, after the custom harvester of heat's documentation: a harvest
//! type of its own, `mydir`, with an option of its own, `-omit`.
//!
//! `heat-mydir mydir <folder> -omit <pattern>` harvests a folder as `heat dir` does, leaving out
//! every file and folder whose name matches one of the `-omit` patterns (`*.pdb`, `obj`,
//! `~*`). What it keeps gets exactly the ids `heat dir` would give it, so switching a build
//! from `dir` to `mydir` changes nothing but the files left out. heat's other options (`-cg`,
//! `-gg`, `-var`, `-template`, …) work as they do for `dir`, because heat's standard mutators
//! run after every harvester; `-dr`, `-srd`, `-ke`, `-suid`, `-followlinks` and `-skip` are read
//! here too.
//!
//! It uses only heat's public API: the [`Extension`] declares the type and the option and sets
//! up the [`MyDirHarvester`], which walks the folder with [`heat::harvest::walk`] and builds
//! heat's tree with [`HeatTree`], which gives every folder and file heat's own ids.
//!
//! ```
//! use heat::Heat;
//! use heat_mydir::MyDirExtension;
//! # let tmp = tempfile::tempdir().unwrap();
//! # let src = tmp.path().join("App");
//! # std::fs::create_dir(&src).unwrap();
//! # std::fs::write(src.join("app.exe"), "a").unwrap();
//! # std::fs::write(src.join("app.pdb"), "a").unwrap();
//! # let out = tmp.path().join("app.wxs");
//! # let (src, out) = (src.to_str().unwrap(), out.to_str().unwrap());
//! let args = ["mydir", src, "-omit", "*.pdb", "-o", out].map(String::from);
//! let outcome = Heat::new().with_extension(MyDirExtension).run(&args).unwrap();
//! let heat::Outcome::Harvest(report) = outcome else { unreachable!() };
//! assert_eq!(report.files, 1);
//! ```

#![deny(missing_docs)]

use std::path::Path;

use heat::error::{codes, Error};
use heat::extension::{
    Configure, Context, Extension, HarvestType, Harvester, HeatTree, OptionSpec, Parameter,
};
use heat::harvest::walk::{walk, Folder, WalkOptions};
use heat::harvest::{FolderRef, TreeShape};
use heat::{Document, Result};

/// `-omit <pattern>`, repeatable.
const OMIT: Parameter = Parameter::text(
    "omit",
    "<pattern>",
    "mydir: leave out files and folders whose name matches (* and ?, any case; repeatable)",
);

/// The extension: the `mydir` harvest type and the `-omit` option.
#[derive(Debug, Default, Clone, Copy)]
pub struct MyDirExtension;

impl Extension for MyDirExtension {
    fn name(&self) -> &str {
        "mydir"
    }

    fn harvest_types(&self) -> Vec<HarvestType> {
        vec![HarvestType::new(
            "mydir",
            "harvest a directory, leaving out what -omit names",
        )]
    }

    fn options(&self) -> Vec<OptionSpec> {
        vec![OMIT.into()]
    }

    fn configure(&self, run: &mut Configure<'_>) -> Result<()> {
        let omit = run
            .options()
            .values(&OMIT)
            .map(Pattern::new)
            .collect::<Result<Vec<_>>>()?;
        if run.harvest_type() != "mydir" {
            if omit.is_empty() {
                return Ok(());
            }
            return Err(Error::new(
                codes::COMMAND_LINE,
                format!(
                    "-omit is an option of the harvest type 'mydir', not of '{}'.",
                    run.harvest_type()
                ),
            ));
        }
        // heat's own options that shape a folder harvest (-dr, -srd, -ke, -suid) and walk it
        // (-followlinks, -skip, -include, -exclude), read once for every extension.
        let standard = run.standard();
        let harvester = MyDirHarvester {
            shape: standard.shape.clone(),
            walk: standard.walk.clone(),
            omit,
        };
        run.set_harvester(harvester);
        Ok(())
    }
}

/// An `-omit` pattern: `*` matches any run of characters, `?` any one character, and case does
/// not matter (as on Windows, where the package installs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    text: String,
    folded: Vec<char>,
}

impl Pattern {
    /// A pattern for names (not paths): empty patterns and patterns with `/` or `\` are errors.
    pub fn new(text: &str) -> Result<Pattern> {
        if text.is_empty() || text.contains(['/', '\\']) {
            return Err(Error::new(
                codes::COMMAND_LINE,
                format!(
                    "-omit '{text}': give a file or folder name, with * and ? as wildcards \
                     (no path)."
                ),
            ));
        }
        Ok(Pattern {
            text: text.to_owned(),
            folded: fold(text),
        })
    }

    /// The pattern as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether `name` matches, ignoring case.
    pub fn matches(&self, name: &str) -> bool {
        let name = fold(name);
        let (p, n) = (&self.folded, &name);
        // Classic wildcard matching: on a mismatch, let the last `*` swallow one more
        // character and try again from there.
        let (mut i, mut j) = (0, 0);
        let mut star: Option<(usize, usize)> = None;
        while j < n.len() {
            if i < p.len() && (p[i] == '?' || p[i] == n[j]) {
                i += 1;
                j += 1;
            } else if i < p.len() && p[i] == '*' {
                star = Some((i, j));
                i += 1;
            } else if let Some((si, sj)) = star {
                i = si + 1;
                j = sj + 1;
                star = Some((si, sj + 1));
            } else {
                return false;
            }
        }
        p[i..].iter().all(|c| *c == '*')
    }
}

fn fold(s: &str) -> Vec<char> {
    s.chars().flat_map(char::to_lowercase).collect()
}

/// Harvests a folder as heat's `dir` does (same elements, same ids), leaving out the files and
/// folders whose names match [`omit`](Self::omit).
#[derive(Debug, Clone, Default)]
pub struct MyDirHarvester {
    /// `-dr`, `-srd`, `-ke` and `-suid`.
    pub shape: TreeShape,
    /// How the folder is walked: heat's `-followlinks`, `-skip`, `-include` and `-exclude`.
    pub walk: WalkOptions,
    /// `-omit`: names to leave out.
    pub omit: Vec<Pattern>,
}

impl Harvester for MyDirHarvester {
    fn name(&self) -> &str {
        "mydir"
    }

    fn harvest(&mut self, cx: &mut Context, source: &str) -> Result<Document> {
        let root = Path::new(source);
        let walked = walk(root, &self.walk, cx)?;
        let mut tree = HeatTree::new(cx, &self.shape);
        let top = tree.root(&walked.name, Some(&walked.path));
        self.fill(&mut tree, &walked, top);
        let files = tree.finish_folder(top);
        if files == 0 && !self.shape.keep_empty {
            return Err(Error::at(
                codes::EMPTY_DIRECTORY,
                root,
                format!(
                    "Nothing to harvest in '{}': it holds no files{}.",
                    root.display(),
                    if self.omit.is_empty() {
                        ""
                    } else {
                        " that -omit leaves in"
                    }
                ),
            ));
        }
        Ok(tree.finish())
    }
}

impl MyDirHarvester {
    fn omitted(&self, name: &str) -> bool {
        self.omit.iter().any(|p| p.matches(name))
    }

    /// Fills `el` with what `folder` holds, as heat does: its files first, then each
    /// sub-folder, finished once it is filled.
    fn fill(&self, tree: &mut HeatTree, folder: &Folder, el: FolderRef) {
        for name in folder.files.iter().filter(|n| !self.omitted(n)) {
            tree.file(el, name);
        }
        for sub in folder.folders.iter().filter(|f| !self.omitted(&f.name)) {
            let sub_el = tree.folder(el, &sub.name, Some(&sub.path));
            self.fill(tree, sub, sub_el);
            tree.finish_folder(sub_el);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        let p = |s: &str| Pattern::new(s).unwrap();
        assert!(p("*.pdb").matches("App.PDB"));
        assert!(!p("*.pdb").matches("app.pdb.txt"));
        assert!(p("a*b*c").matches("aXbYbZc"));
        assert!(!p("a*b*c").matches("aXbYbZ"));
        assert!(p("?bj").matches("obj"));
        assert!(!p("?bj").matches("bj"));
        assert!(p("*").matches(""));
        assert!(p("ÄPFEL*").matches("äpfel.txt"));
        assert!(!p("obj").matches("object"));
    }

    #[test]
    fn names_only() {
        for bad in ["", "bin/obj", r"bin\obj"] {
            let err = Pattern::new(bad).unwrap_err();
            assert_eq!(err.code(), codes::COMMAND_LINE);
            assert!(
                err.message().contains(&format!("'{bad}'")),
                "{}",
                err.message()
            );
        }
    }
}
