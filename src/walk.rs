//! Walking a folder into an ordered tree.
//!
//! Order is decided here, never by the filesystem: inside a folder, sub-folders and files are
//! each sorted as NTFS lists them (see [`ntfs_cmp`]), so the same tree gives the same output on
//! every OS and in every creation order. Names Windows could not install are refused here,
//! with the path in the message.

use std::cmp::Ordering;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{codes, Error, Messages, Result};

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
    pub files: Vec<String>,
}

impl Folder {
    /// The number of files in this folder and every folder below it.
    pub fn file_count(&self) -> usize {
        self.files.len() + self.folders.iter().map(Folder::file_count).sum::<usize>()
    }
}

/// How the walk treats links.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Follow links to folders (loops are detected and left out with a warning). Links to
    /// files are always harvested as the file they point to.
    pub follow_folder_links: bool,
}

/// Compares two names as NTFS orders a folder's entries: by the names upper-cased one UTF-16
/// unit at a time, then by the names themselves, both as UTF-16 units.
pub fn ntfs_cmp(a: &str, b: &str) -> Ordering {
    let upper = |s: &str| {
        let mut units = Vec::with_capacity(s.len());
        for c in s.chars() {
            let mut up = c.to_uppercase();
            let u = match (up.next(), up.next()) {
                (Some(u), None) => u,
                _ => c,
            };
            let mut buf = [0u16; 2];
            units.extend_from_slice(u.encode_utf16(&mut buf));
        }
        units
    };
    upper(a)
        .cmp(&upper(b))
        .then_with(|| a.encode_utf16().cmp(b.encode_utf16()))
}

/// Whether two names would be the same file on Windows (equal when upper-cased).
fn same_on_windows(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.to_uppercase() == b.to_uppercase()
}

/// Why Windows cannot hold `name`, if it cannot.
pub fn windows_name_problem(name: &str) -> Option<String> {
    if let Some(c) = name
        .chars()
        .find(|c| "<>:\"|?*\\/".contains(*c) || c.is_control())
    {
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
    let upper = stem.to_ascii_uppercase();
    let reserved = matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((upper.starts_with("COM") || upper.starts_with("LPT"))
            && upper.len() == 4
            && matches!(upper.as_bytes()[3], b'1'..=b'9'));
    if reserved {
        return Some(format!("is the reserved device name {upper} on Windows"));
    }
    None
}

/// Walks `root` into a [`Folder`] tree. Fails, naming the path, on anything that cannot be
/// read or could not be installed on Windows.
pub fn walk(root: &Path, options: &WalkOptions, messages: &mut Messages) -> Result<Folder> {
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
    let mut ancestors = Vec::new();
    walk_folder(root, name, options, messages, &mut ancestors)
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

fn walk_folder(
    path: &Path,
    name: String,
    options: &WalkOptions,
    messages: &mut Messages,
    ancestors: &mut Vec<(u64, u64)>,
) -> Result<Folder> {
    let here = fs::metadata(path).map_err(|e| Error::io(path, "read", e))?;
    ancestors.push(identity(&here));
    let mut folder = Folder {
        name,
        path: path.to_owned(),
        ..Default::default()
    };
    let entries = fs::read_dir(path).map_err(|e| Error::io(path, "read the folder", e))?;
    let mut sub = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(path, "read the folder", e))?;
        let child = entry.path();
        let name = entry
            .file_name()
            .into_string()
            .map_err(|raw| not_unicode(&child, &raw))?;
        if let Some(problem) = windows_name_problem(&name) {
            return Err(Error::at(
                codes::NAME_ILLEGAL,
                &child,
                format!("The name of '{}' {problem}.", child.display()),
            ));
        }
        let ft = entry
            .file_type()
            .map_err(|e| Error::io(&child, "read", e))?;
        if ft.is_dir() {
            sub.push((child, name));
        } else if ft.is_file() {
            folder.files.push(name);
        } else if ft.is_symlink() {
            match fs::metadata(&child) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    return Err(Error::at(
                        codes::DANGLING_LINK,
                        &child,
                        format!("The link '{}' points to nothing.", child.display()),
                    ))
                }
                Err(e) => return Err(Error::io(&child, "follow the link", e)),
                Ok(m) if m.is_file() => folder.files.push(name),
                Ok(m) if m.is_dir() => {
                    if !options.follow_folder_links {
                        messages.warn(
                            codes::LINK_NOT_FOLLOWED,
                            format!(
                                "The link to a folder '{}' was not followed (see -followlinks).",
                                child.display()
                            ),
                        );
                    } else if ancestors.contains(&identity(&m)) {
                        messages.warn(
                            codes::LINK_LOOP,
                            format!(
                                "The link '{}' leads back to a folder above it; left out.",
                                child.display()
                            ),
                        );
                    } else {
                        sub.push((child, name));
                    }
                }
                Ok(_) => return Err(special_file(&child)),
            }
        } else {
            return Err(special_file(&child));
        }
    }
    folder.files.sort_by(|a, b| ntfs_cmp(a, b));
    sub.sort_by(|a, b| ntfs_cmp(&a.1, &b.1));
    check_collisions(
        path,
        sub.iter()
            .map(|(_, n)| n.as_str())
            .chain(folder.files.iter().map(String::as_str)),
    )?;
    for (child, name) in sub {
        folder
            .folders
            .push(walk_folder(&child, name, options, messages, ancestors)?);
    }
    ancestors.pop();
    Ok(folder)
}

fn special_file(path: &Path) -> Error {
    Error::at(
        codes::SPECIAL_FILE,
        path,
        format!(
            "'{}' is a FIFO, socket or device, not a file or folder; it cannot be installed.",
            path.display()
        ),
    )
}

fn check_collisions<'a>(folder: &Path, names: impl Iterator<Item = &'a str>) -> Result<()> {
    let mut names: Vec<&str> = names.collect();
    names.sort_by(|a, b| ntfs_cmp(a, b));
    for pair in names.windows(2) {
        if same_on_windows(pair[0], pair[1]) {
            return Err(Error::at(
                codes::CASE_COLLISION,
                folder.join(pair[0]),
                format!(
                    "'{}' and '{}' differ only in case, and would be one file on Windows.",
                    folder.join(pair[0]).display(),
                    folder.join(pair[1]).display()
                ),
            ));
        }
    }
    Ok(())
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
    }
}
