//! The `heat` command: heat's command line, parsed into a run of extensions, harvester,
//! mutators and writer.
//!
//! The command line is heat's own: `heat <type> <source> [options]`, options with one dash (or
//! heat's `/`), values as the next argument or after a colon (`-template:product`), `-sw<N>` and
//! `-wx<N>` with the number attached, and `@file` to read arguments from a response file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use crate::error::{codes, Error, Messages, Result, WarningPolicy};
use crate::extension::{Context, Extension, OptionSpec, Options, Setup, ValueKind};
use crate::external::ExternalExtension;
use crate::model::Schema;
use crate::standard::StandardExtension;
pub mod args;

pub use args::ParseNote;

use crate::write::{
    count_elements, count_in_text, preamble, to_text, write_text_counted, write_with, Format,
    LineEnding,
};

/// Options of the tool itself, beside the extensions' (heat's `heat.exe` switches).
const CORE_OPTIONS: &[OptionSpec] = &[
    OptionSpec::output(
        "o",
        "<file.wxs>",
        "specify output file (- for standard output)",
    ),
    OptionSpec::output("out", "<file.wxs>", "specify output file (same as -o)"),
    OptionSpec::flag("nologo", "skip printing the logo"),
    OptionSpec::flag("v", "verbose output: counts and the time of each phase"),
    OptionSpec::value("indent", "<N>", "indentation multiple (default 4)"),
    OptionSpec::flag("fips", "SHA1 instead of MD5 for WiX v3 ids (heat's -fips)"),
    OptionSpec::flag("wix3", "write the WiX v3 schema with heat v3 ids"),
    OptionSpec::flag("wix4", "write the WiX v4 schema with heat v4 ids (default)"),
    OptionSpec::flag("lf", "end lines with LF instead of heat's CRLF"),
    OptionSpec::flag("swall", "suppress all warnings (same as -sw)"),
    OptionSpec::flag("wxall", "treat all warnings as errors (same as -wx)"),
];

/// Exit code for a failed run.
pub const EXIT_ERROR: u8 = 1;
/// Exit code for a command line that cannot be understood.
pub const EXIT_USAGE: u8 = 2;
/// Exit code of an `-update` run that removed files of the previous harvest (without
/// `-keepremoved`): the output is written, but a patch or minor upgrade cannot be built from it.
pub const EXIT_FILES_REMOVED: u8 = 3;

/// The tool: the standard extension plus any others, run on a command line.
///
/// Building your own heat with an extension of yours is a few lines:
///
/// ```no_run
/// use heat::{Context, Extension, Heat, OptionSpec, Options, Setup};
///
/// struct Mine;
/// impl Extension for Mine {
///     fn name(&self) -> &str { "mine" }
///     fn options(&self) -> Vec<OptionSpec> { vec![] }
///     fn configure(&self, _: &mut Context, _: &str, _: &Options, _: &mut Setup) -> heat::Result<()> {
///         Ok(())
///     }
/// }
///
/// fn main() -> std::process::ExitCode {
///     Heat::new().with_extension(Mine).main()
/// }
/// ```
pub struct Heat {
    extensions: Vec<Box<dyn Extension>>,
}

impl Default for Heat {
    fn default() -> Self {
        Heat::new()
    }
}

impl std::fmt::Debug for Heat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.extensions.iter().map(|e| e.name().to_owned()))
            .finish()
    }
}

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// The harvest type (`dir`, `file`, …).
    pub harvest_type: String,
    /// The source to harvest.
    pub source: String,
    /// `-o`: the output file; `-` for standard output.
    pub output: Option<PathBuf>,
    /// `-wix3`/`-wix4`.
    pub schema: Schema,
    /// `-fips`.
    pub fips: bool,
    /// `-indent` and `-lf`.
    pub format: Format,
    /// `-nologo`.
    pub nologo: bool,
    /// `-v`.
    pub verbose: bool,
    /// `-sw`, `-wx`.
    pub warnings: WarningPolicy,
    /// The extensions' options, in order.
    pub options: Options,
    /// Warnings found while reading the command line, reported when the run starts.
    pub notes: Vec<ParseNote>,
}

