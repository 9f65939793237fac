//! `heat reg`: a `.reg` file exported by regedit, as registry components (heat's
//! `RegFileHarvester`, the same in heat v3 and v4-v6).
//!
//! Facts taken from heat's `RegFileHarvester.cs`:
//! - each key becomes a `Component` (id `id("cmp", key path without its root)`, `KeyPath="yes"`)
//!   holding a `RegistryKey` with `Root` and `Key`; a key without values gets
//!   `ForceCreateOnInstall="yes"`;
//! - the components sit in `TARGETDIR`: a `Directory` in heat v3 (which heat's main mutator
//!   then splits into one fragment per component), a `StandardDirectory` in v4;
//! - `"name"="text"`: `\"` and `\\` are unescaped, then `[` and `]` escaped as `[\[]` and
//!   `[\]]` and `$` as `$$` (the value is a formatted string); `dword:` becomes a signed
//!   decimal (`Int32.Parse` of the hex); `hex:` the bytes in upper-case hex; `hex(2):` the
//!   characters without any NUL; `hex(7):` the characters without the closing two, split at
//!   each NUL into `MultiStringValue`s (a `Value` attribute in v4, text in v3);
//! - `@=` is the default value, written without `Name`; in a version 5 file, `hex(2)` and
//!   `hex(7)` data are UTF-16LE, in a `REGEDIT4` file one byte a character;
//! - types Windows Installer cannot write (`hex(0)`, `hex(6)`, `hex(8)` to `hex(b)`) are
//!   warned about (heat's warning 5157).
//!
//! Where heat is silent or fails, this harvester does what regedit meant, and says so:
//! comment lines (`;`) are skipped anywhere; a value is kept after an unsupported one (heat
//! dropped the rest of the key); values belong to the last key above them, blank lines or
//! not; value names are unescaped like string data (heat kept `\\` doubled in names);
//! `hex(1)` (a string in hex), `hex(3)` (binary) and `hex(4)` (a little-endian dword) are
//! written as `string`, `binary` and `integer`; a key that appears twice is one component; two
//! keys with the same path under different roots get ids that also hash the root (heat wrote
//! the same id twice); deleting a key (`[-HKEY_…]`) or a value (`"v"=-`) is refused with the
//! line, because a harvest only adds; keys under roots Windows Installer cannot write
//! (`HKEY_CURRENT_CONFIG`, …) are left out with a warning.
//!
//! Every key, name and text value is written so that WiX and Windows Installer install it as
//! it is in the file (heat escaped string values only, and only `[`, `]` and `$`): the
//! `Registry` table's `Key`, `Name` and `Value` are formatted strings, so `[`, `]` (and, beside
//! them, `{`, `}`) are escaped as formatted strings escape them, in keys, names, strings,
//! expandable strings and each part of a multi-string alike; then `$` and WiX variable
//! references are escaped for WiX's preprocessor and binder (see [`crate::wix::escape`]). A
//! key, name or value holding a character XML 1.0 cannot carry (a control character but tab,
//! line feed and carriage return) cannot be written in WiX source at all, and is an error
//! naming the line (`HEAT8108`).
//!
//! The file is read as UTF-16 when it starts with a byte-order mark (regedit's version 5
//! files), as UTF-8 when it is valid UTF-8, and as Windows-1252 (the ANSI code page of
//! `REGEDIT4` files) otherwise.

use std::collections::HashMap;
use std::path::Path;

use crate::error::{codes, Error, Result};
use crate::pipeline::{Context, Harvester};
use crate::wix::directory_reference;
use crate::wix::escape::{describe_non_xml_char, escape_formatted, escape_wix, find_non_xml_char};
use crate::wix::{Document, NodeId, Schema};

