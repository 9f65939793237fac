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
//! up the [`MyDirHarvester`], which walks the folder with [`heat::walk`], makes heat's ids with
//! [`Context::ids`] and builds the [`Document`].
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
//! let report = Heat::new().with_extension(MyDirExtension).run(&args).unwrap();
//! assert_eq!(report.files, 1);
//! ```

#![deny(missing_docs)]

use std::path::Path;

use heat::error::{codes, Error};
use heat::extension::{Context, Extension, HarvestType, Harvester, OptionSpec, Options, Setup};
use heat::harvest::{place_root, root_directory_id};
use heat::model::{Document, NodeId};
use heat::standard::walk_options;
use heat::walk::{walk, Folder, WalkOptions};
use heat::Result;

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
        vec![OptionSpec::value(
            "omit",
            "<pattern>",
            "mydir: leave out files and folders whose name matches (* and ?, any case; repeatable)",
        )]
    }

    fn configure(
        &self,
        _cx: &mut Context,
        harvest_type: &str,
        options: &Options,
        setup: &mut Setup,
    ) -> Result<()> {
        let omit = options
            .values("omit")
            .map(Pattern::new)
            .collect::<Result<Vec<_>>>()?;
        if harvest_type != "mydir" {
            if omit.is_empty() {
                return Ok(());
            }
            return Err(Error::new(
                codes::COMMAND_LINE,
                format!("-omit is an option of the harvest type 'mydir', not of '{harvest_type}'."),
            ));
        }
        // heat's own options that shape a folder harvest; the standard extension reads them
        // for `dir`, and every extension sees every option.
        setup.set_harvester(Box::new(MyDirHarvester {
            directory_ref: options.value("dr").unwrap_or("TARGETDIR").to_owned(),
            suppress_root: options.flag("srd"),
            keep_empty: options.flag("ke"),
            unique_ids: !options.flag("suid"),
            walk: walk_options(options)?,
            omit,
        }));
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
#[derive(Debug, Clone)]
pub struct MyDirHarvester {
    /// `-dr`: the directory the harvest is rooted under.
    pub directory_ref: String,
    /// `-srd`: leave the harvested folder itself out; its id still seeds its children's.
    pub suppress_root: bool,
    /// `-ke`: keep folders left empty, each with a `CreateFolder` component.
    pub keep_empty: bool,
    /// Write ids (`-suid` turns this off; heat's main mutator then makes readable ones).
    pub unique_ids: bool,
    /// `-omit`: names to leave out.
    pub omit: Vec<Pattern>,
    /// How the folder is walked: heat's `-followlinks` and `-skip`.
    pub walk: WalkOptions,
}

impl Default for MyDirHarvester {
    fn default() -> Self {
        MyDirHarvester {
            directory_ref: "TARGETDIR".to_owned(),
            suppress_root: false,
            keep_empty: false,
            unique_ids: true,
            omit: Vec::new(),
            walk: WalkOptions::default(),
        }
    }
}

impl Harvester for MyDirHarvester {
    fn name(&self) -> &str {
        "mydir"
    }

    fn harvest(&self, cx: &mut Context, source: &str) -> Result<Document> {
        let root = Path::new(source);
        let tree = walk(root, &self.walk, &mut cx.messages)?;
        let dr = self.directory_ref.as_str();
        let root_id = root_directory_id(cx.ids, dr, &tree.name, self.suppress_root);

        let mut doc = Document::new(cx.schema);
        let root_el = doc.create("Directory");
        self.directory(&mut doc, root_el, &root_id, &tree);
        let mut source_path = String::new();
        let files = self.fill(cx, &mut doc, &tree, root_el, &root_id, &mut source_path);
        if files == 0 && !self.keep_empty {
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
        place_root(&mut doc, root_el, dr, self.suppress_root);
        Ok(doc)
    }
}

impl MyDirHarvester {
    fn omitted(&self, name: &str) -> bool {
        self.omit.iter().any(|p| p.matches(name))
    }

    /// Sets a `Directory` element's attributes as heat's harvester does. `FileSource` marks
    /// the folder as harvested: heat's finalizing mutator removes it and moves the folder after
    /// the components beside it.
    fn directory(&self, doc: &mut Document, el: NodeId, id: &str, folder: &Folder) {
        if self.unique_ids {
            doc.set_attr(el, "Id", id);
        }
        doc.set_attr(el, "Name", &folder.name);
        let path = std::path::absolute(&folder.path).unwrap_or_else(|_| folder.path.clone());
        doc.set_attr(el, "FileSource", path.to_string_lossy());
    }

    /// Fills `el` with what `folder` holds; returns the number of files harvested below it.
    fn fill(
        &self,
        cx: &Context,
        doc: &mut Document,
        folder: &Folder,
        el: NodeId,
        id: &str,
        source_path: &mut String,
    ) -> usize {
        let mut files = 0;
        for sub in folder.folders.iter().filter(|f| !self.omitted(&f.name)) {
            let sub_id = cx.ids.generate("dir", &[id, &sub.name]);
            let sub_el = doc.create("Directory");
            self.directory(doc, sub_el, &sub_id, sub);
            let len = source_path.len();
            source_path.push_str(&sub.name);
            source_path.push('\\');
            let below = self.fill(cx, doc, sub, sub_el, &sub_id, source_path);
            source_path.truncate(len);
            if below > 0 || self.keep_empty {
                doc.append(el, sub_el);
            }
            files += below;
        }
        for name in folder.files.iter().filter(|n| !self.omitted(n)) {
            let component = doc.create_child(el, "Component");
            let file = doc.create_child(component, "File");
            if self.unique_ids {
                let file_id = cx.ids.generate("fil", &[id, name]);
                doc.set_attr(component, "Id", cx.ids.generate("cmp", &[id, &file_id]));
                doc.set_attr(file, "Id", file_id);
            }
            doc.set_attr(file, "KeyPath", "yes");
            doc.set_attr(file, "Source", format!("SourceDir\\{source_path}{name}"));
            files += 1;
        }
        if files == 0 && self.keep_empty {
            let component = doc.create_child(el, "Component");
            if self.unique_ids {
                doc.set_attr(component, "Id", cx.ids.generate("cmp", &[id]));
            }
            doc.set_attr(component, "KeyPath", "yes");
            doc.create_child(component, "CreateFolder");
        }
        files
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
