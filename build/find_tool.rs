//! Finding a program on the PATH, as a shell would. Shared by the root `build.rs` and the
//! test kit (both include this file with `#[path]`; it lives here so that the published package,
//! which leaves the kit out, still builds), so that the tests the build marks as
//! needing a tool and the check a test makes at its start agree.

use std::path::{Path, PathBuf};

/// Where `tool` is on the PATH, if it is: the first folder of the PATH that holds an
/// executable file of that name (on Windows also with one of `PATHEXT`'s extensions).
pub fn find_tool(tool: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let extensions: Vec<String> = if cfg!(windows) {
        let pathext = std::env::var("PATHEXT").unwrap_or_else(|_| ".COM;.EXE;.BAT;.CMD".into());
        std::iter::once(String::new())
            .chain(pathext.split(';').map(str::to_owned))
            .collect()
    } else {
        vec![String::new()]
    };
    std::env::split_paths(&path)
        .filter(|dir| !dir.as_os_str().is_empty())
        .flat_map(|dir| {
            extensions
                .iter()
                .map(move |ext| dir.join(format!("{tool}{ext}")))
        })
        .find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}
