//! Numbered errors and warnings, as heat numbers its messages (`HEAT5052`, `-sw5150`, `-wx`).
//!
//! Numbers 5000-5999 are heat's own where heat has the same message; numbers from 8000 are this
//! tool's.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// A numbered error: what went wrong, and the path or argument it concerns.
#[derive(Debug)]
pub struct Error {
    code: u32,
    message: String,
    path: Option<PathBuf>,
    source: Option<io::Error>,
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error with message number `code`.
    pub fn new(code: u32, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
            path: None,
            source: None,
        }
    }

    /// An error about `path`; the message should name the path itself.
    pub fn at(code: u32, path: impl Into<PathBuf>, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
            path: Some(path.into()),
            source: None,
        }
    }

    /// An input/output error while working on `path`.
    pub fn io(path: &Path, doing: &str, err: io::Error) -> Error {
        let message = format!("Cannot {doing} '{}': {err}.", path.display());
        Error {
            code: codes::IO,
            message,
            path: Some(path.to_owned()),
            source: Some(err),
        }
    }

    /// The error for a source file that could not be opened: heat's `FileNotFound`
    /// (`HEAT5059`) when it does not exist, an input/output error otherwise.
    pub fn opening_file(path: &Path, err: io::Error) -> Error {
        match err.kind() {
            io::ErrorKind::NotFound => Error::at(
                codes::FILE_NOT_FOUND,
                path,
                format!("The file '{}' cannot be found.", path.display()),
            ),
            _ => Error::io(path, "read", err),
        }
    }

    /// The message number (`HEAT<code>`).
    pub fn code(&self) -> u32 {
        self.code
    }

    /// The message, without the number.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The path the error concerns, when there is one.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The error of the operating system underneath, when there is one.
    pub fn io_error(&self) -> Option<&io::Error> {
        self.source.as_ref()
    }

    /// The same error with another message (the number, path and cause kept).
    pub fn with_message(mut self, message: impl Into<String>) -> Error {
        self.message = message.into();
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error HEAT{:04}: {}", self.code, shown(&self.message))
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|e| e as _)
    }
}

/// A numbered warning. Warnings are gathered by [`Messages`], which suppresses them (`-sw`) or
/// turns them into errors (`-wx`) as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The message number (`HEAT<code>`).
    pub code: u32,
    /// The message.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "warning HEAT{:04}: {}", self.code, shown(&self.message))
    }
}

/// `text` as a terminal or a log may show it safely: every control character but the line
/// feed and the tab that lay a message out (C0, DEL, C1: `\x1b`, `\r`, `\u{85}`), and every
/// character that reorders or hides text (bidirectional overrides and isolates such as
/// `\u{202e}`, zero-width marks), written as a Rust escape. A name on disk is shown as it is
/// spelled, not as it would act on the terminal.
pub(crate) fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if !needs_escape(c) {
            out.push(c);
        } else if (c as u32) < 0x80 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Whether [`shown`] escapes `c`.
fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// Which warnings are shown, and which become errors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WarningPolicy {
    /// `-sw`: suppress every warning.
    pub suppress_all: bool,
    /// `-sw<N>`: suppress these warnings.
    pub suppress: Vec<u32>,
    /// `-wx`: treat every warning as an error.
    pub error_all: bool,
    /// `-wx<N>`: treat these warnings as errors.
    pub error: Vec<u32>,
}

/// Collects the warnings of a run, and passes its verbose messages (`-v`) on to whoever
/// shows them.
#[derive(Default)]
pub struct Messages {
    policy: WarningPolicy,
    warnings: Vec<Warning>,
    promoted: Option<Warning>,
    listener: Option<Listener>,
}

/// What receives verbose messages.
type Listener = Box<dyn FnMut(&str)>;

impl fmt::Debug for Messages {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Messages")
            .field("policy", &self.policy)
            .field("warnings", &self.warnings)
            .field("promoted", &self.promoted)
            .finish_non_exhaustive()
    }
}

