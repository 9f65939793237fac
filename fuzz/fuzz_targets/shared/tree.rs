//! A structure-aware generator of `.wxs` harvests for the fuzz targets of `-update` and
//! `heat check`: a small tree of `Directory`, `DirectoryRef`, `Component`, `File`,
//! `ComponentGroup` and `ComponentRef` elements whose ids, names and GUIDs come from small
//! pools, so that duplicates, collisions, case differences and invalid values happen often,
//! then a few raw-byte mutations of the text.

// Each target uses part of it.
#![allow(dead_code)]

use std::fmt::Write;

use arbitrary::Arbitrary;

/// Ids: valid ones that collide, standard directories, and ids WiX refuses.
const IDS: &[&str] = &[
    "A",
    "B",
    "a",
    "INSTALLFOLDER",
    "TARGETDIR",
    "ProgramFilesFolder",
    "dApp",
    "cmp1",
    "fil1",
    "x.y",
    "1 2",
    "",
    "!(loc.x)",
    "$(var.X)",
    "K",
    "\u{212A}",
];

/// Folder and file names: case and Unicode folds, escapes, separators, empty and `.`.
const NAMES: &[&str] = &[
    "a",
    "A",
    "b.txt",
    "B.TXT",
    "\u{212A}",
    "k",
    "stra\u{DF}e",
    "STRASSE",
    "sub",
    "$$x",
    "a\\b",
    "a/b",
    ".",
    "",
    "!!(wix.X)",
    "\u{E9}",
];

/// GUIDs: unset ones, one GUID in several spellings, another, and values that are not GUIDs.
const GUIDS: &[&str] = &[
    "*",
    "",
    "PUT-GUID-HERE",
    "{00000000-0000-4000-8000-000000000001}",
    "00000000-0000-4000-8000-000000000001",
    "{00000000-0000-4000-8000-00000000000a}",
    "0000000000004000800000000000000A",
    "(00000000-0000-4000-8000-000000000002)",
    "not-a-guid",
    "!(loc.G)",
    "{00000000-0000-4000-8000-00000000000",
];

/// Where an element's nesting stops: deeper children are left out.
const MAX_DEPTH: usize = 12;

/// An index into one of the pools.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct Pick(u8);

impl Pick {
    fn of(self, pool: &'static [&'static str]) -> &'static str {
        pool[usize::from(self.0) % pool.len()]
    }
}

/// A `File` of a component.
#[derive(Arbitrary, Debug)]
pub struct FileElement {
    id: Option<Pick>,
    name: Option<Pick>,
    source: Option<Pick>,
    key_path: bool,
}

/// An element of the tree.
#[derive(Arbitrary, Debug)]
pub enum Node {
    Directory {
        id: Option<Pick>,
        name: Option<Pick>,
        children: Vec<Node>,
    },
    DirectoryRef {
        id: Option<Pick>,
        standard: bool,
        children: Vec<Node>,
    },
    Component {
        id: Option<Pick>,
        guid: Option<Pick>,
        directory: Option<Pick>,
        key_path: bool,
        create_folder: bool,
        files: Vec<FileElement>,
    },
    ComponentGroup {
        id: Option<Pick>,
        directory: Option<Pick>,
        children: Vec<Node>,
    },
    ComponentRef {
        id: Option<Pick>,
    },
}

/// A raw change of the text, at a position taken modulo its length.
#[derive(Arbitrary, Debug)]
pub enum Mutation {
    Insert(u16, u8),
    Delete(u16),
    Replace(u16, u8),
}

/// A whole document: v3 or v4, its fragments, then raw changes.
#[derive(Arbitrary, Debug)]
pub struct Wxs {
    v3: bool,
    fragments: Vec<Vec<Node>>,
    mutations: Vec<Mutation>,
}

fn attr(out: &mut String, name: &str, value: Option<&str>) {
    if let Some(v) = value {
        let v = v
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('"', "&quot;");
        let _ = write!(out, " {name}=\"{v}\"");
    }
}

