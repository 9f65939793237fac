//! The `mydir` harvest type, through the library and through the `heat-mydir` binary.

use heat::Heat;
use heat_mydir::MyDirExtension;
use kit::Tool;
use std::collections::BTreeMap;
use std::path::Path;

/// A tree with sub-folders, build leftovers to omit, an empty folder, and names whose NTFS
/// order differs from byte order.
fn make_tree(root: &Path) {
    kit::write_tree(
        root,
        &[
            ("app.exe", "a"),
            ("App.pdb", "p"),
            ("b.dll", "b"),
            ("B.PDB", "p"),
            ("_first.txt", "f"),
            ("docs/Read me.txt", "r"),
            ("docs/zeta.md", "z"),
            ("obj/x.o", "o"),
            ("obj/deep/y.o", "o"),
            ("plugins/Über/plugin.dll", "u"),
            ("plugins/Über/plugin.pdb", "p"),
            ("plugins/only.pdb", "p"),
        ],
    );
    std::fs::create_dir_all(root.join("empty")).unwrap();
}

/// Runs heat (with the `mydir` extension) on `args` into `out`; returns the written bytes.
fn run(args: &[&str], out: &Path) -> Vec<u8> {
    let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    all.extend(["-o".to_owned(), out.to_str().unwrap().to_owned()]);
    Heat::new()
        .with_extension(MyDirExtension)
        .run(&all)
        .unwrap_or_else(|e| panic!("{args:?}: {e}"));
    std::fs::read(out).unwrap()
}

/// Without `-omit`, `mydir` writes exactly what `dir` writes, whatever heat's options.
#[test]
fn without_omit_the_same_bytes_as_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let tree = tmp.path().join("Product");
    make_tree(&tree);
    let tree = tree.to_str().unwrap();
    let option_sets: &[&[&str]] = &[
        &[],
        &["-wix3"],
        &["-wix3", "-fips", "-srd", "-dr", "INSTALLFOLDER"],
        &["-cg", "Product", "-ke", "-gg"],
        &["-wix3", "-sfrag", "-suid", "-var", "var.Src"],
        &["-template", "product", "-ag", "-lf"],
    ];
    for opts in option_sets {
        let mut mydir = vec!["mydir", tree];
        mydir.extend_from_slice(opts);
        let mut dir = vec!["dir", tree];
        dir.extend_from_slice(opts);
        let a = run(&mydir, &tmp.path().join("mydir.wxs"));
        let b = run(&dir, &tmp.path().join("dir.wxs"));
        assert!(a == b, "{opts:?}:\n{}", String::from_utf8_lossy(&a));
    }
}

/// heat's walk options reach `mydir` too: `-skip` leaves out, with the same warnings, what
/// would fail the harvest, and `-followlinks` follows links to folders.
#[cfg(unix)]
#[test]
fn heats_walk_options_apply() {
    let tmp = tempfile::tempdir().unwrap();
    let tree = tmp.path().join("Product");
    make_tree(&tree);
    std::fs::write(tree.join("bad:name.txt"), "x").unwrap();
    std::fs::create_dir(tmp.path().join("shared")).unwrap();
    std::fs::write(tmp.path().join("shared/common.dll"), "c").unwrap();
    std::os::unix::fs::symlink(tmp.path().join("shared"), tree.join("shared")).unwrap();
    let tree = tree.to_str().unwrap();
    let run_report = |args: &[&str], out: &str| {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        all.extend([
            "-o".to_owned(),
            tmp.path().join(out).to_str().unwrap().to_owned(),
        ]);
        let report = Heat::new()
            .with_extension(MyDirExtension)
            .run(&all)
            .unwrap();
        (report, std::fs::read(tmp.path().join(out)).unwrap())
    };
    let (mydir, a) = run_report(&["mydir", tree, "-skip", "names", "-followlinks"], "m.wxs");
    let (dir, b) = run_report(&["dir", tree, "-skip", "names", "-followlinks"], "d.wxs");
    assert!(a == b, "{}", String::from_utf8_lossy(&a));
    assert_eq!(mydir.warnings(), dir.warnings());
    assert!(!mydir.warnings().is_empty());
    let text = String::from_utf8(a).unwrap();
    assert!(
        text.contains("common.dll") && !text.contains("bad:name"),
        "{text}"
    );
}

/// Every `File` of a `.wxs`: `Source` → (File id, Component id).
fn files(wxs: &Path) -> BTreeMap<String, (String, String)> {
    let doc = heat::xml::read_file(wxs).unwrap();
    doc.elements_named("File")
        .map(|f| {
            let component = doc.parent(f).unwrap();
            (
                doc.attr(f, "Source").unwrap().to_string(),
                (
                    doc.attr(f, "Id").unwrap().to_string(),
                    doc.attr(component, "Id").unwrap().to_string(),
                ),
            )
        })
        .collect()
}