impl Messages {
    /// A collector applying `policy`.
    pub fn new(policy: WarningPolicy) -> Messages {
        Messages {
            policy,
            ..Default::default()
        }
    }

    /// Reports a warning. It is dropped when suppressed (`-sw`, `-sw<N>`), and otherwise
    /// remembered as an error when promoted by `-wx` or `-wx<N>`: as in heat's message handler,
    /// suppression wins, so `-sw -wx` and `-wx -sw<N>` pass.
    pub fn warn(&mut self, code: u32, message: impl Into<String>) {
        if self.suppressed(code) {
            return;
        }
        let w = Warning {
            code,
            message: message.into(),
        };
        let promoted = self.policy.error_all || self.policy.error.contains(&code);
        if promoted && self.promoted.is_none() {
            self.promoted = Some(w.clone());
        }
        self.warnings.push(w);
    }

    /// Reports a warning that `-wx` never turns into an error: a note on how the run read
    /// something it was given (a Windows path, a .NET extension name) that changes nothing in
    /// what heat would have done on Windows. `-sw` and `-sw<N>` hide it.
    pub fn notice(&mut self, code: u32, message: impl Into<String>) {
        if !self.suppressed(code) {
            self.warnings.push(Warning {
                code,
                message: message.into(),
            });
        }
    }

    fn suppressed(&self, code: u32) -> bool {
        self.policy.suppress_all || self.policy.suppress.contains(&code)
    }

    /// Sets what receives the verbose messages, as they come: the command line shows them on
    /// standard error. Without a listener they are dropped.
    pub fn set_listener(&mut self, listener: impl FnMut(&str) + 'static) {
        self.listener = Some(Box::new(listener));
    }

    /// A verbose message (`-v`): what was done, and how long it took.
    pub fn verbose(&mut self, message: impl AsRef<str>) {
        if let Some(listener) = &mut self.listener {
            listener(message.as_ref());
        }
    }

    /// The warnings reported and not suppressed, in order.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Takes the warnings reported so far, leaving none.
    pub fn take_warnings(&mut self) -> Vec<Warning> {
        std::mem::take(&mut self.warnings)
    }

    /// Fails with the first warning that `-wx` turned into an error.
    pub fn check(&self) -> Result<()> {
        match &self.promoted {
            Some(w) => Err(Error::new(
                w.code,
                format!("{} (warning treated as an error)", w.message),
            )),
            None => Ok(()),
        }
    }
}

