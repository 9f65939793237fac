//! Walking a folder into an ordered tree.
//!
//! Order is decided here, never by the filesystem: inside a folder, sub-folders and files are
//! each sorted as NTFS lists them (see [`ntfs_cmp`]), so the same tree gives the same output on
//! every OS and in every creation order. Names Windows could not install are refused here,
//! with the path in the message.

use std::cmp::Ordering;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{codes, Error, Result};
use crate::harvest::filter::PathFilter;
use crate::pipeline::{Context, Progress};

/// A folder found by the walk, with its sub-folders and files in NTFS order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Folder {
    /// The folder's name on disk.
    pub name: String,
    /// The folder's path as walked.
    pub path: PathBuf,
    /// Sub-folders, sorted by [`ntfs_cmp`].
    pub folders: Vec<Folder>,
    /// Names of the files directly in this folder, sorted by [`ntfs_cmp`].
    pub files: Names,
}

/// A list of names held in one buffer: a large tree has hundreds of thousands of them, and a
/// separate allocation each would cost more than the names themselves.
///
/// ```
/// let mut names = heat::harvest::walk::Names::default();
/// names.push("a.txt");
/// names.push("b.dll");
/// assert_eq!(names.len(), 2);
/// assert_eq!(names.get(1), Some("b.dll"));
/// assert_eq!(names.iter().collect::<Vec<_>>(), ["a.txt", "b.dll"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names {
    text: String,
    ends: Vec<u32>,
}

impl Names {
    /// An empty list with room for `names` names of `bytes` bytes in all.
    pub fn with_capacity(names: usize, bytes: usize) -> Names {
        Names {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(names),
        }
    }

    /// Adds a name at the end.
    pub fn push(&mut self, name: &str) {
        self.text.push_str(name);
        self.ends
            .push(u32::try_from(self.text.len()).expect("less than 4 GiB of names in a folder"));
    }

    /// The number of names.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are no names.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The `i`th name.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        Some(&self.text[start..end])
    }

    /// The names, in order.
    pub fn iter(&self) -> NamesIter<'_> {
        NamesIter {
            names: self,
            next: 0,
            end: self.ends.len(),
        }
    }

    /// The bytes of all the names together.
    pub fn total_len(&self) -> usize {
        self.text.len()
    }

    /// Gives back unused room, once the list is complete.
    fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

impl<'a> IntoIterator for &'a Names {
    type Item = &'a str;
    type IntoIter = NamesIter<'a>;
    fn into_iter(self) -> NamesIter<'a> {
        self.iter()
    }
}

/// The names of a [`Names`], in order; see [`Names::iter`].
#[derive(Debug, Clone)]
pub struct NamesIter<'a> {
    names: &'a Names,
    next: usize,
    end: usize,
}

impl<'a> Iterator for NamesIter<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        if self.next == self.end {
            return None;
        }
        self.next += 1;
        self.names.get(self.next - 1)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.end - self.next, Some(self.end - self.next))
    }
}

impl ExactSizeIterator for NamesIter<'_> {}

impl<'a> DoubleEndedIterator for NamesIter<'a> {
    fn next_back(&mut self) -> Option<&'a str> {
        if self.next == self.end {
            return None;
        }
        self.end -= 1;
        self.names.get(self.end)
    }
}

impl<'a> FromIterator<&'a str> for Names {
    fn from_iter<I: IntoIterator<Item = &'a str>>(iter: I) -> Names {
        let mut names = Names::default();
        for name in iter {
            names.push(name);
        }
        names
    }
}

impl Folder {
    /// The number of folders below this one, itself included.
    pub fn folder_count(&self) -> usize {
        1 + self.folders.iter().map(Folder::folder_count).sum::<usize>()
    }

    /// The number of files in this folder and every folder below it.
    pub fn file_count(&self) -> usize {
        self.files.len() + self.folders.iter().map(Folder::file_count).sum::<usize>()
    }
}