fn render(out: &mut String, node: &Node, depth: usize, v3: bool) {
    if depth > MAX_DEPTH {
        return;
    }
    let children = |out: &mut String, nodes: &[Node]| {
        for n in nodes {
            render(out, n, depth + 1, v3);
        }
    };
    match node {
        Node::Directory {
            id,
            name,
            children: c,
        } => {
            out.push_str("<Directory");
            attr(out, "Id", id.map(|p| p.of(IDS)));
            attr(out, "Name", name.map(|p| p.of(NAMES)));
            out.push('>');
            children(out, c);
            out.push_str("</Directory>\n");
        }
        Node::DirectoryRef {
            id,
            standard,
            children: c,
        } => {
            let element = if *standard && !v3 {
                "StandardDirectory"
            } else {
                "DirectoryRef"
            };
            let _ = write!(out, "<{element}");
            attr(out, "Id", id.map(|p| p.of(IDS)));
            out.push('>');
            children(out, c);
            let _ = writeln!(out, "</{element}>");
        }
        Node::Component {
            id,
            guid,
            directory,
            key_path,
            create_folder,
            files,
        } => {
            out.push_str("<Component");
            attr(out, "Id", id.map(|p| p.of(IDS)));
            attr(out, "Guid", guid.map(|p| p.of(GUIDS)));
            attr(out, "Directory", directory.map(|p| p.of(IDS)));
            attr(out, "KeyPath", key_path.then_some("yes"));
            out.push('>');
            if *create_folder {
                out.push_str("<CreateFolder />");
            }
            for f in files.iter().take(4) {
                out.push_str("<File");
                attr(out, "Id", f.id.map(|p| p.of(IDS)));
                attr(out, "Name", f.name.map(|p| p.of(NAMES)));
                let source = f.source.map(|p| format!("SourceDir\\sub\\{}", p.of(NAMES)));
                attr(out, "Source", source.as_deref());
                attr(out, "KeyPath", f.key_path.then_some("yes"));
                out.push_str(" />");
            }
            out.push_str("</Component>\n");
        }
        Node::ComponentGroup {
            id,
            directory,
            children: c,
        } => {
            out.push_str("<ComponentGroup");
            attr(out, "Id", id.map(|p| p.of(IDS)));
            attr(out, "Directory", directory.map(|p| p.of(IDS)));
            out.push('>');
            children(out, c);
            out.push_str("</ComponentGroup>\n");
        }
        Node::ComponentRef { id } => {
            out.push_str("<ComponentRef");
            attr(out, "Id", id.map(|p| p.of(IDS)));
            out.push_str(" />");
        }
    }
}

impl Wxs {
    /// The document's text, raw changes made.
    pub fn bytes(&self) -> Vec<u8> {
        let ns = if self.v3 {
            "http://schemas.microsoft.com/wix/2006/wi"
        } else {
            "http://wixtoolset.org/schemas/v4/wxs"
        };
        let mut out = format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Wix xmlns=\"{ns}\">\n");
        for fragment in self.fragments.iter().take(8) {
            out.push_str("<Fragment>\n");
            for node in fragment {
                render(&mut out, node, 0, self.v3);
            }
            out.push_str("</Fragment>\n");
        }
        out.push_str("</Wix>\n");
        let mut bytes = out.into_bytes();
        for m in self.mutations.iter().take(4) {
            if bytes.is_empty() {
                break;
            }
            let at = |i: u16| usize::from(i) % bytes.len();
            match *m {
                Mutation::Insert(i, b) => {
                    let i = at(i);
                    bytes.insert(i, b);
                }
                Mutation::Delete(i) => {
                    let i = at(i);
                    bytes.remove(i);
                }
                Mutation::Replace(i, b) => {
                    let i = at(i);
                    bytes[i] = b;
                }
            }
        }
        bytes
    }
}

/// A tree on disk as a harvest sees it: folders and files by name.
#[derive(Arbitrary, Debug)]
pub struct Disk {
    files: Vec<Pick>,
    folders: Vec<(Pick, Disk)>,
}

/// Names a walk could give (no separators, not empty, not `.`).
const DISK_NAMES: &[&str] = &[
    "a",
    "A",
    "b.txt",
    "B.TXT",
    "\u{212A}",
    "k",
    "K",
    "stra\u{DF}e",
    "STRASSE",
    "sub",
    "$x",
    "x y",
    "\u{E9}",
    "!(wix.X)",
];

/// Upper-cased one character at a time, as the walk compares names.
fn fold(name: &str) -> String {
    name.chars()
        .map(|c| {
            let mut u = c.to_uppercase();
            match (u.next(), u.next()) {
                (Some(one), None) => one,
                _ => c,
            }
        })
        .collect()
}

impl Disk {
    /// Builds the harvest of this tree in `tree`, below `folder`: the names of one folder are
    /// distinct as the walk compares them (it refuses two that differ only in case).
    pub fn build(
        &self,
        tree: &mut heat::extension::HeatTree,
        folder: heat::harvest::FolderRef,
        depth: usize,
    ) {
        let mut seen = std::collections::HashSet::new();
        if depth <= MAX_DEPTH {
            for (name, sub) in self.folders.iter().take(4) {
                let name = name.of(DISK_NAMES);
                if seen.insert(fold(name)) {
                    let f = tree.folder(folder, name, None);
                    sub.build(tree, f, depth + 1);
                }
            }
        }
        for name in self.files.iter().take(8) {
            let name = name.of(DISK_NAMES);
            if seen.insert(fold(name)) {
                tree.file(folder, name);
            }
        }
        tree.finish_folder(folder);
    }
}
