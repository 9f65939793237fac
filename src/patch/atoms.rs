//! Ids and GUIDs held compactly: a previous harvest of a million files holds three million of
//! them. An id that heat's schemes write (`fil` and 27 characters of base64, heat v4-v6; `fil`
//! and 32 upper-case hex digits, heat v3) is held as its prefix and hash, a GUID written in one
//! of the usual forms as its 16 bytes; anything else as text. The form an id is held in depends
//! only on its text, so two equal ids are held alike, and both spell back to the text read.

use uuid::Uuid;

use crate::wix::ids::{IdHash, IdScheme};
use crate::wix::Value;

/// Text kept beside the compact values, in one buffer.
#[derive(Debug, Default)]
pub(crate) struct Texts {
    text: String,
    /// The prefixes of hashed ids, by index.
    prefixes: Vec<[u8; 3]>,
}

/// An id, held as [`Texts`] says (21 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Id([u8; 21]);

/// A GUID, or other text given as one (17 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Guid([u8; 17]);

/// [`Id`] tags: none, text (start and length in the first 8 bytes), or a hashed id whose tag
/// is `HASHED + 3 * prefix + scheme`.
const NONE: u8 = 0;
const TEXT: u8 = 1;
const HASHED: u8 = 2;

/// [`Guid`] tags: none, text, or 16 bytes written upper case, lower case, with or without
/// braces.
const GUID_UPPER: u8 = 2;
const GUID_UPPER_BRACED: u8 = 3;
const GUID_LOWER: u8 = 4;
const GUID_LOWER_BRACED: u8 = 5;

fn scheme_index(s: IdScheme) -> u8 {
    match s {
        IdScheme::V3 => 0,
        IdScheme::V3Fips => 1,
        IdScheme::V4 => 2,
    }
}

fn scheme_of(i: u8) -> IdScheme {
    match i {
        0 => IdScheme::V3,
        1 => IdScheme::V3Fips,
        _ => IdScheme::V4,
    }
}

/// The 20 bytes of a heat v4 hash written in 27 characters of heat's base64, when they spell
/// back to exactly that text.
fn decode_base64(text: &[u8]) -> Option<[u8; 20]> {
    if text.len() != 27 {
        return None;
    }
    // Each character's value, 64 for a character outside heat's alphabet.
    static VALUE: [u8; 256] = {
        let mut t = [64u8; 256];
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
        let mut i = 0;
        while i < 64 {
            t[alphabet[i] as usize] = i as u8;
            i += 1;
        }
        t
    };
    let mut value = [0u8; 27];
    let mut bad = 0u8;
    for (v, &c) in value.iter_mut().zip(text) {
        *v = VALUE[c as usize];
        bad |= *v;
    }
    if bad & 64 != 0 {
        return None;
    }
    // The last character carries 4 bits of the last byte and 2 unused bits, which must be 0.
    if value[26] & 3 != 0 {
        return None;
    }
    let mut out = [0u8; 20];
    for g in 0..7 {
        let c = &value[g * 4..(g * 4 + 4).min(27)];
        let v = c
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &x)| acc | (u32::from(x) << (18 - 6 * i)));
        let bytes = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
        let n = if g == 6 { 2 } else { 3 };
        out[g * 3..g * 3 + n].copy_from_slice(&bytes[..n]);
    }
    debug_assert_eq!(
        {
            let mut s = String::new();
            IdHash::from_bytes(IdScheme::V4, out).write("", &mut s);
            s
        }
        .as_bytes(),
        text
    );
    Some(out)
}