/// How the walk treats links and problems, and which entries it takes.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Follow links to folders (loops are detected and left out with a warning). Links to
    /// files are always harvested as the file they point to.
    pub follow_folder_links: bool,
    /// Problems to report as warnings, leaving the entry out, instead of failing (`-skip`).
    pub skip: Skip,
    /// `-include` and `-exclude`: entries left out count nowhere (they are not checked for
    /// problems, nor compared with their neighbours, nor harvested).
    pub filter: PathFilter,
    /// Leave out folders with no file in them or below them (a harvest without `-ke` has no
    /// use for them, and a tree can hold many).
    pub drop_empty: bool,
}

/// Entries the walk may leave out with a warning instead of failing (`-skip <kinds>`); each
/// warning keeps the number of the error it replaces, so `-sw<N>` silences it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Skip {
    /// `names`: names Windows cannot hold (reserved characters, control characters, a
    /// trailing dot or space, device names such as `CON`).
    pub bad_names: bool,
    /// `unicode`: names that are not valid Unicode.
    pub not_unicode: bool,
    /// `case`: names in one folder that differ only in case (all of them are left out).
    pub case_collisions: bool,
    /// `special`: FIFOs, sockets and devices.
    pub special_files: bool,
    /// `dangling`: links that point to nothing, and loops of links.
    pub dangling_links: bool,
}

impl Skip {
    /// Parses a comma-separated list of `names`, `unicode`, `case`, `special`, `dangling` or
    /// `all`, adding to what is already set.
    pub fn add(&mut self, list: &str) -> Result<()> {
        for kind in list.split(',').map(str::trim).filter(|k| !k.is_empty()) {
            match kind {
                "names" => self.bad_names = true,
                "unicode" => self.not_unicode = true,
                "case" => self.case_collisions = true,
                "special" => self.special_files = true,
                "dangling" => self.dangling_links = true,
                "all" => {
                    *self = Skip {
                        bad_names: true,
                        not_unicode: true,
                        case_collisions: true,
                        special_files: true,
                        dangling_links: true,
                    }
                }
                other => {
                    return Err(Error::new(
                        codes::COMMAND_LINE,
                        format!(
                            "-skip: unknown kind '{other}'; use names, unicode, case, special, dangling or all."
                        ),
                    ))
                }
            }
        }
        Ok(())
    }
}

/// Compares two names as NTFS orders a folder's entries: by the names upper-cased one UTF-16
/// unit at a time, then by the names themselves, both as UTF-16 units.
pub fn ntfs_cmp(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        // ASCII upper-casing keeps one byte a character, and byte order is UTF-16 order.
        let ua = a.bytes().map(|c| c.to_ascii_uppercase());
        let ub = b.bytes().map(|c| c.to_ascii_uppercase());
        return ua.cmp(ub).then_with(|| a.cmp(b));
    }
    upper_units(a)
        .cmp(upper_units(b))
        .then_with(|| a.encode_utf16().cmp(b.encode_utf16()))
}

/// The UTF-16 units of `s` upper-cased one character at a time, as NTFS's upcase table does
/// (a character whose upper case is more than one character is kept).
fn upper_units(s: &str) -> impl Iterator<Item = u16> + '_ {
    s.chars().flat_map(|c| {
        let mut up = c.to_uppercase();
        let u = match (up.next(), up.next()) {
            (Some(u), None) => u,
            _ => c,
        };
        let mut buf = [0u16; 2];
        let n = u.encode_utf16(&mut buf).len();
        buf.into_iter().take(n)
    })
}

/// Whether two names would be the same file on Windows (equal when upper-cased).
fn same_on_windows(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    upper_units(a).eq(upper_units(b))
}

/// Why Windows cannot hold `name`, if it cannot.
pub fn windows_name_problem(name: &str) -> Option<String> {
    if plainly_fine(name) {
        return None;
    }
    name_problem(name)
}

