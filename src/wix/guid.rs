//! Deterministic component GUIDs for `-gg`.
//!
//! heat's `-gg` wrote a new random GUID on every run, which breaks patches. Here a component's
//! GUID is a name-based (version 5) UUID of its install location, in the namespace WiX itself
//! uses for `Guid="*"`: the same location gives the same GUID on any machine, in any year.

use sha1::{Digest, Sha1};
use uuid::Uuid;

/// The namespace WiX uses to derive component GUIDs at build time (`Guid="*"`):
/// `{3064E5C6-FB63-4FE9-AC49-E446A792EFA5}`.
pub const WIX_COMPONENT_NAMESPACE: Uuid = Uuid::from_u128(0x3064E5C6_FB63_4FE9_AC49_E446A792EFA5);

/// The GUID for install location `path` (`<directory ref>\<path below it>`, `\` separators):
/// UUIDv5 of the UTF-16LE bytes of the lower-cased path.
///
/// ```
/// let a = heat::wix::guid::for_location(r"INSTALLFOLDER\App\a.txt");
/// let b = heat::wix::guid::for_location(r"installfolder\app\A.TXT");
/// assert_eq!(a, b);
/// ```
pub fn for_location(path: &str) -> Uuid {
    for_location_parts(&[path])
}

/// [`for_location`] of `parts` joined by `\`, without joining them first.
pub fn for_location_parts(parts: &[&str]) -> Uuid {
    let (last, folder) = parts.split_last().map_or(("", &[][..]), |(l, f)| (*l, f));
    FolderGuids::new(folder).guid(last)
}

/// GUIDs for the entries of one folder: the hash of the namespace and the folder's location is
/// taken once, and each entry's name is added to a copy of it.
#[derive(Clone)]
pub struct FolderGuids {
    prefix: Sha1,
}

impl std::fmt::Debug for FolderGuids {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FolderGuids")
    }
}

impl FolderGuids {
    /// For the folder at location `parts` (joined by `\`).
    pub fn new(parts: &[&str]) -> FolderGuids {
        let mut bytes = Vec::with_capacity(256);
        for part in parts {
            lower_utf16le(part, &mut bytes);
            bytes.extend_from_slice(&u16::from(b'\\').to_le_bytes());
        }
        let mut prefix = Sha1::new();
        prefix.update(WIX_COMPONENT_NAMESPACE.as_bytes());
        prefix.update(&bytes);
        FolderGuids { prefix }
    }

    /// The GUID of the entry `name` of the folder: [`for_location`] of `folder\name`.
    pub fn guid(&self, name: &str) -> Uuid {
        let mut h = self.prefix.clone();
        if name.is_ascii() && name.len() <= 128 {
            // The usual case, without an allocation: ASCII lower-cased, a zero byte after each.
            let mut units = [0u8; 256];
            for (i, b) in name.bytes().enumerate() {
                units[2 * i] = b.to_ascii_lowercase();
            }
            h.update(&units[..2 * name.len()]);
        } else {
            let mut bytes = Vec::with_capacity(2 * name.len() + 2);
            lower_utf16le(name, &mut bytes);
            h.update(&bytes);
        }
        finish(h)
    }
}

/// Appends `part` lower-cased as UTF-16LE. Lower-casing part by part is lower-casing the
/// whole: `\` ends a word, so a final sigma is final either way.
fn lower_utf16le(part: &str, out: &mut Vec<u8>) {
    if part.is_ascii() {
        for b in part.bytes() {
            out.extend_from_slice(&[b.to_ascii_lowercase(), 0]);
        }
    } else if part.contains('Σ') {
        // Only capital sigma lower-cases by context (final ς): leave it to str.
        for unit in part.to_lowercase().encode_utf16() {
            out.extend_from_slice(&unit.to_le_bytes());
        }
    } else {
        let mut units = [0u16; 2];
        for c in part.chars().flat_map(char::to_lowercase) {
            for unit in c.encode_utf16(&mut units).iter() {
                out.extend_from_slice(&unit.to_le_bytes());
            }
        }
    }
}

/// RFC 9562 section 5.5: the first 16 bytes of the SHA-1 of the namespace's bytes and the
/// name, with the version (5) and the variant (10xx) set.
fn finish(h: Sha1) -> Uuid {
    let digest = h.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0F) | 0x50;
    bytes[8] = (bytes[8] & 0x3F) | 0x80;
    Uuid::from_bytes(bytes)
}

/// Formats a GUID as heat does: upper case, in braces unless `braces` is false (`-g1`).
pub fn format(guid: Uuid, braces: bool) -> String {
    format_into(guid, braces, &mut [0u8; 38]).to_owned()
}

/// Formats a GUID as [`format()`] does, into `buf`, without allocating.
pub fn format_into(guid: Uuid, braces: bool, buf: &mut [u8; 38]) -> &str {
    if braces {
        guid.braced().encode_upper(buf)
    } else {
        guid.hyphenated().encode_upper(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_and_format() {
        let g = for_location(r"TARGETDIR\SingleFile\a.txt");
        assert_eq!(g.get_version_num(), 5);
        let braced = format(g, true);
        assert!(braced.starts_with('{') && braced.ends_with('}') && braced.len() == 38);
        assert_eq!(format(g, false).len(), 36);
        assert_eq!(format(g, false), format(g, false).to_uppercase());
    }

    #[test]
    fn matches_the_uuid_crates_v5() {
        for path in [
            r"TARGETDIR\App\a.txt",
            "",
            r"INSTALLDIR\ünïcödé\😀 smile.txt",
        ] {
            let lower: Vec<u8> = path
                .to_lowercase()
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes())
                .collect();
            assert_eq!(
                for_location(path),
                Uuid::new_v5(&WIX_COMPONENT_NAMESPACE, &lower)
            );
        }
        let long = "x".repeat(1000);
        let lower: Vec<u8> = long.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(
            for_location(&long),
            Uuid::new_v5(&WIX_COMPONENT_NAMESPACE, &lower)
        );
    }

    #[test]
    fn parts_hash_as_their_join() {
        let parts = ["INSTALLDIR", "Ünïcode ΣΑΣ", "Café.TXT"];
        assert_eq!(for_location_parts(&parts), for_location(&parts.join("\\")));
    }

    #[test]
    fn namespace_bytes_are_in_rfc_order() {
        assert_eq!(
            WIX_COMPONENT_NAMESPACE.to_string(),
            "3064e5c6-fb63-4fe9-ac49-e446a792efa5"
        );
    }
}