/// What a successful run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Warnings shown.
    pub warnings: Vec<crate::error::Warning>,
    /// `File` elements written.
    pub files: usize,
    /// `Directory` elements written.
    pub directories: usize,
    /// `Component` elements written.
    pub components: usize,
    /// The exit code: 0, or another a mutator asked for (see [`EXIT_FILES_REMOVED`]), or 1
    /// when `heat check` found a change that breaks a patch.
    pub exit_code: u8,
}

enum Parsed {
    Help,
    Version,
    Run(Box<Invocation>),
    Check(Vec<String>),
}

impl Heat {
    /// The tool with heat's standard harvest types and options ([`StandardExtension`]) and
    /// `-ext` ([`ExternalExtension`]).
    pub fn new() -> Heat {
        Heat {
            extensions: vec![Box::new(StandardExtension), Box::new(ExternalExtension)],
        }
    }

    /// The tool with no extension at all, to build up by hand.
    pub fn empty() -> Heat {
        Heat {
            extensions: Vec::new(),
        }
    }

    /// Adds an extension; extensions are configured in the order added.
    pub fn with_extension(mut self, extension: impl Extension + 'static) -> Heat {
        self.extensions.push(Box::new(extension));
        self
    }

    fn all_options(&self) -> Vec<OptionSpec> {
        let mut all = CORE_OPTIONS.to_vec();
        for e in &self.extensions {
            all.extend(e.options());
        }
        all
    }