/// The 16 bytes of a heat v3 hash written as 32 upper-case hex digits.
fn decode_hex(text: &[u8]) -> Option<[u8; 16]> {
    if text.len() != 32 {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    let mut out = [0u8; 16];
    for (i, o) in out.iter_mut().enumerate() {
        *o = (digit(text[2 * i])? << 4) | digit(text[2 * i + 1])?;
    }
    Some(out)
}

impl Texts {
    /// Gives back the room the text does not use.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
    }

    fn text_ref(&mut self, text: &str) -> [u8; 8] {
        let start = u32::try_from(self.text.len()).expect("less than 4 GiB of text");
        let len = u32::try_from(text.len()).expect("less than 4 GiB of text");
        self.text.push_str(text);
        let mut r = [0u8; 8];
        r[..4].copy_from_slice(&start.to_le_bytes());
        r[4..].copy_from_slice(&len.to_le_bytes());
        r
    }

    fn text_at(&self, r: &[u8]) -> &str {
        let start = u32::from_le_bytes(r[..4].try_into().expect("4 bytes")) as usize;
        let len = u32::from_le_bytes(r[4..8].try_into().expect("4 bytes")) as usize;
        &self.text[start..start + len]
    }

    fn prefix_index(&mut self, prefix: &[u8]) -> Option<u8> {
        let prefix: [u8; 3] = prefix.try_into().ok()?;
        if !prefix.iter().all(u8::is_ascii_alphanumeric) {
            return None;
        }
        if let Some(i) = self.prefixes.iter().position(|p| *p == prefix) {
            return Some(i as u8);
        }
        // Three tags a prefix, after the first two.
        if self.prefixes.len() >= usize::from((u8::MAX - HASHED) / 3) {
            return None;
        }
        self.prefixes.push(prefix);
        Some((self.prefixes.len() - 1) as u8)
    }

    /// An id read as `text`.
    pub(crate) fn id(&mut self, text: &str) -> Id {
        let b = text.as_bytes();
        let mut out = [0u8; 21];
        if b.len() == 30 || b.len() == 35 {
            let hashed = if b.len() == 30 {
                decode_base64(&b[3..]).map(|h| (IdScheme::V4, h))
            } else {
                decode_hex(&b[3..]).map(|h| {
                    let mut bytes = [0u8; 20];
                    bytes[..16].copy_from_slice(&h);
                    (IdScheme::V3, bytes)
                })
            };
            if let Some((scheme, hash)) = hashed {
                if let Some(p) = self.prefix_index(&b[..3]) {
                    out[0] = HASHED + 3 * p + scheme_index(scheme);
                    out[1..].copy_from_slice(&hash);
                    return Id(out);
                }
            }
        }
        out[0] = TEXT;
        out[1..9].copy_from_slice(&self.text_ref(text));
        Id(out)
    }

    /// An id as a document holds it.
    pub(crate) fn id_of(&mut self, value: &Value<'_>) -> Id {
        match *value {
            Value::Id { prefix, hash } => match self.prefix_index(prefix.as_bytes()) {
                Some(p) => {
                    // A v3 hash (MD5 or SHA1) is written as its first 16 bytes: held alike.
                    let (scheme, mut bytes) = (hash.scheme(), *hash.bytes());
                    let scheme = if scheme == IdScheme::V4 {
                        scheme
                    } else {
                        bytes[16..].fill(0);
                        IdScheme::V3
                    };
                    let mut out = [0u8; 21];
                    out[0] = HASHED + 3 * p + scheme_index(scheme);
                    out[1..].copy_from_slice(&bytes);
                    Id(out)
                }
                None => self.id(&value.text()),
            },
            Value::Text(t) => self.id(t),
            _ => self.id(&value.text()),
        }
    }

    /// A GUID read as `text`.
    pub(crate) fn guid(&mut self, text: &str) -> Guid {
        let mut out = [0u8; 17];
        let braced = text.len() == 38 && text.starts_with('{') && text.ends_with('}');
        let inner = if braced { &text[1..37] } else { text };
        if inner.len() == 36 {
            let upper = !inner.bytes().any(|c| c.is_ascii_lowercase());
            let lower = !inner.bytes().any(|c| c.is_ascii_uppercase());
            if let (Ok(u), true) = (Uuid::try_parse(inner), upper || lower) {
                // The hyphenated form only: Uuid also reads other forms, which spell back
                // otherwise.
                if inner.as_bytes()[8] == b'-' {
                    out[0] = match (upper, braced) {
                        (true, false) => GUID_UPPER,
                        (true, true) => GUID_UPPER_BRACED,
                        (false, false) => GUID_LOWER,
                        (false, true) => GUID_LOWER_BRACED,
                    };
                    out[1..].copy_from_slice(u.as_bytes());
                    return Guid(out);
                }
            }
        }
        out[0] = TEXT;
        out[1..9].copy_from_slice(&self.text_ref(text));
        Guid(out)
    }

    /// A GUID as a document holds it.
    pub(crate) fn guid_of(&mut self, value: &Value<'_>) -> Guid {
        match *value {
            Value::Guid { guid, braces } => {
                let mut out = [0u8; 17];
                out[0] = if braces {
                    GUID_UPPER_BRACED
                } else {
                    GUID_UPPER
                };
                out[1..].copy_from_slice(guid.as_bytes());
                Guid(out)
            }
            Value::Text(t) => self.guid(t),
            _ => self.guid(&value.text()),
        }
    }
}

