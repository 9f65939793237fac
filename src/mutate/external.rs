//! External mutators: `-ext <command line>` runs a program that reads the whole `.wxs` on its
//! standard input and writes the changed `.wxs` on its standard output, so a mutator can be
//! written in any language. (heat.exe's own `-ext` loaded a .NET extension assembly; a Rust
//! extension is the way to do that here, see [`crate::extension`].)
//!
//! What the program is given, and what is made of its answer:
//!
//! - **standard input**: the document exactly as the output file would hold it, without the
//!   byte-order mark: UTF-8, for WiX v3 the XML declaration and a line end first, then the
//!   document with the run's line ends (CRLF, or LF with `-lf`);
//! - **standard output**: must be a WiX document: well-formed UTF-8 XML without a document
//!   type declaration, whose root is `Wix` in the WiX v3 or v4 namespace (with or without a
//!   prefix). It is written as the program wrote it, except that a byte-order mark, an XML
//!   declaration and white space before or after the markup are dropped (the writer adds its
//!   own mark, and for v3 its own declaration) and line ends become those of the run;
//! - **exit status**: anything but success stops the run;
//! - **standard error**: shown in the error when the program fails; when it succeeds, shown as
//!   warning `HEAT8302` (`-sw8302` hides it).
//!
//! The command line is split into words as a shell would ([`split_command_line`]) and the
//! program is started directly, with no shell in between, in heat's current folder and
//! environment; a program without a folder in its name is looked up on the `PATH`. A script
//! that cannot be started itself (not executable, or on Windows) is started by the interpreter
//! its `#!` line names, or by Python for a `.py` file. A program that has not finished after
//! [`DEFAULT_TIMEOUT`] (`-exttimeout <seconds>` to change) is stopped with every program it
//! started: each runs in a process group of its own (on Unix), which is stopped whole on a
//! timeout, when heat itself is stopped (SIGINT, SIGTERM), and when the program has ended but
//! something it left running still holds its output open. Several `-ext` run in the order given, each on the output of the one before,
//! after every other mutator ([`sequence::EXTERNAL`]). When one fails the run stops before
//! anything is written.

use std::io::{self, Read, Write as _};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use crate::error::{codes, Error, Result};
use crate::pipeline::{sequence, Context, TextMutator};
use crate::wix::Schema;
use crate::xml::reader::WixReader;
use crate::xml::write::{file_bytes, LineEnding};

/// How long an `-ext` program may run unless `-exttimeout` says otherwise: 60 seconds, ample
/// for a script over a harvest of hundreds of thousands of files, short enough that a program
/// waiting for input that never comes does not hang a build for long.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The most a program may write on standard output (the largest `.wxs` heat reads back).
const MAX_OUTPUT: u64 = crate::xml::read::MAX_DOCUMENT_BYTES;
/// The most of a program's standard error kept (its end).
const STDERR_KEPT: usize = 64 * 1024;
/// The most of a program's standard error put in a message, in characters (its end is shown:
/// that is where a traceback names the problem).
const STDERR_SHOWN: usize = 4000;
/// How long to wait for the standard error of a program that was just stopped.
const STOPPED_GRACE: Duration = Duration::from_millis(500);