    /// Fails when two extensions (or an extension and the tool) declare the same option: which
    /// one a user meant could not be told.
    fn check_option_names(&self) -> Result<()> {
        let mut owners: Vec<(&'static str, String)> = CORE_OPTIONS
            .iter()
            .map(|o| (o.name, "heat".to_owned()))
            .collect();
        for e in &self.extensions {
            for o in e.options() {
                if let Some((_, first)) = owners.iter().find(|(n, _)| *n == o.name) {
                    return Err(Error::new(
                        codes::COMMAND_LINE,
                        format!(
                            "The option -{} is declared both by {first} and by the extension '{}'; an extension must choose another name.",
                            o.name,
                            e.name()
                        ),
                    ));
                }
                owners.push((o.name, format!("the extension '{}'", e.name())));
            }
        }
        Ok(())
    }

    /// Runs on the process's command line, prints messages on standard error and returns the
    /// exit code: 0 on success, 1 on an error, 2 on a command line that cannot be understood,
    /// 3 when `-update` removed files ([`EXIT_FILES_REMOVED`]); `heat check` exits 1 when it
    /// finds a change that breaks a patch.
    pub fn main(&self) -> ExitCode {
        let args: Vec<String> = match std::env::args_os()
            .skip(1)
            .map(|a| a.into_string())
            .collect()
        {
            Ok(a) => a,
            Err(raw) => {
                eprintln!(
                    "heat: error HEAT{:04}: the argument '{}' is not valid Unicode.",
                    codes::COMMAND_LINE,
                    raw.to_string_lossy()
                );
                return ExitCode::from(EXIT_USAGE);
            }
        };
        match self.run(&args) {
            Ok(report) => {
                for w in &report.warnings {
                    eprintln!("heat: {w}");
                }
                ExitCode::from(report.exit_code)
            }
            Err(e) => {
                eprintln!("heat: {e}");
                let usage = [
                    codes::COMMAND_LINE,
                    codes::ARGUMENT_REQUIRES_VALUE,
                    codes::SPACES_NOT_ALLOWED,
                    codes::GLOB_INVALID,
                    codes::INVALID_OUTPUT_TYPE,
                    codes::HARVEST_TYPE_UNAVAILABLE,
                ];
                ExitCode::from(if usage.contains(&e.code()) {
                    EXIT_USAGE
                } else {
                    EXIT_ERROR
                })
            }
        }
    }

    /// Runs on `args` (without the program name): harvests, mutates and writes the output.
    /// Help and version requests print to standard output.
    pub fn run(&self, args: &[String]) -> Result<Report> {
        let inv = match self.parse(args)? {
            Parsed::Help => {
                print!("{}", self.help());
                return Ok(empty_report());
            }
            Parsed::Version => {
                println!("heat-rs {}", env!("CARGO_PKG_VERSION"));
                return Ok(empty_report());
            }
            Parsed::Run(inv) => inv,
            Parsed::Check(args) => return crate::patch::check::run(&args),
        };
        self.execute(&inv)
    }

    /// Runs a parsed invocation.
    pub fn execute(&self, inv: &Invocation) -> Result<Report> {
        if !inv.nologo && inv.verbose {
            eprintln!(
                "heat-rs {} (a successor to WiX's heat.exe)",
                env!("CARGO_PKG_VERSION")
            );
        }
        let Some(output) = inv.output.as_deref() else {
            return Err(Error::new(
                codes::COMMAND_LINE,
                "No output file: give one with -o <file.wxs> (or -o - for standard output).",
            ));
        };
        let mut cx = Context::new(inv.schema, inv.fips, Messages::new(inv.warnings.clone()));
        for note in &inv.notes {
            if note.notice {
                cx.messages.notice(note.code, &note.message);
            } else {
                cx.messages.warn(note.code, &note.message);
            }
        }
        // A switch that -wx makes an error stops the run before anything is harvested.
        cx.messages.check()?;
        cx.verbose = inv.verbose;
        cx.format = inv.format;
        let mut setup = Setup::default();
        for e in &self.extensions {
            e.configure(&mut cx, &inv.harvest_type, &inv.options, &mut setup)?;
        }
        let crate::extension::Pipeline {
            harvester,
            mutators,
        } = setup.into_parts();
        let Some(harvester) = harvester else {
            if let Some((_, why)) = crate::standard::UNAVAILABLE_TYPES
                .iter()
                .find(|(t, _)| *t == inv.harvest_type)
            {
                return Err(Error::new(
                    codes::HARVEST_TYPE_UNAVAILABLE,
                    format!(
                        "The harvest type '{}' is not available: {why}.",
                        inv.harvest_type
                    ),
                ));
            }
            return Err(Error::new(
                codes::COMMAND_LINE,
                format!(
                    "Unknown harvest type '{}': use one of {}.",
                    inv.harvest_type,
                    self.type_names().join(", ")
                ),
            ));
        };

        let t0 = Instant::now();
        let progress = Progress::start(inv.nologo);
        let mut doc = harvester.harvest(&mut cx, &inv.source)?;
        let t1 = Instant::now();
        for m in &mutators {
            let start = Instant::now();
            m.mutate(&mut cx, &mut doc)
                .map_err(|e| wrap_extension_error(m.name(), e))?;
            if inv.verbose {
                eprintln!(
                    "heat: mutator {} ({}) {:.1} ms",
                    m.name(),
                    m.sequence(),
                    start.elapsed().as_secs_f64() * 1000.0
                );
            }
        }
        let t2 = Instant::now();
        let preamble = preamble(doc.schema(), inv.format.line_ending);
        let text = if mutators.iter().any(|m| m.edits_text()) {
            let mut text = to_text(&doc, inv.format);
            for m in mutators.iter().filter(|m| m.edits_text()) {
                text = m
                    .mutate_text(&mut cx, text)
                    .map_err(|e| wrap_extension_error(m.name(), e))?;
            }
            Some(text)
        } else {
            None
        };
        cx.messages.check()?;
        let t3 = Instant::now();
        // Serializing the document counts its elements for the report on the way.
        let counted = std::cell::Cell::new(None);
        let fill = |w: &mut dyn std::io::Write| -> std::io::Result<()> {
            w.write_all(&preamble)?;
            match &text {
                Some(text) => w.write_all(text.as_bytes()),
                None => {
                    counted.set(Some(write_text_counted(&doc, inv.format, w)?));
                    Ok(())
                }
            }
        };
        if output == Path::new("-") {
            let mut stdout = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
            fill(&mut stdout)
                .and_then(|()| std::io::Write::flush(&mut stdout))
                .map_err(|e| Error::io(output, "write", e))?;
        } else {
            write_with(output, fill)?;
        }
        let t4 = Instant::now();
        drop(progress);

        // After text mutators, what was written is their text, not the document.
        let [files, directories, components] = match (counted.get(), &text) {
            (Some(counts), _) => counts,
            (None, Some(text)) => count_in_text(text),
            (None, None) => count_elements(&doc),
        };
        let report = Report {
            warnings: cx.messages.take_warnings(),
            files,
            directories,
            components,
            exit_code: cx.exit_code,
        };
        if inv.verbose {
            let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1000.0;
            eprintln!(
                "heat: {} files, {} directories, {} components; harvest {:.1} ms, mutate {:.1} ms, text mutators {:.1} ms, serialize and write {:.1} ms",
                report.files,
                report.directories,
                report.components,
                ms(t0, t1),
                ms(t1, t2),
                ms(t2, t3),
                ms(t3, t4)
            );
            if let Some(peak) = peak_memory_kib() {
                eprintln!("heat: peak memory {:.1} MiB", peak as f64 / 1024.0);
            }
        }
        Ok(report)
    }

    fn type_names(&self) -> Vec<&'static str> {
        self.extensions
            .iter()
            .flat_map(|e| e.harvest_types())
            .map(|t| t.name)
            .collect()
    }