/// Whether `name` is the usual kind, which Windows takes without a closer look: ASCII with
/// nothing Windows refuses, not ending in a dot or a space, and a part before the first dot
/// too long to be a device name (`CON`, `LPT1`, ...).
fn plainly_fine(name: &str) -> bool {
    let ok_byte = |b: &u8| b.is_ascii() && !refused(char::from(*b));
    let b = name.as_bytes();
    let stem = &b[..b.iter().position(|&c| c == b'.').unwrap_or(b.len())];
    let stem_len = stem.len() - stem.iter().rev().take_while(|&&c| c == b' ').count();
    // `CONIN$` and `CONOUT$` are the only device names longer than four characters.
    let device_length = stem_len <= 7 && stem[..stem_len].contains(&b'$');
    stem_len > 4
        && !device_length
        && b.iter().all(ok_byte)
        && !matches!(b.last(), Some(b'.' | b' '))
}

/// Whether Windows refuses the character `c` in a name.
fn refused(c: char) -> bool {
    matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*' | '\\' | '/') || c.is_control()
}

/// [`windows_name_problem`], looked at closely.
fn name_problem(name: &str) -> Option<String> {
    if let Some(c) = name.chars().find(|c| refused(*c)) {
        return Some(if c.is_control() {
            format!("contains the control character U+{:04X}", c as u32)
        } else {
            format!("contains '{c}', which Windows does not allow in a name")
        });
    }
    if name.ends_with('.') || name.ends_with(' ') {
        return Some("ends in a dot or a space, which Windows drops".to_owned());
    }
    let stem = name.split('.').next().unwrap_or(name).trim_end_matches(' ');
    if is_device_name(stem) {
        return Some(format!(
            "is the reserved device name {} on Windows",
            stem.to_uppercase()
        ));
    }
    None
}

/// Whether Windows reserves `stem` (a name's part before its first dot, trailing spaces
/// dropped) for a device: `CON`, `PRN`, `AUX`, `NUL`, `CONIN$`, `CONOUT$`, and `COM` or `LPT`
/// followed by a digit 1-9 or a superscript `¹`, `²` or `³` (which Windows counts as digits
/// there), in any case.
fn is_device_name(stem: &str) -> bool {
    let is = |word: &str| stem.eq_ignore_ascii_case(word);
    if is("CON") || is("PRN") || is("AUX") || is("NUL") || is("CONIN$") || is("CONOUT$") {
        return true;
    }
    let mut chars = stem.chars();
    let prefix: String = chars.by_ref().take(3).collect();
    let digit = chars.next();
    (prefix.eq_ignore_ascii_case("COM") || prefix.eq_ignore_ascii_case("LPT"))
        && matches!(digit, Some('1'..='9' | '\u{B9}' | '\u{B2}' | '\u{B3}'))
        && chars.next().is_none()
}

/// Walks `root` into a [`Folder`] tree. Fails, naming the path, on anything that cannot be
/// read or could not be installed on Windows.
pub fn walk(root: &Path, options: &WalkOptions, cx: &mut Context) -> Result<Folder> {
    let meta = fs::metadata(root).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::at(
            codes::DIRECTORY_NOT_FOUND,
            root,
            format!("The directory '{}' could not be found.", root.display()),
        ),
        _ => Error::io(root, "read", e),
    })?;
    if !meta.is_dir() {
        return Err(Error::at(
            codes::EXPECTED_DIRECTORY,
            root,
            format!(
                "The harvest type 'dir' needs a folder, but '{}' is a file.",
                root.display()
            ),
        ));
    }
    let name = folder_name(root)?;
    let progress = cx.progress().clone();
    let own = OwnFiles::of(cx.written_files());
    let walk = Walk {
        options,
        own: &own,
        progress: &progress,
        seen: std::sync::Mutex::new(std::collections::HashSet::new()),
    };
    let (folder, warnings, _) = walk_folder(&walk, root, name, &[], "")?;
    for (code, message) in warnings {
        cx.messages.warn(code, message);
    }
    Ok(folder)
}

