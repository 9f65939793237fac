//! Patch-safe regeneration: harvests that can still ship as patches and minor upgrades.
//!
//! Windows Installer patches and minor upgrades need every component to keep its GUID, its key
//! path, its ids and its feature from release to release, and no component may leave a
//! feature. This module gives heat what it never had for that:
//!
//! - [`update`]: `-update <previous.wxs>` keeps the ids, GUIDs, folder ids and groups of
//!   every file already in the previous harvest, reports what was kept, added and removed,
//!   and with `-keepremoved` keeps removed files as leftovers a patch can remove;
//! - [`check`]: `heat check <old.wxs> <new.wxs>` lists every change that breaks a patch;
//! - [`groups`]: the 1600-components-per-feature limit (ICE47): a warning, and `-cgsplit <N>`,
//!   a split of the `-cg` group that never moves a component between parts;
//! - [`inventory`]: where every component of a document installs, read from the document's
//!   structure, which all of the above share.

pub mod check;
pub mod groups;
pub mod inventory;
pub mod update;

use crate::error::{codes, Error, Result};
use crate::extension::{Context, OptionSpec, Options, Setup};

/// The options of this module, offered by the standard extension.
pub const OPTIONS: &[OptionSpec] = &[
    OptionSpec::input(
        "update",
        "<previous.wxs>",
        "keep the ids, GUIDs and groups of every file already in the previous harvest",
    ),
    OptionSpec::flag(
        "keepremoved",
        "with -update: keep removed files as leftovers a patch removes (transitive, false condition)",
    ),
    OptionSpec::output(
        "updatereport",
        "<file.json>",
        "with -update: also write the update report as JSON (- for standard output)",
    ),
    OptionSpec::value(
        "cgsplit",
        "<N>",
        "split the -cg group into N groups <name>_1..<name>_N by a stable hash of install location",
    ),
];

/// Adds this module's mutators to a run: the ICE47 check always, the group split for
/// `-cgsplit`, and the update for `-update`.
pub fn configure(_cx: &mut Context, options: &Options, setup: &mut Setup) -> Result<()> {
    setup.add_mutator(Box::new(groups::GroupLimitMutator));
    if let Some(n) = options.value("cgsplit") {
        let parts: u32 = n
            .parse()
            .ok()
            .filter(|p| (1..=1000).contains(p))
            .ok_or_else(|| {
                Error::new(
                    codes::COMMAND_LINE,
                    format!("-cgsplit needs a number of groups from 1 to 1000, not '{n}'."),
                )
            })?;
        let Some(group) = options.value("cg") else {
            return Err(Error::new(
                codes::COMMAND_LINE,
                "-cgsplit splits the component group: give its name with -cg <name>.",
            ));
        };
        setup.add_mutator(Box::new(groups::SplitGroupMutator {
            group: group.to_owned(),
            parts,
        }));
    }
    match options.value("update") {
        Some(previous) => {
            let doc = update::read_previous(previous)?;
            let (ids, groups) = update::update_mutators_for(
                doc,
                update::UpdateOptions {
                    previous_name: previous.to_owned(),
                    keep_removed: options.flag("keepremoved"),
                    report: options.value("updatereport").map(Into::into),
                    print: true,
                },
            );
            setup.add_mutator(Box::new(ids));
            setup.add_mutator(Box::new(groups));
        }
        None => {
            for name in ["keepremoved", "updatereport"] {
                if options.flag(name) {
                    return Err(Error::new(
                        codes::COMMAND_LINE,
                        format!("-{name} goes with -update <previous.wxs>."),
                    ));
                }
            }
        }
    }
    Ok(())
}