/// Harvests a `.reg` file into registry components.
///
/// ```
/// use heat::extension::{Context, Harvester};
/// use heat::{Messages, Schema};
/// use heat::harvest::RegHarvester;
/// # let tmp = tempfile::tempdir().unwrap();
/// # let reg = tmp.path().join("app.reg");
/// std::fs::write(&reg, "REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\Software\\App]\r\n\"Level\"=dword:0000000a\r\n").unwrap();
/// let mut cx = Context::new(Schema::V4, false, Messages::default());
/// let doc = RegHarvester::default().harvest(&mut cx, reg.to_str().unwrap()).unwrap();
/// let value = doc.elements_named("RegistryValue").next().unwrap();
/// assert!(doc.attr(value, "Value").unwrap() == "10");
/// assert!(doc.attr(value, "Type").unwrap() == "integer");
/// ```
#[derive(Debug, Clone)]
pub struct RegHarvester {
    /// `-dr`: the directory the components are put in (heat always used `TARGETDIR`).
    pub directory_ref: String,
}

impl Default for RegHarvester {
    fn default() -> Self {
        RegHarvester {
            directory_ref: "TARGETDIR".to_owned(),
        }
    }
}

impl Harvester for RegHarvester {
    fn name(&self) -> &str {
        "reg"
    }

    fn harvest(&mut self, cx: &mut Context, source: &str) -> Result<Document> {
        let path = Path::new(source);
        let bytes = std::fs::read(path).map_err(|e| Error::opening_file(path, e))?;
        if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
            return Err(Error::at(
                codes::EXPECTED_FILE,
                path,
                format!(
                    "The harvest type 'reg' needs a .reg file, but '{}' is a folder.",
                    path.display()
                ),
            ));
        }
        self.harvest_bytes(cx, &bytes, path)
    }
}

impl RegHarvester {
    /// Harvests the contents of a `.reg` file; `path` names it in messages.
    pub fn harvest_bytes(&self, cx: &mut Context, bytes: &[u8], path: &Path) -> Result<Document> {
        let text = decode(bytes);
        let keys = parse(&text, path, cx)?;
        Ok(self.build(cx, &keys))
    }
}

/// A registry root that Windows Installer can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Root {
    Hkcr,
    Hkcu,
    Hklm,
    Hku,
}

impl Root {
    fn attr(self) -> &'static str {
        match self {
            Root::Hkcr => "HKCR",
            Root::Hkcu => "HKCU",
            Root::Hklm => "HKLM",
            Root::Hku => "HKU",
        }
    }
}

/// A value's data as WiX writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Data {
    String(String),
    Integer(String),
    Binary(String),
    Expandable(String),
    Multi(Vec<String>),
}

#[derive(Debug, Clone)]
struct Key {
    root: Root,
    path: String,
    values: Vec<(Option<String>, Data)>,
}

/// The text of the file, decoded as regedit wrote it.
fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, u16::from_be_bytes);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // UTF-16LE without a mark: an ASCII first character followed by a zero byte.
    if bytes.len() >= 2 && bytes[0] != 0 && bytes[1] == 0 {
        return utf16(bytes, u16::from_le_bytes);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect(),
    }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Windows-1252, the ANSI code page regedit used for `REGEDIT4` files in the West.
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{81}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{8D}',
        '\u{017D}', '\u{8F}', '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}',
        '\u{2013}', '\u{2014}', '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}',
        '\u{9D}', '\u{017E}', '\u{0178}',
    ];
    match b {
        0x80..=0x9F => HIGH[(b - 0x80) as usize],
        b => b as char,
    }
}

/// The file's logical lines: each trimmed, a line ending in `\` joined with the next (as
/// heat's `GetNextLine` does), with the number of its first physical line.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    for (i, raw) in normalized.split('\n').enumerate() {
        let line = raw.trim();
        let (continues, part) = match line.strip_suffix('\\') {
            Some(p) => (true, p),
            None => (false, line),
        };
        match &mut current {
            Some((_, s)) => s.push_str(part),
            None => current = Some((i + 1, part.to_owned())),
        }
        if !continues {
            out.extend(current.take());
        }
    }
    out.extend(current);
    out
}

/// Refuses `text`, the `what` of line `line`, when it holds a character XML 1.0 cannot carry.
fn xml_text(path: &Path, line: usize, what: &str, text: &str) -> Result<()> {
    match find_non_xml_char(text) {
        None => Ok(()),
        Some((_, c)) => Err(Error::at(
            codes::NOT_XML,
            path,
            format!(
                "{}({line}): {what} holds {}; WiX source cannot hold it.",
                path.display(),
                describe_non_xml_char(c)
            ),
        )),
    }
}

