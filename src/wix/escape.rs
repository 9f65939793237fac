//! What WiX source can hold, and how a literal name or value is written so that WiX reads it
//! back unchanged.
//!
//! **XML 1.0.** A document can carry tab, line feed, carriage return and every character from
//! U+0020 on but U+FFFE and U+FFFF ([`is_xml_char`]); the other control characters cannot be
//! written at all, not even as character references (`&#1;` is not well-formed). Element and
//! attribute names are XML names, with at most one `:` between a prefix and a local name
//! ([`is_xml_name`]).
//!
//! **WiX's preprocessor and binder.** WiX reads every attribute value twice before it is a
//! value. Its preprocessor (WiX v3 `PreprocessorCore.PreprocessString`, the same in v4's
//! `PreprocessHelper`) replaces `$(var.X)`, `$(env.X)` and `$(sys.X)` references and reads
//! `$$` as one `$` (a `$` before anything else stays as it is). Then, when it binds, it
//! resolves `!(loc.X)`, `!(wix.X)` and `!(bind.X)` references in every string of every table
//! (WiX v3 `Binder.ResolveFields` through `WixVariableResolver`; v4 `VariableResolver`), and a
//! reference with one more `!` before it (`!!(wix.X)`) is written without it instead. The two
//! versions find references differently, and [`escape_wix`] follows each exactly:
//! - WiX v3 (`Common.WixVariableRegex`): `!(` or `$(`, then `loc`, `wix`, `bind` or `bindpath`,
//!   a `.`, a name of two or more of `[A-Za-z0-9_]` (a letter or `_` first), an optional
//!   `.scope`, an optional `=default` (up to the first `)`), and `)`; every match in the value is
//!   resolved. So a value that holds `$(wix.X)` after preprocessing is resolved (and then
//!   refused by WiX v3 for its `$`) unless a `!` precedes it.
//! - WiX v4 and later (`Common.TryParseWixVariable`): from the first `!(`, the namespace up to
//!   the next `.` must be `loc`, `wix` or `bind`, the name up to the next `)` or `=` a WiX
//!   identifier (`bind` names may have a `.scope`); the search goes on after each reference
//!   and stops at the first `!(` that is not one, leaving the rest of the value as it is.
//!
//! A literal value is therefore written with a `!` before each reference WiX would resolve,
//! and then with every `$` doubled ([`escape_wix`]); [`unescape_wix`] reads such text back.
//!
//! **Windows Installer's formatted strings.** The `Key`, `Name` and `Value` of a registry value
//! (the `RegPath` and `Formatted` columns of the `Registry` table) are formatted when they are
//! installed: `[Property]`, `[#file]`, `[%ENV]`, `[~]` are replaced, and `[\x]` is the
//! character `x`. A literal `[` or `]` is written `[\[]` or `[\]]`, as heat's `RegFileHarvester`
//! writes them, and then braces too (`[\{]`, `[\}]`): braces around text that holds square
//! brackets group it, and are removed with it when a property in it is not set
//! ([`escape_formatted`]). Braces in a value without square brackets (a GUID) are left as
//! they are, as Windows Installer leaves them.

use std::borrow::Cow;

use super::schema::Schema;

/// Whether XML 1.0 allows character `c` in a document (its production `Char`): tab, line feed,
/// carriage return, and every character from U+0020 on but U+FFFE and U+FFFF (surrogates
/// cannot be in a Rust string).
pub fn is_xml_char(c: char) -> bool {
    if c < ' ' {
        matches!(c, '\t' | '\n' | '\r')
    } else {
        !matches!(c, '\u{FFFE}' | '\u{FFFF}')
    }
}

/// Whether byte `b` can start a character XML 1.0 does not allow (see [`find_non_xml_char`]).
pub(crate) fn may_start_non_xml_char(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xEF
}

/// Where in `text` the first character XML 1.0 does not allow is, and which it is. The bytes
/// such characters start with (below `0x20`, and `0xEF` for U+FFFE and U+FFFF) are looked for
/// first, so that most text is passed over a byte at a time.
pub fn find_non_xml_char(text: &str) -> Option<(usize, char)> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = bytes[from..]
        .iter()
        .position(|&b| may_start_non_xml_char(b))
    {
        let at = from + i;
        let c = text[at..].chars().next().expect("at a character boundary");
        if !is_xml_char(c) {
            return Some((at, c));
        }
        from = at + c.len_utf8();
    }
    None
}

