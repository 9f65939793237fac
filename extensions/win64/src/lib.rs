//! A heat extension for what heat users have long written XSLT for: `-win64` marks every
//! component 64-bit, `Win64="yes"` in WiX v3 and `Bitness="always64"` in WiX v4.
//!
//! A 64-bit package needs its components marked 64-bit: Windows Installer registers a
//! component without the mark as a 32-bit one and writes its registry entries to the 32-bit
//! view. heat has no switch for it, so heat users have added the attribute with an XSLT (`-t`)
//! of their own. The
//! [`Win64Mutator`] does it after heat's main mutator, so it sees every component wherever
//! `-template`, `-cg` or `-sfrag` put it; the attribute takes its place in the schema's order.
//!
//! It uses only heat's public API.
//!
//! ```
//! use heat::Heat;
//! use heat_win64::Win64Extension;
//! # let tmp = tempfile::tempdir().unwrap();
//! # let src = tmp.path().join("App");
//! # std::fs::create_dir(&src).unwrap();
//! # std::fs::write(src.join("app.exe"), "a").unwrap();
//! # let out = tmp.path().join("app.wxs");
//! # let (src, out) = (src.to_str().unwrap(), out.to_str().unwrap());
//! let args = ["dir", src, "-wix3", "-win64", "-o", out].map(String::from);
//! Heat::new().with_extension(Win64Extension).run(&args).unwrap();
//! let wxs = std::fs::read_to_string(out).unwrap();
//! assert!(wxs.contains(r#"Guid="PUT-GUID-HERE" Win64="yes">"#));
//! ```

#![deny(missing_docs)]

use heat::extension::{sequence, Context, Extension, Mutator, OptionSpec, Options, Setup};
use heat::model::{Document, Schema};
use heat::Result;

/// The extension: the `-win64` switch.
#[derive(Debug, Default, Clone, Copy)]
pub struct Win64Extension;

impl Extension for Win64Extension {
    fn name(&self) -> &str {
        "win64"
    }

    fn options(&self) -> Vec<OptionSpec> {
        vec![OptionSpec::flag(
            "win64",
            "mark every component 64-bit: Win64=\"yes\" (WiX v3), Bitness=\"always64\" (v4)",
        )]
    }

    fn configure(
        &self,
        _cx: &mut Context,
        _harvest_type: &str,
        options: &Options,
        setup: &mut Setup,
    ) -> Result<()> {
        if options.flag("win64") {
            setup.add_mutator(Box::new(Win64Mutator));
        }
        Ok(())
    }
}

/// Marks every `Component` 64-bit, at [`Win64Mutator::SEQUENCE`].
#[derive(Debug, Default, Clone, Copy)]
pub struct Win64Mutator;

impl Win64Mutator {
    /// After heat's main mutator (1000), which places the components, and before its
    /// finalizing one (2000).
    pub const SEQUENCE: i32 = sequence::MAIN + 500;

    /// The attribute and value that mark a component 64-bit in `schema`.
    pub fn attribute(schema: Schema) -> (&'static str, &'static str) {
        match schema {
            Schema::V3 => ("Win64", "yes"),
            Schema::V4 => ("Bitness", "always64"),
        }
    }
}

impl Mutator for Win64Mutator {
    fn name(&self) -> &str {
        "win64"
    }

    fn sequence(&self) -> i32 {
        Self::SEQUENCE
    }

    fn mutate(&self, _cx: &mut Context, doc: &mut Document) -> Result<()> {
        let (name, value) = Self::attribute(doc.schema());
        let components: Vec<_> = doc.elements_named("Component").collect();
        for component in components {
            doc.set_attr(component, name, value);
        }
        Ok(())
    }
}

/// The Rust examples of the README, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
