//! The command line, the top layer: the only part of the crate that parses arguments, prints,
//! and maps what a run did to an exit code.
//!
//! The command line is heat's own: `heat <type> <source> [options]`, options with one dash (or
//! heat's `/`), values as the next argument or after a colon (`-template:product`), `-sw<N>` and
//! `-wx<N>` with the number attached, and `@file` to read arguments from a response file; and
//! `heat check <old.wxs> <new.wxs>`, read the same way.

pub(crate) mod args;
mod display;
mod generate;
mod outputs;

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::rc::Rc;
use std::time::Instant;

use args::ParseNote;
use outputs::{Named, Target};

use crate::error::{codes, shown, Error, Messages, Result, Warning, WarningPolicy};
use crate::extension::standard::UNAVAILABLE_TYPES;
use crate::extension::{
    Configure, Extension, OptionSpec, Options, StandardExtension, StandardOptions, ValueKind,
    Win64Extension,
};
use crate::patch::{CheckReport, UpdateReport};
use crate::pipeline::{Context, Harvested, Setup};
use crate::wix::Schema;
use crate::xml::write::{
    count_in_text, document_error, preamble, write_text_counted, Format, LineEnding,
};

/// The options of the tool itself, beside the extensions' (heat's `heat.exe` switches).
mod core {
    use crate::extension::{Flag, Parameter};

    pub const O: Parameter = Parameter::output(
        "o",
        "<file.wxs>",
        "specify output file (- for standard output)",
    );
    pub const OUT: Parameter =
        Parameter::output("out", "<file.wxs>", "specify output file (same as -o)");
    pub const NOLOGO: Flag = Flag::new("nologo", "skip printing the logo");
    pub const V: Flag = Flag::new("v", "verbose output: counts and the time of each phase");
    pub const INDENT: Parameter =
        Parameter::text("indent", "<N>", "indentation multiple (default 4)");
    pub const FIPS: Flag = Flag::new("fips", "SHA1 instead of MD5 for WiX v3 ids (heat's -fips)");
    pub const WIX3: Flag = Flag::new("wix3", "write the WiX v3 schema with heat v3 ids");
    pub const WIX4: Flag = Flag::new("wix4", "write the WiX v4 schema with heat v4 ids (default)");
    pub const LF: Flag = Flag::new("lf", "end lines with LF instead of heat's CRLF");
    pub const SWALL: Flag = Flag::new("swall", "suppress all warnings (same as -sw)");
    pub const WXALL: Flag = Flag::new("wxall", "treat all warnings as errors (same as -wx)");
    /// `heat check`'s.
    pub const JSON: Parameter = Parameter::output(
        "json",
        "<file.json>",
        "also write the findings as JSON (- for standard output; the findings then go to \
         standard error)",
    );
}

/// Where a switch of [`TOOL_SWITCHES`] is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// In place of the harvest type: the first argument.
    First,
    /// Among the options.
    Options,
    /// Either.
    Anywhere,
}

/// A switch the command line reads itself, outside the option table.
struct ToolSwitch {
    /// As the help shows it.
    shown: &'static str,
    /// The words a shell completes for it.
    words: &'static [&'static str],
    /// The values it takes, when it takes one.
    values: &'static [&'static str],
    /// Its line of help.
    help: &'static str,
    /// Where it is given.
    place: Place,
}

/// The switches the command line reads itself, for the help, the completions and the man page.
const TOOL_SWITCHES: &[ToolSwitch] = &[
    ToolSwitch {
        shown: "-sw[N]",
        words: &["-sw"],
        values: &[],
        help: "suppress all warnings or a specific message ID (e.g. -sw1011)",
        place: Place::Options,
    },
    ToolSwitch {
        shown: "-wx[N]",
        words: &["-wx"],
        values: &[],
        help: "treat all warnings or a specific message ID as an error",
        place: Place::Options,
    },
    ToolSwitch {
        shown: "-? | -help",
        words: &["-help"],
        values: &[],
        help: "this help information",
        place: Place::Anywhere,
    },
    ToolSwitch {
        shown: "--version",
        words: &["--version"],
        values: &[],
        help: "the version of this tool",
        place: Place::First,
    },
    ToolSwitch {
        shown: "--generate <kind>",
        words: &["--generate"],
        values: generate::KIND_NAMES,
        help: "print a shell completion script or the man page, made from this help's table: \
               complete-bash, complete-zsh, complete-fish, complete-powershell or man",
        place: Place::First,
    },
];