/// The words for a character XML 1.0 does not allow, in messages: `the character U+0001,
/// which XML 1.0 cannot carry …`.
pub fn describe_non_xml_char(c: char) -> String {
    format!(
        "the character U+{:04X}, which XML 1.0 cannot carry, not even as a character reference \
         (a control character other than tab, line feed and carriage return, or U+FFFE or \
         U+FFFF)",
        u32::from(c)
    )
}

/// XML 1.0's `NameStartChar`, without `:`.
fn is_name_start(c: char) -> bool {
    matches!(c,
        'A'..='Z' | '_' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

/// XML 1.0's `NameChar`, without `:`.
fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || matches!(c,
            '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// Whether `name` is a name an element or attribute can have in a document read with
/// namespaces: an XML 1.0 name with no `:`, or two of them joined by one `:` (a prefix and a
/// local name).
pub fn is_xml_name(name: &str) -> bool {
    let ncname = |part: &str| {
        let mut chars = part.chars();
        chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
    };
    match name.split_once(':') {
        Some((prefix, local)) => ncname(prefix) && ncname(local),
        None => ncname(name),
    }
}

/// `text` written so that WiX's preprocessor and binder read it back as it is (see the module
/// documentation): a `!` before each WiX variable reference the binder of `schema`'s WiX would
/// resolve, and every `$` doubled. Text with neither `$` nor `!` is returned as it is.
///
/// ```
/// use heat::wix::escape::escape_wix;
/// use heat::Schema;
///
/// assert_eq!(escape_wix("$(env.HOME)", Schema::V4), "$$(env.HOME)");
/// assert_eq!(escape_wix("a!(wix.Dir)b", Schema::V4), "a!!(wix.Dir)b");
/// // WiX v3 also resolves `$(wix.X)` once the preprocessor has made it so.
/// assert_eq!(escape_wix("$(wix.Dir)", Schema::V3), "!$$(wix.Dir)");
/// assert_eq!(escape_wix("plain.txt", Schema::V3), "plain.txt");
/// ```
pub fn escape_wix(text: &str, schema: Schema) -> Cow<'_, str> {
    if !text.bytes().any(|b| b == b'$' || b == b'!') {
        return Cow::Borrowed(text);
    }
    let refs = references(text, schema);
    let mut out = String::with_capacity(text.len() + refs.len() + 4);
    let mut next = refs.iter().map(|r| r.0).peekable();
    for (i, c) in text.char_indices() {
        if next.peek() == Some(&i) {
            out.push('!');
            next.next();
        }
        if c == '$' {
            out.push('$');
        }
        out.push(c);
    }
    Cow::Owned(out)
}

/// Whether `text` holds what a WiX variable reference starts with (`!(`, and in WiX v3 also
/// `$(`). [`escape_wix`] of text without one only doubles its `$`s, so that the text can be
/// escaped in pieces cut anywhere but inside these two characters.
pub(crate) fn may_hold_reference(text: &str, schema: Schema) -> bool {
    text.contains("!(") || (schema == Schema::V3 && text.contains("$("))
}

/// Text written by [`escape_wix`], read back as WiX reads it, but for references it would
/// resolve, which are left as they are (`$(var.X)`, `!(wix.X)`): `$$` is one `$`, and a `!`
/// before a reference is dropped.
///
/// ```
/// use heat::wix::escape::{escape_wix, unescape_wix};
/// use heat::Schema;
///
/// assert_eq!(unescape_wix("a$$b!!(wix.Dir)", Schema::V4), "a$b!(wix.Dir)");
/// assert_eq!(unescape_wix("$(var.Src)\\a.txt", Schema::V3), "$(var.Src)\\a.txt");
/// let name = "!!(loc.x) $(wix.Dir) $$";
/// assert_eq!(unescape_wix(&escape_wix(name, Schema::V3), Schema::V3), name);
/// ```
pub fn unescape_wix(text: &str, schema: Schema) -> Cow<'_, str> {
    if !text.bytes().any(|b| b == b'$' || b == b'!') {
        return Cow::Borrowed(text);
    }
    // The preprocessor: `$$` is `$`; anything else stays.
    let mut pre = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        pre.push(c);
        if c == '$' && chars.peek() == Some(&'$') {
            chars.next();
        }
    }
    // The binder: a `!` before a reference goes.
    let escaped: Vec<usize> = references(&pre, schema)
        .into_iter()
        .filter(|&(at, _)| at > 0 && pre.as_bytes()[at - 1] == b'!')
        .map(|(at, _)| at - 1)
        .collect();
    if escaped.is_empty() {
        return Cow::Owned(pre);
    }
    let mut out = String::with_capacity(pre.len());
    let mut from = 0;
    for at in escaped {
        out.push_str(&pre[from..at]);
        from = at + 1;
    }
    out.push_str(&pre[from..]);
    Cow::Owned(out)
}

