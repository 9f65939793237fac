//! Property tests: the snapshots and their matching give what the document-based inventory
//! (the [`inventory`](super::inventory) module, kept as the oracle) gives, on random harvests
//! in the layouts heat and people write, and on random changes between two of them.

use proptest::prelude::*;

use super::inventory::{self, Inventory};
use super::keys;
use super::matching::match_snapshots;
use super::snapshot::{Snapshot, NONE};
use crate::xml::read::parse;
use crate::xml::reader::WixReader;
use kit::Rng;

/// A tree to harvest: folders (parent index, name) and files (folder index, name).
#[derive(Debug, Clone)]
struct Tree {
    folders: Vec<(usize, String)>,
    files: Vec<(usize, String)>,
    /// Folders whose component is a folder key path (`-ke`).
    empty_components: Vec<usize>,
}

const NAMES: [&str; 8] = [
    "a.txt",
    "B.dll",
    "c.exe",
    "Data.bin",
    "ünï.txt",
    "e",
    "F.TXT",
    "g h.txt",
];
const FOLDERS: [&str; 6] = ["bin", "Lib", "share", "dóc", "x64", "Plug Ins"];

fn random_tree(rng: &mut Rng) -> Tree {
    let mut folders = vec![(usize::MAX, String::new())];
    for _ in 0..rng.below(6) {
        let parent = rng.below(folders.len());
        let name = FOLDERS[rng.below(FOLDERS.len())].to_owned();
        if !folders
            .iter()
            .any(|(p, n)| *p == parent && n.eq_ignore_ascii_case(&name))
        {
            folders.push((parent, name));
        }
    }
    let mut files = Vec::new();
    for _ in 0..1 + rng.below(12) {
        let folder = rng.below(folders.len());
        let name = NAMES[rng.below(NAMES.len())].to_owned();
        if !files
            .iter()
            .any(|(f, n): &(usize, String)| *f == folder && n.eq_ignore_ascii_case(&name))
        {
            files.push((folder, name));
        }
    }
    let empty_components = (0..folders.len()).filter(|_| rng.chance(15)).collect();
    Tree {
        folders,
        files,
        empty_components,
    }
}

/// The next release of `tree`: files removed, added, re-cased; folders re-cased.
fn changed(tree: &Tree, rng: &mut Rng) -> Tree {
    let mut t = tree.clone();
    t.files.retain(|_| !rng.chance(15));
    for (_, name) in t.files.iter_mut() {
        if rng.chance(10) {
            *name = name.to_uppercase();
        }
    }
    for (_, name) in t.folders.iter_mut().skip(1) {
        if rng.chance(10) {
            *name = name.to_lowercase();
        }
    }
    for _ in 0..rng.below(4) {
        let folder = rng.below(t.folders.len());
        let name = format!("new{}.dat", rng.below(1000));
        if !t
            .files
            .iter()
            .any(|(f, n)| *f == folder && n.eq_ignore_ascii_case(&name))
        {
            t.files.push((folder, name));
        }
    }
    t.empty_components.retain(|_| !rng.chance(20));
    t
}

/// How a harvest is laid out.
#[derive(Debug, Clone, Copy)]
enum Layout {
    /// heat v4 with -cg: folders under a DirectoryRef, components in a ComponentGroup with a
    /// Directory attribute, folders referred to from fragments of their own.
    GroupWithDirectories,
    /// heat v3 by default: components inside nested Directory elements, ComponentRefs in a
    /// group.
    Nested,
    /// The product template: TARGETDIR, ProgramFilesFolder, INSTALLFOLDER defined here.
    Product,
}

fn dir_id(tree: &Tree, i: usize, ids: u64) -> String {
    if i == 0 {
        "INSTALLFOLDER".to_owned()
    } else {
        format!("dir{}_{}", i, (ids + i as u64) % 3).replace(
            '_',
            if tree.folders[i].1.len().is_multiple_of(2) {
                "A"
            } else {
                "B"
            },
        )
    }
}