    /// The help text: harvest types, then options.
    pub fn help(&self) -> String {
        let mut s = String::from(
            "usage: heat <type> <source> [options] -o <file.wxs>\n       \
             heat check <old.wxs> <new.wxs> [-json <file.json>]   (heat check -? for more)\n\n\
             Harvest types:\n",
        );
        for e in &self.extensions {
            for t in e.harvest_types() {
                s.push_str(&format!("   {:<28} {}\n", t.name, t.help));
            }
        }
        s.push_str("\nOptions:\n");
        let mut opts = self.all_options();
        opts.sort_by(|a, b| a.name.cmp(b.name));
        for o in opts {
            let shown = match o.value {
                Some(v) => format!("-{} {v}", o.name),
                None => format!("-{}", o.name),
            };
            s.push_str(&format!("   {shown:<28} {}\n", o.help));
        }
        s.push_str(&format!(
            "   {:<28} {}\n   {:<28} {}\n   {:<28} {}\n",
            "-sw[N]",
            "suppress all warnings or a specific message ID (e.g. -sw1011)",
            "-wx[N]",
            "treat all warnings or a specific message ID as an error",
            "-? | -help",
            "this help information"
        ));
        s
    }

    /// Parses a command line into an [`Invocation`].
    pub fn parse_invocation(&self, args: &[String]) -> Result<Option<Invocation>> {
        match self.parse(args)? {
            Parsed::Run(inv) => Ok(Some(*inv)),
            _ => Ok(None),
        }
    }