/// The WiX variable references the binder of `schema`'s WiX finds in `text`: where each starts
/// and how long it is, in bytes, in order.
fn references(text: &str, schema: Schema) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    match schema {
        Schema::V3 => {
            // Every match of WiX v3's regular expression, left to right, each search going on
            // after the last match (or the next character after a failed attempt).
            let mut at = 0;
            while at + 1 < bytes.len() {
                match v3_reference(bytes, at) {
                    Some(len) => {
                        out.push((at, len));
                        at += len;
                    }
                    None => at += 1,
                }
            }
        }
        Schema::V4 => {
            // WiX v4's loop: the next `!(`, which must be a reference, else the search stops.
            let mut from = 0;
            while let Some(i) = find(bytes, b"!(", from) {
                match v4_reference(bytes, i) {
                    Some(len) => {
                        out.push((i, len));
                        from = i + len;
                    }
                    None => break,
                }
            }
        }
    }
    out
}

/// Where `needle` first is in `bytes` from `from` on.
fn find(bytes: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| from + i)
}

/// The length of the reference WiX v3's `Common.WixVariableRegex` matches at `at`:
/// `(\!|\$)\((loc|wix|bind|bindpath)\.[_A-Za-z][0-9A-Za-z_]+(\.[_A-Za-z][0-9A-Za-z_\.]*)?(\=.+?)?\)`.
/// Every part but the default value is a run of characters that the next part cannot start
/// with, so the greedy runs are taken whole and only the default value is searched.
fn v3_reference(bytes: &[u8], at: usize) -> Option<usize> {
    if !matches!(bytes.get(at), Some(b'!' | b'$')) || bytes.get(at + 1) != Some(&b'(') {
        return None;
    }
    let rest = &bytes[at + 2..];
    let ns = [&b"loc."[..], b"wix.", b"bind.", b"bindpath."]
        .into_iter()
        .find(|ns| rest.starts_with(ns))?;
    let mut i = at + 2 + ns.len();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let first = |b: u8| b.is_ascii_alphabetic() || b == b'_';
    // The name: a letter or `_`, then one or more of [0-9A-Za-z_].
    if !bytes.get(i).copied().is_some_and(first) {
        return None;
    }
    let start = i;
    i += 1;
    while bytes.get(i).copied().is_some_and(word) {
        i += 1;
    }
    if i - start < 2 {
        return None;
    }
    // The scope: `.`, a letter or `_`, then any of [0-9A-Za-z_.].
    if bytes.get(i) == Some(&b'.') {
        if !bytes.get(i + 1).copied().is_some_and(first) {
            return None;
        }
        i += 2;
        while bytes.get(i).copied().is_some_and(|b| word(b) || b == b'.') {
            i += 1;
        }
    }
    match bytes.get(i) {
        Some(b')') => Some(i + 1 - at),
        // `=`, then at least one character, up to the first `)` after it.
        Some(b'=') => find(bytes, b")", i + 2).map(|close| close + 1 - at),
        _ => None,
    }
}