/// What WiX's own extension assemblies give heat, by the names `-ext` takes for them (WiX v3's
/// assembly names and v4-v6's packages), for the notice that they are not needed here.
const WIX_EXTENSIONS: &[(&str, &str)] = &[
    (
        "WixUtilExtension",
        "heat's dir, file, reg and payload harvests, which are built in here",
    ),
    (
        "WixToolset.Util.wixext",
        "heat's dir, file, reg and payload harvests, which are built in here",
    ),
    (
        "WixIIsExtension",
        "heat's website harvest, which reads IIS on Windows and is not offered here",
    ),
    (
        "WixToolset.Iis.wixext",
        "heat's website harvest, which reads IIS on Windows and is not offered here",
    ),
    (
        "WixVSExtension",
        "heat's project harvest, which needs MSBuild and Visual Studio and is not offered here",
    ),
    (
        "WixToolset.VisualStudio.wixext",
        "heat's project harvest, which needs MSBuild and Visual Studio and is not offered here",
    ),
    ("WixBalExtension", ""),
    ("WixComPlusExtension", ""),
    ("WixDependencyExtension", ""),
    ("WixDifxAppExtension", ""),
    ("WixDirectXExtension", ""),
    ("WixFirewallExtension", ""),
    ("WixGamingExtension", ""),
    ("WixHttpExtension", ""),
    ("WixLuxExtension", ""),
    ("WixMsmqExtension", ""),
    ("WixNetFxExtension", ""),
    ("WixPSExtension", ""),
    ("WixSqlExtension", ""),
    ("WixTagExtension", ""),
    ("WixUIExtension", ""),
    ("WixToolset.Bal.wixext", ""),
    ("WixToolset.ComPlus.wixext", ""),
    ("WixToolset.Dependency.wixext", ""),
    ("WixToolset.DifxApp.wixext", ""),
    ("WixToolset.DirectX.wixext", ""),
    ("WixToolset.Firewall.wixext", ""),
    ("WixToolset.Http.wixext", ""),
    ("WixToolset.Msmq.wixext", ""),
    ("WixToolset.Netfx.wixext", ""),
    ("WixToolset.PowerShell.wixext", ""),
    ("WixToolset.Sql.wixext", ""),
    ("WixToolset.UI.wixext", ""),
];

/// heat.exe's `-ext` loaded a .NET assembly (`-ext WixIIsExtension`, `-ext C:\x\My.dll`,
/// `-ext "My.Class, My"`); here it runs a program. For one of WiX's own assemblies, which this
/// tool needs none of, this says so (a notice) and returns the name, to skip the option; for
/// any other assembly, and for a name that is neither a program nor a file, it fails with an
/// error saying what to do instead. `None` for a program to run.
pub(crate) fn heat_assembly(line: &str, cx: &mut Context) -> Result<Option<String>> {
    let line = line.trim();
    let Some(first) = split_command_line(line)
        .ok()
        .and_then(|w| w.into_iter().next())
    else {
        return Ok(None);
    };
    // heat.exe took the whole value as one assembly: a path may hold spaces. A value
    // `Namespace.Class, Assembly[, Version=…]` names a class in an assembly.
    let type_spec = line.split_once(',').filter(|(class, assembly)| {
        let word = |w: &str| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        };
        word(class.trim())
            && class.contains('.')
            && word(assembly.trim().split(',').next().unwrap_or(""))
    });
    let assembly = match type_spec {
        Some((_, assembly)) => assembly.split(',').next().unwrap_or("").trim(),
        None => line,
    };
    let file = assembly.rsplit(['\\', '/']).next().unwrap_or(assembly);
    let stem = file
        .len()
        .checked_sub(4)
        .filter(|&at| file.is_char_boundary(at) && file[at..].eq_ignore_ascii_case(".dll"))
        .map_or(file, |at| &file[..at]);
    if let Some((name, gives)) = WIX_EXTENSIONS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(stem))
    {
        let gives = if gives.is_empty() {
            "nothing heat uses (it extends WiX's compiler and linker)".to_owned()
        } else {
            (*gives).to_owned()
        };
        cx.messages.notice(
            codes::ASSEMBLY_EXTENSION,
            format!(
                "-ext {line}: WiX's .NET extension assemblies cannot load here, and none is \
                 needed: {name} gives {gives}. The option is ignored; for a mutator of your \
                 own, give -ext a program to run or add a Rust extension."
            ),
        );
        return Ok(Some((*name).to_owned()));
    }
    let instead = "port it to a Rust extension (README: Writing an extension), or give -ext a \
                   program that reads the .wxs on standard input and writes the changed .wxs \
                   on standard output";
    if type_spec.is_some() || file.to_ascii_lowercase().ends_with(".dll") {
        return Err(Error::new(
            codes::COMMAND_LINE,
            format!(
                "-ext \"{line}\": '{assembly}' looks like a .NET extension assembly, as heat.exe's \
                 -ext loaded; .NET assemblies cannot load here: {instead}."
            ),
        ));
    }
    if !program_exists(&first) {
        return Err(Error::new(
            codes::EXTENSION_FAILED,
            format!(
                "-ext \"{line}\": '{first}' cannot be started: it is not a program on the PATH \
                 nor a file, nor one of WiX's extensions. heat.exe's -ext loaded .NET \
                 assemblies, which cannot load here; for an extension of your own, {instead}."
            ),
        ));
    }
    Ok(None)
}