/// `text` for a message, its control characters written as `\u{…}`.
fn shown(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn syntax(path: &Path, line: usize, what: impl std::fmt::Display) -> Error {
    Error::at(
        codes::REG_SYNTAX,
        path,
        format!("{}({line}): {what}", path.display()),
    )
}

/// Parses the file into keys, in the order they appear.
fn parse(text: &str, path: &Path, cx: &mut Context) -> Result<Vec<Key>> {
    let mut keys: Vec<Key> = Vec::new();
    // Where the values of the current key go: a key's index, or None for a key left out.
    let mut current: Option<Option<usize>> = None;
    let mut unicode = None;
    let mut seen: HashMap<(Root, String), usize> = HashMap::new();
    for (n, line) in logical_lines(text) {
        if line.is_empty() || line.starts_with(';') {
            continue;
        }
        if line.starts_with("Windows Registry Editor Version 5.00") {
            unicode = Some(true);
            continue;
        }
        if line.starts_with("REGEDIT4") {
            unicode = Some(false);
            continue;
        }
        if let Some(key) = line.strip_prefix('[') {
            if key.starts_with('-') {
                return Err(Error::at(
                    codes::REG_DELETION,
                    path,
                    format!(
                        "{}({n}): '{line}' deletes a registry key; a harvest can only add keys. \
                         Remove the line, or author a RemoveRegistryKey element instead.",
                        path.display()
                    ),
                ));
            }
            let Some(key) = key.strip_suffix(']') else {
                return Err(syntax(
                    path,
                    n,
                    format!("the key '{line}' has no closing ']'."),
                ));
            };
            xml_text(path, n, &format!("the key '{}'", shown(key)), key)?;
            let (root_name, sub) = key.split_once('\\').unwrap_or((key, ""));
            let root = match root_name {
                "HKEY_CLASSES_ROOT" => Some(Root::Hkcr),
                "HKEY_CURRENT_USER" => Some(Root::Hkcu),
                "HKEY_LOCAL_MACHINE" => Some(Root::Hklm),
                "HKEY_USERS" => Some(Root::Hku),
                _ => None,
            };
            current = Some(match root.filter(|_| !sub.is_empty()) {
                Some(root) => {
                    let at = *seen.entry((root, sub.to_owned())).or_insert_with(|| {
                        keys.push(Key {
                            root,
                            path: sub.to_owned(),
                            values: Vec::new(),
                        });
                        keys.len() - 1
                    });
                    Some(at)
                }
                None => {
                    let why = if root.is_some() {
                        "values directly under a root key cannot be installed"
                    } else {
                        "Windows Installer writes only under HKEY_CLASSES_ROOT, \
                         HKEY_CURRENT_USER, HKEY_LOCAL_MACHINE and HKEY_USERS"
                    };
                    cx.messages.warn(
                        codes::REG_UNSUPPORTED_ROOT,
                        format!(
                            "{}({n}): the key '{key}' and its values are left out: {why}.",
                            path.display()
                        ),
                    );
                    None
                }
            });
            continue;
        }
        let Some(target) = current else {
            return Err(syntax(
                path,
                n,
                format!("'{line}' is not a key, a value in a key, or a comment."),
            ));
        };
        let unicode = *unicode.get_or_insert_with(|| {
            cx.messages.warn(
                codes::REG_NO_HEADER,
                format!(
                    "{}: no 'Windows Registry Editor Version 5.00' or 'REGEDIT4' header \
                     before line {n}; hex data is read as REGEDIT4 (one byte a character).",
                    path.display()
                ),
            );
            false
        });
        let (name, data) = split_value(&line)
            .ok_or_else(|| syntax(path, n, format!("cannot read the value '{line}'.")))?;
        let data = match convert(data, unicode) {
            Ok(data) => data,
            Err(Problem::Bad(what)) => return Err(syntax(path, n, what)),
            Err(Problem::Deletion) => {
                return Err(Error::at(
                    codes::REG_DELETION,
                    path,
                    format!(
                        "{}({n}): '{line}' deletes a registry value; a harvest can only add \
                         values. Remove the line, or author a RemoveRegistryValue element instead.",
                        path.display()
                    ),
                ))
            }
            Err(Problem::Unsupported(kind)) => {
                // heat's UnsupportedRegistryType, with the file named.
                cx.messages.warn(
                    codes::UNSUPPORTED_REGISTRY_TYPE,
                    format!(
                        "{}: ignoring the registry value '{}' found on line {n}, because it is \
                         of a type unsupported by Windows Installer ({kind}).",
                        path.display(),
                        name.as_deref().unwrap_or("@"),
                    ),
                );
                continue;
            }
        };
        let shown = shown(name.as_deref().unwrap_or("@"));
        if let Some(name) = &name {
            xml_text(path, n, &format!("the value name '{shown}'"), name)?;
        }
        let texts: &[String] = match &data {
            Data::String(s) | Data::Expandable(s) => std::slice::from_ref(s),
            Data::Multi(parts) => parts,
            Data::Integer(_) | Data::Binary(_) => &[],
        };
        for t in texts {
            xml_text(path, n, &format!("the data of the value '{shown}'"), t)?;
        }
        if let Some(at) = target {
            keys[at].values.push((name, data));
        }
    }
    Ok(keys)
}

/// Splits `"name"=data` or `@=data` into the unescaped name (`None` for the default value)
/// and the data as written.
fn split_value(line: &str) -> Option<(Option<String>, &str)> {
    let (name, rest) = if let Some(rest) = line.strip_prefix('@') {
        (None, rest)
    } else {
        let body = line.strip_prefix('"')?;
        let mut name = String::new();
        let mut chars = body.char_indices();
        let end = loop {
            match chars.next()? {
                (_, '\\') => match chars.next()? {
                    (_, c @ ('\\' | '"')) => name.push(c),
                    (_, c) => {
                        name.push('\\');
                        name.push(c);
                    }
                },
                (i, '"') => break i,
                (_, c) => name.push(c),
            }
        };
        (Some(name), &body[end + 1..])
    };
    let data = rest.trim_start().strip_prefix('=')?.trim_start();
    // An empty name is the default value too (heat leaves out an empty Name).
    Some((name.filter(|n| !n.is_empty()), data))
}

/// Why a value's data cannot be converted.
#[derive(Debug)]
enum Problem {
    /// `-`: the value is deleted.
    Deletion,
    /// A type Windows Installer cannot write (its name).
    Unsupported(&'static str),
    /// Data that cannot be read (what is wrong).
    Bad(String),
}

/// Converts a value's data as heat does.
fn convert(data: &str, unicode: bool) -> std::result::Result<Data, Problem> {
    if data == "-" {
        return Err(Problem::Deletion);
    }
    if let Some(s) = data.strip_prefix('"') {
        let Some(inner) = s.strip_suffix('"') else {
            return Err(Problem::Bad(format!(
                "the string {data} has no closing quote."
            )));
        };
        return Ok(Data::String(unescape_reg_string(inner)));
    }
    if let Some(hex) = data.strip_prefix("dword:") {
        return dword(hex).map(Data::Integer).ok_or_else(|| {
            Problem::Bad(format!(
                "'{data}' is not a dword: it needs 1 to 8 hex digits."
            ))
        });
    }
    let (kind, list) = if let Some(list) = data.strip_prefix("hex:") {
        ("3", list)
    } else if let Some(rest) = data.strip_prefix("hex(") {
        match rest.split_once("):") {
            Some((kind, list)) => (kind, list),
            None => return Err(Problem::Bad(format!("cannot read the type of '{data}'."))),
        }
    } else {
        return Err(Problem::Bad(format!(
            "the data '{data}' is none of the kinds a .reg file holds (\"text\", dword:, hex:, hex(n):)."
        )));
    };
    let bytes = || {
        hex_bytes(list).ok_or_else(|| Problem::Bad(format!("'{list}' is not a list of hex bytes.")))
    };
    let chars = || -> std::result::Result<Vec<char>, Problem> {
        let b = bytes()?;
        if !unicode {
            return Ok(b.into_iter().map(windows_1252).collect());
        }
        if b.len() % 2 != 0 {
            return Err(Problem::Bad(
                "the character data has an odd number of bytes, so it is not UTF-16 as a \
                 version 5 file's must be."
                    .to_owned(),
            ));
        }
        let units = b.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]]));
        Ok(char::decode_utf16(units)
            .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect())
    };
    let kind = kind.to_ascii_lowercase();
    Ok(match kind.trim_start_matches('0') {
        "3" => Data::Binary(bytes()?.iter().map(|b| format!("{b:02X}")).collect()),
        "2" => Data::Expandable(chars()?.into_iter().filter(|c| *c != '\0').collect()),
        "7" => {
            let mut c = chars()?;
            c.truncate(c.len().saturating_sub(2));
            let joined: String = c.into_iter().collect();
            Data::Multi(joined.split('\0').map(str::to_owned).collect())
        }
        "1" => {
            let s: String = chars()?.into_iter().collect();
            Data::String(s.trim_end_matches('\0').to_owned())
        }
        "4" => match <[u8; 4]>::try_from(bytes()?.as_slice()) {
            Ok(b) => Data::Integer(i32::from_le_bytes(b).to_string()),
            Err(_) => {
                return Err(Problem::Bad(format!(
                    "'{data}' is not 4 bytes, as a dword is."
                )))
            }
        },
        "" => return Err(Problem::Unsupported("REG_NONE")),
        "5" => return Err(Problem::Unsupported("REG_DWORD_BIG_ENDIAN")),
        "6" => return Err(Problem::Unsupported("REG_LINK")),
        "8" => return Err(Problem::Unsupported("REG_RESOURCE_LIST")),
        "9" => return Err(Problem::Unsupported("REG_FULL_RESOURCE_DESCRIPTOR")),
        "a" => return Err(Problem::Unsupported("REG_RESOURCE_REQUIREMENTS_LIST")),
        "b" => return Err(Problem::Unsupported("REG_QWORD")),
        _ => return Err(Problem::Bad(format!("hex({kind}) is not a registry type."))),
    })
}

