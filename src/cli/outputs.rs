//! The files a run writes: where each one lands (links followed to their target), the check
//! that none of them is a file the run reads or another of its outputs, writing them, and the
//! temporary files a signal removes.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{codes, Error, Result};
use crate::xml::write::{write_to, write_with_temp};

/// A path the run was given, with what gave it (`-o`, `-updatereport`, `the input`).
#[derive(Debug, Clone)]
pub(crate) struct Named {
    /// The switch or argument that named it, as messages show it.
    pub what: String,
    /// The path as given.
    pub path: PathBuf,
    /// For an input: whether the main output may replace it. The previous harvest of `-update`
    /// is read whole before anything is written, and regenerating it in place
    /// (`-update app.wxs -o app.wxs`) is how a release cycle runs.
    pub main_output_may_replace: bool,
}

impl Named {
    pub(crate) fn new(what: impl Into<String>, path: impl Into<PathBuf>) -> Named {
        Named {
            what: what.into(),
            path: path.into(),
            main_output_may_replace: false,
        }
    }
}

/// Where an output is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// `-`: standard output.
    Stdout,
    /// Something other than a regular file (a device, a FIFO, standard output through
    /// `/dev/stdout`), opened and written to, never replaced.
    Direct(PathBuf),
    /// A regular file, made or replaced through a temporary file beside it: the path given,
    /// or the file a link leads to (the link stays a link).
    Replace(PathBuf),
}

impl Target {
    /// The file this target lands in, when it is one the run makes or replaces.
    pub(crate) fn file(&self) -> Option<&Path> {
        match self {
            Target::Replace(p) => Some(p),
            _ => None,
        }
    }
}

/// The most links followed from an output to its target.
const MAX_LINKS: usize = 40;

/// Where the output `named` lands. A link is written through: the file it leads to (at the end
/// of a chain of links) is replaced, or made when the link dangles and the folder it points
/// into exists. A folder, a link to a folder, a link into a folder that does not exist and a
/// loop of links are input/output errors (`HEAT8004`).
pub(crate) fn resolve(named: &Named) -> Result<Target> {
    let given = &named.path;
    if given == Path::new("-") {
        return Ok(Target::Stdout);
    }
    let bad = |why: String| {
        Error::at(
            codes::IO,
            given,
            format!(
                "Cannot write {} '{}': it {why}; nothing was written.",
                named.what,
                given.display()
            ),
        )
    };
    // What the system opens: a device, a FIFO or standard output is written to as it is, even
    // through links the system makes itself (`/dev/stdout` to `/proc/self/fd/1` to a pipe).
    if let Ok(meta) = fs::metadata(given) {
        if meta.is_dir() {
            let link = fs::symlink_metadata(given).is_ok_and(|m| m.file_type().is_symlink());
            return Err(bad(if link {
                "is a link to a folder, not a file".to_owned()
            } else {
                "is a folder, not a file".to_owned()
            }));
        }
        if !meta.is_file() || through_process_links(given) {
            return Ok(Target::Direct(given.clone()));
        }
    }
    let mut at = given.clone();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&at) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if at == *given {
                    // A new file; the folders it needs are made when it is written.
                    return Ok(Target::Replace(at));
                }
                let folder = parent(&at);
                let name = at.file_name().filter(|_| !at.ends_with(".."));
                return match (fs::metadata(folder), name) {
                    (Ok(m), Some(name)) if m.is_dir() => {
                        let folder = fs::canonicalize(folder)
                            .map_err(|e| Error::io(folder, "resolve", e))?;
                        Ok(Target::Replace(folder.join(name)))
                    }
                    _ => Err(bad(format!(
                        "is a link to '{}', which is in no folder that exists",
                        at.display()
                    ))),
                };
            }
            Err(e) => return Err(Error::io(given, "follow the link", e)),
            Ok(m) if m.file_type().is_symlink() => {
                let to = fs::read_link(&at).map_err(|e| Error::io(&at, "read the link", e))?;
                at = if to.is_absolute() {
                    to
                } else {
                    parent(&at).join(to)
                };
            }
            Ok(m) if m.is_dir() => return Err(bad("is a link to a folder, not a file".to_owned())),
            Ok(m) if m.is_file() => {
                if at == *given {
                    return Ok(Target::Replace(at));
                }
                let real = fs::canonicalize(&at).map_err(|e| Error::io(&at, "resolve", e))?;
                return Ok(Target::Replace(real));
            }
            Ok(_) => return Ok(Target::Direct(given.clone())),
        }
    }
    Err(bad("is part of a loop of links".to_owned()))
}

/// Whether `path` is (or is below) one of the links to open files the system makes
/// (`/dev/stdout`, `/dev/fd/1`, `/proc/self/fd/1`): what they lead to is an open file of the
/// process, which is written to as it is, never replaced.
fn through_process_links(path: &Path) -> bool {
    if !cfg!(unix) {
        return false;
    }
    let mut at = path.to_owned();
    for _ in 0..MAX_LINKS {
        if at.starts_with("/proc") || at.starts_with("/dev/fd") {
            return true;
        }
        match fs::read_link(&at) {
            Ok(to) if to.is_absolute() => at = to,
            Ok(to) => at = parent(&at).join(to),
            Err(_) => return false,
        }
    }
    false
}

