//! `-t <file.xsl>`: XSLT 1.0 transforms of the output, as heat's `UtilTransformMutator` runs
//! them: on the serialized document, after every other mutator, each stylesheet in the order
//! given (sequence 3000, 3001, …), before the file is written.
//!
//! The transform is heat-rs's own XSLT 1.0 and XPath 1.0 processor (`engine`, in Rust: no
//! system library, the same on Linux, macOS and Windows), with `xsl:key`/`key()`,
//! `document()`, `xsl:import`/`xsl:include` and the `node-set()` of .NET (`msxsl:`) and EXSLT
//! for stylesheets written for heat's .NET processor (`msxsl:script`, .NET code inside a
//! stylesheet, cannot run here). A build with the `system-libxslt` feature runs libxslt, the
//! XSLT processor of GNOME's libxml2 project, linked from the system, instead.
//! Like heat's .NET processor, it keeps the input's white space unless the stylesheet strips
//! it; its result is then written as heat's `XmlWriter` writes it (see [`reserialize`]), and the
//! writer adds the byte-order mark, the v3 declaration and the line ends as for any output.
//!
//! Errors name the stylesheet and the file and line of the instruction at fault.
//! `xsl:message` output becomes warning 8107.

mod dotnet;
#[cfg(all(feature = "xslt", not(feature = "system-libxslt")))]
mod engine;
#[cfg(feature = "system-libxslt")]
mod ffi;

use std::path::{Path, PathBuf};

pub(crate) use dotnet::reserialize;

use crate::error::{codes, Error, Messages, Result};
use crate::pipeline::{sequence, Context, TextMutator};
use crate::xml::write::Format;

/// Whether this build can run `-t` (the `xslt` feature, on by default).
pub const AVAILABLE: bool = cfg!(feature = "xslt");

/// One `-t` stylesheet, as a text mutator.
#[derive(Debug, Clone)]
pub struct TransformMutator {
    stylesheet: PathBuf,
    index: usize,
    name: String,
}

impl TransformMutator {
    /// The `index`-th (from 0) `-t` stylesheet, at `path`. Fails when the file does not exist
    /// or when this build has no XSLT.
    pub fn new(path: impl AsRef<Path>, index: usize) -> Result<TransformMutator> {
        let stylesheet = path.as_ref().to_owned();
        if !AVAILABLE {
            return Err(Error::new(
                codes::XSLT_UNAVAILABLE,
                format!(
                    "-t {}: this heat was built without XSLT (the 'xslt' feature); rebuild with \
                     default features to run transforms.",
                    stylesheet.display()
                ),
            ));
        }
        if !stylesheet.is_file() {
            return Err(Error::at(
                codes::FILE_NOT_FOUND,
                &stylesheet,
                format!("The file '{}' cannot be found.", stylesheet.display()),
            ));
        }
        Ok(TransformMutator {
            // heat's message for a failure names the transform this way too.
            name: format!("transform {}", stylesheet.display()),
            stylesheet,
            index,
        })
    }
}

impl TextMutator for TransformMutator {
    fn name(&self) -> &str {
        &self.name
    }

    fn sequence(&self) -> i32 {
        sequence::TRANSFORM + i32::try_from(self.index).unwrap_or(i32::MAX - sequence::TRANSFORM)
    }

    fn mutate_text(&mut self, cx: &mut Context, wxs: String) -> Result<String> {
        transform(&self.stylesheet, &wxs, cx.format, &mut cx.messages)
    }
}

/// The failure of stylesheet `path`, in heat's words (`HEAT5055`).
fn failed(path: &Path, detail: &str) -> Error {
    let detail = tidy(detail);
    Error::at(
        codes::TRANSFORM_FAILED,
        path,
        format!(
            "Error applying transform {} to harvested WiX: {}",
            path.display(),
            if detail.is_empty() {
                "the transform failed without a message."
            } else {
                &detail
            }
        ),
    )
}

/// libxml2's and libxslt's messages, one line each, without blank lines (nor the bare
/// "error" libxslt prints when it has no location to give).
fn tidy(messages: &str) -> String {
    messages
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty() && l.trim() != "error")
        .collect::<Vec<_>>()
        .join("\n    ")
}

/// The lines of the stylesheet at `path` that hold an `xsl:message` with `terminate="yes"`:
/// libxslt stops on one without saying where it is.
#[cfg(feature = "system-libxslt")]
fn terminating_messages(path: &Path) -> Vec<usize> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find(":message") {
        let start = from + at;
        let end = text[start..].find('>').map_or(text.len(), |e| start + e);
        let tag = &text[start..end];
        if tag.contains("terminate=\"yes\"") || tag.contains("terminate='yes'") {
            lines.push(text[..start].matches('\n').count() + 1);
        }
        from = end;
    }
    lines
}

/// Applies the stylesheet at `path` to the WiX document `wxs` and writes the result as heat
/// does, in `format` (heat always indented by four; here `-indent` holds too). Messages the
/// stylesheet writes (`xsl:message`) are reported as warnings.
pub fn transform(
    path: &Path,
    wxs: &str,
    format: Format,
    messages: &mut Messages,
) -> Result<String> {
    let result = run(path, wxs)?;
    if !result.messages.trim().is_empty() {
        messages.warn(
            codes::XSLT_MESSAGE,
            format!("{}: {}", path.display(), tidy(&result.messages)),
        );
    }
    reserialize(&result.xml, format).map_err(|e| failed(path, &e))
}

struct Output {
    xml: String,
    messages: String,
}

#[cfg(all(feature = "xslt", not(feature = "system-libxslt")))]
fn run(path: &Path, wxs: &str) -> Result<Output> {
    engine::transform(path, wxs)
        .map(|t| Output {
            xml: t.xml,
            messages: t.messages,
        })
        .map_err(|e| failed(path, &e))
}

#[cfg(feature = "system-libxslt")]
fn run(path: &Path, wxs: &str) -> Result<Output> {
    ffi::with_libxslt(|s| {
        let style = s
            .stylesheet(path)
            .ok_or_else(|| failed(path, &s.take_messages()))?;
        let doc = s.parse(wxs, "harvest.wxs").ok_or_else(|| {
            failed(
                path,
                &format!(
                    "the harvested WiX is not well-formed: {}",
                    s.take_messages()
                ),
            )
        })?;
        let compiled = s.take_messages();
        let result = s.apply(&style, &doc).ok_or_else(|| {
            let mut detail = format!("{compiled}{}", s.take_messages());
            if !detail.contains(" line ") {
                let lines = terminating_messages(path);
                if !lines.is_empty() {
                    let lines: Vec<String> = lines.iter().map(usize::to_string).collect();
                    detail.push_str(&format!(
                        "\n(stopped by an xsl:message with terminate=\"yes\", line {})",
                        lines.join(" or ")
                    ));
                }
            }
            failed(path, &detail)
        })?;
        let xml = s
            .serialize(&result)
            .ok_or_else(|| failed(path, &s.take_messages()))?;
        Ok(Output {
            xml,
            messages: format!("{compiled}{}", s.take_messages()),
        })
    })
}

#[cfg(not(feature = "xslt"))]
fn run(path: &Path, _wxs: &str) -> Result<Output> {
    Err(Error::new(
        codes::XSLT_UNAVAILABLE,
        format!("-t {}: this heat was built without XSLT.", path.display()),
    ))
}