/// Whether `program` can be started: a file at that path when it names a folder, else a file
/// of that name in a folder of the `PATH` (with Windows's program extensions there).
fn program_exists(program: &str) -> bool {
    let path = Path::new(program);
    if path.components().count() > 1 || path.is_absolute() {
        return path.is_file();
    }
    let Some(dirs) = std::env::var_os("PATH") else {
        return false;
    };
    let extensions: Vec<String> = if cfg!(windows) {
        std::env::var("PATHEXT")
            .unwrap_or_else(|_| ".COM;.EXE;.BAT;.CMD".to_owned())
            .split(';')
            .map(str::to_owned)
            .chain([String::new()])
            .collect()
    } else {
        vec![String::new()]
    };
    std::env::split_paths(&dirs).any(|dir| {
        extensions
            .iter()
            .any(|ext| dir.join(format!("{program}{ext}")).is_file())
    })
}

pub(crate) fn parse_timeout(v: &str) -> Result<Duration> {
    v.trim()
        .parse::<f64>()
        .ok()
        .filter(|s| *s > 0.0)
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| {
            Error::new(
                codes::COMMAND_LINE,
                format!("-exttimeout needs a number of seconds above 0, not '{v}'."),
            )
        })
}

/// A program run as a text mutator; see the [module documentation](self) for what it reads
/// and must write.
#[derive(Debug, Clone)]
pub struct ExternalMutator {
    name: String,
    program: String,
    args: Vec<String>,
    timeout: Duration,
    sequence: i32,
}

impl ExternalMutator {
    /// A mutator running `command_line`, split into words as [`split_command_line`] does, with
    /// the [`DEFAULT_TIMEOUT`] and at [`sequence::EXTERNAL`]. A command line without a program
    /// or with an unterminated quote is an error naming it.
    pub fn new(command_line: &str) -> Result<ExternalMutator> {
        let bad = |why: String| {
            Error::new(
                codes::COMMAND_LINE,
                format!("-ext \"{command_line}\": {why}."),
            )
        };
        let mut words = split_command_line(command_line).map_err(bad)?.into_iter();
        let program = words
            .next()
            .filter(|p| !p.is_empty())
            .ok_or_else(|| bad("no program to run".to_owned()))?;
        if program.to_ascii_lowercase().ends_with(".dll") {
            return Err(bad(format!(
                "'{program}' looks like a .NET extension assembly, as heat.exe's -ext loaded; \
                 here -ext runs a program that reads the .wxs on standard input and writes the \
                 changed .wxs on standard output"
            )));
        }
        Ok(ExternalMutator {
            name: format!("-ext \"{command_line}\""),
            program,
            args: words.collect(),
            timeout: DEFAULT_TIMEOUT,
            sequence: sequence::EXTERNAL,
        })
    }

    /// Sets how long the program may run before it is stopped.
    pub fn with_timeout(mut self, timeout: Duration) -> ExternalMutator {
        self.timeout = timeout;
        self
    }

    /// Sets the sequence the mutator runs at.
    pub fn with_sequence(mut self, sequence: i32) -> ExternalMutator {
        self.sequence = sequence;
        self
    }

    /// An error about this program: its name, what went wrong, and its standard error.
    fn fail(&self, code: u32, what: &str, stderr: Option<&Captured>) -> Error {
        let mut message = format!("{}: '{}' {what}", self.name, self.program);
        match stderr.map(Captured::shown) {
            Some(text) if !text.is_empty() => {
                message.push_str(" Its standard error:\n");
                message.push_str(&text);
            }
            Some(_) => message.push_str(" It wrote nothing on standard error."),
            None => {}
        }
        Error::new(code, message)
    }