    fn parse(&self, args: &[String]) -> Result<Parsed> {
        self.check_option_names()?;
        let mut notes = Vec::new();
        let args = args::expand_response_files(args, 0, &mut notes)?;
        let args = args::strip_tool_words(&args);
        if args.first().is_some_and(|a| a == "check") {
            return Ok(Parsed::Check(args[1..].to_vec()));
        }
        if args.is_empty()
            || args.iter().any(|a| {
                matches!(
                    a.as_str(),
                    "-?" | "/?" | "-help" | "/help" | "--help" | "-h"
                )
            })
        {
            return Ok(Parsed::Help);
        }
        if args.iter().any(|a| a == "--version") {
            return Ok(Parsed::Version);
        }
        let specs = self.all_options();
        let find = |name: &str| specs.iter().find(|s| s.name == name);

        let mut positional: Vec<String> = Vec::new();
        let mut options = Options::default();
        let mut inv = Invocation {
            harvest_type: String::new(),
            source: String::new(),
            output: None,
            schema: Schema::V4,
            fips: false,
            format: Format::default(),
            nologo: false,
            verbose: false,
            warnings: WarningPolicy::default(),
            options: Options::default(),
            notes: Vec::new(),
        };
        // The note of the last unknown switch, when the argument after it may be its value.
        let mut unknown_switch: Option<usize> = None;
        let mut i = 0;
        while i < args.len() {
            let arg = &args[i];
            i += 1;
            let body = if let Some(rest) = arg.strip_prefix("--") {
                Some(rest)
            } else if let Some(rest) = arg.strip_prefix('-') {
                Some(rest)
            } else {
                // heat also takes options written with '/', as Windows tools do; a '/' that
                // starts a path is kept as a path.
                arg.strip_prefix('/').filter(|rest| {
                    find(rest).is_some()
                        || is_numbered(rest)
                        || rest.split_once(':').is_some_and(|(n, _)| find(n).is_some())
                })
            };
            let Some(body) = body.filter(|b| !b.is_empty()) else {
                // heat takes the harvest type and the source by position and ignores any other
                // argument that is not a switch (an unknown switch's value among them).
                if positional.len() < 2 {
                    positional.push(arg.clone());
                } else if let Some(n) = unknown_switch.take() {
                    let note: &mut ParseNote = &mut notes[n];
                    note.message =
                        note.message
                            .replacen("' is ignored", &format!(" {arg}' is ignored"), 1);
                } else {
                    notes.push(ParseNote::warning(
                        codes::IGNORED_ARGUMENT,
                        format!(
                            "The argument '{arg}' after the source is not a switch; it is \
                             ignored, as heat ignores it (heat takes one harvest type and one \
                             source)."
                        ),
                    ));
                }
                continue;
            };
            unknown_switch = None;

            if numbered_switch(body, &mut inv.warnings)? {
                continue;
            }
            let (name, attached) = match find(body) {
                Some(_) => (body, None),
                None => match body.split_once(':') {
                    Some((n, v)) if find(n).is_some_and(|s| s.value.is_some()) => {
                        if n == "template" || n == "t" {
                            notes.push(deprecated(&format!("{n}:"), n));
                        }
                        (n, Some(v.to_owned()))
                    }
                    _ => {
                        // heat hands every argument to its extensions, and one none of them
                        // claims is ignored: say so, and go on as heat does.
                        let names = specs.iter().map(|s| s.name);
                        notes.push(ParseNote::warning(
                            codes::UNKNOWN_SWITCH,
                            format!(
                                "The switch '{arg}' is ignored: heat does not know it, and \
                                 ignores it{}.",
                                args::did_you_mean(body, names)
                                    .replace("(did you mean '", "(did you mean '-")
                            ),
                        ));
                        if positional.len() >= 2 {
                            unknown_switch = Some(notes.len() - 1);
                        }
                        continue;
                    }
                },
            };
            let spec = find(name).expect("found above");
            let value = if spec.value.is_some() {
                let value = match attached {
                    Some(v) => v,
                    None => {
                        let next = args.get(i).filter(|v| {
                            !v.trim().is_empty() && (!v.starts_with('-') || v.as_str() == "-")
                        });
                        match next {
                            Some(v) => {
                                i += 1;
                                v.clone()
                            }
                            None => {
                                return Err(Error::new(
                                    codes::ARGUMENT_REQUIRES_VALUE,
                                    format!(
                                        "The argument '{arg}' does not have a value specified and it is required."
                                    ),
                                ))
                            }
                        }
                    }
                };
                let what = format!("-{name}");
                Some(match spec.kind {
                    ValueKind::Text => value,
                    _ if value == "-" => value,
                    ValueKind::Input => args::host_path(&value, false, &what, &mut notes),
                    ValueKind::Output => args::host_path(&value, true, &what, &mut notes),
                })
            } else {
                None
            };
            match (name, value) {
                ("o" | "out", v) => inv.output = v.map(PathBuf::from),
                ("nologo", _) => inv.nologo = true,
                ("v", _) => inv.verbose = true,
                ("fips", _) => inv.fips = true,
                ("wix3", _) => inv.schema = Schema::V3,
                ("wix4", _) => inv.schema = Schema::V4,
                ("lf", _) => inv.format.line_ending = LineEnding::Lf,
                // heat shows these two warnings before the switch takes effect: -wxall does
                // not make its own warning an error.
                ("swall", _) => {
                    notes.push(ParseNote {
                        notice: true,
                        ..deprecated("swall", "sw")
                    });
                    inv.warnings.suppress_all = true;
                }
                ("wxall", _) => {
                    notes.push(ParseNote {
                        notice: true,
                        ..deprecated("wxall", "wx")
                    });
                    inv.warnings.error_all = true;
                }
                ("indent", Some(v)) => {
                    inv.format.indent = v.parse().map_err(|_| {
                        Error::new(
                            codes::COMMAND_LINE,
                            format!("-indent needs a number, not '{v}'."),
                        )
                    })?
                }
                (n, v) => options.push(n, v),
            }
        }
        let mut positional = positional.into_iter();
        inv.harvest_type = positional.next().ok_or_else(|| {
            Error::new(
                codes::COMMAND_LINE,
                "No harvest type given. Run 'heat -?' for usage.",
            )
        })?;
        let source = positional.next().ok_or_else(|| {
            Error::new(
                codes::COMMAND_LINE,
                format!("No source given for harvest type '{}'.", inv.harvest_type),
            )
        })?;
        inv.source = args::host_path(&source, false, "The source", &mut notes);
        inv.options = options;
        inv.notes = notes;
        Ok(Parsed::Run(Box::new(inv)))
    }
}