/// The message numbers.
pub mod codes {
    /// heat's `DirectoryNotFound`.
    pub const DIRECTORY_NOT_FOUND: u32 = 5052;
    /// heat's `EmptyDirectory`: nothing to harvest without `-ke`.
    pub const EMPTY_DIRECTORY: u32 = 5053;
    /// heat's `ErrorTransformingHarvestedWiX`.
    pub const TRANSFORM_FAILED: u32 = 5055;
    /// heat's `SpacesNotAllowedInArgumentValue`.
    pub const SPACES_NOT_ALLOWED: u32 = 5057;
    /// heat's `ArgumentRequiresValue`.
    pub const ARGUMENT_REQUIRES_VALUE: u32 = 5058;
    /// heat's `FileNotFound`.
    pub const FILE_NOT_FOUND: u32 = 5059;
    /// heat's `DeprecatedCommandLineSwitch` warning: `-template:<type>`, `-t:<file>`, `-swall`,
    /// `-wxall`.
    pub const DEPRECATED_SWITCH: u32 = 1108;
    /// heat's `UnsupportedRegistryType` warning: a `.reg` value Windows Installer cannot write.
    pub const UNSUPPORTED_REGISTRY_TYPE: u32 = 5157;
    /// heat's `InvalidOutputType`: `-generate` with something other than `components` or
    /// `payloadgroup`.
    pub const INVALID_OUTPUT_TYPE: u32 = 5310;
    /// A command-line error: unknown option, type or bad value.
    pub const COMMAND_LINE: u32 = 8001;
    /// `dir` given a file.
    pub const EXPECTED_DIRECTORY: u32 = 8002;
    /// `file` given a folder.
    pub const EXPECTED_FILE: u32 = 8003;
    /// An input/output error.
    pub const IO: u32 = 8004;
    /// A name that is not valid Unicode.
    pub const NAME_NOT_UNICODE: u32 = 8005;
    /// A name Windows cannot hold.
    pub const NAME_ILLEGAL: u32 = 8006;
    /// Two names in one folder that differ only in case.
    pub const CASE_COLLISION: u32 = 8007;
    /// A link whose target does not exist.
    pub const DANGLING_LINK: u32 = 8008;
    /// A FIFO, socket or device file.
    pub const SPECIAL_FILE: u32 = 8009;
    /// A link to a folder, not followed (warning).
    pub const LINK_NOT_FOLLOWED: u32 = 8010;
    /// A loop of folder links, left out (warning).
    pub const LINK_LOOP: u32 = 8011;
    /// With `-followlinks`, a link to a folder the walk has already harvested at another path,
    /// left out (warning): every folder is walked once, however many links lead to it.
    pub const LINK_DUPLICATE: u32 = 8015;
    /// An extension or mutator failed.
    pub const EXTENSION_FAILED: u32 = 8012;
    /// A WiX document that cannot be read.
    pub const BAD_DOCUMENT: u32 = 8013;
    /// An output that is the same file as one the run reads (its source, `-update`'s previous
    /// harvest, a stylesheet, an `-ext` program, a response file) or as another output.
    pub const OUTPUT_IS_INPUT: u32 = 8014;
    /// A switch no extension declares, ignored as heat ignores it (warning).
    pub const UNKNOWN_SWITCH: u32 = 8020;
    /// A `-template` value heat does not know, ignored as heat ignores it (warning).
    pub const UNKNOWN_TEMPLATE: u32 = 8021;
    /// A path written for Windows (`dist\app`), read with `\` as a folder separator (a notice:
    /// `-wx` leaves it a warning).
    pub const WINDOWS_PATH: u32 = 8022;
    /// `-ext` naming one of WiX's own .NET extension assemblies, which cannot load here and are
    /// not needed (a notice: `-wx` leaves it a warning).
    pub const ASSEMBLY_EXTENSION: u32 = 8023;
    /// An argument after the source that is neither a switch nor a switch's value, ignored as
    /// heat ignores it (warning).
    pub const IGNORED_ARGUMENT: u32 = 8024;
    /// A harvest type of heat's that needs Windows or Visual Studio (`project`, `perf`,
    /// `website`).
    pub const HARVEST_TYPE_UNAVAILABLE: u32 = 8025;
    /// An `-include` or `-exclude` pattern that is not a valid glob.
    pub const GLOB_INVALID: u32 = 8100;
    /// A `.reg` file line that cannot be read.
    pub const REG_SYNTAX: u32 = 8101;
    /// A `.reg` file that deletes a key or a value, which a harvest cannot express.
    pub const REG_DELETION: u32 = 8102;
    /// A `.reg` key under a root Windows Installer cannot write, left out (warning).
    pub const REG_UNSUPPORTED_ROOT: u32 = 8103;
    /// A `.reg` file without a `REGEDIT4` or version 5 header (warning).
    pub const REG_NO_HEADER: u32 = 8104;
    /// `heat payload` given something other than a folder.
    pub const PAYLOAD_NEEDS_FOLDER: u32 = 8105;
    /// `-t` in a build without XSLT support.
    pub const XSLT_UNAVAILABLE: u32 = 8106;
    /// A message a stylesheet wrote with `xsl:message` (warning).
    pub const XSLT_MESSAGE: u32 = 8107;
    /// A name or value holding a character XML 1.0 cannot carry (a control character other
    /// than tab, line feed and carriage return, U+FFFE, U+FFFF), or a name that is not an XML
    /// name: no WiX source can hold it.
    pub const NOT_XML: u32 = 8108;
    /// `-update`: a component of the previous harvest whose install location cannot be told
    /// (no file or folder key path); it is not carried over (warning).
    pub const UPDATE_UNPLACED: u32 = 8200;
    /// `-update`: files of the previous harvest are gone from the new one (warning; the run
    /// exits with [`EXIT_FILES_REMOVED`](crate::cli::EXIT_FILES_REMOVED)).
    pub const UPDATE_FILES_REMOVED: u32 = 8201;
    /// More than 1600 components in one group or feature (Windows Installer's ICE47) (warning).
    pub const GROUP_TOO_LARGE: u32 = 8202;
    /// Two components of one document at the same install location (warning).
    pub const DUPLICATE_LOCATION: u32 = 8203;
    /// `-update`: the previous harvest cannot be trusted: two components, files or folders
    /// with one id, two components with one GUID, an id that is not a WiX identifier or a
    /// GUID that is not a GUID.
    pub const UPDATE_UNTRUSTED: u32 = 8204;
    /// An `-ext` program that did not finish within its time (`-exttimeout`).
    pub const EXTERNAL_TIMEOUT: u32 = 8300;
    /// An `-ext` program whose standard output is not a WiX document.
    pub const EXTERNAL_BAD_OUTPUT: u32 = 8301;
    /// An `-ext` program that succeeded but wrote on its standard error (warning).
    pub const EXTERNAL_STDERR: u32 = 8302;
}