    /// Starts the program with its three pipes. A script that cannot be started itself (not
    /// executable, or on Windows, where scripts never are) is started by the interpreter its
    /// `#!` line names, or by Python for a `.py` file without one.
    fn spawn(&self) -> io::Result<Child> {
        let start = |program: &str, args: &[String]| {
            let mut command = Command::new(program);
            command
                .args(args)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            // A process group of its own, so that everything the program starts can be stopped
            // with it.
            #[cfg(unix)]
            {
                use std::os::unix::process::CommandExt;
                command.process_group(0);
            }
            #[cfg(windows)]
            {
                use std::os::windows::process::CommandExt;
                const CREATE_NEW_PROCESS_GROUP: u32 = 0x0000_0200;
                command.creation_flags(CREATE_NEW_PROCESS_GROUP);
            }
            command.spawn()
        };
        let err = match start(&self.program, &self.args) {
            Ok(child) => return Ok(child),
            Err(e) => e,
        };
        // ENOEXEC on Unix, ERROR_BAD_EXE_FORMAT on Windows.
        let not_executable = err.kind() == io::ErrorKind::PermissionDenied
            || (cfg!(unix) && err.raw_os_error() == Some(8))
            || (cfg!(windows) && err.raw_os_error() == Some(193));
        let Some(mut words) = not_executable
            .then(|| interpreter(Path::new(&self.program)))
            .flatten()
        else {
            return Err(err);
        };
        let interpreter = words.remove(0);
        words.push(self.program.clone());
        words.extend(self.args.iter().cloned());
        start(&interpreter, &words).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("{err}; nor by its interpreter '{interpreter}': {e}"),
            )
        })
    }

    /// Runs the program on `input`; returns what it wrote on standard output and error.
    fn run(&self, input: Vec<u8>) -> Result<(Captured, Captured)> {
        let mut child = self.spawn().map_err(|e| {
            let hint = match e.kind() {
                // heat.exe's own -ext named an assembly: `-ext WixIIsExtension`.
                io::ErrorKind::NotFound
                    if self.program.to_ascii_lowercase().contains("extension") =>
                {
                    " (heat.exe's -ext loaded a .NET extension assembly; here it names a \
                         program to run)"
                }
                io::ErrorKind::NotFound => " (is it installed, and on the PATH?)",
                io::ErrorKind::PermissionDenied => {
                    " (a script that is not executable can be run by its interpreter, as in \
                         -ext \"python3 fix.py\")"
                }
                _ => "",
            };
            self.fail(
                codes::EXTENSION_FAILED,
                &format!("cannot be started: {e}{hint}."),
                None,
            )
        })?;
        let group = Group::of(&child);
        let deadline = Instant::now().checked_add(self.timeout);

        // Every pipe has a thread of its own, so a program that writes much before it has read
        // all its input (or the reverse) can never block heat, nor heat it.
        let mut stdin = child.stdin.take().expect("stdin is piped");
        thread::spawn(move || {
            // A program may finish without reading all it was given; that is its choice, and
            // its output is judged on its own.
            let _ = stdin.write_all(&input);
        });
        let stdout = capture(
            child.stdout.take().expect("stdout is piped"),
            Keep::Head(MAX_OUTPUT),
        );
        let stderr = capture(
            child.stderr.take().expect("stderr is piped"),
            Keep::Tail(STDERR_KEPT),
        );

        let status = match wait(&mut child, deadline) {
            Ok(Some(status)) => status,
            Ok(None) => return Err(self.timed_out(&mut child, &group, &stderr)),
            Err(e) => {
                group.stop();
                stop(&mut child);
                return Err(self.fail(
                    codes::EXTENSION_FAILED,
                    &format!("could not be waited for: {e}."),
                    None,
                ));
            }
        };
        // The program has ended, and its outputs close unless something it started holds them
        // open: that is given a moment, then stopped with the rest of the program's group, so
        // that it never keeps heat waiting.
        let leftovers = || {
            let soon = Instant::now() + STOPPED_GRACE;
            Some(deadline.map_or(soon, |d| d.min(soon)))
        };
        let finished = |rx: &Receiver<io::Result<Captured>>| {
            receive(rx, leftovers()).or_else(|| {
                group.stop();
                receive(rx, Some(Instant::now() + STOPPED_GRACE))
            })
        };
        let (Some(out), Some(err)) = (finished(&stdout), finished(&stderr)) else {
            return Err(self.fail(
                codes::EXTENSION_FAILED,
                "ended, but a program it started keeps its standard output or error open, and \
                 could not be stopped.",
                None,
            ));
        };
        let out = out.map_err(|e| {
            self.fail(
                codes::EXTENSION_FAILED,
                &format!("could not be read from: {e}."),
                None,
            )
        })?;
        let err = err.unwrap_or_default();
        if !status.success() {
            return Err(self.fail(
                codes::EXTENSION_FAILED,
                &format!("failed ({}).", describe(status)),
                Some(&err),
            ));
        }
        Ok((out, err))
    }

    fn timed_out(
        &self,
        child: &mut Child,
        group: &Group,
        stderr: &Receiver<io::Result<Captured>>,
    ) -> Error {
        group.stop();
        stop(child);
        let err = stderr.recv_timeout(STOPPED_GRACE).ok().and_then(|r| r.ok());
        self.fail(
            codes::EXTERNAL_TIMEOUT,
            &format!(
                "did not finish within {} s and was stopped (-exttimeout <seconds> gives it \
                 longer).",
                self.timeout.as_secs_f64()
            ),
            err.as_ref(),
        )
    }
}