/// The exit codes, for the help texts and the man page.
const EXIT_CODE_ROWS: &[(u8, &str)] = &[
    (0, "success (heat check: nothing breaks a patch)"),
    (1, "an error (heat check: something breaks a patch)"),
    (2, "a command line that cannot be understood"),
    (
        3,
        "-update removed files of the previous harvest (the output is written)",
    ),
    (
        130,
        "stopped by SIGINT (Ctrl+C): temporary files removed, an earlier output left as it was",
    ),
    (
        143,
        "stopped by SIGTERM: temporary files removed, an earlier output left as it was",
    ),
];

/// Exit code for a failed run; `heat check`: a change breaks a patch.
pub const EXIT_ERROR: u8 = 1;
/// Exit code for a command line that cannot be understood.
pub const EXIT_USAGE: u8 = 2;
/// Exit code of an `-update` run that removed files of the previous harvest (without
/// `-keepremoved`): the output is written, but a patch or minor upgrade cannot be built from it.
pub const EXIT_FILES_REMOVED: u8 = 3;

/// The tool: heat's standard extensions plus any others, run on a command line.
///
/// Building your own heat with an extension of yours is a few lines:
///
/// ```no_run
/// use heat::extension::Configure;
/// use heat::{Extension, Heat};
///
/// struct Mine;
/// impl Extension for Mine {
///     fn name(&self) -> &str { "mine" }
///     fn configure(&self, _run: &mut Configure<'_>) -> heat::Result<()> { Ok(()) }
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

/// What a run did, for the caller to show: [`Heat::main`] prints it and exits with
/// [`exit_code`](Self::exit_code).
#[derive(Debug)]
#[non_exhaustive]
pub enum Outcome {
    /// `-?`: the help text.
    Help(String),
    /// `--version`: the version line.
    Version(String),
    /// `--generate <kind>`: a shell completion script or the man page, for standard output.
    Generated(String),
    /// A harvest, written.
    Harvest(HarvestReport),
    /// `heat check`.
    Check(CheckOutcome),
}

impl Outcome {
    /// The exit code the outcome means: 0; [`EXIT_FILES_REMOVED`] when `-update` removed files
    /// without leftovers; [`EXIT_ERROR`] when `heat check` found a change that breaks a patch.
    pub fn exit_code(&self) -> u8 {
        match self {
            Outcome::Harvest(h) if h.update.as_ref().is_some_and(UpdateReport::files_removed) => {
                EXIT_FILES_REMOVED
            }
            Outcome::Check(c) if !c.report.findings.is_empty() => EXIT_ERROR,
            _ => 0,
        }
    }

    /// The warnings of the run.
    pub fn warnings(&self) -> &[Warning] {
        match self {
            Outcome::Harvest(h) => &h.warnings,
            Outcome::Check(c) => &c.warnings,
            _ => &[],
        }
    }
}

/// What a harvest wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HarvestReport {
    /// Warnings shown.
    pub warnings: Vec<Warning>,
    /// `File` elements written.
    pub files: usize,
    /// `Directory` elements written.
    pub directories: usize,
    /// `Component` elements written.
    pub components: usize,
    /// What `-update` kept, added and removed.
    pub update: Option<UpdateReport>,
    /// The verbose messages (`-v`).
    pub verbose: Vec<String>,
}

/// What `heat check` found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CheckOutcome {
    /// The findings.
    pub report: CheckReport,
    /// Warnings of the run.
    pub warnings: Vec<Warning>,
    /// Whether the JSON went to standard output (`-json -`): the findings are then shown on
    /// standard error.
    pub json_on_stdout: bool,
}

/// A command line read: its positional arguments, the extensions' options, the tool's own
/// settings and the warnings found.
struct Line {
    positional: Vec<String>,
    options: Options,
    output: Option<PathBuf>,
    schema: Schema,
    fips: bool,
    format: Format,
    nologo: bool,
    verbose: bool,
    warnings: WarningPolicy,
    notes: Vec<ParseNote>,
    /// The files the run reads, by what named them: the source (or `heat check`'s two
    /// harvests), every option that names a file to read, the response files.
    inputs: Vec<Named>,
    /// The files the options other than `-o` write (`-updatereport`, `-json`).
    outputs: Vec<Named>,
}

