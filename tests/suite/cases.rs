//! The golden cases, shared by the golden and interoperability tests.

/// A golden case: the fixture tree harvested (copied to a folder of the tree's name) with `args`.
pub struct Case {
    pub name: &'static str,
    pub tree: &'static str,
    pub args: &'static [&'static str],
}

pub const CASES: &[Case] = &[
    Case {
        name: "v4-dir",
        tree: "App",
        args: &["dir", "App"],
    },
    Case {
        name: "v3-dir",
        tree: "App",
        args: &["dir", "App", "-wix3"],
    },
    Case {
        name: "v3-fips-dir",
        tree: "App",
        args: &["dir", "App", "-wix3", "-fips"],
    },
    Case {
        name: "v4-srd-cg-dr",
        tree: "App",
        args: &[
            "dir",
            "App",
            "-srd",
            "-cg",
            "AppFiles",
            "-dr",
            "INSTALLFOLDER",
        ],
    },
    Case {
        name: "v3-srd-cg-dr",
        tree: "App",
        args: &[
            "dir",
            "App",
            "-wix3",
            "-srd",
            "-cg",
            "AppFiles",
            "-dr",
            "INSTALLFOLDER",
        ],
    },
    Case {
        name: "v3-sfrag-cg",
        tree: "App",
        args: &["dir", "App", "-wix3", "-sfrag", "-cg", "AppFiles"],
    },
    Case {
        name: "v4-sfrag",
        tree: "App",
        args: &["dir", "App", "-sfrag"],
    },
    Case {
        name: "v3-var",
        tree: "App",
        args: &["dir", "App", "-wix3", "-var", "var.AppSource"],
    },
    Case {
        name: "v4-var-wix-cg",
        tree: "App",
        args: &["dir", "App", "-var", "wix.AppSource", "-cg", "AppFiles"],
    },
    Case {
        name: "v3-ke",
        tree: "App",
        args: &["dir", "App", "-wix3", "-ke"],
    },
    Case {
        name: "v4-ke-sfrag-cg",
        tree: "App",
        args: &["dir", "App", "-ke", "-sfrag", "-cg", "AppFiles"],
    },
    Case {
        name: "v3-suid",
        tree: "App",
        args: &["dir", "App", "-wix3", "-suid"],
    },
    Case {
        name: "v4-suid-ke-cg",
        tree: "App",
        args: &["dir", "App", "-suid", "-ke", "-cg", "AppFiles"],
    },
    Case {
        name: "v3-template-product",
        tree: "App",
        args: &[
            "dir",
            "App",
            "-wix3",
            "-template",
            "product",
            "-cg",
            "AppFiles",
        ],
    },
    Case {
        name: "v3-template-module",
        tree: "App",
        args: &["dir", "App", "-wix3", "-template:module", "-cg", "AppFiles"],
    },
    Case {
        name: "v3-template-module-suid",
        tree: "App",
        args: &["dir", "App", "-wix3", "-template", "module", "-suid"],
    },
    Case {
        name: "v4-template-product",
        tree: "App",
        args: &["dir", "App", "-template", "product", "-cg", "AppFiles"],
    },
    Case {
        name: "v4-template-module",
        tree: "App",
        args: &["dir", "App", "-template", "module"],
    },
    Case {
        name: "v3-gg",
        tree: "App",
        args: &[
            "dir",
            "App",
            "-wix3",
            "-gg",
            "-cg",
            "AppFiles",
            "-dr",
            "INSTALLDIR",
        ],
    },
    Case {
        name: "v4-gg-g1-srd",
        tree: "App",
        args: &["dir", "App", "-gg", "-g1", "-srd"],
    },
    Case {
        name: "v3-ag-pathsep",
        tree: "App",
        args: &["dir", "App", "-wix3", "-ag", "-sfrag", "-pathsep", "/"],
    },
    Case {
        name: "v4-indent2-lf",
        tree: "App",
        args: &["dir", "App", "-indent", "2", "-lf", "-cg", "AppFiles"],
    },
    Case {
        name: "v3-file",
        tree: "App",
        args: &["file", "App/naïve ☃.txt", "-wix3", "-cg", "One"],
    },
    Case {
        name: "v4-file-srd-gg",
        tree: "App",
        args: &[
            "file",
            "App/cost $5.txt",
            "-srd",
            "-gg",
            "-dr",
            "INSTALLFOLDER",
        ],
    },
    Case {
        name: "v3-file-suid",
        tree: "App",
        args: &["file", "App/😀 smile.txt", "-wix3", "-suid"],
    },
];