impl TextMutator for ExternalMutator {
    fn name(&self) -> &str {
        &self.name
    }

    fn sequence(&self) -> i32 {
        self.sequence
    }

    fn mutate_text(&mut self, cx: &mut Context, wxs: String) -> Result<String> {
        let line_ending = cx.format.line_ending;
        let file = file_bytes(cx.schema, &wxs, line_ending);
        drop(wxs);
        let input = file.strip_prefix(BOM).unwrap_or(&file).to_vec();
        drop(file);
        let input_len = input.len();
        let started = Instant::now();
        let (out, err) = self.run(input)?;
        if out.truncated {
            return Err(self.fail(
                codes::EXTERNAL_BAD_OUTPUT,
                "wrote more than 1 GiB on standard output; that is not read.",
                Some(&err),
            ));
        }
        let text = wix_text(&out.bytes, line_ending).map_err(|why| {
            self.fail(
                codes::EXTERNAL_BAD_OUTPUT,
                &format!("wrote something that is not WiX XML on standard output: {why}."),
                Some(&err),
            )
        })?;
        let said = err.shown();
        if !said.is_empty() {
            cx.messages.warn(
                codes::EXTERNAL_STDERR,
                format!(
                    "{}: '{}' wrote on standard error:\n{said}",
                    self.name, self.program
                ),
            );
        }
        if cx.verbose {
            cx.messages.verbose(format!(
                "{}: {} bytes in, {} bytes out, {:.1} ms",
                self.name,
                input_len,
                out.bytes.len(),
                started.elapsed().as_secs_f64() * 1000.0
            ));
        }
        Ok(text)
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What a program wrote on one of its outputs.
#[derive(Debug, Default)]
struct Captured {
    bytes: Vec<u8>,
    /// More was written than was kept.
    truncated: bool,
}

impl Captured {
    /// The text for a message: trimmed, and only its end when it is long.
    fn shown(&self) -> String {
        let text = String::from_utf8_lossy(&self.bytes);
        let text = text.trim();
        let count = text.chars().count();
        if count <= STDERR_SHOWN && !self.truncated {
            return text.to_owned();
        }
        let tail: String = text
            .chars()
            .skip(count.saturating_sub(STDERR_SHOWN))
            .collect();
        format!("[…]{tail}")
    }
}

/// Which part of an output is kept when it is longer than asked.
#[derive(Clone, Copy)]
enum Keep {
    /// The first bytes (standard output: more than that is refused anyway).
    Head(u64),
    /// The last bytes (standard error: its end says what went wrong).
    Tail(usize),
}

/// Reads `from` to its end in a thread of its own, keeping what `keep` says.
fn capture(mut from: impl Read + Send + 'static, keep: Keep) -> Receiver<io::Result<Captured>> {
    let (tx, rx) = mpsc::sync_channel(1);
    thread::spawn(move || {
        let result = (|| {
            let mut bytes = Vec::new();
            let truncated = match keep {
                Keep::Head(limit) => {
                    (&mut from).take(limit).read_to_end(&mut bytes)?;
                    io::copy(&mut from, &mut io::sink())? > 0
                }
                Keep::Tail(limit) => {
                    let mut truncated = false;
                    let mut chunk = [0u8; 8192];
                    loop {
                        let n = match from.read(&mut chunk) {
                            Ok(0) => break,
                            Ok(n) => n,
                            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                            Err(e) => return Err(e),
                        };
                        bytes.extend_from_slice(&chunk[..n]);
                        if bytes.len() > 2 * limit {
                            bytes.drain(..bytes.len() - limit);
                            truncated = true;
                        }
                    }
                    if bytes.len() > limit {
                        bytes.drain(..bytes.len() - limit);
                        truncated = true;
                    }
                    truncated
                }
            };
            Ok(Captured { bytes, truncated })
        })();
        let _ = tx.send(result);
    });
    rx
}

/// What `rx` delivers before `deadline` (`None` for no deadline); `None` once it is passed.
fn receive<T>(rx: &Receiver<io::Result<T>>, deadline: Option<Instant>) -> Option<io::Result<T>> {
    let result = match deadline {
        Some(d) => rx.recv_timeout(d.saturating_duration_since(Instant::now())),
        None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
    };
    match result {
        Ok(r) => Some(r),
        Err(RecvTimeoutError::Timeout) => None,
        Err(RecvTimeoutError::Disconnected) => Some(Err(io::Error::other("the reader stopped"))),
    }
}

/// Waits for `child` to end, until `deadline`, polling (its outputs are read meanwhile, on
/// threads of their own).
fn wait(child: &mut Child, deadline: Option<Instant>) -> io::Result<Option<ExitStatus>> {
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Ok(None);
        }
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

/// The interpreter, with its arguments, that runs the script at `path`: the one its `#!` line
/// names (`#!/usr/bin/env python3` gives `python3`), or Python for a `.py` file.
fn interpreter(path: &Path) -> Option<Vec<String>> {
    let mut head = [0u8; 256];
    let n = std::fs::File::open(path).ok()?.read(&mut head).ok()?;
    let head = &head[..n];
    if let Some(line) = head.strip_prefix(b"#!") {
        let line = line.split(|b| *b == b'\n').next().unwrap_or_default();
        let line = String::from_utf8_lossy(line);
        let mut words: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        // `env` only looks the interpreter up on the PATH, which starting it here does anyway.
        if words
            .first()
            .is_some_and(|w| w == "env" || w.ends_with("/env"))
        {
            words.remove(0);
            if words.first().is_some_and(|w| w == "-S") {
                words.remove(0);
            }
        }
        // A Unix path such as /usr/bin/python3 means nothing on Windows; its name does.
        if cfg!(windows) {
            if let Some(first) = words.first_mut() {
                if first.starts_with('/') {
                    *first = first.rsplit('/').next().unwrap_or_default().to_owned();
                }
            }
        }
        return (!words.is_empty() && !words[0].is_empty()).then_some(words);
    }
    let python = if cfg!(windows) { "python" } else { "python3" };
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("py"))
        .then(|| vec![python.to_owned()])
}

/// The process groups of the `-ext` programs running now, by their leaders' ids.
static RUNNING: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// The process group of a running program: registered while the value lives, so that
/// [`stop_all`] reaches it.
struct Group {
    leader: u32,
}

impl Group {
    fn of(child: &Child) -> Group {
        let leader = child.id();
        RUNNING
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(leader);
        Group { leader }
    }

