//! Reading heat's command lines as heat reads them: response files (`@file`), the words in front
//! of the harvest type that other tools' spellings add (`wix heat dir …`), paths written for
//! Windows, and suggestions for switches that are not known.

use std::path::{Path, PathBuf};

use crate::error::{codes, Error, Result};

/// A warning found while reading the command line; it is reported with the run's other
/// messages, once `-sw` and `-wx` are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseNote {
    /// The message number.
    pub code: u32,
    /// The message.
    pub message: String,
    /// Whether `-wx` leaves it a warning (see [`Messages::notice`](crate::Messages::notice)).
    pub notice: bool,
}

impl ParseNote {
    /// A warning that `-wx` makes an error.
    pub(crate) fn warning(code: u32, message: impl Into<String>) -> ParseNote {
        ParseNote {
            code,
            message: message.into(),
            notice: false,
        }
    }

    /// A warning that `-wx` leaves a warning.
    pub(crate) fn notice(code: u32, message: impl Into<String>) -> ParseNote {
        ParseNote {
            code,
            message: message.into(),
            notice: true,
        }
    }
}

/// The arguments without the words other spellings of the same command put in front of the
/// harvest type: `wix heat dir …` (WiX v6's `wix.exe` form) and `heat heat dir …` (a script
/// that names the tool twice) are `dir …`.
pub(crate) fn strip_tool_words(args: &[String]) -> &[String] {
    let mut args = args;
    if args.len() > 1 && args[0].eq_ignore_ascii_case("wix") && is_heat(&args[1]) {
        args = &args[1..];
    }
    if args.first().is_some_and(|a| is_heat(a)) {
        args = &args[1..];
    }
    args
}

fn is_heat(word: &str) -> bool {
    word.eq_ignore_ascii_case("heat") || word.eq_ignore_ascii_case("heat.exe")
}

/// On systems other than Windows, a path written for Windows (`dist\app`): `\` read as the
/// folder separator. An input is read so only when it does not exist as written (a name may
/// hold `\` on these systems); an output always is, so that no file is made with `\` in its
/// name. `None` when the path is to be used as written. Windows reads `\` itself.
pub(crate) fn windows_path(path: &str, output: bool) -> Option<String> {
    if cfg!(windows) || !path.contains('\\') || (!output && Path::new(path).exists()) {
        return None;
    }
    Some(path.replace('\\', "/"))
}

/// [`windows_path`], with the notice that says so added to `notes`: `what` names the argument
/// (`the source`, `-o`).
pub(crate) fn host_path(
    path: &str,
    output: bool,
    what: &str,
    notes: &mut Vec<ParseNote>,
) -> String {
    match windows_path(path, output) {
        Some(host) => {
            notes.push(ParseNote::notice(
                codes::WINDOWS_PATH,
                format!(
                    "{what} '{path}' is read as a Windows path, with '\\' separating folders: \
                     '{host}'."
                ),
            ));
            host
        }
        None => path.to_owned(),
    }
}

/// Replaces every `@file` argument by the arguments read from that file, as heat reads them
/// (see [`split_response_text`]); response files may name others, a few levels deep. The
/// response files read are added to `read`.
pub(crate) fn expand_response_files(
    args: &[String],
    depth: usize,
    notes: &mut Vec<ParseNote>,
    read: &mut Vec<PathBuf>,
) -> Result<Vec<String>> {
    let mut out = Vec::with_capacity(args.len());
    for a in args {
        let Some(path) = a.strip_prefix('@').filter(|p| !p.is_empty()) else {
            out.push(a.clone());
            continue;
        };
        if depth > 8 {
            return Err(Error::new(
                codes::COMMAND_LINE,
                format!("Response files nest too deeply at '{a}'."),
            ));
        }
        let path = host_path(path, false, "The response file", notes);
        let bytes = std::fs::read(&path)
            .map_err(|e| Error::io(Path::new(&path), "read the response file", e))?;
        let text = decode_text(&bytes).ok_or_else(|| {
            Error::at(
                codes::COMMAND_LINE,
                &path,
                format!("The response file '{path}' is not UTF-8 or UTF-16 text."),
            )
        })?;
        let inner = split_response_text(&text, &|name| std::env::var(name).ok());
        read.push(PathBuf::from(&path));
        out.extend(expand_response_files(&inner, depth + 1, notes, read)?);
    }
    Ok(out)
}

/// Text as .NET's `StreamReader` reads a file: UTF-16 (either byte order) or UTF-8 after a
/// byte-order mark, UTF-8 without one.
fn decode_text(bytes: &[u8]) -> Option<String> {
    let utf16 = |b: &[u8], le: bool| {
        let units = b.chunks(2).map(|c| {
            let pair = [c[0], c.get(1).copied().unwrap_or(0)];
            if le {
                u16::from_le_bytes(pair)
            } else {
                u16::from_be_bytes(pair)
            }
        });
        char::decode_utf16(units)
            .collect::<std::result::Result<String, _>>()
            .ok()
    };
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8(rest.to_vec()).ok(),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, true),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, false),
        _ => String::from_utf8(bytes.to_vec()).ok(),
    }
}