/// The length of the reference WiX v4's `Common.TryParseWixVariable` reads at `at` (where a
/// `!(` is).
fn v4_reference(bytes: &[u8], at: usize) -> Option<usize> {
    let dot = find(bytes, b".", at + 1)?;
    let ns = bytes.get(at + 2..dot)?;
    if !matches!(ns, b"loc" | b"bind" | b"wix") {
        return None;
    }
    let close = find(bytes, b")", dot)?;
    let end = find(&bytes[..=close], b"=", dot + 1).unwrap_or(close);
    let second_dot = if ns == b"bind" {
        find(&bytes[..end], b".", dot + 1)
    } else {
        None
    };
    let text = |from: usize, to: usize| std::str::from_utf8(&bytes[from..to]).ok();
    let name = match second_dot {
        Some(d) => {
            if !is_v4_identifier(text(d + 1, end)?) {
                return None;
            }
            text(dot + 1, d)?
        }
        None => text(dot + 1, end)?,
    };
    is_v4_identifier(name).then_some(close + 1 - at)
}

/// WiX v4's `Common.IsIdentifier`: a letter or `_`, then letters, `_`, digits and `.`, where a
/// digit is any of .NET's `Char.IsDigit` (a decimal digit of Unicode's, one UTF-16 unit: of the
/// Basic Multilingual Plane).
fn is_v4_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphabetic() || c == '_' || c == '.' || is_bmp_decimal_digit(c))
}

/// The first digit (zero) of each run of ten decimal digits (Unicode's category `Nd`) in the
/// Basic Multilingual Plane, from Unicode 14.
const DIGIT_ZEROS: [u32; 37] = [
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
];

fn is_bmp_decimal_digit(c: char) -> bool {
    let c = u32::from(c);
    DIGIT_ZEROS
        .iter()
        .any(|&zero| (zero..zero + 10).contains(&c))
}