    /// Stops every process of the group (the program and what it started and left running).
    fn stop(&self) {
        kill_group(self.leader);
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        RUNNING
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|l| *l != self.leader);
    }
}

/// Stops every `-ext` program running, with everything it started: heat is being stopped.
pub(crate) fn stop_all() {
    for leader in RUNNING.lock().unwrap_or_else(|e| e.into_inner()).iter() {
        kill_group(*leader);
    }
}

#[cfg(unix)]
fn kill_group(leader: u32) {
    let Ok(group) = libc::pid_t::try_from(leader) else {
        return;
    };
    // SAFETY: killpg only sends a signal; the group is the one the program was started in.
    unsafe {
        libc::killpg(group, libc::SIGKILL);
    }
}

/// Without process groups to signal (Windows), the program itself is stopped by [`stop`];
/// what it started runs on.
#[cfg(not(unix))]
fn kill_group(_leader: u32) {}

/// Stops `child` and reaps it.
fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

fn describe(status: ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("exit code {code}"),
        None => status.to_string(),
    }
}

/// Splits a command line into words as a POSIX shell does for the simple cases, without
/// expanding anything: white space separates words; `'…'` and `"…"` group a word with its
/// spaces (`''` is an empty word); inside double quotes and outside quotes a backslash makes a
/// following quote, backslash-quote or white-space character literal. Any other backslash is
/// kept as it is, so Windows paths (`C:\tools\fix.exe`) need no doubling.
pub(crate) fn split_command_line(line: &str) -> std::result::Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some('\''), '\'') | (Some('"'), '"') => quote = None,
            (Some('\''), c) => word.push(c),
            (_, '\\')
                if chars.peek().is_some_and(|n| {
                    *n == '"' || (quote.is_none() && (*n == '\'' || n.is_whitespace()))
                }) =>
            {
                word.push(chars.next().expect("peeked"));
                in_word = true;
            }
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if let Some(q) = quote {
        return Err(format!("the quote {q} is not closed"));
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// The program's output as the text of the document, or why it is not a WiX document.
fn wix_text(bytes: &[u8], line_ending: LineEnding) -> std::result::Result<String, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("it wrote nothing".to_owned());
    }
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes)
        .map_err(|e| format!("it is not UTF-8 text (at byte {})", e.valid_up_to()))?;
    check_wix(text)?;
    let mut body = text.trim_start();
    if let Some(rest) = body.strip_prefix("<?xml") {
        if rest.starts_with(|c: char| c.is_ascii_whitespace() || c == '?') {
            let end = rest
                .find("?>")
                .ok_or("an XML declaration that does not end")?;
            body = rest[end + 2..].trim_start();
        }
    }
    let body = body.trim_end().replace("\r\n", "\n");
    Ok(match line_ending {
        LineEnding::Lf => body,
        LineEnding::CrLf => body.replace('\n', "\r\n"),
    })
}