/// What an [`Id`] is.
pub(crate) enum IdForm<'a> {
    /// Text.
    Text(&'a str),
    /// A hashed id: prefix and hash.
    Hashed(&'a str, IdHash),
}

impl Id {
    /// No id.
    pub(crate) const NONE: Id = Id([0; 21]);

    /// Whether there is an id.
    pub(crate) fn is_some(&self) -> bool {
        self.0[0] != NONE
    }

    /// The id's form, `None` when there is none.
    pub(crate) fn form<'t>(&self, texts: &'t Texts) -> Option<IdForm<'t>> {
        match self.0[0] {
            NONE => None,
            TEXT => Some(IdForm::Text(texts.text_at(&self.0[1..]))),
            tag => {
                let p = usize::from((tag - HASHED) / 3);
                let scheme = scheme_of((tag - HASHED) % 3);
                let prefix = std::str::from_utf8(&texts.prefixes[p]).expect("prefixes are ASCII");
                let hash = IdHash::from_bytes(scheme, self.0[1..].try_into().expect("20 bytes"));
                Some(IdForm::Hashed(prefix, hash))
            }
        }
    }

    /// The id as text.
    pub(crate) fn text(&self, texts: &Texts) -> Option<String> {
        Some(match self.form(texts)? {
            IdForm::Text(t) => t.to_owned(),
            IdForm::Hashed(prefix, hash) => hash.to_id(prefix),
        })
    }

    /// Whether two ids, each of its own texts, are the same id.
    pub(crate) fn same(&self, texts: &Texts, other: &Id, other_texts: &Texts) -> bool {
        match (self.0[0], other.0[0]) {
            (TEXT, TEXT) => texts.text_at(&self.0[1..]) == other_texts.text_at(&other.0[1..]),
            (TEXT, _) | (_, TEXT) => false,
            (NONE, NONE) => true,
            (a, b) if a >= HASHED && b >= HASHED => {
                let (pa, pb) = ((a - HASHED) / 3, (b - HASHED) / 3);
                (a - HASHED) % 3 == (b - HASHED) % 3
                    && texts.prefixes[usize::from(pa)] == other_texts.prefixes[usize::from(pb)]
                    && self.0[1..] == other.0[1..]
            }
            _ => false,
        }
    }

    /// Whether the id is an identifier as WiX reads one (see
    /// [`trust::is_identifier`](super::trust::is_identifier)); no id is one. A hashed id is
    /// one when its prefix starts with a letter: heat's hash alphabets are identifier
    /// characters.
    pub(crate) fn is_identifier(&self, texts: &Texts) -> bool {
        match self.0[0] {
            NONE => true,
            TEXT => super::trust::is_identifier(texts.text_at(&self.0[1..])),
            tag => texts.prefixes[usize::from((tag - HASHED) / 3)][0].is_ascii_alphabetic(),
        }
    }

    /// A 64-bit fingerprint, the same for the same id in any [`Texts`].
    pub(crate) fn fingerprint(&self, texts: &Texts) -> u64 {
        match self.0[0] {
            TEXT => xxhash_rust::xxh3::xxh3_64(texts.text_at(&self.0[1..]).as_bytes()),
            NONE => 0,
            tag => {
                let p = usize::from((tag - HASHED) / 3);
                let mut bytes = [0u8; 24];
                bytes[0] = (tag - HASHED) % 3;
                bytes[1..4].copy_from_slice(&texts.prefixes[p]);
                bytes[4..].copy_from_slice(&self.0[1..]);
                xxhash_rust::xxh3::xxh3_64_with_seed(&bytes, 1)
            }
        }
    }
}

/// What a [`Guid`] is.
pub(crate) enum GuidForm<'a> {
    /// Text that is not one of the GUID forms kept compactly.
    Text(&'a str),
    /// A GUID: its value, whether it is written in upper case, and in braces.
    Guid(Uuid, bool, bool),
}

impl Guid {
    /// No GUID.
    pub(crate) const NONE: Guid = Guid([0; 17]);

    /// The GUID's form, `None` when there is none.
    pub(crate) fn form<'t>(&self, texts: &'t Texts) -> Option<GuidForm<'t>> {
        let uuid = || Uuid::from_bytes(self.0[1..].try_into().expect("16 bytes"));
        match self.0[0] {
            NONE => None,
            TEXT => Some(GuidForm::Text(texts.text_at(&self.0[1..]))),
            GUID_UPPER => Some(GuidForm::Guid(uuid(), true, false)),
            GUID_UPPER_BRACED => Some(GuidForm::Guid(uuid(), true, true)),
            GUID_LOWER => Some(GuidForm::Guid(uuid(), false, false)),
            _ => Some(GuidForm::Guid(uuid(), false, true)),
        }
    }

    /// The GUID's 128 bits, when it is held compactly (one of the usual forms).
    pub(crate) fn compact_value(&self) -> Option<u128> {
        (self.0[0] >= GUID_UPPER)
            .then(|| u128::from_be_bytes(self.0[1..].try_into().expect("16 bytes")))
    }

    /// The GUID as written.
    pub(crate) fn text(&self, texts: &Texts) -> Option<String> {
        Some(match self.form(texts)? {
            GuidForm::Text(t) => t.to_owned(),
            GuidForm::Guid(u, upper, braces) => {
                let s = crate::wix::guid::format(u, braces);
                if upper {
                    s
                } else {
                    s.to_ascii_lowercase()
                }
            }
        })
    }

    /// The GUID as compared: no braces, no surrounding space, upper case.
    pub(crate) fn normal(&self, texts: &Texts) -> Option<String> {
        Some(match self.form(texts)? {
            GuidForm::Text(t) => normal_guid(t),
            GuidForm::Guid(u, _, _) => crate::wix::guid::format(u, false),
        })
    }

    /// Whether the GUID names one component only: not `*` or heat's placeholder, not empty.
    pub(crate) fn is_explicit(&self, texts: &Texts) -> bool {
        match self.form(texts) {
            None => false,
            Some(GuidForm::Guid(..)) => true,
            Some(GuidForm::Text(t)) => {
                let g = normal_guid(t);
                !g.is_empty() && g != "*" && g != "PUT-GUID-HERE"
            }
        }
    }

    /// Whether the GUID is a real one (or `*`), not heat's placeholder or empty.
    pub(crate) fn is_real(&self, texts: &Texts) -> bool {
        match self.form(texts) {
            None => false,
            Some(GuidForm::Guid(..)) => true,
            Some(GuidForm::Text(t)) => !t.trim().is_empty() && t != "PUT-GUID-HERE",
        }
    }
}