/// ` (did you mean 'x'?)` for the candidate closest to `word`, when one is close: a small edit
/// away (case aside), or starting with it; empty otherwise.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    let lower = word.to_lowercase();
    let allowed = (lower.chars().count() / 3).max(1);
    let mut best: Option<(usize, usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(&lower, &c.to_lowercase());
        let score = if d <= allowed {
            Some(d)
        } else if lower.chars().count() >= 2 && c.to_lowercase().starts_with(&lower) {
            Some(allowed + 1)
        } else {
            None
        };
        if let Some(score) = score {
            let key = (score, c.len());
            if best.is_none_or(|(s, l, _)| key < (s, l)) {
                best = Some((key.0, key.1, c));
            }
        }
    }
    best.map(|(_, _, c)| format!(" (did you mean '{c}'?)"))
        .unwrap_or_default()
}

/// The optimal string alignment distance: insertions, deletions, substitutions and swaps of
/// neighbours, each one step.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_escaped() {
        let e = Error::new(
            codes::IO,
            "'a\x1b[2Jb\u{202e}txt.exe' and \r\u{85}\u{7f}, kept:\n\tnaïve",
        );
        assert_eq!(
            e.to_string(),
            "error HEAT8004: 'a\\x1b[2Jb\\u{202e}txt.exe' and \\x0d\\u{85}\\x7f, kept:\n\tnaïve"
        );
        let w = Warning {
            code: 8010,
            message: "x\u{2066}y\0".to_owned(),
        };
        assert_eq!(w.to_string(), "warning HEAT8010: x\\u{2066}y\\x00");
        assert!(matches!(shown("plain"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn suggestions() {
        let names = ["sfrag", "srd", "sreg", "dr", "cg", "template"];
        assert_eq!(did_you_mean("frag", names), " (did you mean 'sfrag'?)");
        assert_eq!(did_you_mean("sf", names), " (did you mean 'sfrag'?)");
        assert_eq!(did_you_mean("srl", names), " (did you mean 'srd'?)");
        assert_eq!(did_you_mean("dir", names), " (did you mean 'dr'?)");
        assert_eq!(did_you_mean("SRD", names), " (did you mean 'srd'?)");
        assert_eq!(did_you_mean("platypus", names), "");
    }
}