/// Checks that `text` is well-formed XML whose root is `Wix` in the WiX v3 or v4 namespace
/// (as the crate's [`WixReader`] reads it), and returns that schema.
fn check_wix(text: &str) -> std::result::Result<Schema, String> {
    let mut reader = WixReader::new(text.as_bytes());
    loop {
        match reader.next() {
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => return Err(e.message().trim_end_matches('.').to_owned()),
        }
    }
    Ok(reader
        .schema()
        .expect("a document read to its end has a root"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const V3: &str = "http://schemas.microsoft.com/wix/2006/wi";

    #[test]
    fn splitting() {
        let ok = |s: &str| split_command_line(s).unwrap();
        assert_eq!(ok("  a   b\tc\n"), ["a", "b", "c"]);
        assert_eq!(ok(r#"a"b c"d"#), ["ab cd"]);
        assert_eq!(ok(r#""a \" b""#), [r#"a " b"#]);
        assert_eq!(ok(r"'a\ b'"), [r"a\ b"]);
        assert_eq!(ok(r"\\server\share\fix.exe"), [r"\\server\share\fix.exe"]);
        assert_eq!(ok(""), Vec::<String>::new());
        assert!(split_command_line("a \"b").unwrap_err().contains('"'));
    }

    #[test]
    fn command_line_errors() {
        for (line, needle) in [
            ("", "no program"),
            ("   ", "no program"),
            ("'' x", "no program"),
            ("python3 'fix.py", "not closed"),
            ("WixUtilExtension.dll", ".NET extension assembly"),
        ] {
            let err = ExternalMutator::new(line).unwrap_err();
            assert_eq!(err.code(), codes::COMMAND_LINE, "{line}");
            assert!(err.message().contains(needle), "{line}: {}", err.message());
            assert!(
                err.message().contains(&format!("\"{line}\"")),
                "{}",
                err.message()
            );
        }
    }

    #[test]
    fn timeouts() {
        assert_eq!(parse_timeout("2.5").unwrap(), Duration::from_millis(2500));
        for bad in ["0", "-1", "soon", "NaN", "inf", "1e400"] {
            let err = parse_timeout(bad).unwrap_err();
            assert!(err.message().contains(bad), "{bad}: {}", err.message());
        }
    }

    #[test]
    fn output_kept_with_the_runs_line_ends() {
        let out = format!(
            "\u{FEFF}<?xml version='1.0' encoding='UTF-8'?>\n<!-- kept -->\n<Wix xmlns=\"{V3}\">\n  <File  Id='a' />\r\n</Wix>\n\n"
        );
        assert_eq!(
            wix_text(out.as_bytes(), LineEnding::CrLf).unwrap(),
            format!("<!-- kept -->\r\n<Wix xmlns=\"{V3}\">\r\n  <File  Id='a' />\r\n</Wix>")
        );
        assert_eq!(
            wix_text(out.as_bytes(), LineEnding::Lf).unwrap(),
            format!("<!-- kept -->\n<Wix xmlns=\"{V3}\">\n  <File  Id='a' />\n</Wix>")
        );
    }

    #[test]
    fn prefixed_root_is_wix() {
        // What Python's ElementTree writes when no default namespace is registered.
        let out = format!("<ns0:Wix xmlns:ns0=\"{V3}\"><ns0:Fragment /></ns0:Wix>");
        assert_eq!(check_wix(&out), Ok(Schema::V3));
        let v4 = "<Wix xmlns=\"http://wixtoolset.org/schemas/v4/wxs\"/>";
        assert_eq!(check_wix(v4), Ok(Schema::V4));
    }

    #[test]
    fn refusals() {
        let cases: &[(&str, &str)] = &[
            ("", "wrote nothing"),
            (" \r\n", "wrote nothing"),
            ("Traceback (most recent call last):", "text outside"),
            ("<Wix/>", "no namespace"),
            ("<Wix xmlns=\"urn:x\"/>", "'urn:x'"),
            ("<Product xmlns=\"http://schemas.microsoft.com/wix/2006/wi\"/>", "'Product'"),
            ("<Wix xmlns=\"http://schemas.microsoft.com/wix/2006/wi\"><A>", "truncated"),
            ("<Wix xmlns=\"http://schemas.microsoft.com/wix/2006/wi\"><A></B></Wix>", "line 1"),
            ("<Wix xmlns=\"http://schemas.microsoft.com/wix/2006/wi\"/><Wix xmlns=\"http://schemas.microsoft.com/wix/2006/wi\"/>", "more than one root"),
            ("<!DOCTYPE Wix [<!ENTITY a \"b\">]><Wix xmlns=\"http://schemas.microsoft.com/wix/2006/wi\"/>", "DOCTYPE"),
            ("<Wix xmlns=\"http://schemas.microsoft.com/wix/2006/wi\">&a;</Wix>", "unknown entity"),
            ("<Wix xmlns=\"http://schemas.microsoft.com/wix/2006/wi\"><u:X/></Wix>", "undeclared prefix 'u'"),
            ("<Wix xmlns=\"http://schemas.microsoft.com/wix/2006/wi\"><X a='1' a='2'/></Wix>", "given twice"),
            ("<?xml version=\"1.0\" encoding=\"utf-16\"?><Wix xmlns=\"http://schemas.microsoft.com/wix/2006/wi\"/>", "utf-16"),
        ];
        for (input, needle) in cases {
            let err = wix_text(input.as_bytes(), LineEnding::Lf).unwrap_err();
            assert!(err.contains(needle), "{input:?}: {err}");
        }
        let err = wix_text(b"<Wix \xFF/>", LineEnding::Lf).unwrap_err();
        assert!(err.contains("not UTF-8"), "{err}");
    }

    #[test]
    fn stderr_shows_its_end() {
        let long = Captured {
            bytes: format!("start{}end\n", "x".repeat(STDERR_SHOWN)).into_bytes(),
            truncated: false,
        };
        let shown = long.shown();
        assert!(
            shown.starts_with("[…]x") && shown.ends_with("xend"),
            "{shown}"
        );
        assert_eq!(shown.chars().count(), STDERR_SHOWN + 3);
    }
}