/// The folder holding `path`; `.` for a bare name.
fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// What tells two files apart: the device and inode (Unix) of a file that exists, and its
/// path with every link resolved.
#[derive(Debug, PartialEq, Eq)]
struct Identity {
    node: Option<(u64, u64)>,
    path: Option<PathBuf>,
}

impl Identity {
    /// The identity of `path` (links followed); for a file not made yet, its resolved folder
    /// and its name.
    fn of(path: &Path) -> Identity {
        let node = fs::metadata(path).ok().and_then(|m| node(&m));
        let path = fs::canonicalize(path).ok().or_else(|| {
            let name = path.file_name()?;
            Some(fs::canonicalize(parent(path)).ok()?.join(name))
        });
        Identity { node, path }
    }

    fn same(&self, other: &Identity) -> bool {
        (self.node.is_some() && self.node == other.node)
            || (self.path.is_some() && self.path == other.path)
    }
}

#[cfg(unix)]
fn node(meta: &fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn node(_meta: &fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// Resolves every output and fails (`HEAT8015`, naming both) when one is the same file as an
/// input or as another output; `main` is the output of `-o`, which may replace an input that
/// allows it. Nothing has been written when this fails. Returns each output's target.
pub(crate) fn plan(
    main: Option<&Named>,
    others: &[Named],
    inputs: &[Named],
) -> Result<Vec<(Named, Target)>> {
    let mut planned: Vec<(Named, Target, Option<Identity>, bool)> = Vec::new();
    for (named, is_main) in main
        .into_iter()
        .map(|n| (n, true))
        .chain(others.iter().map(|n| (n, false)))
    {
        let target = resolve(named)?;
        let identity = target.file().map(Identity::of);
        planned.push((named.clone(), target, identity, is_main));
    }
    let inputs: Vec<(&Named, Identity)> = inputs
        .iter()
        .filter(|i| fs::metadata(&i.path).is_ok_and(|m| m.is_file()))
        .map(|i| (i, Identity::of(&i.path)))
        .collect();
    for (i, (out, _, identity, is_main)) in planned.iter().enumerate() {
        let Some(identity) = identity else { continue };
        for (input, its) in &inputs {
            if identity.same(its) && !(*is_main && input.main_output_may_replace) {
                return Err(Error::at(
                    codes::OUTPUT_IS_INPUT,
                    &out.path,
                    format!(
                        "{} '{}' is the same file as {} '{}', which the run reads; nothing was \
                         written. Write the output to another file.",
                        out.what,
                        out.path.display(),
                        input.what,
                        input.path.display()
                    ),
                ));
            }
        }
        for (other, _, its, _) in &planned[..i] {
            if its.as_ref().is_some_and(|its| identity.same(its)) {
                return Err(Error::at(
                    codes::OUTPUT_IS_INPUT,
                    &out.path,
                    format!(
                        "{} '{}' and {} '{}' are the same file; nothing was written. Give each \
                         output a file of its own.",
                        other.what,
                        other.path.display(),
                        out.what,
                        out.path.display()
                    ),
                ));
            }
        }
    }
    Ok(planned.into_iter().map(|(n, t, _, _)| (n, t)).collect())
}

/// Writes `target` with `fill`: standard output, straight into a device, or through a
/// temporary file beside the file, renamed onto it once complete (registered for removal by a
/// signal meanwhile).
pub(crate) fn write(
    target: &Target,
    shown: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    match target {
        Target::Stdout => {
            let mut stdout = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
            fill(&mut stdout)
                .and_then(|()| stdout.flush())
                .map_err(|e| Error::io(shown, "write", e))
        }
        Target::Direct(path) => write_to(path, fill),
        Target::Replace(path) => write_with_temp(path, fill, &|tmp, live| {
            let mut files = TEMP_FILES.lock().unwrap_or_else(|e| e.into_inner());
            if live {
                files.push(tmp.to_owned());
            } else {
                files.retain(|f| f != tmp);
            }
        }),
    }
}

/// The temporary files being written, which a signal removes before the process ends.
static TEMP_FILES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes every temporary file still being written.
pub(crate) fn remove_temp_files() {
    let files = TEMP_FILES.lock().unwrap_or_else(|e| e.into_inner());
    for f in files.iter() {
        let _ = fs::remove_file(f);
    }
}

/// On SIGINT or SIGTERM: removes the run's temporary files, stops its `-ext` programs (their
/// whole process groups) and ends the process with 130 or 143, as a shell reports a process
/// such a signal stopped. Installed once, by [`Heat::main`](super::Heat::main): a library
/// caller keeps its own signal handling.
#[cfg(unix)]
pub(crate) fn stop_cleanly_on_signals() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            crate::mutate::external::stop_all();
            remove_temp_files();
            std::process::exit(128 + signal);
        }
    });
}

/// Elsewhere the system's default stays: the process ends at once.
#[cfg(not(unix))]
pub(crate) fn stop_cleanly_on_signals() {}