/// Splits a response file's text into arguments as WiX's `CommandLineResponseFile` does:
/// white space separates arguments except inside double quotes, which may start and end
/// anywhere in an argument and are removed; `\"` is a literal quote and `\\"` a backslash
/// before a quote; other backslashes are kept (Windows paths). `%NAME%` is replaced by the
/// environment variable `NAME` (`env`), and an unknown one as heat replaces it: by the value
/// of the variable replaced before it in the same argument, or by nothing.
pub(crate) fn split_response_text(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut args = Vec::new();
    let mut arg = String::new();
    let mut quoted = false;
    let mut part_start = 0;
    let mut i = 0;
    while i <= chars.len() {
        if i == chars.len() || (chars[i].is_whitespace() && !quoted) {
            arg.extend(&chars[part_start..i]);
            part_start = i + 1;
            if !arg.is_empty() {
                args.push(expand_variables(&arg, env));
                arg.clear();
            }
        } else if i > part_start && chars[i - 1] == '\\' {
            let escapes = chars[i] == '"' || (chars[i] == '\\' && chars.get(i + 1) == Some(&'"'));
            if escapes {
                arg.extend(&chars[part_start..i - 1]);
                arg.push(chars[i]);
                part_start = i + 1;
            }
        } else if chars[i] == '"' {
            arg.extend(&chars[part_start..i]);
            part_start = i + 1;
            quoted = !quoted;
        }
        i += 1;
    }
    args
}

/// `%NAME%` (letters, digits, `_` and `.`) replaced as [`split_response_text`] says.
fn expand_variables(arg: &str, env: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(arg.len());
    let mut last = String::new();
    let mut rest = arg;
    while let Some(open) = rest.find('%') {
        let after = &rest[open + 1..];
        let name_len = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(after.len());
        if name_len > 0 && after[name_len..].starts_with('%') {
            let name = &after[..name_len];
            out.push_str(&rest[..open]);
            if let Some(value) = env(name) {
                last = value;
            }
            out.push_str(&last);
            rest = &after[name_len + 1..];
        } else {
            out.push_str(&rest[..=open]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Whether a switch's body (without its dash) is `-sw`/`-wx`, with or without a number.
pub(crate) fn is_numbered(body: &str) -> bool {
    ["sw", "wx"].iter().any(|p| {
        body.strip_prefix(p)
            .is_some_and(|n| n.is_empty() || n.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// `-sw`, `-sw<N>`, `-wx`, `-wx<N>`, into `policy`; `false` for any other switch.
pub(crate) fn numbered_switch(
    body: &str,
    policy: &mut crate::error::WarningPolicy,
) -> Result<bool> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<String> {
        split_response_text(text, &|name| match name {
            "OUT" => Some("C:\\out".to_owned()),
            _ => None,
        })
    }

    #[test]
    fn response_files_split_as_heat_splits_them() {
        assert_eq!(
            split("dir \"my src\"\r\n -cg CG\r\n"),
            ["dir", "my src", "-cg", "CG"]
        );
        assert_eq!(split("a\"b c\"d"), ["ab cd"]);
        assert_eq!(split(r#"-var "var.A\"B""#), ["-var", "var.A\"B"]);
        assert_eq!(split(r#""C:\dir\\" x"#), ["C:\\dir\\", "x"]);
        assert_eq!(split(r"C:\a\b"), ["C:\\a\\b"]);
        assert_eq!(split("-o %OUT%\\a.wxs"), ["-o", "C:\\out\\a.wxs"]);
        // An unknown variable takes the value of the one before it in the argument, as in heat.
        assert_eq!(split("%OUT%;%NOPE%"), ["C:\\out;C:\\out"]);
        assert_eq!(split("%NOPE%x 100%"), ["x", "100%"]);
    }

    #[test]
    fn response_files_in_utf16_and_with_a_mark() {
        assert_eq!(decode_text(b"\xEF\xBB\xBFdir a").as_deref(), Some("dir a"));
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("dir ä".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode_text(&utf16).as_deref(), Some("dir ä"));
        assert_eq!(decode_text(b"\xFF\xFF\xFF"), None);
    }

    #[test]
    fn tool_words_in_front() {
        let words = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            strip_tool_words(&words(&["wix", "heat", "dir", "x"])),
            words(&["dir", "x"])
        );
        assert_eq!(
            strip_tool_words(&words(&["heat", "dir", "x"])),
            words(&["dir", "x"])
        );
        assert_eq!(
            strip_tool_words(&words(&["dir", "heat"])),
            words(&["dir", "heat"])
        );
        assert_eq!(strip_tool_words(&words(&["wix"])), words(&["wix"]));
    }

    #[test]
    #[cfg(not(windows))]
    fn windows_paths() {
        assert_eq!(
            windows_path("dist\\app", false).as_deref(),
            Some("dist/app")
        );
        assert_eq!(
            windows_path("out\\app.wxs", true).as_deref(),
            Some("out/app.wxs")
        );
        assert_eq!(windows_path("plain/path", true), None);
        let tmp = tempfile::tempdir().unwrap();
        let odd = tmp.path().join("a\\b");
        std::fs::write(&odd, "").unwrap();
        let odd = odd.to_str().unwrap();
        assert_eq!(
            windows_path(odd, false),
            None,
            "an input that exists as written"
        );
    }
}