/// The name of the folder at `path`, as heat takes it: the last component of the absolute path.
pub fn folder_name(path: &Path) -> Result<String> {
    let abs = std::path::absolute(path).map_err(|e| Error::io(path, "resolve", e))?;
    let name = abs
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .fold(Vec::new(), |mut parts, c| {
            match c {
                std::path::Component::ParentDir => {
                    parts.pop();
                }
                other => parts.push(other.as_os_str().to_owned()),
            }
            parts
        })
        .pop()
        .unwrap_or_default();
    name.into_string().map_err(|raw| not_unicode(path, &raw))
}

fn not_unicode(path: &Path, raw: &std::ffi::OsStr) -> Error {
    Error::at(
        codes::NAME_NOT_UNICODE,
        path,
        format!(
            "The name '{}' in '{}' is not valid Unicode, so Windows cannot hold it.",
            raw.to_string_lossy(),
            path.display()
        ),
    )
}

#[cfg(unix)]
fn identity(meta: &fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn identity(_meta: &fs::Metadata) -> (u64, u64) {
    (0, 0)
}

/// Warnings found while walking, in tree order.
type Warnings = Vec<(u32, String)>;

/// Whether the filter leaves out the entry `name` (path `rel` below the root, `/`-separated)
/// of the folder at `path`. A link is judged as what it leads to; whatever is not a folder is
/// judged as a file, so that the filter can leave out even what would be refused.
fn filtered_out(filter: &PathFilter, path: &Path, rel: &str, name: &str, ft: fs::FileType) -> bool {
    let folder =
        ft.is_dir() || (ft.is_symlink() && fs::metadata(path.join(name)).is_ok_and(|m| m.is_dir()));
    let rel = format!("{rel}{name}");
    if folder {
        filter.skips_folder(&rel)
    } else {
        !filter.keeps_file(&rel)
    }
}

/// The files the run itself writes, which the walk leaves out wherever it meets them (an
/// output inside the harvested tree): each by the folder it is in and its name. The temporary
/// files heat writes beside them (`.heat-*.tmp`) are left out of those folders too.
struct OwnFiles {
    files: Vec<(FolderKey, String)>,
}

/// What tells folders apart: the device and inode on Unix, the resolved path elsewhere.
#[cfg(unix)]
type FolderKey = (u64, u64);
#[cfg(not(unix))]
type FolderKey = PathBuf;

#[cfg(unix)]
fn folder_key(path: &Path) -> Option<FolderKey> {
    fs::metadata(path).ok().map(|m| identity(&m))
}

#[cfg(not(unix))]
fn folder_key(path: &Path) -> Option<FolderKey> {
    fs::canonicalize(path).ok()
}

impl OwnFiles {
    fn of(written: &[PathBuf]) -> OwnFiles {
        let files = written
            .iter()
            .filter_map(|f| {
                let name = f.file_name()?.to_str()?.to_owned();
                let folder = match f.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p,
                    _ => Path::new("."),
                };
                Some((folder_key(folder)?, name))
            })
            .collect();
        OwnFiles { files }
    }

    /// Whether `name` may be one of the run's files, by its name alone.
    fn may_be(&self, name: &str) -> bool {
        is_heat_temp(name) || self.files.iter().any(|(_, n)| n == name)
    }

    /// Whether `name` in the folder `key` is one of the run's files (or a temporary file
    /// beside one).
    fn is(&self, key: &FolderKey, name: &str) -> bool {
        self.files
            .iter()
            .any(|(k, n)| k == key && (n == name || is_heat_temp(name)))
    }
}

/// Whether `name` is a temporary file heat writes an output through (`.heat-*.tmp`).
fn is_heat_temp(name: &str) -> bool {
    name.starts_with(".heat-") && name.ends_with(".tmp")
}