/// The `.wxs` of `tree` laid out as `layout`; `ids` varies the ids given.
fn wxs(tree: &Tree, layout: Layout, ids: u64, rng: &mut Rng) -> String {
    let v3 = matches!(layout, Layout::Nested);
    let ns = if v3 {
        "http://schemas.microsoft.com/wix/2006/wi"
    } else {
        "http://wixtoolset.org/schemas/v4/wxs"
    };
    let path_of = |mut f: usize| {
        let mut parts = Vec::new();
        while f != 0 {
            parts.push(tree.folders[f].1.clone());
            f = tree.folders[f].0;
        }
        parts.reverse();
        parts
    };
    let comp = |k: usize, folder: usize, name: &str, dir_attr: bool, rng: &mut Rng| {
        let mut source = vec!["SourceDir".to_owned()];
        source.extend(path_of(folder));
        source.push(name.to_owned());
        let directory = if dir_attr {
            format!(" Directory=\"{}\"", dir_id(tree, folder, ids))
        } else {
            String::new()
        };
        let guid = if rng.chance(10) {
            "*".to_owned()
        } else {
            format!(
                "{{{:08X}-0000-4000-8000-{:012X}}}",
                (k as u64 + ids) & 0xffff_ffff,
                k
            )
        };
        let key = if rng.chance(50) {
            " KeyPath=\"yes\""
        } else {
            ""
        };
        let name_attr = if rng.chance(20) {
            format!(" Name=\"{name}\"")
        } else {
            String::new()
        };
        format!(
            "<Component Id=\"cmp{k}x{ids}\"{directory} Guid=\"{guid}\"><File Id=\"fil{k}\"{key}{name_attr} Source=\"{}\" /></Component>",
            source.join("\\")
        )
    };
    let folder_comp = |folder: usize, dir_attr: bool| {
        let directory = if dir_attr {
            format!(" Directory=\"{}\"", dir_id(tree, folder, ids))
        } else {
            String::new()
        };
        format!(
            "<Component Id=\"empty{folder}\"{directory} Guid=\"{{00000000-0000-4000-8000-{folder:012X}}}\" KeyPath=\"yes\"><CreateFolder /></Component>"
        )
    };
    // Folders, nested, with what each holds inside (for the nested layouts).
    fn nested(tree: &Tree, i: usize, ids: u64, inner: &dyn Fn(usize) -> String) -> String {
        let mut s = String::new();
        if i != 0 {
            s.push_str(&format!(
                "<Directory Id=\"{}\" Name=\"{}\">",
                dir_id(tree, i, ids),
                tree.folders[i].1
            ));
        }
        s.push_str(&inner(i));
        for (c, (p, _)) in tree.folders.iter().enumerate() {
            if *p == i && c != 0 {
                s.push_str(&nested(tree, c, ids, inner));
            }
        }
        if i != 0 {
            s.push_str("</Directory>");
        }
        s
    }
    let mut body = String::new();
    match layout {
        Layout::GroupWithDirectories => {
            // Folder definitions, split into fragments referring to their parents, after
            // the components that use them.
            let mut comps = String::new();
            for (k, (folder, name)) in tree.files.iter().enumerate() {
                comps.push_str(&comp(k, *folder, name, true, rng));
            }
            for &f in &tree.empty_components {
                comps.push_str(&folder_comp(f, true));
            }
            body.push_str(&format!(
                "<Fragment><ComponentGroup Id=\"CG\">{comps}</ComponentGroup></Fragment>"
            ));
            for (i, (parent, name)) in tree.folders.iter().enumerate().skip(1) {
                body.push_str(&format!(
                    "<Fragment><DirectoryRef Id=\"{}\"><Directory Id=\"{}\" Name=\"{name}\" /></DirectoryRef></Fragment>",
                    dir_id(tree, *parent, ids),
                    dir_id(tree, i, ids)
                ));
            }
        }
        Layout::Nested | Layout::Product => {
            let counter = std::cell::RefCell::new(std::mem::replace(rng, Rng(0)));
            let inner = |i: usize| {
                let mut s = String::new();
                for (k, (folder, name)) in tree.files.iter().enumerate() {
                    if *folder == i {
                        s.push_str(&comp(k, i, name, false, &mut counter.borrow_mut()));
                    }
                }
                if tree.empty_components.contains(&i) {
                    s.push_str(&folder_comp(i, false));
                }
                s
            };
            let dirs = nested(tree, 0, ids, &inner);
            *rng = counter.into_inner();
            let refs: String = tree
                .files
                .iter()
                .enumerate()
                .map(|(k, _)| format!("<ComponentRef Id=\"cmp{k}x{ids}\" />"))
                .collect();
            if matches!(layout, Layout::Nested) {
                body.push_str(&format!(
                    "<Fragment><DirectoryRef Id=\"INSTALLFOLDER\">{dirs}</DirectoryRef></Fragment><Fragment><ComponentGroup Id=\"CG\">{refs}</ComponentGroup></Fragment>"
                ));
            } else {
                body.push_str(&format!(
                    "<Package Name=\"P\" Version=\"1.0\"><StandardDirectory Id=\"ProgramFilesFolder\"><Directory Id=\"INSTALLFOLDER\" Name=\"Acme\">{dirs}</Directory></StandardDirectory><Feature Id=\"F\">{refs}</Feature></Package>"
                ));
            }
        }
    }
    format!("<Wix xmlns=\"{ns}\">{body}</Wix>")
}