impl Heat {
    /// The tool with heat's standard harvest types and options ([`StandardExtension`]) and the
    /// built-in [`Win64Extension`].
    pub fn new() -> Heat {
        Heat {
            extensions: vec![Box::new(StandardExtension), Box::new(Win64Extension)],
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

    /// The tool's own options.
    fn core_options() -> Vec<OptionSpec> {
        let flags = [
            core::NOLOGO,
            core::V,
            core::FIPS,
            core::WIX3,
            core::WIX4,
            core::LF,
            core::SWALL,
            core::WXALL,
        ];
        let mut all: Vec<OptionSpec> = flags.into_iter().map(OptionSpec::from).collect();
        all.extend([core::O, core::OUT, core::INDENT].map(OptionSpec::from));
        all
    }

    fn harvest_options(&self) -> Vec<OptionSpec> {
        let mut all = Heat::core_options();
        for e in &self.extensions {
            all.extend(e.options());
        }
        all
    }

    fn check_options() -> Vec<OptionSpec> {
        vec![core::NOLOGO.into(), core::V.into(), core::JSON.into()]
    }

    /// Fails when two extensions (or an extension and the tool) declare the same option: which
    /// one a user meant could not be told.
    fn check_option_names(&self) -> Result<()> {
        let mut owners: Vec<(&'static str, String)> = Heat::core_options()
            .iter()
            .map(|o| (o.name(), "heat".to_owned()))
            .collect();
        for e in &self.extensions {
            for o in e.options() {
                if let Some((_, first)) = owners.iter().find(|(n, _)| *n == o.name()) {
                    return Err(Error::new(
                        codes::COMMAND_LINE,
                        format!(
                            "The option -{} is declared both by {first} and by the extension '{}'; an extension must choose another name.",
                            o.name(),
                            e.name()
                        ),
                    ));
                }
                owners.push((o.name(), format!("the extension '{}'", e.name())));
            }
        }
        Ok(())
    }

    /// Runs on the process's command line, prints what the run did (warnings and reports on
    /// standard error; `heat check`'s findings on standard output) and returns the exit code:
    /// 0 on success, 1 on an error, 2 on a command line that cannot be understood, 3 when
    /// `-update` removed files ([`EXIT_FILES_REMOVED`]); `heat check` exits 1 when it finds a
    /// change that breaks a patch.
    pub fn main(&self) -> ExitCode {
        outputs::stop_cleanly_on_signals();
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
                    shown(&raw.to_string_lossy())
                );
                return ExitCode::from(EXIT_USAGE);
            }
        };
        match self.run_with(&args, true) {
            Ok(outcome) => {
                show(&outcome);
                ExitCode::from(outcome.exit_code())
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

    /// Runs on `args` (without the program name): harvests, mutates and writes the output and
    /// any other file the run asked for (or checks two harvests), and returns what it did.
    /// Nothing is printed; a harvest to `-o -` writes standard output.
    pub fn run(&self, args: &[String]) -> Result<Outcome> {
        self.run_with(args, false)
    }

    /// [`run`](Self::run); `live` shows verbose messages and the progress line as they come.
    fn run_with(&self, args: &[String], live: bool) -> Result<Outcome> {
        self.check_option_names()?;
        let mut notes = Vec::new();
        let mut response_files = Vec::new();
        let args = args::expand_response_files(args, 0, &mut notes, &mut response_files)?;
        let response_files = response_files
            .into_iter()
            .map(|p| Named::new("the response file", p));
        let args = args::strip_tool_words(&args);
        if let Some(kind) = generate_request(args)? {
            let program = if live {
                program_name()
            } else {
                "heat".to_owned()
            };
            return Ok(Outcome::Generated(generate::generate(
                kind,
                &self.command_table(program),
            )));
        }
        if args.is_empty() || args.iter().any(|a| is_help(a)) {
            return Ok(Outcome::Help(match args.first().map(String::as_str) {
                Some("check") => CHECK_HELP.to_owned(),
                _ => self.help(),
            }));
        }
        if args.iter().any(|a| a == "--version") {
            return Ok(Outcome::Version(format!(
                "heat-rs {}",
                env!("CARGO_PKG_VERSION")
            )));
        }
        if args[0] == "check" {
            let mut line = parse_line(&args[1..], &Heat::check_options(), &[0, 1])?;
            line.notes.splice(0..0, notes);
            line.inputs.extend(response_files);
            return self.check(line).map(Outcome::Check);
        }
        let mut line = parse_line(args, &self.harvest_options(), &[1])?;
        line.notes.splice(0..0, notes);
        line.inputs.extend(response_files);
        self.harvest(line, live).map(Outcome::Harvest)
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
        let mut opts = self.harvest_options();
        opts.sort_by(|a, b| a.name().cmp(b.name()));
        for o in opts {
            let shown = match o.placeholder() {
                Some(v) => format!("-{} {v}", o.name()),
                None => format!("-{}", o.name()),
            };
            s.push_str(&format!("   {shown:<28} {}\n", o.help()));
        }
        for sw in TOOL_SWITCHES {
            s.push_str(&format!("   {:<28} {}\n", sw.shown, sw.help));
        }
        s.push_str("\nExit codes:\n");
        for (code, meaning) in EXIT_CODE_ROWS {
            s.push_str(&format!("   {code:<28} {meaning}\n"));
        }
        s
    }

    /// What the command line accepts, for `--generate`: the harvest types and the option
    /// tables the parser reads.
    fn command_table(&self, program: String) -> generate::Table {
        let mut options = self.harvest_options();
        options.sort_by(|a, b| a.name().cmp(b.name()));
        generate::Table {
            program,
            types: self
                .extensions
                .iter()
                .flat_map(|e| e.harvest_types())
                .collect(),
            options,
            check_options: Heat::check_options(),
        }
    }

    fn harvest(&self, line: Line, live: bool) -> Result<HarvestReport> {
        let Some(output) = line.output.clone() else {
            return Err(Error::new(
                codes::COMMAND_LINE,
                "No output file: give one with -o <file.wxs> (or -o - for standard output).",
            ));
        };
        let [harvest_type, source] = &line.positional[..] else {
            return Err(match line.positional.first() {
                None => Error::new(
                    codes::COMMAND_LINE,
                    "No harvest type given. Run 'heat -?' for usage.",
                ),
                Some(t) => Error::new(
                    codes::COMMAND_LINE,
                    format!("No source given for harvest type '{t}'."),
                ),
            });
        };
        let verbose = Rc::new(RefCell::new(Vec::new()));
        let mut cx = Context::new(line.schema, line.fips, messages_for(&line, live, &verbose));
        cx.verbose = line.verbose;
        cx.format = line.format;
        if line.verbose && !line.nologo {
            cx.messages.verbose(format!(
                "heat-rs {} (a successor to WiX's heat.exe)",
                env!("CARGO_PKG_VERSION")
            ));
        }
        // A switch that -wx makes an error stops the run before anything is harvested.
        cx.messages.check()?;
        let standard = StandardOptions::parse(harvest_type, &line.options, &mut cx.messages)?;
        let mut setup = Setup::default();
        for e in &self.extensions {
            let mut run = Configure {
                harvest_type,
                options: &line.options,
                standard: &standard,
                cx: &mut cx,
                setup: &mut setup,
            };
            e.configure(&mut run)?;
        }
        if !setup.has_harvester() {
            return Err(self.no_harvester(harvest_type));
        }
        // Every file the run writes is checked against every file it reads, and against the
        // others, before anything is harvested; again with the extensions' outputs, once they
        // are known, before anything is written.
        let mut inputs = line.inputs.clone();
        for command in line.options.values(&crate::extension::standard::opt::EXT) {
            let words = crate::mutate::external::split_command_line(command).unwrap_or_default();
            inputs.extend(
                words
                    .into_iter()
                    .filter(|w| std::fs::metadata(w).is_ok_and(|m| m.is_file()))
                    .map(|w| Named::new("the -ext program", w)),
            );
        }
        let main_output = Named::new("-o", &output);
        let option_outputs = last_of_each(&line.outputs);
        let planned = outputs::plan(Some(&main_output), &option_outputs, &inputs)?;
        cx.set_written_files(
            planned
                .iter()
                .filter_map(|(_, t)| t.file().map(Path::to_owned))
                .collect(),
        );

        let t0 = Instant::now();
        let progress = display::ProgressLine::start(!live || line.nologo, cx.progress().clone());
        let harvested = setup.run(&mut cx, source).expect("a harvester is set")?;
        cx.messages.check()?;
        let t1 = Instant::now();
        let preamble = preamble(cx.schema, line.format.line_ending);
        let mut counts = [0; 3];
        let fill = |w: &mut dyn std::io::Write| -> std::io::Result<()> {
            w.write_all(&preamble)?;
            match &harvested {
                Harvested::Text(text) => {
                    counts = count_in_text(text);
                    w.write_all(text.as_bytes())
                }
                Harvested::Document(doc) => {
                    counts = write_text_counted(doc, line.format, w)?;
                    Ok(())
                }
            }
        };
        // The files the run asked for beside its output, checked with it before any is written.
        let extras = cx.take_outputs();
        let mut others = option_outputs;
        for extra in &extras {
            if !others.iter().any(|o| o.path == extra.path) {
                others.push(Named::new("an extension's output", &extra.path));
            }
        }
        let planned = outputs::plan(Some(&main_output), &others, &inputs)?;
        let target_of = |path: &Path| {
            planned
                .iter()
                .find(|(n, _)| n.path == path)
                .map(|(_, t)| t.clone())
                .unwrap_or(Target::Stdout)
        };
        outputs::write(&planned[0].1, &output, fill).map_err(|e| not_written(&output, e))?;
        drop(harvested);
        for extra in extras {
            outputs::write(&target_of(&extra.path), &extra.path, |w| {
                w.write_all(&extra.bytes)
            })?;
        }
        let t2 = Instant::now();
        drop(progress);
        let [files, directories, components] = counts;
        if line.verbose {
            let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1000.0;
            cx.messages.verbose(format!(
                "{files} files, {directories} directories, {components} components; harvest and \
                 mutate {:.1} ms, serialize and write {:.1} ms",
                ms(t0, t1),
                ms(t1, t2)
            ));
            if let Some(peak) = display::peak_memory_kib() {
                cx.messages
                    .verbose(format!("peak memory {:.1} MiB", peak as f64 / 1024.0));
            }
        }
        let update = cx.take::<UpdateReport>();
        let warnings = cx.messages.take_warnings();
        drop(cx);
        let verbose = verbose.take();
        Ok(HarvestReport {
            warnings,
            files,
            directories,
            components,
            update,
            verbose,
        })
    }

    /// The error for a run that no extension set a harvester for.
    fn no_harvester(&self, harvest_type: &str) -> Error {
        if let Some((_, why)) = UNAVAILABLE_TYPES.iter().find(|(t, _)| *t == harvest_type) {
            return Error::new(
                codes::HARVEST_TYPE_UNAVAILABLE,
                format!("The harvest type '{harvest_type}' is not available: {why}."),
            );
        }
        let types: Vec<&str> = self
            .extensions
            .iter()
            .flat_map(|e| e.harvest_types())
            .map(|t| t.name)
            .collect();
        Error::new(
            codes::COMMAND_LINE,
            format!(
                "Unknown harvest type '{harvest_type}': use one of {}.",
                types.join(", ")
            ),
        )
    }

    fn check(&self, line: Line) -> Result<CheckOutcome> {
        let [old_name, new_name] = &line.positional[..] else {
            return Err(Error::new(
                codes::COMMAND_LINE,
                format!(
                    "heat check takes two harvests, the old and the new ({} given). Run 'heat check -?' for usage.",
                    line.positional.len()
                ),
            ));
        };
        let verbose = Rc::new(RefCell::new(Vec::new()));
        let mut messages = messages_for(&line, false, &verbose);
        messages.check()?;
        let json = line.options.value(&core::JSON);
        // The JSON file may be neither of the harvests.
        let planned = outputs::plan(None, &last_of_each(&line.outputs), &line.inputs)?;
        let report = CheckReport::of_files(Path::new(old_name), Path::new(new_name))?;
        if let Some(path) = json {
            let mut text = serde_json::to_string_pretty(&report.to_json())
                .expect("a JSON value always serializes");
            text.push('\n');
            if path == "-" {
                print!("{text}");
            } else {
                let target = planned
                    .iter()
                    .find(|(n, _)| n.path == Path::new(path))
                    .map_or(Target::Stdout, |(_, t)| t.clone());
                outputs::write(&target, Path::new(path), |w| w.write_all(text.as_bytes()))?;
            }
        }
        Ok(CheckOutcome {
            report,
            warnings: messages.take_warnings(),
            json_on_stdout: json == Some("-"),
        })
    }
}

/// The last of the outputs each option names (an option given twice writes its last value).
fn last_of_each(outputs: &[Named]) -> Vec<Named> {
    let mut last: Vec<Named> = Vec::new();
    for o in outputs {
        last.retain(|l| l.what != o.what);
        last.push(o.clone());
    }
    last
}

/// The run's messages: `-sw`/`-wx` as given, the command line's warnings first, verbose
/// messages kept in `verbose` (and shown as they come when `live`).
/// The error of writing the output `path`: the document's own problem (`HEAT8108`, a name or
/// character XML cannot carry) when that stopped the writer, else the input/output error.
fn not_written(path: &Path, e: Error) -> Error {
    match e.io_error().and_then(document_error) {
        Some(problem) => Error::at(
            problem.code(),
            path,
            format!("'{}' is not written: {}", path.display(), problem.message()),
        ),
        None => e,
    }
}

fn messages_for(line: &Line, live: bool, verbose: &Rc<RefCell<Vec<String>>>) -> Messages {
    let mut messages = Messages::new(line.warnings.clone());
    for note in &line.notes {
        if note.notice {
            messages.notice(note.code, &note.message);
        } else {
            messages.warn(note.code, &note.message);
        }
    }
    let kept = Rc::clone(verbose);
    messages.set_listener(move |m| {
        if live {
            eprintln!("heat: {}", shown(m));
        }
        kept.borrow_mut().push(m.to_owned());
    });
    messages
}

/// Prints what a run did: warnings and reports on standard error, `heat check`'s findings on
/// standard output (on standard error when its JSON took standard output), help on standard
/// output.
fn show(outcome: &Outcome) {
    for w in outcome.warnings() {
        eprintln!("heat: {w}");
    }
    match outcome {
        Outcome::Help(text) => print!("{text}"),
        Outcome::Version(line) => println!("{line}"),
        Outcome::Generated(text) => print!("{text}"),
        Outcome::Harvest(h) => {
            if let Some(update) = &h.update {
                for line in update.to_text().lines() {
                    eprintln!("heat: {}", shown(line));
                }
            }
        }
        Outcome::Check(c) => {
            for f in &c.report.findings {
                let f = f.to_string();
                if c.json_on_stdout {
                    eprintln!("{}", shown(&f));
                } else {
                    println!("{}", shown(&f));
                }
            }
            eprintln!("heat check: {}", c.report.summary());
        }
    }
}

fn is_help(arg: &str) -> bool {
    matches!(arg, "-?" | "/?" | "-help" | "/help" | "--help" | "-h")
}

/// `--generate <kind>` (or `--generate=<kind>`) as the first argument: the kind asked for.
/// Anywhere else, `--generate` is heat's `-generate` (`components` or `payloadgroup`), spelled
/// with two dashes.
fn generate_request(args: &[String]) -> Result<Option<generate::Kind>> {
    let Some(first) = args.first() else {
        return Ok(None);
    };
    let name = match first.strip_prefix("--generate") {
        Some("") => args.get(1).map(String::as_str),
        Some(rest) => match rest.strip_prefix('=') {
            Some(name) => Some(name),
            None => return Ok(None),
        },
        None => return Ok(None),
    };
    let kinds = generate::KIND_NAMES.join(", ");
    match name {
        Some(name) => generate::Kind::named(name).map(Some).ok_or_else(|| {
            Error::new(
                codes::COMMAND_LINE,
                format!("--generate {name}: not something heat generates; use one of {kinds}."),
            )
        }),
        None => Err(Error::new(
            codes::COMMAND_LINE,
            format!("--generate needs what to generate: one of {kinds}."),
        )),
    }
}

/// The name the program was started by (`heat`, `heat-mydir`), for the scripts `--generate`
/// makes to name; `heat` when it cannot be told.
fn program_name() -> String {
    std::env::args_os()
        .next()
        .and_then(|a| {
            Path::new(&a)
                .file_stem()
                .and_then(|s| s.to_str())
                .map(str::to_owned)
        })
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "heat".to_owned())
}

const CHECK_HELP: &str = "\
usage: heat check <old.wxs> <new.wxs> [-json <file.json>]

Lists every change from the old harvest to the new one that breaks a patch or a minor upgrade:
a component removed, removed from its group or moved to another, a GUID, key path, Component,
File or Directory id changed for the same install location. Exits 0 when there is none, 1 when
there is any (or on an error), 2 on a bad command line.

Options:
   -json <file.json>            also write the findings as JSON (- for standard output; the
                                findings then go to standard error)
   -nologo                      accepted, as heat's other commands take it
   -v                           verbose output
   -sw[N], -wx[N]               suppress warnings, or treat them as errors
   -? | -help                   this help information
";

/// Reads a command line with the options `specs` declare: `inputs` are the positions of the
/// positional arguments that are paths to read (translated from Windows paths where needed).
/// The first two positional arguments are taken by position, as heat takes the harvest type
/// and the source; a switch none of `specs` declares, and any other argument that is not a
/// switch, are warnings (heat ignores them).
fn parse_line(args: &[String], specs: &[OptionSpec], inputs: &[usize]) -> Result<Line> {
    let find = |name: &str| specs.iter().find(|s| s.name() == name);
    let mut notes = Vec::new();
    let mut line = Line {
        positional: Vec::new(),
        options: Options::declared(specs.iter().map(|s| s.name()).collect()),
        output: None,
        schema: Schema::V4,
        fips: false,
        format: Format::default(),
        nologo: false,
        verbose: false,
        warnings: WarningPolicy::default(),
        notes: Vec::new(),
        inputs: Vec::new(),
        outputs: Vec::new(),
    };
    // The note of the last unknown switch, when the argument after it may be its value.
    let mut unknown_switch: Option<usize> = None;
    // An output option (other than -o) sent to standard output, for the clash with -o -.
    let mut stdout_option: Option<&'static str> = None;
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        let body = if let Some(rest) = arg.strip_prefix("--") {
            Some(rest)
        } else if let Some(rest) = arg.strip_prefix('-') {
            Some(rest)
        } else {
            // heat also takes options written with '/', as Windows tools do; a '/' that starts
            // a path is kept as a path.
            arg.strip_prefix('/').filter(|rest| {
                find(rest).is_some()
                    || args::is_numbered(rest)
                    || rest.split_once(':').is_some_and(|(n, _)| find(n).is_some())
            })
        };
        let Some(body) = body.filter(|b| !b.is_empty()) else {
            // heat takes the harvest type and the source by position and ignores any other
            // argument that is not a switch (an unknown switch's value among them).
            if line.positional.len() < 2 {
                let at = line.positional.len();
                let value = if inputs.contains(&at) {
                    let path = args::host_path(arg, false, "The source", &mut notes);
                    line.inputs.push(Named::new("the input", &path));
                    path
                } else {
                    arg.clone()
                };
                line.positional.push(value);
            } else if let Some(n) = unknown_switch.take() {
                let note: &mut ParseNote = &mut notes[n];
                note.message =
                    note.message
                        .replacen("' is ignored", &format!(" {arg}' is ignored"), 1);
            } else {
                notes.push(ParseNote::warning(
                    codes::IGNORED_ARGUMENT,
                    format!(
                        "The argument '{arg}' after the source is not a switch; it is ignored, \
                         as heat ignores it (heat takes one harvest type and one source)."
                    ),
                ));
            }
            continue;
        };
        unknown_switch = None;

        if args::numbered_switch(body, &mut line.warnings)? {
            continue;
        }
        let (spec, attached) = match find(body) {
            Some(spec) => (spec, None),
            None => match body.split_once(':') {
                Some((n, v)) if find(n).is_some_and(OptionSpec::takes_value) => {
                    if n == "template" || n == "t" {
                        notes.push(deprecated(&format!("{n}:"), n));
                    }
                    (find(n).expect("found above"), Some(v.to_owned()))
                }
                _ => {
                    // heat hands every argument to its extensions, and one none of them claims
                    // is ignored: say so, and go on as heat does.
                    let names = specs.iter().map(|s| s.name());
                    notes.push(ParseNote::warning(
                        codes::UNKNOWN_SWITCH,
                        format!(
                            "The switch '{arg}' is ignored: heat does not know it, and ignores \
                             it{}.",
                            crate::error::did_you_mean(body, names)
                                .replace("(did you mean '", "(did you mean '-")
                        ),
                    ));
                    if line.positional.len() >= 2 {
                        unknown_switch = Some(notes.len() - 1);
                    }
                    continue;
                }
            },
        };
        let name = spec.name();
        let value = if spec.takes_value() {
            let value = match attached {
                Some(v) => v,
                None => {
                    let next = args.get(i).filter(|v| {
                        !v.trim().is_empty()
                            && (!v.starts_with('-') || v.as_str() == "-" || is_negative_number(v))
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
            Some(match spec.kind() {
                ValueKind::Output if value == "-" => {
                    if !matches!(name, "o" | "out") {
                        stdout_option = Some(name);
                    }
                    value
                }
                ValueKind::Input => {
                    let path = args::host_path(&value, false, &what, &mut notes);
                    line.inputs.push(Named {
                        // -update's previous harvest is read whole before anything is written:
                        // -o may regenerate it in place.
                        main_output_may_replace: name == "update",
                        ..Named::new(&what, &path)
                    });
                    path
                }
                ValueKind::Output => {
                    let path = args::host_path(&value, true, &what, &mut notes);
                    if !matches!(name, "o" | "out") {
                        line.outputs.push(Named::new(&what, &path));
                    }
                    path
                }
                _ => value,
            })
        } else {
            None
        };
        match (name, value) {
            ("o" | "out", v) => line.output = v.map(PathBuf::from),
            ("nologo", _) => line.nologo = true,
            ("v", _) => line.verbose = true,
            ("fips", _) => line.fips = true,
            ("wix3", _) => line.schema = Schema::V3,
            ("wix4", _) => line.schema = Schema::V4,
            ("lf", _) => line.format.line_ending = LineEnding::Lf,
            // heat shows these two warnings before the switch takes effect: -wxall does not
            // make its own warning an error.
            ("swall", _) => {
                notes.push(ParseNote {
                    notice: true,
                    ..deprecated("swall", "sw")
                });
                line.warnings.suppress_all = true;
            }
            ("wxall", _) => {
                notes.push(ParseNote {
                    notice: true,
                    ..deprecated("wxall", "wx")
                });
                line.warnings.error_all = true;
            }
            ("indent", Some(v)) => line.format.indent = parse_indent(&v)?,
            (_, v) => line.options.push(name, v),
        }
    }
    if let (Some(other), Some(out)) = (stdout_option, &line.output) {
        if out == Path::new("-") {
            return Err(Error::new(
                codes::COMMAND_LINE,
                format!(
                    "-o - and -{other} - both write standard output; send one of them to a file."
                ),
            ));
        }
    }
    line.notes = notes;
    Ok(line)
}

/// The most spaces `-indent` takes. heat reads any `int`, but a level of more than 255 spaces
/// is no layout anyone reads, and a deep tree times a huge indent would be gigabytes of spaces.
const MAX_INDENT: usize = 255;

/// `-indent <N>`: a whole number from 0 to [`MAX_INDENT`].
fn parse_indent(v: &str) -> Result<usize> {
    let t = v.trim();
    let number = is_negative_number(t) || (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()));
    match t.parse::<u64>() {
        Ok(n) if n <= MAX_INDENT as u64 => Ok(n as usize),
        _ if number => Err(Error::new(
            codes::COMMAND_LINE,
            format!("-indent takes 0 to {MAX_INDENT} spaces a level, not {t}."),
        )),
        _ => Err(Error::new(
            codes::COMMAND_LINE,
            format!("-indent needs a number of spaces from 0 to {MAX_INDENT}, not '{v}'."),
        )),
    }
}

/// Whether `v` is a negative whole number (`-1`), which a switch's value may be: no switch is
/// a number.
fn is_negative_number(v: &str) -> bool {
    v.strip_prefix('-')
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// heat's warning for a switch it still reads under an old spelling.
fn deprecated(old: &str, new: &str) -> ParseNote {
    ParseNote::warning(
        codes::DEPRECATED_SWITCH,
        format!("The command line switch '{old}' is deprecated. Please use '{new}' instead."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extension::Flag;

    fn parse(args: &[&str]) -> Line {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        parse_line(&args, &Heat::new().harvest_options(), &[1]).unwrap()
    }

    #[test]
    fn heat_spellings() {
        let line = parse(&[
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
        use crate::extension::standard::opt;
        assert_eq!(line.options.value(&opt::CG), Some("CG"));
        assert_eq!(line.options.value(&opt::TEMPLATE), Some("product"));
        assert!(line.options.flag(&opt::SRD));
        assert_eq!(line.warnings.suppress, [1011]);
        assert!(line.warnings.error_all);
        assert_eq!(line.output.as_deref(), Some(Path::new("/builds/app.wxs")));
        assert_eq!(line.positional, ["dir", "src"]);
    }

    #[test]
    fn unknown_switches_are_warnings_and_their_values_are_not_sources() {
        let line = parse(&["dir", "src", "-frag", "-bogus", "x86", "-cg", "G", "stray"]);
        assert_eq!(line.positional, ["dir", "src"]);
        use crate::extension::standard::opt;
        assert_eq!(line.options.value(&opt::CG), Some("G"));
        let notes: Vec<(u32, &str)> = line
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
        assert!(line.notes.iter().all(|n| !n.notice));
    }

    #[test]
    fn heats_own_switches_of_other_types_are_known() {
        let line = parse(&[
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
        assert_eq!(line.positional, ["dir", "src"]);
        assert!(line.notes.is_empty(), "{:?}", line.notes);
    }

    #[test]
    fn missing_value() {
        let args: Vec<String> = ["dir", "src", "-cg", "-srd"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let err = parse_line(&args, &Heat::new().harvest_options(), &[1])
            .err()
            .unwrap();
        assert_eq!(err.code(), codes::ARGUMENT_REQUIRES_VALUE);
    }

    #[test]
    fn an_option_declared_twice_is_an_error() {
        struct Clash;
        impl Extension for Clash {
            fn name(&self) -> &str {
                "clash"
            }
            fn options(&self) -> Vec<OptionSpec> {
                vec![Flag::new("srd", "mine").into()]
            }
            fn configure(&self, _: &mut Configure<'_>) -> Result<()> {
                Ok(())
            }
        }
        let args: Vec<String> = ["dir", "src"].iter().map(|s| s.to_string()).collect();
        let err = Heat::new().with_extension(Clash).run(&args).unwrap_err();
        assert!(
            err.message().contains("-srd") && err.message().contains("clash"),
            "{err}"
        );
    }

    #[test]
    fn generate_is_a_request_only_in_place_of_the_harvest_type() {
        let words = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let request = |a: &[&str]| generate_request(&words(a));
        assert_eq!(
            request(&["--generate", "man"]).unwrap(),
            Some(generate::Kind::Man)
        );
        assert_eq!(
            request(&["--generate=complete-zsh"]).unwrap(),
            Some(generate::Kind::Zsh)
        );
        // heat's own -generate, spelled with two dashes after the harvest type.
        assert_eq!(
            request(&["dir", "src", "--generate", "payloadgroup"]).unwrap(),
            None
        );
        assert_eq!(request(&["--generated"]).unwrap(), None);
        assert_eq!(request(&[]).unwrap(), None);
        let err = request(&["--generate", "payloadgroup"]).unwrap_err();
        assert_eq!(err.code(), codes::COMMAND_LINE);
        assert!(err.message().contains("complete-bash"), "{err}");
    }

    #[test]
    fn two_outputs_cannot_share_standard_output() {
        let args: Vec<String> = ["dir", "src", "-updatereport", "-", "-o", "-"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let err = parse_line(&args, &Heat::new().harvest_options(), &[1])
            .err()
            .unwrap();
        assert_eq!(err.code(), codes::COMMAND_LINE);
        assert!(err.message().contains("-updatereport -"), "{err}");
    }
}
