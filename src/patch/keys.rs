//! Install locations as compared: 128-bit keys, folded one part at a time.
//!
//! A location (`INSTALLFOLDER\App\bin\app.exe`) is compared without regard to case, as Windows
//! compares paths: each part is upper-cased one character at a time, as NTFS's upcase table
//! does and as the walk sorts (a character whose upper case is more than one character is kept,
//! so `ß` stays `ß` and the Kelvin sign stays apart from `K`). Its key is the hash of its first
//! part, folded with the hash of each next part ([`push`]): a folder's key is computed once and
//! each of its files costs one fold, and a location is never spelled out to be compared. Keys
//! are 128 bits wide, so that two of the millions of locations of a harvest never meet by
//! chance.

use xxhash_rust::xxh3::{xxh3_128_with_seed, xxh3_64};

/// A location's key.
pub(crate) type Key = u128;

/// The key of the empty location, which the first part is folded into.
const SEED: Key = 0x6865_6174_2d72_7320_6c6f_6361_7469_6f6e;

/// The hash of a part folded after a folder to stand for the folder itself as a key path (the
/// `\` after a folder component's location): no name hashes to it, since names are not empty.
pub(crate) fn folder_mark() -> u64 {
    xxh3_64(b"")
}

/// The hash of one part of a location, `name` upper-cased one character at a time.
pub(crate) fn part(name: &str) -> u64 {
    let mut buf = [0u8; 256];
    if name.len() <= buf.len() && name.is_ascii() {
        let b = &mut buf[..name.len()];
        b.copy_from_slice(name.as_bytes());
        b.make_ascii_uppercase();
        return xxh3_64(b);
    }
    let mut up = String::with_capacity(name.len());
    for c in name.chars() {
        let mut u = c.to_uppercase();
        match (u.next(), u.next()) {
            (Some(one), None) => up.push(one),
            _ => up.push(c),
        }
    }
    xxh3_64(up.as_bytes())
}

/// `key` with a part of hash `part` after it.
pub(crate) fn fold(key: Key, part: u64) -> Key {
    let mut bytes = [0u8; 24];
    bytes[..16].copy_from_slice(&key.to_le_bytes());
    bytes[16..].copy_from_slice(&part.to_le_bytes());
    xxh3_128_with_seed(&bytes, 0x5eed)
}

/// `key` with the part `name` after it (parts, if `name` holds a `\\`: a location is compared
/// as the text it spells).
pub(crate) fn push(key: Key, name: &str) -> Key {
    if memchr::memchr(b'\\', name.as_bytes()).is_some() {
        return name.split('\\').fold(key, |k, p| fold(k, part(p)));
    }
    fold(key, part(name))
}

/// The key of a location whose first part is `root`.
pub(crate) fn root(root: &str) -> Key {
    push(SEED, root)
}

/// The key of a location written out, parts joined by `\`.
#[cfg(test)]
pub(crate) fn of(location: &str) -> Key {
    let mut parts = location.split('\\');
    let first = parts.next().unwrap_or("");
    parts.fold(root(first), push)
}

/// The key of a source path below its root: `SourceDir\`, `$(var.X)\` or `!(wix.X)\` taken off,
/// `/` read as `\` and `$$` as `$` (see [`source_below_root`]).
pub(crate) fn of_source(source: &str) -> Key {
    let rest = source_below_root(source);
    rest.split('\\').fold(SEED, push)
}

/// A `Source` path below its root: `SourceDir\`, `$(var.X)\` or `!(wix.X)\` taken off, `/`
/// read as `\` and `$$` as `$`; the rest as it is.
pub(crate) fn source_below_root(source: &str) -> String {
    let s = source.replace('/', "\\").replace("$$", "$");
    let rest = if let Some(r) = s.strip_prefix("SourceDir\\") {
        r
    } else if (s.starts_with("$(") || s.starts_with("!(")) && s.contains(")\\") {
        let end = s.find(")\\").expect("checked");
        &s[end + 2..]
    } else {
        &s
    };
    rest.to_owned()
}

/// The hash by which a table of keys finds one: its low 64 bits (a key is a hash already).
pub(crate) fn table_hash(key: Key) -> u64 {
    key as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_is_folded_as_the_walk_folds_it() {
        assert_eq!(
            of(r"INSTALLFOLDER\App\a.txt"),
            of(r"installfolder\app\A.TXT")
        );
        assert_eq!(of(r"T\Ünïcode"), of(r"t\üNÏCODE"));
        // One character's upper case is one character: the Kelvin sign is not K, ß is not SS.
        assert_ne!(of("T\\\u{212A}"), of(r"T\k"));
        assert_ne!(of("T\\stra\u{DF}e"), of(r"T\STRASSE"));
        assert_ne!(of(r"T\a\b"), of(r"T\a\B\c"));
        assert_ne!(of(r"T\ab"), of(r"T\a\b"));
        assert_eq!(push(of("T"), r"a\b"), of(r"T\a\b"));
    }

    #[test]
    fn folding_is_the_same_as_writing_out() {
        let folder = of(r"TARGETDIR\App");
        assert_eq!(push(folder, "bin"), of(r"TARGETDIR\App\bin"));
        assert_ne!(fold(folder, folder_mark()), folder);
        assert_eq!(root("TARGETDIR"), of("TARGETDIR"));
    }

    #[test]
    fn source_roots() {
        assert_eq!(source_below_root(r"SourceDir\a\b.txt"), r"a\b.txt");
        assert_eq!(source_below_root(r"$(var.X)\a/b.txt"), r"a\b.txt");
        assert_eq!(source_below_root(r"!(wix.X)\p$$q"), r"p$q");
        assert_eq!(source_below_root(r"C:\build\a.txt"), r"C:\build\a.txt");
        assert_eq!(
            of_source(r"SourceDir\bin\A.exe"),
            of_source(r"$(var.S)\BIN/a.exe")
        );
    }
}