/// `-omit` leaves out matching files and folders, in any case; what is kept has the ids
/// `dir` gives it.
#[test]
fn omit_leaves_out_and_keeps_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let tree = tmp.path().join("Product");
    make_tree(&tree);
    let tree = tree.to_str().unwrap();
    for schema in ["-wix3", "-wix4"] {
        run(
            &["mydir", tree, schema, "-omit", "*.pdb", "-omit", "OBJ"],
            &tmp.path().join("mydir.wxs"),
        );
        run(&["dir", tree, schema], &tmp.path().join("dir.wxs"));
        let kept = files(&tmp.path().join("mydir.wxs"));
        let all = files(&tmp.path().join("dir.wxs"));
        let expected: BTreeMap<_, _> = all
            .iter()
            .filter(|(source, _)| {
                !source.to_lowercase().ends_with(".pdb") && !source.starts_with("SourceDir\\obj\\")
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        assert_eq!(all.len(), 12);
        assert_eq!(
            kept.keys().collect::<Vec<_>>(),
            [
                "SourceDir\\_first.txt",
                "SourceDir\\app.exe",
                "SourceDir\\b.dll",
                "SourceDir\\docs\\Read me.txt",
                "SourceDir\\docs\\zeta.md",
                "SourceDir\\plugins\\Über\\plugin.dll",
            ]
        );
        assert_eq!(kept, expected, "{schema}");

        // The omitted folder is gone with everything below it; `plugins` lost its only file
        // but stays for the one in `Über`.
        let wxs = std::fs::read_to_string(tmp.path().join("mydir.wxs")).unwrap();
        assert!(!wxs.contains("Name=\"obj\""), "{wxs}");
        assert!(!wxs.contains("Name=\"deep\""), "{wxs}");
        assert!(wxs.contains("Name=\"plugins\""), "{wxs}");
    }
}

#[test]
fn omit_is_an_option_of_mydir_only() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("a.txt"), "a").unwrap();
    let args: Vec<String> = [
        "dir",
        tmp.path().to_str().unwrap(),
        "-omit",
        "*.pdb",
        "-o",
        "x.wxs",
    ]
    .map(String::from)
    .to_vec();
    let err = Heat::new()
        .with_extension(MyDirExtension)
        .run(&args)
        .unwrap_err();
    assert_eq!(err.code(), heat::error::codes::COMMAND_LINE);
    assert!(err.message().contains("'mydir'"), "{}", err.message());
}

#[test]
fn omitting_everything_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let tree = tmp.path().join("Only");
    std::fs::create_dir_all(tree.join("sub")).unwrap();
    std::fs::write(tree.join("a.pdb"), "a").unwrap();
    std::fs::write(tree.join("sub/b.pdb"), "b").unwrap();
    let out = tmp.path().join("x.wxs");
    let args: Vec<String> = [
        "mydir",
        tree.to_str().unwrap(),
        "-omit",
        "*.pdb",
        "-o",
        out.to_str().unwrap(),
    ]
    .map(String::from)
    .to_vec();
    let err = Heat::new()
        .with_extension(MyDirExtension)
        .run(&args)
        .unwrap_err();
    assert_eq!(err.code(), heat::error::codes::EMPTY_DIRECTORY);
    assert!(
        err.message().contains(tree.to_str().unwrap()),
        "{}",
        err.message()
    );
    assert!(err.message().contains("-omit"), "{}", err.message());
    assert!(!out.exists());
}

/// The `heat-mydir` binary: heat's command line with `mydir` and `-omit` added.
#[test]
fn the_binary() {
    let bin = Tool::new(env!("CARGO_BIN_EXE_heat-mydir"));
    let tmp = tempfile::tempdir().unwrap();
    let help = bin.run(tmp.path(), &["-?"]);
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(help.contains("   dir "), "{help}");
    assert!(help.contains("   mydir "), "{help}");
    assert!(help.contains("   -omit <pattern> "), "{help}");

    let tree = tmp.path().join("Product");
    make_tree(&tree);
    bin.ok(
        tmp.path(),
        &[
            "mydir", "Product", "-omit", "*.pdb", "-wix3", "-o", "out.wxs",
        ],
    );
    assert_eq!(files(&tmp.path().join("out.wxs")).len(), 8);

    let out = bin.run(
        tmp.path(),
        &["dir", "Product", "-omit", "*.pdb", "-o", "bad.wxs"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(kit::stderr(&out).contains("error HEAT8001"));
    assert!(!tmp.path().join("bad.wxs").exists());
}

/// `heat-mydir --generate`: the completions and the man page hold the extension's harvest type
/// and option, and name the program they were made by.
#[test]
fn generated_completions_hold_the_extension() {
    let bin = Tool::new(env!("CARGO_BIN_EXE_heat-mydir"));
    let tmp = tempfile::tempdir().unwrap();
    let bash = kit::stdout(&bin.ok(tmp.path(), &["--generate", "complete-bash"]));
    assert!(bash.contains(" mydir "), "{bash}");
    assert!(bash.contains(" -omit "), "{bash}");
    assert!(
        bash.contains("complete -o filenames -F _heat_mydir heat-mydir\n"),
        "{bash}"
    );
    let man = kit::stdout(&bin.ok(tmp.path(), &["--generate", "man"]));
    assert!(man.contains(".TH \"HEAT\\-MYDIR\" 1 "), "{man}");
    assert!(man.contains(".B \"mydir\"\n"), "{man}");
    assert!(man.contains(".BI \"\\-omit \" \"pattern\"\n"), "{man}");
}
