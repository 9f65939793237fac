//! `-update` (and `-keepremoved`) from a generated previous harvest (see `shared/tree.rs`)
//! onto a generated harvest of a tree, with heat's main and finalizing mutators around it as a
//! run orders them: a refusal or an output, never a panic; an output is well-formed, reads
//! back, and `heat check` of the previous harvest against it runs.
#![no_main]

use heat::extension::{Context, HeatTree, Mutator};
use heat::harvest::TreeShape;
use heat::mutate::{FinalizeMutator, MainMutator};
use heat::Schema;
use libfuzzer_sys::fuzz_target;

#[path = "shared/tree.rs"]
mod tree;

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    previous: tree::Wxs,
    disk: tree::Disk,
    v3: bool,
    keep_removed: bool,
    group: bool,
    fragments: bool,
}

fuzz_target!(|input: Input| {
    let dir = std::env::temp_dir().join(format!("heat-fuzz-update-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let previous = dir.join("previous.wxs");
    std::fs::write(&previous, input.previous.bytes()).unwrap();
    let schema = if input.v3 { Schema::V3 } else { Schema::V4 };
    let mut cx = Context::new(schema, false, Default::default());
    let mut shape = TreeShape::default();
    shape.directory_ref = "INSTALLFOLDER".to_owned();
    let mut tree = HeatTree::new(&cx, &shape);
    let root = tree.root("App", None);
    input.disk.build(&mut tree, root, 0);
    let mut doc = tree.finish();
    let mut main = MainMutator::default();
    main.component_group = input.group.then(|| "G".to_owned());
    main.fragments = input.fragments;
    let Ok(_report) =
        heat::patch::fuzz_update(&previous, input.keep_removed, &mut cx, &mut doc, &mut main)
    else {
        return;
    };
    let mut finalize = FinalizeMutator::default();
    finalize
        .mutate(&mut cx, &mut doc)
        .expect("the finalizing mutator");
    let text = heat::xml::to_text(&doc, heat::xml::Format::default());
    let again = heat::xml::parse(text.as_bytes()).expect("the output reads back");
    assert_eq!(
        heat::xml::to_text(&again, heat::xml::Format::default()),
        text
    );
    let output = dir.join("output.wxs");
    std::fs::write(&output, &text).unwrap();
    let _ = heat::patch::CheckReport::of_files(&previous, &output);
});