/// What every folder of one walk shares.
struct Walk<'a> {
    options: &'a WalkOptions,
    own: &'a OwnFiles,
    progress: &'a Progress,
    /// With `-followlinks`: every folder walked so far, so that a link to one of them is left
    /// out and no folder is walked twice through links (however they nest, the walk stays
    /// linear in the folders and links).
    seen: std::sync::Mutex<std::collections::HashSet<(u64, u64)>>,
}

/// Walks one folder (`rel`: its path below the root, `/`-separated with a trailing `/`, or
/// empty for the root). Also says whether the filter left anything out in it or below.
fn walk_folder(
    walk: &Walk<'_>,
    path: &Path,
    name: String,
    ancestors: &[(u64, u64)],
    rel: &str,
) -> Result<(Folder, Warnings, bool)> {
    let (options, progress) = (walk.options, walk.progress);
    // Folder identities are only needed to stop loops of followed links.
    let mut ancestors = ancestors.to_vec();
    if options.follow_folder_links {
        let here = fs::metadata(path).map_err(|e| Error::io(path, "read", e))?;
        ancestors.push(identity(&here));
        walk.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(identity(&here));
    }

    // Read everything first and sort it, so that what is reported does not depend on the
    // order the filesystem lists entries in.
    let mut entries: Vec<(String, fs::FileType)> = Vec::new();
    let mut not_unicode_names: Vec<std::ffi::OsString> = Vec::new();
    let filter = Some(&options.filter).filter(|f| !f.is_empty());
    let mut filtered = false;
    let listing = fs::read_dir(path).map_err(|e| Error::io(path, "read the folder", e))?;
    for entry in listing {
        let entry = entry.map_err(|e| Error::io(path, "read the folder", e))?;
        let ft = entry
            .file_type()
            .map_err(|e| Error::io(&entry.path(), "read", e))?;
        let os_name = entry.file_name();
        if let Some(filter) = filter {
            if filtered_out(filter, path, rel, &os_name.to_string_lossy(), ft) {
                filtered = true;
                continue;
            }
        }
        match os_name.into_string() {
            Ok(name) => entries.push((name, ft)),
            Err(raw) => not_unicode_names.push(raw),
        }
    }
    // The run's own output, when it is in the tree, is no part of the harvest: the second run
    // gives what the first gave.
    if entries.iter().any(|(n, _)| walk.own.may_be(n)) {
        if let Some(key) = folder_key(path) {
            entries.retain(|(n, _)| !walk.own.is(&key, n));
        }
    }
    let mut warnings = Warnings::new();
    not_unicode_names.sort_by(|a, b| a.as_encoded_bytes().cmp(b.as_encoded_bytes()));
    for raw in not_unicode_names {
        let e = not_unicode(&path.join(&raw), &raw);
        if !options.skip.not_unicode {
            return Err(e);
        }
        warnings.push(skipped(e));
    }
    entries.sort_unstable_by(|a, b| ntfs_cmp(&a.0, &b.0));
    let mut collided = vec![false; entries.len()];
    for i in 1..entries.len() {
        if same_on_windows(&entries[i - 1].0, &entries[i].0) {
            let (a, b) = (path.join(&entries[i - 1].0), path.join(&entries[i].0));
            let e = Error::at(
                codes::CASE_COLLISION,
                &a,
                format!(
                    "'{}' and '{}' differ only in case, and would be one file on Windows.",
                    a.display(),
                    b.display()
                ),
            );
            if !options.skip.case_collisions {
                return Err(e);
            }
            warnings.push(skipped(e));
            collided[i - 1] = true;
            collided[i] = true;
        }
    }

    // The names go into one buffer of the right size: the tree lives through the whole
    // harvest, and buffers grown a name at a time leave holes behind.
    let mut folder = Folder {
        name,
        path: path.to_owned(),
        folders: Vec::new(),
        files: Names::with_capacity(entries.len(), entries.iter().map(|(n, _)| n.len()).sum()),
    };
    let mut sub = Vec::new();
    for ((name, ft), collided) in entries.into_iter().zip(collided) {
        if collided {
            continue;
        }
        if let Some(problem) = windows_name_problem(&name) {
            let child = path.join(&name);
            let e = Error::at(
                codes::NAME_ILLEGAL,
                &child,
                format!("The name of '{}' {problem}.", child.display()),
            );
            if !options.skip.bad_names {
                return Err(e);
            }
            warnings.push(skipped(e));
            continue;
        }
        if ft.is_file() {
            folder.files.push(&name);
            continue;
        }
        let child = path.join(&name);
        if ft.is_dir() {
            sub.push((child, name, None));
        } else if ft.is_symlink() {
            match fs::metadata(&child) {
                Err(e) if is_dangling(&e) => {
                    let what = if e.kind() == std::io::ErrorKind::NotFound {
                        "points to nothing"
                    } else {
                        "is part of a loop of links"
                    };
                    let e = Error::at(
                        codes::DANGLING_LINK,
                        &child,
                        format!("The link '{}' {what}.", child.display()),
                    );
                    if !options.skip.dangling_links {
                        return Err(e);
                    }
                    warnings.push(skipped(e));
                }
                Err(e) => return Err(Error::io(&child, "follow the link", e)),
                Ok(m) if m.is_file() => folder.files.push(&name),
                Ok(m) if m.is_dir() => {
                    if !options.follow_folder_links {
                        warnings.push((
                            codes::LINK_NOT_FOLLOWED,
                            format!(
                                "The link to a folder '{}' was not followed (see -followlinks).",
                                child.display()
                            ),
                        ));
                    } else {
                        // Whether it leads to a folder walked already is told when its turn
                        // comes, in tree order.
                        sub.push((child, name, Some(identity(&m))));
                    }
                }
                Ok(_) => special(&child, options, &mut warnings)?,
            }
        } else {
            special(&child, options, &mut warnings)?;
        }
    }

    folder.files.shrink_to_fit();
    progress.add_folder(folder.files.len() as u64);

    let walk_sub = |child: &Path, name: String| {
        let rel = match filter {
            Some(_) => format!("{rel}{name}/"),
            None => String::new(),
        };
        walk_folder(walk, child, name, &ancestors, &rel)
    };
    // Sub-folders are walked in parallel; their results come back in order. Following links,
    // they are walked one after the other, in tree order, so that which path of a folder
    // reached by several is harvested does not depend on timing.
    let results: Vec<Result<(Folder, Warnings, bool)>> = if options.follow_folder_links {
        let mut results = Vec::with_capacity(sub.len());
        for (child, name, link_to) in sub {
            if let Some(target) = link_to {
                let why = if ancestors.contains(&target) {
                    Some((codes::LINK_LOOP, "leads back to a folder above it"))
                } else if walk
                    .seen
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .contains(&target)
                {
                    Some((
                        codes::LINK_DUPLICATE,
                        "leads to a folder already harvested at another path",
                    ))
                } else {
                    None
                };
                if let Some((code, why)) = why {
                    warnings.push((
                        code,
                        format!("The link '{}' {why}; left out.", child.display()),
                    ));
                    continue;
                }
            }
            results.push(walk_sub(&child, name));
        }
        results
    } else {
        sub.into_par_iter()
            .map(|(child, name, _)| walk_sub(&child, name))
            .collect()
    };
    for r in results {
        let (f, w, sub_filtered) = r?;
        warnings.extend(w);
        filtered |= sub_filtered;
        // A folder the filter emptied goes with its files; one empty on disk stays (-ke)
        // unless empty folders are dropped.
        if (sub_filtered || options.drop_empty) && f.files.is_empty() && f.folders.is_empty() {
            continue;
        }
        folder.folders.push(f);
    }
    Ok((folder, warnings, filtered))
}