/// heat's `Int32.Parse(hex, HexNumber).ToString()`.
fn dword(hex: &str) -> Option<String> {
    if hex.is_empty() || hex.len() > 8 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let v = u32::from_str_radix(hex, 16).ok()?;
    Some((v as i32).to_string())
}

/// `01,ab,…` into bytes; empty items (a trailing comma) are skipped.
fn hex_bytes(list: &str) -> Option<Vec<u8>> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            if s.len() <= 2 {
                u8::from_str_radix(s, 16).ok()
            } else {
                None
            }
        })
        .collect()
}

/// heat's unescaping of string data: `\"` then `\\`.
fn unescape_reg_string(s: &str) -> String {
    s.replace("\\\"", "\"").replace("\\\\", "\\")
}

/// A key, name or text value as WiX source writes it for the `Registry` table's formatted
/// columns: escaped as a formatted string, then for WiX's preprocessor and binder.
fn formatted(s: &str, schema: Schema) -> String {
    escape_wix(&escape_formatted(s), schema).into_owned()
}

impl RegHarvester {
    fn build(&self, cx: &mut Context, keys: &[Key]) -> Document {
        let mut doc = Document::new(cx.schema);
        let fragment = doc.create_child(doc.root(), "Fragment");
        let dr = self.directory_ref.as_str();
        // heat v3 writes a Directory TARGETDIR, which its main mutator then dissolves into a
        // DirectoryRef per component; anything else is a reference.
        let holder = if cx.schema == Schema::V3 && dr == "TARGETDIR" {
            let d = doc.create_child(fragment, "Directory");
            doc.set_attr(d, "Id", dr);
            d
        } else {
            directory_reference(&mut doc, fragment, dr)
        };
        let mut used: HashMap<String, ()> = HashMap::new();
        for key in keys {
            let mut id = cx.ids.generate("cmp", &[&key.path]);
            if used.contains_key(&id) {
                id = cx.ids.generate("cmp", &[key.root.attr(), &key.path]);
            }
            used.insert(id.clone(), ());
            let component = doc.create_child(holder, "Component");
            doc.set_attr(component, "Id", id);
            doc.set_attr(component, "KeyPath", "yes");
            let rk = doc.create_child(component, "RegistryKey");
            doc.set_attr(rk, "Root", key.root.attr());
            doc.set_attr(rk, "Key", formatted(&key.path, cx.schema));
            if key.values.is_empty() {
                doc.set_attr(rk, "ForceCreateOnInstall", "yes");
            }
            for (name, data) in &key.values {
                add_value(&mut doc, rk, name.as_deref(), data);
            }
        }
        doc
    }
}

