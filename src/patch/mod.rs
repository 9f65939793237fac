//! Patch-safe regeneration: harvests that can still ship as patches and minor upgrades.
//!
//! Windows Installer patches and minor upgrades need every component to keep its GUID, its key
//! path, its ids and its feature from release to release, and no component may leave a
//! feature. This module gives heat what it never had for that:
//!
//! - `-update <previous.wxs>` keeps the ids, GUIDs, folder ids and groups of every file
//!   already in the previous harvest, reports what was kept, added and removed
//!   ([`UpdateReport`]), and with `-keepremoved` keeps removed files as leftovers a patch can
//!   remove;
//! - [`check`]: `heat check <old.wxs> <new.wxs>` lists every change that breaks a patch
//!   ([`CheckReport`]);
//! - the 1600-components-per-feature limit (ICE47): a warning, and `-cgsplit <N>`, a split of
//!   the `-cg` group that never moves a component between parts;
//! - where every component of a document installs, read from the document's structure, which
//!   all of the above share.

mod atoms;
mod check;
mod groups;
#[cfg(test)]
pub(crate) mod inventory;
mod keys;
mod matching;
#[cfg(test)]
mod oracle_tests;
pub(crate) mod snapshot;
mod trust;
mod update;

pub use check::{check, CheckReport, Finding, Rule};
pub(crate) use groups::{GroupLimitMutator, SplitGroupMutator};
#[doc(hidden)]
pub use update::fuzz_update;
pub(crate) use update::{update_mutators, UpdateOptions};
pub use update::{RemovedFile, UpdateReport};

/// An attribute's value as text, spelled out when the document holds it compactly.
pub(crate) fn attr_text<'d>(
    doc: &'d crate::wix::Document,
    node: crate::wix::NodeId,
    name: &str,
) -> Option<std::borrow::Cow<'d, str>> {
    doc.attr(node, name).map(|v| v.text())
}
