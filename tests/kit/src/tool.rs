//! Running a binary under test.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A program the tests run, such as the `heat` binary (`env!("CARGO_BIN_EXE_heat")`).
#[derive(Clone, Debug)]
pub struct Tool {
    path: PathBuf,
}

impl Tool {
    /// The program at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Tool {
        Tool { path: path.into() }
    }

    /// Where the program is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A command that runs the program in `cwd`, to add to before running it.
    pub fn command(&self, cwd: &Path) -> Command {
        let mut cmd = Command::new(&self.path);
        cmd.current_dir(cwd);
        cmd
    }

    /// Runs the program with `args` in `cwd`.
    #[track_caller]
    pub fn run<S: AsRef<OsStr>>(&self, cwd: &Path, args: &[S]) -> Output {
        match self.command(cwd).args(args).output() {
            Ok(out) => out,
            Err(e) => panic!("run {}: {e}", self.path.display()),
        }
    }

    /// Runs the program and panics with its standard error unless it succeeds.
    #[track_caller]
    pub fn ok<S: AsRef<OsStr> + std::fmt::Debug>(&self, cwd: &Path, args: &[S]) -> Output {
        let out = self.run(cwd, args);
        assert!(
            out.status.success(),
            "{} {args:?} failed: {}",
            self.name(),
            stderr(&out)
        );
        out
    }

    /// Runs the program with `args` and `-o out.wxs` in `cwd`, panics unless it succeeds, and
    /// returns what it wrote to `out.wxs`.
    #[track_caller]
    pub fn output_of(&self, cwd: &Path, args: &[&str]) -> Vec<u8> {
        let mut all = args.to_vec();
        all.extend(["-o", "out.wxs"]);
        self.ok(cwd, &all);
        std::fs::read(cwd.join("out.wxs")).unwrap()
    }

    fn name(&self) -> String {
        self.path.file_stem().map_or_else(
            || self.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    }
}

/// A run's standard error, as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A run's standard output, as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}