fn add_value(doc: &mut Document, key: NodeId, name: Option<&str>, data: &Data) {
    let schema = doc.schema();
    let v = doc.create_child(key, "RegistryValue");
    if let Some(name) = name {
        doc.set_attr(v, "Name", formatted(name, schema));
    }
    let (value, ty) = match data {
        Data::String(s) => (Some(formatted(s, schema)), "string"),
        Data::Integer(s) => (Some(s.clone()), "integer"),
        Data::Binary(s) => (Some(s.clone()), "binary"),
        Data::Expandable(s) => (Some(formatted(s, schema)), "expandable"),
        Data::Multi(_) => (None, "multiString"),
    };
    if let Some(value) = value {
        doc.set_attr(v, "Value", value);
    }
    doc.set_attr(v, "Type", ty);
    if let Data::Multi(parts) = data {
        for part in parts {
            let m = doc.create_child(v, "MultiStringValue");
            let part = formatted(part, schema);
            if schema == Schema::V3 {
                doc.set_text(m, part);
            } else {
                doc.set_attr(m, "Value", part);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Messages;

    fn keys(text: &str) -> Result<Vec<Key>> {
        let mut cx = Context::new(Schema::V4, false, Messages::default());
        parse(text, Path::new("t.reg"), &mut cx)
    }

    fn one(data: &str, unicode: bool) -> Data {
        convert(data, unicode).unwrap()
    }

    #[test]
    fn strings_as_heat_escapes_them() {
        let data = one(r#""a \"q\" C:\\x [b] $y""#, true);
        assert_eq!(data, Data::String(r#"a "q" C:\x [b] $y"#.to_owned()));
        let Data::String(s) = data else {
            unreachable!()
        };
        assert_eq!(formatted(&s, Schema::V4), r#"a "q" C:\x [\[]b[\]] $$y"#);
        assert_eq!(
            formatted("!(wix.Ab) {[x]}", Schema::V3),
            r"!!(wix.Ab) [\{][\[]x[\]][\}]"
        );
    }

    #[test]
    fn dwords_are_signed() {
        assert_eq!(one("dword:00001000", true), Data::Integer("4096".into()));
        assert_eq!(one("dword:ffffffff", true), Data::Integer("-1".into()));
        assert!(matches!(
            convert("dword:100000000", true),
            Err(Problem::Bad(_))
        ));
    }

    #[test]
    fn hex_types() {
        assert_eq!(one("hex:0a,ff,00", true), Data::Binary("0AFF00".into()));
        assert_eq!(
            one("hex(2):25,00,41,00,25,00,00,00", true),
            Data::Expandable("%A%".into())
        );
        assert_eq!(
            one("hex(2):25,41,25,00", false),
            Data::Expandable("%A%".into())
        );
        assert_eq!(
            one("hex(7):61,00,00,00,62,00,00,00,00,00", true),
            Data::Multi(vec!["a".into(), "b".into()])
        );
        assert_eq!(one("hex(7):00,00", true), Data::Multi(vec!["".into()]));
        assert_eq!(one("hex(4):10,00,00,00", true), Data::Integer("16".into()));
        assert_eq!(one("hex(1):5b,00,00,00", true), Data::String("[".into()));
        assert!(matches!(
            convert("hex(b):01,00,00,00,00,00,00,00", true),
            Err(Problem::Unsupported("REG_QWORD"))
        ));
        assert!(
            matches!(convert("hex(2):41,00,42", true), Err(Problem::Bad(m)) if m.contains("odd number"))
        );
    }

    #[test]
    fn names() {
        assert_eq!(
            split_value(r#""a\\b \"c\"=d"=dword:1"#),
            Some((Some(r#"a\b "c"=d"#.to_owned()), "dword:1"))
        );
        assert_eq!(split_value("@=\"x\""), Some((None, "\"x\"")));
        assert_eq!(split_value("\"\"=\"x\""), Some((None, "\"x\"")));
        assert_eq!(split_value("name=1"), None);
    }

    #[test]
    fn continuations_comments_and_files() {
        let k = keys(
            "Windows Registry Editor Version 5.00\r\n\r\n; a comment\r\n[HKEY_CURRENT_USER\\A]\r\n\"x\"=hex:01,\\\r\n  02\r\n; inside\r\n\r\n\"y\"=\"1\"\r\n[HKEY_CURRENT_USER\\A]\r\n@=\"d\"\r\n",
        )
        .unwrap();
        assert_eq!(k.len(), 1);
        assert_eq!(k[0].values.len(), 3);
        assert_eq!(k[0].values[0].1, Data::Binary("0102".into()));
    }

    #[test]
    fn characters_xml_cannot_carry_are_refused_with_the_line() {
        for (text, what) in [
            (
                "REGEDIT4\n[HKEY_CURRENT_USER\\A\u{1}]\n",
                "the key 'HKEY_CURRENT_USER\\A\\u{1}'",
            ),
            (
                "REGEDIT4\n[HKEY_CURRENT_USER\\A]\n\"n\u{7}\"=\"x\"\n",
                "the value name 'n\\u{7}'",
            ),
            (
                "REGEDIT4\n[HKEY_CURRENT_USER\\A]\n\"n\"=\"x\u{1b}[0m\"\n",
                "the data of the value 'n'",
            ),
            (
                "REGEDIT4\n[HKEY_CURRENT_USER\\A]\n@=hex(2):41,01,00\n",
                "the data of the value '@'",
            ),
            (
                "REGEDIT4\n[HKEY_CURRENT_USER\\A]\n\"m\"=hex(7):41,00,02,00,00\n",
                "U+0002",
            ),
        ] {
            let e = keys(text).unwrap_err();
            assert_eq!(e.code(), codes::NOT_XML, "{text:?}");
            assert!(e.message().contains(what), "{}", e.message());
            let line = if text.contains("[HKEY_CURRENT_USER\\A]") {
                "t.reg(3)"
            } else {
                "t.reg(2)"
            };
            assert!(e.message().contains(line), "{}", e.message());
        }
        // Tab, line feed and carriage return are characters XML carries.
        assert!(keys("REGEDIT4\n[HKEY_CURRENT_USER\\A]\n\"n\"=\"a\tb\"\n").is_ok());
    }

    #[test]
    fn refusals_name_the_line() {
        let e = keys("REGEDIT4\n\n[-HKEY_CURRENT_USER\\A]\n").unwrap_err();
        assert_eq!(e.code(), codes::REG_DELETION);
        assert!(e.message().contains("t.reg(3)"), "{}", e.message());
        let e = keys("REGEDIT4\n[HKEY_CURRENT_USER\\A]\n\"v\"=-\n").unwrap_err();
        assert_eq!(e.code(), codes::REG_DELETION);
        assert!(e.message().contains("t.reg(3)"));
        let e = keys("REGEDIT4\n[HKEY_CURRENT_USER\\A]\n\"v\"=bogus\n").unwrap_err();
        assert_eq!(e.code(), codes::REG_SYNTAX);
        assert!(e.message().contains("t.reg(3)"));
        let e = keys("REGEDIT4\n\"v\"=\"x\"\n").unwrap_err();
        assert!(e.message().contains("t.reg(2)"));
    }

    #[test]
    fn decoding() {
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("é\r\n".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode(&utf16), "é\r\n");
        assert_eq!(decode(b"caf\xE9 \x80"), "café €");
        assert_eq!(decode("\u{FEFF}x".as_bytes()), "x");
    }
}