/// heat's warning for a switch it still reads under an old spelling.
fn deprecated(old: &str, new: &str) -> ParseNote {
    ParseNote::warning(
        codes::DEPRECATED_SWITCH,
        format!("The command line switch '{old}' is deprecated. Please use '{new}' instead."),
    )
}

/// A progress line on a terminal's standard error (files and folders seen, and the rate) for a
/// harvest running longer than about a second (`HEAT_PROGRESS_AFTER_MS` sets that delay);
/// nothing when standard error is not a terminal or with `-nologo`. The line is cleared when
/// the value is dropped.
struct Progress {
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start(quiet: bool) -> Progress {
        use std::io::IsTerminal;
        if quiet || !std::io::stderr().is_terminal() {
            return Progress {
                stop: None,
                thread: None,
            };
        }
        let delay = std::env::var("HEAT_PROGRESS_AFTER_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1000u64);
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let start = Instant::now();
        let (files0, folders0) = crate::walk::progress::seen();
        let thread = std::thread::spawn(move || {
            use std::sync::mpsc::RecvTimeoutError;
            if stopped.recv_timeout(std::time::Duration::from_millis(delay))
                != Err(RecvTimeoutError::Timeout)
            {
                return;
            }
            let mut last = u64::MAX;
            loop {
                let (files, folders) = crate::walk::progress::seen();
                let (files, folders) = (files - files0, folders - folders0);
                if files != last {
                    let rate = files as f64 / start.elapsed().as_secs_f64().max(0.001);
                    eprint!("\rheat: {files} files, {folders} folders seen, {rate:.0} files/s   ");
                } else {
                    eprint!(
                        "\rheat: {files} files, {folders} folders seen; writing the harvest   "
                    );
                }
                last = files;
                match stopped.recv_timeout(std::time::Duration::from_millis(250)) {
                    Err(RecvTimeoutError::Timeout) => continue,
                    _ => break,
                }
            }
            eprint!("\r{:80}\r", "");
        });
        Progress {
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The process's peak resident memory in KiB, where the system tells it (Linux).
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn empty_report() -> Report {
    Report {
        warnings: Vec::new(),
        files: 0,
        directories: 0,
        components: 0,
        exit_code: 0,
    }
}

fn is_numbered(body: &str) -> bool {
    ["sw", "wx"].iter().any(|p| {
        body.strip_prefix(p)
            .is_some_and(|n| n.is_empty() || n.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// `-sw`, `-sw<N>`, `-wx`, `-wx<N>`.
fn numbered_switch(body: &str, policy: &mut WarningPolicy) -> Result<bool> {
    for (prefix, suppress) in [("sw", true), ("wx", false)] {
        let Some(rest) = body.strip_prefix(prefix) else {
            continue;
        };
        if rest.is_empty() {
            if suppress {
                policy.suppress_all = true;
            } else {
                policy.error_all = true;
            }
            return Ok(true);
        }
        if rest.bytes().all(|b| b.is_ascii_digit()) {
            let n: u32 = rest.parse().map_err(|_| {
                Error::new(
                    codes::COMMAND_LINE,
                    format!("-{body}: not a message number."),
                )
            })?;
            if suppress {
                policy.suppress.push(n);
            } else {
                policy.error.push(n);
            }
            return Ok(true);
        }
    }
    Ok(false)
}

fn wrap_extension_error(name: &str, e: Error) -> Error {
    if e.message().contains(name) {
        return e;
    }
    let code = e.code();
    Error::new(code, format!("{name}: {}", e.message()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Invocation {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        Heat::new().parse_invocation(&args).unwrap().unwrap()
    }

    #[test]
    fn heat_spellings() {
        let inv = parse(&[
            "dir",
            "src",
            "-cg",
            "CG",
            "-template:product",
            "/srd",
            "-sw1011",
            "-wx",
            "-out",
            "/builds/app.wxs",
        ]);
        assert_eq!(inv.options.value("cg"), Some("CG"));
        assert_eq!(inv.options.value("template"), Some("product"));
        assert!(inv.options.flag("srd"));
        assert_eq!(inv.warnings.suppress, [1011]);
        assert!(inv.warnings.error_all);
        assert_eq!(inv.output.as_deref(), Some(Path::new("/builds/app.wxs")));
        assert_eq!(inv.source, "src");
    }

    #[test]
    fn unknown_switches_are_warnings_and_their_values_are_not_sources() {
        let inv = parse(&["dir", "src", "-frag", "-bogus", "x86", "-cg", "G", "stray"]);
        assert_eq!(inv.source, "src");
        assert_eq!(inv.options.value("cg"), Some("G"));
        let notes: Vec<(u32, &str)> = inv
            .notes
            .iter()
            .map(|n| (n.code, n.message.as_str()))
            .collect();
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert_eq!(notes[0].0, codes::UNKNOWN_SWITCH);
        assert!(notes[0].1.contains("'-frag'") && notes[0].1.contains("did you mean '-sfrag'"));
        assert!(notes[1].1.contains("'-bogus x86'"), "{}", notes[1].1);
        assert_eq!(notes[2].0, codes::IGNORED_ARGUMENT);
        assert!(notes[2].1.contains("'stray'"));
        assert!(notes.iter().all(|(_, _)| !inv.notes[0].notice));
    }

    #[test]
    fn heats_own_switches_of_other_types_are_known() {
        let inv = parse(&[
            "dir",
            "src",
            "-platform",
            "x86",
            "-pog",
            "Binaries",
            "-configuration",
            "Release",
            "-wixvar",
            "-directoryid",
            "d",
            "-projectname",
            "p",
        ]);
        assert_eq!(inv.source, "src");
        assert!(inv.notes.is_empty(), "{:?}", inv.notes);
    }

    #[test]
    fn missing_value() {
        let args: Vec<String> = ["dir", "src", "-cg", "-srd"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let err = Heat::new().parse_invocation(&args).unwrap_err();
        assert_eq!(err.code(), codes::ARGUMENT_REQUIRES_VALUE);
    }

    #[test]
    fn an_option_declared_twice_is_an_error() {
        struct Clash;
        impl crate::Extension for Clash {
            fn name(&self) -> &str {
                "clash"
            }
            fn options(&self) -> Vec<OptionSpec> {
                vec![OptionSpec::flag("srd", "mine")]
            }
            fn configure(
                &self,
                _: &mut Context,
                _: &str,
                _: &Options,
                _: &mut Setup,
            ) -> Result<()> {
                Ok(())
            }
        }
        let args: Vec<String> = ["dir", "src"].iter().map(|s| s.to_string()).collect();
        let err = Heat::new()
            .with_extension(Clash)
            .parse_invocation(&args)
            .unwrap_err();
        assert!(
            err.message().contains("-srd") && err.message().contains("clash"),
            "{err}"
        );
    }
}
