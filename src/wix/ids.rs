//! heat's identifiers: hashed ids (`dir…`, `fil…`, `cmp…`) and readable ids (`-suid`).
//!
//! The algorithms are those of heat v3 (`HarvesterCore.GenerateIdentifier`, MD5 or SHA1 over
//! UTF-16LE, first 16 bytes as upper-case hex) and heat v4-v6 (`ParseHelper.CreateIdentifier`,
//! SHA1 over UTF-8, base64 of all 20 bytes with `+`→`.`, `/`→`_` and no padding). Both join
//! their arguments with `|` before hashing.

use md5::{Digest as _, Md5};
use sha1::Sha1;

/// Which of heat's identifier algorithms to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdScheme {
    /// heat v3: MD5 of the UTF-16LE joined string, 16 bytes as upper-case hex.
    V3,
    /// heat v3 with `-fips`: SHA1 of the UTF-16LE joined string, first 16 bytes as upper-case hex.
    V3Fips,
    /// heat v4, v5 and v6: SHA1 of the UTF-8 joined string, base64 of all 20 bytes.
    V4,
}

impl IdScheme {
    /// heat's scheme for output in `schema`: v3's MD5 (or SHA1 with `-fips`), v4's SHA1.
    pub fn for_schema(schema: crate::wix::Schema, fips: bool) -> IdScheme {
        match (schema, fips) {
            (crate::wix::Schema::V3, false) => IdScheme::V3,
            (crate::wix::Schema::V3, true) => IdScheme::V3Fips,
            (crate::wix::Schema::V4, _) => IdScheme::V4,
        }
    }

    /// Generates heat's identifier for `prefix` and `args`: the arguments are joined with `|`,
    /// hashed, and the hash is formatted after the prefix.
    ///
    /// ```
    /// use heat::IdScheme;
    /// assert_eq!(
    ///     IdScheme::V3.generate("dir", &["TARGETDIR", "MyDir"]),
    ///     "dirC9C6B66B858C8154C5E59F27E1F61671"
    /// );
    /// assert_eq!(
    ///     IdScheme::V4.generate("dir", &["TARGETDIR", "MyDir"]),
    ///     "diryEn8kfm_NY4VNsGEJ7dpwCn38I0"
    /// );
    /// ```
    pub fn generate(self, prefix: &str, args: &[&str]) -> String {
        let mut out = String::with_capacity(prefix.len() + 32);
        self.hash(args).write(prefix, &mut out);
        out
    }

    /// The hash behind an identifier, kept in 20 bytes until it is written: a large harvest
    /// holds hundreds of thousands of them.
    pub fn hash(self, args: &[&str]) -> IdHash {
        let mut bytes = [0u8; 20];
        match self {
            IdScheme::V3 => {
                let mut h = Md5::new();
                feed_utf16(args, |b| h.update(b));
                bytes[..16].copy_from_slice(&h.finalize());
            }
            IdScheme::V3Fips => {
                let mut h = Sha1::new();
                feed_utf16(args, |b| h.update(b));
                bytes.copy_from_slice(&h.finalize());
            }
            IdScheme::V4 => {
                let mut h = Sha1::new();
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        h.update(b"|");
                    }
                    h.update(a.as_bytes());
                }
                bytes.copy_from_slice(&h.finalize());
            }
        }
        IdHash {
            scheme: self,
            bytes,
        }
    }
}

/// An identifier's hash before formatting; see [`IdScheme::hash`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IdHash {
    scheme: IdScheme,
    bytes: [u8; 20],
}

impl IdHash {
    /// Appends the identifier, `prefix` then the formatted hash, to `out`.
    pub fn write(&self, prefix: &str, out: &mut String) {
        out.push_str(prefix);
        match self.scheme {
            IdScheme::V3 | IdScheme::V3Fips => push_hex(out, &self.bytes[..16]),
            IdScheme::V4 => push_base64(out, &self.bytes),
        }
    }

    /// The scheme that made the hash, which decides how it is written.
    pub fn scheme(&self) -> IdScheme {
        self.scheme
    }

    /// The hash's bytes (heat v3 writes the first 16 of them).
    pub fn bytes(&self) -> &[u8; 20] {
        &self.bytes
    }

    /// A hash of `scheme` with the given bytes, as [`bytes`](Self::bytes) returned them.
    pub fn from_bytes(scheme: IdScheme, bytes: [u8; 20]) -> IdHash {
        IdHash { scheme, bytes }
    }

    /// The identifier: `prefix` then the formatted hash.
    pub fn to_id(&self, prefix: &str) -> String {
        let mut out = String::with_capacity(prefix.len() + 32);
        self.write(prefix, &mut out);
        out
    }
}

