//! Every Directory, File and Component id and every `-gg` GUID of a harvest, checked against a
//! second, deliberately plain implementation of heat's algorithms written here from SPEC
//! section 2 and 4 (it shares no code with the library).

use std::collections::BTreeMap;
use std::path::Path;

use kit::{make_fixture, TextAttr};
use md5::{Digest, Md5};
use sha1::Sha1;

use crate::heat;

#[derive(Clone, Copy, Debug)]
enum Scheme {
    V3,
    Fips,
    V4,
}

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

fn id(scheme: Scheme, prefix: &str, args: &[&str]) -> String {
    let joined = args.join("|");
    match scheme {
        Scheme::V3 => format!("{prefix}{}", hex16(&Md5::digest(utf16le(&joined)))),
        Scheme::Fips => format!("{prefix}{}", hex16(&Sha1::digest(utf16le(&joined)))),
        Scheme::V4 => {
            let digest = Sha1::digest(joined.as_bytes());
            format!(
                "{prefix}{}",
                base64(&digest).replace('+', ".").replace('/', "_")
            )
        }
    }
}

fn hex16(bytes: &[u8]) -> String {
    bytes[..16].iter().map(|b| format!("{b:02X}")).collect()
}

fn base64(bytes: &[u8]) -> String {
    let table = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = String::new();
    for b in bytes {
        bits.push_str(&format!("{b:08b}"));
    }
    while !bits.len().is_multiple_of(6) {
        bits.push('0');
    }
    bits.as_bytes()
        .chunks(6)
        .map(|c| table[usize::from_str_radix(std::str::from_utf8(c).unwrap(), 2).unwrap()] as char)
        .collect()
}