/// A FIFO, socket or device: an error, or a warning under `-skip special`.
fn special(path: &Path, options: &WalkOptions, warnings: &mut Warnings) -> Result<()> {
    let e = Error::at(
        codes::SPECIAL_FILE,
        path,
        format!(
            "'{}' is a FIFO, socket or device, not a file or folder; it cannot be installed.",
            path.display()
        ),
    );
    if !options.skip.special_files {
        return Err(e);
    }
    warnings.push(skipped(e));
    Ok(())
}

/// The warning for an entry left out under `-skip`: the error's number and message.
fn skipped(e: Error) -> (u32, String) {
    (
        e.code(),
        format!("{} It was left out (-skip).", e.message()),
    )
}

/// Whether following a link failed because it leads nowhere: to nothing, or round a loop.
fn is_dangling(e: &std::io::Error) -> bool {
    // ELOOP, "too many levels of symbolic links", from each system's errno.h.
    #[cfg(target_os = "linux")]
    const ELOOP: Option<i32> = Some(40);
    #[cfg(any(
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd"
    ))]
    const ELOOP: Option<i32> = Some(62);
    #[cfg(not(any(
        target_os = "linux",
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd"
    )))]
    const ELOOP: Option<i32> = None;
    e.kind() == std::io::ErrorKind::NotFound || (ELOOP.is_some() && e.raw_os_error() == ELOOP)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ntfs_order_is_case_insensitive_first() {
        let mut names = vec!["b", "B", "a", "C", "_x", "Z1", "z0"];
        names.sort_by(|a, b| ntfs_cmp(a, b));
        // Upper-cased keys: A < B = B < C < Z0 < Z1 < _X ('_' follows 'Z'); "B" before "b".
        assert_eq!(names, ["a", "B", "b", "C", "z0", "Z1", "_x"]);
    }

    #[test]
    fn astral_names_sort_by_utf16_units() {
        // U+1F600 is the surrogate pair D83D DE00, which sorts before U+FF21 (FULLWIDTH A).
        assert_eq!(ntfs_cmp("\u{1F600}", "\u{FF21}"), Ordering::Less);
    }

    #[test]
    fn the_quick_look_never_passes_a_bad_name() {
        let names = [
            "CON   .txt",
            "LPT1 .log",
            "COM9",
            "lpt9.dll",
            "abcde.",
            "abcdef ",
            "abcdef\u{7f}x",
            "hello<world",
            "a:b:c:d:e",
            "tab\there",
            "normal-name.txt",
            "Setup.exe",
            "x",
            "AUX.c",
            "nul",
            "CONSOLE",
            "readme",
            "naïve",
            "back\\slash",
            "end.",
        ];
        for name in names {
            if plainly_fine(name) {
                assert_eq!(name_problem(name), None, "{name}");
            }
        }
        assert!(plainly_fine("normal-name.txt"));
        assert!(!plainly_fine("CON   .txt"));
    }

    #[test]
    fn windows_names() {
        assert!(windows_name_problem("a:b").is_some());
        assert!(windows_name_problem("trail.").is_some());
        assert!(windows_name_problem("trail ").is_some());
        assert!(windows_name_problem("CON").is_some());
        assert!(windows_name_problem("com1.txt").is_some());
        assert!(windows_name_problem("lpt9").is_some());
        assert!(windows_name_problem("COM0").is_none());
        assert!(windows_name_problem("CONSOLE").is_none());
        assert!(windows_name_problem("a\tb").is_some());
        assert!(windows_name_problem("naïve ☃.txt").is_none());
        for reserved in [
            "COM\u{B9}",
            "com\u{B2}.txt",
            "LPT\u{B3}",
            "lpt\u{B9}.log",
            "CONIN$",
            "conout$.txt",
            "CONOUT$  .x",
        ] {
            assert!(windows_name_problem(reserved).is_some(), "{reserved}");
            assert!(!plainly_fine(reserved), "{reserved}");
        }
        for fine in [
            "COM\u{B4}",
            "COM\u{B9}x",
            "CONIN",
            "CONIN$$",
            "a$b.txt",
            "LPT\u{2074}",
        ] {
            assert!(windows_name_problem(fine).is_none(), "{fine}");
        }
    }
}
