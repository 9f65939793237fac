//! With the `system-libxslt` feature, links the system's libxslt and libxml2 for `-t` and
//! compiles the small C shim that formats their error messages and stops a transform at its
//! deadline (it reads libxslt's transform context through libxslt's own headers, so no
//! structure layout is assumed on the Rust side). The default build needs
//! neither: `-t` runs heat-rs's own XSLT processor (src/mutate/xslt/engine), and nothing is linked.
//!
//! libxslt is found with pkg-config (Linux, the BSDs, Homebrew, MSYS2), then with vcpkg on
//! Windows with MSVC; macOS also has both libraries in its SDK. When it is not found, the
//! build stops with one message saying what to install (or to build without the feature).
//!
//! It also looks for the external tools some tests need and sets `has_tool_<name>` for each one
//! on the PATH; a test that needs a missing tool is then ignored, with the reason (see
//! `tests/kit`, which shares `build/find_tool.rs`). In CI (`CI` is `true` or `1`) every one is set, so that a missing tool fails
//! its tests instead.

#[path = "build/find_tool.rs"]
mod find_tool;

/// The tools the tests use, as `has_tool_<name>`.
const TEST_TOOLS: &[&str] = &[
    "xmllint",
    "wixl",
    "msiextract",
    "msiinfo",
    "python3",
    "script",
    "xbuild",
    "bash",
    "zsh",
    "fish",
    "groff",
];

fn main() {
    println!("cargo:rerun-if-changed=src/mutate/xslt/shim.c");
    println!("cargo:rerun-if-changed=build.rs");
    #[cfg(feature = "system-libxslt")]
    build_xslt();
    detect_test_tools();
}

fn detect_test_tools() {
    println!("cargo::rerun-if-changed=build/find_tool.rs");
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rerun-if-env-changed=CI");
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    for tool in TEST_TOOLS {
        println!("cargo::rustc-check-cfg=cfg(has_tool_{tool})");
        if ci || find_tool::find_tool(tool).is_some() {
            println!("cargo::rustc-cfg=has_tool_{tool}");
        }
    }
    // `/dev/full`, for the test of a full output device.
    println!("cargo::rustc-check-cfg=cfg(has_dev_full)");
    if ci || std::path::Path::new("/dev/full").exists() {
        println!("cargo::rustc-cfg=has_dev_full");
    }
}

#[cfg(feature = "system-libxslt")]
fn build_xslt() {
    let includes = link_libxslt();
    cc::Build::new()
        .file("src/mutate/xslt/shim.c")
        .includes(includes)
        .warnings(true)
        .compile("heat_xslt_shim");
}

/// Links libxslt and libxml2, and returns the folders holding their headers.
#[cfg(feature = "system-libxslt")]
fn link_libxslt() -> Vec<std::path::PathBuf> {
    let pkg = pkg_config::Config::new().probe("libxslt");
    if let Ok(xslt) = &pkg {
        if let Ok(xml) = pkg_config::Config::new().probe("libxml-2.0") {
            return [xslt.include_paths.clone(), xml.include_paths].concat();
        }
    }
    if let Some(includes) = try_vcpkg() {
        return includes;
    }
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "macos" || os == "ios" {
        // Both libraries are part of the SDK, libxml2's headers in a folder of their own.
        println!("cargo:rustc-link-lib=dylib=xslt");
        println!("cargo:rustc-link-lib=dylib=xml2");
        let sdk = std::process::Command::new("xcrun")
            .arg("--show-sdk-path")
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default();
        return vec![std::path::Path::new(&sdk).join("usr/include/libxml2")];
    }
    // One clear message rather than a panic's backtrace.
    eprintln!(
        "error: the `system-libxslt` feature needs libxslt (with libxml2), which was not found.\n\
         Install it: Debian/Ubuntu `apt-get install libxslt1-dev pkg-config`, Fedora \
         `dnf install libxslt-devel`, macOS `brew install libxslt`, Windows \
         `vcpkg install libxslt` (with VCPKG_ROOT set).\n\
         Or build without the feature: the default build runs -t with its own XSLT processor.\n\
         pkg-config said: {}",
        pkg.err().map(|e| e.to_string()).unwrap_or_default()
    );
    std::process::exit(1);
}

#[cfg(all(feature = "system-libxslt", windows))]
fn try_vcpkg() -> Option<Vec<std::path::PathBuf>> {
    let lib = vcpkg::Config::new().find_package("libxslt").ok()?;
    let mut includes = lib.include_paths.clone();
    includes.extend(lib.include_paths.iter().map(|p| p.join("libxml2")));
    Some(includes)
}

#[cfg(all(feature = "system-libxslt", not(windows)))]
fn try_vcpkg() -> Option<Vec<std::path::PathBuf>> {
    None
}
