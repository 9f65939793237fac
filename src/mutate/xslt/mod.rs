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
//!
//! A stylesheet is a program, and runs as one that cannot harm: it writes no file (both
//! processors refuse `xsl:document`, `exsl:document` and the like; libxslt runs with its
//! security preferences forbidding writing files, creating folders and network access, and
//! with network access refused to libxml2's loader too), reads no URL (`document()` reads
//! local files only), stops when templates recurse too deep, and stops at a deadline
//! (`-xslttimeout`, 60 seconds by default). Its result must be WiX source whose root is `Wix`
//! in the output's schema's namespace, checked as the reader of `.wxs` files checks them,
//! before anything is written.

mod dotnet;
#[cfg(all(feature = "xslt", not(feature = "system-libxslt")))]
mod engine;
#[cfg(feature = "system-libxslt")]
mod ffi;

use std::path::{Path, PathBuf};
use std::time::Duration;
#[cfg(feature = "xslt")]
use std::time::Instant;

pub(crate) use dotnet::reserialize;

use crate::error::{codes, Error, Messages, Result};
use crate::pipeline::{sequence, Context, TextMutator};
use crate::wix::Schema;
use crate::xml::reader::check_wix;
use crate::xml::write::Format;

/// Whether this build can run `-t` (the `xslt` feature, on by default).
pub const AVAILABLE: bool = cfg!(feature = "xslt");

/// How long a transform may run unless `-xslttimeout` says otherwise: 60 seconds, as an
/// `-ext` program.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The stack a transform runs on: templates that call templates recurse, 3000 deep at most.
#[cfg(feature = "xslt")]
const STACK: usize = 256 << 20;

/// How long a transform stopped at its deadline is given to return before the run goes on
/// without it.
#[cfg(feature = "xslt")]
const GRACE: Duration = Duration::from_secs(5);

/// One `-t` stylesheet, as a text mutator.
#[derive(Debug, Clone)]
pub struct TransformMutator {
    stylesheet: PathBuf,
    index: usize,
    name: String,
    timeout: Duration,
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
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// The same transform, stopped with an error when it runs longer than `timeout`
    /// ([`DEFAULT_TIMEOUT`] unless set).
    pub fn with_timeout(mut self, timeout: Duration) -> TransformMutator {
        self.timeout = timeout;
        self
    }
}

/// `-xslttimeout <seconds>`: a number of seconds above 0.
pub(crate) fn parse_timeout(v: &str) -> Result<Duration> {
    v.trim()
        .parse::<f64>()
        .ok()
        .filter(|s| *s > 0.0)
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| {
            Error::new(
                codes::COMMAND_LINE,
                format!("-xslttimeout needs a number of seconds above 0, not '{v}'."),
            )
        })
}

impl TextMutator for TransformMutator {
    fn name(&self) -> &str {
        &self.name
    }

    fn sequence(&self) -> i32 {
        sequence::TRANSFORM + i32::try_from(self.index).unwrap_or(i32::MAX - sequence::TRANSFORM)
    }

    fn mutate_text(&mut self, cx: &mut Context, wxs: String) -> Result<String> {
        let out = transform(
            &self.stylesheet,
            &wxs,
            cx.format,
            self.timeout,
            &mut cx.messages,
        )?;
        // What is written must be WiX source of the run's schema, whatever the stylesheet
        // made: checked here, before anything is written.
        let path = &self.stylesheet;
        match check_wix(&out) {
            Ok(schema) if schema == cx.schema => Ok(out),
            Ok(other) => Err(failed(
                path,
                &format!(
                    "the result's root is WiX {}'s Wix element, where the output is WiX {}'s \
                     ('{}'); nothing is written.",
                    schema_version(other),
                    schema_version(cx.schema),
                    cx.schema.namespace()
                ),
            )),
            Err(e) => Err(failed(
                path,
                &format!(
                    "the result is not WiX source, so nothing is written: {}",
                    e.message()
                ),
            )),
        }
    }
}

