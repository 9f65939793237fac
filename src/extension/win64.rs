//! `-win64`, for what heat users have long written XSLT for: every component marked 64-bit,
//! `Win64="yes"` in WiX v3 and `Bitness="always64"` in WiX v4.
//!
//! A 64-bit package needs its components marked 64-bit: Windows Installer registers a
//! component without the mark as a 32-bit one and writes its registry entries to the 32-bit
//! view. heat has no switch for it, so heat users have added the attribute with an XSLT (`-t`)
//! of their own. The mutator does it after heat's main mutator, so it sees every component
//! wherever `-template`, `-cg` or `-sfrag` put it; the attribute takes its place in the
//! schema's order. It is built in (`Heat::new()` has it) and uses only the extension API.
//!
//! ```
//! # let tmp = tempfile::tempdir().unwrap();
//! # let src = tmp.path().join("App");
//! # std::fs::create_dir(&src).unwrap();
//! # std::fs::write(src.join("app.exe"), "a").unwrap();
//! # let out = tmp.path().join("app.wxs");
//! # let (src, out) = (src.to_str().unwrap(), out.to_str().unwrap());
//! let args = ["dir", src, "-wix3", "-win64", "-o", out].map(String::from);
//! heat::Heat::new().run(&args).unwrap();
//! let wxs = std::fs::read_to_string(out).unwrap();
//! assert!(wxs.contains(r#"Guid="PUT-GUID-HERE" Win64="yes">"#));
//! ```

use super::{Configure, Extension, Flag, OptionSpec};
use crate::error::Result;
use crate::pipeline::{sequence, Context, Mutator};
use crate::wix::{Document, Schema};

const WIN64: Flag = Flag::new(
    "win64",
    "mark every component 64-bit: Win64=\"yes\" (WiX v3), Bitness=\"always64\" (v4)",
);

/// The extension: the `-win64` switch.
#[derive(Debug, Default, Clone, Copy)]
pub struct Win64Extension;

impl Extension for Win64Extension {
    fn name(&self) -> &str {
        "win64"
    }

    fn options(&self) -> Vec<OptionSpec> {
        vec![WIN64.into()]
    }

    fn configure(&self, run: &mut Configure<'_>) -> Result<()> {
        if run.options().flag(&WIN64) {
            run.add_mutator(Win64Mutator);
        }
        Ok(())
    }
}

/// Marks every `Component` 64-bit, after heat's main mutator (1000), which places the
/// components, and before its finalizing one (2000).
#[derive(Debug, Default, Clone, Copy)]
struct Win64Mutator;

/// The attribute and value that mark a component 64-bit in `schema`.
fn attribute(schema: Schema) -> (&'static str, &'static str) {
    match schema {
        Schema::V3 => ("Win64", "yes"),
        Schema::V4 => ("Bitness", "always64"),
    }
}

impl Mutator for Win64Mutator {
    fn name(&self) -> &str {
        "win64"
    }

    fn sequence(&self) -> i32 {
        sequence::MAIN + 500
    }

    fn mutate(&mut self, _cx: &mut Context, doc: &mut Document) -> Result<()> {
        let (name, value) = attribute(doc.schema());
        let components: Vec<_> = doc.elements_named("Component").collect();
        for component in components {
            doc.set_attr(component, name, value);
        }
        Ok(())
    }
}
