//! The project's own files agree with each other: the workflow runs the checks of `.ci/run`,
//! the README installs the package the manifest names with the Rust it declares, and the
//! licences the manifest names are there.

fn read(rel: &str) -> String {
    std::fs::read_to_string(kit::project_dir().join(rel))
        .unwrap_or_else(|e| panic!("read {rel}: {e}"))
}

/// The value of `key = "…"` in the `[package]` table of the top Cargo.toml.
fn manifest_value(key: &str) -> String {
    let manifest = read("Cargo.toml");
    let package = manifest
        .split("\n[package]\n")
        .nth(1)
        .expect("a [package] table")
        .split("\n[")
        .next()
        .unwrap();
    package
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{key} = \"")))
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or_else(|| panic!("no {key} in [package]"))
        .to_owned()
}

#[test]
fn the_workflow_runs_the_checks_of_ci_run() {
    let run = read(".ci/run");
    let workflow = read(".github/workflows/ci.yml");
    // Linux runs .ci/run itself; the other systems repeat its cargo steps.
    assert!(workflow.contains("run: bash .ci/run"), "{workflow}");
    for step in [
        "cargo fmt --all -- --check",
        "cargo clippy --workspace --all-targets",
        "cargo doc --workspace --no-deps",
        "cargo test --workspace --no-default-features",
        "cargo test --workspace",
    ] {
        assert!(run.contains(step), ".ci/run lacks {step}");
        assert!(workflow.contains(step), "the workflow lacks {step}");
    }
    for os in ["ubuntu-latest", "macos-latest", "windows-latest"] {
        assert!(workflow.contains(os), "the workflow does not run on {os}");
    }
    // The README's test command closes the log.
    assert_eq!(
        run.trim_end().lines().last(),
        Some("cargo test --workspace")
    );
}

#[test]
fn the_readme_installs_the_package_with_the_rust_it_needs() {
    let readme = read("README.md");
    let name = manifest_value("name");
    let msrv = manifest_value("rust-version");
    assert!(
        readme.contains(&format!("cargo install --locked {name} ")),
        "no cargo install"
    );
    assert!(readme.contains("cargo install --locked --path ."));
    assert!(
        readme.contains(&format!("With Rust {msrv} or later")),
        "the README does not say Rust {msrv}"
    );
}

#[test]
fn the_licences_the_manifest_names_are_there() {
    assert_eq!(manifest_value("license"), "MIT OR Apache-2.0");
    let mit = read("LICENSE-MIT");
    assert!(mit.starts_with("MIT License\n\nCopyright (c) the heat-rs contributors\n"));
    assert!(read("LICENSE-APACHE")
        .contains("Apache License\n                           Version 2.0, January 2004"));
    assert!(manifest_value("repository").starts_with("https://"));
}