/// UUID version 5 by hand: SHA1 of the namespace bytes then the name, version and variant set.
fn guid(location: &str) -> String {
    let ns: [u8; 16] = [
        0x30, 0x64, 0xE5, 0xC6, 0xFB, 0x63, 0x4F, 0xE9, 0xAC, 0x49, 0xE4, 0x46, 0xA7, 0x92, 0xEF,
        0xA5,
    ];
    let mut h = Sha1::new();
    h.update(ns);
    h.update(utf16le(&location.to_lowercase()));
    let mut b: Vec<u8> = h.finalize()[..16].to_vec();
    b[6] = (b[6] & 0x0F) | 0x50;
    b[8] = (b[8] & 0x3F) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02X}")).collect();
    format!(
        "{{{}-{}-{}-{}-{}}}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// The ids heat would write for every non-empty folder and every file below `root`.
#[derive(Default, Debug)]
struct Expected {
    directories: Vec<String>,
    /// file id -> (component id, install location)
    files: BTreeMap<String, (String, String)>,
}

fn expect_dir(
    scheme: Scheme,
    path: &Path,
    dir_id: &str,
    location: &str,
    emit_self: bool,
    out: &mut Expected,
) -> usize {
    let mut files = 0;
    let mut entries: Vec<_> = std::fs::read_dir(path)
        .unwrap()
        .map(|e| e.unwrap())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    let mut own = Vec::new();
    for e in entries {
        let name = e.file_name().into_string().unwrap();
        if e.file_type().unwrap().is_dir() {
            let child = id(scheme, "dir", &[dir_id, &name]);
            files += expect_dir(
                scheme,
                &e.path(),
                &child,
                &format!("{location}\\{name}"),
                true,
                out,
            );
        } else {
            let fil = id(scheme, "fil", &[dir_id, &name]);
            let cmp = id(scheme, "cmp", &[dir_id, &fil]);
            own.push((fil, (cmp, format!("{location}\\{name}"))));
        }
    }
    files += own.len();
    out.files.extend(own);
    if files > 0 && emit_self {
        out.directories.push(dir_id.to_owned());
    }
    files
}

fn expected_for_dir(scheme: Scheme, tree: &Path, dr: &str, srd: bool) -> Expected {
    let name = tree.file_name().unwrap().to_str().unwrap();
    let mut out = Expected::default();
    if srd {
        expect_dir(scheme, tree, &id(scheme, "dir", &[dr]), dr, false, &mut out);
    } else {
        let root = id(scheme, "dir", &[dr, name]);
        expect_dir(
            scheme,
            tree,
            &root,
            &format!("{dr}\\{name}"),
            true,
            &mut out,
        );
    }
    out
}

/// File id -> (component id, GUID) of a harvest.
type FileMap = BTreeMap<String, (String, Option<String>)>;

/// (Directory ids, files) read from a harvest's text.
fn actual(wxs: &str) -> (Vec<String>, FileMap) {
    let doc = heat::xml::parse(wxs.as_bytes()).unwrap();
    let mut dirs: Vec<String> = doc
        .elements_named("Directory")
        .map(|d| doc.text_attr(d, "Id").unwrap().to_owned())
        .collect();
    dirs.sort();
    let mut files = BTreeMap::new();
    for f in doc.elements_named("File") {
        let c = doc.parent(f).unwrap();
        assert_eq!(doc.name(c), "Component");
        files.insert(
            doc.text_attr(f, "Id").unwrap().to_owned(),
            (
                doc.text_attr(c, "Id").unwrap().to_owned(),
                doc.text_attr(c, "Guid").map(str::to_owned),
            ),
        );
    }
    (dirs, files)
}

fn check(scheme: Scheme, extra: &[&str], dr: &str, srd: bool) {
    let tmp = tempfile::tempdir().unwrap();
    let tree = tmp.path().join("App");
    make_fixture("App", &tree);
    let mut args = vec!["dir", "App", "-gg", "-o", "out.wxs"];
    args.extend(extra);
    heat().ok(tmp.path(), &args);
    let text = std::fs::read_to_string(tmp.path().join("out.wxs")).unwrap();
    let (dirs, files) = actual(&text);
    let want = expected_for_dir(scheme, &tree, dr, srd);
    let mut want_dirs = want.directories.clone();
    want_dirs.sort();
    assert_eq!(dirs, want_dirs, "{scheme:?} {extra:?}: Directory ids");
    assert_eq!(
        files.len(),
        want.files.len(),
        "{scheme:?} {extra:?}: file count"
    );
    for (fil, (cmp, location)) in &want.files {
        let (got_cmp, got_guid) = files
            .get(fil)
            .unwrap_or_else(|| panic!("{scheme:?} {extra:?}: no File {fil} for {location}"));
        assert_eq!(
            got_cmp, cmp,
            "{scheme:?} {extra:?}: component of {location}"
        );
        assert_eq!(
            got_guid.as_deref(),
            Some(guid(location).as_str()),
            "{scheme:?}: GUID of {location}"
        );
    }
}

#[test]
fn v3_ids_and_guids() {
    check(Scheme::V3, &["-wix3"], "TARGETDIR", false);
    check(
        Scheme::V3,
        &["-wix3", "-srd", "-dr", "INSTALLDIR", "-cg", "G"],
        "INSTALLDIR",
        true,
    );
    check(
        Scheme::V3,
        &["-wix3", "-sfrag", "-dr", "MyDir"],
        "MyDir",
        false,
    );
}

#[test]
fn v3_fips_ids_and_guids() {
    check(Scheme::Fips, &["-wix3", "-fips"], "TARGETDIR", false);
    check(
        Scheme::Fips,
        &["-wix3", "-fips", "-srd", "-cg", "G"],
        "TARGETDIR",
        true,
    );
}

#[test]
fn v4_ids_and_guids() {
    check(Scheme::V4, &[], "TARGETDIR", false);
    check(
        Scheme::V4,
        &["-srd", "-dr", "INSTALLFOLDER", "-cg", "G", "-sfrag"],
        "INSTALLFOLDER",
        true,
    );
    check(
        Scheme::V4,
        &["-dr", "ProgramFiles6432Folder", "-var", "var.X"],
        "ProgramFiles6432Folder",
        false,
    );
}

#[test]
fn file_harvest_ids() {
    for (scheme, flag) in [(Scheme::V3, "-wix3"), (Scheme::V4, "-wix4")] {
        for srd in [false, true] {
            let tmp = tempfile::tempdir().unwrap();
            make_fixture("App", &tmp.path().join("App"));
            let mut args = vec![
                "file",
                "App/résumé.txt",
                flag,
                "-gg",
                "-dr",
                "INSTALLDIR",
                "-o",
                "out.wxs",
            ];
            if srd {
                args.push("-srd");
            }
            heat().ok(tmp.path(), &args);
            let text = std::fs::read_to_string(tmp.path().join("out.wxs")).unwrap();
            let (dirs, files) = actual(&text);
            let (seed, location) = if srd {
                ("INSTALLDIR".to_owned(), r"INSTALLDIR\résumé.txt")
            } else {
                (
                    id(scheme, "dir", &["INSTALLDIR", "App"]),
                    r"INSTALLDIR\App\résumé.txt",
                )
            };
            assert_eq!(dirs, if srd { vec![] } else { vec![seed.clone()] });
            let fil = id(scheme, "fil", &[&seed, "résumé.txt"]);
            let cmp = id(scheme, "cmp", &[&seed, &fil]);
            assert_eq!(
                files.get(&fil),
                Some(&(cmp, Some(guid(location)))),
                "{scheme:?} srd={srd}"
            );
        }
    }
}