/// `text` written as a Windows Installer formatted string that installs as `text`: `[` and
/// `]` as `[\[]` and `[\]]`, and, in text that holds either, `{` and `}` as `[\{]` and `[\}]`
/// (see the module documentation).
///
/// ```
/// use heat::wix::escape::escape_formatted;
///
/// assert_eq!(escape_formatted("[ProductName]"), "[\\[]ProductName[\\]]");
/// assert_eq!(escape_formatted("{[x]}"), "[\\{][\\[]x[\\]][\\}]");
/// assert_eq!(escape_formatted("{6F2C6E0C-8E39-4C55-9A8C-3E0E1A9E5D11}"), "{6F2C6E0C-8E39-4C55-9A8C-3E0E1A9E5D11}");
/// ```
pub fn escape_formatted(text: &str) -> Cow<'_, str> {
    if !text.contains(['[', ']']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '[' | ']' | '{' | '}' => {
                out.push_str("[\\");
                out.push(c);
                out.push(']');
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A formatted string read back as Windows Installer installs it, but for its references
/// (`[Property]`), which are left as they are: `[\x]` is `x`.
pub fn unescape_formatted(text: &str) -> Cow<'_, str> {
    if !text.contains("[\\") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("[\\") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let mut chars = after.chars();
        match (chars.next(), chars.next()) {
            (Some(c), Some(']')) => {
                out.push(c);
                rest = &after[c.len_utf8() + 1..];
            }
            _ => {
                out.push_str("[\\");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const BOTH: [Schema; 2] = [Schema::V3, Schema::V4];

    #[test]
    fn preprocessor_dollars_are_doubled() {
        for s in BOTH {
            assert_eq!(escape_wix("$(env.HOME)", s), "$$(env.HOME)");
            assert_eq!(escape_wix("a$b$$c", s), "a$$b$$$$c");
            assert_eq!(escape_wix("$(var.X)", s), "$$(var.X)");
        }
    }

    #[test]
    fn v3_references_get_a_bang() {
        let v3 = |t| escape_wix(t, Schema::V3).into_owned();
        assert_eq!(v3("!(loc.Title)"), "!!(loc.Title)");
        assert_eq!(v3("!(bindpath.Bin)"), "!!(bindpath.Bin)");
        assert_eq!(v3("$(wix.Dir)"), "!$$(wix.Dir)");
        assert_eq!(v3("!(bind.FileVersion.fil1)"), "!!(bind.FileVersion.fil1)");
        assert_eq!(v3("!(wix.Ab=x)y)"), "!!(wix.Ab=x)y)");
        // Not references: a one-character name, an unknown namespace, `=` with nothing after
        // it up to the end, no `)`.
        for t in [
            "!(wix.A)",
            "!(var.Ab)",
            "!(wix.Ab=)",
            "!(wix.Ab",
            "!(wix.Ab.)",
        ] {
            assert_eq!(v3(t), t.replace('$', "$$"), "{t}");
        }
        // `=)` takes the next `)` as the end of the default.
        assert_eq!(v3("!(wix.Ab=) x)"), "!!(wix.Ab=) x)");
        assert_eq!(v3("!(wix.Ab)!(loc.Cd)"), "!!(wix.Ab)!!(loc.Cd)");
    }

    #[test]
    fn v4_references_get_a_bang_up_to_the_first_that_is_not_one() {
        let v4 = |t| escape_wix(t, Schema::V4).into_owned();
        assert_eq!(v4("!(wix.A)"), "!!(wix.A)");
        assert_eq!(v4("!(loc.a.b)"), "!!(loc.a.b)");
        assert_eq!(v4("!(bind.Ver.fil٣)"), "!!(bind.Ver.fil٣)");
        // v4 ignores `bindpath` and `$(`.
        assert_eq!(
            v4("!(bindpath.Bin) $(wix.Dir)"),
            "!(bindpath.Bin) $$(wix.Dir)"
        );
        // The search stops at the first `!(` that is not a reference.
        assert_eq!(v4("!(x) !(wix.A)"), "!(x) !(wix.A)");
        assert_eq!(
            v4("!(wix.A) !(wix.1) !(wix.B)"),
            "!!(wix.A) !(wix.1) !(wix.B)"
        );
        assert_eq!(v4("!!(wix.A)"), "!!!(wix.A)");
    }

    #[test]
    fn xml_characters_and_names() {
        assert!(is_xml_char('\t') && is_xml_char('\u{7F}') && is_xml_char('\u{FFFD}'));
        assert!(!is_xml_char('\u{1}') && !is_xml_char('\u{FFFE}') && !is_xml_char('\u{0}'));
        assert_eq!(
            find_non_xml_char("ab\u{FF10}c\u{FFFF}"),
            Some((6, '\u{FFFF}'))
        );
        assert_eq!(find_non_xml_char("ab\r\n\t"), None);
        for ok in ["Wix", "util:XmlFile", "a-b.c", "_x", "Ünï"] {
            assert!(is_xml_name(ok), "{ok}");
        }
        for bad in ["", "a b", "1a", "a:", ":a", "a:b:c", "a\u{1}", "-a", "a>"] {
            assert!(!is_xml_name(bad), "{bad}");
        }
    }

    #[test]
    fn formatted_strings() {
        assert_eq!(escape_formatted("a[b]c"), "a[\\[]b[\\]]c");
        assert_eq!(escape_formatted("[~]"), "[\\[]~[\\]]");
        assert_eq!(unescape_formatted("a[\\[]b[\\]]c[\\{]"), "a[b]c{");
        assert_eq!(unescape_formatted("[Prop][\\"), "[Prop][\\");
    }

    proptest! {
        #[test]
        fn unescaping_undoes_escaping(
            s in "([!$()=._a-z0-9\\\\]|wix|loc|bind|bindpath|Ab|٣|é){0,24}"
        ) {
            for schema in BOTH {
                let escaped = escape_wix(&s, schema);
                prop_assert_eq!(unescape_wix(&escaped, schema), s.as_str());
            }
            let formatted = escape_formatted(&s);
            prop_assert_eq!(unescape_formatted(&formatted), s.as_str());
        }

        #[test]
        fn pieces_escape_as_the_whole_without_references(
            a in "[!$(a-z\\\\]{0,12}", b in "[!$(a-z]{0,12}"
        ) {
            for schema in BOTH {
                let whole = format!("{a}\\{b}");
                if !may_hold_reference(&whole, schema) {
                    let pieces = format!("{}\\{}", escape_wix(&a, schema), escape_wix(&b, schema));
                    prop_assert_eq!(escape_wix(&whole, schema), pieces.as_str());
                }
            }
        }
    }
}
