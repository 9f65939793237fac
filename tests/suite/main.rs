//! The integration tests of heat-rs, one binary: each module holds the tests of one subject.
//! What the tests share is in `tests/kit` (the `heat-testkit` crate).

use kit::Tool;

mod api;
mod cases;

mod check;
mod dropin;
mod errors;
mod escaping;
mod external;
mod filters;
mod generate;
mod golden;
mod groups;
#[cfg(unix)]
mod hostile;
#[cfg(unix)]
mod hostile_run;
mod independent_ids;
mod interop;
mod msbuild;
mod order;
mod payload;
mod progress;
mod project;
mod properties;
mod reg;
mod release_cycle;
mod report;
mod schema_tables;
mod snapshots;
mod untrusted;
mod update;
mod vectors;
#[cfg(feature = "xslt")]
mod xslt;

/// The `heat` binary under test.
pub fn heat() -> Tool {
    Tool::new(env!("CARGO_BIN_EXE_heat"))
}
