//! With the `system-libxslt` feature, links the system's libxslt and libxml2 for `-t` and
//! compiles the small C shim that formats their error messages. The default build needs
//! neither: `-t` runs heat-rs's own XSLT processor (src/xslt/engine), and nothing is linked.
//!
//! libxslt is found with pkg-config (Linux, the BSDs, Homebrew, MSYS2), then with vcpkg on
//! Windows with MSVC; macOS also has both libraries in its SDK. When it is not found, the
//! build stops with one message saying what to install (or to build without the feature).

fn main() {
    println!("cargo:rerun-if-changed=src/xslt/shim.c");
    println!("cargo:rerun-if-changed=build.rs");
    #[cfg(feature = "system-libxslt")]
    build_xslt();
}

#[cfg(feature = "system-libxslt")]
fn build_xslt() {
    link_libxslt();
    cc::Build::new()
        .file("src/xslt/shim.c")
        .warnings(true)
        .compile("heat_xslt_shim");
}

#[cfg(feature = "system-libxslt")]
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
fn try_vcpkg() -> bool {
    vcpkg::Config::new().find_package("libxslt").is_ok()
}

#[cfg(all(feature = "system-libxslt", not(windows)))]
fn try_vcpkg() -> bool {
    false
}