/// A GUID as compared: no braces, upper case.
pub(crate) fn normal_guid(g: &str) -> String {
    g.trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .to_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_spell_back_to_their_text() {
        let mut t = Texts::default();
        for text in [
            "filcGVfzwMo8n4v4hkg9gY6RZ5Nnz0",
            "dirC9C6B66B858C8154C5E59F27E1F61671",
            "cmpNKq5UwSfUQkVKnLfbocZQymDzWE",
            "readme.txt",
            "filcGVfzwMo8n4v4hkg9gY6RZ5Nnz1", // the last character's unused bits set
            "dirc9C6B66B858C8154C5E59F27E1F61671", // lower-case hex
            "f-lcGVfzwMo8n4v4hkg9gY6RZ5Nnz0",
            "",
        ] {
            let id = t.id(text);
            assert_eq!(id.text(&t).as_deref(), Some(text), "{text}");
            let mut other = Texts::default();
            let again = other.id(text);
            assert!(id.same(&t, &again, &other), "{text}");
            assert_eq!(id.fingerprint(&t), again.fingerprint(&other), "{text}");
        }
        assert!(matches!(
            t.id("filcGVfzwMo8n4v4hkg9gY6RZ5Nnz0").form(&t),
            Some(IdForm::Hashed(..))
        ));
        assert!(matches!(
            t.id("filcGVfzwMo8n4v4hkg9gY6RZ5Nnz1").form(&t),
            Some(IdForm::Text(_))
        ));
        assert!(matches!(
            t.id("dirC9C6B66B858C8154C5E59F27E1F61671").form(&t),
            Some(IdForm::Hashed(..))
        ));
    }

    #[test]
    fn a_document_value_is_held_as_its_text_would_be() {
        let mut t = Texts::default();
        let hash = IdScheme::V4.hash(&["TARGETDIR", "MyDir"]);
        let value = Value::Id {
            prefix: "dir",
            hash,
        };
        let text = value.text().into_owned();
        assert_eq!(t.id_of(&value), t.id(&text));
        let v3 = IdScheme::V3Fips.hash(&["TARGETDIR", "MyDir"]);
        let value = Value::Id {
            prefix: "dir",
            hash: v3,
        };
        assert_eq!(t.id_of(&value), t.id(&value.text()));
        let mut other = Texts::default();
        let again = other.id(&value.text());
        assert_eq!(t.id_of(&value).fingerprint(&t), again.fingerprint(&other));
    }

    #[test]
    fn guids() {
        let mut t = Texts::default();
        for text in [
            "{899EBF97-E1AF-5414-8677-921B16F2B688}",
            "899EBF97-E1AF-5414-8677-921B16F2B688",
            "{899ebf97-e1af-5414-8677-921b16f2b688}",
            "899ebf97-e1af-5414-8677-921b16f2b688",
            "{899ebf97-E1AF-5414-8677-921b16f2b688}",
            "899EBF97E1AF54148677921B16F2B688",
            "*",
            "PUT-GUID-HERE",
            " {899EBF97-E1AF-5414-8677-921B16F2B688} ",
        ] {
            let g = t.guid(text);
            assert_eq!(g.text(&t).as_deref(), Some(text), "{text}");
        }
        let a = t.guid("{899ebf97-e1af-5414-8677-921b16f2b688}");
        let b = t.guid(" 899EBF97-E1AF-5414-8677-921B16F2B688");
        assert_eq!(a.normal(&t), b.normal(&t));
        assert!(!t.guid("*").is_explicit(&t));
        assert!(t.guid("*").is_real(&t));
        assert!(!t.guid("PUT-GUID-HERE").is_real(&t));
    }
}
