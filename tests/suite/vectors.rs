//! heat's real outputs and identifiers (testdata/vectors, copied from the shared vectors).

use heat::IdScheme;
use kit::testdata;

use crate::heat;

#[test]
fn every_id_in_ids_json() {
    let text = std::fs::read_to_string(testdata("vectors/ids.json")).unwrap();
    let vectors: serde_json::Value = serde_json::from_str(&text).unwrap();
    let vectors = vectors.as_array().unwrap();
    assert!(
        vectors.len() >= 36,
        "ids.json holds {} vectors",
        vectors.len()
    );
    for v in vectors {
        let scheme = match v["scheme"].as_str().unwrap() {
            "v3" => IdScheme::V3,
            "v3-fips" => IdScheme::V3Fips,
            "v4" => IdScheme::V4,
            other => panic!("unknown scheme {other}"),
        };
        let args: Vec<&str> = v["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        let got = scheme.generate(v["prefix"].as_str().unwrap(), &args);
        assert_eq!(got, v["id"].as_str().unwrap(), "{v}");
    }
}

/// The expected bytes of a real heat v4 output stored without its mark and with LF line ends.
fn as_heat_wrote_it(stored: &str) -> Vec<u8> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(stored.replace('\n', "\r\n").as_bytes());
    bytes
}

fn check_v4(vector: &str, args: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("SingleFile")).unwrap();
    std::fs::copy(
        testdata("trees/SingleFile/a.txt"),
        tmp.path().join("SingleFile/a.txt"),
    )
    .unwrap();
    let got = heat().output_of(tmp.path(), args);
    let stored = std::fs::read_to_string(testdata("vectors/heat-v4/dir").join(vector)).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&got),
        String::from_utf8_lossy(&as_heat_wrote_it(&stored)),
        "{vector}"
    );
    assert_eq!(got, as_heat_wrote_it(&stored), "{vector}: bytes differ");
}

#[test]
fn heat_v4_simple() {
    check_v4("simple.wxs", &["dir", "SingleFile"]);
}

#[test]
fn heat_v4_component_group() {
    check_v4("component-group.wxs", &["dir", "SingleFile", "-cg", "CG1"]);
}

#[test]
fn heat_v4_install_folder_indent_2() {
    check_v4(
        "install-folder.wxs",
        &["dir", "SingleFile", "-dr", "INSTALLFOLDER", "-indent", "2"],
    );
}

#[test]
fn heat_v4_file() {
    check_v4(
        "file.wxs",
        &[
            "file",
            "SingleFile/a.txt",
            "-cg",
            "GroupA",
            "-dr",
            "ProgramFiles6432Folder",
        ],
    );
}