/// Feeds the `|`-joined arguments to `update` as UTF-16LE.
fn feed_utf16(args: &[&str], mut update: impl FnMut(&[u8])) {
    let len: usize = args.iter().map(|a| a.len() + 1).sum();
    let mut bytes = Vec::with_capacity(len * 2);
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            bytes.extend_from_slice(&u16::from(b'|').to_le_bytes());
        }
        for unit in a.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
    }
    update(&bytes);
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut buf = [0u8; 40];
    for (i, b) in bytes.iter().enumerate() {
        buf[2 * i] = HEX[usize::from(b >> 4)];
        buf[2 * i + 1] = HEX[usize::from(b & 15)];
    }
    out.push_str(std::str::from_utf8(&buf[..2 * bytes.len()]).expect("hex digits are ASCII"));
}

/// Base64 with heat's identifier alphabet: `+` written `.`, `/` written `_`, no `=` padding.
fn push_base64(out: &mut String, bytes: &[u8]) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
    let mut buf = [0u8; 28];
    let mut n = 0;
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            buf[n] = ALPHABET[((v >> (18 - 6 * i)) & 63) as usize];
            n += 1;
        }
    }
    out.push_str(std::str::from_utf8(&buf[..n]).expect("the alphabet is ASCII"));
}

/// The longest readable identifier heat makes for a product or fragment (`-suid`).
pub const MAX_PRODUCT_ID_LEN: usize = 72;
/// The longest readable identifier heat makes for a merge module (`-suid -template module`).
pub const MAX_MODULE_ID_LEN: usize = 35;

/// Turns a file or folder name into a legal identifier as heat's `-suid` does: every UTF-16
/// unit outside `[A-Za-z0-9_.]`, and every run of two or more dots, becomes `_`, and `_` is put
/// in front when the name does not start with a letter or `_`.
///
/// ```
/// assert_eq!(heat::wix::ids::identifier_from_name("my file..txt"), "my_file_txt");
/// assert_eq!(heat::wix::ids::identifier_from_name("1.dll"), "_1.dll");
/// ```
pub fn identifier_from_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 1);
    let needs_prefix =
        matches!(name.chars().next(), Some(c) if !(c.is_ascii_alphabetic() || c == '_'));
    if needs_prefix {
        out.push('_');
    }
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '.' && chars.peek() == Some(&'.') {
            while chars.peek() == Some(&'.') {
                chars.next();
            }
            out.push('_');
        } else if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
            out.push(c);
        } else {
            // .NET regular expressions match UTF-16 units: a character outside the Basic
            // Multilingual Plane is two units, and so two underscores.
            for _ in 0..c.len_utf16() {
                out.push('_');
            }
        }
    }
    out
}

/// Hands out heat's readable identifiers (`-suid`): the name made legal, cut to the maximum
/// length, and made unique, compared without regard to case, by `_1`, `_2`, … suffixes.
#[derive(Debug)]
pub struct ReadableIds {
    base_name: &'static str,
    max_len: usize,
    used: std::collections::HashSet<String>,
}

impl ReadableIds {
    /// A generator whose fallback for a name with no legal character is `base_name`
    /// (heat uses `File`, `Directory` and `Component`).
    pub fn new(base_name: &'static str, max_len: usize) -> Self {
        ReadableIds {
            base_name,
            max_len,
            used: Default::default(),
        }
    }

    /// Records an identifier that is already taken.
    pub fn reserve(&mut self, id: &str) {
        self.used.insert(id.to_ascii_lowercase());
    }

    /// The next unique identifier for `name`.
    pub fn next(&mut self, name: &str) -> String {
        let mut base = identifier_from_name(name);
        if base.is_empty() {
            base.push_str(self.base_name);
        }
        for index in 0u64.. {
            let limit = if index == 0 {
                self.max_len
            } else {
                self.max_len.saturating_sub(3)
            };
            let mut candidate = base.clone();
            candidate.truncate(limit);
            if index != 0 {
                candidate.push('_');
                candidate.push_str(&index.to_string());
            }
            if self.used.insert(candidate.to_ascii_lowercase()) {
                return candidate;
            }
        }
        unreachable!("an unbounded index always finds a free identifier")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_lengths() {
        // 20 bytes give 27 characters without padding.
        assert_eq!(IdScheme::V4.generate("", &["x"]).len(), 27);
        let mut s = String::new();
        push_base64(&mut s, b"\xfb\xff");
        assert_eq!(s, "._8");
    }

    #[test]
    fn readable_ids_number_duplicates_case_insensitively() {
        let mut ids = ReadableIds::new("File", MAX_PRODUCT_ID_LEN);
        assert_eq!(ids.next("a.txt"), "a.txt");
        assert_eq!(ids.next("A.TXT"), "A.TXT_1");
        assert_eq!(ids.next("a.txt"), "a.txt_2");
        assert_eq!(ids.next("€"), "__");
        assert_eq!(ids.next("😀"), "___");
    }

    #[test]
    fn readable_ids_truncate() {
        let mut ids = ReadableIds::new("File", 10);
        assert_eq!(ids.next("abcdefghijklmnop"), "abcdefghij");
        assert_eq!(ids.next("abcdefghijklmnop"), "abcdefg_1");
    }

    #[test]
    fn empty_name_uses_base() {
        let mut ids = ReadableIds::new("File", 72);
        assert_eq!(ids.next(""), "File");
        assert_eq!(ids.next(""), "File_1");
    }
}
