//! Properties over random trees: the same tree gives the same bytes whatever order it was
//! created in, and every file appears exactly once.

use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

/// A random tree: relative file paths (folders implied) and empty folders.
#[derive(Debug, Clone)]
struct Tree {
    files: Vec<String>,
    empty: Vec<String>,
}

fn name() -> impl Strategy<Value = String> {
    // Letters of both cases, digits, spaces, dots, '$', '&', '\'', non-ASCII and an emoji.
    proptest::string::string_regex("[a-zA-Z0-9_][a-zA-Z0-9 ._$&'éÉßø€😀-]{0,10}[a-zA-Z0-9_]")
        .unwrap()
        .prop_filter("a name Windows can hold", |n| {
            heat::harvest::walk::windows_name_problem(n).is_none()
        })
}

fn tree() -> impl Strategy<Value = Tree> {
    let path = || prop::collection::vec(name(), 1..4).prop_map(|p| p.join("/"));
    (
        prop::collection::vec(path(), 1..30),
        prop::collection::vec(path(), 0..4),
    )
        .prop_map(|(files, empty)| {
            // Keep only paths Windows could hold together: no two names in one folder that
            // differ only in case, and no name used both as a file and as a folder.
            // Every path seen so far, lower-cased, with its spelling and whether it is a file.
            let mut seen: std::collections::HashMap<String, (String, bool)> = Default::default();
            let fits =
                |path: &str,
                 last_is_file: bool,
                 seen: &mut std::collections::HashMap<String, (String, bool)>| {
                    let parts: Vec<&str> = path.split('/').collect();
                    for i in 1..=parts.len() {
                        let prefix = parts[..i].join("/");
                        let is_file = last_is_file && i == parts.len();
                        match seen.get(&prefix.to_lowercase()) {
                            Some((spelling, file)) if *spelling == prefix && !file && !is_file => {}
                            Some(_) => return false,
                            None => {}
                        }
                    }
                    for i in 1..=parts.len() {
                        let prefix = parts[..i].join("/");
                        let is_file = last_is_file && i == parts.len();
                        seen.insert(prefix.to_lowercase(), (prefix, is_file));
                    }
                    true
                };
            let kept: Vec<String> = files
                .into_iter()
                .filter(|f| fits(f, true, &mut seen))
                .collect();
            let empty = empty
                .into_iter()
                .map(|e| format!("{e}/empty"))
                .filter(|e| fits(e, false, &mut seen))
                .collect();
            Tree { files: kept, empty }
        })
}

fn create(root: &Path, tree: &Tree, order: &[usize]) {
    std::fs::create_dir_all(root).unwrap();
    for &i in order {
        let p = root.join(&tree.files[i]);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, tree.files[i].as_bytes()).unwrap();
    }
    for e in tree.empty.iter().rev() {
        std::fs::create_dir_all(root.join(e)).unwrap();
    }
}

fn harvest(dir: &Path, extra: &[&str]) -> Vec<u8> {
    let out = dir.join("out.wxs");
    let mut args: Vec<String> = vec!["dir".into(), dir.join("App").to_string_lossy().into_owned()];
    args.extend(extra.iter().map(|s| s.to_string()));
    args.extend(["-o".into(), out.to_string_lossy().into_owned()]);
    heat::Heat::new().run(&args).unwrap();
    std::fs::read(out).unwrap()
}

proptest! {
    // The regressions file sits beside this file (`properties.proptest-regressions`); proptest's
    // default would look in `tests/proptest-regressions/`, beside the folder holding `main.rs`.
    #![proptest_config(ProptestConfig {
        cases: 48,
        failure_persistence: Some(Box::new(
            FileFailurePersistence::WithSource("proptest-regressions")
        )),
        ..ProptestConfig::default()
    })]

    #[test]
    fn creation_order_never_shows(tree in tree(), seed in any::<u64>()) {
        prop_assume!(!tree.files.is_empty());
        let forward: Vec<usize> = (0..tree.files.len()).collect();
        let mut shuffled = forward.clone();
        // A simple deterministic shuffle from the seed.
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            shuffled.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        create(&a.path().join("App"), &tree, &forward);
        create(&b.path().join("App"), &tree, &shuffled);
        for extra in [&["-wix3"][..], &["-ke", "-cg", "G", "-gg"], &["-suid", "-sfrag", "-srd"]] {
            prop_assert_eq!(harvest(a.path(), extra), harvest(b.path(), extra), "{:?}", extra);
        }
    }

    #[test]
    fn every_file_appears_exactly_once(tree in tree()) {
        prop_assume!(!tree.files.is_empty());
        let tmp = tempfile::tempdir().unwrap();
        let order: Vec<usize> = (0..tree.files.len()).collect();
        create(&tmp.path().join("App"), &tree, &order);
        for extra in [&["-wix3", "-cg", "G"][..], &["-sfrag", "-ke"], &["-srd", "-suid"]] {
            let bytes = harvest(tmp.path(), extra);
            let doc = heat::xml::parse(&bytes).unwrap();
            let mut sources: Vec<String> = doc
                .elements_named("File")
                .map(|f| doc.attr(f, "Source").unwrap().to_string().trim_start_matches("SourceDir\\").replace("$$", "$").replace('\\', "/"))
                .collect();
            sources.sort();
            let mut want = tree.files.clone();
            want.sort();
            prop_assert_eq!(sources, want, "{:?}", extra);
        }
    }
}