/// The matching of the oracle and of the snapshots, side by side, as comparable lists.
fn both(old_text: &str, new_text: &str) {
    let (old, new) = (
        parse(old_text.as_bytes()).unwrap(),
        parse(new_text.as_bytes()).unwrap(),
    );
    let (oi, ni) = (Inventory::of(&old), Inventory::of(&new));
    let oracle = inventory::match_up(&oi, &ni);
    let (os, ns) = (
        Snapshot::of_document_with_ids(&old),
        Snapshot::of_document_with_ids(&new),
    );
    // Every component's key: the oracle's location, as a key.
    for (c, entry) in oi.components.iter().enumerate() {
        let key = entry
            .location_key
            .as_ref()
            .map(|k| match k.strip_suffix('\\') {
                Some(folder) => keys::fold(keys::of(folder), keys::folder_mark()),
                None => keys::of(k),
            });
        // The oracle's keys are lower-cased text; ours are folded: the same for these names.
        assert_eq!(
            os.comp_key(c as u32),
            key,
            "component {c}: {entry:?}\n{old_text}"
        );
    }
    let m = match_snapshots(&os, &ns, None);
    let ours: Vec<Option<usize>> = m
        .comps
        .iter()
        .map(|&i| (i != NONE).then_some(i as usize))
        .collect();
    assert_eq!(
        ours, oracle.components,
        "components\n{old_text}\n{new_text}"
    );
    let ours: Vec<Option<usize>> = m
        .dirs
        .iter()
        .map(|&i| (i != NONE).then_some(i as usize))
        .collect();
    assert_eq!(ours, oracle.directories, "folders\n{old_text}\n{new_text}");
    // Files: (component, index in it) on both sides.
    let owners = super::matching::file_owners(&ns);
    let mut ours = std::collections::HashMap::new();
    for j in 0..os.comps.len() as u32 {
        for (fj, f) in os.comp_files(j).enumerate() {
            let n = m.files[f as usize];
            if n != NONE {
                let i = owners[n as usize];
                let fi = (n - ns.comps[i as usize].first_file) as usize;
                ours.insert((j as usize, fj), (i as usize, fi));
            }
        }
    }
    assert_eq!(ours, oracle.files, "files\n{old_text}\n{new_text}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Two releases of a random tree, each in any layout, with ids that may differ.
    #[test]
    fn snapshots_match_as_the_inventory_did(seed in any::<u64>()) {
        let mut rng = Rng(seed | 1);
        let layouts = [Layout::GroupWithDirectories, Layout::Nested, Layout::Product];
        let tree = random_tree(&mut rng);
        let next = changed(&tree, &mut rng);
        let (a, b) = (layouts[rng.below(3)], layouts[rng.below(3)]);
        let old = wxs(&tree, a, 0, &mut rng);
        let new = wxs(&next, b, rng.below(2) as u64, &mut rng);
        both(&old, &new);
        both(&new, &old);
        both(&old, &old);
    }
}

/// `text` read on one thread and on two (in batches of `batch` bytes of text): the same
/// snapshot, or the same error.
fn read_alike(text: &str, batch: usize) {
    let one = Snapshot::read_expecting(WixReader::new(text.as_bytes()), 0, None);
    let two = Snapshot::read_expecting(WixReader::new(text.as_bytes()), 0, Some(batch));
    match (one, two) {
        (Ok(a), Ok(b)) => assert_eq!(a.summary(), b.summary(), "batches of {batch}\n{text}"),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "batches of {batch}"),
        (a, b) => panic!("one thread: {:?}\ntwo: {:?}\n{text}", a.err(), b.err()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// A large file is read on two threads: the snapshot is the one a single thread reads,
    /// whatever the batches, and a broken document fails alike.
    #[test]
    fn snapshots_read_alike_on_one_thread_and_two(seed in any::<u64>()) {
        let mut rng = Rng(seed | 1);
        let layouts = [Layout::GroupWithDirectories, Layout::Nested, Layout::Product];
        let tree = random_tree(&mut rng);
        let text = wxs(&tree, layouts[rng.below(3)], rng.below(2) as u64, &mut rng);
        for batch in [1, 1 + rng.below(200), 1 << 20] {
            read_alike(&text, batch);
        }
        // Cut anywhere (on a character boundary): an error, the same on both.
        let mut cut = rng.below(text.len());
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        read_alike(&text[..cut], 1 + rng.below(100));
    }
}
