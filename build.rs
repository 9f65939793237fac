//! Links libxslt and libxml2 for `-t` (the default `xslt` feature), and compiles the small C
//! shim that formats their error messages.
//!
//! libxslt is found with pkg-config (Linux, the BSDs, Homebrew, MSYS2), then with vcpkg on
//! Windows with MSVC; macOS also has both libraries in its SDK. Without the feature
//! (`--no-default-features`) nothing is linked and `-t` explains that it is not available.

fn main() {
    println!("cargo:rerun-if-changed=src/mutate/xslt/shim.c");
    println!("cargo:rerun-if-changed=build.rs");
    #[cfg(feature = "xslt")]
    build_xslt();
}

#[cfg(feature = "xslt")]
fn build_xslt() {
    cc::Build::new()
        .file("src/mutate/xslt/shim.c")
        .warnings(true)
        .compile("heat_xslt_shim");
    link_libxslt();
}

#[cfg(feature = "xslt")]
fn link_libxslt() {
    let pkg = pkg_config::Config::new().probe("libxslt");
    if pkg.is_ok() && pkg_config::Config::new().probe("libxml-2.0").is_ok() {
        return;
    }
    if try_vcpkg() {
        return;
    }
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "macos" || os == "ios" {
        // Both libraries are part of the SDK.
        println!("cargo:rustc-link-lib=dylib=xslt");
        println!("cargo:rustc-link-lib=dylib=xml2");
        return;
    }
    panic!(
        "libxslt (with libxml2) was not found, and `-t <file.xsl>` needs it.\n\
         Install it: Debian/Ubuntu `apt-get install libxslt1-dev pkg-config`, Fedora \
         `dnf install libxslt-devel`, macOS `brew install libxslt`, Windows \
         `vcpkg install libxslt` (with VCPKG_ROOT set).\n\
         Or build without XSLT: `cargo build --no-default-features`.\n\
         pkg-config said: {}",
        pkg.err().map(|e| e.to_string()).unwrap_or_default()
    );
}

#[cfg(all(feature = "xslt", windows))]
fn try_vcpkg() -> bool {
    vcpkg::Config::new().find_package("libxslt").is_ok()
}

#[cfg(all(feature = "xslt", not(windows)))]
fn try_vcpkg() -> bool {
    false
}
