//! Deterministic component GUIDs for `-gg`.
//!
//! heat's `-gg` wrote a new random GUID on every run, which breaks patches. Here a component's
//! GUID is a name-based (version 5) UUID of its install location, in the namespace WiX itself
//! uses for `Guid="*"`: the same location gives the same GUID on any machine, in any year.

use uuid::Uuid;

/// The namespace WiX uses to derive component GUIDs at build time (`Guid="*"`):
/// `{3064E5C6-FB63-4FE9-AC49-E446A792EFA5}`.
pub const WIX_COMPONENT_NAMESPACE: Uuid = Uuid::from_u128(0x3064E5C6_FB63_4FE9_AC49_E446A792EFA5);

/// The GUID for install location `path` (`<directory ref>\<path below it>`, `\` separators):
/// UUIDv5 of the UTF-16LE bytes of the lower-cased path.
///
/// ```
/// let a = heat::guid::for_location(r"INSTALLFOLDER\App\a.txt");
/// let b = heat::guid::for_location(r"installfolder\app\A.TXT");
/// assert_eq!(a, b);
/// ```
pub fn for_location(path: &str) -> Uuid {
    let lower = path.to_lowercase();
    let mut bytes = Vec::with_capacity(lower.len() * 2);
    for unit in lower.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    Uuid::new_v5(&WIX_COMPONENT_NAMESPACE, &bytes)
}

/// Formats a GUID as heat does: upper case, in braces unless `braces` is false (`-g1`).
pub fn format(guid: Uuid, braces: bool) -> String {
    let mut buf = [0u8; 38];
    let s: &str = if braces {
        guid.braced().encode_upper(&mut buf)
    } else {
        guid.hyphenated().encode_upper(&mut buf)
    };
    s.to_owned()
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
    fn namespace_bytes_are_in_rfc_order() {
        assert_eq!(
            WIX_COMPONENT_NAMESPACE.to_string(),
            "3064e5c6-fb63-4fe9-ac49-e446a792efa5"
        );
    }
}