fn schema_version(schema: Schema) -> &'static str {
    match schema {
        Schema::V3 => "v3",
        Schema::V4 => "v4",
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
/// does, in `format` (heat always indented by four; here `-indent` holds too), stopping it
/// when it runs longer than `timeout`. Messages the stylesheet writes (`xsl:message`) are
/// reported as warnings.
pub fn transform(
    path: &Path,
    wxs: &str,
    format: Format,
    timeout: Duration,
    messages: &mut Messages,
) -> Result<String> {
    let result = run(path, wxs, timeout)?;
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

/// Runs `transform` on a thread of its own with a large stack, and gives up on it once it has
/// run `timeout` and then [`GRACE`] more: `stop` is called at the deadline, and a transform
/// that does not return then is left behind (the run ends with the error).
#[cfg(feature = "xslt")]
fn bounded<T: Send + 'static>(
    path: &Path,
    timeout: Duration,
    transform: impl FnOnce(Option<Instant>) -> Result<T> + Send + 'static,
    stop: impl FnOnce(),
) -> Result<T> {
    use std::sync::mpsc::{channel, RecvTimeoutError};
    // No deadline for a time too long to add.
    let deadline = Instant::now().checked_add(timeout);
    let (tx, rx) = channel();
    std::thread::Builder::new()
        .name("xslt".into())
        .stack_size(STACK)
        .spawn(move || {
            // The receiver may have given up already.
            let _ = tx.send(transform(deadline));
        })
        .map_err(|e| failed(path, &format!("the transform could not start: {e}")))?;
    let lost = || failed(path, "the transform failed unexpectedly");
    match rx.recv_timeout(timeout) {
        Ok(r) => return r,
        Err(RecvTimeoutError::Disconnected) => return Err(lost()),
        Err(RecvTimeoutError::Timeout) => {}
    }
    stop();
    let late = || failed(path, &timed_out(timeout));
    match rx.recv_timeout(GRACE) {
        // It finished after all.
        Ok(Ok(done)) => Ok(done),
        // Stopped: the engine's own message says where it was.
        Ok(Err(e)) if e.message().contains(&timed_out(timeout)) => Err(e),
        Ok(Err(_)) | Err(RecvTimeoutError::Timeout) => Err(late()),
        Err(RecvTimeoutError::Disconnected) => Err(lost()),
    }
}

/// The message of a transform that ran past its time.
#[cfg(feature = "xslt")]
pub(crate) fn timed_out(timeout: Duration) -> String {
    format!(
        "the transform did not finish within {} s and was stopped (-xslttimeout <seconds> gives \
         it longer)",
        timeout.as_secs_f64()
    )
}

#[cfg(all(feature = "xslt", not(feature = "system-libxslt")))]
fn run(path: &Path, wxs: &str, timeout: Duration) -> Result<Output> {
    let (p, wxs) = (path.to_owned(), wxs.to_owned());
    bounded(
        path,
        timeout,
        move |deadline| {
            engine::transform(&p, &wxs, deadline.map(|d| (d, timeout)))
                .map(|t| Output {
                    xml: t.xml,
                    messages: t.messages,
                })
                .map_err(|e| failed(&p, &e))
        },
        // The engine looks at the clock itself.
        || {},
    )
}

#[cfg(feature = "system-libxslt")]
fn run(path: &Path, wxs: &str, timeout: Duration) -> Result<Output> {
    let (p, wxs) = (path.to_owned(), wxs.to_owned());
    let running = ffi::Running::default();
    let stopper = running.clone();
    bounded(
        path,
        timeout,
        move |_| run_libxslt(&p, &wxs, &running),
        move || stopper.stop(),
    )
}

#[cfg(feature = "system-libxslt")]
fn run_libxslt(path: &Path, wxs: &str, running: &ffi::Running) -> Result<Output> {
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
        let result = s.apply(&style, &doc, running).ok_or_else(|| {
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
fn run(path: &Path, _wxs: &str, _timeout: Duration) -> Result<Output> {
    Err(Error::new(
        codes::XSLT_UNAVAILABLE,
        format!("-t {}: this heat was built without XSLT.", path.display()),
    ))
}
